"""CSV (with GDAL's .csvt sidecar) and KML (for Google Earth) writers of the regions layer."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from cloudmap.export.geometry import round_coord
from cloudmap.export.schema import Layer, Value, cell_text, flat_value
from cloudmap.schema import STATUS_LABELS, STATUSES

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
    lists = [fld.name for fld in layer.fields if fld.type == "string list"]
    names = [fld.name for fld in layer.fields]
    for f in layer.features:
        p = f.properties
        cells = {name: cell_text(p[name]) for name in lists}  # the rest are flat already
        w.writerow(
            [
                *(
                    cells[name]
                    if name in cells
                    else (
                        ""
                        if (v := p[name]) is None
                        else repr(v)
                        if isinstance(v, float)
                        else str(v)
                    )
                    for name in names
                ),
                repr(round_coord(f.geometry.x)),
                repr(round_coord(f.geometry.y)),
            ]
        )
    return buf.getvalue()


def csvt_text(layer: Layer) -> str:
    """GDAL's column-type sidecar: makes GDAL/QGIS read typed columns and lon/lat as points."""
    types = [_CSVT[f.type] for f in layer.fields] + ["CoordX", "CoordY"]
    return ",".join(f'"{t}"' for t in types) + "\n"


def write_csv(layers: dict[str, Layer], tmp: Path, on: dt.date) -> list[Path]:
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
    tags = [(f.name, f"<SimpleData name={quoteattr(f.name)}>") for f in fields]
    for feat in layer.features:
        p = feat.properties
        cells = ((tag, flat_value(p[name])) for name, tag in tags)
        data = "".join(
            f"{tag}{escape(repr(v) if isinstance(v, float) else str(v))}</SimpleData>"
            for tag, v in cells
            if v is not None and v != ""
        )
        out.append(
            f"<Placemark id={quoteattr(feat.id)}><name>{escape(str(p['name']))}</name>"
            f"<description>{escape(_kml_description(p))}</description>"
            f"<styleUrl>#status-{p['status']}</styleUrl>"
            f'<ExtendedData><SchemaData schemaUrl="#{layer.name}">{data}</SchemaData>'
            f"</ExtendedData><Point><coordinates>{round_coord(feat.geometry.x)!r},"
            f"{round_coord(feat.geometry.y)!r}</coordinates></Point></Placemark>"
        )
    out += ["</Folder>", "</Document>", "</kml>", ""]
    return "\n".join(out)


def write_kml(layers: dict[str, Layer], tmp: Path, on: dt.date) -> list[Path]:
    path = tmp / "regions.kml"
    path.write_text(kml_text(layers["regions"], on), encoding="utf-8", newline="\n")
    return [path]
