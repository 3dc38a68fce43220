"""GeoPackage writer: every layer into one GeoPackage 1.2 file stamped with the export date."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from cloudmap.export.schema import TITLES, Layer, flat_value
from cloudmap.schema import CRS

GPKG_FILE = "cloudmap.gpkg"
# GDAL 3.12 writes GeoPackage 1.4 by default, which GDAL < 3.9 (Debian 12's 3.6, QGIS builds on
# it) opens with a warning. 1.2 is what GDAL wrote by default before 3.9: every reader knows it.
GPKG_VERSION = "1.2"


_gdal_lock = threading.Lock()


@contextmanager
def _gdal_config(options: dict[str, str]) -> Iterator[None]:
    import pyogrio

    with _gdal_lock:
        before = pyogrio.get_gdal_config_option  # GDAL config is process-wide: restore it
        saved = {k: before(k) for k in options}
        pyogrio.set_gdal_config_options(options)
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options(saved)


def _columns(layer: Layer) -> tuple[list[Any], list[Any]]:
    """Each field's values as a numpy array and its null mask, typed as the schema says:
    integer -> Int32, number -> Float64, the rest text."""
    data, masks = [], []
    feats = layer.features
    for fld in layer.fields:
        name = fld.name
        values: list[Any]
        if fld.type == "string list":
            values = [flat_value(f.properties[name]) for f in feats]
        else:  # flat already
            values = [f.properties[name] for f in feats]
        if fld.type == "boolean":
            data.append(np.array([bool(v) for v in values], dtype=np.bool_))
            masks.append(np.array([v is None for v in values], dtype=bool))
        elif fld.type in ("integer", "number"):
            mask = np.array([v is None for v in values], dtype=bool)
            dtype = np.int32 if fld.type == "integer" else np.float64
            data.append(np.array([0 if v is None else v for v in values], dtype=dtype))
            masks.append(mask)
        else:
            column = np.empty(len(values), dtype=object)
            column[:] = values
            data.append(column)
            masks.append(np.array([v is None for v in values], dtype=bool))
    return data, masks


def write_gpkg(layers: dict[str, Layer], tmp: Path, on: dt.date) -> list[Path]:
    import shapely
    from pyogrio.raw import write

    path = tmp / GPKG_FILE
    # gpkg_contents.last_change would be the wall clock: pin it to the export date. No fsync per
    # transaction: the file is a temporary one until write_exports moves it into place.
    with _gdal_config(
        {"OGR_CURRENT_DATE": f"{on.isoformat()}T00:00:00.000Z", "OGR_SQLITE_SYNCHRONOUS": "OFF"}
    ):
        for i, (name, layer) in enumerate(layers.items()):
            data, masks = _columns(layer)
            write(  # what pyogrio.write_dataframe does with a GeoDataFrame, minus the frame
                path,
                geometry=shapely.to_wkb(np.array([f.geometry for f in layer.features])),
                field_data=data,
                field_mask=masks,
                fields=[f.name for f in layer.fields],
                crs=CRS,
                layer=name,
                driver="GPKG",
                append=False,
                geometry_type=layer.geometry_type,
                promote_to_multi=None,
                dataset_options={"VERSION": GPKG_VERSION} if i == 0 else None,
                layer_options={
                    "IDENTIFIER": f"cloudmap {name}",
                    "DESCRIPTION": f"{TITLES[name]}, as of {on.isoformat()}",
                },
            )
    return [path]
