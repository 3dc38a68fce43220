"""HTML pages from Jinja2 templates (autoescaped): the map page and the changelog page.

Catalog text reaches the map page only inside the JSON data blob (``mapdata.script_json``) and
the changelog only through autoescaped template variables; ``| safe`` is used for our own
static files and for that blob, never for catalog text.
"""

from __future__ import annotations

__all__ = ["DETAILS_FILE", "header_totals", "render_changelog", "render_map", "render_site"]

import datetime as dt
import functools
import importlib.resources
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from cloudmap.assets import ASSETS, CDN, inline
from cloudmap.countries import get_name
from cloudmap.mapdata import map_data, script_json

if TYPE_CHECKING:
    from cloudmap.changelog import Event
    from cloudmap.project import Project

DETAILS_FILE = "details.js"
TILES = "OpenStreetMap.Mapnik"  # xyzservices: the URL and the attribution OSM asks for


@functools.lru_cache(maxsize=4096)
def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cloudmap", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["host"] = _host
    return env


def _static(name: str) -> str:
    return (importlib.resources.files("cloudmap") / "static" / name).read_text(encoding="utf-8")


def _human_day(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


def _tiles() -> dict[str, Any]:
    import xyzservices

    p = xyzservices.providers.query_name(TILES)
    return {"url": p.url, "attribution": p.html_attribution, "maxZoom": int(p.max_zoom)}


def render_map(
    project: Project,
    on: dt.date,
    *,
    self_contained: bool = False,
    node_modules: Path | None = None,
    downloads: Sequence[tuple[str, str, str]] = (),
    links: Sequence[tuple[str, str]] = (),
    data: dict[str, Any] | None = None,
) -> str:
    """The map page as HTML text, every place's details inline: byte-identical for identical
    inputs.

    ``self_contained`` inlines every JS/CSS asset from ``node_modules`` (CloudmapError naming
    `npm ci` if missing) and draws the country polygons as the basemap instead of web tiles.
    ``downloads`` are (label, href, note) and ``links`` (label, href) shown in the header.
    ``data`` is a ready map_data blob (the map measures RTT per provider itself).
    """
    blob = data if data is not None else map_data(project, on)
    assets = [
        {
            "kind": a.kind,
            "url": a.url,
            "inline": inline(a, node_modules) if self_contained else None,
        }
        for a in ASSETS
    ]
    css = _static("map.css")
    shorts = [p["short"] for p in blob["providers"]]
    heading = f"Cloud regions of {_join(shorts)}" if shorts else "Cloud regions"
    selected = blob.get("defaultProvider")
    totals = header_totals(project, on, selected)
    who = next((p["name"] for p in blob["providers"] if p["id"] == selected), None)
    options = {
        "offline": self_contained,
        "tiles": None if self_contained else _tiles(),
    }
    page = (
        _env()
        .get_template("index.html.j2")
        .render(
            title=f"cloudmap: {heading}, as of {on.isoformat()}",
            heading=heading,
            assets=assets,
            css=css,
            on_iso=on.isoformat(),
            on_human=_human_day(on),
            who=who or "All providers",
            totals=totals,
            links=list(links),
            downloads=list(downloads),
            cdn_host=_host(CDN),
            data_json=script_json(blob),
            map_js=_static("map.js"),
            options_json=script_json(options),
        )
    )
    return page


def _join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def header_totals(project: Project, on: dt.date, provider: str | None) -> dict[str, int]:
    """The header's totals on ``on`` for one provider (None: all), by the counting rule of
    cloudmap.footprint; ``announced`` is every announced place (announced regions and sites),
    the same figure as the legend's "Announced" row. The page recomputes these in the browser
    for any selection and date (map.js ``totals``)."""
    from cloudmap.footprint import footprint

    catalog = project.catalog
    fp = footprint(catalog, on, provider=provider)
    mine = [r for r in catalog.regions if provider is None or r.provider == provider]
    sites = [s for s in catalog.sites_as_of(on) if provider is None or s.provider == provider]
    return {
        "regions": len(fp.regions),
        "zones": len(fp.zones),
        "zones_unknown": bool(fp.zones_unknown),  # the zone figure is then a lower bound
        "countries": len(fp.countries),
        "announced": len(sites) + sum(1 for r in mine if r.status(on) == "announced"),
    }


def render_site(
    project: Project,
    on: dt.date,
    *,
    self_contained: bool = False,
    node_modules: Path | None = None,
    downloads: Sequence[tuple[str, str, str]] = (),
    links: Sequence[tuple[str, str]] = (),
) -> dict[str, str]:
    """The map's files by name: ``index.html`` and, unless ``self_contained`` (which must work
    from file:// with nothing beside it), DETAILS_FILE with what only popups show (zones, dates,
    sources, notes), which the page loads once the map is drawn. Options as in render_map."""
    data = map_data(project, on)
    files = {}
    if not self_contained:
        files[DETAILS_FILE] = f"cloudmapDetails({script_json(data['details'])});\n"
        data = {**data, "details": None, "detailsSrc": DETAILS_FILE}
    page = render_map(
        project,
        on,
        self_contained=self_contained,
        node_modules=node_modules,
        downloads=downloads,
        links=links,
        data=data,
    )
    return {"index.html": page, **files}


_CHANGELOG_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:64rem;padding:0 1rem;color:#1f2933}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
td.date{white-space:nowrap}.ev{font-weight:600}.k-closed,.k-closure_announced{color:#a61b1b}
.k-launched,.k-zone_opened{color:#0b6b2e}.k-announced,.k-site_announced{color:#1849a9}
code{font-size:.9em}a{color:#1849a9}.prov{font-weight:600}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:1rem 0}
.src{margin:0;padding-left:1.2rem}tr[hidden]{display:none}
"""


@dataclass(frozen=True, slots=True)
class _Row:
    """One changelog row, every value ready to print."""

    iso: str
    provider: str
    country: str
    kind: str
    year: int
    human: str
    verb: str
    provider_name: str
    title: str
    code: str
    zone: str | None
    sources: list[tuple[str, str, str]]  # (url, what it supports, host)


def render_changelog(
    project: Project, events: Sequence[Event], *, title: str = "Footprint changelog"
) -> str:
    """The changelog page: every event with filters (provider, country, event kind, year) and
    source links that show their site."""
    from cloudmap.changelog import VERBS

    catalog = project.catalog
    providers = [catalog.providers[p] for p in sorted(catalog.providers)]
    countries = sorted({e.country for e in events})
    kinds = [k for k in VERBS if any(e.kind == k for e in events)]
    names = {p.id: p.name for p in providers}
    rows = [  # plain values, so the template only escapes and joins (20,000 events at scale)
        _Row(
            e.date.iso,
            e.provider,
            e.country,
            e.kind,
            e.date.effective.year,
            e.date.human(),
            VERBS[e.kind],
            names.get(e.provider, e.provider),
            e.title,
            e.region or e.subject,
            e.subject if e.kind.startswith("zone") else None,
            [(s.url, s.supports, _host(s.url)) for s in e.sources],
        )
        for e in events
    ]
    return (
        _env()
        .get_template("changelog.html.j2")
        .render(
            title=title,
            css=_CHANGELOG_CSS,
            providers=providers,
            provider_names={p.id: p.name for p in providers},
            show_provider=len(providers) > 1,
            countries=[(cc, get_name(cc, cc)) for cc in countries],
            kinds=[(k, VERBS[k]) for k in kinds],
            years=sorted({e.date.effective.year for e in events}, reverse=True),
            events=rows,
        )
    )
