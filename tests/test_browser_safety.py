"""The map's safety and reliability in headless Chromium: hostile catalog text shows literally
and runs nothing, the self-contained page makes no request, a search result always opens its
popup (even on a slow, busy machine), and `cloudmap snapshot` renders offline."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from browser_support import (
    EVIL_CITY,
    EVIL_MARKET,
    EVIL_NAME,
    EVIL_NOTES,
    EVIL_URL,
    WAIT_MS,
    Watch,
    built_site,
    close_clean,
    hostile_root,
    new_page,
    node_modules,
    popup_is_clear,
    search,
    shot,
    wait_settled,
)
from cloudmap import site
from cloudmap.project import load_project

pytestmark = pytest.mark.browser

ON = dt.date(2025, 11, 26)


def _offline_page(chromium: Any, index: Path, **kw: Any) -> tuple[Any, Watch, list[str]]:
    """A page allowed file:// only: every other request is refused and recorded."""
    p = new_page(chromium, None, route=False, **kw)
    requests: list[str] = []

    def only_files(route: Any) -> None:
        url = route.request.url
        requests.append(url)
        if url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    p.route("**/*", only_files)
    p.goto(index.resolve().as_uri())
    wait_settled(p)
    return p, p.watch, requests


def test_self_contained_page_works_with_every_request_blocked(chromium):
    index = built_site("offline")
    p, watch, requests = _offline_page(chromium, index)
    assert requests == [index.resolve().as_uri()]
    assert len(p.evaluate("cloudmap.shown()")) > 0
    assert p.locator(".cm-marker, .cm-cluster").count() > 0
    assert p.evaluate("cloudmap.base()") == "countries"
    assert p.locator(".leaflet-tile-pane img").count() == 0
    search(p, "na-south-1")
    assert "Sources" in p.text_content(".leaflet-popup-content")  # details are inline
    shot(p, "browser-offline")
    p.context.close()
    assert watch.errors == [] and watch.dialogs == []


@pytest.fixture(scope="module")
def evil_index(tmp_path_factory) -> Path:
    root = hostile_root(tmp_path_factory.mktemp("evil") / "evil")
    out = tmp_path_factory.mktemp("evil-site") / "site"
    res = site.build_site(
        load_project(root).at(ON), out=out, self_contained=True, node_modules=node_modules()
    )
    return res.index


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_hostile_catalog_text_shows_literally_and_runs_nothing(chromium, evil_index, phone):
    p, watch, _ = _offline_page(chromium, evil_index, phone=phone)
    assert p.evaluate("typeof window.__pwned") == "undefined"
    p.fill("#cm-search-input", "mx-central-1")
    assert EVIL_NAME in p.locator("#cm-results").inner_text()
    p.press("#cm-search-input", "Enter")
    popup = p.locator(".leaflet-popup-content")
    popup.wait_for(timeout=WAIT_MS)
    wait_settled(p)
    assert EVIL_NAME in popup.text_content() and EVIL_CITY in popup.text_content()
    p.click(".cm-popup details:last-of-type summary")  # dates, kind and notes
    wait_settled(p)
    text = popup.text_content()
    assert EVIL_NOTES in text
    assert popup.locator("img, script, b").count() == 0
    href = popup.locator(".cm-sources a").first.get_attribute("href")
    assert href == EVIL_URL
    assert popup.locator(".cm-sources a").first.text_content() == "example.com"
    popup_is_clear(p)
    p.click("#cm-layers-toggle")
    label = p.locator(".cm-layers label", has_text="Evil")
    assert EVIL_MARKET in label.text_content()
    label.locator("input").check()  # toggling the market layer runs nothing either
    assert EVIL_MARKET in p.text_content(".cm-legend") or phone
    p.click("#cm-compare-toggle")
    assert EVIL_MARKET in p.locator("#cm-compare-market").text_content()
    shot(p, f"browser-hostile-{'phone' if phone else 'desktop'}")
    assert p.evaluate("typeof window.__pwned") == "undefined"
    p.context.close()
    assert watch.errors == [] and watch.dialogs == []


# --------------------------------------------------------------------------- reliability (#12)


def _slow(p: Any, rate: int = 8) -> None:
    """Throttle the page's CPU as a slow phone would be (Chrome DevTools Protocol)."""
    cdp = p.context.new_cdp_session(p)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})


@pytest.mark.parametrize("query", ["na-south-1", "Tokyo", "cn-zhangjiakou"])
def test_search_result_always_opens_its_popup_on_a_slow_busy_page(chromium, query):
    """The race of #12: a search result chosen while markers are still being (re)loaded or
    the map is still moving used to wait for a 'moveend' or 'animationend' that never came.
    Here the result is chosen at the worst moments, on a throttled CPU."""
    p = new_page(chromium, None)
    _slow(p)
    p.goto(built_site("default").as_uri())
    p.wait_for_function("window.cloudmap && window.cloudmap.ready", timeout=WAIT_MS)
    # 1. right after a change of providers and date, while the markers reload
    p.evaluate(
        f"""() => {{ cloudmap.setProviders(['alibaba-cloud', 'aws', 'azure']);
            cloudmap.setStep(0); cloudmap.goTo(cloudmap.find({query!r})[0]); }}"""
    )
    p.locator(".leaflet-popup").wait_for(timeout=WAIT_MS)
    wait_settled(p)
    assert p.evaluate(f"cloudmap.find({query!r})[0].id") in p.text_content(".leaflet-popup-content")
    # 2. mid-zoom: a wheel zoom in flight when Enter is pressed
    p.evaluate("cloudmap.map.closePopup(); void cloudmap.map.setView([20, 0], 2, {animate: false})")
    wait_settled(p)
    p.fill("#cm-search-input", query)
    p.evaluate("void cloudmap.map.setZoom(4)")  # animated
    p.press("#cm-search-input", "Enter")
    p.locator(".leaflet-popup").wait_for(timeout=WAIT_MS)
    wait_settled(p)
    assert p.evaluate("cloudmap.map.getZoom()") >= 6
    # 3. two results in quick succession: the last one wins, and it opens
    p.evaluate(
        """() => { cloudmap.goTo(cloudmap.find('cn-hangzhou')[0]);
            cloudmap.goTo(cloudmap.find('eu-central-1')[0]); }"""
    )
    wait_settled(p)
    assert "eu-central-1" in p.text_content(".leaflet-popup-content")
    assert p.locator(".leaflet-popup").count() == 1
    close_clean(p)


# --------------------------------------------------------------------------- snapshot


@pytest.mark.parametrize(
    "phone, compare",
    [(False, False), (True, False), (False, True)],
    ids=["desktop", "phone", "compare"],
)
def test_snapshot_writes_a_png_offline(tmp_path, phone, compare):
    root = hostile_root(tmp_path / "evil")
    out = tmp_path / "shots" / "map.png"
    env = {**os.environ, "CLOUDMAP_NODE_MODULES": str(node_modules())}
    args = ["--phone"] if phone else []
    args += ["--compare", EVIL_MARKET.upper()] if compare else []  # names match in any case
    r = subprocess.run(  # its own process: this module's browser holds Playwright's sync loop
        [
            sys.executable,
            "-m",
            "cloudmap",
            "snapshot",
            "--root",
            str(root),
            "--out",
            str(out),
            "--as-of",
            "2025-11-26",
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"Wrote {out} (map as of 2025-11-26)\n"
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    width = int.from_bytes(data[16:20], "big")
    assert width == (390 * 2 if phone else 1600)
    assert [p.name for p in out.parent.iterdir()] == ["map.png"]
