/* cloudmap core: the footprint on the map. Reads the data element's JSON (cloudmap.mapdata)
 * into places with their status history, holds the state every panel shares (the date shown,
 * the providers and statuses shown) and tells the panels when it changes.
 *
 * Every other script (markers, countries, panels, ...) is a function of the app made here:
 * cloudmap.legend(app), cloudmap.search(app), ... (one per folium element of the map).
 *
 * Safety: catalog strings reach the page through textContent or setAttribute (el() below),
 * never innerHTML; the only markup built from strings is our own (marker shapes: numbers and
 * colours checked against a pattern).
 * State for tests and snapshots: window.cloudmap.ready and window.cloudmap.settled(). */
(function () {
  "use strict";

  var cm = window.cloudmap = window.cloudmap || {};
  var LIVE = { new: 1, expanded: 1, live: 1, closing: 1 };
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  cm.LIVE = LIVE;
  // Phones (either way up) and portrait tablets get the touch layout: one bottom dock of panels.
  cm.isCompact = function (w, h) { return w < 700 || h < 500 || (w < 1000 && h > w); };
  cm.SHAPES = {
    circle: '<circle cx="14" cy="14" r="11.5"/>',
    square: '<rect x="3" y="3" width="22" height="22" rx="2"/>',
    diamond: '<path d="M14 1.5L26.5 14 14 26.5 1.5 14z"/>',
    hexagon: '<path d="M14 1.5l10.8 6.25v12.5L14 26.5 3.2 20.25V7.75z"/>',
    triangle: '<path d="M14 1.5l13 24H1z"/>',
    pentagon: '<path d="M14 1.5l12.5 9.1-4.8 14.9H6.3L1.5 10.6z"/>',
    star: '<path d="M14 1.5l3.4 8 8.6.6-6.6 5.6 2.1 8.4L14 19.6l-7.5 4.5 2.1-8.4L2 10.1l8.6-.6z"/>',
    cross: '<path d="M10 2h8v8h8v8h-8v8h-8v-8H2v-8h8z"/>',
  };
  cm.TEXT_Y = { triangle: 20, pentagon: 17.5, star: 17 };

  // ------------------------------------------------------------------ small helpers

  cm.humanDay = function (iso) {
    var d = String(iso).split("-");
    return Number(d[2]) + " " + MONTHS[Number(d[1]) - 1] + " " + d[0];
  };
  // case- and accent-insensitive search keys: "Querétaro" -> "queretaro"
  cm.fold = function (s) {
    return String(s === null || s === undefined ? "" : s).normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  };
  cm.plural = function (n, one, many) { return n === 1 ? one : many; };
  cm.color = function (c) { return /^#[0-9a-f]{3,8}$/i.test(String(c)) ? c : "#444444"; };
  cm.safeUrl = function (url) { return /^https?:\/\//i.test(url) ? url : null; };
  cm.host = function (url) { return String(url).replace(/^[a-z]+:\/\//i, "").split(/[/?#]/)[0]; };
  cm.zonesText = function (n, unknown) { return unknown ? (n | 0) + "+" : String(n | 0); };

  // el("div", {class: "x"}, ["text", el(...)]): strings become text nodes, never markup.
  cm.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === "") return;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return node;
  };

  // A provider's marker shape as a small inline SVG (shape names and colours are checked).
  cm.shapeSwatch = function (p, size) {
    var span = cm.el("span", { class: "cm-shape", "aria-hidden": "true" });
    span.innerHTML = '<svg viewBox="0 0 28 28" width="' + (size || 18) + '" height="' + (size || 18) +
      '" focusable="false"><g fill="#ffffff" stroke="' + cm.color(p.color) + '" stroke-width="3">' +
      (cm.SHAPES[p.shape] || cm.SHAPES.circle) + "</g></svg>";
    return span;
  };
  cm.swatch = function (c, cls) {
    return cm.el("i", { class: "cm-swatch " + (cls || ""), style: "background:" + cm.color(c) });
  };

  // An icon whose element carries an accessible name (Leaflet gives keyboard markers
  // role=button; without a name a screen reader reads the digits inside).
  var LabelIcon = null;
  cm.labelIcon = function (opts) {
    if (!LabelIcon) {
      LabelIcon = L.DivIcon.extend({
        createIcon: function (old) {
          var div = L.DivIcon.prototype.createIcon.call(this, old);
          div.setAttribute("aria-label", this.options.label);
          return div;
        },
      });
    }
    return new LabelIcon(opts);
  };

  // ------------------------------------------------------------------ the app

  cm.appOf = function (map) {
    if (!map.cloudmapApp) throw new Error("cloudmap: add a Footprint element to the map first");
    return map.cloudmapApp;
  };

  // The page holds the places as columns (each field named once: cloudmap.mapdata.wire); the
  // map works on records, one object per place, a field left out where it is null or false.
  cm.records = function (table) {
    var out = [], cols = table.columns, names = Object.keys(cols), hist = table.historyFields;
    for (var i = 0; i < table.count; i += 1) {
      var p = {};
      for (var n = 0; n < names.length; n += 1) {
        var v = cols[names[n]][i];
        if (v !== null && v !== false) p[names[n]] = v;
      }
      if (p.history) {
        p.history = p.history.map(function (row) {
          var h = {};
          row.forEach(function (x, k) { if (x !== null && x !== false) h[hist[k]] = x; });
          return h;
        });
      }
      out.push(p);
    }
    return out;
  };

  cm.app = function (map, dataId, options) {
    var data = JSON.parse(document.getElementById(dataId).textContent);
    if (!Array.isArray(data.places)) data.places = cm.records(data.places);
    var container = map.getContainer();
    var providers = data.providers;
    var steps = data.steps;
    var statusByCode = { ".": null }, statusInfo = {}, statusOn = {};
    data.statuses.forEach(function (s) {
      statusByCode[s.code] = s.id;
      statusInfo[s.id] = s;
      statusOn[s.id] = true;
    });
    var places = data.places;
    places.forEach(function (p, i) {
      var cc = data.countryNames[p.country] || { name: p.country, flag: "" };
      p.index = i;
      p.prov = providers[p.provider];
      p.countryName = cc.name;
      p.flag = cc.flag;
      p.keys = [p.id, p.name, p.city, p.countryName, p.country, p.prov.name, p.prov.short].map(cm.fold);
    });
    var handlers = {};
    var app = {
      map: map,
      data: data,
      options: options || {},
      container: container,
      providers: providers,
      places: places,
      steps: steps,
      last: steps.length - 1,
      step: steps.length - 1,
      day: steps[steps.length - 1],
      statusInfo: statusInfo,
      statusOn: statusOn,
      selected: providers.map(function (p) { return data.selected.indexOf(p.id) >= 0; }),
      compact: cm.isCompact(container.clientWidth, container.clientHeight),
      ready: false,
      busy: 0, // pending work (a probe, a reveal) that settled() waits for
      playing: null,
      details: "none", // popups' details: none, loading, ready or failed
      panels: [],
    };
    map.cloudmapApp = app;
    document.body.classList.toggle("cm-compact", app.compact);
    // Tab order: the search and zoom (top left), the markers, then the panels.
    container.insertBefore(map._controlCorners.topleft, container.firstChild);
    container.removeAttribute("tabindex");
    container.setAttribute("tabindex", "0");

    app.on = function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); };
    app.emit = function (name, arg) { (handlers[name] || []).forEach(function (fn) { fn(arg); }); };

    // -------------------------------------------------------------- statuses on a day
    function entryAt(p, d) {
      var h = p.history, e = null;
      for (var i = 0; i < h.length && h[i].on <= d; i += 1) e = h[i];
      return e;
    }
    app.fill = function (s) { return s === "announced" ? data.colors.announced : statusInfo[s].color; };
    app.statusAt = function (p, d) { var e = entryAt(p, d || app.day); return e ? statusByCode[e.status] : null; };
    app.zonesAt = function (p, d) { var e = entryAt(p, d || app.day); return e ? e.zones : 0; };
    // whether the zone count is not published then (the figure is a lower bound)
    app.zonesUnknownAt = function (p, d) { var e = entryAt(p, d || app.day); return !!(e && e.unknown); };
    app.launchedOn = function (p) { // first day it was live: its launch (or "no later than" bound)
      for (var i = 0; i < p.history.length; i += 1) if (LIVE[statusByCode[p.history[i].status]]) return p.history[i].on;
      return null;
    };

    // Counts for the selection on the day shown, by each provider's own counting rule.
    app.counts = function () {
      var t = { regions: 0, zones: 0, zonesUnknown: false, countries: {}, announced: 0, status: {},
        live: 0, uncounted: 0, provider: providers.map(function () { return 0; }) };
      places.forEach(function (p) {
        if (!p.s) return;
        if (LIVE[p.s] && p.countsRegion) t.provider[p.provider] += 1;
        if (!app.selected[p.provider]) return;
        t.status[p.s] = (t.status[p.s] || 0) + 1;
        if (LIVE[p.s]) {
          t.live += 1;
          if (p.countsRegion) { t.regions += 1; t.countries[p.country] = 1; } else t.uncounted += 1;
          if (p.countsZones) { t.zones += p.z; if (p.zu) t.zonesUnknown = true; }
        } else if (p.s === "announced") t.announced += 1;
      });
      t.countries = Object.keys(t.countries).length;
      return t;
    };
    app.who = function () {
      var names = providers.filter(function (p, i) { return app.selected[i]; });
      if (!names.length) return "No provider";
      if (names.length === 1) return names[0].name;
      if (names.length === providers.length) return "All " + providers.length + " providers";
      return names.map(function (p) { return p.short; }).join(", ");
    };

    // Every change of date, providers or statuses shown goes through apply().
    app.apply = function () {
      places.forEach(function (p) {
        p.s = app.statusAt(p);
        p.z = app.zonesAt(p);
        p.zu = app.zonesUnknownAt(p);
      });
      app.emit("change", app.counts());
    };
    app.setStep = function (i) {
      app.step = Math.max(0, Math.min(app.last, i));
      app.day = steps[app.step];
      app.apply();
    };
    // any date: the statuses are those of the last change on or before it
    app.setDay = function (iso) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
      app.day = iso < steps[0] ? steps[0] : iso > steps[app.last] ? steps[app.last] : iso;
      app.step = 0;
      while (app.step < app.last && steps[app.step + 1] <= app.day) app.step += 1;
      app.apply();
      return true;
    };
    app.setProviders = function (list) {
      list.forEach(function (on, i) { app.selected[i] = on; });
      app.apply();
    };

    // -------------------------------------------------------------- details (popups)
    function attachDetails(d) {
      d.places.forEach(function (row, i) {
        row.sources = row.sources.map(function (k) { return d.sources[k]; });
        places[i].detail = row;
      });
      data.compare = d.compare;
      app.details = "ready";
      app.emit("details");
    }
    // inline, or in a sidecar script that calls window.cloudmapDetails once the map is drawn
    // (file:// pages cannot fetch JSON)
    app.loadDetails = function () {
      if (app.details !== "none" || !app.options.detailsSrc) return;
      app.details = "loading";
      window.cloudmapDetails = function (d) { delete window.cloudmapDetails; attachDetails(d); };
      var tag = document.createElement("script");
      tag.src = app.options.detailsSrc;
      tag.onerror = function () { app.details = "failed"; app.emit("details"); };
      document.head.appendChild(tag);
    };
    if (data.details) attachDetails(data.details);

    // -------------------------------------------------------------- clear of the controls
    // The boxes of the map's visible controls, in the map container's pixels.
    app.controlBoxes = function () {
      var m = container.getBoundingClientRect(), out = [];
      Array.prototype.forEach.call(container.querySelectorAll(".leaflet-control"), function (c) {
        var r = c.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) out.push({ l: r.left - m.left, t: r.top - m.top, r: r.right - m.left, b: r.bottom - m.top });
      });
      return out;
    };
    // The map's visible part (the page may be scrolled or the map taller than the window).
    app.visibleBox = function () {
      var m = container.getBoundingClientRect();
      return { l: Math.max(0, -m.left), t: Math.max(0, -m.top), r: Math.min(m.width, window.innerWidth - m.left),
        b: Math.min(m.height, window.innerHeight - m.top) };
    };
    // Every rectangle of the visible map with no control in it (edges on the controls' edges).
    app.clearRects = function () {
      var v = app.visibleBox(), ctrls = app.controlBoxes(), out = [];
      var xs = [v.l, v.r], ys = [v.t, v.b];
      ctrls.forEach(function (c) {
        if (c.l > v.l && c.l < v.r) xs.push(c.l);
        if (c.r > v.l && c.r < v.r) xs.push(c.r);
        if (c.t > v.t && c.t < v.b) ys.push(c.t);
        if (c.b > v.t && c.b < v.b) ys.push(c.b);
      });
      function uniq(a) { return a.filter(function (x, i) { return a.indexOf(x) === i; }); }
      xs = uniq(xs);
      ys = uniq(ys);
      xs.forEach(function (l) {
        xs.forEach(function (r) {
          if (r <= l) return;
          ys.forEach(function (t) {
            ys.forEach(function (b) {
              if (b <= t) return;
              for (var i = 0; i < ctrls.length; i += 1) {
                var c = ctrls[i];
                if (l < c.r && c.l < r && t < c.b && c.t < b) return;
              }
              out.push({ l: l, t: t, r: r, b: b });
            });
          });
        });
      });
      return out.length ? out : [v];
    };
    // The clear rectangle that shows a w x h box largest (ties: the larger rectangle).
    app.clearRect = function (w, h) {
      var best = null;
      app.clearRects().forEach(function (c) {
        var scale = Math.min((c.r - c.l) / Math.max(w, 1), (c.b - c.t) / Math.max(h, 1));
        var area = (c.r - c.l) * (c.b - c.t);
        if (!best || scale > best.scale + 1e-9 || (scale > best.scale - 1e-9 && area > best.area)) {
          best = { l: c.l, t: c.t, r: c.r, b: c.b, scale: scale, area: area };
        }
      });
      return best;
    };

    // -------------------------------------------------------------- settled
    app.moving = function () {
      return map._animatingZoom || (map._panAnim && map._panAnim._inProgress) || map._flyToFrame ||
        (map.dragging && map.dragging.moving()) || (map.touchZoom && map.touchZoom._zooming);
    };
    app.idleChecks = [];
    app.isSettled = function () {
      return app.ready && app.busy === 0 && !app.playing && !app.moving() &&
        app.idleChecks.every(function (fn) { return fn(); });
    };
    // Run fn once nothing is loading or moving: wait on the page's own state, never on time.
    app.whenSettled = function (fn) {
      function check() {
        var b = app.busy;
        app.busy -= 1; // our own pending call does not count
        var ok = app.isSettled();
        app.busy = b;
        if (ok) fn(); else requestAnimationFrame(check);
      }
      check();
    };

    // The other scripts have added their parts by the end of this task: then start.
    // ("view": the first view, once the panels are in place and filled)
    Promise.resolve().then(function () { app.emit("start"); app.apply(); app.emit("view"); app.emit("started"); });

    // The API tests and snapshots use (window.cloudmap.ready, settled(), ...).
    cm.map = map;
    cm.data = data;
    cm.places = places;
    cm.app_ = app;
    Object.defineProperty(cm, "ready", { configurable: true, get: function () { return app.ready; } });
    cm.settled = app.isSettled;
    cm.day = function () { return app.day; };
    cm.step = function () { return app.step; };
    cm.setStep = app.setStep;
    cm.setDay = app.setDay;
    cm.statusAt = app.statusAt;
    cm.totals = app.counts;
    cm.details = function () { return app.details; };
    cm.selected = function () {
      return providers.filter(function (p, i) { return app.selected[i]; }).map(function (p) { return p.id; });
    };
    cm.setProviders = function (ids) {
      app.setProviders(providers.map(function (p) { return ids.indexOf(p.id) >= 0; }));
    };
    return app;
  };
})();
