"""GeoJSON writer: each layer as one canonical RFC 7946 FeatureCollection, a feature per line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cloudmap.export.geometry import dumps, geojson_geometry
from cloudmap.export.schema import Layer


def geojson_text(layer: Layer, on: dt.date) -> str:
    """The layer as a GeoJSON FeatureCollection: one feature per line, members in a fixed order.

    Foreign members ``name`` (the layer, which GDAL uses as layer name) and ``as_of`` come first.
    """
    head = dumps({"type": "FeatureCollection", "name": layer.name, "as_of": on.isoformat()})
    lines = [
        f'{{"type":"Feature","id":{dumps(f.id)},"properties":{dumps(f.properties)},'
        f'"geometry":{f.geometry_json or dumps(geojson_geometry(f.geometry))}}}'
        for f in layer.features
    ]
    return head[:-1] + ',"features":[\n' + ",\n".join(lines) + ("\n" if lines else "") + "]}\n"


def write_geojson(layers: dict[str, Layer], tmp: Path, on: dt.date) -> list[Path]:
    out = []
    for name, layer in layers.items():
        path = tmp / f"{name}.geojson"
        path.write_text(geojson_text(layer, on), encoding="utf-8", newline="\n")
        out.append(path)
    return out
