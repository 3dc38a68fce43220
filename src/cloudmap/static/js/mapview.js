/* cloudmap map view: the first view (where the selection is), the zoom range (never more than
 * the three world copies drawn), and the wrap that keeps the view on the drawn copies. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  cm.COPIES = [-1, 0, 1]; // world copies drawn, so the Pacific is continuous

  cm.minZoomFor = function (width) {
    return Math.max(1, Math.ceil(Math.log(Math.max(width, 256) / 512) / Math.LN2));
  };

  cm.mapView = function (app) {
    var map = app.map, container = app.container;
    // (not map.setMinZoom: its zoom is animated, and the animation's end would undo the first view)
    function minZoom() {
      var z = cm.minZoomFor(container.clientWidth);
      if (z === map.getMinZoom()) return;
      map.options.minZoom = z;
      map.fire("zoomlevelschange");
      if (map.getZoom() < z) map.setView(map.getCenter(), z, { animate: false });
    }
    minZoom();
    // Leaflet measures the world offset for worldCopyJump only on zoom: any other reset of the
    // view (setView at the same zoom, our wrap below) must refresh it, or the next drag jumps.
    map.on("viewreset", function () {
      if (map.dragging && map.dragging._onZoomEnd) map.dragging._onZoomEnd();
    });

    // Show latlng at the middle of the clear part of the map (no control over it), at zoom.
    app.showAt = function (latlng, zoom, rect) {
      var size = map.getSize(), r = rect || app.clearRect(1, 1);
      var shift = L.point((r.l + r.r) / 2 - size.x / 2, (r.t + r.b) / 2 - size.y / 2);
      var centre = map.unproject(map.project(latlng, zoom).subtract(shift), zoom);
      map.setView(centre, zoom, { animate: false });
    };

    // A phone: close (two zooms in, else one), on the middle of the selection, nudged so that no
    // marker starts under the search, the zoom buttons or the dock (then: most markers in view,
    // the smallest nudge).
    function compactView(middle, places) {
      var size = map.getSize(), v = app.visibleBox(), best = null;
      var ctrls = app.controlBoxes().filter(function (c) { return c.b - c.t > 20 || c.r - c.l < 200; });
      [2, 1].forEach(function (dz) {
        var z = map.getMinZoom() + dz, world = 256 * Math.pow(2, z), mid = map.project(middle, z);
        var pts = [], seen = {};
        places.forEach(function (p) { // where it shows at zoom z: itself, or the cluster holding it
          var node = p.markers ? p.markers[1] : null;
          while (node && node.__parent && node.__parent._zoom >= z) node = node.__parent;
          var ll = node ? node.getLatLng() : L.latLng(p.lat, p.lon), key = ll.lat + "," + ll.lng;
          if (!seen[key]) { seen[key] = 1; pts.push(map.project(ll, z)); }
        });
        for (var i = -3; i <= 3; i += 1) {
          for (var j = -3; j <= 3; j += 1) {
            var c = mid.add([i * 40, j * 40]), clear = 0, under = 0;
            pts.forEach(function (pt) {
              var dx = pt.x - c.x;
              dx -= Math.round(dx / world) * world;
              var x = size.x / 2 + dx, y = size.y / 2 + pt.y - c.y;
              if (x < v.l + 14 || x > v.r - 14 || y < v.t + 14 || y > v.b - 14) return;
              if (ctrls.some(function (b) { return x + 16 > b.l && x - 16 < b.r && y + 16 > b.t && y - 16 < b.b; })) under += 1;
              else clear += 1;
            });
            var score = [under ? 0 : 1, dz, clear, -(Math.abs(i) + Math.abs(j))];
            if (!best || score.some(function (s, k) { // the first difference decides
              for (var n = 0; n < k; n += 1) if (score[n] !== best.score[n]) return false;
              return s > best.score[k];
            })) best = { score: score, centre: map.unproject(c, z), z: z };
          }
        }
      });
      map.setView(best.centre, best.z, { animate: false });
    }

    // The selection's places fill the clear part of the map (a phone: close, on where most of its
    // live places are).
    function initialView() {
      var shown = app.places.filter(function (p) { return app.selected[p.provider] && p.s && app.statusOn[p.s]; });
      var sel = shown.filter(function (p) { return cm.LIVE[p.s]; });
      if (!sel.length) sel = app.places;
      if (!sel.length) return map.setView([20, 60], map.getMinZoom());
      function sorted(list, k) { return list.map(function (p) { return p[k]; }).sort(function (a, b) { return a - b; }); }
      var lats = sorted(sel, "lat"), lons = sorted(sel, "lon");
      function at(a, f) { return a[Math.min(a.length - 1, Math.max(0, Math.round(f * (a.length - 1))))]; }
      if (app.compact) {
        compactView(L.latLng(at(lats, 0.5), at(lons, 0.5)), shown.length ? shown : sel);
        return;
      }
      if (shown.length) { lats = sorted(shown, "lat"); lons = sorted(shown, "lon"); }
      var bounds = L.latLngBounds([lats[0], lons[0]], [lats[lats.length - 1], lons[lons.length - 1]]);
      var sw = map.project(bounds.getSouthWest(), 0), ne = map.project(bounds.getNorthEast(), 0);
      var bw = Math.abs(ne.x - sw.x), bh = Math.abs(sw.y - ne.y), m = 16, best = null;
      // the clear rectangle that shows them at the closest zoom (then: the largest)
      app.clearRects().forEach(function (r) {
        var fit = Math.min((r.r - r.l - 2 * m) / Math.max(bw, 1), (r.b - r.t - 2 * m) / Math.max(bh, 1));
        var z = Math.max(map.getMinZoom(), Math.min(5, Math.floor(Math.log(Math.max(fit, 1e-9)) / Math.LN2)));
        var area = (r.r - r.l) * (r.b - r.t);
        if (!best || z > best.z || (z === best.z && area > best.area)) best = { r: r, z: z, area: area };
      });
      app.showAt(map.unproject(sw.add(ne).divideBy(2), 0), best.z, best.r);
    }
    app.on("view", initialView);

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
      app.emit("moved");
    });
    window.addEventListener("resize", minZoom);
  };
})();
