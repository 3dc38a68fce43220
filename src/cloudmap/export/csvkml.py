"""CSV (with GDAL's .csvt sidecar) and KML (for Google Earth) writers of the regions layer."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from cloudmap.csvtext import safe_cell
from cloudmap.export.geometry import round_coord
from cloudmap.export.schema import Layer, Value, cell_text, flat_value
from cloudmap.schema import STATUS_LABELS, STATUSES

# --------------------------------------------------------------------------- CSV


_CSVT = {
    "boolean": "Integer(Boolean)",
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
        p = f.properties
        row = []
        for fld in layer.fields:
            v = p[fld.name]
            if v is None:
                row.append("")
            elif fld.type == "boolean":
                row.append("true" if v else "false")
            elif fld.type in ("integer", "number"):
                row.append(repr(v) if isinstance(v, float) else str(v))
            else:
                row.append(safe_cell(cell_text(v)))
        row += [repr(round_coord(f.geometry.x)), repr(round_coord(f.geometry.y))]
        w.writerow(row)
    return buf.getvalue()


def csvt_text(layer: Layer) -> str:
    """GDAL's column-type sidecar: makes GDAL/QGIS read typed columns and lon/lat as points."""
    types = [_CSVT[f.type] for f in layer.fields] + ["CoordX", "CoordY"]
    return ",".join(f'"{t}"' for t in types) + "\n"


def write_csv(layers: dict[str, Layer], tmp: Path, _on: dt.date) -> list[Path]:
    layer = layers["regions"]
    path, types = tmp / "regions.csv", tmp / "regions.csvt"
    path.write_text(csv_text(layer), encoding="utf-8", newline="")
    types.write_text(csvt_text(layer), encoding="utf-8", newline="")
    return [path, types]


# --------------------------------------------------------------------------- KML

# KML colours are aabbggrr.
KML_COLORS = {
    "new": "ff3cb44b",  # green
    "expanded": "ff8cb01e",  # teal
    "live": "ffd88f1f",  # blue
    "closing": "ff0082f5",  # orange
    "announced": "ffb4469b",  # purple
    "closed": "ff808080",  # grey
}
_KML_TYPES = {
    "boolean": "bool",
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
        f"{str(p['city']) + ', ' if p['city'] else ''}{p['country_name']} ({p['country']}) · "
        f"{p['kind']}",
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
    count = p["live_zones"] if p["zones_known"] else f"{p['live_zones']}+ (count not published)"
    lines.append(
        f"Live zones: {count}"
        + (
            f" ({', '.join(zones)})"  # type: ignore[arg-type]
            if zones
            else ""
        )
    )
    lines += [f"Source: {u}" for u in p["source_urls"]]  # type: ignore[union-attr]
    # Google Earth renders a description as HTML: every line is HTML-escaped text (no markup
    # from the catalog can reach it), joined by <br>; XML escaping then wraps the whole.
    return "<br>".join(html.escape(line, quote=True) for line in lines)


def _kml_value(v: object) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    return repr(v) if isinstance(v, float) else str(v)


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
            f"{tag}{escape(_kml_value(v))}</SimpleData>"
            for tag, v in cells
            if v is not None and v != ""
        )
        out.append(
            f"<Placemark id={quoteattr(feat.id)}><name>{escape(str(p['name'] or p['region']))}</name>"
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
