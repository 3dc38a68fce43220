/* cloudmap popups: a place's facts, sources, zones, dates and notes; a country's footprint; the
 * popup panned clear of every control; focus and Escape for keyboard users; goTo (a search
 * result): select what it needs, move there, open its popup. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;
  var SEARCH_ZOOM = 6; // a search result opens at least this close

  cm.popups = function (app) {
    var map = app.map, container = app.container, data = app.data, LIVE = cm.LIVE, info = app.statusInfo;
    var popup = null, popupPlace = null, popupOpener = null, layoutPending = false;
    app.idleChecks.push(function () { return !layoutPending; });

    var GAP = 8, TIP = 14; // room kept around a popup, and its tip below it
    function size() {
      var v = app.visibleBox(), w = v.r - v.l, h = v.b - v.t;
      // (widths are the content's: the popup adds 28 px of margins and a border)
      return { maxWidth: Math.max(140, Math.min(360, w - 2 * GAP - 32)), minWidth: Math.max(120, Math.min(240, w - 2 * GAP - 32)),
        maxHeight: Math.max(120, Math.min(420, h - 110)) };
    }
    function openAt(latlng, content, opener) {
      if (app.compact) app.panels.forEach(function (p) { p.set(false); });
      var s = size();
      popup = L.popup({ maxWidth: s.maxWidth, minWidth: s.minWidth, maxHeight: s.maxHeight, autoPan: false,
        className: "cm-leaflet-popup", offset: [0, -12] }).setLatLng(latlng).setContent(content);
      popupOpener = opener || null;
      map.openPopup(popup);
      clearOfControls();
    }
    function openPlace(m, focus) {
      popupPlace = m.place;
      openAt(m.getLatLng(), placePopup(m.place), m);
      if (focus) focusPopup();
    }
    function focusPopup() {
      var h = popup && popup.getElement() && popup.getElement().querySelector("h3");
      if (h) h.focus({ preventScroll: true });
    }
    function refresh() {
      if (popup && popupPlace && map.hasLayer(popup)) {
        var had = popup.getElement().contains(document.activeElement);
        popup.setContent(placePopup(popupPlace));
        clearOfControls();
        if (had) focusPopup();
      }
    }
    app.popupOpen = function () { return !!(popup && map.hasLayer(popup)); };
    app.on("open-place", function (e) { openPlace(e.marker, e.focus); });
    app.on("open-country", function (e) { openCountry(e.index, e.latlng); });
    app.on("change", refresh);
    app.on("details", refresh);
    function tabbable(root) {
      return Array.prototype.filter.call(root.querySelectorAll("a[href], button, summary, [tabindex='0'], input"),
        function (e) { return e.offsetParent !== null && !e.closest("details:not([open]) > :not(summary)"); });
    }
    // Escape closes the popup wherever focus is (the search keeps Escape for its own list);
    // focus then returns to what opened it. While it is open, Tab and Shift+Tab go round the
    // popup's own links and buttons.
    document.addEventListener("keydown", function (e) {
      if (!popup || !map.hasLayer(popup)) return;
      var box = popup.getElement();
      if (e.key === "Escape" && !e.defaultPrevented) {
        map.closePopup();
        e.preventDefault();
      } else if (e.key === "Tab" && box && box.contains(document.activeElement)) {
        var list = tabbable(box);
        if (!list.length) { e.preventDefault(); return; }
        var i = list.indexOf(document.activeElement);
        var next = e.shiftKey ? (i <= 0 ? list.length - 1 : i - 1) : (i < 0 || i === list.length - 1 ? 0 : i + 1);
        list[next].focus({ preventScroll: true });
        e.preventDefault();
      }
    });
    map.on("popupopen", function (e) {
      container.classList.add("cm-popup-open");
      var box = e.popup.getElement(), title = box && box.querySelector("h3");
      if (box && title) {
        title.id = "cm-popup-title";
        box.setAttribute("role", "dialog");
        box.setAttribute("aria-labelledby", "cm-popup-title");
      }
    });
    map.on("popupclose", function (e) {
      if (e.popup !== popup) return;
      container.classList.remove("cm-popup-open");
      var opener = popupOpener;
      popup = null;
      popupPlace = null;
      popupOpener = null;
      if (opener && document.activeElement && (document.activeElement === document.body ||
          container.contains(document.activeElement))) {
        var target = opener === app.searchInput ? opener : opener._icon;
        if (target) target.focus({ preventScroll: true });
      }
    });
    // the popup goes along when the view wraps to another world copy
    app.on("moved", function () {
      if (popup && map.hasLayer(popup)) {
        var pl = popup.getLatLng(), lng = map.getCenter().lng;
        if (Math.abs(pl.lng - lng) > 180) popup.setLatLng([pl.lat, pl.lng + (pl.lng > lng ? -360 : 360)]);
      }
    });

    // -------------------------------------------------------------- clear of the controls
    function hits(a, b) { return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b; }
    // The smallest shift (dx, dy) that puts box pr inside the visible map and off every control.
    function bestShift(pr) {
      var v = app.visibleBox(), ctrls = app.controlBoxes();
      var mr = { l: v.l + GAP / 2, t: v.t + GAP / 2, r: v.r - GAP / 2, b: v.b - GAP / 2 };
      var xs = [0, mr.l - pr.l, mr.r - pr.r], ys = [0, mr.t - pr.t, mr.b - pr.b];
      ctrls.forEach(function (c) { xs.push(c.r + GAP - pr.l, c.l - GAP - pr.r); ys.push(c.b + GAP - pr.t, c.t - GAP - pr.b); });
      var best = null;
      xs.forEach(function (dx) {
        ys.forEach(function (dy) {
          var b = { l: pr.l + dx, t: pr.t + dy, r: pr.r + dx, b: pr.b + dy };
          if (b.l < mr.l - 0.5 || b.r > mr.r + 0.5 || b.t < mr.t - 0.5 || b.b > mr.b + 0.5) return;
          if (ctrls.some(function (c) { return hits(b, c); })) return;
          var cost = Math.abs(dx) + Math.abs(dy);
          if (!best || cost < best.cost) best = { dx: dx, dy: dy, cost: cost };
        });
      });
      return best;
    }
    function popupBox() {
      var m = container.getBoundingClientRect(), r = popup.getElement().getBoundingClientRect();
      return { l: r.left - m.left, t: r.top - m.top, r: r.right - m.left, b: r.bottom - m.top + TIP };
    }
    // Pan the map so the open popup (and its tip) meets no control and lies inside the visible
    // map. No room: fold the open panels; still none: the popup gets as tall as the tallest clear
    // part of the map that is wide enough, and scrolls.
    function clearOfControls() {
      if (!popup || !popup.getElement()) return;
      var pr = popupBox(), best = bestShift(pr);
      if (!best) {
        var open = app.panels.filter(function (p) { return p.isOpen(); });
        open.forEach(function (p) { p.set(false); });
        best = bestShift(pr);
      }
      if (!best) {
        var w = pr.r - pr.l + GAP, room = null;
        app.clearRects().forEach(function (c) {
          if (c.r - c.l >= w && (!room || c.b - c.t > room.b - room.t)) room = c;
        });
        var content = popup.getElement().querySelector(".leaflet-popup-content");
        if (room && content) {
          var chrome = pr.b - pr.t - content.offsetHeight;
          popup.options.maxHeight = Math.max(60, room.b - room.t - chrome - 2 * GAP);
          popup.update();
          pr = popupBox();
          best = bestShift(pr);
        }
      }
      if (best && (best.dx || best.dy)) map.panBy([-best.dx, -best.dy], { animate: false });
    }

    // -------------------------------------------------------------- a place
    function row(rows, label, value) {
      if (value === null || value === undefined || value === "") return;
      rows.push(el("tr", {}, [el("th", { scope: "row", text: label }), el("td", {}, [value])]));
    }
    function dateText(d) { // "no later than ..." for a bound
      return d.bound && d.text.indexOf("no later than") < 0 ? "no later than " + d.text : d.text;
    }
    function relayout() { // a <details> in the popup opened or closed: size and place again
      layoutPending = false;
      if (!popup || !map.hasLayer(popup)) return;
      popup.update();
      clearOfControls();
    }
    function more(summary, children) {
      var d = el("details", { class: "cm-more" }, [el("summary", { text: summary })].concat(children));
      d.addEventListener("toggle", relayout);
      d.firstChild.addEventListener("click", function () { layoutPending = true; });
      return d;
    }
    function placePopup(p) {
      var s = app.statusAt(p), rows = [];
      var title = el("h3", { tabindex: "-1", text: p.name });
      var sub = el("p", { class: "cm-sub" }, [cm.shapeSwatch(p.prov), p.prov.name + " · ",
        p.site ? "announced site" : el("code", { class: "cm-id", text: p.id })]);
      row(rows, "Status", el("span", {}, [s ? cm.swatch(app.fill(s)) : null,
        (s ? info[s].label : "Not yet announced") + " on " + cm.humanDay(app.day)]));
      row(rows, "Where", (p.city ? p.city + ", " : "") + (p.flag ? p.flag + " " : "") + p.countryName +
        " (" + p.country + ")");
      if (!p.site) {
        var zu = s && LIVE[s] && app.zonesUnknownAt(p), zn = s && LIVE[s] ? app.zonesAt(p) : 0;
        row(rows, "Live zones", zu ? (zn ? "at least " + zn + " (full count not published)" : "not published") : String(zn));
      }
      var body = [title, sub];
      var d = p.detail;
      if (d) {
        var launched = d.dates.filter(function (x) { return x.label === "Launched"; })[0];
        if (launched) row(rows, "Launched", dateText(launched));
      } else if (!p.site) {
        var first = app.launchedOn(p);
        if (first) row(rows, "Launched", (p.bounded ? "no later than " : "") + cm.humanDay(first));
      }
      body.push(el("table", { class: "cm-facts" }, rows));
      if (p.bounded) {
        body.push(el("p", { class: "cm-bound" }, [el("span", { class: "cm-bound-key", "aria-hidden": "true", text: "≤" }),
          " Only an upper bound of the launch date is known: the region may be older than the timeline shows."]));
      }
      if (!d) {
        if (app.details !== "failed") app.loadDetails();
        body.push(el("p", { class: "cm-hint", text: app.details === "failed"
          ? "Details could not be loaded (" + app.options.detailsSrc + ")." : "Loading details…" }));
        return el("div", { class: "cm-popup" }, body);
      }
      if (d.sources.length) {
        body.push(el("div", { class: "cm-sources" }, [el("h4", { text: "Sources" }), el("ol", {}, d.sources.map(function (src) {
          var url = cm.safeUrl(src.url);
          var link = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", title: url }, [cm.host(url)])
            : el("span", { text: src.url });
          return el("li", {}, [link, src.supports ? ": " + src.supports : ""]);
        }))]));
      }
      if (!p.site && d.zones.length) {
        var listed = d.zones.filter(function (z) { return z.id; });
        var counted = d.zones.filter(function (z) { return !z.id; })[0];
        if (listed.length) {
          body.push(more("Zones (" + listed.length + " listed)", [
            el("ul", { class: "cm-zones" }, listed.map(function (z) {
              var extra = [];
              if (z.opened) extra.push("opened " + z.opened);
              if (z.closed) extra.push("closed " + z.closed);
              return el("li", {}, [el("code", { class: "cm-id", text: z.id }), extra.length ? " (" + extra.join(", ") + ")" : ""]);
            }))]));
        } else if (counted) {
          row(rows, "Zones", counted.count + " (the provider does not publish their names)");
        }
      }
      if (d.grid) body.push(gridFacts(d.grid, p));
      var extra = [];
      d.dates.forEach(function (x) { row(extra, x.label, dateText(x)); });
      row(extra, "Kind", d.kind.charAt(0).toUpperCase() + d.kind.slice(1));
      row(extra, "Placed", d.placed);
      if (d.region) row(extra, "Region", el("code", { class: "cm-id", text: d.region }));
      var moreBody = [el("table", { class: "cm-facts" }, extra)];
      if (d.excluded) moreBody.push(el("p", { class: "cm-notes", text: "Not in " + p.prov.name + "'s own totals: " + d.excluded }));
      if (d.notes) moreBody.push(el("p", { class: "cm-notes", text: d.notes }));
      body.push(more("Dates, kind and notes", moreBody));
      return el("div", { class: "cm-popup" }, body);
    }

    // Where the region draws its power and whose law its operator answers to.
    function gridFacts(g, p) {
      var rows = [];
      row(rows, "Grid", g.zone ? (g.zone_name || g.zone) : (g.zone_reason ? "not placed: " + g.zone_reason : null));
      if (g.carbon !== undefined) {
        row(rows, "Grid carbon", Math.round(g.carbon) + " gCO2e/kWh (" + p.countryName + ", " + g.carbon_year +
          "; the figure every region is compared by)");
      }
      if (g.figure !== undefined && (g.figure_level === "zone" && g.figure_zone !== p.country)) {
        row(rows, "Zone figure", Math.round(g.figure) + " g" + (g.figure_gas === "CO2" ? "CO2" : "CO2e") +
          "/kWh (" + (g.figure_zone || "") + ", " + g.figure_year + ", " + g.figure_method +
          "; not comparable with other zones' figures)");
      }
      if (g.cfe_share !== undefined) {
        row(rows, "Carbon-free energy", Math.round(g.cfe_share * 100) + "% (" + g.cfe_year + ", the provider's own figure)");
      }
      row(rows, "Operator", g.operator || (g.operator_unknown ? "a local partner, not named: " + g.operator_unknown
        : p.prov.name));
      row(rows, "Partition", g.partition);
      if (g.jurisdictions && g.jurisdictions.length) {
        row(rows, "Law", g.jurisdictions.map(function (cc) {
          return (data.countryNames[cc] || { name: cc }).name;
        }).join(", ") + (g.jurisdictions_complete === false ? " (and the unnamed operator's)" : ""));
      }
      return more("Grid and jurisdiction", [el("table", { class: "cm-facts" }, rows)]);
    }

    // -------------------------------------------------------------- a country
    function openCountry(i, latlng) {
      var c = app.countriesData[i], list = [];
      var live = { regions: 0, zones: 0, unknown: false };
      app.places.forEach(function (p) {
        if (p.country !== c.iso || !app.selected[p.provider] || !p.s) return;
        list.push(p);
        if (LIVE[p.s]) {
          if (p.countsRegion) live.regions += 1;
          if (p.countsZones) { live.zones += p.z; if (p.zu) live.unknown = true; }
        }
      });
      var body = [el("h3", { tabindex: "-1", text: (c.flag ? c.flag + " " : "") + c.name }),
        el("p", {}, [app.who() + " on " + cm.humanDay(app.day) + ": " + live.regions + " live " +
          cm.plural(live.regions, "region", "regions") + ", " + cm.zonesText(live.zones, live.unknown) + " live " +
          (live.zones === 1 && !live.unknown ? "zone" : "zones")])];
      if (list.length) {
        body.push(el("ul", { class: "cm-list" }, list.slice(0, 30).map(function (p) {
          return el("li", {}, [p.prov.short + ": ", p.site ? p.name : el("code", { class: "cm-id", text: p.id }),
            p.site ? "" : " " + p.name, " — " + info[p.s].label.toLowerCase()]);
        })));
        if (list.length > 30) body.push(el("p", { class: "cm-hint", text: "and " + (list.length - 30) + " more" }));
      }
      if (c.markets.length) {
        body.push(el("p", {}, ["Markets: " + c.markets.map(function (m) { return data.markets[m].name; }).join(", ")]));
      }
      var carbon = app.countryCarbon ? app.countryCarbon(c.iso) : null;
      if (carbon !== null) {
        body.push(el("p", {}, ["Grid carbon intensity: " + carbon + " gCO2e/kWh (" + data.carbon.dataset + ", " +
          data.carbon.years.join(", ") + ")."]));
      }
      var r = app.bestRtt ? app.bestRtt(c.iso) : null;
      if (r) {
        body.push(el("p", {}, ["Estimated RTT to the nearest region of the selected providers: ~" + Math.round(r.ms) +
          " ms (", el("code", { class: "cm-id", text: r.region }), ", " + app.providers[r.provider].short + "), " +
          data.rtt.note + ", as of " + cm.humanDay(data.asOf) + "."]));
      }
      popupPlace = null;
      openAt(latlng, el("div", { class: "cm-popup" }, body));
    }

    // -------------------------------------------------------------- go to a place
    // Show a place and open its popup. Every step waits on the page's own state (markers
    // loaded, no zoom in progress), never on an animation event that might not come: a slow
    // phone gets the popup late, never not at all.
    var revealToken = 0;
    app.goTo = function (p, opener) {
      if (app.stopPlaying) app.stopPlaying();
      var said = []; // what the result needed changed, said beside the search
      if (!app.selected[p.provider]) { app.selected[p.provider] = true; said.push("added " + p.prov.name + " to the map"); }
      if (!app.statusAt(p)) {
        said.push("moved the date to " + cm.humanDay(app.steps[app.last]) + " (not on the map on " + cm.humanDay(app.day) + ")");
        app.step = app.last;
        app.day = app.steps[app.last];
      }
      var s = app.statusAt(p);
      if (s && !app.statusOn[s]) { app.statusOn[s] = true; said.push("showed \u201c" + info[s].label + "\u201d places again"); }
      if (!app.markersShown()) { app.showMarkers(true); said.push("showed the places layer again"); }
      if (said.length) app.apply();
      if (app.notice) app.notice(said.length ? "To show " + p.name + ", the map " + said.join(", ") + "." : "");
      app.busy += 1;
      var token = revealToken += 1;
      app.whenSettled(function () {
        if (token !== revealToken) { app.busy -= 1; return; } // a later result replaced this one
        map.closePopup();
        var m = app.nearestCopy(p);
        var zoom = Math.max(map.getZoom(), SEARCH_ZOOM);
        var parent = m.__parent;
        if (parent && parent._zoom !== undefined) zoom = Math.max(zoom, Math.min(parent._zoom + 1, map.getMaxZoom()));
        app.showAt(m.getLatLng(), zoom); // in the middle of the map's clear part
        m = app.nearestCopy(p); // the view may have wrapped to another world copy
        var shownAs = app.cluster.getVisibleParent(m);
        if (shownAs && shownAs !== m && shownAs.spiderfy) shownAs.spiderfy();
        openPlace(m, true);
        popupOpener = opener || null;
        app.busy -= 1;
      });
    };
    cm.goTo = function (p) { app.goTo(p, app.searchInput); };
  };
})();
