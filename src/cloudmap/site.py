"""Assemble site/ (map page, data downloads, extra pages) in a temporary folder, then swap it in."""

from __future__ import annotations

__all__ = [
    "MARKER",
    "PAGES",
    "build_site",
    "route_offline",
    "snapshot",
]

import contextlib
import ctypes
import datetime as dt
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cloudmap import changelog, export, render
from cloudmap.assets import find_node_modules, local_path
from cloudmap.catalog import Catalog
from cloudmap.errors import CloudmapError
from cloudmap.validate import load_validated

# Written into every built site: only a folder holding it is ever replaced by a build.
MARKER = ".cloudmap-site"
_MARKER_TEXT = "Built by `cloudmap build`; the whole folder is replaced by the next build.\n"

# Extra pages written beside index.html: each gets (catalog, on, site folder) and writes its file(s);
# the header links every file among LINKED_PAGES that exists. The changelog writer goes here.
Page = Callable[[Catalog, dt.date, Path], None]


def _changelog(catalog: Catalog, on: dt.date, out: Path) -> None:
    """changelog.html and changelog.json: every dated change in the catalog, with sources."""
    evts = changelog.events(catalog)
    (out / "changelog.html").write_text(changelog.to_html(evts), encoding="utf-8", newline="\n")
    (out / "changelog.json").write_text(changelog.to_json(evts), encoding="utf-8", newline="\n")


PAGES: tuple[Page, ...] = (_changelog,)
LINKED_PAGES = (("Changelog", "changelog.html"),)

_BLANK_PNG = bytes.fromhex(  # 1x1 transparent PNG: offline stand-in for map tiles
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)
_CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A fresh folder beside ``out``; on success it replaces ``out`` in one step, on any failure
    (or interruption) it is removed and ``out`` is left exactly as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(out)
    _check_replaceable(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=out.parent))
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
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- build


def _warm(root: Path) -> None:
    """Compute what depends on geo/ and data/markets.yaml alone (the map's simplified countries,
    the market polygons): mostly GEOS work, which runs outside the GIL, so a thread does it
    while the catalog is validated. The results are the same whoever computes them; errors are
    left for the build itself to meet and report."""
    with contextlib.suppress(Exception):  # only a head start
        render.country_shapes(root)
        export.warm(root)


def build_site(
    root: Path,
    *,
    on: dt.date | None,
    out: Path,
    self_contained: bool = False,
    node_modules: Path | None = None,
    catalog: Catalog | None = None,
) -> Path:
    """Write ``out``/index.html (the map), ``out``/data/ (GIS downloads) and the extra pages.

    The folder is assembled beside ``out`` and swapped in whole, so a failing or killed build
    leaves the previous site untouched. ``self_contained`` inlines every asset (from
    ``node_modules``, default: found via find_node_modules) and uses no tiles or CDN.
    ``catalog`` is the catalog of ``root`` already loaded with full validation
    (``load_validated(root, full=True)``), to save loading it twice; by default it is loaded here.
    ``on=None`` means the catalog's own date (``Catalog.default_as_of``).
    """
    root, out = Path(root), Path(out)
    head_start = threading.Thread(target=_warm, args=(root,), name="cloudmap-warm", daemon=True)
    head_start.start()
    try:
        return _build(root, on, out, self_contained, node_modules, catalog)
    finally:
        head_start.join()


def _build(
    root: Path,
    on: dt.date | None,
    out: Path,
    self_contained: bool,
    node_modules: Path | None,
    catalog: Catalog | None,
) -> Path:
    if catalog is None:
        catalog = load_validated(root, full=True)
    if on is None:
        on = catalog.default_as_of
    if self_contained and node_modules is None:
        node_modules = find_node_modules(root)
    with _staging(out) as tmp:
        data = tmp / "data"
        data.mkdir()
        files = export.write_exports(catalog, on=on, out=data, root=root)
        downloads = [
            (p.name, p.relative_to(tmp).as_posix())
            for p in sorted(files, key=lambda p: p.relative_to(tmp).as_posix())
        ]
        for page in PAGES:
            page(catalog, on, tmp)
        links = [(label, href) for label, href in LINKED_PAGES if (tmp / href).is_file()]
        pages = render.render_site(
            catalog,
            on,
            root=root,
            self_contained=self_contained,
            node_modules=node_modules,
            downloads=downloads,
            links=links,
        )
        for name, text in sorted(pages.items()):
            (tmp / name).write_text(text, encoding="utf-8", newline="\n")
        (tmp / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    return out / "index.html"


# --------------------------------------------------------------------------- snapshot


def route_offline(page: Any, node_modules: Path | None, blocked: list[str] | None = None) -> None:
    """Serve a Playwright page with no network: file:// loads, CDN assets come from
    ``node_modules``, map tiles get a blank PNG, anything else is aborted (and listed in
    ``blocked`` when given)."""

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
            return
        path = local_path(url, node_modules) if node_modules is not None else None
        if path is not None:
            mime = (
                "text/css"
                if path.suffix == ".css"
                else (
                    "image/svg+xml"
                    if path.suffix == ".svg"
                    else ("image/png" if path.suffix == ".png" else "application/javascript")
                )
            )
            route.fulfill(
                status=200,
                body=path.read_bytes(),
                content_type=mime,
                headers={"access-control-allow-origin": "*"},
            )
        elif "tile.openstreetmap.org/" in url:
            route.fulfill(status=200, body=_BLANK_PNG, content_type="image/png")
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    page.route("**/*", handle)


def chromium_path() -> str:
    """Chromium to drive: $CLOUDMAP_CHROMIUM, else `chromium` on PATH (Debian's package)."""
    path = os.environ.get("CLOUDMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise CloudmapError(
            f"no Chromium at {path}: apt-get install chromium "
            "(or set CLOUDMAP_CHROMIUM=/path/to/chromium)"
        )
    return path


def snapshot(
    root: Path,
    *,
    on: dt.date,
    out: Path,
    node_modules: Path | None = None,
    size: tuple[int, int] = (1600, 900),
) -> Path:
    """A PNG of the self-contained map rendered by headless Chromium, with no network at all."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CloudmapError(
            "cloudmap snapshot drives Chromium through Playwright: "
            "pip install playwright==1.65.2 (the browser: apt-get install "
            "chromium)"
        ) from None
    root, out = Path(root), Path(out)
    catalog = load_validated(root, full=False)
    node_modules = node_modules or find_node_modules(root)
    page_html = render.render_map(
        catalog, on, root=root, self_contained=True, node_modules=node_modules
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as d:
        index = Path(d) / "index.html"
        index.write_text(page_html, encoding="utf-8")
        png = Path(d) / "map.png"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=_CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                    route_offline(page, None)
                    page.goto(index.resolve().as_uri())
                    page.wait_for_function("window.cloudmap && window.cloudmap.ready")
                    page.wait_for_timeout(500)  # marker cluster animation
                    page.screenshot(path=str(png))
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise CloudmapError(f"snapshot: Chromium failed: {exc}") from None
        os.replace(png, out)
    return out
