"""Build the export layers (regions, sites, countries, markets) of the catalog as of a date."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

import pycountry
from pandas import NA as _NA
from shapely.geometry.base import BaseGeometry

from cloudmap.catalog import Catalog, Region, Site
from cloudmap.errors import CloudmapError
from cloudmap.export.geometry import (
    cached_polygons,
    dissolve,
    geo_ident,
    interior_point,
    point,
    polygons,
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
    from cloudmap.world import country_name

    c = pycountry.countries.get(alpha_2=code)
    return {
        "country": code,
        "country_iso3": c.alpha_3 if c is not None else None,
        "country_name": country_name(code),
    }


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
    return Feature(str(props["id"]), props, point(r.location.lon, r.location.lat))


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


def _country_features(catalog: Catalog, on: dt.date, root: Path) -> tuple[Feature, ...]:
    from cloudmap import world

    frame = world.country_layer(catalog, on, root)
    coverage = _coverage(catalog, on)
    ident = geo_ident(root)
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
        geom, text = cached_polygons((ident, "country", row.key), partial(polygons, row.geometry))
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
    ident = geo_ident(root)
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
        geom, text = cached_polygons((ident, "market", codes), partial(dissolve, parts))
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
        check_layer(layer)
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
    return interior_point(frame.geometry.iloc[rows[0]])
