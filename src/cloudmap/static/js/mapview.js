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
    map.setMinZoom(cm.minZoomFor(container.clientWidth));
    // Leaflet measures the world offset for worldCopyJump only on zoom: any other reset of the
    // view (setView at the same zoom, our wrap below) must refresh it, or the next drag jumps.
    map.on("viewreset", function () {
      if (map.dragging && map.dragging._onZoomEnd) map.dragging._onZoomEnd();
    });

    function initialView() {
      var sel = app.places.filter(function (p) {
        var s = app.statusAt(p);
        return app.selected[p.provider] && s && cm.LIVE[s];
      });
      if (!sel.length) sel = app.places;
      if (!sel.length) return map.setView([20, 60], map.getMinZoom());
      var lats = sel.map(function (p) { return p.lat; }).sort(function (a, b) { return a - b; });
      var lons = sel.map(function (p) { return p.lon; }).sort(function (a, b) { return a - b; });
      function at(a, f) { return a[Math.min(a.length - 1, Math.max(0, Math.round(f * (a.length - 1))))]; }
      if (app.compact) { // a phone opens close, on where most of the selection is
        map.setView([at(lats, 0.5), at(lons, 0.5)], map.getMinZoom() + 2, { animate: false });
        return;
      }
      map.fitBounds(L.latLngBounds([lats[0], lons[0]], [lats[lats.length - 1], lons[lons.length - 1]]),
        { padding: [60, 60], maxZoom: 5, animate: false });
      if (map.getZoom() < map.getMinZoom()) map.setZoom(map.getMinZoom(), { animate: false });
    }
    app.on("start", initialView);

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
    window.addEventListener("resize", function () {
      map.setMinZoom(cm.minZoomFor(container.clientWidth));
    });
  };
})();
