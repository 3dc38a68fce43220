/* cloudmap compare panel: the providers side by side in one market (as of the build date), and
 * each country's nearest region of each provider with its distance and estimated RTT. Built
 * when first opened, from the details loaded after the map is up. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;

  function launch(v) {
    if (!v) return "–";
    return v.indexOf("<=") === 0 ? "≤ " + v.slice(2) : v;
  }

  cm.comparePanel = function (app) {
    var data = app.data, providers = app.providers;
    var body = el("div", { class: "cm-compare" });

    function table(m, out) {
      out.textContent = "";
      var note = data.compare.note;
      out.appendChild(el("p", { class: "cm-hint", text: "As of " + cm.humanDay(data.asOf) +
        " (the build date; the timeline does not change this table). Public regions only (regions, local and " +
        "partner regions)." }));
      var head = el("tr", {}, ["Provider", "Live regions", "Zones", "Countries", "First launch", "Latest", "Announced"]
        .map(function (h) { return el("th", { scope: "col", text: h }); }));
      var unknownZones = m.providers.some(function (r) { return r.zonesUnknown; });
      var rows = m.providers.map(function (r) {
        var p = providers[r.provider];
        return el("tr", { "data-provider": p.id }, [el("th", { scope: "row" }, [cm.shapeSwatch(p), p.short]),
          el("td", { text: String(r.regions) }), el("td", { text: r.zonesUnknown ? r.zones + "+" : String(r.zones) }),
          el("td", { text: String(r.countries) }), el("td", { text: launch(r.firstLaunch) }),
          el("td", { text: launch(r.latestLaunch) }),
          el("td", { text: String(r.announced.length), title: r.announced.join(", ") })]);
      });
      out.appendChild(el("div", { class: "cm-scroll", tabindex: "0", role: "region", "aria-label": "Providers in " + m.name }, [
        el("table", { class: "cm-table" }, [el("caption", { text: "Providers in " + m.name }), el("thead", {}, [head]),
          el("tbody", {}, rows)])]));
      if (unknownZones) {
        out.appendChild(el("p", { class: "cm-hint",
          text: "N+ zones: some regions publish no zone count, so the figure is a lower bound." }));
      }
      if (m.countries.length) {
        var pids = m.providers.map(function (r) { return r.provider; });
        var head2 = el("tr", {}, [el("th", { scope: "col", text: "Country" })].concat(pids.map(function (pi) {
          return el("th", { scope: "col", text: providers[pi].short });
        })));
        var rough = false;
        var rows2 = m.countries.map(function (c) {
          var by = {};
          c.nearest.forEach(function (n) { by[n.provider] = n; });
          var name = (data.countryNames[c.country] || { name: c.country }).name;
          return el("tr", { "data-country": c.country }, [el("th", { scope: "row", text: name })].concat(pids.map(function (pi) {
            var n = by[pi];
            if (!n) return el("td", { text: "–" });
            if (n.rough) rough = true;
            return el("td", {}, [el("code", { class: "cm-id", text: n.region }), el("br"),
              n.km.toLocaleString("en") + " km · ~" + Math.round(n.ms) + " ms" + (n.rough ? " (rough)" : "")]);
          })));
        });
        out.appendChild(el("div", { class: "cm-scroll", tabindex: "0", role: "region",
          "aria-label": "Nearest region per country in " + m.name }, [
          el("table", { class: "cm-table" }, [el("caption", { text: "Nearest live region from each country's cities: " +
            "distance and RTT " + note }), el("thead", {}, [head2]), el("tbody", {}, rows2)])]));
        out.appendChild(el("p", { class: "cm-hint", text: "Distance: population-weighted median over the country's " +
          "cities of 15,000+ people. RTT " + note + ", not measured." +
          (rough ? " Rough: the region is placed only at its country (the provider publishes no site)." : "") }));
      }
      if (m.without.length) {
        out.appendChild(el("p", { class: "cm-hint", text: "No city to measure from in: " + m.without.join(", ") }));
      }
    }
    function build() {
      body.textContent = "";
      if (app.details !== "ready") {
        body.appendChild(el("p", { class: "cm-hint", text: app.details === "failed"
          ? "The comparison could not be loaded (" + app.options.detailsSrc + ")." : "Loading the comparison…" }));
        app.loadDetails();
        return;
      }
      var list = data.compare.markets;
      if (!list.length) {
        body.appendChild(el("p", { class: "cm-hint", text: "No markets defined." }));
        return;
      }
      var pick = el("select", { id: "cm-compare-market", class: "cm-select" }, list.map(function (m, i) {
        return el("option", { value: String(i), text: m.name });
      }));
      var out = el("div", { class: "cm-compare-out" });
      pick.addEventListener("change", function () { table(list[Number(pick.value)], out); });
      body.appendChild(el("p", { class: "cm-tl-row" }, [el("label", { for: "cm-compare-market", text: "Market " }), pick]));
      body.appendChild(out);
      table(list[0], out);
    }
    var panel = cm.panel(app, "compare", "Compare", body, false);
    var built = false;
    panel.onToggle = function (open) { // built when first opened: not on the way to ready
      if (open && !built) { built = app.details === "ready"; build(); }
    };
    app.on("details", function () { if (panel.isOpen() && !built) { built = app.details === "ready"; build(); } });
  };
})();
