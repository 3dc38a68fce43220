/* cloudmap header: the totals of the selection on the day shown, by each provider's own
 * counting rule (the page's first line; written by the build, then kept current here). */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;

  cm.header = function (app) {
    var box = document.getElementById("cm-totals");
    if (!box) return;
    // the counting rule behind these figures, in the legend
    var how = el("button", { type: "button", class: "cm-how", text: "How counted" });
    how.addEventListener("click", function () { app.emit("explain"); });
    box.parentNode.insertBefore(how, box.nextSibling);
    app.on("change", function (t) {
      box.textContent = "";
      [el("span", { class: "cm-who", text: app.who() }), " on ",
        el("time", { datetime: app.day, text: cm.humanDay(app.day) }), ": ",
        el("b", { text: String(t.regions) }), " " + cm.plural(t.regions, "region", "regions") + ", ",
        el("b", { text: t.zonesUnknown ? t.zones + "+" : String(t.zones) }),
        " " + (t.zones === 1 && !t.zonesUnknown ? "zone" : "zones") + " in ",
        el("b", { text: String(t.countries) }), " " + cm.plural(t.countries, "country", "countries") + "; ",
        el("b", { text: String(t.announced) }), " announced"].forEach(function (c) {
        box.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      });
    });
  };
})();
