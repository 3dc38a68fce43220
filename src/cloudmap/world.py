"""Country polygons, ISO lookups, markets -> countries, and point-in-country joins and checks."""

from __future__ import annotations

__all__ = [
    "COAST_TOLERANCE_KM",
    "COUNTRIES_FILE",
    "DE_JURE",
    "MARKETS_FILE",
    "NO_POLYGON",
    "CountryRow",
    "Market",
    "check_markets",
    "check_regions",
    "country_layer",
    "country_name",
    "country_rows",
    "distance_km",
    "flag",
    "load_countries",
    "load_markets",
    "locate",
    "market_countries",
    "market_stats",
]

import datetime as dt
import difflib
import json
import math
import re
import threading
import weakref
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pycountry
import shapely
from shapely.geometry import Point

from cloudmap.catalog import Source
from cloudmap.errors import CloudmapError, Problem, ValidationError
from cloudmap.schema import CRS
from cloudmap.yamlio import LineMap, load_yaml

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd

    from cloudmap.catalog import Catalog, Location, Region, Site

COUNTRIES_FILE = "geo/countries-50m.geojson"
MARKETS_FILE = "data/markets.yaml"
COAST_TOLERANCE_KM = 25.0
COLUMNS = ("key", "iso_a2", "iso_a3", "iso_n3", "name")

# ISO 3166-1 codes with no polygon at 1:50m (too small for Natural Earth's 1:50m admin-0 layer, or
# folded into another polygon there). Regions declared in them are not location-checked.
NO_POLYGON = frozenset({"BV", "GI", "TV", "UM"})

# Features whose territory ISO 3166-1 counts as part of another code: a point there may be
# declared with that code (Kosovo has only the user-assigned XK, which the catalog cannot use).
DE_JURE: dict[str, tuple[str, ...]] = {
    "XKX": ("RS",),
    "northern-cyprus": ("CY",),
    "somaliland": ("SO",),
    "siachen-glacier": ("IN", "PK"),
}

# Names that read badly in a legend: pycountry's inverted or official forms (see country_name).
_SHORT_NAMES = {
    "BN": "Brunei",
    "BQ": "Caribbean Netherlands",
    "CD": "DR Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "MF": "Saint Martin",
    "PS": "Palestine",
    "RU": "Russia",
    "SH": "Saint Helena",
    "SX": "Sint Maarten",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
    "XK": "Kosovo",
}
_USER_ASSIGNED = {"XK"}  # codes in the polygons that pycountry (ISO 3166-1) does not define

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
_LOCAL_WINDOW_DEG = 1.5  # boundaries within this many degrees of latitude are measured exactly
_LOCAL_EXACT_KM = 150.0  # ... which covers every distance up to this
_FAR_STEP_DEG = 0.1  # farther away: nearest vertex of the boundary densified to this spacing


# --------------------------------------------------------------------------- names and flags


def _normalise_code(cc: str) -> str:
    return cc.strip().upper() if isinstance(cc, str) else ""


def country_name(cc: str) -> str:
    """A short English name for an ISO 3166-1 alpha-2 code (also Kosovo's user-assigned XK).

    The rule: pycountry's ``common_name`` where it has one ("South Korea", "Taiwan", "Vietnam"),
    else a short form for names that are inverted or official ("Russia", "DR Congo"), else
    pycountry's ``name``. Raises ``LookupError`` for anything else.
    """
    code = _normalise_code(cc)
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        raise LookupError(f"{cc!r} is not an ISO 3166-1 alpha-2 code")
    return getattr(country, "common_name", None) or country.name


def flag(cc: str) -> str:
    """The flag emoji of a two-letter code: its letters as Unicode regional indicator symbols."""
    code = _normalise_code(cc)
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError(f"{cc!r} is not a two-letter country code")
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code)


# --------------------------------------------------------------------------- countries


class _Layer:
    """The country polygons of one geo/ file version: columns as tuples, prepared geometries,
    a spatial index, and (for files laid out as `cloudmap geo rebuild` writes them) each
    polygon's GeoJSON coordinates text, reusable as is (already on the grid, RFC 7946 winding)."""

    def __init__(
        self,
        columns: dict[str, tuple[str | None, ...]],
        geoms: np.ndarray,
        coords_text: tuple[str, ...] | None,
    ) -> None:
        order = sorted(range(len(geoms)), key=lambda i: str(columns["key"][i]))  # by key
        self.columns = {c: tuple(values[i] for i in order) for c, values in columns.items()}
        self.keys: tuple[str, ...] = tuple(str(k) for k in self.columns["key"])
        self.iso_a2: tuple[str | None, ...] = self.columns["iso_a2"]
        self.geoms = geoms[np.array(order, dtype=np.intp)] if len(order) else geoms
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)
        self.rows_of = {a2: i for i, a2 in enumerate(self.iso_a2) if a2 is not None}
        self.coords_text = tuple(coords_text[i] for i in order) if coords_text else None
        self._frame: gpd.GeoDataFrame | None = None
        self._frame_lock = threading.Lock()

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The layer as a GeoDataFrame (built on first use: the build itself never needs it)."""
        with self._frame_lock:
            if self._frame is None:
                import geopandas as gpd
                import pandas as pd

                data = {}
                for c in COLUMNS:
                    values = np.empty(len(self.keys), dtype=object)
                    values[:] = self.columns[c]
                    data[c] = pd.Series(values, dtype=object)
                self._frame = gpd.GeoDataFrame(data, geometry=self.geoms, crs=CRS)
            return self._frame

    def label(self, row: int) -> str:
        a2 = self.iso_a2[row]
        if a2 is None:
            return f"{self.columns['name'][row]} (no ISO code)"
        return f"{country_name(a2)} ({a2})"


_lock = threading.Lock()
_cache: dict[tuple[str, int, int], _Layer] = {}


def _layer(root: Path) -> _Layer:
    path = Path(root) / COUNTRIES_FILE
    try:
        stat = path.stat()
    except OSError:
        raise CloudmapError(
            f"{path}: missing; run inside the project folder, or rebuild it with "
            "`cloudmap geo rebuild --source countries-50m.json` (see geo/PROVENANCE.md)"
        ) from None
    ident = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _lock:
        layer = _cache.get(ident)
        if layer is None:
            layer = _read_layer(path)
            for old in [k for k in _cache if k[0] == ident[0]]:
                del _cache[old]
            _cache[ident] = layer
        return layer


# One feature per line, members sorted, as cloudmap.geobuild writes geo/countries-50m.geojson.
_HEAD = '{"geometry":{"coordinates":'
_MID = ',"type":"MultiPolygon"},'
_OVER_SIX_DECIMALS = re.compile(r"\.\d{7}")


def _read_layer(path: Path) -> _Layer:
    from cloudmap.cache import cached, code_key, file_key

    key = f"{file_key(path)}|{code_key('cloudmap.world')}"
    return _Layer(*cached("countries", key, lambda: _read_columns(path)))


_Columns = tuple[dict[str, tuple[str | None, ...]], np.ndarray, tuple[str, ...] | None]


def _read_columns(path: Path) -> _Columns:
    fast = _parse_lines(path.read_text(encoding="utf-8"))
    if fast is not None:
        return fast
    import pyogrio  # any other GeoJSON layout: let GDAL read it

    raw = pyogrio.read_dataframe(path)
    columns = {c: tuple(None if v is None or v != v else str(v) for v in raw[c]) for c in COLUMNS}
    return columns, np.asarray(raw.geometry.values.to_numpy(), dtype=object), None


def _parse_lines(text: str) -> _Columns | None:
    """Read the file as geobuild lays it out, without a JSON parse of the coordinates: the
    numbers all at once, the rings and parts from the bracket structure. None if the file is
    laid out any other way (or its coordinates have more than six decimals)."""
    lines = text.split("\n")
    if not lines or lines[0] != '{"type":"FeatureCollection","features":[':
        return None
    body = [line.removesuffix(",") for line in lines[1:] if line not in ("]}", "")]
    columns: dict[str, list[str | None]] = {c: [] for c in COLUMNS}
    coords: list[str] = []
    numbers: list[str] = []
    ring_sizes: list[int] = []
    poly_sizes: list[int] = []
    geom_sizes: list[int] = []
    for line in body:
        mid = line.find(_MID)
        if not line.startswith(_HEAD) or mid < 0:
            return None
        rest = json.loads("{" + line[mid + len(_MID) :])
        props = rest.get("properties")
        if rest.get("type") != "Feature" or not isinstance(props, dict):
            return None
        for c in COLUMNS:
            v = props.get(c)
            columns[c].append(None if v is None else str(v))
        text_c = line[len(_HEAD) : mid]
        if not (text_c.startswith("[[[[") and text_c.endswith("]]]]")):
            return None
        coords.append(text_c)
        polys = text_c[4:-4].split("]]],[[[")
        geom_sizes.append(len(polys))
        for poly in polys:
            rings = poly.split("]],[[")
            poly_sizes.append(len(rings))
            for ring in rings:
                flat = ring.replace("],[", ",")
                numbers.append(flat)
                ring_sizes.append(flat.count(",") // 2 + 1)
    joined = ",".join(numbers)
    if _OVER_SIX_DECIMALS.search(joined) or "[" in joined or "]" in joined:
        return None
    try:
        xy = np.array(json.loads("[" + joined + "]"), dtype=np.float64).reshape(-1, 2)
    except (ValueError, TypeError):
        return None
    if len(xy) != sum(ring_sizes):
        return None
    offsets = tuple(
        np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        for sizes in (ring_sizes, poly_sizes, geom_sizes)
    )
    geoms = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, xy, offsets)
    return {c: tuple(v) for c, v in columns.items()}, geoms, tuple(coords)


def load_countries(root: Path) -> gpd.GeoDataFrame:
    """The country polygons under ``root`` (geo/countries-50m.geojson), read once per file version.

    Columns ``key, iso_a2, iso_a3, iso_n3, name, geometry`` (codes are ``None`` where a feature has
    none), CRS EPSG:4326, one MultiPolygon a row, rows sorted by ``key``. Returns a copy.
    """
    return _layer(root).frame.copy()


def _locate_rows(layer: _Layer, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Row of the polygon under each point (the lowest row on a shared border), -1 at sea."""
    out = np.full(len(lons), -1, dtype=np.int64)
    if not len(lons):
        return out
    points_idx, rows = layer.tree.query(shapely.points(lons, lats))
    hit = shapely.intersects_xy(layer.geoms[rows], lons[points_idx], lats[points_idx])
    points_idx, rows = points_idx[hit], rows[hit]
    order = np.lexsort((rows, points_idx))  # by point, then row
    points_idx, rows = points_idx[order], rows[order]
    first = np.unique(points_idx, return_index=True)[1]  # the lowest row of each point
    out[points_idx[first]] = rows[first]
    return out


def locate(root: Path, lons: Sequence[float], lats: Sequence[float]) -> list[str | None]:
    """The ``key`` of the country polygon each (lon, lat) point falls in, or None at sea."""
    layer = _layer(root)
    rows = _locate_rows(layer, np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    return [layer.keys[r] if r >= 0 else None for r in rows]


def _geod() -> Any:
    import pyproj

    with _lock:
        if "geod" not in _tools:
            _tools["geod"] = pyproj.Geod(ellps="WGS84")
        return _tools["geod"]


_tools: dict[str, Any] = {}


def distance_km(geom: shapely.Geometry, lon: float, lat: float) -> float:
    """Geodesic distance (km, WGS84) from a point to a lon/lat polygon; 0 inside it.

    Exact (azimuthal equidistant projection centred on the point) up to 150 km, where the
    25 km coast tolerance is decided; farther away, the distance to the nearest vertex of the
    boundary densified to 0.1 degrees (within a few km).
    """
    if shapely.intersects_xy(geom, lon, lat):
        return 0.0
    half_lat = _LOCAL_WINDOW_DEG
    reach = min(abs(lat) + half_lat, 89.9)
    half_lon = min(180.0, half_lat / math.cos(math.radians(reach)))
    pieces = []
    for k in (-1, 0, 1):
        west, east = lon - half_lon - 360.0 * k, lon + half_lon - 360.0 * k
        if east < -180.0 or west > 180.0:
            continue
        part = shapely.clip_by_rect(geom, west, lat - half_lat, east, lat + half_lat)
        if not part.is_empty:
            pieces.append(shapely.transform(part, lambda c, k=k: c + np.array([360.0 * k, 0.0])))
    if pieces:
        import pyproj

        aeqd = pyproj.Transformer.from_crs(
            CRS, f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m", always_xy=True
        )
        local = shapely.transform(
            shapely.union_all(pieces), lambda c: np.column_stack(aeqd.transform(c[:, 0], c[:, 1]))
        )
        km = shapely.distance(Point(0.0, 0.0), local) / 1000.0
        if km <= _LOCAL_EXACT_KM:
            return float(km)
    edge = shapely.segmentize(shapely.boundary(geom), _FAR_STEP_DEG)
    xy = shapely.get_coordinates(edge)
    _, _, metres = _geod().inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return float(np.min(metres)) / 1000.0


# --------------------------------------------------------------------------- region checks


def _hint(layer: _Layer, row: int, lon: float, lat: float) -> str:
    candidates = [
        ("lat/lon swapped?", lon, lat),
        ("sign of lat flipped?", -lat, lon),
        ("sign of lon flipped?", lat, -lon),
        ("signs of lat and lon flipped?", -lat, -lon),
    ]
    for text, new_lat, new_lon in candidates:
        if (new_lat, new_lon) == (lat, lon) or abs(new_lat) > 90:
            continue
        if distance_km(layer.geoms[row], new_lon, new_lat) <= COAST_TOLERANCE_KM:
            return f"{text} (lat {new_lat}, lon {new_lon}) is in {layer.label(row)}"
    return "check the signs of lat/lon and the country code"


def _check_point(
    layer: _Layer, rec: Region | Site, loc: Location, at: int, what: str
) -> Problem | None:
    declared = rec.country
    if declared in NO_POLYGON or declared not in layer.rows_of:
        return None  # documented: no 1:50m polygon to test against
    row = layer.rows_of[declared]
    if at == row:
        return None
    if at >= 0 and declared in DE_JURE.get(layer.keys[at], ()):
        return None
    lon, lat = loc.lon, loc.lat
    km = distance_km(layer.geoms[row], lon, lat)
    if km <= COAST_TOLERANCE_KM:
        return None
    where = layer.label(at) if at >= 0 else "the sea"
    message = (
        f"{what} (lat {lat}, lon {lon}) lies in {where}, {km:,.0f} km from "
        f"{layer.label(row)}; it must be inside {declared} or within "
        f"{COAST_TOLERANCE_KM:.0f} km of it ({_hint(layer, row, lon, lat)})"
    )
    return Problem(rec.file, rec.line_of("location"), rec.id, "location", message)


def check_regions(catalog: Catalog, *, root: Path | None = None) -> list[Problem]:
    """Every region's point (and every located site's) lies in its declared country's polygon.

    A point may also lie within 25 km of it (coastal and border sites), or in a feature ISO counts
    as part of that country (DE_JURE). Countries without a 1:50m polygon (NO_POLYGON) are skipped.
    Polygons come from ``root`` (default: ``catalog.root``). Usable as a load_catalog extra check.
    """
    layer = _layer(root if root is not None else catalog.root)
    records: list[tuple[Region | Site, Location, str]] = [
        (r, r.location, "point") for r in catalog.regions
    ]
    records += [(s, s.location, "site point") for s in catalog.sites if s.location is not None]
    lons = np.array([loc.lon for _, loc, _ in records], dtype=np.float64)
    lats = np.array([loc.lat for _, loc, _ in records], dtype=np.float64)
    rows = _locate_rows(layer, lons, lats)
    found = (
        _check_point(layer, rec, loc, int(at), what)
        for (rec, loc, what), at in zip(records, rows, strict=True)
    )
    return sorted(p for p in found if p is not None)


# --------------------------------------------------------------------------- markets


@dataclass(frozen=True)
class Market:
    """A market named in announcements, defined as an explicit list of ISO alpha-2 codes."""

    id: str
    name: str
    definition: str
    countries: tuple[str, ...]
    sources: tuple[Source, ...]
    announcements: tuple[str, ...]  # ids of seeds/ records whose claims.markets name it
    m49: str | None = None
    notes: str | None = None
    line: int = 0


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Found(list[Problem]):
    """Problems found in data/markets.yaml."""

    def add(self, line: int, mid: str, fld: str, message: str) -> None:
        self.append(Problem(MARKETS_FILE, line, mid, fld, message))


def _text(node: LineMap, key: str, mid: str, found: _Found, *, required: bool = True) -> str | None:
    value = node.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        got = "nothing" if value is None else f"{type(value).__name__} {value!r}"
        found.add(node.line_of(key), mid, key, f"expected non-empty text, got {got}")
        return None
    return value.strip()


def _sources(node: LineMap, mid: str, found: _Found) -> tuple[Source, ...]:
    raw, line = node.get("sources"), node.line_of("sources")
    if not isinstance(raw, list) or not raw:
        found.add(line, mid, "sources", "missing: cite at least one {url, supports}")
        return ()
    out = []
    for item in raw:
        if not isinstance(item, LineMap):
            found.add(line, mid, "sources", "expected {url, supports}")
            continue
        url, supports = _text(item, "url", mid, found), _text(item, "supports", mid, found)
        if url and not re.match(r"^https?://\S+$", url):
            found.add(item.line_of("url"), mid, "url", f"{url!r} is not an http(s) URL")
        elif url and supports:
            out.append(Source(url, supports))
    return tuple(out)


def _countries(node: LineMap, mid: str, found: _Found) -> tuple[str, ...]:
    raw, line = node.get("countries"), node.line_of("countries")
    if not isinstance(raw, list) or not raw:
        found.add(line, mid, "countries", "expected a non-empty list of ISO 3166-1 alpha-2 codes")
        return ()
    if not all(isinstance(c, str) for c in raw):
        bad = ", ".join(repr(c) for c in raw if not isinstance(c, str))
        if any(isinstance(c, bool) for c in raw):
            bad += " (quote 'NO': unquoted, YAML reads Norway's code as false)"
        found.add(line, mid, "countries", f"expected ISO 3166-1 alpha-2 codes, got {bad}")
        return ()
    for code in raw:
        if code in _USER_ASSIGNED or (code.isupper() and pycountry.countries.get(alpha_2=code)):
            continue
        try:
            match = pycountry.countries.lookup(code)
            hint = f" (did you mean {match.alpha_2}, {match.name}?)"
        except LookupError:
            hint = ""
        found.add(line, mid, "countries", f"{code!r} is not an ISO 3166-1 alpha-2 code{hint}")
    dupes = sorted({c for c in raw if raw.count(c) > 1})
    if dupes:
        found.add(line, mid, "countries", f"listed twice: {', '.join(dupes)} (keep one)")
    elif raw != sorted(raw):
        found.add(line, mid, "countries", "not sorted; write them in alphabetical order")
    return tuple(raw)


def _seed_markets(root: Path, catalog: Catalog | None) -> list[tuple[str, str, list[str]]]:
    """(announcement id, display file, market names) for every seed whose claims name markets."""
    out = []
    if catalog is not None:
        for aid in sorted(catalog.announcements):
            ann = catalog.announcements[aid]
            names = ann.claims.get("markets")
            if isinstance(names, list):
                out.append((aid, ann.file, [str(n) for n in names]))
        return out
    for path in sorted((Path(root) / "seeds").glob("*.yaml")):
        doc, problems = load_yaml(path, path.name)
        claims = doc.get("claims") if isinstance(doc, dict) and not problems else None
        names = claims.get("markets") if isinstance(claims, dict) else None
        if isinstance(names, list):  # broken seeds are load_catalog's to report
            aid = str(doc.get("id") or path.stem)  # type: ignore[union-attr]
            out.append((aid, f"seeds/{path.name}", [str(n) for n in names]))
    return out


def _parse_market(node: LineMap, found: _Found) -> tuple[str | None, Market | None]:
    """(its name, the market or None if it has problems)."""
    for key, kline in node.duplicates:
        found.add(kline, "-", key, "key given twice (keep one)")
    before = len(found)
    mid = _text(node, "id", "-", found) or "-"
    if mid != "-" and not _ID_RE.match(mid):
        found.add(node.line_of("id"), mid, "id", "use lowercase letters, digits and hyphens")
    name = _text(node, "name", mid, found)
    definition = _text(node, "definition", mid, found)
    m49 = node.get("m49")
    if m49 is not None and not (isinstance(m49, str) and re.fullmatch(r"\d{3}", m49)):
        found.add(node.line_of("m49"), mid, "m49", f"{m49!r} is not a quoted M49 code like '035'")
    notes = _text(node, "notes", mid, found, required=False)
    countries, sources = _countries(node, mid, found), _sources(node, mid, found)
    if len(found) > before or not (name and definition):
        return name, None
    return name, Market(mid, name, definition, countries, sources, (), m49, notes, node.line)


def _read_markets(root: Path, catalog: Catalog | None) -> tuple[dict[str, Market], list[Problem]]:
    found = _Found()
    path = Path(root) / MARKETS_FILE
    if not path.is_file():
        found.add(0, "-", "file", "missing: define the markets that seeds/ name in this file")
        return {}, found
    doc, problems = load_yaml(path, MARKETS_FILE)
    items = doc.get("markets") if isinstance(doc, LineMap) else None
    if problems or not isinstance(items, list):
        return {}, problems or [
            Problem(MARKETS_FILE, 1, "-", "markets", "expected `markets:` with a list of markets")
        ]
    parsed: list[Market] = []
    known: dict[str, str] = {}  # normalised name -> name, broken entries too (no cascades)
    seen: dict[tuple[str, str], int] = {}
    for node in items:
        if not isinstance(node, LineMap):
            found.add(doc.line_of("markets"), "-", "markets", "expected a mapping per market")
            continue
        name, market = _parse_market(node, found)
        for fld, value in (("id", node.get("id")), ("name", name)):
            if isinstance(value, str) and (fld, _norm(value)) in seen:
                other = seen[fld, _norm(value)]
                found.add(
                    node.line_of(fld),
                    str(node.get("id") or "-"),
                    fld,
                    f"duplicate {fld} (also at {MARKETS_FILE}:{other})",
                )
            elif isinstance(value, str):
                seen[fld, _norm(value)] = node.line
        if name:
            known.setdefault(_norm(name), name)
        if market is not None:
            parsed.append(market)
    links: dict[str, set[str]] = {name: set() for name in known.values()}
    for aid, file, names in _seed_markets(root, catalog):
        for raw in names:
            if _norm(raw) in known:
                links[known[_norm(raw)]].add(aid)
            else:
                found.append(_unknown_market(root, aid, file, raw, list(known.values())))
    markets = {m.name: replace(m, announcements=tuple(sorted(links[m.name]))) for m in parsed}
    return markets, found


def _unknown_market(root: Path, aid: str, file: str, raw: str, known: list[str]) -> Problem:
    doc, _ = load_yaml(Path(root) / file, file)
    claims = doc.get("claims") if isinstance(doc, LineMap) else None
    line = claims.line_of("markets") if isinstance(claims, LineMap) else 1
    close = difflib.get_close_matches(raw, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"defined: {', '.join(sorted(known))}"
    return Problem(
        file,
        line,
        aid,
        "claims.markets",
        f"unknown market {raw!r} ({hint}; markets are defined in {MARKETS_FILE})",
    )


def market_countries(root: Path) -> list[tuple[str, ...]]:
    """The sorted country codes of each market in data/markets.yaml, unvalidated and without
    reading seeds/ (for warming caches; load_markets is the checked read)."""
    doc, problems = load_yaml(Path(root) / MARKETS_FILE, MARKETS_FILE)
    items = doc.get("markets") if isinstance(doc, LineMap) and not problems else None
    out = []
    for node in items if isinstance(items, list) else []:
        codes = node.get("countries") if isinstance(node, LineMap) else None
        if isinstance(codes, list) and all(isinstance(c, str) for c in codes):
            out.append(tuple(sorted(codes)))
    return out


def load_markets(root: Path, *, catalog: Catalog | None = None) -> dict[str, Market]:
    """The markets of data/markets.yaml keyed by name, in file order.

    ``announcements`` is derived from seeds/ (``claims.markets``; names match case- and
    space-insensitively), from ``catalog`` when given, else by reading seeds/ under ``root``.
    Raises ``ValidationError`` if the file is malformed or names an unknown market or ISO code.
    """
    markets, problems = _read_markets(Path(root), catalog)
    if problems:
        raise ValidationError(problems)
    return markets


def check_markets(root: Path, catalog: Catalog) -> list[Problem]:
    """Every problem with data/markets.yaml and with the market names seeds/ use (never raises)."""
    return sorted(_read_markets(Path(root), catalog)[1])


# --------------------------------------------------------------------------- layers and stats


def _named_by(market: Market, catalog: Catalog, on: dt.date) -> list[str]:
    """Ids of announcements dated on or before ``on`` that name the market."""
    out = []
    for aid in market.announcements:
        ann = catalog.announcements.get(aid)
        if ann is not None and ann.date.effective <= on:
            out.append(aid)
    return out


_footprint_memo: list[tuple[Any, ...]] = []  # the last (catalog ref, regions, on, footprint)


def _footprint(catalog: Catalog, on: dt.date) -> dict[str, dict[str, Any]]:
    """Per declared country: counted live regions and zones on ``on``, and the first launch.
    The last one is remembered (a build asks for it three times); do not modify it."""
    with _lock:
        for ref, regions, day, found in _footprint_memo:
            if ref() is catalog and regions is catalog.regions and day == on:
                return found  # type: ignore[no-any-return]
    found = _count_footprint(catalog, on)
    with _lock:
        _footprint_memo[:] = [(weakref.ref(catalog), catalog.regions, on, found)]
    return found


def _count_footprint(catalog: Catalog, on: dt.date) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in sorted(catalog.regions, key=lambda r: (r.country, r.id)):
        as_region, as_zones = catalog.counted(r)
        entry = out.setdefault(r.country, {"regions": 0, "zones": 0, "first": None})
        if as_region and r.is_live(on):
            entry["regions"] += 1
        if as_zones:
            entry["zones"] += len(r.live_zones(on))
        if as_region and r.launched is not None and r.launched.effective <= on:
            first = entry["first"]
            if first is None or (r.launched.effective, r.launched.text) < (
                first.effective,
                first.text,
            ):
                entry["first"] = r.launched
    return out


@dataclass(frozen=True)
class CountryRow:
    """One country polygon's footprint and markets on a date (see country_layer)."""

    row: int  # in the layer (rows sorted by key)
    key: str
    iso_a2: str | None
    iso_a3: str | None
    iso_n3: str | None
    name: str
    live_regions: int
    live_zones: int
    first_launch: str | None
    markets: list[str]
    target_markets: list[str]
    status: str


def country_rows(catalog: Catalog, on: dt.date, root: Path | None = None) -> list[CountryRow]:
    """country_layer's rows as plain records, without pandas (what the build uses)."""
    root = Path(root) if root is not None else catalog.root
    layer = _layer(root)
    markets = load_markets(root, catalog=catalog)
    footprint = _footprint(catalog, on)
    member: dict[str, list[str]] = {}
    targeted: dict[str, list[str]] = {}
    for m in markets.values():
        named = bool(_named_by(m, catalog, on))
        for cc in m.countries:
            member.setdefault(cc, []).append(m.name)
            if named:
                targeted.setdefault(cc, []).append(m.name)
    rows = []
    cols = layer.columns
    for i, a2 in enumerate(layer.iso_a2):
        fp = footprint.get(a2) if a2 else None
        live = fp["regions"] if fp else 0
        target = sorted(targeted.get(a2, [])) if a2 else []
        status = {(True, True): "both", (True, False): "hosts", (False, True): "target"}.get(
            (live > 0, bool(target)), "neither"
        )
        rows.append(
            CountryRow(
                i,
                layer.keys[i],
                a2,
                cols["iso_a3"][i],
                cols["iso_n3"][i],
                str(cols["name"][i]),
                live,
                fp["zones"] if fp else 0,
                fp["first"].iso if fp and fp["first"] else None,
                sorted(member.get(a2, [])) if a2 else [],
                target,
                status,
            )
        )
    return rows


def country_layer(catalog: Catalog, on: dt.date, root: Path | None = None) -> gpd.GeoDataFrame:
    """One row per country polygon with the provider footprint and the markets on ``on``.

    Adds ``live_regions`` / ``live_zones`` (regions and zones live on ``on``, counted by each
    provider's ``counting`` kinds so the column sums equal the headline totals), ``first_launch``
    (ISO date, at its precision, of the earliest counted launch by ``on``, or None), ``markets``
    (sorted names of every market listing the country), ``target_markets`` (those named by an
    announcement dated on or before ``on``) and ``status``: ``hosts`` (a live region), ``target``
    (in a target market), ``both`` or ``neither``. Regions belong to their declared country.
    """
    import pandas as pd

    root = Path(root) if root is not None else catalog.root
    frame = load_countries(root)
    rows = country_rows(catalog, on, root)
    for col in ("live_regions", "live_zones"):
        frame[col] = np.array([getattr(r, col) for r in rows], dtype=np.int64)
    for col in ("first_launch", "markets", "target_markets", "status"):
        values = np.empty(len(rows), dtype=object)
        values[:] = [getattr(r, col) for r in rows]
        frame[col] = pd.Series(values, index=frame.index, dtype=object)
    order = [
        *COLUMNS,
        "live_regions",
        "live_zones",
        "first_launch",
        "markets",
        "target_markets",
        "status",
        "geometry",
    ]
    return frame[order]


def market_stats(catalog: Catalog, on: dt.date, root: Path | None = None) -> list[dict[str, Any]]:
    """Per market (sorted by name): its size and the provider's live footprint in it on ``on``.

    Keys: ``id, name, countries_targeted`` (countries the market lists), ``countries_hosting``
    (those with a live counted region), ``live_regions, live_zones`` (counted as in
    country_layer) and ``announcements`` (ids dated on or before ``on`` that name the market).
    """
    root = Path(root) if root is not None else catalog.root
    markets = load_markets(root, catalog=catalog)
    footprint = _footprint(catalog, on)
    out = []
    for name in sorted(markets):
        m = markets[name]
        here = [footprint[cc] for cc in m.countries if cc in footprint]
        out.append(
            {
                "id": m.id,
                "name": m.name,
                "countries_targeted": len(m.countries),
                "countries_hosting": sum(1 for fp in here if fp["regions"] > 0),
                "live_regions": sum(fp["regions"] for fp in here),
                "live_zones": sum(fp["zones"] for fp in here),
                "announcements": _named_by(m, catalog, on),
            }
        )
    return out
