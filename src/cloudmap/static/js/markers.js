/* cloudmap markers: one marker per region and announced site, its shape the provider's, its
 * fill the status on the day shown, its number the live zones; clustered (Leaflet.markercluster),
 * on three world copies once the first view is up. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;

  cm.markers = function (app) {
    var map = app.map, LIVE = cm.LIVE, info = app.statusInfo;

    function markerSvg(p) {
      var s = p.s, prov = p.prov, shape = cm.SHAPES[prov.shape] ? prov.shape : "circle";
      var fill = cm.color(app.fill(s));
      var stroke = s === "announced" ? cm.color(info.announced.color) : cm.color(prov.color);
      var dash = s === "announced" ? ' stroke-dasharray="3 2"' : "";
      var label = LIVE[s] && !p.site ? cm.zonesText(p.z, p.zu) : "";
      var svg = '<svg viewBox="0 0 28 28" width="28" height="28" aria-hidden="true" focusable="false">' +
        '<g fill="' + fill + '" stroke="#ffffff" stroke-width="5" stroke-linejoin="round">' + cm.SHAPES[shape] + "</g>" +
        '<g fill="' + fill + '" stroke="' + stroke + '" stroke-width="2.5" stroke-linejoin="round"' + dash + ">" +
        cm.SHAPES[shape] + "</g>";
      if (label) {
        svg += '<text x="14" y="' + (cm.TEXT_Y[shape] || 18) + '" text-anchor="middle" fill="#ffffff" ' +
          'font-size="' + (label.length > 2 ? 8.5 : label.length > 1 ? 10.5 : 12) + '" font-weight="700">' +
          label + "</text>";
      }
      if (p.bounded) { // launch date only known as "no later than"
        svg += '<circle cx="23.5" cy="4.5" r="4.5" fill="#ffffff" stroke="#1f2933" stroke-width="1"/>' +
          '<text x="23.5" y="7.2" text-anchor="middle" font-size="7.5" font-weight="700" fill="#1f2933">≤</text>';
      }
      return svg + "</svg>";
    }
    function markerLabel(p) {
      var s = p.s;
      if (p.site) return p.prov.name + ": " + p.name; // "Announced site: City, Country"
      var text = p.prov.name + " region " + p.id + ", " + p.name + ": " + info[s].label.toLowerCase();
      if (LIVE[s] && p.zu) text += ", zone count not published" + (p.z ? " (at least " + p.z + " live)" : "");
      else if (LIVE[s]) text += ", " + p.z + " live " + cm.plural(p.z, "zone", "zones");
      if (p.bounded) text += "; launch date is an upper bound";
      return text;
    }
    function iconFor(p) {
      var key = p.s + "|" + p.z + "|" + (p.zu ? 1 : 0);
      if (p.iconKey !== key) {
        p.iconKey = key;
        p.icon = cm.labelIcon({
          className: "cm-marker cm-p-" + p.prov.shape + " cm-s-" + p.s, html: markerSvg(p),
          iconSize: [28, 28], iconAnchor: [14, 14], label: markerLabel(p),
        });
      }
      return p.icon;
    }

    var loading = false, dirty = false, copiesOn = false;
    var afterLoad = [];
    app.whenLoaded = function (fn) { if (!loading && !dirty) fn(); else afterLoad.push(fn); };
    app.drawing = function () { return loading || dirty; };
    app.idleChecks.push(function () { return !loading && !dirty; });
    function loaded() {
      loading = false;
      if (dirty) { dirty = false; drawMarkers(); return; }
      if (!app.ready) {
        app.ready = true;
        app.busy += 1;
        setTimeout(function () { // then the world copies either side (the Pacific), and details
          copiesOn = true;
          app.emit("copies");
          drawMarkers();
          app.busy -= 1;
          app.loadDetails(); // popups' details: after the map is up, before a click
        }, 0);
      }
      afterLoad.splice(0).forEach(function (fn) { fn(); });
      later();
    }
    var cluster = L.markerClusterGroup({
      animate: false, // clustering changes in one step: no state half-way through a zoom
      maxClusterRadius: function (z) { return z >= 9 ? 20 : 34; },
      spiderfyOnMaxZoom: true, showCoverageOnHover: false, chunkedLoading: true,
      spiderLegPolylineOptions: { weight: 1.5, color: "#1f2933", opacity: 0.6 },
      chunkProgress: function (done, total) {
        // the cluster draws the markers right after this call, in the same task
        if (done === total) Promise.resolve().then(loaded);
      },
      iconCreateFunction: function (c) {
        var n = c.getChildCount(), size = 26 + 6 * String(n).length;
        return cm.labelIcon({ className: "cm-cluster", iconSize: [size, size], html: "<span>" + n + "</span>",
          label: n + " regions and sites here: press Enter to zoom in" });
      },
    });
    app.cluster = cluster;
    cm.cluster = cluster;
    cluster.on("clusterkeypress", function (e) {
      var key = e.originalEvent && (e.originalEvent.key || e.originalEvent.keyCode);
      if (key !== "Enter" && key !== 13 && key !== " " && key !== 32) return;
      if (map.getZoom() >= map.getMaxZoom()) e.layer.spiderfy();
      else e.layer.zoomToBounds({ padding: [40, 40] });
      app.container.focus();
    });
    app.places.forEach(function (p) {
      p.markers = cm.COPIES.map(function (k) {
        var m = L.marker([p.lat, p.lon + 360 * k], { keyboard: true, riseOnHover: true });
        m.place = p;
        m.bindTooltip(function () {
          return el("span", {}, [p.name + (p.site ? "" : " · " + p.id) + " · " + p.prov.short]);
        }, { direction: "top", offset: [0, -14] });
        m.on("click", function () { app.emit("open-place", { marker: m, focus: false }); });
        m.on("keypress", function (e) {
          var k2 = e.originalEvent.key || e.originalEvent.keyCode;
          if (k2 === " " || k2 === 32) {
            e.originalEvent.preventDefault();
            app.emit("open-place", { marker: m, focus: true });
          } else if (k2 === "Enter" || k2 === 13) app.emit("open-place", { marker: m, focus: true });
        });
        return m;
      });
    });

    function drawMarkers() {
      if (loading) { dirty = true; return; }
      var shown = [];
      app.places.forEach(function (p) {
        if (!p.s || !app.selected[p.provider] || !app.statusOn[p.s]) return;
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
    app.drawMarkers = drawMarkers;
    app.markersShown = function () { return map.hasLayer(cluster); };
    app.showMarkers = function (on) {
      if (on && !map.hasLayer(cluster)) { map.addLayer(cluster); drawMarkers(); }
      if (!on && map.hasLayer(cluster)) map.removeLayer(cluster);
      app.emit("layers");
    };
    // the copy of a place nearest the centre of the view
    app.nearestCopy = function (p) {
      var lng = map.getCenter().lng, best = p.markers[1];
      p.markers.forEach(function (m) {
        if (!cluster.hasLayer(m)) return;
        if (Math.abs(m.getLatLng().lng - lng) < Math.abs(best.getLatLng().lng - lng)) best = m;
      });
      return best;
    };
    app.on("start", function () { map.addLayer(cluster); });
    app.on("change", drawMarkers);

    // Each place shows once: the copy within half a world of the middle of the view (the others
    // are hidden). Markers inside the visible map and clear of the controls are the tab stops.
    var stopsPending = false;
    function tabStops() {
      stopsPending = false;
      if (!map.hasLayer(cluster)) return;
      var c = map.getCenter().lng, v = app.visibleBox(), ctrls = app.controlBoxes();
      cluster._featureGroup.eachLayer(function (l) {
        var icon = l._icon;
        if (!icon) return;
        var ll = l.getLatLng(), far = Math.abs(ll.lng - c) > 180, pt = map.latLngToContainerPoint(ll);
        var stop = !far && pt.x >= v.l && pt.x <= v.r && pt.y >= v.t && pt.y <= v.b &&
          !ctrls.some(function (b) { return pt.x >= b.l && pt.x <= b.r && pt.y >= b.t && pt.y <= b.b; });
        icon.classList.toggle("cm-far", far);
        if (far) icon.setAttribute("aria-hidden", "true");
        else icon.removeAttribute("aria-hidden");
        icon.tabIndex = stop ? 0 : -1;
      });
    }
    function later() {
      if (stopsPending) return;
      stopsPending = true;
      Promise.resolve().then(tabStops); // after the cluster has drawn what the move shows
    }
    app.idleChecks.push(function () { return !stopsPending; });
    app.tabStops = later;
    map.on("moveend zoomend resize", later);
    cluster.on("animationend spiderfied unspiderfied layeradd", later);
    var frame = null;
    map.on("move", function () { // while dragging: the copy shown follows the middle
      if (frame === null) frame = requestAnimationFrame(function () { frame = null; tabStops(); });
    });
    app.on("layers", later);

    cm.shown = function () {
      var seen = {};
      cluster.getLayers().forEach(function (m) { seen[m.place.provider + ":" + m.place.id] = m.place; });
      return Object.keys(seen).sort().map(function (k) { return seen[k]; });
    };
  };
})();
