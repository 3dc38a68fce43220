"""Build the export layers (regions, sites, countries, markets) of a project as of a date."""

from __future__ import annotations

import datetime as dt
import functools
import math
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from cloudmap.countries import country_name, iso3
from cloudmap.dates import PartialDate
from cloudmap.errors import CloudmapError
from cloudmap.export.geometry import (
    interior_point,
    on_grid,
    point,
    polygon_json,
    polygons,
    round_coord,
)
from cloudmap.export.schema import (
    COUNTRY_FIELDS,
    COUNTRY_POINT_SOURCE,
    DECIMALS,
    LAYERS,
    MARKET_FIELDS,
    REGION_FIELDS,
    SITE_FIELDS,
    Feature,
    Layer,
    Value,
    check_layer,
)
from cloudmap.gridfacts import CarbonFigure, RegionGrid
from cloudmap.model import Catalog, Region, Site
from cloudmap.view import AsOf

if TYPE_CHECKING:
    from cloudmap.geo import Countries


def _pd(d: PartialDate | None, name: str) -> dict[str, Value]:
    return {
        name: d.iso if d else None,
        f"{name}_precision": d.precision if d else None,
        f"{name}_qualifier": d.qualifier if d else None,
    }


@functools.cache
def _country_fields(code: str) -> tuple[tuple[str, Value], ...]:
    return (("country", code), ("country_iso3", iso3(code)), ("country_name", country_name(code)))


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _carbon_props(c: CarbonFigure | None) -> dict[str, Value]:
    return {
        "carbon_g_per_kwh": c.g_per_kwh if c else None,
        "carbon_year": c.year if c else None,
        "carbon_dataset": c.dataset if c else None,
    }


def _grid_props(g: RegionGrid) -> dict[str, Value]:
    f, e, j = g.figure, g.energy, g.jurisdiction
    return {
        "grid_zone": g.zone,
        "grid_zone_name": g.zone_name,
        "grid_zone_reason": g.zone_reason,
        **_carbon_props(g.carbon),
        "grid_g_per_kwh": f.g_per_kwh if f else None,
        "grid_level": f.level if f else None,
        "grid_year": f.year if f else None,
        "grid_year_qualifier": f.year_qualifier if f else None,
        "grid_method": f.method if f else None,
        "grid_gas": f.gas if f else None,
        "grid_basis": f.basis if f else None,
        "grid_dataset": f.dataset if f else None,
        "grid_source_url": f.source_url if f else None,
        "provider_cfe_share": e.cfe_share if e else None,
        "provider_grid_g_per_kwh": e.grid_g_per_kwh if e else None,
        "provider_energy_year": e.year if e else None,
        "provider_energy_method": e.method if e else None,
        "provider_energy_source_url": e.source_url if e else None,
        "operator": j.operator,
        "operator_unknown": j.operator_unknown,
        "partition": j.partition,
        "jurisdictions": list(j.jurisdictions),
        "jurisdictions_complete": j.complete,
    }


def _region_feature(
    catalog: Catalog, r: Region, status: str, on: dt.date, geom: BaseGeometry, grid: RegionGrid
) -> Feature:
    zones = r.live_zones(on)
    as_region, _ = catalog.counted(r)
    props: dict[str, Value] = {
        "id": r.key,
        "provider": r.provider,
        "region": r.id,
        "name": r.name,
        "city": r.city,
        **dict(_country_fields(r.country)),
        "kind": r.kind,
        "counted": as_region,
        "status": status,
        "live_zones": len(zones),
        "zones_known": r.zones_known(on),
        "live_zone_ids": sorted(z.id for z in zones if z.id),
        **_pd(r.announced, "announced"),
        **_pd(r.launched, "launched"),
        **_pd(r.closure_announced, "closure_announced"),
        **_pd(r.closed, "closed"),
        **_grid_props(grid),
        "location_precision": r.location.precision,
        "location_source": r.location.source,
        "announcements": list(r.announcements),
        "source_urls": [s.url for s in r.sources],
        "notes": _text(r.notes),
        "as_of": on.isoformat(),
    }
    return Feature(r.key, props, geom)


def _site_feature(s: Site, on: dt.date, layer: Countries) -> Feature:
    if s.location is not None:
        geom = point(s.location.lon, s.location.lat)
        precision, source = s.location.precision, s.location.source
    else:
        geom, precision, source = _country_point(s, layer), "country", COUNTRY_POINT_SOURCE
    props: dict[str, Value] = {
        "id": s.key,
        "provider": s.provider,
        "site": s.id,
        **dict(_country_fields(s.country)),
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
    return Feature(s.key, props, geom)


def _country_point(s: Site, layer: Countries) -> BaseGeometry:
    """A point inside the site's country (for sites without a location)."""
    row = layer.rows_of.get(s.country)
    if row is None:
        raise CloudmapError(
            f"{s.file}:{s.line}: {s.id}: location: missing, and geo/ has no polygon for "
            f"{s.country} to place the site on; give the site a location"
        )
    return interior_point(layer.geoms[row])


# --------------------------------------------------------------------------- polygons


class _Shapes:
    """Per country layer: each polygon's export geometry and GeoJSON text, and dissolved markets.
    Kept per layer object (weakly): they depend on nothing else."""

    def __init__(self, layer: Countries) -> None:
        self.layer = layer
        self._ok: np.ndarray | None = None
        self._rows: dict[int, tuple[BaseGeometry, str]] = {}
        self._markets: dict[tuple[str, ...], tuple[BaseGeometry, str]] = {}

    def row(self, i: int) -> tuple[BaseGeometry, str]:
        if i not in self._rows:
            layer = self.layer
            if self._ok is None:
                ready = layer.coords_text is not None and DECIMALS >= 6
                self._ok = self._on_grid() if ready else np.zeros(len(layer), dtype=bool)
            if self._ok[i] and layer.coords_text is not None:  # geo/ text is already on the grid
                text = '{"type":"MultiPolygon","coordinates":' + layer.coords_text[i] + "}"
                self._rows[i] = (layer.geoms[i], text)
            else:
                geom = polygons(layer.geoms[i])
                self._rows[i] = (geom, polygon_json(geom, f"country {layer.keys[i]}"))
        return self._rows[i]

    def _on_grid(self) -> np.ndarray:
        """geometry.on_grid of the layer's polygons, kept in the disk cache (validity checks of
        every 1:10m polygon are the slow part; they depend on geo/ only)."""
        from cloudmap.cache import Entry, cached_built, code_key

        layer = self.layer

        def make() -> Entry:
            return Entry({}, {"ok": on_grid(layer.geoms).astype(np.bool_)})

        key = f"{layer.digest}|{code_key('cloudmap.export.geometry')}"
        return cached_built("on-grid", key, make, lambda e: e.array("ok", "b", length=len(layer)))

    def market(self, codes: tuple[str, ...]) -> tuple[BaseGeometry, str]:
        """The dissolved polygons of these countries and their GeoJSON text: from
        geo/markets-10m.geojson.gz when it was made from this layer's file (cloudmap.export.markets),
        else dissolved once per layer object and kept in the disk cache (they depend on geo/ and
        the codes only). The polygons are read from the text, so every export has the same
        coordinates."""
        if codes not in self._markets:
            from cloudmap.cache import Entry, cached_built, code_key
            from cloudmap.export.markets import committed_markets, market_json

            layer = self.layer

            def make() -> Entry:
                text = None
                if layer.root is not None:
                    text = committed_markets(layer.root, layer).get(codes)
                if text is None:
                    text = market_json(layer, codes)
                wkb = np.frombuffer(shapely.to_wkb(shapely.from_geojson(text)), dtype=np.uint8)
                return Entry({"json": text}, {"wkb": wkb})

            key = (
                f"{layer.digest}|{','.join(codes)}|"
                f"{code_key('cloudmap.export.geometry', 'cloudmap.export.markets')}"
            )
            self._markets[codes] = cached_built("market", key, make, _market_value)
        return self._markets[codes]


def _market_value(entry: Any) -> tuple[BaseGeometry, str]:
    """A market's polygons and GeoJSON text from its cache entry (anything amiss raises)."""
    text = entry.meta["json"]
    geom = shapely.from_wkb(entry.array("wkb", "u").tobytes())
    if not isinstance(text, str) or geom is None or geom.geom_type not in _AREAS:
        raise ValueError("market entry: not a polygon and its GeoJSON text")
    return geom, text


_AREAS = frozenset({"Polygon", "MultiPolygon", "GeometryCollection"})
_shapes: weakref.WeakKeyDictionary[Countries, _Shapes] = weakref.WeakKeyDictionary()


def shapes(layer: Countries) -> _Shapes:
    """The export geometry of ``layer``'s polygons (made once per layer object)."""
    found = _shapes.get(layer)
    if found is None:
        found = _shapes[layer] = _Shapes(layer)
    return found


# --------------------------------------------------------------------------- countries


def _country_features(view: AsOf) -> tuple[Feature, ...]:
    catalog, layer = view.selected, view.countries_layer
    counts, targets = view.country_counts, view.target_markets
    member: dict[str, list[str]] = {}
    for m in catalog.markets.values():
        for cc in m.countries:
            member.setdefault(cc, []).append(m.name)
    by_cc = view.coverage_by_country
    carbon = _country_carbon(view)
    geo = shapes(layer)
    out = []
    cols = layer.columns
    for i, key in enumerate(layer.keys):
        a2 = layer.iso_a2[i]
        c = counts.get(a2) if a2 else None
        live = c.regions if c else 0
        target = targets.get(a2, []) if a2 else []
        status = {(True, True): "both", (True, False): "hosts", (False, True): "target"}.get(
            (live > 0, bool(target)), "neither"
        )
        props: dict[str, Value] = {
            "id": key,
            "iso_a2": a2,
            "iso_a3": cols["iso_a3"][i],
            "iso_n3": cols["iso_n3"][i],
            "name": str(cols["name"][i]),
            "status": status,
            "live_regions": live,
            "live_zones": c.zones if c else 0,
            "zones_known": not (c and c.zones_unknown),
            "first_launch": c.first.iso if c and c.first else None,
            "markets": sorted(member.get(a2, [])) if a2 else [],
            "target_markets": list(target),
            **_coverage_props(by_cc.get(a2 or "", {})),
            **_carbon_props(carbon.get(a2) if a2 else None),
            "as_of": view.on.isoformat(),
        }
        geom, text = geo.row(i)
        out.append(Feature(key, props, geom, text))
    return tuple(sorted(out, key=lambda f: f.id))


def _country_carbon(view: AsOf) -> dict[str, CarbonFigure]:
    """Each country's comparable figure, by ISO alpha-2 code."""
    from cloudmap.gridfacts import country_carbon

    out = {}
    for zone in view.grid.figures:
        found = country_carbon(view.grid, zone) if len(zone) == 2 else None
        if found is not None:
            out[zone] = found
    return out


def _coverage_props(cov: Mapping[str, Any]) -> dict[str, Value]:
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


def _market_features(view: AsOf) -> tuple[Feature, ...]:
    stats = {st["name"]: st for st in view.market_stats}
    geo = shapes(view.countries_layer)
    out = []
    for name, m in view.catalog.markets.items():
        st = stats[name]
        codes = tuple(sorted(m.countries))
        props: dict[str, Value] = {
            "id": m.id,
            "name": m.name,
            "definition": m.definition,
            "countries": list(codes),
            "countries_targeted": st["countries_targeted"],
            "countries_hosting": st["countries_hosting"],
            "live_regions": st["live_regions"],
            "live_zones": st["live_zones"],
            "zones_known": st["zones_known"],
            "announcements": list(st["announcements"]),
            "source_urls": [s.url for s in m.sources],
            "as_of": view.on.isoformat(),
        }
        geom, text = geo.market(codes)
        out.append(Feature(m.id, props, geom, text))
    return tuple(sorted(out, key=lambda f: f.id))


# --------------------------------------------------------------------------- entry point


def build_layers(view: AsOf, layers: Iterable[str] = LAYERS) -> dict[str, Layer]:
    """The export layers of the view, features sorted by id, properties in schema order.

    ``regions``: the selected providers' regions that exist on the date (status not None);
    ``sites``: announced sites without a region yet; ``countries``: the 1:10m polygons with the
    selection's footprint and coverage; ``markets``: the markets dissolved from them.
    """
    wanted = tuple(layers)
    unknown = sorted(set(wanted) - set(LAYERS))
    if unknown:
        raise CloudmapError(f"unknown layer {unknown[0]!r}; choose from {', '.join(LAYERS)}")
    on = view.on
    out: dict[str, Layer] = {}
    if "regions" in wanted:
        shown = view.regions_on
        xy = np.array(
            [(round_coord(r.location.lon), round_coord(r.location.lat)) for r in shown],
            dtype=np.float64,
        ).reshape(-1, 2)
        points = shapely.points(xy)  # every point at once (same grid as geometry.point)
        feats = [
            _region_feature(view.catalog, r, r.status(on) or "", on, g, view.grid_of(r))
            for r, g in zip(shown, points, strict=True)
        ]
        out["regions"] = Layer("regions", REGION_FIELDS, _sorted(feats), "Point")
    if "sites" in wanted:
        feats = [_site_feature(s, on, view.countries_layer) for s in view.sites_on]
        out["sites"] = Layer("sites", SITE_FIELDS, _sorted(feats), "Point")
    if "countries" in wanted:
        out["countries"] = Layer(
            "countries", COUNTRY_FIELDS, _country_features(view), "MultiPolygon"
        )
    if "markets" in wanted:
        out["markets"] = Layer("markets", MARKET_FIELDS, _market_features(view), "MultiPolygon")
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


def to_frame(layer: Layer) -> Any:
    """A layer as a GeoDataFrame (EPSG:4326) with exactly the layer's fields, then geometry."""
    import geopandas as gpd
    import pandas as pd

    from cloudmap.schema import CRS

    data: dict[str, Any] = {}
    for fld in layer.fields:
        values = [f.properties[fld.name] for f in layer.features]
        if fld.type == "integer":
            data[fld.name] = pd.array(values, dtype="Int64")
        elif fld.type == "number":
            data[fld.name] = pd.array(values, dtype="Float64")
        elif fld.type == "boolean":
            data[fld.name] = pd.array(values, dtype="boolean")
        else:
            col = np.empty(len(values), dtype=object)
            col[:] = values
            data[fld.name] = pd.Series(col, dtype=object)
    geoms = np.empty(len(layer.features), dtype=object)
    geoms[:] = [f.geometry for f in layer.features]
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)
