/* cloudmap search: a combobox over region ids, names, cities, countries and providers (any
 * case, any accents); arrows move through the results, Enter opens one, Escape closes. The
 * zoom buttons follow it, so Tab reaches the search first. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;

  cm.search = function (app) {
    var input = el("input", { id: "cm-search-input", type: "search", class: "cm-search-input", role: "combobox",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "cm-results", autocomplete: "off",
      spellcheck: "false", placeholder: "Region, city or country" });
    var results = el("ul", { id: "cm-results", class: "cm-results", role: "listbox", "aria-label": "Search results" });
    results.hidden = true;
    var status = el("p", { class: "cm-sr", "aria-live": "polite" });
    var note = el("p", { class: "cm-search-note", role: "status" });
    note.hidden = true;
    app.notice = function (text) { note.textContent = text; note.hidden = !text; };
    var found = [], active = -1;
    app.searchInput = input;

    function find(q) {
      q = cm.fold(q);
      if (!q) return [];
      var scored = [];
      app.places.forEach(function (p) {
        var k = p.keys, score = -1;
        if (k[0] === q) score = 0;
        else if (k[0].indexOf(q) === 0) score = 1;
        else if (k.some(function (h) { return h === q; })) score = 2;
        else if (k.some(function (h) { return h.split(/[\s(),/-]+/).some(function (w) { return w.indexOf(q) === 0; }); })) score = 3;
        else if (k.some(function (h) { return h.indexOf(q) >= 0; })) score = 4;
        if (score < 0) return;
        var now = app.statusAt(p, app.steps[app.last]);
        scored.push([app.selected[p.provider] ? 0 : 1, score, now && cm.LIVE[now] ? 0 : now === "announced" ? 1 : 2,
          p.provider, p.id, p]);
      });
      scored.sort(function (a, b) {
        for (var i = 0; i < 5; i += 1) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
        return 0;
      });
      return scored.slice(0, 10).map(function (x) { return x[5]; });
    }
    function close() {
      results.hidden = true;
      results.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      found = [];
      active = -1;
    }
    function setActive(i) {
      var items = results.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (i + items.length) % items.length;
      Array.prototype.forEach.call(items, function (it, j) { it.setAttribute("aria-selected", j === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function show() {
      close();
      var q = input.value;
      if (!cm.fold(q)) { status.textContent = ""; return; }
      found = find(q);
      found.forEach(function (p, i) {
        var s = app.statusAt(p, app.steps[app.last]);
        var item = el("li", { role: "option", id: "cm-opt-" + i, "aria-selected": "false", class: "cm-result" }, [
          el("span", { class: "cm-result-name", text: p.name }),
          el("span", { class: "cm-result-meta", text: p.prov.short + (p.site ? " · announced site" : " · " + p.id) +
            (s && !cm.LIVE[s] ? " · " + app.statusInfo[s].label.toLowerCase() : "") })]);
        item.addEventListener("mousedown", function (e) { e.preventDefault(); });
        item.addEventListener("click", function () { choose(i); });
        results.appendChild(item);
      });
      if (!found.length) results.appendChild(el("li", { class: "cm-hint", text: "No match" }));
      results.hidden = false;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      status.textContent = found.length ? found.length + " " + cm.plural(found.length, "result", "results") +
        ": arrow keys to choose, Enter to open" : "No match";
    }
    function choose(i) {
      var p = found[i];
      if (!p) return;
      close();
      app.goTo(p, input);
    }
    input.addEventListener("input", function () { app.notice(""); show(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (results.hidden) show();
        if (found.length) setActive(e.key === "ArrowDown" ? active + 1 : active < 0 ? found.length - 1 : active - 1);
        e.preventDefault();
      } else if (e.key === "Enter") {
        if (!found.length && cm.fold(input.value)) found = find(input.value);
        choose(active >= 0 ? active : 0);
        e.preventDefault();
      } else if (e.key === "Escape") {
        if (!results.hidden) close();
        else if (app.popupOpen && app.popupOpen()) return; // Escape closes the popup
        else input.value = "";
        e.preventDefault();
        e.stopPropagation();
      }
    });
    input.addEventListener("blur", function () { if (!results.matches(":hover")) close(); });
    cm.control(app, "topleft", el("div", { class: "cm-search", role: "search" }, [
      el("label", { for: "cm-search-input", class: "cm-sr", text: "Search regions, cities, countries and providers" }),
      input, results, status, note]), "cm-search-control");
    L.control.zoom({ position: app.compact ? "topright" : "topleft" }).addTo(app.map);
    cm.find = find;
  };
})();
