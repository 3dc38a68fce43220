"""Geometry on the export grid: rounded points, RFC 7946 polygons and their GeoJSON, cached."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from cloudmap.errors import CloudmapError
from cloudmap.export.schema import DECIMALS


def point(lon: float, lat: float) -> BaseGeometry:
    return shapely.Point(round_coord(lon), round_coord(lat))


def round_coord(x: float) -> float:
    return round(float(x), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def polygons(geom: BaseGeometry) -> BaseGeometry:
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


def _wrong_rings(parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per polygon of ``parts``: whether a ring has the wrong winding for RFC 7946 (exterior
    counter-clockwise, holes clockwise), and whether a ring jumps more than 180° in longitude
    other than along the ±180° edge itself (Antarctica's ring runs from -180 to 180 along the
    pole). Vectorised over every ring."""
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = ring_of[1:] != ring_of[:-1]
    winding = np.zeros(len(parts), dtype=bool)
    np.logical_or.at(winding, ring_of[shapely.is_ccw(rings) != exterior], True)
    xy, point_of = shapely.get_coordinates(rings, return_index=True)
    lon = xy[:, 0]
    jump = (
        (np.abs(np.diff(lon)) > 180.0)
        & (point_of[1:] == point_of[:-1])
        & ~((np.abs(lon[:-1]) == 180.0) & (np.abs(lon[1:]) == 180.0))
    )
    crossing = np.zeros(len(parts), dtype=bool)
    np.logical_or.at(crossing, ring_of[point_of[1:][jump]], True)
    return winding, crossing


def on_grid(geoms: np.ndarray) -> np.ndarray:
    """Per MultiPolygon of ``geoms``: whether it already is what ``polygons`` makes of it (valid,
    RFC 7946 winding, no ring across the antimeridian), so that its source text may be written
    as is. The caller checks the decimals."""
    geoms = np.asarray(geoms, dtype=object)
    ok = shapely.is_valid(geoms) & (shapely.get_type_id(geoms) == 6)  # 6: MultiPolygon
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    winding, crossing = _wrong_rings(parts)
    bad = np.zeros(len(geoms), dtype=bool)
    np.logical_or.at(bad, part_of[winding | crossing], True)
    return ok & ~bad  # type: ignore[no-any-return]


def crosses_antimeridian(geom: BaseGeometry) -> bool:
    """Whether a ring jumps more than 180° in longitude, other than along the ±180° edge itself
    (Antarctica's ring runs from -180 to 180 along the pole)."""
    return bool(np.any(_wrong_rings(shapely.get_parts(geom))[1]))


def interior_point(geom: BaseGeometry) -> BaseGeometry:
    """A point inside the largest part of a (multi)polygon, on the export grid."""
    parts = list(shapely.get_parts(geom))
    largest = max(parts, key=lambda p: (p.area, p.bounds))
    pt = largest.representative_point()
    return point(pt.x, pt.y)


def polygon_json(geom: BaseGeometry, what: str) -> str:
    """The GeoJSON text of a polygon geometry on the export grid; ``CloudmapError`` if a ring
    crosses the antimeridian (geo/ is split at +-180 degrees)."""
    if crosses_antimeridian(geom):
        raise CloudmapError(
            f"{what}: a ring crosses the antimeridian; split it at ±180° (geo/ should already be "
            "split)"
        )
    return dumps(geojson_geometry(geom))


def dissolve(parts: list[BaseGeometry]) -> BaseGeometry:
    """Union of country polygons. The inputs are split at ±180°, and planar union never joins a
    part ending at +180 to one starting at -180, so no band round the globe can appear.

    Country polygons tile the map with exactly shared borders (one TopoJSON arc each), so the
    coverage union (which only drops shared edges) gives the same polygons as a full overlay, at
    a twentieth of the cost; when the parts are not such a coverage, the overlay decides.
    """
    if not parts:
        return shapely.MultiPolygon()
    arr = np.asarray(parts, dtype=object)
    merged = shapely.coverage_union_all(arr)
    area = float(np.sum(shapely.area(arr)))
    if abs(merged.area - area) > 1e-9 * max(area, 1.0):
        return polygons(shapely.union_all(arr, grid_size=10.0**-DECIMALS))  # not a coverage
    if not merged.is_valid:
        # A coverage with a few inexact shared edges (at 1:10m: Belgium, Luxembourg and the
        # Netherlands): the union is right but touches itself at a point; the structure method
        # repairs that in a fraction of a full overlay's time.
        return polygons(shapely.make_valid(merged, method="structure", keep_collapsed=False))
    xy = shapely.get_coordinates(merged)
    if not np.array_equal(np.round(xy, DECIMALS), xy):
        return polygons(merged)
    # Only the parts' own vertices, already on the grid: snapping would change nothing.
    merged = shapely.orient_polygons(merged, exterior_cw=False)
    return merged if merged.geom_type == "MultiPolygon" else polygons(merged)


def _coords(ring: Any) -> list[list[float]]:
    arr = np.round(np.asarray(ring.coords)[:, :2], DECIMALS) + 0.0
    return arr.tolist()  # type: ignore[no-any-return]


def geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    """An RFC 7946 geometry object (2-D, at most six decimals) for a Point or MultiPolygon."""
    if geom.geom_type == "Point":
        return {"type": "Point", "coordinates": [round_coord(geom.x), round_coord(geom.y)]}
    polys = [
        [_coords(p.exterior), *(_coords(i) for i in p.interiors)] for p in shapely.get_parts(geom)
    ]
    return {"type": "MultiPolygon", "coordinates": polys}


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
