/* cloudmap layers panel: the basemap (street tiles or country outlines), the places, one country
 * shading at a time, and the market outlines. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;

  cm.layersPanel = function (app) {
    var data = app.data;
    var body = el("div", { class: "cm-layers" });

    function radio(name, value, label, checked, onChange) {
      var r = el("input", { type: "radio", name: name, value: value, "data-layer": value });
      r.checked = checked;
      r.addEventListener("change", function () { if (r.checked) onChange(value); });
      return el("label", { class: "cm-row" }, [r, el("span", { text: label })]);
    }
    function build() {
      body.textContent = "";
      if (app.hasTiles) {
        var base = el("fieldset", { class: "cm-fieldset" }, [el("legend", { text: "Basemap" }),
          radio("cm-base", "tiles", "Street map (OpenStreetMap)", app.base === "tiles", app.setBase),
          radio("cm-base", "countries", "Country outlines (works offline)", app.base === "countries", app.setBase)]);
        if (app.tilesOk === false) {
          base.querySelector("[value=tiles]").disabled = true;
          base.appendChild(el("p", { class: "cm-hint", text: "Map tiles could not be loaded: showing country outlines." }));
        }
        body.appendChild(base);
      }
      var markers = el("input", { type: "checkbox", "data-layer": "markers" });
      markers.checked = app.markersShown();
      markers.addEventListener("change", function () { app.showMarkers(markers.checked); });
      body.appendChild(el("fieldset", { class: "cm-fieldset" }, [el("legend", { text: "Places" }),
        el("label", { class: "cm-row" }, [markers, el("span", { text: "Regions and announced sites" })])]));
      var shade = el("fieldset", { class: "cm-fieldset" }, [el("legend", { text: "Country shading (one at a time)" }),
        radio("cm-shade", "none", "None", app.shade === "none", app.setShade),
        radio("cm-shade", "zones", "Live zones", app.shade === "zones", app.setShade)]);
      if (data.rtt) {
        shade.appendChild(radio("cm-shade", "rtt", "Estimated RTT to the nearest region", app.shade === "rtt",
          app.setShade));
      }
      if (data.carbon) {
        shade.appendChild(radio("cm-shade", "carbon", "Grid carbon intensity", app.shade === "carbon", app.setShade));
      }
      body.appendChild(shade);
      if (data.markets.length) {
        body.appendChild(el("fieldset", { class: "cm-fieldset" }, [el("legend", { text: "Markets (outlines)" })].concat(
          data.markets.map(function (m, i) {
            var box = el("input", { type: "checkbox", "data-market": m.id });
            box.checked = !!app.marketOn[i];
            box.addEventListener("change", function () { app.setMarket(i, box.checked); });
            return el("label", { class: "cm-row", title: m.definition }, [box, cm.lineSwatch(m), el("span", { text: m.name })]);
          }))));
      }
    }
    // rebuilt when a layer changes elsewhere (a search shows the markers; tiles fail)
    app.on("layers", function () {
      if (!body.contains(document.activeElement)) build();
    });
    app.on("started", build);
    cm.panel(app, "layers", "Layers", body, false);
  };
})();
