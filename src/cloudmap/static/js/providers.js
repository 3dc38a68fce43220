/* cloudmap providers panel: show any set of providers, each with its marker shape and its
 * counted live regions on the day shown. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;

  cm.providersPanel = function (app) {
    var boxes = [], counts = [];
    var body = el("div", {}, [
      el("p", { class: "cm-row cm-colhead", "aria-hidden": "true" }, [el("span", { text: "Shown" }),
        el("span", { class: "cm-count", text: "Live regions" })]),
      el("fieldset", { class: "cm-fieldset" }, [el("legend", { class: "cm-sr", text: "Providers shown" })].concat(
        app.providers.map(function (p, i) {
          var box = el("input", { type: "checkbox", "data-provider": p.id });
          box.checked = app.selected[i];
          box.addEventListener("change", function () {
            app.selected[i] = box.checked;
            app.apply();
          });
          boxes.push(box);
          var n = el("span", { class: "cm-count" });
          counts.push(n);
          return el("label", { class: "cm-row" }, [box, cm.shapeSwatch(p), el("span", { text: p.name }), n]);
        }))),
      el("div", { class: "cm-buttons" }, [
        el("button", { type: "button", class: "cm-small", "data-action": "all", text: "All" }),
        el("button", { type: "button", class: "cm-small", "data-action": "none", text: "None" })]),
      el("p", { class: "cm-hint", text: "Marker shape: provider. Fill: status. Number: live zones. Counts: " +
        "live regions by each provider's own rule (see \u201cHow counted\u201d in the legend)." })]);
    body.querySelector("[data-action=all]").addEventListener("click", function () {
      app.setProviders(app.providers.map(function () { return true; }));
    });
    body.querySelector("[data-action=none]").addEventListener("click", function () {
      app.setProviders(app.providers.map(function () { return false; }));
    });
    app.on("change", function (t) {
      app.providers.forEach(function (p, i) {
        counts[i].textContent = "";
        counts[i].appendChild(document.createTextNode(String(t.provider[i])));
        counts[i].appendChild(el("span", { class: "cm-sr", text: " live " + cm.plural(t.provider[i], "region", "regions") }));
        boxes[i].checked = app.selected[i];
      });
    });
    cm.panel(app, "providers", "Providers", body, true);
  };
})();
