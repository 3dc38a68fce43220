"""The map in headless Chromium with no network: markers, popups, layers, search, timeline, safety."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from browser_support import (
    EVIL_CITY,
    EVIL_MARKET,
    EVIL_NAME,
    EVIL_NOTES,
    REPO,
    Watch,
    browser,
    hostile_root,
    need_geo,
    node_modules,
    open_map,
    shot,
)
from cloudmap import site
from cloudmap.validate import load_validated

pytestmark = pytest.mark.browser

ON = dt.date(2025, 11, 26)
LIVE = ("new", "live", "closing")


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The real catalog's site (CDN assets) and its self-contained build."""
    need_geo()
    nm = node_modules()
    base = tmp_path_factory.mktemp("sites")
    return {
        "default": site.build_site(REPO, on=ON, out=base / "site"),
        "offline": site.build_site(
            REPO, on=ON, out=base / "offline", self_contained=True, node_modules=nm
        ),
    }


@pytest.fixture
def page(chromium, built):
    """A page on the default site: CDN requests served from node_modules, tiles blank, nothing
    else reaches the network; fails the test if the page logged an error."""
    ctx = chromium.new_context(viewport={"width": 1400, "height": 850})
    p = ctx.new_page()
    watch = Watch()
    watch.attach(p)
    site.route_offline(p, node_modules(), watch.blocked)
    open_map(p, built["default"])
    p.watch = watch
    yield p
    ctx.close()
    assert watch.errors == [] and watch.blocked == [] and watch.dialogs == []


def _shown(p: Any) -> list[dict]:
    return p.evaluate("""cloudmap.cluster.getLayers().map(m => ({
        id: m.place.id, status: cloudmap.statusAt(m.place, cloudmap.step())}))""")


def test_markers_match_live_regions_as_of_build_date(page):
    catalog = load_validated(REPO, full=False)
    shown = _shown(page)
    live = sorted(s["id"] for s in shown if s["status"] in LIVE)
    assert live == sorted(r.id for r in catalog.regions if r.is_live(ON))
    by_status = {s: len([x for x in shown if x["status"] == s]) for s in LIVE}
    for status, n in by_status.items():
        assert page.text_content(f'.cm-count[data-status="{status}"]') == str(n)
    # the markers are really drawn: at zoom 8 over China's north every nearby region has an icon
    page.evaluate("void cloudmap.map.setView([40.5, 113.5], 8, {animate: false})")
    page.wait_for_timeout(400)
    assert page.locator(".cm-marker").count() >= 3  # Beijing, Zhangjiakou, Hohhot, Ulanqab...
    shot(page, "browser-dense-north-china")


def test_clicking_a_marker_opens_its_popup(page):
    page.evaluate("void cloudmap.map.setView([20.59, -100.39], 9, {animate: false})")
    page.wait_for_timeout(400)
    page.locator(".cm-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "na-south-1" in text
    zones = page.evaluate("cloudmap.find('na-south-1')[0].place.z")
    assert f"{zones} live" in text and "Zones" in text and "Sources" in text
    assert "🇲🇽 Mexico (MX)" in text
    shot(page, "browser-popup")


def test_popup_details_come_from_the_sidecar_after_the_map_is_up(page):
    assert page.evaluate("cloudmap.data.detailsSrc") == "details.js"
    page.wait_for_function("cloudmap.details() === 'ready'")
    assert page.evaluate("cloudmap.find('na-south-1')[0].place.zones.length") >= 1


def test_popup_without_its_details_still_says_what_and_where(chromium, built):
    ctx = chromium.new_context(viewport={"width": 1400, "height": 850})
    p = ctx.new_page()
    site.route_offline(p, node_modules())
    p.route("**/details.js", lambda route: route.abort())  # the sidecar never arrives
    open_map(p, built["default"])
    p.evaluate("cloudmap.goTo(cloudmap.find('na-south-1')[0])")
    popup = p.locator(".leaflet-popup-content")
    popup.wait_for()
    p.wait_for_function("cloudmap.details() === 'failed'")
    text = popup.inner_text()
    assert "na-south-1" in text and "Mexico (MX)" in text and "Status" in text
    if "Details could not be loaded" not in text:  # opened before the failure: reopen
        p.evaluate("cloudmap.map.closePopup(); cloudmap.goTo(cloudmap.find('na-south-1')[0])")
        text = popup.inner_text()
    assert "Details could not be loaded (details.js)" in text
    ctx.close()


def test_hover_tooltip_gives_name_and_id(page):
    page.evaluate("void cloudmap.map.setView([20.59, -100.39], 9, {animate: false})")
    page.wait_for_timeout(400)
    page.locator(".cm-marker").first.hover()
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert "na-south-1" in tip.inner_text()


def test_toggling_a_layer_hides_it(page):
    assert page.locator(".cm-marker, .cm-cluster").count() > 0
    page.get_by_label("Regions and announced sites").uncheck()
    assert page.locator(".cm-marker, .cm-cluster").count() == 0
    paths = page.locator(".leaflet-overlay-pane path").count()
    page.get_by_label("Countries: live zones").uncheck()
    assert page.locator(".leaflet-overlay-pane path").count() < paths
    page.get_by_label("Market: Europe").check()
    assert page.locator(".leaflet-cm-markets-pane path").count() > 0
    shot(page, "browser-layers")
    page.get_by_label("Regions and announced sites").check()
    assert page.locator(".cm-marker, .cm-cluster").count() > 0


def test_legend_status_toggle_filters_markers(page):
    closed = [s for s in _shown(page) if s["status"] == "closed"]
    assert closed
    page.locator('.cm-legend input[data-status="closed"]').uncheck()
    assert all(s["status"] != "closed" for s in _shown(page))


def test_search_finds_a_region_and_opens_it(page):
    page.fill(".cm-search-input", "na-south-1")
    result = page.locator(".cm-results button").first
    assert "na-south-1" in result.inner_text()
    shot(page, "browser-search")
    result.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "na-south-1" in popup.inner_text()
    page.fill(".cm-search-input", "hangzhou")
    assert "cn-hangzhou" in page.locator(".cm-results").inner_text()
    page.fill(".cm-search-input", "Mexico")
    assert "na-south-1" in page.locator(".cm-results").inner_text()


def test_timeline_changes_what_is_shown(page):
    now = {s["id"] for s in _shown(page)}
    page.eval_on_selector(
        ".cm-timeline input[type=range]",
        "el => { el.value = '0'; el.dispatchEvent(new Event('input')); }",
    )
    first = page.evaluate("cloudmap.data.steps[0][0]")
    assert page.text_content(".cm-step") == first
    then = {s["id"] for s in _shown(page)}
    assert len(then) < len(now)
    assert page.text_content(".cm-legend h4") == f"Regions and sites, {first}"
    shot(page, "browser-timeline-first-year")
    page.eval_on_selector(
        ".cm-timeline input[type=range]",
        "el => { el.value = el.max; el.dispatchEvent(new Event('input')); }",
    )
    assert {s["id"] for s in _shown(page)} == now


def test_country_click_tells_what_it_hosts_and_its_markets(page):
    page.get_by_label("Regions and announced sites").uncheck()
    page.evaluate("void cloudmap.map.setView([36, 104], 4, {animate: false})")
    page.wait_for_timeout(300)
    page.mouse.click(700, 460)  # the middle of the map: China
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "China" in text and "live region" in text and "Markets: " in text
    shot(page, "browser-country")
    page.keyboard.press("Escape")
    page.get_by_label("Countries: live zones").uncheck()
    page.get_by_label("Countries: estimated RTT to nearest region").check()
    page.mouse.click(700, 460)
    popup.wait_for()
    assert "estimated from distance" in popup.inner_text()
    assert "Estimated RTT (estimated from distance" in page.text_content(".cm-legend")
    page.wait_for_timeout(300)  # popup fade-in
    shot(page, "browser-rtt")


def test_default_page_overview(page):
    assert page.locator(".leaflet-control-minimap").count() == 1
    assert page.locator(".leaflet-control-zoom-fullscreen, .fullscreen-icon").count() >= 1
    header = page.text_content(".cm-header")
    assert "As of 26 Nov 2025" in header and "regions" in header and "zones" in header
    shot(page, "browser-default")


def _offline_page(chromium, index: Path) -> tuple[Any, Watch, list[str]]:
    ctx = chromium.new_context(viewport={"width": 1400, "height": 850})
    p = ctx.new_page()
    watch = Watch()
    watch.attach(p)
    requests: list[str] = []

    def only_files(route: Any) -> None:
        url = route.request.url
        requests.append(url)
        if url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    p.route("**/*", only_files)
    open_map(p, index)
    return p, watch, requests


def test_self_contained_page_works_with_every_request_blocked(chromium, built):
    p, watch, requests = _offline_page(chromium, built["offline"])
    assert requests == [built["offline"].resolve().as_uri()]
    assert len(_shown(p)) > 0
    assert p.locator(".cm-marker, .cm-cluster").count() > 0
    assert p.evaluate("cloudmap.map.hasLayer(cloudmap.basemap)")
    p.fill(".cm-search-input", "na-south-1")
    p.locator(".cm-results button").first.click()
    p.locator(".leaflet-popup-content").wait_for()
    shot(p, "browser-offline")
    p.context.close()
    assert watch.errors == [] and watch.dialogs == []


def test_hostile_catalog_text_shows_literally_and_runs_nothing(chromium, tmp_path):
    root = hostile_root(tmp_path / "evil")
    index = site.build_site(
        root, on=ON, out=tmp_path / "site", self_contained=True, node_modules=node_modules()
    )
    p, watch, _ = _offline_page(chromium, index)
    assert p.evaluate("typeof window.__pwned") == "undefined"
    p.fill(".cm-search-input", "mx-central-1")
    assert EVIL_NAME in p.locator(".cm-results").inner_text()
    p.locator(".cm-results button").first.click()
    popup = p.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.text_content()
    assert EVIL_NAME in text and EVIL_NOTES in text and EVIL_CITY in text
    assert popup.locator("img, script, b").count() == 0
    href = popup.locator(".cm-sources a").first.get_attribute("href")
    assert href == 'https://example.com/mexico?a="><script>window.__pwned=4</script>'
    assert EVIL_MARKET in p.locator(".leaflet-control-layers").text_content()
    p.get_by_text(EVIL_MARKET).click()  # toggling the market layer runs nothing either
    shot(p, "browser-hostile")
    assert p.evaluate("typeof window.__pwned") == "undefined"
    p.context.close()
    assert watch.errors == [] and watch.dialogs == []


def test_snapshot_writes_a_png_offline(tmp_path):
    import os
    import subprocess
    import sys

    root = hostile_root(tmp_path / "evil")
    out = tmp_path / "shots" / "map.png"
    env = {**os.environ, "CLOUDMAP_NODE_MODULES": str(node_modules())}
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
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"Wrote {out} (map as of 2025-11-26)\n"
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert [p.name for p in out.parent.iterdir()] == ["map.png"]
