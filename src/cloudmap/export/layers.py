"""Build the export layers (regions, sites, countries, markets) of the catalog as of a date."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import threading
from collections import Counter
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
import shapely
from shapely.geometry.base import BaseGeometry

from cloudmap.catalog import Catalog, Region, Site
from cloudmap.errors import CloudmapError
from cloudmap.export.geometry import (
    DECIMALS,
    cached_polygons,
    dissolve,
    geo_ident,
    interior_point,
    on_grid,
    point,
    polygons,
    round_coord,
)
from cloudmap.export.schema import (
    COUNTRY_FIELDS,
    COUNTRY_POINT_SOURCE,
    LAYERS,
    MARKET_FIELDS,
    REGION_FIELDS,
    SITE_FIELDS,
    Feature,
    Layer,
    Value,
    check_layer,
)
from cloudmap.schema import PartialDate


def _pd(d: PartialDate | None, name: str) -> dict[str, Value]:
    return {
        name: d.iso if d else None,
        f"{name}_precision": d.precision if d else None,
        f"{name}_qualifier": d.qualifier if d else None,
    }


def _country(code: str) -> dict[str, Value]:
    return dict(_country_fields(code))


@functools.cache
def _country_fields(code: str) -> tuple[tuple[str, Value], ...]:
    from cloudmap.world import country_name

    c = pycountry.countries.get(alpha_2=code)
    return (
        ("country", code),
        ("country_iso3", c.alpha_3 if c is not None else None),
        ("country_name", country_name(code)),
    )


def _region_feature(
    r: Region, status: str, on: dt.date, geom: BaseGeometry | None = None
) -> Feature:
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
        "live_zone_ids": sorted(z.id for z in zones if z.id),
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
    if geom is None:
        geom = point(r.location.lon, r.location.lat)
    return Feature(str(props["id"]), props, geom)


def _site_feature(s: Site, on: dt.date, root: Path) -> Feature:
    if s.location is not None:
        geom = point(s.location.lon, s.location.lat)
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


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


_ready_lock = threading.Lock()
_ready: dict[tuple[str, int, int], np.ndarray] = {}  # geo/ file version -> on_grid per row


def _source_text(root: Path, layer: Any) -> np.ndarray:
    """Per row of the world layer: whether its geo/ text is already the export's geometry."""
    from cloudmap import world
    from cloudmap.cache import cached, code_key, file_key

    ident = geo_ident(root)
    with _ready_lock:
        if ident not in _ready:
            if layer.coords_text is not None and DECIMALS >= 6:  # geo/ text: at most 6 decimals
                key = f"{file_key(Path(root) / world.COUNTRIES_FILE)}|"
                key += code_key("cloudmap.export.geometry", "cloudmap.world")
                ok = cached("on-grid", key, lambda: on_grid(layer.geoms))
            else:
                ok = np.zeros(len(layer.keys), dtype=bool)
            _ready.clear()  # one geo/ version at a time
            _ready[ident] = ok
        return _ready[ident]


def _country_features(catalog: Catalog, on: dt.date, root: Path) -> tuple[Feature, ...]:
    from cloudmap import world

    layer = world._layer(root)
    ready = _source_text(root, layer)
    coverage = _coverage(catalog, on)
    ident = geo_ident(root)
    out = []
    for row in world.country_rows(catalog, on, root):
        cov = coverage.get(row.iso_a2 or "", {})
        props: dict[str, Value] = {
            "id": row.key,
            "iso_a2": row.iso_a2,
            "iso_a3": row.iso_a3,
            "iso_n3": row.iso_n3,
            "name": row.name,
            "status": row.status,
            "live_regions": row.live_regions,
            "live_zones": row.live_zones,
            "first_launch": row.first_launch,
            "markets": list(row.markets),
            "target_markets": list(row.target_markets),
            **_coverage_props(cov),
            "as_of": on.isoformat(),
        }
        if ready[row.row]:  # geo/ holds it on the grid already: its own text, no re-encoding
            assert layer.coords_text is not None
            geom = layer.geoms[row.row]
            text = '{"type":"MultiPolygon","coordinates":' + layer.coords_text[row.row] + "}"
        else:
            geom, text = cached_polygons(
                (ident, "country", row.key), partial(polygons, layer.geoms[row.row])
            )
        out.append(Feature(str(row.key), props, geom, text))
    return tuple(sorted(out, key=lambda f: f.id))


def _coverage(catalog: Catalog, on: dt.date) -> dict[str, dict[str, Any]]:
    """Coverage per ISO alpha-2 (cloudmap.coverage), or {} when nothing is live to measure from."""
    from cloudmap import coverage

    if len(catalog.providers) != 1 or not any(
        r.is_live(on) and r.kind in coverage.COVERAGE_KINDS for r in catalog.regions
    ):
        return {}
    return {row["iso_a2"]: row for row in coverage.country_records(catalog, on)}


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


_bundle_lock = threading.Lock()
_bundles: dict[tuple[Any, ...], dict[tuple[str, ...], tuple[BaseGeometry, str]]] = {}


def _market_bundle(root: Path) -> dict[tuple[str, ...], tuple[BaseGeometry, str]]:
    """Every market of data/markets.yaml dissolved, with its GeoJSON text: once per process per
    geo/ and markets file, and from the disk cache when their contents were seen before."""
    from cloudmap import world
    from cloudmap.cache import cached, code_key, file_key

    root = Path(root)
    markets_file = root / world.MARKETS_FILE
    ident = (geo_ident(root), str(markets_file.resolve()), markets_file.stat().st_mtime_ns)
    with _bundle_lock:
        if ident not in _bundles:
            codes = sorted(set(world.market_countries(root)))
            key = "|".join(
                (
                    file_key(root / world.COUNTRIES_FILE),
                    code_key("cloudmap.export.geometry", "cloudmap.export.layers"),
                    code_key("cloudmap.world"),
                    repr(codes),
                )
            )
            _bundles.clear()
            _bundles[ident] = cached(
                "markets", key, lambda: {c: _dissolved(root, c) for c in codes}
            )
        return _bundles[ident]


def _dissolved(root: Path, codes: tuple[str, ...]) -> tuple[BaseGeometry, str]:
    from cloudmap import world

    layer = world._layer(root)
    parts = [layer.geoms[layer.rows_of[c]] for c in codes if c in layer.rows_of]  # NO_POLYGON
    return cached_polygons((geo_ident(root), "market", codes), partial(dissolve, parts))


def _market_geometry(root: Path, codes: tuple[str, ...]) -> tuple[BaseGeometry, str]:
    """The dissolved polygons of a market's countries and their GeoJSON text."""
    found = _market_bundle(root).get(codes)
    return found if found is not None else _dissolved(root, codes)


def warm(root: Path) -> None:
    """Dissolve every market of data/markets.yaml ahead of time (cloudmap build runs this in a
    thread while it validates the catalog: GEOS works outside the GIL). Never raises: a broken
    file is reported by validation."""
    with contextlib.suppress(Exception):  # only a head start; the build reports problems
        _market_bundle(root)


def _market_features(catalog: Catalog, on: dt.date, root: Path) -> tuple[Feature, ...]:
    from cloudmap import world

    markets = world.load_markets(root, catalog=catalog)
    stats = {s["name"]: s for s in world.market_stats(catalog, on, root)}
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
        geom, text = _market_geometry(root, codes)
        out.append(Feature(m.id, props, geom, text))
    return tuple(sorted(out, key=lambda f: f.id))


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
        shown = [(r, st) for r in catalog.regions for st in [r.status(on)] if st is not None]
        xy = np.array(
            [(round_coord(r.location.lon), round_coord(r.location.lat)) for r, _ in shown],
            dtype=np.float64,
        ).reshape(-1, 2)
        points = shapely.points(xy)  # every point at once (same grid as geometry.point)
        feats = [_region_feature(r, st, on, g) for (r, st), g in zip(shown, points, strict=True)]
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
        check_layer(layer)
    return out


def _sorted(features: list[Feature]) -> tuple[Feature, ...]:
    dupes = sorted(i for i, n in Counter(f.id for f in features).items() if n > 1)
    if dupes:
        raise CloudmapError(
            f"duplicate feature ids {', '.join(dupes)}; ids must be unique within a provider"
        )
    return tuple(sorted(features, key=lambda f: f.id))


def _country_point(s: Site, root: Path) -> BaseGeometry:
    """The representative point of the site's country polygon (for sites without a location)."""
    from cloudmap import world

    layer = world._layer(root)
    row = layer.rows_of.get(s.country)
    if row is None:
        raise CloudmapError(
            f"{s.file}:{s.line}: {s.id}: location: missing, and geo/ has no polygon for "
            f"{s.country} to place the site on; give the site a location"
        )
    return interior_point(layer.geoms[row])
