"""Write the export files of a date into a folder, atomically, in the formats asked for."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from cloudmap.errors import CloudmapError
from cloudmap.export.csvkml import write_csv, write_kml
from cloudmap.export.geojson import write_geojson
from cloudmap.export.gpkg import GPKG_FILE, write_gpkg
from cloudmap.export.layers import build_layers
from cloudmap.export.schema import LAYERS, Layer
from cloudmap.fsutil import check_output_dir
from cloudmap.view import AsOf

FORMATS = ("geojson", "gpkg", "csv", "kml")
ALL = FORMATS
# The files each format writes (a test checks every writer against it).
_FILES = {
    "geojson": tuple(f"{name}.geojson" for name in LAYERS),
    "gpkg": (GPKG_FILE,),
    "csv": ("regions.csv", "regions.csvt"),
    "kml": ("regions.kml",),
}
_WRITERS: dict[
    str, tuple[tuple[str, ...], Callable[[dict[str, Layer], Path, dt.date], list[Path]]]
] = {
    "geojson": (LAYERS, write_geojson),
    "gpkg": (LAYERS, write_gpkg),
    "csv": (("regions",), write_csv),
    "kml": (("regions",), write_kml),
}


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats in canonical order; ``CloudmapError`` naming an unknown one."""
    wanted = [str(f).strip().lower() for f in formats]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise CloudmapError(
            f"unknown export format {unknown[0]!r}; choose from {', '.join(FORMATS)}"
        )
    if not wanted:
        raise CloudmapError(f"no export format given; choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in wanted)


def file_names(formats: Sequence[str] = ALL) -> tuple[str, ...]:
    """The names of the files ``write_exports`` writes for ``formats``, in its order (known before
    writing, so the page can list its downloads while they are being written)."""
    return tuple(name for fmt in check_formats(formats) for name in _FILES[fmt])


def write_exports(view: AsOf, out: Path, formats: Sequence[str] = ALL) -> list[Path]:
    """Write the view's export files into ``out`` and return their paths.

    Every file is first written to a temporary folder inside ``out``, then moved into place with
    ``os.replace``, so a reader never sees a half-written file and a failure leaves ``out`` as it
    was. Identical input gives byte-identical files (no clock, fixed order, rounded numbers).
    """
    check_output_dir(Path(out), view.catalog.root)
    fmts = check_formats(formats)
    names = [n for n in LAYERS if any(n in _WRITERS[f][0] for f in fmts)]
    layers = build_layers(view, names)
    on = view.on
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        written: list[Path] = []
        for fmt in fmts:
            needed, writer = _WRITERS[fmt]
            written += writer({n: layers[n] for n in needed}, tmp, on)
        final = []
        for path in written:
            os.replace(path, out / path.name)
            final.append(out / path.name)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
