"""Write the catalog as of a date as GeoJSON, GeoPackage, CSV and KML files for GIS tools."""

from __future__ import annotations

__all__ = [
    "ALL",
    "FORMATS",
    "GPKG_VERSION",
    "LAYERS",
    "SCHEMA",
    "Feature",
    "Field",
    "Layer",
    "build_layers",
    "check_formats",
    "schema_markdown",
    "update_doc",
    "write_exports",
]

import csv
import datetime as dt
import io
import json
import math
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pycountry
import shapely
from pandas import NA as _NA
from shapely.geometry.base import BaseGeometry

from cloudmap.catalog import Catalog, Region, Site
from cloudmap.errors import CloudmapError
from cloudmap.schema import CRS, STATUS_LABELS, STATUSES, PartialDate

FORMATS = ("geojson", "gpkg", "csv", "kml")
ALL = FORMATS
LAYERS = ("regions", "sites", "countries", "markets")
GPKG_FILE = "cloudmap.gpkg"
# GDAL 3.12 writes GeoPackage 1.4 by default, which GDAL < 3.9 (Debian 12's 3.6, QGIS builds on
# it) opens with a warning. 1.2 is what GDAL wrote by default before 3.9: every reader knows it.
GPKG_VERSION = "1.2"
DECIMALS = 6  # coordinate decimals (~0.1 m); RFC 7946 section 11.2 suggests 6 is plenty
LIST_SEPARATOR = ";"

# The field types of docs/exports.md (its type table says how each format writes them).
FieldType = Literal["string", "integer", "number", "date", "string list"]
Value = str | int | float | list[str] | None


# --------------------------------------------------------------------------- the schema


@dataclass(frozen=True)
class Field:
    """One property of a layer, as documented in docs/exports.md."""

    name: str
    type: FieldType
    doc: str


def _date_fields(name: str, what: str) -> tuple[Field, ...]:
    return (
        Field(name, "date", f"When {what}; null if unknown or not (yet) happened."),
        Field(
            f"{name}_precision",
            "string",
            f"Precision of `{name}`: `day`, `month` or `year`; null when `{name}` is null.",
        ),
        Field(
            f"{name}_qualifier",
            "string",
            f"`no later than` when only an upper bound of `{name}` is known, else null.",
        ),
    )


_AS_OF = Field("as_of", "date", "The export date: statuses and counts describe this day.")
_COUNTRY = (
    Field("country", "string", "ISO 3166-1 alpha-2 code (Hong Kong is `HK`)."),
    Field("country_iso3", "string", "ISO 3166-1 alpha-3 code."),
    Field("country_name", "string", "Short English country name (`cloudmap.world.country_name`)."),
)
_PROVENANCE = (
    Field(
        "location_precision",
        "string",
        "How precise the point is: `facility`, `metro`, `admin-area` or `country`.",
    ),
    Field("location_source", "string", "Where the coordinates come from."),
    Field("announcements", "string list", "Ids of the `seeds/` records that report it."),
    Field("source_urls", "string list", "URLs of the sources cited for it."),
    Field("notes", "string", "Caveats and unknowns, or null."),
)

REGION_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "Stable feature id `<provider>:<region id>`."),
    Field("provider", "string", "Provider id, e.g. `alibaba-cloud`."),
    Field("region", "string", "The provider's region id, e.g. `na-south-1`."),
    Field("name", "string", "Official English name, as in the provider's docs."),
    Field("city", "string", "City or metro the region is named after or located in."),
    *_COUNTRY,
    Field("kind", "string", "`region`, `local-region`, `partner-region` or `industry-cloud`."),
    Field(
        "status",
        "string",
        "Status on `as_of`: `new` (opened in the last 12 months), `live`, `closing` "
        "(closure announced), `announced` or `closed`.",
    ),
    Field("live_zones", "integer", "Number of zones live on `as_of`."),
    Field("live_zone_ids", "string list", "Ids of the zones live on `as_of`."),
    *_date_fields("announced", "the region was announced"),
    *_date_fields("launched", "the region launched"),
    *_date_fields("closure_announced", "its closure was announced"),
    *_date_fields("closed", "the region closed"),
    *_PROVENANCE,
    _AS_OF,
)

SITE_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "Stable feature id `<provider>:site:<site id>`."),
    Field("provider", "string", "Provider id."),
    Field("site", "string", "The site's slug in the catalog, e.g. `br-2025` (never reused)."),
    *_COUNTRY,
    Field("city", "string", "City, or null if not announced."),
    Field("status", "string", "Always `announced`."),
    *_date_fields("announced", "the site was announced"),
    Field(
        "region",
        "string",
        "Id of the region the site became, once known (not yet announced on `as_of`).",
    ),
    *_PROVENANCE[:2],
    *_PROVENANCE[2:],
    _AS_OF,
)
# A site without a location sits on its country's representative point with this source.
COUNTRY_POINT_SOURCE = "representative point of the country polygon (geo/countries-50m.geojson)"

COUNTRY_FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "string",
        "Stable feature id: the polygon's key (ISO alpha-3, or a slug for polygons "
        "without an ISO code such as `northern-cyprus`).",
    ),
    Field("iso_a2", "string", "ISO 3166-1 alpha-2 code, or null."),
    Field("iso_a3", "string", "ISO 3166-1 alpha-3 code, or null."),
    Field("iso_n3", "string", "ISO 3166-1 numeric code (three digits, as text), or null."),
    Field("name", "string", "Name of the polygon (Natural Earth)."),
    Field(
        "status",
        "string",
        "`hosts` (a live region), `target` (in a market named by an announcement by `as_of`), "
        "`both` or `neither`.",
    ),
    Field(
        "live_regions",
        "integer",
        "Regions live on `as_of` (counted by the provider's counting rules).",
    ),
    Field("live_zones", "integer", "Zones live on `as_of` (counted likewise)."),
    Field("first_launch", "date", "Earliest launch of a counted region there, by `as_of`."),
    Field("markets", "string list", "Names of every market that lists the country."),
    Field(
        "target_markets",
        "string list",
        "Those markets named by an announcement dated on or before `as_of`.",
    ),
    Field(
        "population",
        "integer",
        "Population of its GeoNames cities of 15,000+ people (what coverage is measured on).",
    ),
    Field(
        "nearest_region",
        "string",
        "Live region nearest to the largest share of that population, or null.",
    ),
    Field("serving_share", "number", "That share (0-1)."),
    Field(
        "median_km",
        "integer",
        "Population-weighted median distance to the nearest live region (km).",
    ),
    Field(
        "rtt_est_ms",
        "number",
        "Population-weighted mean round-trip time to the nearest live region, estimated "
        "from distance (ms).",
    ),
    Field(
        "rtt_band",
        "string",
        "`rtt_est_ms` as a map-shading band: `≤20 ms`, `20–50 ms`, `50–100 ms`, "
        "`100–200 ms`, `>200 ms` or `no data`.",
    ),
    Field("share_20ms", "number", "Share (0-1) of the population within an estimated 20 ms."),
    Field("share_50ms", "number", "Share within an estimated 50 ms."),
    Field("share_100ms", "number", "Share within an estimated 100 ms."),
    _AS_OF,
)

MARKET_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "Stable feature id: the market id in `data/markets.yaml`."),
    Field("name", "string", "Market name as announcements use it, e.g. `Southeast Asia`."),
    Field("definition", "string", "How the market's country list was defined."),
    Field("countries", "string list", "ISO alpha-2 codes of its countries."),
    Field("countries_targeted", "integer", "Number of countries it lists."),
    Field("countries_hosting", "integer", "Of those, countries with a live region on `as_of`."),
    Field("live_regions", "integer", "Regions live there on `as_of` (counting rules applied)."),
    Field("live_zones", "integer", "Zones live there on `as_of`."),
    Field(
        "announcements",
        "string list",
        "Ids of `seeds/` records dated on or before `as_of` that name the market.",
    ),
    Field("source_urls", "string list", "URLs of the sources for its definition."),
    _AS_OF,
)

SCHEMA: dict[str, tuple[Field, ...]] = {
    "regions": REGION_FIELDS,
    "sites": SITE_FIELDS,
    "countries": COUNTRY_FIELDS,
    "markets": MARKET_FIELDS,
}
TITLES = {
    "regions": "one point per region, including announced, closing and closed ones",
    "sites": "announced sites (data centres) not yet in the `regions` layer",
    "countries": "country polygons with the provider's footprint and estimated coverage",
    "markets": "expansion markets, dissolved from their countries",
}
CSV_EXTRA = (
    Field("lon", "number", "Longitude, WGS84 decimal degrees."),
    Field("lat", "number", "Latitude, WGS84 decimal degrees."),
)


@dataclass(frozen=True)
class Feature:
    id: str
    properties: dict[str, Value]  # schema order
    geometry: BaseGeometry
    geometry_json: str | None = None  # the GeoJSON geometry text, when cached


@dataclass(frozen=True)
class Layer:
    name: str
    fields: tuple[Field, ...]
    features: tuple[Feature, ...]
    geometry_type: Literal["Point", "MultiPolygon"]


# --------------------------------------------------------------------------- building layers


def _pd(d: PartialDate | None, name: str) -> dict[str, Value]:
    return {
        name: d.iso if d else None,
        f"{name}_precision": d.precision if d else None,
        f"{name}_qualifier": d.qualifier if d else None,
    }


def _country(code: str) -> dict[str, Value]:
    from cloudmap.world import country_name

    c = pycountry.countries.get(alpha_2=code)
    return {
        "country": code,
        "country_iso3": c.alpha_3 if c is not None else None,
        "country_name": country_name(code),
    }


def _point(lon: float, lat: float) -> BaseGeometry:
    return shapely.Point(_round(lon), _round(lat))


def _round(x: float) -> float:
    return round(float(x), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _region_feature(r: Region, status: str, on: dt.date) -> Feature:
    zones = r.live_zones(on)
    props: dict[str, Value] = {
        "id": f"{r.provider}:{r.id}",
        "provider": r.provider,
        "region": r.id,
        "name": r.name,
        "city": r.city,
        **_country(r.country),
        "kind": r.kind,
        "status": status,
        "live_zones": len(zones),
        "live_zone_ids": sorted(z.id for z in zones),
        **_pd(r.announced, "announced"),
        **_pd(r.launched, "launched"),
        **_pd(r.closure_announced, "closure_announced"),
        **_pd(r.closed, "closed"),
        "location_precision": r.location.precision,
        "location_source": r.location.source,
        "announcements": list(r.announcements),
        "source_urls": [s.url for s in r.sources],
        "notes": _text(r.notes),
        "as_of": on.isoformat(),
    }
    return Feature(str(props["id"]), props, _point(r.location.lon, r.location.lat))


def _site_feature(s: Site, on: dt.date, root: Path) -> Feature:
    if s.location is not None:
        geom = _point(s.location.lon, s.location.lat)
        precision, source = s.location.precision, s.location.source
    else:
        geom, precision, source = _country_point(s, root), "country", COUNTRY_POINT_SOURCE
    props: dict[str, Value] = {
        "id": f"{s.provider}:site:{s.id}",
        "provider": s.provider,
        "site": s.id,
        **_country(s.country),
        "city": s.city,
        "status": "announced",
        **_pd(s.announced, "announced"),
        "region": s.region,
        "location_precision": precision,
        "location_source": source,
        "announcements": list(s.announcements),
        "source_urls": [src.url for src in s.sources],
        "notes": _text(s.notes),
        "as_of": on.isoformat(),
    }
    return Feature(str(props["id"]), props, geom)


def _opt(value: Any) -> str | None:
    """A text cell of a pandas frame: None for None / NaN / NA."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is _NA:
        return None
    return str(value)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _polygons(geom: BaseGeometry) -> BaseGeometry:
    """A MultiPolygon on a 1e-6 degree grid with RFC 7946 ring orientation (exterior CCW)."""
    geom = shapely.set_precision(geom, 10.0**-DECIMALS)
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    if geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    if geom.geom_type != "MultiPolygon":  # a collection: keep its polygonal parts
        parts = [
            p
            for g in shapely.get_parts(geom)
            for p in shapely.get_parts(g)
            if p.geom_type == "Polygon"
        ]
        geom = shapely.MultiPolygon(parts)
    return geom


def _crosses_antimeridian(geom: BaseGeometry) -> bool:
    """Whether a ring jumps more than 180° in longitude, other than along the ±180° edge itself
    (Antarctica's ring runs from -180 to 180 along the pole)."""
    for ring in _rings(geom):
        lon = np.asarray(ring.coords)[:, 0]
        jump = np.abs(np.diff(lon)) > 180.0
        on_edge = (np.abs(lon[:-1]) == 180.0) & (np.abs(lon[1:]) == 180.0)
        if np.any(jump & ~on_edge):
            return True
    return False


def _rings(geom: BaseGeometry) -> Iterator[Any]:
    for poly in shapely.get_parts(geom):
        yield poly.exterior
        yield from poly.interiors


def _representative(geom: BaseGeometry) -> BaseGeometry:
    """A point inside the largest part of a (multi)polygon, on the export grid."""
    parts = list(shapely.get_parts(geom))
    largest = max(parts, key=lambda p: (p.area, p.bounds))
    pt = largest.representative_point()
    return _point(pt.x, pt.y)


_geom_lock = threading.Lock()
_geom_cache: dict[tuple[Any, ...], tuple[BaseGeometry, str]] = {}


def _cached(key: tuple[Any, ...], make: Callable[[], BaseGeometry]) -> tuple[BaseGeometry, str]:
    """A polygon geometry and its GeoJSON text, made once per geo/ file version and key (they
    do not depend on the export date)."""
    with _geom_lock:
        if key not in _geom_cache:
            geom = make()
            if _crosses_antimeridian(geom):
                raise CloudmapError(
                    f"{key[1]} {key[2]}: a ring crosses the antimeridian; "
                    "split it at ±180° (geo/ should already be split)"
                )
            if len(_geom_cache) > 4096:
                _geom_cache.clear()
            _geom_cache[key] = (geom, _dumps(geojson_geometry(geom)))
        return _geom_cache[key]


def _geo_ident(root: Path) -> tuple[str, int, int]:
    from cloudmap.world import COUNTRIES_FILE

    path = Path(root) / COUNTRIES_FILE
    try:
        st = path.stat()
    except OSError:
        raise CloudmapError(
            f"{path}: missing (the country polygons; see geo/PROVENANCE.md)"
        ) from None
    return str(path.resolve()), st.st_mtime_ns, st.st_size


def _country_features(catalog: Catalog, on: dt.date, root: Path) -> tuple[Feature, ...]:
    from cloudmap import world

    frame = world.country_layer(catalog, on, root)
    coverage = _coverage(catalog, on)
    ident = _geo_ident(root)
    out = []
    for row in frame.itertuples(index=False):
        cov = coverage.get(_opt(row.iso_a2) or "", {})
        props: dict[str, Value] = {
            "id": row.key,
            "iso_a2": _opt(row.iso_a2),
            "iso_a3": _opt(row.iso_a3),
            "iso_n3": _opt(row.iso_n3),
            "name": row.name,
            "status": row.status,
            "live_regions": int(row.live_regions),
            "live_zones": int(row.live_zones),
            "first_launch": _opt(row.first_launch),
            "markets": list(row.markets),
            "target_markets": list(row.target_markets),
            **_coverage_props(cov),
            "as_of": on.isoformat(),
        }
        geom, text = _cached((ident, "country", row.key), partial(_polygons, row.geometry))
        out.append(Feature(str(row.key), props, geom, text))
    return tuple(sorted(out, key=lambda f: f.id))


def _coverage(catalog: Catalog, on: dt.date) -> dict[str, dict[str, Any]]:
    """Coverage per ISO alpha-2 (cloudmap.coverage), or {} when nothing is live to measure from."""
    from cloudmap import coverage

    if len(catalog.providers) != 1 or not any(
        r.is_live(on) and r.kind in coverage.COVERAGE_KINDS for r in catalog.regions
    ):
        return {}
    return {row["iso_a2"]: row for row in coverage.records(coverage.country_coverage(catalog, on))}


def _coverage_props(cov: dict[str, Any]) -> dict[str, Value]:
    from cloudmap.coverage import country_rtt_band

    def num(key: str) -> float | None:
        v = cov.get(key)
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    def whole(key: str) -> int | None:
        v = num(key)
        return None if v is None else int(v)

    return {
        "population": whole("population"),
        "nearest_region": cov.get("nearest_region"),
        "serving_share": num("serving_share"),
        "median_km": whole("median_km"),
        "rtt_est_ms": num("rtt_est_ms"),
        "rtt_band": country_rtt_band(num("rtt_est_ms")),
        "share_20ms": num("share_20ms"),
        "share_50ms": num("share_50ms"),
        "share_100ms": num("share_100ms"),
    }


def _market_features(catalog: Catalog, on: dt.date, root: Path) -> tuple[Feature, ...]:
    from cloudmap import world

    markets = world.load_markets(root, catalog=catalog)
    stats = {s["name"]: s for s in world.market_stats(catalog, on, root)}
    countries = world.load_countries(root)
    geom_of = {a2: g for a2, g in zip(countries["iso_a2"], countries.geometry, strict=True) if a2}
    ident = _geo_ident(root)
    out = []
    for name, m in markets.items():
        st = stats[name]
        codes = tuple(sorted(m.countries))
        props: dict[str, Value] = {
            "id": m.id,
            "name": m.name,
            "definition": m.definition,
            "countries": list(codes),
            "countries_targeted": int(st["countries_targeted"]),
            "countries_hosting": int(st["countries_hosting"]),
            "live_regions": int(st["live_regions"]),
            "live_zones": int(st["live_zones"]),
            "announcements": list(st["announcements"]),
            "source_urls": [s.url for s in m.sources],
            "as_of": on.isoformat(),
        }
        parts = [geom_of[c] for c in codes if c in geom_of]  # NO_POLYGON codes have none
        geom, text = _cached((ident, "market", codes), partial(_dissolve, parts))
        out.append(Feature(m.id, props, geom, text))
    return tuple(sorted(out, key=lambda f: f.id))


def _dissolve(parts: list[BaseGeometry]) -> BaseGeometry:
    """Union of country polygons. The inputs are split at ±180°, and planar union never joins a
    part ending at +180 to one starting at -180, so no band round the globe can appear."""
    if not parts:
        return shapely.MultiPolygon()
    return _polygons(shapely.union_all(parts, grid_size=10.0**-DECIMALS))


def build_layers(
    catalog: Catalog, *, on: dt.date, root: Path, layers: Iterable[str] = LAYERS
) -> dict[str, Layer]:
    """The export layers as of ``on``, features sorted by id, properties in schema order.

    Regions whose status on ``on`` is None (not announced yet) are left out; sites are those of
    ``Catalog.sites_as_of``. Polygons come from ``root`` (geo/ and data/markets.yaml).
    """
    wanted = tuple(layers)
    unknown = sorted(set(wanted) - set(LAYERS))
    if unknown:
        raise ValueError(f"unknown layer {unknown[0]!r}; choose from {', '.join(LAYERS)}")
    root = Path(root)
    out: dict[str, Layer] = {}
    if "regions" in wanted:
        feats = [
            _region_feature(r, st, on)
            for r in catalog.regions
            for st in [r.status(on)]
            if st is not None
        ]
        out["regions"] = Layer("regions", REGION_FIELDS, _sorted(feats), "Point")
    if "sites" in wanted:
        feats = [_site_feature(s, on, root) for s in catalog.sites_as_of(on)]
        out["sites"] = Layer("sites", SITE_FIELDS, _sorted(feats), "Point")
    if "countries" in wanted:
        out["countries"] = Layer(
            "countries", COUNTRY_FIELDS, _country_features(catalog, on, root), "MultiPolygon"
        )
    if "markets" in wanted:
        out["markets"] = Layer(
            "markets", MARKET_FIELDS, _market_features(catalog, on, root), "MultiPolygon"
        )
    for layer in out.values():
        _check_layer(layer)
    return out


def _sorted(features: list[Feature]) -> tuple[Feature, ...]:
    ids = [f.id for f in features]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CloudmapError(
            f"duplicate feature ids {', '.join(dupes)}; ids must be unique within a provider"
        )
    return tuple(sorted(features, key=lambda f: f.id))


def _country_point(s: Site, root: Path) -> BaseGeometry:
    """The representative point of the site's country polygon (for sites without a location)."""
    from cloudmap import world

    frame = world.load_countries(root)
    rows = frame.index[frame["iso_a2"] == s.country]
    if not len(rows):
        raise CloudmapError(
            f"{s.file}:{s.line}: {s.id}: location: missing, and geo/ has no polygon for "
            f"{s.country} to place the site on; give the site a location"
        )
    return _representative(frame.geometry.iloc[rows[0]])


_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (float,),
    "date": (str,),
    "string list": (list,),
}


def _check_layer(layer: Layer) -> None:
    """Every feature has exactly the schema's properties, typed as the schema says."""
    names = [f.name for f in layer.fields]
    for feat in layer.features:
        if list(feat.properties) != names:
            raise TypeError(
                f"{layer.name} {feat.id}: properties {list(feat.properties)} != schema {names}"
            )
        for fld in layer.fields:
            v = feat.properties[fld.name]
            if v is None and fld.type != "string list":
                continue
            if isinstance(v, bool) or not isinstance(v, _PY_TYPES[fld.type]):
                raise TypeError(f"{layer.name} {feat.id}: {fld.name}={v!r} is not {fld.type}")
            if fld.type == "string list" and not all(isinstance(x, str) for x in v):  # type: ignore[union-attr]
                raise TypeError(f"{layer.name} {feat.id}: {fld.name}={v!r} is not {fld.type}")


# --------------------------------------------------------------------------- GeoJSON


def _coords(ring: Any) -> list[list[float]]:
    arr = np.round(np.asarray(ring.coords)[:, :2], DECIMALS) + 0.0
    return arr.tolist()  # type: ignore[no-any-return]


def geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    """An RFC 7946 geometry object (2-D, at most six decimals) for a Point or MultiPolygon."""
    if geom.geom_type == "Point":
        return {"type": "Point", "coordinates": [_round(geom.x), _round(geom.y)]}
    polys = [
        [_coords(p.exterior), *(_coords(i) for i in p.interiors)] for p in shapely.get_parts(geom)
    ]
    return {"type": "MultiPolygon", "coordinates": polys}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def geojson_text(layer: Layer, on: dt.date) -> str:
    """The layer as a GeoJSON FeatureCollection: one feature per line, members in a fixed order.

    Foreign members ``name`` (the layer, which GDAL uses as layer name) and ``as_of`` come first.
    """
    head = _dumps({"type": "FeatureCollection", "name": layer.name, "as_of": on.isoformat()})
    lines = [
        f'{{"type":"Feature","id":{_dumps(f.id)},"properties":{_dumps(f.properties)},'
        f'"geometry":{f.geometry_json or _dumps(geojson_geometry(f.geometry))}}}'
        for f in layer.features
    ]
    return head[:-1] + ',"features":[\n' + ",\n".join(lines) + ("\n" if lines else "") + "]}\n"


def _write_geojson(layers: dict[str, Layer], tmp: Path, on: dt.date) -> list[Path]:
    out = []
    for name, layer in layers.items():
        path = tmp / f"{name}.geojson"
        path.write_text(geojson_text(layer, on), encoding="utf-8", newline="\n")
        out.append(path)
    return out


# --------------------------------------------------------------------------- flat values


def _flat(value: Value) -> str | int | float | None:
    """A value for a format without lists: lists are `;`-joined (a `;` inside an item is
    written %3B, as in a URL)."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(x.replace(";", "%3B") for x in value)
    return value


def _cell(value: Value) -> str:
    v = _flat(value)
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


# --------------------------------------------------------------------------- GeoPackage


_gdal_lock = threading.Lock()


@contextmanager
def _gdal_config(options: dict[str, str]) -> Iterator[None]:
    import pyogrio

    with _gdal_lock:
        before = pyogrio.get_gdal_config_option  # GDAL config is process-wide: restore it
        saved = {k: before(k) for k in options}
        pyogrio.set_gdal_config_options(options)  # type: ignore[arg-type]
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options(saved)  # type: ignore[arg-type]


def _frame(layer: Layer) -> Any:
    import geopandas as gpd
    import pandas as pd

    data: dict[str, Any] = {}
    feats = layer.features
    for fld in layer.fields:
        values = [_flat(f.properties[fld.name]) for f in feats]
        if fld.type == "integer":
            data[fld.name] = pd.array(values, dtype="Int32")
        elif fld.type == "number":
            data[fld.name] = pd.array(values, dtype="Float64")
        else:
            data[fld.name] = pd.array(values, dtype=object)
    return gpd.GeoDataFrame(data, geometry=[f.geometry for f in feats], crs=CRS)


def _write_gpkg(layers: dict[str, Layer], tmp: Path, on: dt.date) -> list[Path]:
    import pyogrio

    path = tmp / GPKG_FILE
    # gpkg_contents.last_change would be the wall clock: pin it to the export date. No fsync per
    # transaction: the file is a temporary one until write_exports moves it into place.
    with _gdal_config(
        {"OGR_CURRENT_DATE": f"{on.isoformat()}T00:00:00.000Z", "OGR_SQLITE_SYNCHRONOUS": "OFF"}
    ):
        for i, (name, layer) in enumerate(layers.items()):
            pyogrio.write_dataframe(
                _frame(layer),
                path,
                layer=name,
                driver="GPKG",
                append=False,
                geometry_type=layer.geometry_type,
                promote_to_multi=None,
                dataset_options={"VERSION": GPKG_VERSION} if i == 0 else None,
                layer_options={
                    "IDENTIFIER": f"cloudmap {name}",
                    "DESCRIPTION": f"{TITLES[name]}, as of {on.isoformat()}",
                },
            )
    return [path]


# --------------------------------------------------------------------------- CSV


_CSVT = {
    "string": "String",
    "integer": "Integer",
    "number": "Real",
    "date": "String",
    "string list": "String",
}


def csv_text(layer: Layer) -> str:
    """The layer's properties plus ``lon``/``lat``, one row per feature (LF line ends)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*(f.name for f in layer.fields), "lon", "lat"])
    for f in layer.features:
        w.writerow(
            [
                *(_cell(f.properties[fld.name]) for fld in layer.fields),
                repr(_round(f.geometry.x)),
                repr(_round(f.geometry.y)),
            ]
        )
    return buf.getvalue()


def csvt_text(layer: Layer) -> str:
    """GDAL's column-type sidecar: makes GDAL/QGIS read typed columns and lon/lat as points."""
    types = [_CSVT[f.type] for f in layer.fields] + ["CoordX", "CoordY"]
    return ",".join(f'"{t}"' for t in types) + "\n"


def _write_csv(layers: dict[str, Layer], tmp: Path, on: dt.date) -> list[Path]:
    layer = layers["regions"]
    path, types = tmp / "regions.csv", tmp / "regions.csvt"
    path.write_text(csv_text(layer), encoding="utf-8", newline="")
    types.write_text(csvt_text(layer), encoding="utf-8", newline="")
    return [path, types]


# --------------------------------------------------------------------------- KML

# KML colours are aabbggrr.
KML_COLORS = {
    "new": "ff3cb44b",  # green
    "live": "ffd88f1f",  # blue
    "closing": "ff0082f5",  # orange
    "announced": "ffb4469b",  # purple
    "closed": "ff808080",  # grey
}
_KML_TYPES = {
    "string": "string",
    "integer": "int",
    "number": "double",
    "date": "string",
    "string list": "string",
}
_ICON = "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"


def _kml_description(p: dict[str, Value]) -> str:
    status = str(p["status"])
    lines = [
        f"{p['region']} · {STATUS_LABELS.get(status, status)} on {p['as_of']}",
        f"{p['city']}, {p['country_name']} ({p['country']}) · {p['kind']}",
    ]
    for key, label in (
        ("announced", "Announced"),
        ("launched", "Launched"),
        ("closure_announced", "Closure announced"),
        ("closed", "Closed"),
    ):
        if p[key] is not None:
            q = f"{p[f'{key}_qualifier']} " if p[f"{key}_qualifier"] else ""
            lines.append(f"{label}: {q}{p[key]}")
    zones = p["live_zone_ids"]
    lines.append(
        f"Live zones: {p['live_zones']}"
        + (
            f" ({', '.join(zones)})"  # type: ignore[arg-type]
            if zones
            else ""
        )
    )
    lines += [f"Source: {u}" for u in p["source_urls"]]  # type: ignore[union-attr]
    return "\n".join(lines)


def kml_text(layer: Layer, on: dt.date) -> str:
    """A KML 2.2 document for Google Earth: one Placemark per feature, a style per status."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2">',
        "<Document>",
        f"<name>{escape(f'cloudmap {layer.name} as of {on.isoformat()}')}</name>",
    ]
    for status in STATUSES:
        out.append(
            f'<Style id="status-{status}"><IconStyle><color>{KML_COLORS[status]}</color>'
            f"<scale>1.1</scale><Icon><href>{escape(_ICON)}</href></Icon></IconStyle>"
            "<LabelStyle><scale>0.8</scale></LabelStyle></Style>"
        )
    # `name` is the Placemark's <name> (GDAL reads it as `Name`); `id` is also its id attribute,
    # which GDAL's LIBKML driver reads into the `id` field.
    fields = [f for f in layer.fields if f.name != "name"]
    out.append(f'<Schema name="{layer.name}" id="{layer.name}">')
    out += [f'<SimpleField type="{_KML_TYPES[f.type]}" name="{f.name}"/>' for f in fields]
    out += ["</Schema>", f"<Folder><name>{layer.name}</name>"]
    for feat in layer.features:
        p = feat.properties
        data = "".join(
            f"<SimpleData name={quoteattr(f.name)}>{escape(_cell(p[f.name]))}</SimpleData>"
            for f in fields
            if _flat(p[f.name]) not in (None, "")
        )
        out.append(
            f"<Placemark id={quoteattr(feat.id)}><name>{escape(str(p['name']))}</name>"
            f"<description>{escape(_kml_description(p))}</description>"
            f"<styleUrl>#status-{p['status']}</styleUrl>"
            f'<ExtendedData><SchemaData schemaUrl="#{layer.name}">{data}</SchemaData>'
            f"</ExtendedData><Point><coordinates>{_round(feat.geometry.x)!r},"
            f"{_round(feat.geometry.y)!r}</coordinates></Point></Placemark>"
        )
    out += ["</Folder>", "</Document>", "</kml>", ""]
    return "\n".join(out)


def _write_kml(layers: dict[str, Layer], tmp: Path, on: dt.date) -> list[Path]:
    path = tmp / "regions.kml"
    path.write_text(kml_text(layers["regions"], on), encoding="utf-8", newline="\n")
    return [path]


# --------------------------------------------------------------------------- entry point

_WRITERS: dict[
    str, tuple[tuple[str, ...], Callable[[dict[str, Layer], Path, dt.date], list[Path]]]
] = {
    "geojson": (LAYERS, _write_geojson),
    "gpkg": (LAYERS, _write_gpkg),
    "csv": (("regions",), _write_csv),
    "kml": (("regions",), _write_kml),
}


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats in canonical order; ``CloudmapError`` naming an unknown one."""
    wanted = [str(f).strip().lower() for f in formats]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise CloudmapError(
            f"unknown export format {unknown[0]!r}; choose from {', '.join(FORMATS)}"
        )
    if not wanted:
        raise CloudmapError(f"no export format given; choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in wanted)


def write_exports(
    catalog: Catalog, *, on: dt.date, out: Path, root: Path, formats: Sequence[str] = ALL
) -> list[Path]:
    """Write the export files for ``on`` into ``out`` and return their paths.

    Every file is first written to a temporary folder inside ``out``, then moved into place with
    ``os.replace``, so a reader never sees a half-written file and a failure leaves ``out`` as it
    was. Identical input gives byte-identical files (no clock, fixed order, rounded numbers).
    """
    fmts = check_formats(formats)
    names = [n for n in LAYERS if any(n in _WRITERS[f][0] for f in fmts)]
    layers = build_layers(catalog, on=on, root=root, layers=names)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        written: list[Path] = []
        for fmt in fmts:
            needed, writer = _WRITERS[fmt]
            written += writer({n: layers[n] for n in needed}, tmp, on)
        final = []
        for path in written:
            os.replace(path, out / path.name)
            final.append(out / path.name)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- the schema doc

DOC_BEGIN = "<!-- schema:begin (generated from cloudmap.export.SCHEMA; do not edit by hand) -->"
DOC_END = "<!-- schema:end -->"


def schema_markdown() -> str:
    """The per-layer field tables of docs/exports.md, generated from SCHEMA."""
    parts = []
    for name, fields in SCHEMA.items():
        parts.append(f"### `{name}`: {TITLES[name]}\n")
        parts.append("| field | type | meaning |")
        parts.append("|-------|------|---------|")
        parts += [f"| `{f.name}` | {f.type} | {f.doc} |" for f in fields]
        parts.append("")
    parts.append("### `regions.csv`: the `regions` fields, then\n")
    parts.append("| field | type | meaning |")
    parts.append("|-------|------|---------|")
    parts += [f"| `{f.name}` | {f.type} | {f.doc} |" for f in CSV_EXTRA]
    return "\n".join(parts)


def update_doc(path: Path) -> bool:
    """Rewrite the generated block of ``path`` (docs/exports.md); True if it changed."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(DOC_BEGIN)
    _, sep2, tail = rest.partition(DOC_END)
    if not sep or not sep2:
        raise CloudmapError(f"{path}: markers {DOC_BEGIN!r} ... {DOC_END!r} not found")
    new = f"{head}{DOC_BEGIN}\n\n{schema_markdown()}\n\n{DOC_END}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8", newline="\n")
    return new != text


if __name__ == "__main__":  # python -m cloudmap.export docs/exports.md
    import sys

    for arg in sys.argv[1:]:
        print(f"{arg}: {'updated' if update_doc(Path(arg)) else 'up to date'}")
