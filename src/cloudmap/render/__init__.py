"""Everything folium and HTML: the footprint map of a view as a ``folium.Map`` (``footprint_map``),
the built site's pages (``site_pages``) and the changelog page. Nothing else imports folium.

Catalog text reaches the map page only inside the data element's JSON (``mapdata.script_json``)
and through templates that escape it; our own scripts and styles are the only raw text.
"""

from __future__ import annotations

__all__ = [
    "DETAILS_FILE",
    "TILES",
    "CloudMap",
    "footprint_map",
    "render_changelog",
    "site_pages",
]

import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from folium.raster_layers import TileLayer
from folium.utilities import JsCode

from cloudmap.assets import CDN, inline_url
from cloudmap.mapdata import MapData, map_data, script_json
from cloudmap.render.changelog import render_changelog
from cloudmap.render.elements import (
    ComparePanel,
    CountryShading,
    Footprint,
    Fullscreen,
    Header,
    LayerPanel,
    Legend,
    MarketOutlines,
    OverviewMap,
    PanelLayout,
    Popups,
    ProviderPanel,
    RegionMarkers,
    Search,
    Timeline,
)
from cloudmap.render.page import AssetLoader, CloudMap
from cloudmap.view import AsOf

DETAILS_FILE = "details.js"
TILES = "OpenStreetMap.Mapnik"  # xyzservices: the URL and the attribution OSM asks for
MAX_ZOOM = 12


def _human_day(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{d} {months[m - 1]} {y}"


def _join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


class _Inline(AssetLoader):
    """Every script and style inlined from node_modules (a self-contained page)."""

    def __init__(self, node_modules: Path | None) -> None:
        super().__init__()
        self.node_modules = node_modules

    def split(self, links: list[object]) -> tuple[list[str], list[str], list[str]]:  # type: ignore[override]
        for link in links:
            url = str(getattr(link, "url", ""))
            self.inline.setdefault(url, inline_url(url, self.node_modules))
        return super().split(links)  # type: ignore[arg-type]


def footprint_map(
    view: AsOf,
    *,
    self_contained: bool = False,
    node_modules: Path | None = None,
    details_src: str | None = None,
    links: Sequence[tuple[str, str]] = (),
    downloads: Sequence[tuple[str, str, str]] = (),
) -> CloudMap:
    """The view's footprint as a folium map: every provider's regions and announced sites with
    their shapes and statuses, popups, the header's totals, legend, search, timeline, market
    and coverage layers and the comparison panel, each a folium element; it opens on the view's
    date and providers. Add layers to it as to any ``folium.Map``; ``save`` writes the page.

    ``self_contained`` inlines every script and style (from ``node_modules``) and uses no web
    tiles: the page then works with no network. ``details_src`` names a file the page loads
    once the map is up instead of carrying what only popups need (a built site's details.js).
    """
    return _map(view, map_data(view), self_contained, node_modules, details_src, links, downloads)


def _map(
    view: AsOf,
    data: MapData,
    self_contained: bool,
    node_modules: Path | None,
    details_src: str | None,
    links: Sequence[tuple[str, str]],
    downloads: Sequence[tuple[str, str, str]],
) -> CloudMap:
    import xyzservices

    if details_src is not None:
        data = {**data, "details": None}
    shorts = [p["short"] for p in data["providers"]]
    heading = f"Cloud regions of {_join(shorts)}" if shorts else "Cloud regions"
    tiles = None
    if not self_contained:
        provider = xyzservices.providers.query_name(TILES)
        tiles = TileLayer(provider, max_zoom=MAX_ZOOM, show=False, name="Street map")
    m = CloudMap(
        title=f"cloudmap: {heading}, as of {view.on.isoformat()}",
        label=f"Map of {heading}",
        css_class="cm-map",
        loader=_Inline(node_modules) if self_contained else None,
        tiles=tiles,
        zoom_control=False,
        attribution_control=False,
        world_copy_jump=True,
        **{"maxZoom": MAX_ZOOM},  # folium's max_zoom is its tile layer's; this is the map's
        fade_animation=False,  # a closed popup leaves the page at once, not 200 ms later
        # Shapes are drawn a whole screen beyond each edge: a drag never uncovers a blank map
        # before the renderer catches up on moveend.
        renderer=JsCode("L.svg({padding: 1})"),
    )
    fp = view.footprint
    who = [p.name for p in view.provider_records]
    Footprint(data, details_src=details_src).add_to(m)
    Header(
        heading=heading,
        who=who[0] if len(who) == 1 else ("All providers" if view.is_all else ", ".join(who)),
        on_iso=view.on.isoformat(),
        on_human=_human_day(view.on.isoformat()),
        totals={
            "regions": len(fp.regions),
            "zones": len(fp.zones),
            "zones_unknown": bool(fp.zones_unknown),
            "countries": len(fp.countries),
            "announced": view.announced_places,
        },
        links=links,
        downloads=downloads,
        cdn_host=urllib.parse.urlsplit(CDN).hostname or CDN,
    ).add_to(m)
    CountryShading(tiles).add_to(m)
    MarketOutlines().add_to(m)
    RegionMarkers().add_to(m)
    Popups().add_to(m)
    Search().add_to(m)
    Fullscreen(position="topleft", title="Full screen", titleCancel="Exit full screen").add_to(m)
    for panel in (ProviderPanel, LayerPanel, ComparePanel, Legend, Timeline, PanelLayout):
        panel().add_to(m)
    OverviewMap().add_to(m)
    return m


def site_pages(
    view: AsOf,
    *,
    self_contained: bool = False,
    node_modules: Path | None = None,
    links: Sequence[tuple[str, str]] = (),
    downloads: Sequence[tuple[str, str, str]] = (),
) -> dict[str, str]:
    """A built site's map files by name: ``index.html`` and, unless ``self_contained`` (which
    must work from file:// with nothing beside it), DETAILS_FILE with what only popups and the
    comparison show, which the page loads once the map is drawn."""
    files: dict[str, str] = {}
    details_src = None if self_contained else DETAILS_FILE
    data = map_data(view)
    m = _map(view, data, self_contained, node_modules, details_src, links, downloads)
    if details_src is not None:
        files[DETAILS_FILE] = f"cloudmapDetails({script_json(data['details'])});\n"
    files["index.html"] = m.get_root().render()
    return files
