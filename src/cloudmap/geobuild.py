"""Rebuild geo/countries-50m.geojson, byte for byte, from world-atlas's countries-50m.json."""

from __future__ import annotations

__all__ = [
    "OUTPUT_NAME",
    "PRECISION",
    "SOURCE_FILE",
    "SOURCE_SHA256",
    "WORLD_ATLAS_VERSION",
    "decode_topojson",
    "planar_polygons",
    "rebuild",
]

import hashlib
import itertools
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pycountry
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from cloudmap.errors import CloudmapError

# The pinned input (see geo/PROVENANCE.md): world-atlas 2.0.2 = Natural Earth 4.1.0, 1:50m.
WORLD_ATLAS_VERSION = "2.0.2"
SOURCE_FILE = "countries-50m.json"
SOURCE_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"
OUTPUT_NAME = "countries-50m.geojson"
DECIMALS = 5
PRECISION = 10.0**-DECIMALS  # grid of the committed coordinates (about 1 m; the source's is ~400 m)
POLE_CAP = 89.99  # geoStitch's polar cap rings sit at +-89.999: dropped, the pole closes the ring

Ring = list[tuple[float, float]]
BBox = tuple[float, float, float, float]  # west, south, east, north

# Features world-atlas leaves without an ISO numeric id: (iso_a2, iso_a3, iso_n3, key) or None to
# split by part (see _SPLITS). Kosovo gets the user-assigned code XK/XKX used by the EU, the IMF and
# Unicode CLDR; the others keep their name and carry no code (see geo/README.md).
_NO_ID: dict[str, tuple[str | None, str | None, str | None, str] | None] = {
    "Kosovo": ("XK", "XKX", None, "XKX"),
    "N. Cyprus": (None, None, None, "northern-cyprus"),
    "Somaliland": (None, None, None, "somaliland"),
    "Siachen Glacier": (None, None, None, "siachen-glacier"),
    "Indian Ocean Ter.": None,
}

# Natural Earth admin-0 parts that ISO 3166-1 codes separately: (source ISO alpha-2 or NE name,
# ISO alpha-2 of the part, name, boxes the whole part lies in). A part is moved when its bounds
# lie inside one of the boxes; every box must catch at least one part (checked).
_SPLITS: tuple[tuple[str, str, str, tuple[BBox, ...]], ...] = (
    ("FR", "GF", "French Guiana", ((-55.0, 1.5, -51.0, 6.0),)),
    ("FR", "GP", "Guadeloupe", ((-62.0, 15.7, -61.0, 16.6),)),
    ("FR", "MQ", "Martinique", ((-61.4, 14.3, -60.7, 15.0),)),
    ("FR", "RE", "Réunion", ((55.0, -21.5, 56.0, -20.7),)),
    ("FR", "YT", "Mayotte", ((44.9, -13.1, 45.4, -12.5),)),
    ("NL", "BQ", "Caribbean Netherlands", ((-68.5, 11.9, -68.0, 12.4), (-63.4, 17.4, -62.9, 17.7))),
    ("NO", "SJ", "Svalbard and Jan Mayen", ((-9.5, 70.5, -7.5, 71.5), (10.0, 74.0, 35.0, 81.0))),
    ("NZ", "TK", "Tokelau", ((-173.0, -9.5, -171.0, -8.0),)),
    ("Indian Ocean Ter.", "CX", "Christmas I.", ((105.4, -10.7, 105.9, -10.3),)),
    ("Indian Ocean Ter.", "CC", "Cocos (Keeling) Is.", ((96.7, -12.3, 97.0, -12.0),)),
)

# Features merged into another feature with the same ISO code (world-atlas gives both id 036).
_MERGE = {"Ashmore and Cartier Is.": "AU"}


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


def _to_world(polygon: Polygon) -> list[Polygon]:
    """Cut a polygon drawn on unwrapped longitudes at +-180 and shift each piece into -180..180."""
    west, _, east, _ = polygon.bounds
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
    kept = []
    for ring in rings:
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


def _features(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ISO-coded features (``key``, codes, ``name``, ``polygons``) with splits and merges done."""
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
            if name in _MERGE:
                if _MERGE[name] != a2:
                    raise CloudmapError(f"{name}: expected ISO {_MERGE[name]}, got {a2}")
                pending.append((a2, polygons))
                continue
            key = a3
        elif name in _NO_ID:
            coded = _NO_ID[name]
            if coded is None:
                pending.append((name, polygons))
                continue
            a2, a3, n3, key = coded
        else:
            raise CloudmapError(f"feature {name!r} has no ISO id and no rule in geobuild._NO_ID")
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
        else:
            parts_of[owner] = polygons
    for owner, a2, name, boxes in _SPLITS:
        source = features[by_a2[owner]]["polygons"] if owner in by_a2 else parts_of.get(owner, [])
        moved = [p for p in source if _inside(p.bounds, boxes)]
        if not moved:
            raise CloudmapError(f"split {a2}: no part of {owner} lies in {boxes}")
        source[:] = [p for p in source if not _inside(p.bounds, boxes)]
        _, alpha_3, numeric = _iso(alpha_2=a2)
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
    geom = shapely.set_precision(MultiPolygon(polygons), PRECISION)
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


def rebuild(source: Path, out: Path, *, check_source: bool = True) -> dict[str, Any]:
    """Regenerate ``out`` (geo/countries-50m.geojson) from world-atlas's ``countries-50m.json``.

    The output is byte-identical on every run: ISO codes from pycountry, antimeridian-split rings,
    coordinates snapped to 1e-5 degrees, features sorted by ``key``, canonical JSON (one feature a
    line). ``check_source`` refuses any input but the pinned one (its sha256 is SOURCE_SHA256).
    Returns ``{"path", "sha256", "features", "source_sha256"}`` for geo/PROVENANCE.md.
    """
    source, out = Path(source), Path(out)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise CloudmapError(f"--source {source}: cannot read it ({exc.strerror})") from None
    digest = hashlib.sha256(raw).hexdigest()
    if check_source and digest != SOURCE_SHA256:
        raise CloudmapError(
            f"--source {source}: sha256 {digest} is not world-atlas@{WORLD_ATLAS_VERSION}'s "
            f"{SOURCE_FILE} ({SOURCE_SHA256}); fetch it with `npm pack world-atlas@"
            f"{WORLD_ATLAS_VERSION}` and pass package/{SOURCE_FILE}"
        )
    try:
        topology = json.loads(raw)
        records = decode_topojson(topology)
    except (ValueError, KeyError, TypeError) as exc:
        raise CloudmapError(f"--source {source}: not a world-atlas TopoJSON file ({exc})") from None
    features = _features(records)
    for f in features:
        f["geometry"] = _finish(f.pop("polygons"))
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
    }
