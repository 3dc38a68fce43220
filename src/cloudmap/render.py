"""The interactive map: one HTML page (folium/branca) holding one JSON data blob and the JS that draws it."""

from __future__ import annotations

__all__ = [
    "COORD_SCALE",
    "DETAILS_FILE",
    "DETAIL_FIELDS",
    "PLACE_FIELDS",
    "SIMPLIFY_TOLERANCE",
    "STATUS_COLORS",
    "country_shapes",
    "encode_countries",
    "map_data",
    "render_map",
    "render_site",
    "script_json",
    "timeline_steps",
]

import contextlib
import datetime as dt
import html
import importlib.resources
import itertools
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import branca.element
import folium
import numpy as np
import shapely

from cloudmap import world
from cloudmap.analysis import stats
from cloudmap.assets import ASSETS, inline
from cloudmap.catalog import Catalog, Region, Site
from cloudmap.errors import CloudmapError
from cloudmap.schema import STATUS_LABELS, STATUSES, PartialDate, parse_date

# Countries: coverage simplification (degrees; shared borders stay shared), then coordinates on a
# 1/COORD_SCALE degree grid (0.01 deg ~ 1 km), delta-encoded as integers per ring.
SIMPLIFY_TOLERANCE = 0.05
COORD_SCALE = 100
STATUS_CODES = {"new": "n", "live": "l", "closing": "c", "announced": "a", "closed": "x"}
STATUS_COLORS = {
    "new": "#1b9e4b",
    "live": "#2563c9",
    "closing": "#d6336c",
    "announced": "#8a4fd1",
    "closed": "#737b86",
}
# Countries shaded by live zones: (lowest count, colour); zero zones stay unshaded.
ZONE_BINS = ((1, "#fdeccd"), (3, "#f9cf8f"), (6, "#efa954"), (11, "#d07c2e"), (21, "#9c5421"))
RTT_COLORS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")
MARKET_COLORS = (
    "#d6336c",
    "#7048e8",
    "#f08c00",
    "#0c8599",
    "#5c940d",
    "#c2255c",
    "#1864ab",
    "#e8590c",
    "#2b8a3e",
    "#862e9c",
)
TILES = "OpenStreetMap"  # xyzservices: the URL and the attribution OSM asks for
# Each place's row as built; the page holds what draws, filters and finds markers (PLACE_FIELDS)
# and the rest, shown only in a popup (DETAIL_FIELDS), apart: inline in a self-contained page,
# else in a sidecar script (DETAILS_FILE) that loads after the map is up.
_ROW_FIELDS = (
    "id",
    "site",
    "name",
    "city",
    "cc",
    "kind",
    "lat",
    "lon",
    "loc",
    "approx",
    "zones",
    "dates",
    "latest",
    "src",
    "notes",
    "t",
    "z",
    "cnt",
    "region",
)
PLACE_FIELDS = ("id", "site", "name", "city", "cc", "lat", "lon", "t", "z", "cnt")
DETAIL_FIELDS = tuple(f for f in _ROW_FIELDS if f not in PLACE_FIELDS)
DETAILS_FILE = "details.js"
_LIVE = frozenset({"new", "live", "closing"})
COUNTRY_FIELDS = (
    "key",
    "a2",
    "name",
    "flag",
    "regions",
    "zones",
    "first",
    "markets",
    "targets",
    "status",
    "g",
)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Step:
    """One position of the timeline: the footprint as of ``on`` (year ends, then the as-of date)."""

    label: str
    on: dt.date


def timeline_steps(catalog: Catalog, on: dt.date) -> tuple[Step, ...]:
    """Each year's end from the first dated event's year to the year before ``on``, then ``on``."""
    first = min((d.year for d in catalog.dates if d <= on), default=on.year)
    steps = [Step(str(y), dt.date(y, 12, 31)) for y in range(first, on.year)]
    steps.append(Step(_human_day(on), on))
    return tuple(steps)


def _human_day(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


def _human(d: PartialDate | None) -> str | None:
    return d.human() if d is not None else None


def _latest_change(r: Region, on: dt.date) -> str | None:
    events: list[tuple[dt.date, int, str]] = []
    for i, (label, d) in enumerate(
        (
            ("announced", r.announced),
            ("launched", r.launched),
            ("closure announced", r.closure_announced),
            ("closed", r.closed),
        )
    ):
        if d is not None and d.effective <= on:
            events.append((d.effective, i, f"{label} {d.human()}"))
    for z in r.zones:
        if z.opened is not None and z.opened.effective <= on:
            events.append((z.opened.effective, 1, f"zone {z.id} opened {z.opened.human()}"))
        if z.closed is not None and z.closed.effective <= on:
            events.append((z.closed.effective, 3, f"zone {z.id} closed {z.closed.human()}"))
    return max(events)[2] if events else None


def _zone_counts(counts: list[int], codes: str) -> int | list[int]:
    """Zones per step; one number when it is the same at every step the place is live."""
    live = {c for c, code in zip(counts, codes, strict=True) if code in "nlc"}
    return live.pop() if len(live) == 1 else (0 if not live else counts)


def _share_sources(rows: list[list[Any]]) -> list[list[str]]:
    """Replace each row's sources by indices into one sorted table (many records cite the same
    page: at 10,000 sites this keeps the page small)."""
    col = _ROW_FIELDS.index("src")
    table = sorted({(src.url, src.supports) for row in rows for src in row[col]})
    index = {entry: i for i, entry in enumerate(table)}
    for row in rows:
        row[col] = [index[(src.url, src.supports)] for src in row[col]]
    return [list(entry) for entry in table]


def _country_label(cc: str) -> tuple[str, str]:
    try:
        return world.country_name(cc), world.flag(cc)
    except (LookupError, ValueError):
        return cc, ""


def _region_row(catalog: Catalog, r: Region, on: dt.date, steps: Sequence[Step]) -> list[Any]:
    statuses = [r.status(s.on) for s in steps]
    codes = "".join(STATUS_CODES.get(st or "", ".") for st in statuses)
    counts = [
        len(r.live_zones(s.on)) if st in _LIVE else 0 for st, s in zip(statuses, steps, strict=True)
    ]
    zones = _zone_counts(counts, codes)
    counted = catalog.counted(r)
    dates = [
        [label, d.human()]
        for label, d in (
            ("Announced", r.announced),
            ("Launched", r.launched),
            ("Closure announced", r.closure_announced),
            ("Closed", r.closed),
        )
        if d is not None
    ]
    zl = [[z.id, _human(z.opened), _human(z.closed), z.notes] for z in r.zones if z.id]
    loc = r.location
    return [
        r.id,
        0,
        r.name,
        r.city,
        r.country,
        r.kind,
        round(loc.lat, 4),
        round(loc.lon, 4),
        loc.precision,
        0,
        zl,
        dates,
        _latest_change(r, on),
        list(r.sources),
        r.notes,
        codes,
        zones,
        int(counted[0]) + 2 * int(counted[1]),
        None,
    ]


def _site_row(
    s: Site, shown: Sequence[frozenset[str]], points: dict[str, tuple[float, float]]
) -> list[Any]:
    codes = "".join("a" if s.id in ids else "." for ids in shown)
    name = _country_label(s.country)[0]
    if s.location is not None:
        lat, lon, loc, approx = s.location.lat, s.location.lon, s.location.precision, 0
    elif s.country in points:
        (lon, lat), loc, approx = points[s.country], "country", 1
    else:
        raise CloudmapError(
            f"{s.file}:{s.line}: {s.id}: location: no location and no polygon "
            f"for {s.country} to place it at; add location: {{lat, lon, ...}}"
        )
    title = f"{s.city}, {name}" if s.city else name
    return [
        s.id,
        1,
        f"Announced site: {title}",
        s.city,
        s.country,
        "announced site",
        round(lat, 4),
        round(lon, 4),
        loc,
        approx,
        [],
        [["Announced", s.announced.human()]],
        f"announced {s.announced.human()}",
        list(s.sources),
        s.notes,
        codes,
        0,
        0,
        s.region,
    ]


def encode_countries(geoms: np.ndarray) -> list[list[list[list[int]]]]:
    """Each (multi)polygon as parts of rings of integer deltas on the 1/COORD_SCALE grid:
    ``[x0, y0, dx1, dy1, ...]`` without the closing point. Repeated points are dropped, then
    rings of fewer than three distinct points, and a part whose exterior ring went goes whole.
    Vectorised over every ring of every polygon at once."""
    out: list[list[list[list[int]]]] = [[] for _ in range(len(geoms))]
    parts, geom_of = shapely.get_parts(geoms, return_index=True)
    full = ~shapely.is_empty(parts)
    parts, geom_of = parts[full], geom_of[full]
    rings, part_of = shapely.get_rings(parts, return_index=True)
    if not len(rings):
        return out
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    q = np.round(xy * COORD_SCALE).astype(np.int64)
    first = np.ones(len(q), dtype=bool)
    first[1:] = ring_of[1:] != ring_of[:-1]
    keep = first.copy()
    keep[1:] |= np.any(q[1:] != q[:-1], axis=1)
    q, ring_of = q[keep], ring_of[keep]
    n = np.bincount(ring_of, minlength=len(rings))
    order = np.lexsort((q[:, 1], q[:, 0], ring_of))  # distinct points per ring
    qs, rs = q[order], ring_of[order]
    new = np.ones(len(qs), dtype=bool)
    new[1:] = (rs[1:] != rs[:-1]) | np.any(qs[1:] != qs[:-1], axis=1)
    distinct = np.bincount(rs[new], minlength=len(rings))
    good = ((n >= 4) & (distinct >= 3)).tolist()
    closing = np.zeros(len(q), dtype=bool)  # the ring closes implicitly
    closing[(np.cumsum(n) - 1)[n > 0]] = True
    q, ring_of = q[~closing], ring_of[~closing]
    start = np.ones(len(q), dtype=bool)
    start[1:] = ring_of[1:] != ring_of[:-1]
    deltas = q.copy()
    deltas[1:] -= q[:-1]
    deltas[start] = q[start]
    flat = deltas.ravel().tolist()
    ends = np.cumsum(np.bincount(ring_of, minlength=len(rings)) * 2).tolist()
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = part_of[1:] != part_of[:-1]
    owner = geom_of[part_of].tolist()
    current: list[list[int]] | None = None
    begin = 0
    for k, (ext, end) in enumerate(zip(exterior.tolist(), ends, strict=True)):
        if ext:
            current = None
            if good[k]:
                current = [flat[begin:end]]
                out[owner[k]].append(current)
        elif current is not None and good[k]:
            current.append(flat[begin:end])
        begin = end
    return out


_shapes_lock = threading.Lock()
_shapes: dict[tuple[str, int, int], tuple[list[Any], dict[str, tuple[float, float]]]] = {}


def country_shapes(
    root: Path,
) -> tuple[list[list[list[list[int]]]], dict[str, tuple[float, float]]]:
    """The map's country geometry (coverage-simplified, shared borders stay shared; encoded as in
    encode_countries, in world layer row order) and each country's label point (where
    country-only sites are drawn). Computed once per geo/ file version."""
    layer = world._layer(root)
    path = Path(root) / world.COUNTRIES_FILE
    st = path.stat()
    ident = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    with _shapes_lock:
        if ident not in _shapes:
            from cloudmap.cache import cached, code_key, file_key

            def make() -> tuple[list[Any], dict[str, tuple[float, float]]]:
                simple = shapely.coverage_simplify(
                    layer.geoms, SIMPLIFY_TOLERANCE, simplify_boundary=True
                )
                return encode_countries(simple), _label_points(layer)

            key = f"{file_key(path)}|{code_key('cloudmap.render', 'cloudmap.world')}"
            _shapes.clear()  # one geo/ version at a time
            _shapes[ident] = cached("map-countries", key, make)
        return _shapes[ident]


def _countries(
    rows: Sequence[world.CountryRow], root: Path, market_index: dict[str, int]
) -> list[list[Any]]:
    shapes, _ = country_shapes(root)
    out = []
    for rec in rows:
        a2 = rec.iso_a2
        first = parse_date(rec.first_launch).human() if rec.first_launch else None
        out.append(
            [
                rec.key,
                a2,
                world.country_name(a2) if a2 else rec.name,
                world.flag(a2) if a2 else "",
                rec.live_regions,
                rec.live_zones,
                first,
                [market_index[m] for m in rec.markets],
                [market_index[m] for m in rec.target_markets],
                rec.status,
                shapes[rec.row],
            ]
        )
    return out


def _label_points(layer: Any) -> dict[str, tuple[float, float]]:
    """A point inside each country's largest polygon (where country-only sites are drawn)."""
    out = {}
    for a2, geom in zip(layer.iso_a2, layer.geoms, strict=True):
        if a2 is None or geom is None or geom.is_empty:
            continue
        largest = max(getattr(geom, "geoms", [geom]), key=lambda g: (g.area, g.bounds))
        p = largest.representative_point()
        out[a2] = (round(p.x, 4), round(p.y, 4))
    return out


def _rtt(catalog: Catalog, on: dt.date) -> dict[str, Any] | None:
    from cloudmap import coverage

    if not any(r.is_live(on) and r.kind in coverage.COVERAGE_KINDS for r in catalog.regions):
        return None
    # Several providers: the nearest live region of any of them (named <provider>:<region id>).
    bands = [label for _, label in coverage.RTT_BANDS]
    rows = {}
    for rec in coverage.country_records(catalog, on, provider=coverage.ALL_PROVIDERS):
        band = coverage.country_rtt_band(rec["rtt_est_ms"])
        if band not in bands:
            continue
        rows[rec["iso_a2"]] = [
            rec["rtt_est_ms"],
            bands.index(band),
            rec["share_20ms"],
            rec["share_50ms"],
            rec["share_100ms"],
            rec["nearest_region"],
        ]
    return {
        "note": coverage.RTT_NOTE,
        "bands": [[label, color] for label, color in zip(bands, RTT_COLORS, strict=True)],
        "rows": dict(sorted(rows.items())),
    }


def map_data(catalog: Catalog, on: dt.date, *, root: Path, rtt: bool = True) -> dict[str, Any]:
    """Everything the page draws, as plain JSON-ready data (sorted, rounded: deterministic)."""
    steps = timeline_steps(catalog, on)
    country_rows = world.country_rows(catalog, on, root)
    layer = world._layer(root)
    markets = world.load_markets(root, catalog=catalog)
    names = sorted(markets)
    market_index = {name: i for i, name in enumerate(names)}
    rows = [_region_row(catalog, r, on, steps) for r in sorted(catalog.regions, key=lambda r: r.id)]
    _, points = country_shapes(root)
    shown = [frozenset(s.id for s in catalog.sites_as_of(st.on)) for st in steps]
    rows += [_site_row(s, shown, points) for s in sorted(catalog.sites, key=lambda s: s.id)]
    t = _ROW_FIELDS.index("t")
    rows = [row for row in rows if row[t].strip(".")]  # never on the map: no date known
    sources = _share_sources(rows)
    cc = _ROW_FIELDS.index("cc")
    cc_names = {code: list(_country_label(code)) for code in sorted({row[cc] for row in rows})}
    core = [_ROW_FIELDS.index(f) for f in PLACE_FIELDS]
    detail = [_ROW_FIELDS.index(f) for f in DETAIL_FIELDS]
    return {
        "ccNames": cc_names,
        "asOf": on.isoformat(),
        "steps": [[s.label, s.on.isoformat()] for s in steps],
        "statuses": [[s, STATUS_CODES[s], STATUS_LABELS[s], STATUS_COLORS[s]] for s in STATUSES],
        "placeFields": list(PLACE_FIELDS),
        "places": [[row[i] for i in core] for row in rows],
        "details": {
            "fields": list(DETAIL_FIELDS),
            "rows": [[row[i] for i in detail] for row in rows],
            "sources": sources,
        },
        "detailsSrc": None,
        "countryFields": list(COUNTRY_FIELDS),
        "countries": _countries(country_rows, root, market_index),
        "coordScale": COORD_SCALE,
        "zoneBins": [list(b) for b in ZONE_BINS],
        "markets": [
            {
                "name": m.name,
                "id": m.id,
                "definition": m.definition,
                "color": MARKET_COLORS[i % len(MARKET_COLORS)],
                "countries": [row for row, a2 in enumerate(layer.iso_a2) if a2 in m.countries],
            }
            for i, m in enumerate(markets[n] for n in names)
        ],
        "rtt": _rtt(catalog, on) if rtt else None,
    }


def script_json(data: Any) -> str:
    """Canonical JSON that is safe inside <script>: no <, >, & or line separators appear raw."""
    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    for raw, esc in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, esc)
    return text


# --------------------------------------------------------------------------- page


_ids_lock = threading.Lock()


@contextlib.contextmanager
def _pinned_ids() -> Iterator[None]:
    """Give every branca element created meanwhile a counter id instead of a random one."""
    counter = itertools.count(1)
    element = branca.element.Element
    with _ids_lock:
        original = element.__dict__["_generate_id"]
        element._generate_id = classmethod(lambda cls: f"{next(counter):04d}")  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            element._generate_id = original  # type: ignore[method-assign]


class _Map(folium.Map):
    """folium.Map without the default CDN assets (jQuery, Bootstrap, icon fonts): we add ours."""

    default_js: list[tuple[str, str]] = []  # noqa: RUF012
    default_css: list[tuple[str, str]] = []  # noqa: RUF012


class _Raw(branca.element.Element):
    """Text put in the page as is (never parsed as a template: the text may hold ``{{``)."""

    _template = branca.element.Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text


class _Script(branca.element.MacroElement):
    """The call that builds the map from the data blob, after folium's own scripts.

    Only names and our own options go through this template: branca re-parses macro output
    as a template, so catalog text must never pass here (the data blob is a _Raw element).
    """

    _template = branca.element.Template(
        "{% macro script(this, kwargs) %}"
        'cloudmapInit({{ this.map }}, {{ this.tiles }}, "cloudmap-data", {{ this.options }});'
        "{% endmacro %}"
    )

    def __init__(self, map_: folium.Map, tiles: folium.TileLayer | None, options: str) -> None:
        super().__init__()
        self._name = "Cloudmap"
        self.map = map_.get_name()
        self.tiles = tiles.get_name() if tiles is not None else "null"
        self.options = options


def _static(name: str) -> str:
    return (importlib.resources.files("cloudmap") / "static" / name).read_text(encoding="utf-8")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"<b>{n}</b> {one if n == 1 else (many or one + 's')}"


def _header(
    catalog: Catalog,
    on: dt.date,
    downloads: Sequence[tuple[str, str]],
    links: Sequence[tuple[str, str]],
) -> str:
    e = html.escape
    s = stats(catalog, on)
    providers = ", ".join(p.name for _, p in sorted(catalog.providers.items()))
    parts = [
        '<header class="cm-header">',
        f"<h1>{e(providers)} footprint</h1>",
        f'<p class="cm-totals">As of <time datetime="{on.isoformat()}">{_human_day(on)}</time>: '
        f"{_count(s['regions'], 'region')}, {_count(s['zones'], 'zone')} in "
        f"{_count(s['countries'], 'country', 'countries')}; "
        f"{_count(s['announced_sites'], 'announced site')}</p>",
        '<nav class="cm-links">',
    ]
    for label, href in links:
        parts.append(f'<a href="{e(href)}">{e(label)}</a>')
    if downloads:
        parts.append('<details class="cm-downloads"><summary>Download data</summary><ul>')
        parts += [
            f'<li><a href="{e(href)}" download>{e(label)}</a></li>' for label, href in downloads
        ]
        parts.append("</ul></details>")
    parts.append("</nav></header>")
    return "".join(parts)


def render_map(
    catalog: Catalog,
    on: dt.date,
    *,
    root: Path,
    self_contained: bool = False,
    node_modules: Path | None = None,
    downloads: Sequence[tuple[str, str]] = (),
    links: Sequence[tuple[str, str]] = (),
    rtt: bool = True,
) -> str:
    """The map page as HTML text, every place's details inline: byte-identical for identical
    inputs.

    ``self_contained`` inlines every JS/CSS asset from ``node_modules`` (CloudmapError naming
    `npm ci` if missing) and draws the country polygons as the basemap instead of web tiles.
    ``downloads`` and ``links`` are (label, relative href) pairs shown in the header.
    """
    return _render(
        map_data(catalog, on, root=root, rtt=rtt),
        catalog,
        on,
        self_contained=self_contained,
        node_modules=node_modules,
        downloads=downloads,
        links=links,
    )


def render_site(
    catalog: Catalog,
    on: dt.date,
    *,
    root: Path,
    self_contained: bool = False,
    node_modules: Path | None = None,
    downloads: Sequence[tuple[str, str]] = (),
    links: Sequence[tuple[str, str]] = (),
    rtt: bool = True,
) -> dict[str, str]:
    """The map's files by name: ``index.html`` and, unless ``self_contained`` (which must work
    from file:// with nothing beside it), DETAILS_FILE with what only popups show (zones, dates,
    sources, notes), which the page loads once the map is drawn. Options as in render_map."""
    data = map_data(catalog, on, root=root, rtt=rtt)
    files = {}
    if not self_contained:
        files[DETAILS_FILE] = f"cloudmapDetails({script_json(data['details'])});\n"
        data = {**data, "details": None, "detailsSrc": DETAILS_FILE}
    page = _render(
        data,
        catalog,
        on,
        self_contained=self_contained,
        node_modules=node_modules,
        downloads=downloads,
        links=links,
    )
    return {"index.html": page, **files}


def _render(
    map_blob: dict[str, Any],
    catalog: Catalog,
    on: dt.date,
    *,
    self_contained: bool,
    node_modules: Path | None,
    downloads: Sequence[tuple[str, str]],
    links: Sequence[tuple[str, str]],
) -> str:
    data = script_json(map_blob)
    css_js = [(a.kind, inline(a, node_modules) if self_contained else a.url) for a in ASSETS]
    with _pinned_ids():
        m = _Map(
            location=(25.0, 40.0),
            zoom_start=2,
            min_zoom=1,
            tiles=None,
            world_copy_jump=True,
            zoom_control=True,
        )
        fig = m.get_root()
        assert isinstance(fig, branca.element.Figure)
        fig.title = html.escape(f"cloudmap: footprint as of {on.isoformat()}")
        for kind, text in css_js:
            if not self_contained:
                link = branca.element.CssLink if kind == "css" else branca.element.JavascriptLink
                fig.header.add_child(link(text))
            elif kind == "css":
                fig.header.add_child(_Raw(f"<style>{text}</style>"))
            else:
                fig.header.add_child(_Raw(f"<script>{text}</script>"))
        fig.header.add_child(
            _Raw(f"<style>{_static('map.css')}</style><script>{_static('map.js')}</script>")
        )
        status_css = " ".join(f".cm-s-{k} {{ background: {c}; }}" for k, c in STATUS_COLORS.items())
        fig.header.add_child(
            _Raw(
                f"<style>#{m.get_name()} {{ flex: 1 1 auto; height: auto !important; "
                f"min-height: 0; }} {status_css}</style>"
            )
        )
        fig.html.add_child(_Raw(_header(catalog, on, downloads, links)))
        tiles = None
        if not self_contained:
            tiles = folium.TileLayer(TILES, name="OpenStreetMap", control=False)
            tiles.add_to(m)
        options = script_json({"offline": self_contained, "tilesName": "OpenStreetMap tiles"})
        fig.html.add_child(
            _Raw(f'<script type="application/json" id="cloudmap-data">{data}</script>')
        )
        _Script(m, tiles, options).add_to(m)
        page = fig.render()
    return page.rstrip() + "\n"
