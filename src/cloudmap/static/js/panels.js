/* cloudmap panels: collapsible panels (a heading button with aria-expanded, and a body) and
 * where they go. A desktop has them in two corners; a phone has them in one bottom dock where
 * one opens at a time. Each panel element of the map adds its panel; they are placed when the
 * map starts, in the order of PLACES. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;
  // Where each panel goes: its desktop corner (column) and order there, the group in which
  // only one panel is open at a time on a desktop, and its place in the phone dock.
  var PLACES = {
    providers: { column: "right", order: 1, group: "right", dock: 1 },
    layers: { column: "right", order: 2, group: "right", dock: 4 },
    compare: { column: "right", order: 3, group: "right", dock: 5 },
    legend: { column: "left", order: 1, group: "legend", dock: 3 },
    timeline: { column: "left", order: 2, group: "timeline", dock: 2 },
  };

  // A Leaflet control holding ``node``; clicks and scrolls stay in it.
  cm.control = function (app, position, node, cls) {
    var c = L.control({ position: position });
    c.onAdd = function () {
      var box = el("div", { class: "leaflet-control " + (cls || "") }, [node]);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    c.addTo(app.map);
    return c;
  };

  cm.panel = function (app, id, title, body, open) {
    var bodyId = "cm-" + id + "-body";
    var button = el("button", { type: "button", class: "cm-toggle", "aria-expanded": "false",
      "aria-controls": bodyId, id: "cm-" + id + "-toggle" }, [el("span", { class: "cm-toggle-label", text: title })]);
    var box = el("div", { class: "cm-panel-body", id: bodyId, role: "group", "aria-labelledby": "cm-" + id + "-toggle" },
      [body]);
    var section = el("section", { class: "cm-panel cm-panel-" + id }, [el("h2", { class: "cm-panel-title" }, [button]), box]);
    var place = PLACES[id] || { column: "right", order: 9, group: id, dock: 9 };
    var p = { id: id, section: section, button: button, body: box, column: place.column, place: place, open: open };
    p.set = function (on) {
      button.setAttribute("aria-expanded", on ? "true" : "false");
      box.hidden = !on;
      section.classList.toggle("cm-open", on);
      // one open at a time in the phone dock, and in each desktop column
      if (on) {
        app.panels.forEach(function (o) {
          if (o !== p && (app.compact || o.place.group === p.place.group)) o.set(false);
        });
      }
      app.container.classList.toggle("cm-sheet-open", app.compact && app.panels.some(function (o) { return o.isOpen(); }));
    };
    p.isOpen = function () { return !box.hidden; };
    button.addEventListener("click", function () {
      p.set(!p.isOpen());
      if (p.onToggle) p.onToggle(p.isOpen());
    });
    app.panels.push(p);
    return p;
  };

  cm.layout = function (app) {
    app.on("start", function () {
      var panels = app.panels.slice();
      panels.forEach(function (p) { p.set(!app.compact && p.open); });
      if (app.compact) {
        panels.sort(function (a, b) { return a.place.dock - b.place.dock; });
        cm.control(app, "bottomleft", el("div", { class: "cm-dock" }, panels.map(function (p) { return p.section; })),
          "cm-dock-control");
        return;
      }
      ["right", "left"].forEach(function (column) {
        var mine = panels.filter(function (p) { return p.column === column; });
        if (!mine.length) return;
        mine.sort(function (a, b) { return a.place.order - b.place.order; });
        cm.control(app, column === "right" ? "topright" : "bottomleft",
          el("div", { class: "cm-stack" }, mine.map(function (p) { return p.section; })), "cm-" + column);
      });
    });
  };
})();
