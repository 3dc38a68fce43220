"""Render the map to a PNG with headless Chromium (Playwright), with no network at all."""

from __future__ import annotations

__all__ = ["CHROMIUM_ARGS", "chromium_path", "route_offline", "snapshot"]

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from cloudmap.assets import find_node_modules, local_path
from cloudmap.errors import CloudmapError, OutputError
from cloudmap.fsutil import check_output_file, note_written, os_error
from cloudmap.view import AsOf

_BLANK_PNG = bytes.fromhex(  # 1x1 transparent PNG: offline stand-in for map tiles
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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
    view: AsOf,
    *,
    out: Path,
    node_modules: Path | None = None,
    size: tuple[int, int] = (1600, 900),
    phone: bool = False,
    compare: str | None = None,
) -> Path:
    """A PNG of the self-contained map rendered by headless Chromium, with no network at all.
    ``phone`` renders at a phone's size and pixel ratio with touch (``size`` is then CSS px);
    ``compare`` opens the comparison panel on that market (a name in data/markets.yaml).
    ``out`` passes the output guard (cloudmap.fsutil.check_output_file: not a folder, not a
    link, never among the project's inputs; ``OutputError`` otherwise); the PNG replaces it in
    one rename. Returns ``out`` as given."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CloudmapError(
            "cloudmap snapshot drives Chromium through Playwright: "
            "pip install playwright==1.65.2 (the browser: apt-get install chromium)"
        ) from None
    from cloudmap.render import footprint_map

    root = view.catalog.root
    given = Path(out)
    out = check_output_file(given, root)
    market = view.market(compare).name if compare is not None else None
    node_modules = node_modules or find_node_modules(root)
    if node_modules is None:
        raise CloudmapError(
            "cloudmap snapshot renders the offline map, which inlines the front-end assets from "
            "node_modules/: run npm ci in the project folder first (or set "
            "CLOUDMAP_NODE_MODULES=/path/to/node_modules)"
        )
    page_html = (
        footprint_map(view, self_contained=True, node_modules=node_modules).get_root().render()
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(given, str(os_error(exc, "cannot prepare its folder"))) from None
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as d:
        index = Path(d) / "index.html"
        index.write_text(page_html, encoding="utf-8")
        png = Path(d) / "map.png"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                try:
                    options: dict[str, Any] = {"viewport": {"width": size[0], "height": size[1]}}
                    if phone:
                        options.update(device_scale_factor=2, is_mobile=True, has_touch=True)
                    page = browser.new_page(**options)
                    route_offline(page, None)
                    page.goto(index.resolve().as_uri())
                    page.wait_for_function("window.cloudmap && window.cloudmap.settled()")
                    if market is not None:
                        page.click("#cm-compare-toggle")
                        page.select_option("#cm-compare-market", label=market)
                        page.wait_for_selector(".cm-compare tr[data-country]")
                        page.wait_for_function("window.cloudmap.settled()")
                    page.screenshot(path=str(png))
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise CloudmapError(f"snapshot: Chromium failed: {exc}") from None
        if out.is_symlink():  # appeared meanwhile: never replaced (see check_output_file)
            raise OutputError(
                given, "became a symbolic link while the map was drawn; nothing was written"
            )
        try:
            os.replace(png, out)
        except OSError as exc:
            raise OutputError(given, f"{os_error(exc, 'could not be written')}") from None
    note_written(given)
    return given
