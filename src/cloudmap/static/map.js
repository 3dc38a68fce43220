/* cloudmap: draws the map from the JSON data blob written by cloudmap.render (mapdata.map_data).
 *
 * Safety: every catalog string reaches the page through textContent or setAttribute, never
 * innerHTML; the only markup built from strings is our own (marker shapes: numbers and
 * colours checked against a pattern).
 * State: window.cloudmap.ready (markers drawn once) and window.cloudmap.settled() (no animation,
 * pan, zoom, reveal or chunked marker load in progress): tests and snapshots wait on these. */
(function () {
  "use strict";

  var LIVE = { new: 1, expanded: 1, live: 1, closing: 1 };
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var COMPACT_WIDTH = 700;   // narrower maps get the phone layout
  var SEARCH_ZOOM = 6;       // a search result opens at least this close
  var MAX_ZOOM = 12;
  var COPIES = [-1, 0, 1];   // world copies drawn, so the Pacific is continuous
  var SHAPES = {
    circle: '<circle cx="14" cy="14" r="11.5"/>',
    square: '<rect x="3" y="3" width="22" height="22" rx="2"/>',
    diamond: '<path d="M14 1.5L26.5 14 14 26.5 1.5 14z"/>',
    hexagon: '<path d="M14 1.5l10.8 6.25v12.5L14 26.5 3.2 20.25V7.75z"/>',
    triangle: '<path d="M14 1.5l13 24H1z"/>',
    pentagon: '<path d="M14 1.5l12.5 9.1-4.8 14.9H6.3L1.5 10.6z"/>',
  };
  var TEXT_Y = { triangle: 20, pentagon: 17.5 };

  // ------------------------------------------------------------------ small helpers

  function humanDay(iso) {
    var d = String(iso).split("-");
    return Number(d[2]) + " " + MONTHS[Number(d[1]) - 1] + " " + d[0];
  }
  function fold(s) {  // case- and accent-insensitive search keys: "Querétaro" -> "queretaro"
    return String(s === null || s === undefined ? "" : s).normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function plural(n, one, many) { return n === 1 ? one : many; }
  function color(c) { return /^#[0-9a-f]{3,8}$/i.test(String(c)) ? c : "#444444"; }
  function safeUrl(url) { return /^https?:\/\//i.test(url) ? url : null; }
  function host(url) { return String(url).replace(/^[a-z]+:\/\//i, "").split(/[/?#]/)[0]; }

  // el("div", {class: "x"}, ["text", el(...)]): strings become text nodes, never markup.
  function el(tag, attrs, children) {
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
  }
  function rows(fields, list) {
    return list.map(function (row) {
      var o = {};
      fields.forEach(function (f, i) { o[f] = row[i]; });
      return o;
    });
  }
  var uid = 0;
  function nextId(prefix) { uid += 1; return prefix + uid; }

  function fail(mapId, why) {
    var box = document.getElementById("cm-fail");
    if (box) box.hidden = false;
    var m = document.getElementById(mapId);
    if (m) m.hidden = true;
    window.cloudmap = { ready: false, failed: why, settled: function () { return true; } };
  }

  window.cloudmapInit = function (mapId, dataId, options) {
    if (typeof window.L === "undefined" || !L.map) return fail(mapId, "leaflet");
    if (!L.markerClusterGroup) return fail(mapId, "leaflet.markercluster");
    start(mapId, dataId, options || {});
  };

  // An icon whose element carries an accessible name (Leaflet gives keyboard markers
  // role=button; without a name a screen reader reads the digits inside).
  var LabelIcon = null;
  function labelIcon(opts) {
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
  }

  function start(mapId, dataId, options) {
    var data = JSON.parse(document.getElementById(dataId).textContent);
    var container = document.getElementById(mapId);
    var providers = data.providers;
    var steps = data.steps, last = steps.length - 1;
    var statusByCode = { ".": null }, statusInfo = {}, statusOn = {};
    data.statuses.forEach(function (s) {
      statusByCode[s[1]] = s[0];
      statusInfo[s[0]] = { label: s[2], color: s[3] };
      statusOn[s[0]] = true;
    });
    var selected = providers.map(function (p) {
      return data.defaultProvider === null || data.defaultProvider === undefined || p.id === data.defaultProvider;
    });
    var places = rows(data.placeFields, data.places);
    places.forEach(function (p, i) {
      var cc = data.ccNames[p.cc] || [p.cc, ""];
      p.i = i;
      p.prov = providers[p.p];
      p.country = cc[0];
      p.flag = cc[1];
      p.keys = [p.id, p.name, p.city, p.country, p.cc, p.prov.name, p.prov.short].map(fold);
    });
    var step = last, day = steps[last];
    var compact = container.clientWidth < COMPACT_WIDTH;
    document.body.classList.toggle("cm-compact", compact);

    function entryAt(p, d) {
      var tr = p.tr, e = null;
      for (var i = 0; i < tr.length && tr[i][0] <= d; i += 1) e = tr[i];
      return e;
    }
    function statusAt(p, d) { var e = entryAt(p, d || day); return e ? statusByCode[e[1]] : null; }
    function zonesAt(p, d) { var e = entryAt(p, d || day); return e ? e[2] : 0; }
    // Whether the zone count is not published then (the figure is a lower bound).
    function zonesUnknownAt(p, d) { var e = entryAt(p, d || day); return !!(e && e[3]); }
    function zonesText(n, unknown) { return unknown ? (n | 0) + "+" : String(n | 0); }
    function launchedOn(p) {  // first day it was live: its launch (or its "no later than" bound)
      for (var i = 0; i < p.tr.length; i += 1) if (LIVE[statusByCode[p.tr[i][1]]]) return p.tr[i][0];
      return null;
    }

    // What only popups show (zones, dates, sources, notes): inline, or in a sidecar script that
    // calls window.cloudmapDetails once the map is drawn (file:// pages cannot fetch JSON).
    var detailsState = "none";
    function attachDetails(d) {
      d.rows.forEach(function (row, i) {
        var p = places[i];
        d.fields.forEach(function (f, j) { p[f] = row[j]; });
        p.src = p.src.map(function (k) { return d.sources[k]; });
      });
      detailsState = "ready";
      refreshPopup();
    }
    function loadDetails() {
      if (detailsState !== "none" || !data.detailsSrc) return;
      detailsState = "loading";
      window.cloudmapDetails = function (d) { delete window.cloudmapDetails; attachDetails(d); };
      var tag = document.createElement("script");
      tag.src = data.detailsSrc;
      tag.onerror = function () { detailsState = "failed"; refreshPopup(); };
      document.head.appendChild(tag);
    }
    if (data.details) attachDetails(data.details);

    // ---------------------------------------------------------------- the map
    function minZoomFor(width) {  // the view never shows more than the three drawn world copies
      return Math.max(1, Math.ceil(Math.log(Math.max(width, 256) / 512) / Math.LN2));
    }
    var map = L.map(container, {
      zoomControl: false, worldCopyJump: true, maxZoom: MAX_ZOOM,
      minZoom: minZoomFor(container.clientWidth), attributionControl: false,
      fadeAnimation: false,  // a closed popup leaves the page at once, not 200 ms later
      // Shapes are drawn a whole screen beyond each edge: a drag never uncovers a blank map
      // before the renderer catches up on moveend.
      renderer: L.svg({ padding: 1 }),
    });
    // Leaflet measures the world offset for worldCopyJump only on zoom: any other reset of the
    // view (setView at the same zoom, our wrap below) must refresh it, or the next drag jumps.
    map.on("viewreset", function () { if (map.dragging && map.dragging._onZoomEnd) map.dragging._onZoomEnd(); });
    // Controls before the map pane in the DOM: Tab reaches the search before the markers.
    container.insertBefore(map._controlContainer, container.firstChild);
    container.removeAttribute("tabindex");
    map.getContainer().setAttribute("tabindex", "0");

    function initialView() {
      var sel = places.filter(function (p) {
        var s = statusAt(p);
        return selected[p.p] && s && LIVE[s];
      });
      if (!sel.length) sel = places;
      if (!sel.length) return map.setView([20, 60], map.getMinZoom());
      var lats = sel.map(function (p) { return p.lat; }).sort(function (a, b) { return a - b; });
      var lons = sel.map(function (p) { return p.lon; }).sort(function (a, b) { return a - b; });
      function at(a, f) { return a[Math.min(a.length - 1, Math.max(0, Math.round(f * (a.length - 1))))]; }
      if (compact) {  // a phone opens close, on where most of the selection is
        map.setView([at(lats, 0.5), at(lons, 0.5)], map.getMinZoom() + 2, { animate: false });
        return;
      }
      map.fitBounds(L.latLngBounds([lats[0], lons[0]], [lats[lats.length - 1], lons[lons.length - 1]]),
        { padding: [60, 60], maxZoom: 5, animate: false });
      if (map.getZoom() < map.getMinZoom()) map.setZoom(map.getMinZoom(), { animate: false });
    }
    initialView();

    map.createPane("cm-markets").style.zIndex = 420;
    map.getPane("cm-markets").style.pointerEvents = "none";

    // ---------------------------------------------------------------- countries
    var countries = rows(data.countryFields, data.countries);
    var scale = data.coordScale;
    var rings = countries.map(function (c) {  // [[lat, lon] rings] per polygon, decoded once
      return c.g.map(function (poly) {
        return poly.map(function (ring) {
          var out = [], x = 0, y = 0;
          for (var i = 0; i < ring.length; i += 2) {
            x += ring[i]; y += ring[i + 1];
            out.push([y / scale, x / scale]);
          }
          return out;
        });
      });
    });
    var latlngCache = {};
    function latlngs(i, k) {
      var key = i + ":" + k;
      if (!latlngCache[key]) {
        var dx = 360 * k;
        latlngCache[key] = rings[i].map(function (poly) {
          return poly.map(function (ring) {
            return ring.map(function (pt) { return L.latLng(pt[0], pt[1] + dx); });
          });
        });
      }
      return latlngCache[key];
    }
    // One polygon per country and world copy; ``indices`` limits it (markets).
    function addCountries(group, opts, indices, copies) {
      copies.forEach(function (k) {
        (indices || countries.map(function (c, i) { return i; })).forEach(function (i) {
          if (!rings[i].length) return;
          var style = typeof opts === "function" ? opts(i) : L.extend({}, opts);
          style.smoothFactor = 1.5;
          var poly = L.polygon(latlngs(i, k), style);
          poly.ci = i;
          group.addLayer(poly);
        });
      });
      return group;
    }
    function countryLayer(opts, indices, copies) {
      return addCountries(L.featureGroup(), opts, indices, copies || (copiesOn ? COPIES : [0]));
    }
    var boundaries = 'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a>';

    // The countries: one layer that is the offline basemap (land fill) and the country shading
    // at once, one shading mode at a time (none, live zones or estimated RTT), so colours never
    // blend and the legend shows exactly the colours on the map. Drawn once, not twice.
    var shadeMode = "zones", base = "countries", copiesOn = false;
    var LAND = "#e4e7eb";
    var zonesByCountry = {};
    function zoneColor(n) {
      var c = null;
      data.zoneBins.forEach(function (b) { if (n >= b[0]) c = b[1]; });
      return c;
    }
    function bestRtt(a2) {
      var r = data.rtt && data.rtt.rows[a2];
      if (!r) return null;
      var best = null;
      r[0].forEach(function (ms, i) {
        if (ms !== null && selected[i] && (best === null || ms < best.ms)) best = { ms: ms, region: r[1][i], p: i };
      });
      return best;
    }
    function rttBand(ms) {
      var bands = data.rtt.bands;
      for (var i = 0; i < bands.length; i += 1) if (bands[i][2] === null || ms <= bands[i][2]) return i;
      return bands.length - 1;
    }
    function countryStyle(ci) {
      var c = countries[ci], land = base === "countries", fill = null, dash = null;
      if (shadeMode === "rtt" && data.rtt) {
        var b = bestRtt(c.a2);
        if (b) fill = data.rtt.bands[rttBand(b.ms)][1];
        else dash = "2 3";
      } else if (shadeMode === "zones") {
        fill = zoneColor(zonesByCountry[c.a2] || 0);
      }
      var z = map.getZoom(), fade = z <= 4 ? 0.75 : z <= 6 ? 0.45 : 0.25;  // over tiles: see through
      if (fill) {
        return { color: land ? "#ffffff" : "#8a6a4a", weight: land ? 0.6 : 0.7, opacity: 0.9, dashArray: null,
          fillColor: fill, fillOpacity: land ? 1 : fade };
      }
      return { color: land ? "#ffffff" : "#9aa5b1", weight: land ? 0.6 : 0.3, opacity: land ? 1 : 0.8,
        dashArray: land ? null : dash, fillColor: land ? LAND : "#ffffff", fillOpacity: land ? 1 : 0 };
    }
    var shading = L.featureGroup();  // filled in below, once the view is set
    function restyleShading() {
      zonesByCountry = {};
      places.forEach(function (p) {
        if (selected[p.p] && p.s && LIVE[p.s] && p.cnt & 2) zonesByCountry[p.cc] = (zonesByCountry[p.cc] || 0) + p.z;
      });
      shading.eachLayer(function (poly) { poly.setStyle(countryStyle(poly.ci)); });
    }
    shading.on("click", function (e) { openCountry(e.layer.ci, e.latlng); });
    function showCountries() {  // on the map unless there is nothing to show (tiles, no shading)
      var want = base === "countries" || shadeMode !== "none";
      if (want && !map.hasLayer(shading)) map.addLayer(shading);
      if (!want && map.hasLayer(shading)) map.removeLayer(shading);
      restyleShading();
    }

    var marketLayers = data.markets.map(function (m) {
      var layer = null;
      return function () {
        if (!layer) {
          layer = countryLayer({ pane: "cm-markets", interactive: false, color: color(m.color), weight: 2.5,
            dashArray: m.dash, fill: false }, m.countries);
        }
        return layer;
      };
    });

    // ---------------------------------------------------------------- markers
    function markerSvg(p) {
      var s = p.s, prov = p.prov, shape = SHAPES[prov.shape] ? prov.shape : "circle";
      var fill = s === "announced" ? "#f4effb" : color(statusInfo[s].color);
      var stroke = s === "announced" ? color(statusInfo.announced.color) : color(prov.color);
      var dash = s === "announced" ? ' stroke-dasharray="3 2"' : "";
      var label = LIVE[s] && !p.site ? zonesText(p.z, p.zu) : "";
      var svg = '<svg viewBox="0 0 28 28" width="28" height="28" aria-hidden="true" focusable="false">' +
        '<g fill="' + fill + '" stroke="#ffffff" stroke-width="5" stroke-linejoin="round">' + SHAPES[shape] + "</g>" +
        '<g fill="' + fill + '" stroke="' + stroke + '" stroke-width="2.5" stroke-linejoin="round"' + dash + ">" + SHAPES[shape] + "</g>";
      if (label) {
        svg += '<text x="14" y="' + (TEXT_Y[shape] || 18) + '" text-anchor="middle" fill="#ffffff" ' +
          'font-size="' + (label.length > 2 ? 8.5 : label.length > 1 ? 10.5 : 12) + '" font-weight="700">' + label + "</text>";
      }
      if (p.b) {  // launch date only known as "no later than"
        svg += '<circle cx="23.5" cy="4.5" r="4.5" fill="#ffffff" stroke="#1f2933" stroke-width="1"/>' +
          '<text x="23.5" y="7.2" text-anchor="middle" font-size="7.5" font-weight="700" fill="#1f2933">≤</text>';
      }
      return svg + "</svg>";
    }
    function markerLabel(p) {
      var s = p.s;
      if (p.site) return p.prov.name + ": " + p.name;  // "Announced site: City, Country"
      var text = p.prov.name + " region " + p.id + ", " + p.name + ": " + statusInfo[s].label.toLowerCase();
      if (LIVE[s] && p.zu) text += ", zone count not published" + (p.z ? " (at least " + p.z + " live)" : "");
      else if (LIVE[s]) text += ", " + p.z + " live " + plural(p.z, "zone", "zones");
      if (p.b) text += "; launch date is an upper bound";
      return text;
    }
    function iconFor(p) {
      var key = p.s + "|" + p.z + "|" + (p.zu ? 1 : 0);
      if (p.iconKey !== key) {
        p.iconKey = key;
        p.icon = labelIcon({
          className: "cm-marker cm-p-" + p.prov.shape + " cm-s-" + p.s, html: markerSvg(p),
          iconSize: [28, 28], iconAnchor: [14, 14], label: markerLabel(p),
        });
      }
      return p.icon;
    }

    var loading = false, dirty = false, ready = false, busy = 0, playing = null;
    var afterLoad = [];
    function whenLoaded(fn) { if (!loading && !dirty) fn(); else afterLoad.push(fn); }
    function loaded() {
      loading = false;
      if (dirty) { dirty = false; drawMarkers(); return; }
      if (!ready) {
        ready = true;
        api.ready = true;
        busy += 1;
        setTimeout(function () {  // then the world copies either side (the Pacific), and details
          addCopies();
          busy -= 1;
          loadDetails();  // popups' details: after the map is up, before a click
        }, 0);
      }
      afterLoad.splice(0).forEach(function (fn) { fn(); });
    }
    var cluster = L.markerClusterGroup({
      animate: false,  // clustering changes in one step: no state half-way through a zoom
      maxClusterRadius: function (z) { return z >= 9 ? 20 : 34; },
      spiderfyOnMaxZoom: true, showCoverageOnHover: false, chunkedLoading: true,
      spiderLegPolylineOptions: { weight: 1.5, color: "#1f2933", opacity: 0.6 },
      chunkProgress: function (done, total) {
        // the cluster draws the markers right after this call, in the same task
        if (done === total) Promise.resolve().then(loaded);
      },
      iconCreateFunction: function (c) {
        var n = c.getChildCount(), size = 26 + 6 * String(n).length;
        return labelIcon({ className: "cm-cluster", iconSize: [size, size], html: "<span>" + n + "</span>",
          label: n + " regions and sites here: press Enter to zoom in" });
      },
    });
    cluster.on("clusterkeypress", function (e) {
      var key = e.originalEvent && (e.originalEvent.key || e.originalEvent.keyCode);
      if (key !== "Enter" && key !== 13 && key !== " " && key !== 32) return;
      if (map.getZoom() >= map.getMaxZoom()) e.layer.spiderfy();
      else e.layer.zoomToBounds({ padding: [40, 40] });
      container.focus();
    });
    places.forEach(function (p) {
      p.markers = COPIES.map(function (k) {
        var m = L.marker([p.lat, p.lon + 360 * k], { keyboard: true, riseOnHover: true });
        m.place = p;
        m.bindTooltip(function () {
          return el("span", {}, [p.name + (p.site ? "" : " · " + p.id) + " · " + p.prov.short]);
        }, { direction: "top", offset: [0, -14] });
        m.on("click", function () { openPlace(m, false); });
        m.on("keypress", function (e) {
          var k2 = e.originalEvent.key || e.originalEvent.keyCode;
          if (k2 === " " || k2 === 32) { e.originalEvent.preventDefault(); openPlace(m, true); }
          else if (k2 === "Enter" || k2 === 13) openPlace(m, true);
        });
        return m;
      });
    });

    function drawMarkers() {
      if (loading) { dirty = true; return; }
      var shown = [];
      places.forEach(function (p) {
        if (!p.s || !selected[p.p] || !statusOn[p.s]) return;
        var icon = iconFor(p);
        (copiesOn ? p.markers : [p.markers[1]]).forEach(function (m) {
          if (m.options.icon !== icon) m.setIcon(icon);
          shown.push(m);
        });
      });
      cluster.clearLayers();
      if (map.hasLayer(cluster)) {
        loading = true;
        cluster.addLayers(shown);
      } else {
        cluster.addLayers(shown);
        Promise.resolve().then(function () { if (!loading) loaded(); });
      }
    }

    // ---------------------------------------------------------------- state
    function counts() {
      var t = { regions: 0, zones: 0, zonesUnknown: false, countries: {}, announced: 0, status: {}, provider: providers.map(function () { return 0; }) };
      places.forEach(function (p) {
        if (!p.s) return;
        if (LIVE[p.s] && p.cnt & 1) t.provider[p.p] += 1;
        if (!selected[p.p]) return;
        t.status[p.s] = (t.status[p.s] || 0) + 1;
        if (LIVE[p.s]) {
          if (p.cnt & 1) { t.regions += 1; t.countries[p.cc] = 1; }
          if (p.cnt & 2) { t.zones += p.z; if (p.zu) t.zonesUnknown = true; }
        } else if (p.s === "announced") t.announced += 1;
      });
      t.countries = Object.keys(t.countries).length;
      return t;
    }
    function who() {
      var names = providers.filter(function (p, i) { return selected[i]; });
      if (!names.length) return "No provider";
      if (names.length === 1) return names[0].name;
      if (names.length === providers.length) return "All " + providers.length + " providers";
      return names.map(function (p) { return p.short; }).join(", ");
    }
    function apply() {
      places.forEach(function (p) { p.s = statusAt(p); p.z = zonesAt(p); p.zu = zonesUnknownAt(p); });
      drawMarkers();
      restyleShading();
      var t = counts();
      updateTotals(t);
      updateLegend(t);
      updateProviders(t);
      updateTimeline();
      refreshPopup();
    }
    function updateTotals(t) {
      var box = document.getElementById("cm-totals");
      if (!box) return;
      box.textContent = "";
      [el("span", { class: "cm-who", text: who() }), " on ", el("time", { datetime: day, text: humanDay(day) }), ": ",
        el("b", { text: String(t.regions) }), " " + plural(t.regions, "region", "regions") + ", ",
        el("b", { text: t.zonesUnknown ? t.zones + "+" : String(t.zones) }), " " + (t.zones === 1 && !t.zonesUnknown ? "zone" : "zones") + " in ",
        el("b", { text: String(t.countries) }), " " + plural(t.countries, "country", "countries") + "; ",
        el("b", { text: String(t.announced) }), " announced"].forEach(function (c) {
        box.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      });
    }
    function setStep(i) {
      step = Math.max(0, Math.min(last, i));
      day = steps[step];
      apply();
    }
    function setDay(iso) {  // any date: the statuses are those of the last change on or before it
      if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return;
      day = iso < steps[0] ? steps[0] : iso > steps[last] ? steps[last] : iso;
      step = 0;
      while (step < last && steps[step + 1] <= day) step += 1;
      apply();
    }

    // ---------------------------------------------------------------- panels (controls)
    var panels = [];
    // A collapsible panel: a heading button (aria-expanded) and a body. On phones all start
    // collapsed in one bottom dock and only one opens at a time.
    function panel(id, title, body, open, column) {
      var bodyId = "cm-" + id + "-body";
      var button = el("button", { type: "button", class: "cm-toggle", "aria-expanded": "false", "aria-controls": bodyId,
        id: "cm-" + id + "-toggle" }, [el("span", { class: "cm-toggle-label", text: title })]);
      var box = el("div", { class: "cm-panel-body", id: bodyId, role: "group", "aria-labelledby": "cm-" + id + "-toggle" }, [body]);
      var section = el("section", { class: "cm-panel cm-panel-" + id }, [el("h2", { class: "cm-panel-title" }, [button]), box]);
      var p = { id: id, section: section, button: button, body: box };
      p.set = function (on) {
        button.setAttribute("aria-expanded", on ? "true" : "false");
        box.hidden = !on;
        section.classList.toggle("cm-open", on);
        // one open at a time in the phone dock, and in each desktop column
        if (on) panels.forEach(function (o) { if (o !== p && (compact || o.column === p.column)) o.set(false); });
        container.classList.toggle("cm-sheet-open", compact && panels.some(function (o) { return o.isOpen(); }));
      };
      p.isOpen = function () { return !box.hidden; };
      p.column = column;
      button.addEventListener("click", function () { p.set(!p.isOpen()); if (p.onToggle) p.onToggle(p.isOpen()); });
      p.set(!compact && open);
      panels.push(p);
      return p;
    }
    function control(position, node, cls) {
      var c = L.control({ position: position });
      c.onAdd = function () {
        var box = el("div", { class: "leaflet-control " + (cls || "") }, [node]);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      c.addTo(map);
      return c;
    }

    // Search: a combobox (arrows move through results, Enter opens, Escape closes).
    var input = el("input", { id: "cm-search-input", type: "search", class: "cm-search-input", role: "combobox",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "cm-results", autocomplete: "off",
      spellcheck: "false", placeholder: "Region, city or country" });
    var results = el("ul", { id: "cm-results", class: "cm-results", role: "listbox", "aria-label": "Search results" });
    results.hidden = true;
    var searchStatus = el("p", { class: "cm-sr", "aria-live": "polite" });
    var found = [], active = -1;
    function findPlaces(q) {
      q = fold(q);
      if (!q) return [];
      var scored = [];
      places.forEach(function (p) {
        var k = p.keys, score = -1;
        if (k[0] === q) score = 0;
        else if (k[0].indexOf(q) === 0) score = 1;
        else if (k.some(function (h) { return h === q; })) score = 2;
        else if (k.some(function (h) { return h.split(/[\s(),/-]+/).some(function (w) { return w.indexOf(q) === 0; }); })) score = 3;
        else if (k.some(function (h) { return h.indexOf(q) >= 0; })) score = 4;
        if (score < 0) return;
        var now = statusAt(p, steps[last]);
        scored.push([selected[p.p] ? 0 : 1, score, now && LIVE[now] ? 0 : now === "announced" ? 1 : 2, p.p, p.id, p]);
      });
      scored.sort(function (a, b) {
        for (var i = 0; i < 5; i += 1) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
        return 0;
      });
      return scored.slice(0, 10).map(function (x) { return x[5]; });
    }
    function closeResults() {
      results.hidden = true;
      results.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      found = []; active = -1;
    }
    function setActive(i) {
      var items = results.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (i + items.length) % items.length;
      Array.prototype.forEach.call(items, function (it, j) { it.setAttribute("aria-selected", j === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function showResults() {
      closeResults();
      var q = input.value;
      if (!fold(q)) { searchStatus.textContent = ""; return; }
      found = findPlaces(q);
      found.forEach(function (p, i) {
        var s = statusAt(p, steps[last]);
        var item = el("li", { role: "option", id: "cm-opt-" + i, "aria-selected": "false", class: "cm-result" }, [
          el("span", { class: "cm-result-name", text: p.name }),
          el("span", { class: "cm-result-meta", text: p.prov.short + (p.site ? " · announced site" : " · " + p.id) +
            (s && !LIVE[s] ? " · " + statusInfo[s].label.toLowerCase() : "") })]);
        item.addEventListener("mousedown", function (e) { e.preventDefault(); });
        item.addEventListener("click", function () { choose(i); });
        results.appendChild(item);
      });
      if (!found.length) results.appendChild(el("li", { class: "cm-hint", text: "No match" }));
      results.hidden = false;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      searchStatus.textContent = found.length ? found.length + " " + plural(found.length, "result", "results") +
        ": arrow keys to choose, Enter to open" : "No match";
    }
    function choose(i) {
      var p = found[i];
      if (!p) return;
      closeResults();
      goTo(p);
    }
    input.addEventListener("input", showResults);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (results.hidden) showResults();
        if (found.length) setActive(e.key === "ArrowDown" ? active + 1 : active < 0 ? found.length - 1 : active - 1);
        e.preventDefault();
      } else if (e.key === "Enter") {
        if (!found.length && fold(input.value)) found = findPlaces(input.value);
        choose(active >= 0 ? active : 0);
        e.preventDefault();
      } else if (e.key === "Escape") {
        if (!results.hidden) closeResults();
        else input.value = "";
        e.preventDefault();
        e.stopPropagation();
      }
    });
    input.addEventListener("blur", function () { if (!results.matches(":hover")) closeResults(); });
    control("topleft", el("div", { class: "cm-search", role: "search" }, [
      el("label", { for: "cm-search-input", class: "cm-sr", text: "Search regions, cities, countries and providers" }),
      input, results, searchStatus]), "cm-search-control");

    L.control.zoom({ position: compact ? "topright" : "topleft" }).addTo(map);
    if (!compact && L.control.fullscreen) {
      L.control.fullscreen({ position: "topleft", title: "Full screen", titleCancel: "Exit full screen" }).addTo(map);
    }

    // Providers: any set of them; each with its marker shape.
    function shapeSwatch(p) {
      var span = el("span", { class: "cm-shape", "aria-hidden": "true" });
      span.innerHTML = '<svg viewBox="0 0 28 28" width="18" height="18" focusable="false"><g fill="#ffffff" stroke="' +
        color(p.color) + '" stroke-width="3">' + (SHAPES[p.shape] || SHAPES.circle) + "</g></svg>";
      return span;
    }
    var providerBoxes = [], providerCounts = [];
    var providerBody = el("div", {}, [
      el("fieldset", { class: "cm-fieldset" }, [el("legend", { class: "cm-sr", text: "Providers shown" })].concat(
        providers.map(function (p, i) {
          var box = el("input", { type: "checkbox", "data-provider": p.id });
          box.checked = selected[i];
          box.addEventListener("change", function () { selected[i] = box.checked; apply(); });
          providerBoxes.push(box);
          var n = el("span", { class: "cm-count" });
          providerCounts.push(n);
          return el("label", { class: "cm-row" }, [box, shapeSwatch(p), el("span", { text: p.name }), n]);
        }))),
      el("div", { class: "cm-buttons" }, [
        el("button", { type: "button", class: "cm-small", "data-action": "all", text: "All" }),
        el("button", { type: "button", class: "cm-small", "data-action": "none", text: "None" })]),
      el("p", { class: "cm-hint", text: "Marker shape: provider. Fill: status. Number: live zones." })]);
    providerBody.querySelector("[data-action=all]").addEventListener("click", function () { setProviders(providers.map(function () { return true; })); });
    providerBody.querySelector("[data-action=none]").addEventListener("click", function () { setProviders(providers.map(function () { return false; })); });
    function setProviders(list) {
      list.forEach(function (on, i) { selected[i] = on; providerBoxes[i].checked = on; });
      apply();
    }
    function updateProviders(t) {
      providers.forEach(function (p, i) {
        providerCounts[i].textContent = t.provider[i] + " " + plural(t.provider[i], "region", "regions");
        providerBoxes[i].checked = selected[i];
      });
    }

    // Legend: categorical, with counts for the selection on the day shown; each status toggles.
    var legendBody = el("div", { class: "cm-legend" });
    function swatch(c, cls) { return el("i", { class: "cm-swatch " + (cls || ""), style: "background:" + color(c) }); }
    function updateLegend(t) {
      legendBody.textContent = "";
      legendBody.appendChild(el("h3", { text: "Status on " + humanDay(day) }));
      data.statuses.forEach(function (st) {
        var key = st[0];
        var box = el("input", { type: "checkbox", "data-status": key });
        box.checked = statusOn[key];
        box.addEventListener("change", function () { statusOn[key] = box.checked; apply(); });
        legendBody.appendChild(el("label", { class: "cm-row" }, [box,
          swatch(key === "announced" ? "#f4effb" : st[3], "cm-s-swatch cm-swatch-" + key),
          el("span", { text: st[2] }),
          el("b", { class: "cm-count", "data-status": key, text: String(t.status[key] || 0) })]));
      });
      legendBody.appendChild(el("p", { class: "cm-hint" }, [
        el("span", { class: "cm-bound-key", "aria-hidden": "true", text: "≤" }),
        " on a marker: launch date known only as \u201cno later than\u201d: the region may be older than the map shows. \u201c0+\u201d, \u201c3+\u201d: zone count not published for that date (at least that many). Dashed outline: announced. Dark disc: several places (select to zoom in)."]));
      if (shadeMode === "zones") {
        legendBody.appendChild(el("h3", { text: "Live zones per country" }));
        legendBody.appendChild(el("div", { class: "cm-bins" }, data.zoneBins.map(function (b, i) {
          var next = data.zoneBins[i + 1];
          return el("span", {}, [swatch(b[1]),
            next ? (b[0] === next[0] - 1 ? String(b[0]) : b[0] + "–" + (next[0] - 1)) : b[0] + "+"]);
        })));
      } else if (shadeMode === "rtt" && data.rtt) {
        legendBody.appendChild(el("h3", { text: "Estimated RTT to the nearest region" }));
        legendBody.appendChild(el("div", { class: "cm-bins" }, data.rtt.bands.map(function (b) {
          return el("span", {}, [swatch(b[1]), b[0]]);
        }).concat([el("span", {}, [el("i", { class: "cm-swatch cm-nodata" }), "no data"])])));
        legendBody.appendChild(el("p", { class: "cm-hint", text: "Best of the selected providers, " + data.rtt.note +
          " (not measured), as of " + humanDay(data.asOf) + "." }));
      }
      var shownMarkets = data.markets.filter(function (m, i) { return marketOn[i]; });
      if (shownMarkets.length) {
        legendBody.appendChild(el("h3", { text: "Markets" }));
        shownMarkets.forEach(function (m) {
          legendBody.appendChild(el("div", { class: "cm-row" }, [lineSwatch(m), el("span", { text: m.name })]));
        });
      }
    }
    function lineSwatch(m) {
      var span = el("span", { class: "cm-line", "aria-hidden": "true" });
      span.innerHTML = '<svg width="28" height="8" focusable="false"><line x1="1" y1="4" x2="27" y2="4" stroke="' +
        color(m.color) + '" stroke-width="2.5" stroke-dasharray="' + String(m.dash).replace(/[^0-9. ]/g, "") + '"/></svg>';
      return span;
    }

    // Timeline: every dated change is a step; a date input jumps anywhere.
    var slider = el("input", { type: "range", min: "0", max: String(last), step: "1", value: String(last),
      id: "cm-slider", class: "cm-slider", "aria-label": "Date shown" });
    var dateOut = el("output", { class: "cm-date", for: "cm-slider" });
    var stepInfo = el("span", { class: "cm-hint cm-stepinfo" });
    var prev = el("button", { type: "button", class: "cm-small", "aria-label": "Previous change", text: "◀" });
    var next = el("button", { type: "button", class: "cm-small", "aria-label": "Next change", text: "▶" });
    var play = el("button", { type: "button", class: "cm-small cm-play", "aria-pressed": "false", text: "Play" });
    var dateInput = el("input", { type: "date", class: "cm-dateinput", min: steps[0], max: steps[last], value: day,
      id: "cm-dateinput" });
    var timelineBody = el("div", { class: "cm-timeline" }, [
      el("p", { class: "cm-tl-head" }, ["Footprint on ", dateOut]),
      el("div", { class: "cm-tl-row" }, [prev, slider, next]),
      el("div", { class: "cm-tl-row" }, [play, el("label", { for: "cm-dateinput", class: "cm-tl-label", text: "Go to date" }), dateInput]),
      stepInfo]);
    slider.addEventListener("input", function () { setStep(Number(slider.value)); });
    prev.addEventListener("click", function () { setStep(day === steps[step] ? step - 1 : step); });
    next.addEventListener("click", function () { setStep(step + 1); });
    dateInput.addEventListener("change", function () { if (dateInput.value) setDay(dateInput.value); });
    function stopPlaying() {
      if (!playing) return;
      clearInterval(playing);
      playing = null;
      play.textContent = "Play";
      play.setAttribute("aria-pressed", "false");
    }
    play.addEventListener("click", function () {
      if (playing) { stopPlaying(); return; }
      if (step === last) setStep(0);
      play.textContent = "Pause";
      play.setAttribute("aria-pressed", "true");
      playing = setInterval(function () {
        if (step >= last) { stopPlaying(); return; }
        if (!loading) setStep(step + 1);
      }, 250);
    });
    function updateTimeline() {
      dateOut.textContent = humanDay(day);
      slider.value = String(step);
      slider.setAttribute("aria-valuetext", humanDay(day));
      dateInput.value = day;
      prev.disabled = step === 0 && day === steps[0];
      next.disabled = step === last;
      stepInfo.textContent = "Change " + (step + 1) + " of " + steps.length +
        (day !== steps[step] ? " (last change " + humanDay(steps[step]) + ")" : "");
    }

    // Layers: basemap, markers, one country shading, markets.
    var marketOn = data.markets.map(function () { return false; });
    var tiles = null, tilesOk = null;
    var layersBody = el("div", { class: "cm-layers" });
    function radio(name, value, label, checked, onChange, extra) {
      var r = el("input", { type: "radio", name: name, value: value, "data-layer": value });
      r.checked = checked;
      r.addEventListener("change", function () { if (r.checked) onChange(value); });
      return el("label", { class: "cm-row" }, [r, el("span", { text: label })].concat(extra || []));
    }
    var baseField = null;
    function buildLayers() {
      layersBody.textContent = "";
      if (options.tiles) {
        baseField = el("fieldset", { class: "cm-fieldset" }, [el("legend", { text: "Basemap" }),
          radio("cm-base", "tiles", "Street map (OpenStreetMap)", base === "tiles", setBase),
          radio("cm-base", "countries", "Country outlines (works offline)", base === "countries", setBase)]);
        if (tilesOk === false) {
          baseField.querySelector("[value=tiles]").disabled = true;
          baseField.appendChild(el("p", { class: "cm-hint", text: "Map tiles could not be loaded: showing country outlines." }));
        }
        layersBody.appendChild(baseField);
      }
      var markersBox = el("input", { type: "checkbox", "data-layer": "markers" });
      markersBox.checked = map.hasLayer(cluster);
      markersBox.addEventListener("change", function () {
        if (markersBox.checked) { map.addLayer(cluster); drawMarkers(); } else map.removeLayer(cluster);
      });
      layersBody.appendChild(el("fieldset", { class: "cm-fieldset" }, [el("legend", { text: "Places" }),
        el("label", { class: "cm-row" }, [markersBox, el("span", { text: "Regions and announced sites" })])]));
      var shade = el("fieldset", { class: "cm-fieldset" }, [el("legend", { text: "Country shading (one at a time)" }),
        radio("cm-shade", "none", "None", shadeMode === "none", setShade),
        radio("cm-shade", "zones", "Live zones", shadeMode === "zones", setShade)]);
      if (data.rtt) shade.appendChild(radio("cm-shade", "rtt", "Estimated RTT to the nearest region", shadeMode === "rtt", setShade));
      layersBody.appendChild(shade);
      if (data.markets.length) {
        layersBody.appendChild(el("fieldset", { class: "cm-fieldset" }, [el("legend", { text: "Markets (outlines)" })].concat(
          data.markets.map(function (m, i) {
            var box = el("input", { type: "checkbox", "data-market": m.id });
            box.checked = marketOn[i];
            box.addEventListener("change", function () { setMarket(i, box.checked); });
            return el("label", { class: "cm-row", title: m.definition }, [box, lineSwatch(m), el("span", { text: m.name })]);
          }))));
      }
    }
    function setShade(mode) {
      shadeMode = mode;
      showCountries();
      updateLegend(counts());
    }
    function setMarket(i, on) {
      marketOn[i] = on;
      var layer = marketLayers[i]();
      if (on) map.addLayer(layer); else map.removeLayer(layer);
      updateLegend(counts());
    }

    // Basemap: tiles when they load, else the country outlines (and never an error per tile).
    var minimap = null, miniTiles = null, miniCountries = null;
    function miniLayer() {
      if (base === "tiles") {
        if (!miniTiles) miniTiles = L.tileLayer(options.tiles.url, { maxZoom: options.tiles.maxZoom });
        return miniTiles;
      }
      if (!miniCountries) {
        miniCountries = countryLayer({ interactive: false, color: "#c3c9d0", weight: 0.3, fillColor: "#dde1e6", fillOpacity: 1 }, null, [0]);
      }
      return miniCountries;
    }
    function setBase(which) {
      if (which === "tiles" && (!tiles || tilesOk === false)) which = "countries";
      base = which;
      if (which === "tiles") map.addLayer(tiles);
      else if (tiles) map.removeLayer(tiles);
      container.classList.toggle("cm-offline-base", which === "countries");
      showCountries();
      if (minimap) minimap.changeLayer(miniLayer());
      buildLayers();
    }
    function tilesFailed() {
      if (tilesOk === false) return;
      tilesOk = false;
      if (tiles) tiles.off("tileerror", tilesFailed);
      setBase("countries");
    }
    if (!options.tiles) setBase("countries");
    else {
      tiles = L.tileLayer(options.tiles.url, { attribution: options.tiles.attribution, maxZoom: options.tiles.maxZoom });
      tiles.on("tileerror", tilesFailed);
      // One probe before any tile is asked for: offline, a single request fails, not one per tile.
      busy += 1;
      var probe = new Image();
      base = "tiles";  // until the probe answers: no land fill to draw and then drop
      probe.onload = function () { busy -= 1; tilesOk = true; setBase("tiles"); };
      probe.onerror = function () { busy -= 1; tilesFailed(); };
      probe.src = L.Util.template(options.tiles.url, { s: "a", z: 0, x: 0, y: 0, r: "" });
    }

    // Comparison of the providers in one market (as of the build date).
    var compareBody = el("div", { class: "cm-compare" });
    function buildCompare() {
      var list = (data.compare && data.compare.markets) || [];
      if (!list.length) { compareBody.appendChild(el("p", { class: "cm-hint", text: "No markets defined." })); return; }
      var pick = el("select", { id: "cm-compare-market", class: "cm-select" }, list.map(function (m, i) {
        return el("option", { value: String(i), text: m.name });
      }));
      var out = el("div", { class: "cm-compare-out" });
      pick.addEventListener("change", function () { render(Number(pick.value)); });
      compareBody.appendChild(el("p", { class: "cm-tl-row" }, [el("label", { for: "cm-compare-market", text: "Market " }), pick]));
      compareBody.appendChild(out);
      function render(i) {
        var m = list[i];
        out.textContent = "";
        out.appendChild(el("p", { class: "cm-hint", text: "As of " + humanDay(data.asOf) +
          " (the build date; the timeline does not change this table). Public regions only (regions, local and partner regions)." }));
        var head = el("tr", {}, ["Provider", "Live regions", "Zones", "Countries", "First launch", "Latest", "Announced"].map(function (h) {
          return el("th", { scope: "col", text: h });
        }));
        var unknownZones = m.providers.some(function (r) { return r[7]; });
        var body = m.providers.map(function (r) {
          var p = providers[r[0]];
          return el("tr", { "data-provider": p.id }, [el("th", { scope: "row" }, [shapeSwatch(p), p.short]),
            el("td", { text: String(r[1]) }), el("td", { text: r[7] ? r[2] + "+" : String(r[2]) }), el("td", { text: String(r[3]) }),
            el("td", { text: fmtLaunch(r[4]) }), el("td", { text: fmtLaunch(r[5]) }),
            el("td", { text: String(r[6].length), title: r[6].join(", ") })]);
        });
        out.appendChild(el("div", { class: "cm-scroll", tabindex: "0", role: "region", "aria-label": "Providers in " + m.name }, [
          el("table", { class: "cm-table" }, [el("caption", { text: "Providers in " + m.name }), el("thead", {}, [head]), el("tbody", {}, body)])]));
        if (unknownZones) out.appendChild(el("p", { class: "cm-hint", text: "N+ zones: some regions publish no zone count, so the figure is a lower bound." }));
        if (m.countries.length) {
          var pids = m.providers.map(function (r) { return r[0]; });
          var head2 = el("tr", {}, [el("th", { scope: "col", text: "Country" })].concat(pids.map(function (pi) {
            return el("th", { scope: "col", text: providers[pi].short });
          })));
          var rough = false;
          var rows2 = m.countries.map(function (c) {
            var by = {};
            c[1].forEach(function (n) { by[n[0]] = n; });
            var name = (data.ccNames[c[0]] || [c[0]])[0];
            return el("tr", { "data-country": c[0] }, [el("th", { scope: "row", text: name })].concat(pids.map(function (pi) {
              var n = by[pi];
              if (!n) return el("td", { text: "–" });
              if (n[6]) rough = true;
              return el("td", {}, [el("code", { class: "cm-id", text: n[1] }), el("br"),
                n[4].toLocaleString("en") + " km · ~" + Math.round(n[5]) + " ms" + (n[6] ? " (rough)" : "")]);
            })));
          });
          out.appendChild(el("div", { class: "cm-scroll", tabindex: "0", role: "region", "aria-label": "Nearest region per country in " + m.name }, [
            el("table", { class: "cm-table" }, [el("caption", { text: "Nearest live region from each country's cities: distance and RTT " + data.compare.note }),
              el("thead", {}, [head2]), el("tbody", {}, rows2)])]));
          out.appendChild(el("p", { class: "cm-hint", text: "Distance: population-weighted median over the country's cities of 15,000+ people. RTT " +
            data.compare.note + ", not measured." + (rough ? " Rough: the region is placed only at its country (the provider publishes no site)." : "") }));
        }
        if (m.without.length) out.appendChild(el("p", { class: "cm-hint", text: "No city to measure from in: " + m.without.join(", ") }));
      }
      render(0);
    }
    function fmtLaunch(v) {
      if (!v) return "–";
      return v.indexOf("<=") === 0 ? "≤ " + v.slice(2) : v;
    }

    // Place the panels: a desktop has them in the corners, a phone in one bottom dock.
    var pProviders = panel("providers", "Providers", providerBody, true, "right");
    var pLegend = panel("legend", "Legend", legendBody, true, "legend");
    var pTimeline = panel("timeline", "Timeline", timelineBody, true, "timeline");
    var pLayers = panel("layers", "Layers", layersBody, false, "right");
    var pCompare = panel("compare", "Compare", compareBody, false, "right");
    pCompare.onToggle = function (open) {  // built when first opened: not on the way to ready
      if (open && !compareBody.firstChild) buildCompare();
    };
    if (compact) {
      control("bottomleft", el("div", { class: "cm-dock" }, [pProviders.section, pTimeline.section, pLegend.section,
        pLayers.section, pCompare.section]), "cm-dock-control");
    } else {
      control("topright", el("div", { class: "cm-stack" }, [pProviders.section, pLayers.section, pCompare.section]), "cm-right");
      control("bottomleft", el("div", { class: "cm-stack" }, [pLegend.section, pTimeline.section]), "cm-left");
    }
    L.control.attribution({ position: "bottomright", prefix: '<a href="https://leafletjs.com">Leaflet</a>' })
      .addTo(map).addAttribution(boundaries);
    if (!compact && L.Control.MiniMap) {
      minimap = new L.Control.MiniMap(miniLayer(), {
        toggleDisplay: true, position: "bottomright", zoomLevelOffset: -4, width: 150, height: 100,
        mapOptions: { keyboard: false }, strings: { hideText: "Hide the overview map", showText: "Show the overview map" },
        aimingRectOptions: { color: "#2563c9", weight: 1, fillOpacity: 0.08, interactive: false },
        shadowRectOptions: { color: "#1f2933", weight: 1, opacity: 0, fillOpacity: 0, interactive: false },
      }).addTo(map);
    }
    buildLayers();

    // ---------------------------------------------------------------- popups
    var popup = null, popupPlace = null, popupOpener = null;
    function popupSize() {
      var w = container.clientWidth, h = container.clientHeight;
      return { maxWidth: Math.max(200, Math.min(360, w - 64)), minWidth: Math.min(240, w - 64),
        maxHeight: Math.max(160, Math.min(compact ? h - 150 : 420, h - 110)) };
    }
    function openPopupAt(latlng, content, opener) {
      if (compact) panels.forEach(function (p) { p.set(false); });
      var size = popupSize();
      popup = L.popup({ maxWidth: size.maxWidth, minWidth: size.minWidth, maxHeight: size.maxHeight, autoPan: false,
        className: "cm-leaflet-popup", offset: [0, -12] }).setLatLng(latlng).setContent(content);
      popupOpener = opener || null;
      map.openPopup(popup);
      clearOfControls();
    }
    function openPlace(m, focus) {
      popupPlace = m.place;
      openPopupAt(m.getLatLng(), placePopup(m.place), m);
      if (focus) focusPopup();
    }
    function focusPopup() {
      var h = popup && popup.getElement() && popup.getElement().querySelector("h3");
      if (h) h.focus({ preventScroll: true });
    }
    function refreshPopup() {
      if (popup && popupPlace && map.hasLayer(popup)) {
        popup.setContent(placePopup(popupPlace));
        clearOfControls();
      }
    }
    // Escape closes the popup wherever focus is inside the map (Leaflet only listens while
    // the map container itself has focus); focus then returns to what opened it.
    container.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && popup && map.hasLayer(popup) && e.target !== input) {
        map.closePopup();
        e.preventDefault();
      }
    });
    map.on("popupopen", function () { container.classList.add("cm-popup-open"); });
    map.on("popupclose", function (e) {
      if (e.popup !== popup) return;
      container.classList.remove("cm-popup-open");
      var opener = popupOpener;
      popup = null; popupPlace = null; popupOpener = null;
      if (opener && document.activeElement && (document.activeElement === document.body ||
          container.contains(document.activeElement))) {
        var target = opener === input ? input : opener._icon;
        if (target) target.focus({ preventScroll: true });
      }
    });

    function box(r) { return { l: r.left, t: r.top, r: r.right, b: r.bottom }; }
    function hits(a, b) { return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b; }
    function controlBoxes() {
      var out = [];
      Array.prototype.forEach.call(map._controlContainer.querySelectorAll(".leaflet-control"), function (c) {
        var r = c.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) out.push(box(r));
      });
      return out;
    }
    // Pan the map so the open popup (and its tip) meets no control: the smallest shift that
    // puts it in the clear, inside the map.
    function clearOfControls() {
      if (!popup || !popup.getElement()) return;
      var pr = box(popup.getElement().getBoundingClientRect());
      pr.b += 14;  // the tip
      var mr = box(container.getBoundingClientRect());
      mr = { l: mr.l + 4, t: mr.t + 4, r: mr.r - 4, b: mr.b - 4 };
      var ctrls = controlBoxes();
      var xs = [0, mr.l - pr.l, mr.r - pr.r], ys = [0, mr.t - pr.t, mr.b - pr.b];
      ctrls.forEach(function (c) { xs.push(c.r + 8 - pr.l, c.l - 8 - pr.r); ys.push(c.b + 8 - pr.t, c.t - 8 - pr.b); });
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
      if (!best) {  // no room beside the open panels: fold them and try again
        var open = panels.filter(function (p) { return p.isOpen(); });
        if (open.length) { open.forEach(function (p) { p.set(false); }); clearOfControls(); }
        return;
      }
      if (best.dx || best.dy) map.panBy([-best.dx, -best.dy], { animate: false });
    }

    function row(rowsEl, label, value) {
      if (value === null || value === undefined || value === "") return;
      rowsEl.push(el("tr", {}, [el("th", { scope: "row", text: label }), el("td", {}, [value])]));
    }
    function dateText(d) {  // [label, human ("no later than ..." for a bound), iso, "b"]
      return d[3] === "b" && d[1].indexOf("no later than") < 0 ? "no later than " + d[1] : d[1];
    }
    var layoutPending = false;  // a <details> was clicked; its toggle event comes in a later task
    function relayout() {  // a <details> in the popup opened or closed: size and place again
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
      var s = statusAt(p), rowsEl = [];
      var title = el("h3", { tabindex: "-1", text: p.name });
      var sub = el("p", { class: "cm-sub" }, [shapeSwatch(p.prov), p.prov.name + " · ",
        p.site ? "announced site" : el("code", { class: "cm-id", text: p.id })]);
      row(rowsEl, "Status", el("span", {}, [s ? el("i", { class: "cm-swatch", style: "background:" + color(s === "announced" ? "#f4effb" : statusInfo[s].color) }) : null,
        (s ? statusInfo[s].label : "Not yet announced") + " on " + humanDay(day)]));
      row(rowsEl, "Where", (p.city ? p.city + ", " : "") + (p.flag ? p.flag + " " : "") + p.country + " (" + p.cc + ")");
      if (!p.site) {
        var zu = s && LIVE[s] && zonesUnknownAt(p), zn = s && LIVE[s] ? zonesAt(p) : 0;
        row(rowsEl, "Live zones", zu ? (zn ? "at least " + zn + " (full count not published)" : "not published") : String(zn));
      }
      var body = [title, sub];
      var ready2 = detailsState === "ready";
      if (ready2) {
        var launched = (p.dates || []).filter(function (d) { return d[0] === "Launched"; })[0];
        if (launched) row(rowsEl, "Launched", dateText(launched));
      } else if (!p.site) {
        var first = launchedOn(p);
        if (first) row(rowsEl, "Launched", (p.b ? "no later than " : "") + humanDay(first));
      }
      body.push(el("table", { class: "cm-facts" }, rowsEl));
      if (p.b) {
        body.push(el("p", { class: "cm-bound" }, [el("span", { class: "cm-bound-key", "aria-hidden": "true", text: "≤" }),
          " Only an upper bound of the launch date is known: the region may be older than the timeline shows."]));
      }
      if (!ready2) {
        if (detailsState !== "failed") loadDetails();
        body.push(el("p", { class: "cm-hint", text: detailsState === "failed"
          ? "Details could not be loaded (" + data.detailsSrc + ")." : "Loading details…" }));
        return el("div", { class: "cm-popup" }, body);
      }
      if (p.src.length) {
        body.push(el("div", { class: "cm-sources" }, [el("h4", { text: "Sources" }), el("ol", {}, p.src.map(function (src) {
          var url = safeUrl(src[0]);
          var link = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", title: url }, [host(url)])
            : el("span", { text: src[0] });
          return el("li", {}, [link, src[1] ? ": " + src[1] : ""]);
        }))]));
      }
      if (!p.site && p.zones.length) {
        body.push(more("Zones (" + p.zones.length + " listed)", [
          el("ul", { class: "cm-zones" }, p.zones.map(function (z) {
            var extra = [];
            if (z[1]) extra.push("opened " + z[1]);
            if (z[2]) extra.push("closed " + z[2]);
            return el("li", {}, [el("code", { class: "cm-id", text: z[0] }), extra.length ? " (" + extra.join(", ") + ")" : ""]);
          }))]));
      }
      var extraRows = [];
      p.dates.forEach(function (d) { row(extraRows, d[0], dateText(d)); });
      row(extraRows, "Kind", p.kind);
      row(extraRows, "Location", p.approx ? "approximate: country only" : "precision: " + p.loc);
      if (p.region) row(extraRows, "Region", el("code", { class: "cm-id", text: p.region }));
      var moreBody = [el("table", { class: "cm-facts" }, extraRows)];
      if (p.notes) moreBody.push(el("p", { class: "cm-notes", text: p.notes }));
      body.push(more("Dates, kind and notes", moreBody));
      return el("div", { class: "cm-popup" }, body);
    }

    function openCountry(i, latlng) {
      var c = countries[i], list = [];
      var live = { regions: 0, zones: 0, unknown: false };
      places.forEach(function (p) {
        if (p.cc !== c.a2 || !selected[p.p] || !p.s) return;
        list.push(p);
        if (LIVE[p.s]) { if (p.cnt & 1) live.regions += 1; if (p.cnt & 2) { live.zones += p.z; if (p.zu) live.unknown = true; } }
      });
      var body = [el("h3", { tabindex: "-1", text: (c.flag ? c.flag + " " : "") + c.name }),
        el("p", {}, [who() + " on " + humanDay(day) + ": " + live.regions + " live " + plural(live.regions, "region", "regions") +
          ", " + zonesText(live.zones, live.unknown) + " live " + (live.zones === 1 && !live.unknown ? "zone" : "zones")])];
      if (list.length) {
        body.push(el("ul", { class: "cm-list" }, list.slice(0, 30).map(function (p) {
          return el("li", {}, [p.prov.short + ": ", p.site ? p.name : el("code", { class: "cm-id", text: p.id }),
            p.site ? "" : " " + p.name, " — " + statusInfo[p.s].label.toLowerCase()]);
        })));
        if (list.length > 30) body.push(el("p", { class: "cm-hint", text: "and " + (list.length - 30) + " more" }));
      }
      if (c.markets.length) {
        body.push(el("p", {}, ["Markets: " + c.markets.map(function (m) { return data.markets[m].name; }).join(", ")]));
      }
      var r = bestRtt(c.a2);
      if (r) {
        body.push(el("p", {}, ["Estimated RTT to the nearest region of the selected providers: ~" + Math.round(r.ms) + " ms (",
          el("code", { class: "cm-id", text: r.region }), ", " + providers[r.p].short + "), " + data.rtt.note +
          ", as of " + humanDay(data.asOf) + "."]));
      }
      popupPlace = null;
      openPopupAt(latlng, el("div", { class: "cm-popup" }, body));
    }

    // ---------------------------------------------------------------- search results
    function nearestCopy(p) {
      var lng = map.getCenter().lng, best = p.markers[1];
      p.markers.forEach(function (m) {
        if (!cluster.hasLayer(m)) return;
        if (Math.abs(m.getLatLng().lng - lng) < Math.abs(best.getLatLng().lng - lng)) best = m;
      });
      return best;
    }
    // Show a place and open its popup. Every step waits on the page's own state (markers
    // loaded, no zoom in progress), never on an animation event that might not come: a slow
    // phone gets the popup late, never not at all.
    var revealToken = 0;
    function goTo(p) {
      stopPlaying();
      var changed = false;
      if (!selected[p.p]) { selected[p.p] = true; changed = true; }
      if (!statusAt(p)) { step = last; day = steps[last]; changed = true; }
      var s = statusAt(p);
      if (s && !statusOn[s]) { statusOn[s] = true; changed = true; }
      if (!map.hasLayer(cluster)) { map.addLayer(cluster); changed = true; buildLayers(); }
      if (changed) apply();
      busy += 1;
      var token = revealToken += 1;
      whenSettled(function () {
        if (token !== revealToken) { busy -= 1; return; }  // a later result replaced this one
        map.closePopup();
        var m = nearestCopy(p);
        var zoom = Math.max(map.getZoom(), SEARCH_ZOOM);
        var parent = m.__parent;
        if (parent && parent._zoom !== undefined) zoom = Math.max(zoom, Math.min(parent._zoom + 1, map.getMaxZoom()));
        map.setView(m.getLatLng(), zoom, { animate: false });
        var shownAs = cluster.getVisibleParent(m);
        if (shownAs && shownAs !== m && shownAs.spiderfy) shownAs.spiderfy();
        openPlace(m, true);
        popupOpener = input;
        busy -= 1;
      });
    }
    function isSettled() {
      return ready && !loading && !dirty && busy === 0 && !playing && !layoutPending && !map._animatingZoom &&
        !(map._panAnim && map._panAnim._inProgress) && !map._flyToFrame &&
        !(map.dragging && map.dragging.moving()) && !(map.touchZoom && map.touchZoom._zooming);
    }
    function whenSettled(fn) {
      function check() {
        var b = busy;
        busy -= 1;  // our own pending call does not count
        var ok = isSettled();
        busy = b;
        if (ok) fn(); else requestAnimationFrame(check);
      }
      check();
    }

    // ---------------------------------------------------------------- world copies
    // The view stays within one world's width of the drawn copies: Leaflet wraps a drag
    // (worldCopyJump); other moves (keys, search) are wrapped here, with the popup along.
    var wrapping = false;
    map.on("moveend", function () {
      var c = map.getCenter();
      if (!wrapping && Math.abs(c.lng) > 180) {
        wrapping = true;
        var shift = c.lng > 180 ? -360 : 360;
        map.setView([c.lat, c.lng + shift], map.getZoom(), { animate: false });
        wrapping = false;
      }
      if (popup && map.hasLayer(popup)) {
        var pl = popup.getLatLng(), lng = map.getCenter().lng;
        if (Math.abs(pl.lng - lng) > 180) popup.setLatLng([pl.lat, pl.lng + (pl.lng > lng ? -360 : 360)]);
      }
    });
    map.on("zoomend", function () { if (shadeMode === "zones") restyleShading(); });
    window.addEventListener("resize", function () {
      map.setMinZoom(minZoomFor(container.clientWidth));
    });

    function addCopies() {
      copiesOn = true;
      addCountries(shading, countryStyle, null, [-1, 1]);
      drawMarkers();
    }

    var api = window.cloudmap = {
      map: map, data: data, places: places, cluster: cluster, shading: shading,
      ready: false, settled: isSettled,
      day: function () { return day; },
      step: function () { return step; },
      setStep: setStep,
      setDay: setDay,
      selected: function () { return providers.filter(function (p, i) { return selected[i]; }).map(function (p) { return p.id; }); },
      setProviders: function (ids) { setProviders(providers.map(function (p) { return ids.indexOf(p.id) >= 0; })); },
      shown: function () {
        var seen = {};
        cluster.getLayers().forEach(function (m) { seen[m.place.p + ":" + m.place.id] = m.place; });
        return Object.keys(seen).sort().map(function (k) { return seen[k]; });
      },
      statusAt: statusAt, find: findPlaces, goTo: goTo, totals: counts,
      details: function () { return detailsState; },
      base: function () { return base; },
      shade: function () { return shadeMode; },
    };
    addCountries(shading, countryStyle, null, [0]);
    map.addLayer(cluster);
    apply();
    showCountries();
  }
})();
