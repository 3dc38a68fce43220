"""Helpers for the map tests: hostile catalogs, headless Chromium with no network, screenshots."""

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

# Catalog text that would run or break out if it were ever put in the page unescaped.
EVIL_NAME = "Evil </script><script>window.__pwned=1</script> \"dq\" 'sq' `bt` \\1 ${x} &amp;"
EVIL_NOTES = (
    '<img src=x onerror="window.__pwned=2"> </SCRIPT> \u2028 {{ 7*7 }} {% raw %} '
    "<!-- `${alert(1)}` \\u003c"
)
EVIL_CITY = "Quer\u00e9taro <b>bold</b>"
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
    shutil.copy2(REPO / "geo" / "countries-50m.geojson", dest / "geo" / "countries-50m.geojson")
    data = dest / "data" / "testcloud.yaml"
    text = data.read_text(encoding="utf-8")
    text = text.replace("  name: Mexico (Queretaro)\n", f"  name: {_yaml_str(EVIL_NAME)}\n", 1)
    text = text.replace("  city: Querétaro\n", f"  city: {_yaml_str(EVIL_CITY)}\n", 1)
    # The hostile city is in no gazetteer: admin-area precision skips that check, so the catalog
    # still passes the full validation `cloudmap build` runs.
    text = text.replace("    precision: metro\n", "    precision: admin-area\n", 1)
    text = text.replace(
        "  - url: https://example.com/mexico\n    supports: launch date\n",
        '  - url: https://example.com/mexico?a="><script>window.__pwned=4'
        '</script>\n    supports: "launch date </script>"\n'
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


def open_map(page: Any, index: Path) -> None:
    page.goto(index.resolve().as_uri())
    page.wait_for_function("window.cloudmap && window.cloudmap.ready", timeout=15000)
    page.wait_for_timeout(300)  # marker cluster animation


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
