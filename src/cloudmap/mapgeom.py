"""The map's country geometry: polygons simplified as a coverage (shared borders stay shared)
and encoded as integer deltas on a fixed grid, plus each country's label point. Deterministic,
and kept in the disk cache per polygon set."""

from __future__ import annotations

__all__ = ["COORD_SCALE", "SIMPLIFY_TOLERANCE", "Shapes", "country_shapes", "encode_countries"]

import hashlib
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

if TYPE_CHECKING:
    from cloudmap.geo import Countries

# Countries: coverage simplification (degrees; shared borders stay shared), then coordinates on a
# 1/COORD_SCALE degree grid (0.01 deg ~ 1 km), delta-encoded as integers per ring.
SIMPLIFY_TOLERANCE = 0.05
COORD_SCALE = 100


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


Shapes = tuple[list[Any], dict[str, tuple[float, float]]]
_shapes: weakref.WeakKeyDictionary[Countries, Shapes] = weakref.WeakKeyDictionary()


def country_shapes(layer: Countries) -> Shapes:
    """The map's country geometry (coverage-simplified, shared borders stay shared; encoded as in
    encode_countries, in layer row order) and each country's label point (where country-only
    sites are drawn). Made once per layer object, and kept in the disk cache."""
    found = _shapes.get(layer)
    if found is None:
        from cloudmap.cache import Entry, cached_built, code_key

        def make() -> Entry:
            simple = shapely.coverage_simplify(
                layer.geoms, SIMPLIFY_TOLERANCE, simplify_boundary=True
            )
            return Entry({"shapes": encode_countries(simple), "points": _label_points(layer)})

        wkb = shapely.to_wkb(layer.geoms)
        digest = hashlib.sha256(b"".join(wkb)).hexdigest()
        found = _shapes[layer] = cached_built(
            "map-countries",
            f"{digest}|{code_key('cloudmap.mapgeom')}",
            make,
            lambda e: _from_entry(e, len(layer)),
        )
    return found


def _from_entry(entry: Any, n: int) -> Shapes:
    """The shapes and label points an entry holds (anything amiss raises: a cache miss)."""
    shapes, raw = entry.meta["shapes"], entry.meta["points"]
    if not isinstance(shapes, list) or len(shapes) != n or not isinstance(raw, dict):
        raise ValueError("map-countries entry: wrong shape")
    for parts in shapes:
        for part in parts:
            for ring in part:
                if not all(type(x) is int for x in ring):
                    raise ValueError("map-countries entry: a ring of non-integers")
    points = {str(k): (float(v[0]), float(v[1])) for k, v in raw.items() if len(v) == 2}
    if len(points) != len(raw):
        raise ValueError("map-countries entry: a point without two coordinates")
    return shapes, points


def _label_points(layer: Countries) -> dict[str, list[float]]:
    """A point inside each country's largest polygon (where country-only sites are drawn)."""
    out = {}
    for a2, geom in zip(layer.iso_a2, layer.geoms, strict=True):
        if a2 is None or geom is None or geom.is_empty:
            continue
        largest = max(getattr(geom, "geoms", [geom]), key=lambda g: (g.area, g.bounds))
        p = largest.representative_point()
        out[a2] = [round(p.x, 4), round(p.y, 4)]
    return out
