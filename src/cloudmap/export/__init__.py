"""Write the catalog as of a date as GeoJSON, GeoPackage, CSV and KML files for GIS tools."""

# The modules follow the data flow: schema (the documented fields) -> geometry (the export grid)
# -> layers (features as of a date) -> a writer per format (geojson, gpkg, csvkml) -> write
# (write_exports, atomic). docs generates the tables of docs/exports.md from the schema.

from __future__ import annotations

__all__ = [
    "ALL",
    "COUNTRY_FIELDS",
    "COUNTRY_POINT_SOURCE",
    "CSV_EXTRA",
    "DECIMALS",
    "DOC_BEGIN",
    "DOC_END",
    "FORMATS",
    "GPKG_FILE",
    "GPKG_VERSION",
    "KML_COLORS",
    "LAYERS",
    "LIST_SEPARATOR",
    "MARKET_FIELDS",
    "REGION_FIELDS",
    "SCHEMA",
    "SITE_FIELDS",
    "TITLES",
    "Feature",
    "Field",
    "FieldType",
    "Layer",
    "Value",
    "build_layers",
    "check_formats",
    "csv_text",
    "csvt_text",
    "file_names",
    "geojson_geometry",
    "geojson_text",
    "kml_text",
    "safe_cell",
    "schema_markdown",
    "to_frame",
    "update_doc",
    "write_exports",
]

from cloudmap.csvtext import safe_cell
from cloudmap.export.csvkml import KML_COLORS, csv_text, csvt_text, kml_text
from cloudmap.export.docs import DOC_BEGIN, DOC_END, schema_markdown, update_doc
from cloudmap.export.geojson import geojson_text
from cloudmap.export.geometry import geojson_geometry
from cloudmap.export.gpkg import GPKG_FILE, GPKG_VERSION
from cloudmap.export.layers import build_layers, to_frame
from cloudmap.export.schema import (
    COUNTRY_FIELDS,
    COUNTRY_POINT_SOURCE,
    CSV_EXTRA,
    DECIMALS,
    LAYERS,
    LIST_SEPARATOR,
    MARKET_FIELDS,
    REGION_FIELDS,
    SCHEMA,
    SITE_FIELDS,
    TITLES,
    Feature,
    Field,
    FieldType,
    Layer,
    Value,
)
from cloudmap.export.write import ALL, FORMATS, check_formats, file_names, write_exports
