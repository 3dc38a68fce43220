"""Country polygons (geo/), point-in-country lookups, distances and the spatial checks of a catalog.

Two layers, both Natural Earth 4.1.0 via world-atlas 2.0.2 (see geo/PROVENANCE.md): 1:10m
(``JOIN_FILE``) is what points are checked against and what the GIS exports carry, so a user's
point-in-polygon join agrees with the catalog; 1:50m (``MAP_FILE``) is simplified for the web map.
"""

from __future__ import annotations

__all__ = [
    "COLUMNS",
    "JOIN_FILE",
    "MAP_FILE",
    "NO_POLYGON",
    "Countries",
    "check_points",
    "distance_km",
    "read_countries",
]

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry import Point

from cloudmap.countries import get_name
from cloudmap.errors import CloudmapError, Problem
from cloudmap.geobuild_rules import DE_JURE
from cloudmap.schema import CRS

if TYPE_CHECKING:
    import geopandas as gpd

    from cloudmap.model import Catalog, Location, Region, Site

JOIN_FILE = "geo/countries-10m.geojson"
MAP_FILE = "geo/countries-50m.geojson"
COLUMNS = ("key", "iso_a2", "iso_a3", "iso_n3", "name")

# ISO 3166-1 codes with no polygon in the 1:10m layer (the Vatican flattens to a line inside Italy).
# Points declared in them are not location-checked.
NO_POLYGON = frozenset({"VA"})

_LOCAL_WINDOW_DEG = 1.5  # boundaries within this many degrees of latitude are measured exactly
_LOCAL_EXACT_KM = 150.0  # ... which covers every distance up to this
_FAR_STEP_DEG = 0.1  # farther away: nearest vertex of the boundary densified to this spacing


@dataclass(frozen=True, eq=False)
class Countries:
    """One geo/ file's polygons: columns as tuples in ``key`` order, geometries, a spatial index,
    and (for files laid out as `cloudmap geo rebuild` writes them) each polygon's GeoJSON
    coordinates text, reusable as is (already on the grid, RFC 7946 winding)."""

    file: str
    columns: dict[str, tuple[str | None, ...]]
    geoms: np.ndarray
    coords_text: tuple[str, ...] | None = None
    digest: str = ""  # sha256 of the file (keys caches of what is derived from it)
    root: Path | None = None  # the project folder ``file`` is in, when read from one
    tree: shapely.STRtree = field(init=False)
    rows_of: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        shapely.prepare(self.geoms)
        object.__setattr__(self, "tree", shapely.STRtree(self.geoms))
        rows = {a2: i for i, a2 in enumerate(self.iso_a2) if a2 is not None}
        object.__setattr__(self, "rows_of", rows)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(str(k) for k in self.columns["key"])

    @property
    def iso_a2(self) -> tuple[str | None, ...]:
        return self.columns["iso_a2"]

    def __len__(self) -> int:
        return len(self.geoms)

    def label(self, row: int) -> str:
        a2 = self.iso_a2[row]
        if a2 is None:
            return f"{self.columns['name'][row]} (no ISO code)"
        return f"{get_name(a2, a2)} ({a2})"

    def frame(self) -> gpd.GeoDataFrame:
        """The layer as a GeoDataFrame (EPSG:4326): ``key, iso_a2, iso_a3, iso_n3, name``."""
        import geopandas as gpd
        import pandas as pd

        data = {}
        for c in COLUMNS:
            values = np.empty(len(self), dtype=object)
            values[:] = self.columns[c]
            data[c] = pd.Series(values, dtype=object)
        return gpd.GeoDataFrame(data, geometry=np.array(self.geoms, copy=True), crs=CRS)

    def locate_rows(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Row of the polygon under each point (the lowest row on a shared border), -1 at sea."""
        out = np.full(len(lons), -1, dtype=np.int64)
        if not len(lons):
            return out
        points_idx, rows = self.tree.query(shapely.points(lons, lats))
        hit = shapely.intersects_xy(self.geoms[rows], lons[points_idx], lats[points_idx])
        points_idx, rows = points_idx[hit], rows[hit]
        order = np.lexsort((rows, points_idx))  # by point, then row
        points_idx, rows = points_idx[order], rows[order]
        first = np.unique(points_idx, return_index=True)[1]
        out[points_idx[first]] = rows[first]
        return out

    def locate(self, lons: Sequence[float], lats: Sequence[float]) -> list[str | None]:
        """The ``key`` of the polygon each (lon, lat) point falls in, or None at sea."""
        rows = self.locate_rows(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        keys = self.keys
        return [keys[r] if r >= 0 else None for r in rows]


# --------------------------------------------------------------------------- reading

# One feature per line, members sorted, as cloudmap.geobuild writes geo/*.geojson.
_HEAD = '{"geometry":{"coordinates":'
_MID = ',"type":"MultiPolygon"},'
_OVER_SIX_DECIMALS = re.compile(r"\.\d{7}")


def read_countries(root: Path, rel: str = JOIN_FILE) -> Countries:
    """The polygons of ``root/rel``; ``CloudmapError`` naming the file and the fix if it is
    missing or not a country layer."""
    from cloudmap.cache import Entry, cached_built, code_key, file_key

    path = Path(root) / rel
    fix = f"restore it (git checkout -- {rel}) or rebuild it: see geo/PROVENANCE.md"
    try:
        if path.is_dir():
            raise CloudmapError(f"{rel}: is a folder, not a GeoJSON file; {fix}")
        if path.exists() and not path.is_file():
            raise CloudmapError(f"{rel}: is not a regular file (a pipe or device); {fix}")
        key = f"{file_key(path)}|{code_key('cloudmap.geo')}"
    except OSError as exc:
        raise CloudmapError(f"{rel}: cannot be read ({exc.strerror}); {fix}") from None

    def make() -> Entry:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CloudmapError(f"{rel}: cannot be read ({exc}); {fix}") from None
        entry: Entry = _entry(_parse(text, rel, fix))
        return entry

    return cached_built("countries", key, make, lambda e: _layer(rel, e, key, Path(root)))


def _entry(parsed: tuple[dict[str, list[str | None]], np.ndarray, list[str] | None]) -> Any:
    from cloudmap.cache import Entry

    columns, geoms, coords = parsed
    xy, offsets = shapely.to_ragged_array(geoms)[1:] if len(geoms) else (np.zeros((0, 2)), ())
    arrays = {"xy": np.asarray(xy, dtype=np.float64)}
    for i, off in enumerate(offsets):
        arrays[f"o{i}"] = np.asarray(off, dtype=np.int64)
    if coords is not None:
        blob = "\n".join(coords).encode("utf-8")
        arrays["coords"] = np.frombuffer(blob, dtype=np.uint8)
    return Entry({"columns": columns, "n": len(geoms), "coords": coords is not None}, arrays)


def _layer(rel: str, entry: Any, digest: str, root: Path | None = None) -> Countries:
    """The layer an entry holds (fresh, or read from the cache: then every part is checked, and
    anything amiss raises, making the entry a miss)."""
    meta = entry.meta
    n = meta["n"]
    columns = meta["columns"]
    if type(n) is not int or not isinstance(columns, dict) or set(columns) != set(COLUMNS):
        raise ValueError("countries entry: wrong meta")
    if not all(isinstance(v, list) and len(v) == n for v in columns.values()):
        raise ValueError("countries entry: columns of the wrong length")
    if not all(x is None or isinstance(x, str) for v in columns.values() for x in v):
        raise ValueError("countries entry: columns hold non-text")
    xy = entry.array("xy", "f", ndim=2)
    offsets = tuple(entry.array(f"o{i}", "i") for i in range(3))
    counts = (len(xy), *(len(o) - 1 for o in offsets[:2]))
    for off, count in zip(offsets, counts, strict=True):  # each level indexes the one below
        if len(off) < 1 or off[0] != 0 or off[-1] != count or (np.diff(off) < 0).any():
            raise ValueError("countries entry: offsets that do not fit together")
    if n and len(offsets[2]) != n + 1:
        raise ValueError("countries entry: wrong number of polygons")
    if n:
        geoms = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, xy, offsets)
        if len(geoms) != n:
            raise ValueError("countries entry: wrong number of polygons")
    else:
        geoms = np.empty(0, dtype=object)
    coords = None
    if meta.get("coords"):
        coords = tuple(entry.array("coords", "u").tobytes().decode("utf-8").split("\n"))
        if len(coords) != n:
            raise ValueError("countries entry: wrong number of coordinate texts")
    return Countries(rel, {c: tuple(columns[c]) for c in COLUMNS}, geoms, coords, digest, root)


def _parse(text: str, rel: str, fix: str) -> tuple[dict[str, list[str | None]], np.ndarray, Any]:
    fast: tuple[dict[str, list[str | None]], np.ndarray, list[str] | None] | None
    fast = _parse_lines(text)
    if fast is None:
        fast = _parse_any(text, rel, fix)
    columns, geoms, coords = fast
    if not len(geoms):
        raise CloudmapError(f"{rel}: holds no country polygons; {fix}")
    order = sorted(range(len(geoms)), key=lambda i: str(columns["key"][i]))
    columns = {c: [v[i] for i in order] for c, v in columns.items()}
    if len(set(columns["key"])) != len(order) or None in columns["key"]:
        raise CloudmapError(f"{rel}: feature keys are missing or repeated; {fix}")
    geoms = geoms[np.array(order, dtype=np.intp)]
    return columns, geoms, [coords[i] for i in order] if coords else None


def _parse_any(text: str, rel: str, fix: str) -> tuple[dict[str, list[str | None]], Any, None]:
    """Any other GeoJSON layout, read with the standard library and shapely."""
    try:
        doc = json.loads(text)
        feats = doc["features"]
        columns: dict[str, list[str | None]] = {c: [] for c in COLUMNS}
        geoms = []
        for f in feats:
            props = f["properties"]
            for c in COLUMNS:
                v = props.get(c)
                columns[c].append(None if v is None else str(v))
            g = shapely.geometry.shape(f["geometry"])
            if g.geom_type == "Polygon":
                g = shapely.MultiPolygon([g])
            if g.geom_type != "MultiPolygon":
                raise ValueError(f"a {g.geom_type}, not a polygon")
            geoms.append(g)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CloudmapError(f"{rel}: not a country GeoJSON file ({exc}); {fix}") from None
    return columns, np.array(geoms, dtype=object), None


def _parse_lines(text: str) -> tuple[dict[str, list[str | None]], np.ndarray, list[str]] | None:
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
        try:
            rest = json.loads("{" + line[mid + len(_MID) :])
        except ValueError:
            return None
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
    if len(xy) != sum(ring_sizes) or not len(xy):
        return None
    offsets = tuple(
        np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        for sizes in (ring_sizes, poly_sizes, geom_sizes)
    )
    geoms = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, xy, offsets)
    return columns, geoms, coords


# --------------------------------------------------------------------------- distances


def distance_km(geom: shapely.Geometry, lon: float, lat: float) -> float:
    """Geodesic distance (km, WGS84) from a point to a lon/lat polygon; 0 inside it.

    Exact (azimuthal equidistant projection centred on the point) up to 150 km; farther away,
    the distance to the nearest vertex of the boundary densified to 0.1 degrees (within a few km).
    """
    import pyproj

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
    geod = pyproj.Geod(ellps="WGS84")
    _, _, metres = geod.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return float(np.min(metres)) / 1000.0


# --------------------------------------------------------------------------- checks


def _hint(layer: Countries, row: int, lon: float, lat: float) -> str:
    candidates = [
        ("lat/lon swapped?", lon, lat),
        ("sign of lat flipped?", -lat, lon),
        ("sign of lon flipped?", lat, -lon),
        ("signs of lat and lon flipped?", -lat, -lon),
    ]
    for text, new_lat, new_lon in candidates:
        if (new_lat, new_lon) == (lat, lon) or abs(new_lat) > 90:
            continue
        if shapely.intersects_xy(layer.geoms[row], new_lon, new_lat):
            return f"{text} (lat {new_lat}, lon {new_lon}) is in {layer.label(row)}"
    return "check the signs of lat/lon and the country code"


def _check_point(
    layer: Countries, rec: Region | Site, loc: Location, at: int, what: str
) -> Problem | None:
    declared = rec.country
    if declared in NO_POLYGON or declared not in layer.rows_of:
        return None  # documented: no polygon to test against
    row = layer.rows_of[declared]
    if at == row:
        return None
    lon, lat = loc.lon, loc.lat
    km = distance_km(layer.geoms[row], lon, lat)
    where = layer.label(at) if at >= 0 else "the sea"
    if at >= 0 and declared in DE_JURE.get(layer.keys[at], ()):
        where += f", which ISO 3166-1 counts as part of {declared} (a GIS join will not)"
    dist = f"{km * 1000:,.0f} m" if km < 1 else f"{km:,.1f} km" if km < 10 else f"{km:,.0f} km"
    if km <= 25:
        fix = (
            f"move the point inland, inside {declared}'s polygon in {layer.file} (a GIS join "
            "must put it in its country)"
        )
    else:
        fix = _hint(layer, row, lon, lat)
    message = (
        f"{what} (lat {lat}, lon {lon}) lies in {where}, {dist} from {layer.label(row)}: {fix}"
    )
    return Problem(rec.file, rec.line_of("location"), rec.id, "location", message)


def check_points(catalog: Catalog, layer: Countries) -> list[Problem]:
    """Every region's point (and every located site's) lies inside its declared country's
    polygon, strictly (no tolerance): a point-in-polygon join of the exports must agree with
    the catalog. Countries without a polygon (NO_POLYGON) are skipped."""
    records: list[tuple[Region | Site, Location, str]] = [
        (r, r.location, "point") for r in catalog.regions
    ]
    records += [(s, s.location, "site point") for s in catalog.sites if s.location is not None]
    lons = np.array([loc.lon for _, loc, _ in records], dtype=np.float64)
    lats = np.array([loc.lat for _, loc, _ in records], dtype=np.float64)
    rows = layer.locate_rows(lons, lats)
    found = (
        _check_point(layer, rec, loc, int(at), what)
        for (rec, loc, what), at in zip(records, rows, strict=True)
    )
    return sorted(p for p in found if p is not None)
