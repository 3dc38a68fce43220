"""Write the export files of a date into a folder, atomically, in the formats asked for."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from cloudmap.errors import CloudmapError, OutputError
from cloudmap.export.csvkml import write_csv, write_kml
from cloudmap.export.geojson import write_geojson
from cloudmap.export.gpkg import GPKG_FILE, write_gpkg
from cloudmap.export.layers import build_layers
from cloudmap.export.schema import LAYERS, Layer
from cloudmap.fsutil import check_output_dir, move_into, note_written, os_error, staging_dir
from cloudmap.view import AsOf

FORMATS = ("geojson", "gpkg", "csv", "kml")
STAGING = ".export-"  # staging folders inside the output folder: .export-<pid>-<random>
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

    ``out`` passes the output guard first (cloudmap.fsutil.check_output_dir: never the
    project's inputs, the project folder or a folder containing it, a system folder...;
    ``OutputError`` otherwise). Every file is written into a staging folder inside ``out``, then
    all are moved into place together: a reader never sees a half-written file, and a failure
    at any step leaves every file in ``out`` as it was (an OSError while writing the files, or
    ``OutputError`` if moving them in fails and they are put back). Staging folders
    of exports killed midway are removed. Identical input gives byte-identical files (no clock,
    fixed order, rounded numbers).
    """
    given = Path(out)
    target = check_output_dir(given, view.catalog.root)
    fmts = check_formats(formats)
    try:
        tmp = staging_dir(target, STAGING)
    except OSError as exc:
        raise OutputError(given, str(os_error(exc, "cannot prepare the folder"))) from None
    try:
        written = _write_files(view, folder=tmp, formats=fmts)
        keep = tmp / ".previous"
        keep.mkdir()
        moved = move_into(target, given, written, keep)
        note_written(*moved)
        return [given / p.name for p in moved]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_files(view: AsOf, *, folder: Path, formats: Sequence[str] = ALL) -> list[Path]:
    """Write the view's export files into the fresh, private staging ``folder`` and return their
    paths (an OSError is raised as it is: nothing outside ``folder`` has changed)."""
    fmts = check_formats(formats)
    names = [n for n in LAYERS if any(n in _WRITERS[f][0] for f in fmts)]
    layers = build_layers(view, names)
    written: list[Path] = []
    for fmt in fmts:
        needed, writer = _WRITERS[fmt]
        written += writer({n: layers[n] for n in needed}, folder, view.on)
    return written
