/* cloudmap countries: one layer of country polygons that is the offline basemap (land fill) and
 * the country shading at once, one shading at a time (none, live zones or estimated RTT), so
 * colours never blend and the legend shows exactly the colours on the map; the street tiles
 * when they load (one probe first: offline, one request fails, not one per tile); the
 * expansion markets as outlines. */
(function () {
  "use strict";

  var cm = window.cloudmap;

  cm.countries = function (app, opts) {
    var map = app.map, data = app.data, LIVE = cm.LIVE;
    var tiles = opts.tiles || null, LAND = data.colors.land;
    var countries = data.countries.items, scale = data.countries.scale;
    var rings = countries.map(function (c) { // [[lat, lon] rings] per polygon, decoded once
      return c.shape.map(function (poly) {
        return poly.map(function (ring) {
          var out = [], x = 0, y = 0;
          for (var i = 0; i < ring.length; i += 2) {
            x += ring[i];
            y += ring[i + 1];
            out.push([y / scale, x / scale]);
          }
          return out;
        });
      });
    });
    var cache = {};
    function latlngs(i, k) {
      var key = i + ":" + k;
      if (!cache[key]) {
        var dx = 360 * k;
        cache[key] = rings[i].map(function (poly) {
          return poly.map(function (ring) {
            return ring.map(function (pt) { return L.latLng(pt[0], pt[1] + dx); });
          });
        });
      }
      return cache[key];
    }
    var copiesOn = false;
    function styleKey(st) {
      return [st.color, st.weight, st.opacity, st.dashArray, st.fillColor, st.fillOpacity].join("|");
    }
    // One polygon per country and world copy; ``indices`` limits it (markets).
    function addCountries(group, style, indices, copies) {
      copies.forEach(function (k) {
        (indices || countries.map(function (c, i) { return i; })).forEach(function (i) {
          if (!rings[i].length) return;
          var s = typeof style === "function" ? style(i) : L.extend({}, style);
          s.smoothFactor = 1.5;
          var poly = L.polygon(latlngs(i, k), s);
          poly.ci = i;
          poly.cmStyle = styleKey(s);
          group.addLayer(poly);
        });
      });
      return group;
    }
    app.countryLayer = function (style, indices, copies) {
      return addCountries(L.featureGroup(), style, indices, copies || (copiesOn ? cm.COPIES : [0]));
    };
    app.countriesData = countries;

    // ------------------------------------------------------------ shading
    app.shade = "zones";
    app.base = tiles ? "tiles" : "countries"; // tiles until the probe answers: no fill to drop
    var zonesByCountry = {};
    function zoneColor(n) {
      var c = null;
      data.zoneBins.forEach(function (b) { if (n >= b.from) c = b.color; });
      return c;
    }
    // the best estimated RTT to a selected provider's nearest region
    app.bestRtt = function (iso) {
      var r = data.rtt && data.rtt.byCountry[iso];
      if (!r) return null;
      var best = null;
      r.ms.forEach(function (ms, i) {
        if (ms !== null && app.selected[i] && (best === null || ms < best.ms)) {
          best = { ms: ms, region: r.region[i], provider: i };
        }
      });
      return best;
    };
    // the country's grid carbon (the one comparable dataset), or null
    app.countryCarbon = function (iso) {
      var c = data.carbon && data.carbon.byCountry[iso];
      return c === undefined || c === null ? null : c;
    };
    app.carbonBand = function (g) {
      var bands = data.carbon.bands;
      for (var i = 0; i < bands.length; i += 1) if (bands[i].upTo === null || g <= bands[i].upTo) return bands[i];
      return bands[bands.length - 1];
    };
    function rttBand(ms) {
      var bands = data.rtt.bands;
      for (var i = 0; i < bands.length; i += 1) if (bands[i].upTo === null || ms <= bands[i].upTo) return i;
      return bands.length - 1;
    }
    function countryStyle(ci) {
      var c = countries[ci], land = app.base === "countries", fill = null, dash = null;
      if (app.shade === "rtt" && data.rtt) {
        var b = app.bestRtt(c.iso);
        if (b) fill = data.rtt.bands[rttBand(b.ms)].color;
        else dash = "2 3";
      } else if (app.shade === "zones") {
        fill = zoneColor(zonesByCountry[c.iso] || 0);
      } else if (app.shade === "carbon" && data.carbon) {
        var g = app.countryCarbon(c.iso);
        if (g !== null) fill = app.carbonBand(g).color;
        else dash = "2 3";
      }
      var z = map.getZoom(), fade = z <= 4 ? 0.75 : z <= 6 ? 0.45 : 0.25; // over tiles: see through
      if (fill) {
        return { color: land ? "#ffffff" : "#8a6a4a", weight: land ? 0.6 : 0.7, opacity: 0.9, dashArray: null,
          fillColor: fill, fillOpacity: land ? 1 : fade };
      }
      return { color: land ? "#ffffff" : "#9aa5b1", weight: land ? 0.6 : 0.3, opacity: land ? 1 : 0.8,
        dashArray: land ? null : dash, fillColor: land ? LAND : "#ffffff", fillOpacity: land ? 1 : 0 };
    }
    var shading = L.featureGroup();
    app.shading = shading;
    cm.shading = shading;
    function restyle() {
      zonesByCountry = {};
      app.places.forEach(function (p) {
        if (app.selected[p.provider] && p.s && LIVE[p.s] && p.countsZones) {
          zonesByCountry[p.country] = (zonesByCountry[p.country] || 0) + p.z;
        }
      });
      shading.eachLayer(function (poly) { // only the shapes whose style changed: fewer DOM writes
        var st = countryStyle(poly.ci), key = styleKey(st);
        if (poly.cmStyle !== key) {
          poly.cmStyle = key;
          poly.setStyle(st);
        }
      });
    }
    shading.on("click", function (e) { app.emit("open-country", { index: e.layer.ci, latlng: e.latlng }); });
    function showCountries() { // on the map unless there is nothing to show (tiles, no shading)
      var want = app.base === "countries" || app.shade !== "none";
      restyle(); // first: shapes added to the map are drawn once, in their final style
      if (want && !map.hasLayer(shading)) map.addLayer(shading);
      if (!want && map.hasLayer(shading)) map.removeLayer(shading);
    }
    app.setShade = function (mode) {
      app.shade = mode;
      showCountries();
      app.emit("layers");
    };
    app.on("change", restyle);
    var fadeAt = null; // over tiles the shading fades as the map zooms in: three steps
    map.on("zoomend", function () {
      var z = map.getZoom(), step = z <= 4 ? 0 : z <= 6 ? 1 : 2;
      if (step !== fadeAt && app.shade !== "none") { fadeAt = step; restyle(); }
    });
    app.on("copies", function () {
      copiesOn = true;
      addCountries(shading, countryStyle, null, [-1, 1]);
    });
    addCountries(shading, countryStyle, null, [0]);

    // ------------------------------------------------------------ basemap
    app.hasTiles = !!tiles;
    app.tilesOk = tiles ? null : false;
    var miniTiles = null, miniCountries = null;
    // what the overview map shows: the same basemap, drawn lighter
    app.miniLayer = function () {
      if (app.base === "tiles") {
        if (!miniTiles) miniTiles = L.tileLayer(tiles._url, { maxZoom: tiles.options.maxZoom });
        return miniTiles;
      }
      if (!miniCountries) {
        miniCountries = app.countryLayer({ interactive: false, color: "#c3c9d0", weight: 0.3,
          fillColor: "#dde1e6", fillOpacity: 1 }, null, [0]);
      }
      return miniCountries;
    };
    app.setBase = function (which) {
      if (which === "tiles" && (!tiles || app.tilesOk === false)) which = "countries";
      app.base = which;
      if (which === "tiles") map.addLayer(tiles);
      else if (tiles && map.hasLayer(tiles)) map.removeLayer(tiles);
      app.container.classList.toggle("cm-offline-base", which === "countries");
      app.container.style.background = which === "countries" ? data.colors.sea : "";
      showCountries();
      app.emit("base");
      app.emit("layers");
    };
    function tilesFailed() {
      if (app.tilesOk === false) return;
      app.tilesOk = false;
      tiles.off("tileerror", tilesFailed);
      app.setBase("countries");
    }
    // The shapes go on the map once the first view is set ("started"): drawn once, at that view.
    app.on("started", function () { if (!map.hasLayer(shading)) showCountries(); });
    app.on("start", function () {
      if (!tiles) {
        app.setBase("countries");
        return;
      }
      tiles.on("tileerror", tilesFailed);
      app.busy += 1;
      var probe = new Image();
      probe.onload = function () { app.busy -= 1; app.tilesOk = true; app.setBase("tiles"); };
      probe.onerror = function () { app.busy -= 1; tilesFailed(); };
      probe.src = L.Util.template(tiles._url, L.extend({ s: "a", z: 0, x: 0, y: 0, r: "" }, tiles.options));
    });
    L.control.attribution({ position: "bottomright", prefix: '<a href="https://leafletjs.com">Leaflet</a>' })
      .addTo(map).addAttribution('Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a>');

    cm.base = function () { return app.base; };
    cm.shade = function () { return app.shade; };
  };

  // Expansion markets: each its own outline (colour and dash pattern), shown one by one.
  cm.markets = function (app) {
    var map = app.map;
    map.createPane("cm-markets").style.zIndex = 420;
    map.getPane("cm-markets").style.pointerEvents = "none";
    app.marketOn = app.data.markets.map(function () { return false; });
    var layers = app.data.markets.map(function () { return null; });
    app.setMarket = function (i, on) {
      var m = app.data.markets[i];
      app.marketOn[i] = on;
      if (!layers[i]) { // a dark line on a light casing: it shows on light land and dark shading alike
        layers[i] = L.layerGroup([
          app.countryLayer({ pane: "cm-markets", interactive: false, color: cm.color(app.data.colors.casing),
            weight: 5, opacity: 0.95, fill: false }, m.countries),
          app.countryLayer({ pane: "cm-markets", interactive: false, color: cm.color(m.color),
            weight: 2.5, dashArray: m.dash, fill: false }, m.countries)]);
      }
      if (on) map.addLayer(layers[i]); else map.removeLayer(layers[i]);
      app.emit("layers");
    };
  };

  cm.lineSwatch = function (m) {
    var span = cm.el("span", { class: "cm-line", "aria-hidden": "true" });
    span.innerHTML = '<svg width="28" height="8" focusable="false"><line x1="1" y1="4" x2="27" y2="4" stroke="#ffffff" ' +
      'stroke-width="5"/><line x1="1" y1="4" x2="27" y2="4" stroke="' + cm.color(m.color) +
      '" stroke-width="2.5" stroke-dasharray="' + String(m.dash).replace(/[^0-9. ]/g, "") + '"/></svg>';
    return span;
  };

  // The overview map (Leaflet-MiniMap) in a corner, showing the basemap the map shows.
  cm.overview = function (app) {
    if (app.compact || !L.Control.MiniMap) return;
    var minimap = null, wanted = false;
    // made once the map is interactive (with the world copies), not on the way there, and once
    // the tile probe has answered (the overview shows the basemap the map shows)
    app.on("copies", function () {
      wanted = true;
      if (!app.hasTiles || app.tilesOk !== null) build();
    });
    function build() {
      minimap = new L.Control.MiniMap(app.miniLayer(), {
        toggleDisplay: true, position: "bottomright", zoomLevelOffset: -4, width: 150, height: 100,
        collapsedWidth: 24, collapsedHeight: 24, // a touch target of 24 px at least
        mapOptions: { keyboard: false }, strings: { hideText: "Hide the overview map", showText: "Show the overview map" },
        aimingRectOptions: { color: "#2563c9", weight: 1, fillOpacity: 0.08, interactive: false },
        shadowRectOptions: { color: "#1f2933", weight: 1, opacity: 0, fillOpacity: 0, interactive: false },
      });
      // The overview moves the map only when a person drags it. Left to the plugin, the end of
      // the overview's own (animated) catch-up after quick moves of the map is taken for such a
      // drag, and the map pans back with an animation nobody asked for.
      var follow = minimap._onMiniMapMoved, dragged = false;
      minimap._onMiniMapMoved = function (e) {
        if (dragged) {
          dragged = false;
          follow.call(this, e);
        } else {
          this._miniMapMoving = false;
        }
      };
      minimap.addTo(app.map);
      minimap._miniMap.on("dragstart", function () { dragged = true; });
    }
    app.on("base", function () {
      if (minimap) minimap.changeLayer(app.miniLayer());
      else if (wanted) build();
    });
  };
})();
