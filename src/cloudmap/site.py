"""Assemble site/ (map page, data downloads, changelog) in a temporary folder, then swap it in."""

from __future__ import annotations

__all__ = ["MARKER", "BuildResult", "build_site"]

import contextlib
import ctypes
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cloudmap import changelog, export, render
from cloudmap.assets import find_node_modules
from cloudmap.errors import CloudmapError
from cloudmap.fsutil import check_output_dir, os_error
from cloudmap.view import AsOf

# Written into every built site: only a folder holding it is ever replaced by a build.
MARKER = ".cloudmap-site"
_MARKER_TEXT = "Built by `cloudmap build`; the whole folder is replaced by the next build.\n"
LINKED_PAGES = (("Changelog", "changelog.html"),)
# What the downloads menu says about each file (a word of explanation where one helps).
DOWNLOAD_NOTES = {
    "regions.csvt": "column types for regions.csv (GDAL/QGIS read it beside the CSV)",
    "cloudmap.gpkg": "all layers in one GeoPackage (QGIS)",
    "regions.kml": "Google Earth",
    "countries.geojson": "1:10m polygons",
    "markets.geojson": "1:10m polygons",
}


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: the page, its size, the date it shows, and every file."""

    index: Path
    on: dt.date
    bytes: int
    files: tuple[Path, ...]
    self_contained: bool


# --------------------------------------------------------------------------- atomic folder swap


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(out: Path) -> None:
    """Remove temporary folders that builds killed midway left beside ``out``."""
    for tmp in out.parent.glob(f".{out.name}.build-*"):
        pid = tmp.name.removeprefix(f".{out.name}.build-").split("-", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)) and tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)


def _check_replaceable(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise CloudmapError(f"--out {out}: exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise CloudmapError(
            f"--out {out}: the folder exists and was not written by `cloudmap build` (no {MARKER} "
            "in it), so it is not replaced; choose another --out or empty it first"
        )


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh folder beside ``out``; on success it replaces ``out`` in one step, on any failure
    (or interruption) it is removed and ``out`` is left exactly as it was."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale(out)
        _check_replaceable(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise os_error(exc, f"--out {out}: cannot prepare the folder") from None
    try:
        yield tmp
        tmp.chmod(0o755)
        if out.exists():
            if not _exchange(tmp, out):  # fallback: two renames, a moment without out/
                old = tmp.with_name(tmp.name + "-old")
                os.rename(out, old)
                os.rename(tmp, out)
                tmp = old
        else:
            os.rename(tmp, out)
    except OSError as exc:
        raise os_error(
            exc, f"--out {out}: the build could not be written; {out} is unchanged"
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- build


def build_site(
    view: AsOf,
    *,
    out: Path,
    self_contained: bool = False,
    node_modules: Path | None = None,
) -> BuildResult:
    """Write ``out``/index.html (the map, opening on the view's date and providers),
    ``out``/data/ (the GIS downloads of every provider as of the view's date) and the changelog.

    The folder is assembled beside ``out`` and swapped in whole, so a failing or killed build
    leaves the previous site untouched. ``self_contained`` inlines every asset (from
    ``node_modules``, default: found via find_node_modules) and uses no tiles or CDN.
    """
    out = Path(out)
    check_output_dir(out, view.catalog.root)
    if self_contained and node_modules is None:
        node_modules = find_node_modules(view.catalog.root)
    with staging(out) as tmp:
        data = tmp / "data"
        data.mkdir()
        downloads = [
            (name, f"data/{name}", DOWNLOAD_NOTES.get(name, ""))
            for name in sorted(export.file_names())
        ]
        _pages(view, tmp, downloads, self_contained, node_modules)
        _machine_files(view, tmp)
        made = sorted(p.name for p in data.iterdir())
        if made != sorted(export.file_names()):  # the page's downloads menu lists these names
            raise CloudmapError(f"the downloads written ({made}) are not the ones listed")
        written = sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())
        size = (tmp / "index.html").stat().st_size
    return BuildResult(
        out / "index.html", view.on, size, tuple(out / p for p in written), self_contained
    )


def _machine_files(view: AsOf, tmp: Path) -> None:
    """data/ (the GIS downloads of every provider) and changelog.json into ``tmp``."""
    export.write_exports(view.everyone, tmp / "data")
    evts = changelog.events(view.catalog)
    (tmp / "changelog.json").write_text(changelog.to_json(evts), encoding="utf-8", newline="\n")


def _pages(
    view: AsOf,
    tmp: Path,
    downloads: list[tuple[str, str, str]],
    self_contained: bool,
    node_modules: Path | None,
) -> None:
    """The map page (index.html, details.js), changelog.html and the site's marker file."""
    evts = changelog.events(view.catalog)
    (tmp / "changelog.html").write_text(
        render.render_changelog(view.catalog, evts), encoding="utf-8", newline="\n"
    )
    pages = render.site_pages(
        view,
        self_contained=self_contained,
        node_modules=node_modules,
        downloads=downloads,
        links=list(LINKED_PAGES),
    )
    for name, text in sorted(pages.items()):
        (tmp / name).write_text(text, encoding="utf-8", newline="\n")
    (tmp / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
