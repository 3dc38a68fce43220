"""Rebuild geo/countries-50m.geojson and geo/countries-10m.geojson, byte for byte, from
world-atlas's countries-50m.json and countries-10m.json (the ISO rules: geobuild_rules)."""

from __future__ import annotations

__all__ = [
    "OUTPUT_NAME",
    "PRECISION",
    "SCALES",
    "SOURCE_FILE",
    "SOURCE_SHA256",
    "WORLD_ATLAS_VERSION",
    "Scale",
    "decode_topojson",
    "planar_polygons",
    "rebuild",
    "source_scale",
]

import hashlib
import itertools
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import pycountry
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from cloudmap.errors import CloudmapError
from cloudmap.geobuild_rules import EMPTY, MERGE, NO_ID, SPLITS, BBox

# The pinned inputs (see geo/PROVENANCE.md): world-atlas 2.0.2 = Natural Earth 4.1.0.
WORLD_ATLAS_VERSION = "2.0.2"


@dataclass(frozen=True)
class Scale:
    """One pinned world-atlas file and the geo/ file made from it."""

    name: str  # "50m", "10m"
    source_file: str
    source_sha256: str
    output_name: str


SCALES = {
    "50m": Scale(
        "50m",
        "countries-50m.json",
        "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394",
        "countries-50m.geojson",
    ),
    "10m": Scale(
        "10m",
        "countries-10m.json",
        "3bc6f1d367a9bcec479841bae0e76092f512838411d0cef124e92eec4db45f79",
        "countries-10m.geojson",
    ),
}
# The 1:50m pins under their original names (the web map's layer; 1:10m is for point checks).
SOURCE_FILE = SCALES["50m"].source_file
SOURCE_SHA256 = SCALES["50m"].source_sha256
OUTPUT_NAME = SCALES["50m"].output_name
DECIMALS = 5
PRECISION = 10.0**-DECIMALS  # grid of the committed coordinates (about 1 m; the source's is ~400 m)
POLE_CAP = 89.99  # geoStitch's polar cap rings sit at +-89.999: dropped, the pole closes the ring

Ring = list[tuple[float, float]]


# --------------------------------------------------------------------------- TopoJSON decoding


def decode_topojson(topology: dict[str, Any], name: str = "countries") -> list[dict[str, Any]]:
    """Decode one geometry collection of a quantized TopoJSON topology into plain records.

    Returns ``[{"id", "name", "polygons": [[ring, ...], ...]}]`` in source order, where a ring is a
    closed list of ``(lon, lat)``; arcs are delta-decoded and de-quantized per the TopoJSON spec.
    """
    transform = topology.get("transform")
    sx, sy = transform["scale"] if transform else (1.0, 1.0)
    tx, ty = transform["translate"] if transform else (0.0, 0.0)
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
            else:
                x, y = dx, dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: Sequence[int]) -> Ring:
        out: Ring = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points if not out else points[1:])
        return out

    records = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [[ring(r) for r in geometry["arcs"]]]
        elif kind == "MultiPolygon":
            polygons = [[ring(r) for r in p] for p in geometry["arcs"]]
        else:
            raise CloudmapError(f"unexpected TopoJSON geometry type {kind!r} (expected polygons)")
        props = geometry.get("properties") or {}
        records.append({"id": geometry.get("id"), "name": props.get("name"), "polygons": polygons})
    return records


# --------------------------------------------------------------------------- antimeridian


def _unwrap(ring: Ring) -> Ring:
    """Shift longitudes by multiples of 360 so no step between neighbours exceeds 180 degrees."""
    out = [ring[0]]
    for lon, lat in ring[1:]:
        prev = out[-1][0]
        lon += 360.0 * round((prev - lon) / 360.0)
        out.append((lon, lat))
    return out


def _jumps(ring: Ring) -> bool:
    return any(abs(b[0] - a[0]) > 180.0 for a, b in itertools.pairwise(ring))


def _to_world(polygon: shapely.Geometry) -> list[Polygon]:
    """Cut a polygon drawn on unwrapped longitudes at +-180 and shift each piece into -180..180."""
    west, _, east, _ = polygon.bounds
    if (west < -180 or east > 180) and not polygon.is_valid:
        # At 1:10m quantization makes four such rings touch themselves (Russia's mainland,
        # Wrangel I., two in Fiji), which GEOS cannot clip; repaired first, nothing dropped
        # (none at 1:50m)
        polygon = shapely.make_valid(polygon)
    pieces = []
    for k in range(math.floor((west + 180.0) / 360.0), math.floor((east + 180.0) / 360.0) + 1):
        window = box(k * 360.0 - 180.0, -90.0, k * 360.0 + 180.0, 90.0)
        part = polygon.intersection(window) if k or west < -180 or east > 180 else polygon
        part = shapely.transform(part, lambda c, k=k: c - [k * 360.0, 0.0])
        pieces += [g for g in shapely.get_parts(part) if isinstance(g, Polygon) and g.area > 0]
    return pieces


def planar_polygons(rings: list[Ring]) -> list[Polygon]:
    """Planar polygon(s) for one TopoJSON polygon, split at the antimeridian and closed at a pole.

    world-atlas stitched Natural Earth's antimeridian cuts back together (d3 geoStitch), so a ring
    may jump from +180 to -180 and back; a ring whose unwrapped longitudes advance by 360 goes
    round a pole (Antarctica) and is closed along that pole.
    """
    kept: list[Any] = []
    for ring in rings:
        if len(ring) < 4:  # quantization flattened it to a point or a line (1:10m): no area
            if not kept:
                return []  # the shell: its holes go with it
            continue
        unwrapped = _unwrap(ring) if _jumps(ring) else ring
        turns = round((unwrapped[-1][0] - unwrapped[0][0]) / 360.0)
        if turns:
            if all(abs(lat) >= POLE_CAP for _, lat in ring):
                continue  # geoStitch's cap around the pole: the pole itself closes the ring
            pole = -90.0 if sum(lat for _, lat in ring) < 0 else 90.0
            end, start = unwrapped[-1][0], unwrapped[0][0]
            unwrapped = [*unwrapped, (end, pole), (start, pole), unwrapped[0]]
        kept.append(unwrapped)
    if not kept:
        return []
    shell, holes = kept[0], kept[1:]
    centre = (min(x for x, _ in shell) + max(x for x, _ in shell)) / 2
    moved = []
    for hole in holes:
        k = round(((min(x for x, _ in hole) + max(x for x, _ in hole)) / 2 - centre) / 360.0)
        moved.append([(x - 360.0 * k, y) for x, y in hole])
    return _to_world(Polygon(shell, moved))


# --------------------------------------------------------------------------- features


def _iso(*, numeric: str | None = None, alpha_2: str | None = None) -> tuple[str, str, str]:
    """(alpha-2, alpha-3, numeric) of the country with this ``numeric`` or ``alpha_2`` code."""
    if numeric is not None:
        country = pycountry.countries.get(numeric=numeric)
    else:
        country = pycountry.countries.get(alpha_2=alpha_2)
    if country is None:
        raise CloudmapError(f"ISO 3166-1 code {numeric or alpha_2!r} is unknown to pycountry")
    return country.alpha_2, country.alpha_3, country.numeric


def _inside(bounds: Iterable[float], boxes: tuple[BBox, ...]) -> bool:
    w, s, e, n = bounds
    return any(bw <= w and bs <= s and e <= be and n <= bn for bw, bs, be, bn in boxes)


def _features(records: list[dict[str, Any]], scale: str = "50m") -> list[dict[str, Any]]:
    """ISO-coded features (``key``, codes, ``name``, ``polygons``) with splits and merges done,
    by the rules of cloudmap.geobuild_rules for ``scale``."""
    features: dict[str, dict[str, Any]] = {}
    by_a2: dict[str, str] = {}
    pending: list[tuple[str, list[Polygon]]] = []
    for rec in records:
        name = rec["name"]
        polygons = [p for rings in rec["polygons"] for p in planar_polygons(rings)]
        a2: str | None
        a3: str | None
        n3: str | None
        if rec["id"] is not None:
            a2, a3, n3 = _iso(numeric=rec["id"])
            if name in MERGE:
                if MERGE[name] != a2:
                    raise CloudmapError(f"{name}: expected ISO {MERGE[name]}, got {a2}")
                pending.append((a2, polygons))
                continue
            key = a3
        elif name in NO_ID:
            rule = NO_ID[name]
            if isinstance(rule, str):  # "split" (by part, below) or the ISO code to merge into
                pending.append((name if rule == "split" else rule, polygons))
                continue
            a2, a3, n3, key = rule
        else:
            raise CloudmapError(f"feature {name!r} has no ISO id and no rule in geobuild_rules")
        if key in features:
            raise CloudmapError(f"two features for {key}: {features[key]['name']!r} and {name!r}")
        features[key] = {
            "key": key,
            "iso_a2": a2,
            "iso_a3": a3,
            "iso_n3": n3,
            "name": name,
            "polygons": polygons,
        }
        if a2:
            by_a2[a2] = key
    parts_of: dict[str, list[Polygon]] = {}
    for owner, polygons in pending:
        if owner in by_a2:  # a merge into an existing ISO feature
            features[by_a2[owner]]["polygons"] += polygons
        elif owner in NO_ID:
            parts_of[owner] = polygons
        else:
            raise CloudmapError(f"merge into {owner}: no feature has that ISO code")
    for owner, a2, name, boxes, scales in SPLITS:
        if scale not in scales:
            continue
        source = features[by_a2[owner]]["polygons"] if owner in by_a2 else parts_of.get(owner, [])
        moved = [p for p in source if _inside(p.bounds, boxes)]
        if not moved:
            raise CloudmapError(f"split {a2}: no part of {owner} lies in {boxes}")
        source[:] = [p for p in source if not _inside(p.bounds, boxes)]
        _, alpha_3, numeric = _iso(alpha_2=a2)
        if alpha_3 in features:
            raise CloudmapError(f"split {a2}: the source already has a feature for it")
        features[alpha_3] = {
            "key": alpha_3,
            "iso_a2": a2,
            "iso_a3": alpha_3,
            "iso_n3": numeric,
            "name": name,
            "polygons": moved,
        }
    left = {owner: len(p) for owner, p in parts_of.items() if p}
    if left:
        raise CloudmapError(f"parts with no ISO rule left over: {left}")
    return [features[k] for k in sorted(features)]


def _finish(polygons: list[Polygon]) -> MultiPolygon:
    """Snap to the output grid (valid result), canonical part/ring order, RFC 7946 winding."""
    geom = MultiPolygon(polygons)
    if not geom.is_valid:
        # 1:10m only (every 1:50m input is valid): quantization makes some rings touch or cross
        # themselves or a neighbour, which GEOS cannot snap; repaired keeping every area (shells
        # unioned, holes subtracted)
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    geom = shapely.set_precision(geom, PRECISION)
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    geom = shapely.normalize(MultiPolygon(parts))
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


# --------------------------------------------------------------------------- writing


def _coords(ring: Any) -> list[list[float]]:
    return [[round(x, DECIMALS) + 0.0, round(y, DECIMALS) + 0.0] for x, y in ring.coords]


def _geojson(geom: MultiPolygon) -> dict[str, Any]:
    return {
        "type": "MultiPolygon",
        "coordinates": [
            [_coords(p.exterior), *(_coords(r) for r in p.interiors)] for p in geom.geoms
        ],
    }


def _render(features: list[dict[str, Any]]) -> bytes:
    lines = []
    for f in features:
        props = {k: f[k] for k in ("key", "iso_a2", "iso_a3", "iso_n3", "name")}
        feature = {
            "type": "Feature",
            "id": f["key"],
            "properties": props,
            "geometry": _geojson(f["geometry"]),
        }
        lines.append(json.dumps(feature, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
    body = ",\n".join(lines)
    return ('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n").encode("utf-8")


MAX_SOURCE_BYTES = 64 * 2**20  # world-atlas's 1:10m file is under 4 MB


def _read_source(source: Path) -> bytes:
    """The world-atlas file, read with the one bounded reader of outside input (size cap,
    deadline, no pipes or devices): a FIFO or /dev/zero is refused, never waited on."""
    from cloudmap.outside import Limits, read_input

    return read_input(Path(source), what="world-atlas file", limits=Limits(MAX_SOURCE_BYTES))


def source_scale(source: Path, *, scale: str | None = None) -> tuple[Scale, bytes]:
    """The pinned scale of ``source`` (by its sha256, or ``scale`` when given) and its bytes.

    Raises CloudmapError if the file cannot be read, matches no pinned sha256 (or not that of
    ``scale``), or ``scale`` is not one of SCALES.
    """
    if scale is not None and scale not in SCALES:
        raise CloudmapError(f"unknown scale {scale!r} (expected one of {', '.join(SCALES)})")
    raw = _read_source(source)
    digest = hashlib.sha256(raw).hexdigest()
    found = next((s for s in SCALES.values() if s.source_sha256 == digest), None)
    wanted = [SCALES[scale]] if scale else list(SCALES.values())
    if found is None or found not in wanted:
        pins = " or ".join(f"{s.source_file} ({s.source_sha256})" for s in wanted)
        files = " or ".join(f"package/{s.source_file}" for s in wanted)
        raise CloudmapError(
            f"{source}: sha256 {digest} is not world-atlas@{WORLD_ATLAS_VERSION}'s "
            f"{pins}; fetch it with `npm pack world-atlas@{WORLD_ATLAS_VERSION}` and pass {files}"
        )
    return found, raw


class Rebuilt(TypedDict):
    """What a rebuild wrote, for geo/PROVENANCE.md."""

    path: str
    sha256: str
    features: int
    source_sha256: str
    scale: str


def rebuild(
    source: Path, out: Path, *, scale: str | None = None, check_source: bool = True
) -> Rebuilt:
    """Regenerate ``out`` (geo/countries-50m.geojson or geo/countries-10m.geojson) from
    world-atlas's ``countries-50m.json`` or ``countries-10m.json``.

    The scale (its rules, see cloudmap.geobuild_rules) is the one whose pinned sha256 the source
    has, or ``scale`` ("50m", "10m"); ``check_source=False`` skips the sha256 check (then
    ``scale`` is required). The output is byte-identical on every run: ISO codes from pycountry,
    antimeridian-split rings, coordinates snapped to 1e-5 degrees, features sorted by ``key``,
    canonical JSON (one feature a line). Returns what it wrote (``Rebuilt``).
    """
    source, out = Path(source), Path(out)
    if check_source:
        pinned, raw = source_scale(source, scale=scale)
    else:
        if scale not in SCALES:
            raise CloudmapError(f"rebuild without check_source needs scale= one of {list(SCALES)}")
        pinned = SCALES[scale]
        raw = _read_source(source)
    digest = hashlib.sha256(raw).hexdigest()
    try:
        topology = json.loads(raw)
        records = decode_topojson(topology)
    except (ValueError, KeyError, TypeError) as exc:
        raise CloudmapError(f"{source}: not a world-atlas TopoJSON file ({exc})") from None
    features = _features(records, pinned.name)
    for f in features:
        f["geometry"] = _finish(f.pop("polygons"))
    empty = {f["name"] for f in features if f["geometry"].is_empty}
    if empty != EMPTY[pinned.name]:
        raise CloudmapError(
            f"features with no area at {pinned.name}: {sorted(empty)} "
            f"(geobuild_rules.EMPTY expects {sorted(EMPTY[pinned.name])})"
        )
    features = [f for f in features if not f["geometry"].is_empty]
    data = _render(features)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {
        "path": str(out),
        "sha256": hashlib.sha256(data).hexdigest(),
        "features": len(features),
        "source_sha256": digest,
        "scale": pinned.name,
    }
