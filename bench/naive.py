"""The baseline for page weight and time to interactive: a naive folium build of the same content.

`folium.GeoJson` of the raw Natural Earth 1:50m countries (geo/countries-50m.geojson, unsimplified)
plus one `folium.Marker` per region with the same popup fields as the product's popup. This is what
a first attempt with folium looks like; the product must beat it.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd

from cloudmap.countries import country_name, flag
from cloudmap.geo import MAP_FILE


def _popup(region, on: dt.date) -> str:
    esc = html.escape
    zones = region.live_zones(on)
    links = "".join(
        f'<li><a href="{esc(s.url)}">{esc(s.supports)}</a></li>' for s in region.sources
    )
    launched = region.launched.human() if region.launched else "unknown"
    return (
        f"<h4>{esc(region.label)}</h4><p><code>{esc(region.id)}</code> · {esc(region.city or '')}, "
        f"{esc(country_name(region.country))} {flag(region.country)}</p>"
        f"<p>Kind: {esc(region.kind)} · Status: {esc(region.status(on) or '')}</p>"
        f"<p>Zones ({len(zones)}): {esc(', '.join(z.id or '?' for z in zones))}</p>"
        f"<p>Launched: {esc(launched)}</p><ul>{links}</ul>"
    )


def naive_build(view: Any, out: Path) -> Path:
    """Write the naive page of a view (cloudmap.project.View) to ``out`` (an .html path)."""
    catalog, on = view.catalog, view.on
    countries = gpd.read_file(catalog.root / MAP_FILE)
    m = folium.Map(location=[20, 0], zoom_start=2)
    folium.GeoJson(countries, name="countries").add_to(m)
    for r in catalog.regions:
        if r.status(on) is None:
            continue
        folium.Marker(
            [r.location.lat, r.location.lon],
            popup=folium.Popup(_popup(r, on), max_width=320),
            tooltip=f"{r.name} ({r.id})",
        ).add_to(m)
    folium.LayerControl().add_to(m)
    m.save(str(out))
    return out
