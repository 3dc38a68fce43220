/* cloudmap: draws the map from the JSON data blob written by cloudmap.render.
 * Every catalog string reaches the page through textContent (never innerHTML), and the one
 * place Leaflet wants HTML (layer control labels) gets escaped text. */
(function () {
  "use strict";

  var LIVE = { new: 1, live: 1, closing: 1 };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // el("div", {class: "x"}, ["text", el(...)]): strings become text nodes.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === "") return;
      node.appendChild(typeof c === "string" || typeof c === "number"
        ? document.createTextNode(String(c)) : c);
    });
    return node;
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url) ? url : null;
  }

  function rows(fields, list) {
    return list.map(function (row) {
      var o = {};
      fields.forEach(function (f, i) { o[f] = row[i]; });
      return o;
    });
  }

  // Rings are integer deltas on a 1/scale degree grid: [x0, y0, dx1, dy1, ...].
  function decodeGeometry(g, scale) {
    return {
      type: "MultiPolygon",
      coordinates: g.map(function (poly) {
        return poly.map(function (ring) {
          var out = [], x = 0, y = 0;
          for (var i = 0; i < ring.length; i += 2) {
            x += ring[i]; y += ring[i + 1];
            out.push([x / scale, y / scale]);
          }
          out.push(out[0]);
          return out;
        });
      }),
    };
  }

  window.cloudmapInit = function (map, tiles, dataId, options) {
    var data = JSON.parse(document.getElementById(dataId).textContent);
    var steps = data.steps, last = steps.length - 1, step = last;
    var statusByCode = {}, statusInfo = {}, statusOn = {};
    data.statuses.forEach(function (s) {
      statusByCode[s[1]] = s[0];
      statusInfo[s[0]] = { label: s[2], color: s[3] };
      statusOn[s[0]] = true;
    });
    var places = rows(data.placeFields, data.places);
    places.forEach(function (p) {
      var cc = data.ccNames[p.cc] || [p.cc, ""];
      p.country = cc[0];
      p.flag = cc[1];
    });

    // What only popups show (zones, dates, sources, notes): inline, or in a sidecar script that
    // calls window.cloudmapDetails once the map is drawn (file:// pages cannot fetch JSON).
    var detailsState = "none", openPopups = [];
    function attachDetails(d) {
      d.rows.forEach(function (row, i) {
        var p = places[i];
        d.fields.forEach(function (f, j) { p[f] = row[j]; });
        p.src = p.src.map(function (k) { return d.sources[k]; });
      });
      detailsState = "ready";
      openPopups.forEach(function (m) { if (m.isPopupOpen()) m.setPopupContent(placePopup(m.place)); });
      openPopups = [];
    }
    function loadDetails() {
      if (detailsState !== "none" || !data.detailsSrc) return;
      detailsState = "loading";
      window.cloudmapDetails = function (d) { delete window.cloudmapDetails; attachDetails(d); };
      var tag = document.createElement("script");
      tag.src = data.detailsSrc;
      tag.onerror = function () { detailsState = "failed"; };
      document.head.appendChild(tag);
    }
    if (data.details) attachDetails(data.details);
    var countries = rows(data.countryFields, data.countries);
    var markets = data.markets;
    var rtt = data.rtt;

    function statusAt(p, i) { return statusByCode[p.t.charAt(i)] || null; }
    function zonesAt(p, i) { return typeof p.z === "number" ? p.z : p.z[i]; }

    map.setMaxZoom(options.offline ? 10 : 18);  // markercluster needs one; offline: no tiles
    // The final view first, so that shapes and markers are drawn once, at that view.
    var extent = L.latLngBounds(places.map(function (p) { return [p.lat, p.lon]; }));
    map.fitBounds(extent.isValid() ? extent : [[-40, -125], [60, 150]],
      { padding: [40, 40], maxZoom: 4, animate: false });

    // ---------------------------------------------------------------- panes
    map.createPane("cm-base").style.zIndex = 250;
    map.createPane("cm-markets").style.zIndex = 420;
    map.getPane("cm-markets").style.pointerEvents = "none";

    // ---------------------------------------------------------------- countries
    var features = countries.map(function (c, i) {
      return { type: "Feature", properties: { i: i }, geometry: decodeGeometry(c.g, data.coordScale) };
    });
    var boundaries = 'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a>';
    // Layers that start hidden are built the first time they are shown: a page draws fast
    // when it makes no shapes it does not show.
    function lazy(make) {
      var group = L.layerGroup(), built = null;
      group.on("add", function () {
        if (!built) { built = make(); group.addLayer(built); }
      });
      return group;
    }
    var basemap = lazy(function () {
      return L.geoJSON(features, {
        pane: "cm-base", interactive: false, attribution: boundaries,
        style: { color: "#ffffff", weight: 0.6, fillColor: "#e4e7eb", fillOpacity: 1 },
      });
    });

    function zoneColor(n) {
      var color = null;
      data.zoneBins.forEach(function (b) { if (n >= b[0]) color = b[1]; });
      return color;
    }
    function countryFootprint(cc, i) {
      var out = { regions: 0, zones: 0, list: [] };
      places.forEach(function (p) {
        if (p.cc !== cc) return;
        var s = statusAt(p, i);
        if (!s) return;
        out.list.push([p, s]);
        if (LIVE[s]) {
          if (p.cnt & 1) out.regions += 1;
          if (p.cnt & 2) out.zones += zonesAt(p, i);
        }
      });
      return out;
    }
    var zonesByCountry = {};
    function computeZones() {
      zonesByCountry = {};
      places.forEach(function (p) {
        var s = statusAt(p, step);
        if (s && LIVE[s] && p.cnt & 2) zonesByCountry[p.cc] = (zonesByCountry[p.cc] || 0) + zonesAt(p, step);
      });
    }
    function choroplethStyle(f) {
      var c = countries[f.properties.i], color = zoneColor(zonesByCountry[c.a2] || 0);
      var z = map.getZoom(), fade = z <= 4 ? 0.7 : z <= 6 ? 0.4 : 0.2;  // let the map show through
      return { color: color ? "#7a5a3a" : "#9aa5b1", weight: color ? 0.8 : 0.3, opacity: 0.8,
        fillColor: color || "#ffffff", fillOpacity: color ? fade : 0 };
    }
    var choropleth = L.geoJSON(features, { style: choroplethStyle, attribution: boundaries });
    choropleth.bindPopup(function (layer) { return countryPopup(countries[layer.feature.properties.i]); },
      { maxWidth: 320, maxHeight: 340 });

    function countryPopup(c) {
      var fp = countryFootprint(c.a2, step);
      var body = [el("h3", {}, [c.flag ? c.flag + " " : "", c.name])];
      var when = steps[step][0];
      body.push(el("p", {}, [fp.regions + " live region" + (fp.regions === 1 ? "" : "s") + ", " +
        fp.zones + " live zone" + (fp.zones === 1 ? "" : "s") + " (" + when + ")"]));
      if (fp.list.length) {
        body.push(el("ul", { class: "cm-list" }, fp.list.map(function (x) {
          return el("li", {}, [x[0].site ? x[0].name : x[0].id + " (" + x[0].name + ")",
            " — " + statusInfo[x[1]].label.toLowerCase()]);
        })));
      }
      if (c.first) body.push(el("p", {}, ["First launch: " + c.first]));
      if (c.markets.length) {
        body.push(el("p", {}, ["Markets: " + c.markets.map(function (m) { return markets[m].name; }).join(", ")]));
      }
      if (c.targets.length) {
        body.push(el("p", {}, ["Named as an expansion target (" + data.asOf + "): " +
          c.targets.map(function (m) { return markets[m].name; }).join(", ")]));
      }
      var r = rtt && rtt.rows[c.a2];
      if (r) {
        body.push(el("p", {}, ["Estimated RTT to the nearest region (" + r[5] + "): ~" + Math.round(r[0]) +
          " ms, " + rtt.note + " (as of " + data.asOf + ")"]));
      }
      return el("div", { class: "cm-popup" }, body);
    }

    var rttLayer = null;
    if (rtt) {
      rttLayer = lazy(function () {
        var layer = L.geoJSON(features, {
          style: function (f) {
            var r = rtt.rows[countries[f.properties.i].a2];
            return r ? { color: "#ffffff", weight: 0.4, fillColor: rtt.bands[r[1]][1], fillOpacity: 0.7 }
              : { color: "#9aa5b1", weight: 0.3, fillOpacity: 0, dashArray: "2 3" };
          },
        });
        layer.bindPopup(function (l) { return countryPopup(countries[l.feature.properties.i]); },
          { maxWidth: 320, maxHeight: 340 });
        return layer;
      });
    }

    var marketLayers = markets.map(function (m) {
      return lazy(function () {
        return L.geoJSON(m.countries.map(function (i) { return features[i]; }), {
          pane: "cm-markets", interactive: false,
          style: { color: m.color, weight: 2, dashArray: "6 4", fillColor: m.color, fillOpacity: 0.08 },
        });
      });
    });

    // ---------------------------------------------------------------- places
    var icons = {};
    function iconFor(s, zones, site) {
      var key = s + "|" + zones + "|" + (site ? 1 : 0);
      if (!icons[key]) {
        var label = LIVE[s] ? String(zones | 0) : s === "closed" ? "×" : "";
        icons[key] = L.divIcon({
          className: "cm-marker cm-s-" + s + (site ? " cm-site" : ""),
          html: "<span>" + label + "</span>", iconSize: [24, 24], iconAnchor: [12, 12],
          popupAnchor: [0, -10], tooltipAnchor: [12, 0],
        });
      }
      return icons[key];
    }

    function placePopup(p) {
      var s = statusAt(p, step);
      var rowsEl = [];
      function row(label, value) {
        if (value === null || value === undefined || value === "") return;
        rowsEl.push(el("tr", {}, [el("th", { text: label }), el("td", {}, [value])]));
      }
      row("Status", el("span", {}, [el("i", { class: "cm-swatch cm-s-" + s }),
        (s ? statusInfo[s].label : "not yet announced") + " (" + steps[step][0] + ")"]));
      if (!p.site) row("Region id", el("code", { text: p.id }));
      row("City", p.city);
      row("Country", (p.flag ? p.flag + " " : "") + p.country + " (" + p.cc + ")");
      if (detailsState !== "ready") {
        loadDetails();
        if (!p.site) row("Live zones", (LIVE[s] ? zonesAt(p, step) : 0) + " (" + steps[step][0] + ")");
        var note = detailsState === "failed" ? "Details could not be loaded (" + data.detailsSrc + ")."
          : "Loading details…";
        return el("div", { class: "cm-popup" }, [el("h3", { text: p.name }), el("table", {}, rowsEl),
          el("p", { class: "cm-hint", text: note })]);
      }
      row("Kind", p.kind);
      if (!p.site) {
        var live = LIVE[s] ? zonesAt(p, step) : 0;
        row("Zones", el("span", {}, [live + " live (" + steps[step][0] + "), " + p.zones.length + " listed: ",
          el("span", { class: "cm-zones" }, [p.zones.map(function (z) {
            var extra = [];
            if (z[1]) extra.push("opened " + z[1]);
            if (z[2]) extra.push("closed " + z[2]);
            return z[0] + (extra.length ? " (" + extra.join(", ") + ")" : "");
          }).join("; ")])]));
      }
      p.dates.forEach(function (d) { row(d[0], d[1]); });
      row("Latest change", p.latest);
      row("Location", p.approx ? "approximate: country only" : "precision: " + p.loc);
      if (p.region) row("Region", p.region);
      var body = [el("h3", { text: p.name }), el("table", {}, rowsEl)];
      if (p.src.length) {
        body.push(el("div", { class: "cm-sources" }, ["Sources:", el("ol", {}, p.src.map(function (src) {
          var url = safeUrl(src[0]);
          var host = src[0].replace(/^[a-z]+:\/\//i, "").split("/")[0];
          var link = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", title: url }, [host])
            : el("span", { text: src[0] });
          return el("li", {}, [link, ": " + src[1]]);
        }))]));
      }
      if (p.notes) body.push(el("p", { class: "cm-notes", text: p.notes }));
      return el("div", { class: "cm-popup" }, body);
    }

    // Ready (window.cloudmap.ready) once the first batch of markers is all in the cluster:
    // chunked loading adds them a slice at a time so the page stays responsive.
    var onFirstLoad = [];
    var cluster = L.markerClusterGroup({
      maxClusterRadius: 30, disableClusteringAtZoom: 7, spiderfyOnMaxZoom: true,
      showCoverageOnHover: false, chunkedLoading: true,
      chunkProgress: function (done, total) {  // the cluster draws them right after this call
        if (done === total && onFirstLoad.length) {
          var todo = onFirstLoad.splice(0);
          setTimeout(function () { todo.forEach(function (f) { f(); }); }, 0);
        }
      },
      iconCreateFunction: function (c) {
        var n = c.getChildCount(), size = 24 + 6 * String(n).length;
        return L.divIcon({ className: "cm-cluster", iconSize: [size, size],
          html: '<span title="' + n + ' regions and sites here: click to expand">' + n + "</span>" });
      },
    });
    var markers = places.map(function (p) {
      var m = L.marker([p.lat, p.lon], { keyboard: true, riseOnHover: true });
      m.place = p;
      m.bindTooltip(function () {
        return el("span", {}, [p.site ? p.name : p.name + " · " + p.id]);
      }, { direction: "right" });
      m.bindPopup(function () {
        if (detailsState !== "ready") openPopups.push(m);
        return placePopup(p);
      }, { maxWidth: 360, minWidth: 240, maxHeight: 340 });
      return m;
    });

    // ---------------------------------------------------------------- state
    var legendCounts = {};
    function apply() {
      var shown = [];
      legendCounts = {};
      markers.forEach(function (m) {
        var p = m.place, s = statusAt(p, step);
        if (!s) return;
        legendCounts[s] = (legendCounts[s] || 0) + 1;
        if (!statusOn[s]) return;
        m.setIcon(iconFor(s, zonesAt(p, step), p.site));
        shown.push(m);
      });
      cluster.clearLayers();
      cluster.addLayers(shown);
      computeZones();
      choropleth.setStyle(choroplethStyle);
      updateLegend();
      timelineLabel.textContent = steps[step][0];
      slider.value = String(step);
      map.fire("cloudmap:step", { step: step });
    }

    // ---------------------------------------------------------------- controls
    var base = {}, overlays = {};
    if (tiles) base[esc(options.tilesName)] = tiles;
    base["Countries (offline basemap)"] = basemap;
    if (!tiles) basemap.addTo(map);  // folium already added the tiles
    overlays["Regions and announced sites"] = cluster;
    overlays["Countries: live zones"] = choropleth;
    if (rttLayer) overlays["Countries: estimated RTT to nearest region"] = rttLayer;
    markets.forEach(function (m, i) {
      overlays['<i class="cm-line" style="border-color:' + esc(m.color) + '"></i>Market: ' + esc(m.name)] = marketLayers[i];
    });
    choropleth.addTo(map);
    cluster.addTo(map);
    var layers = L.control.layers(base, overlays, { collapsed: window.innerWidth < 800, position: "topright" }).addTo(map);

    L.control.fullscreen({ position: "topleft", title: "Full screen", titleCancel: "Exit full screen" }).addTo(map);

    var miniLayer = options.offline || !tiles
      ? L.geoJSON(features, { interactive: false, style: { color: "#c3c9d0", weight: 0.3, fillColor: "#dde1e6", fillOpacity: 1 } })
      : L.tileLayer(tiles._url, L.extend({}, tiles.options, { attribution: "" }));
    new L.Control.MiniMap(miniLayer, { toggleDisplay: true, position: "bottomright", zoomLevelOffset: -4,
      width: 140, height: 100, aimingRectOptions: { color: "#2563c9", weight: 1, fillOpacity: 0.08 },
      shadowRectOptions: { color: "#1f2933", weight: 1, opacity: 0, fillOpacity: 0 } }).addTo(map);

    // Legend: categorical, with counts at the current step; each category toggles its markers.
    var legend = L.control({ position: "bottomleft" });
    var legendBody = el("div", {});
    legend.onAdd = function () {
      var box = el("div", { class: "cm-legend leaflet-bar" }, [legendBody]);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    function updateLegend() {
      legendBody.textContent = "";
      legendBody.appendChild(el("h4", { text: "Regions and sites, " + steps[step][0] }));
      data.statuses.forEach(function (st) {
        var key = st[0];
        var box = el("input", { type: "checkbox", "data-status": key });
        box.checked = statusOn[key];
        box.addEventListener("change", function () { statusOn[key] = box.checked; apply(); });
        legendBody.appendChild(el("label", { class: "cm-legend-row" }, [box,
          el("i", { class: "cm-swatch cm-s-" + key }), st[2] + " ",
          el("b", { class: "cm-count", "data-status": key, text: String(legendCounts[key] || 0) })]));
      });
      legendBody.appendChild(el("p", { class: "cm-hint", text: "Number on a marker: its live zones; on a dark circle: regions nearby (click to spread). Dashed: announced; square: site without a region id." }));
      if (map.hasLayer(choropleth)) {
        legendBody.appendChild(el("h4", { text: "Live zones per country" }));
        legendBody.appendChild(el("div", { class: "cm-bins" }, data.zoneBins.map(function (b, i) {
          var next = data.zoneBins[i + 1];
          return el("span", {}, [el("i", { class: "cm-swatch", style: "background:" + b[1] }),
            next ? (b[0] === next[0] - 1 ? String(b[0]) : b[0] + "–" + (next[0] - 1)) : b[0] + "+"]);
        })));
      }
      if (rttLayer && map.hasLayer(rttLayer)) {
        legendBody.appendChild(el("h4", { text: "Estimated RTT (" + rtt.note + ", " + data.asOf + ")" }));
        legendBody.appendChild(el("div", { class: "cm-bins" }, rtt.bands.map(function (b) {
          return el("span", {}, [el("i", { class: "cm-swatch", style: "background:" + b[1] }), b[0]]);
        })));
      }
    }
    legend.addTo(map);
    map.on("overlayadd overlayremove", updateLegend);
    map.on("zoomend", function () { choropleth.setStyle(choroplethStyle); });

    // Timeline: one step per year end, then the build's as-of date.
    var timeline = L.control({ position: "bottomleft" });
    var slider = el("input", { type: "range", min: "0", max: String(last), step: "1", value: String(last),
      "aria-label": "Timeline" });
    var timelineLabel = el("output", { class: "cm-step" });
    var play = el("button", { type: "button", class: "cm-play", title: "Play the timeline", text: "▶" });
    timeline.onAdd = function () {
      var box = el("div", { class: "cm-timeline leaflet-bar" }, [
        el("span", { class: "cm-hint", text: "Footprint as of " }), timelineLabel, el("br"), play, slider]);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    slider.addEventListener("input", function () { step = Number(slider.value); apply(); });
    var timer = null;
    play.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
      if (step === last) { step = 0; apply(); }
      play.textContent = "❚❚";
      timer = setInterval(function () {
        if (step >= last) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
        step += 1; apply();
      }, 900);
    });
    timeline.addTo(map);

    // Search: region id, name, city or country.
    function findPlaces(q) {
      q = q.trim().toLowerCase();
      if (!q) return [];
      var scored = [];
      places.forEach(function (p, i) {
        var hay = [p.id, p.name, p.city || "", p.country, p.cc].map(function (s) { return String(s).toLowerCase(); });
        var score = hay[0] === q ? 0 : hay[0].indexOf(q) === 0 ? 1 : hay.some(function (h) { return h === q; }) ? 2
          : hay.some(function (h) { return h.indexOf(q) >= 0; }) ? 3 : -1;
        if (score >= 0) scored.push([score, p.id, i]);
      });
      scored.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
      return scored.slice(0, 12).map(function (x) { return markers[x[2]]; });
    }
    function goTo(m) {
      var s = statusAt(m.place, step);
      if (!s || !statusOn[s]) {
        step = last;
        var now = statusAt(m.place, step);
        if (now) statusOn[now] = true;
        apply();
      }
      if (!map.hasLayer(cluster)) map.addLayer(cluster);
      cluster.zoomToShowLayer(m, function () { m.openPopup(); });
    }
    var search = L.control({ position: "topleft" });
    var input = el("input", { type: "search", class: "cm-search-input", placeholder: "Search region id, city, country",
      "aria-label": "Search region id, city or country" });
    var results = el("ul", { class: "cm-results" });
    function showResults() {
      results.textContent = "";
      findPlaces(input.value).forEach(function (m) {
        var p = m.place;
        var item = el("li", {}, [el("button", { type: "button" }, [
          el("b", { text: p.site ? p.country : p.id }), " " + (p.site ? p.name : p.name)])]);
        item.firstChild.addEventListener("click", function () { results.textContent = ""; goTo(m); });
        results.appendChild(item);
      });
      if (input.value.trim() && !results.childNodes.length) results.appendChild(el("li", { class: "cm-hint", text: "No match" }));
    }
    input.addEventListener("input", showResults);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        var first = findPlaces(input.value)[0];
        if (first) { results.textContent = ""; goTo(first); }
      }
    });
    search.onAdd = function () {
      var box = el("div", { class: "cm-search leaflet-bar" }, [input, results]);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    search.addTo(map);

    window.cloudmap = {
      map: map, data: data, places: places, markers: markers, cluster: cluster, layers: layers,
      choropleth: choropleth, rtt: rttLayer, markets: marketLayers, basemap: basemap,
      step: function () { return step; },
      setStep: function (i) { step = Math.max(0, Math.min(last, i)); apply(); },
      shown: function () { return cluster.getLayers().map(function (m) { return m.place.id; }); },
      statusAt: statusAt, find: findPlaces, goTo: goTo, ready: false,
      details: function () { return detailsState; },
    };
    onFirstLoad.push(function () {
      window.cloudmap.ready = true;
      setTimeout(loadDetails, 0);  // popups' details: after the map is up, before a click
    });
    apply();
  };
})();
