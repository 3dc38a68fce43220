/* cloudmap legend: the statuses with their counts for the selection on the day shown (each one
 * toggles its markers), what the marks mean, the colours of the country shading shown and the
 * markets outlined. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;

  cm.legend = function (app) {
    var data = app.data;
    var body = el("div", { class: "cm-legend" });

    var opened = {};
    // a <details> that stays open or closed as the legend is redrawn
    function fold(key, summary, children) {
      var d = el("details", { class: "cm-why", open: !!opened[key] }, [el("summary", { text: summary })].concat(children));
      d.addEventListener("toggle", function () { opened[key] = d.open; });
      return d;
    }
    // Why the live markers and the counted regions differ, in the providers' own words.
    function counting(t) {
      var shown = app.providers.filter(function (p, i) { return app.selected[i]; });
      var left = app.places.filter(function (p) {
        return app.selected[p.provider] && p.s && cm.LIVE[p.s] && !p.countsRegion;
      }).map(function (p) { return p.name + (p.site ? "" : " (" + p.prov.short + ")"); });
      var summary = t.live === t.regions ? "How counted: " + t.regions + " live " + cm.plural(t.regions, "region", "regions")
        : t.live + " live on the map, " + t.regions + " counted: why?";
      var parts = shown.map(function (p) { return el("p", { text: p.rule }); });
      if (left.length) {
        parts.unshift(el("p", { text: "Live on the map but not in the providers' own totals: " + left.join(", ") + "." }));
      }
      if (!shown.length) parts.push(el("p", { text: "No provider is selected." }));
      return fold("why", summary, parts);
    }

    function update(t) {
      body.textContent = "";
      body.appendChild(el("h3", { text: "Status on " + cm.humanDay(app.day) }));
      data.statuses.forEach(function (st) {
        var box = el("input", { type: "checkbox", "data-status": st.id });
        box.checked = app.statusOn[st.id];
        box.addEventListener("change", function () {
          app.statusOn[st.id] = box.checked;
          app.apply();
        });
        body.appendChild(el("label", { class: "cm-row" }, [box,
          cm.swatch(app.fill(st.id), "cm-s-swatch cm-swatch-" + st.id),
          el("span", { text: st.label }),
          el("b", { class: "cm-count", "data-status": st.id, text: String(t.status[st.id] || 0) })]));
      });
      body.appendChild(counting(t));
      body.appendChild(fold("marks", "What the marks mean", [el("p", { class: "cm-hint" }, [
        el("span", { class: "cm-bound-key", "aria-hidden": "true", text: "≤" }),
        " on a marker: launch date known only as \u201cno later than\u201d: the region may be older than the " +
        "map shows. \u201c0+\u201d, \u201c3+\u201d: zone count not published for that date (at least that many). " +
        "Dashed outline: announced. Dark disc: several places (select to zoom in)."])]));
      if (app.shade === "zones") {
        body.appendChild(el("h3", { text: "Live zones per country" }));
        body.appendChild(el("div", { class: "cm-bins" }, data.zoneBins.map(function (b, i) {
          var next = data.zoneBins[i + 1];
          return el("span", {}, [cm.swatch(b.color),
            next ? (b.from === next.from - 1 ? String(b.from) : b.from + "–" + (next.from - 1)) : b.from + "+"]);
        })));
      } else if (app.shade === "carbon" && data.carbon) {
        body.appendChild(el("h3", { text: "Grid carbon intensity (gCO2e per kWh)" }));
        body.appendChild(el("div", { class: "cm-bins" }, data.carbon.bands.map(function (b) {
          return el("span", {}, [cm.swatch(b.color), b.label]);
        }).concat([el("span", {}, [el("i", { class: "cm-swatch cm-nodata" }), "no figure"])])));
        body.appendChild(el("p", { class: "cm-hint", text: "Each country's electricity, one dataset for all so the " +
          "countries compare: " + data.carbon.dataset + " (" + data.carbon.method + ", " +
          data.carbon.years.join(", ") + "). A region's popup gives its own grid zone's figure where one is " +
          "published, with its method." }));
      } else if (app.shade === "rtt" && data.rtt) {
        body.appendChild(el("h3", { text: "Estimated RTT to the nearest region" }));
        body.appendChild(el("div", { class: "cm-bins" }, data.rtt.bands.map(function (b) {
          return el("span", {}, [cm.swatch(b.color), b.label]);
        }).concat([el("span", {}, [el("i", { class: "cm-swatch cm-nodata" }), "no data"])])));
        body.appendChild(el("p", { class: "cm-hint", text: "Best of the selected providers, " + data.rtt.note +
          " (not measured), as of " + cm.humanDay(data.asOf) + "." }));
      }
      var shown = data.markets.filter(function (m, i) { return app.marketOn && app.marketOn[i]; });
      if (shown.length) {
        body.appendChild(el("h3", { text: "Markets" }));
        shown.forEach(function (m) {
          body.appendChild(el("div", { class: "cm-row" }, [cm.lineSwatch(m), el("span", { text: m.name })]));
        });
      }
    }
    app.on("change", update);
    app.on("explain", function () { // the header's "How counted"
      opened.why = true;
      panel.set(true);
      update(app.counts());
      var summary = body.querySelector(".cm-why summary");
      if (summary) summary.focus();
    });
    app.on("layers", function () { update(app.counts()); });
    var panel = cm.panel(app, "legend", "Legend", body, true);
  };
})();
