"""Helpers for the map tests: hostile catalogs, headless Chromium with no network (desktop and
phone), waits on the page's own state, control geometry, axe-core, screenshots."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cloudmap.assets import find_node_modules

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REQUIRED = bool(os.environ.get("CI") or os.environ.get("CLOUDMAP_REQUIRE_BROWSER"))

# Catalog text that would run or break out if it were ever put in the page unescaped (U+2028,
# which could end a JS string, is refused by validation and tested in test_mapdata instead).
EVIL_NAME = "Evil </script><script>window.__pwned=1</script> \"dq\" 'sq' `bt` \\1 ${x} &amp;"
EVIL_NOTES = (
    '<img src=x onerror="window.__pwned=2"> </SCRIPT> \u00a0 {{ 7*7 }} {% raw %} '
    "<!-- `${alert(1)}` \\u003c"
)
EVIL_CITY = "Quer\u00e9taro <b>bold</b>"
# Source URLs must be valid (percent-encoded) now, so the hostile one hides its markup in escapes
# and carries a script scheme in its query.
EVIL_URL = "https://example.com/mexico?a=%22%3E%3Cscript%3Ewindow.__pwned=4%3C/script%3E&q=javascript:alert(1)"
EVIL_MARKET = "Evil <img src=x onerror=\"window.__pwned=3\"> market '\\1'"


def need(condition: bool, reason: str) -> None:
    """Skip locally when ``condition`` is false; fail in CI (never skip the browser tests there)."""
    if condition:
        return
    if REQUIRED:
        pytest.fail(f"{reason} (required: CI or CLOUDMAP_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


def chromium() -> str:
    path = os.environ.get("CLOUDMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    need(Path(path).is_file(), f"no Chromium at {path} (apt-get install chromium)")
    return path


def node_modules() -> Path:
    found = find_node_modules(REPO)
    need(found is not None, "front-end assets missing: run npm ci")
    assert found is not None
    return found


def need_geo() -> None:
    need((REPO / "geo" / "countries-50m.geojson").is_file(), "geo/countries-50m.geojson missing")
    need((REPO / "data" / "markets.yaml").is_file(), "data/markets.yaml missing")


def _yaml_str(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    import json

    return json.dumps(text)


def hostile_root(dest: Path) -> Path:
    """The mini catalog with geo/ from the repo, a market, and hostile names, notes and URLs."""
    need_geo()
    shutil.copytree(FIXTURES / "mini", dest)
    for name in ("countries-50m.geojson", "countries-10m.geojson"):
        if (REPO / "geo" / name).is_file():
            shutil.copy2(REPO / "geo" / name, dest / "geo" / name)
    data = dest / "data" / "testcloud.yaml"
    text = data.read_text(encoding="utf-8")
    text = text.replace("  name: Mexico (Queretaro)\n", f"  name: {_yaml_str(EVIL_NAME)}\n", 1)
    text = text.replace("  city: Querétaro\n", f"  city: {_yaml_str(EVIL_CITY)}\n", 1)
    # The hostile city is in no gazetteer: admin-area precision skips that check, so the catalog
    # still passes the full validation `cloudmap build` runs.
    text = text.replace("    precision: metro\n", "    precision: admin-area\n", 1)
    text = text.replace(
        "  - url: https://example.com/mexico\n    supports: launch date\n",
        f'  - url: {_yaml_str(EVIL_URL)}\n    supports: "launch date </script>"\n'
        f"  notes: {_yaml_str(EVIL_NOTES)}\n",
        1,
    )
    data.write_text(text, encoding="utf-8")
    (dest / "data" / "markets.yaml").write_text(
        "markets:\n"
        "- id: evil\n"
        f"  name: {_yaml_str(EVIL_MARKET)}\n"
        f"  definition: {_yaml_str('Defined </script> here')}\n"
        "  countries: [AU, CN]\n"
        "  sources:\n"
        "  - url: https://example.com/markets\n"
        "    supports: the list\n"
        "- id: americas\n"
        "  name: Americas\n"
        "  definition: Two countries.\n"
        "  countries: [BR, MX]\n"
        "  sources:\n"
        "  - url: https://example.com/americas\n"
        "    supports: the list\n",
        encoding="utf-8",
    )
    return dest


@dataclass
class Watch:
    """What a page did: console errors, page errors, dialogs and requests it was refused."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's) driven by Playwright; skipped or failed as need() says."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed (pip install -e '.[test]')")
        raise
    path = chromium()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# --------------------------------------------------------------------------- sites and pages

DESKTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
# Waits are on the page's own state; this only bounds a hang (generous for a loaded machine).
WAIT_MS = 60_000
_SITES: dict[str, Path] = {}


def built_site(kind: str, on: Any = None) -> Path:
    """The real catalog's site, built once per test session: ``default`` (CDN assets and the
    details.js sidecar) or ``offline`` (self-contained). Returns its index.html."""
    import tempfile

    from cloudmap import site
    from cloudmap.project import load_project

    key = f"{kind}:{on}"
    if key not in _SITES:
        need_geo()
        nm = node_modules()
        project = load_project(REPO)
        out = Path(tempfile.mkdtemp(prefix=f"cloudmap-{kind}-")) / "site"
        res = site.build_site(
            project.at(on), out=out, self_contained=kind == "offline", node_modules=nm
        )
        _SITES[key] = res.index
    return _SITES[key]


def wait_settled(page: Any) -> None:
    """Until the map says nothing is moving or loading (window.cloudmap.settled())."""
    page.wait_for_function(
        "window.cloudmap && window.cloudmap.ready && window.cloudmap.settled()", timeout=WAIT_MS
    )


def open_map(page: Any, index: Path) -> None:
    page.goto(index.resolve().as_uri())
    wait_settled(page)


def new_page(chromium: Any, index: Path | None, *, phone: bool = False, route: bool = True):
    """A fresh context and page (desktop or phone), served offline (CDN from node_modules,
    blank tiles, anything else refused and listed), opened on ``index`` if given."""
    from cloudmap.snapshot import route_offline

    ctx = chromium.new_context(**(PHONE if phone else DESKTOP))
    page = ctx.new_page()
    watch = Watch()
    watch.attach(page)
    if route:
        route_offline(page, node_modules(), watch.blocked)
    page.watch = watch
    if index is not None:
        open_map(page, index)
    return page


def close_clean(page: Any) -> None:
    """Close the page's context; fail if it logged an error, opened a dialog or tried the net."""
    watch = page.watch
    page.context.close()
    assert watch.errors == [] and watch.dialogs == [] and watch.blocked == []


def rect(page: Any, selector: str) -> dict[str, float]:
    return page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect();"
        " return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; }",
    )


def control_rects(page: Any) -> list[dict[str, float]]:
    """Every visible map control's box (search, zoom, panels, minimap, attribution)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-control')].map(e => {
            const r = e.getBoundingClientRect();
            return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height,
                    cls: e.className};
        }).filter(r => r.w > 0 && r.h > 0)"""
    )


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


def popup_is_clear(page: Any) -> None:
    """The open popup (with its tip) lies inside the map and meets no control."""
    pop = rect(page, ".leaflet-popup")
    pop = {**pop, "b": pop["b"] + 12}
    m = rect(page, ".cm-map")
    assert m["l"] <= pop["l"] and pop["r"] <= m["r"] and m["t"] <= pop["t"] and pop["b"] <= m["b"]
    for c in control_rects(page):
        assert not overlaps(pop, c), f"popup {pop} under control {c}"


def search(page: Any, text: str) -> None:
    """Type into the map search and press Enter; returns once the popup is open and settled."""
    page.fill("#cm-search-input", text)
    page.press("#cm-search-input", "Enter")
    page.locator(".leaflet-popup").wait_for(timeout=WAIT_MS)
    wait_settled(page)


def axe(page: Any, context: str = "document") -> list[dict[str, Any]]:
    """axe-core (pinned in package.json, injected from node_modules) on the page: the serious
    and critical violations, each as {id, impact, nodes}."""
    script = node_modules() / "axe-core" / "axe.min.js"
    need(script.is_file(), "axe-core missing from node_modules: run npm ci")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=script.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (ctx) => {
            const r = await axe.run(ctx === 'document' ? document : document.querySelector(ctx),
                {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""",
        context,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
