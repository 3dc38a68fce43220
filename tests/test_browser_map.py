"""The map at desktop size (1440x900) in headless Chromium with no network: providers, markers,
header totals, timeline, search, popups, the Pacific, layers, comparison, failures."""

from __future__ import annotations

import re
from typing import Any

import pytest

from browser_support import (
    REPO,
    WAIT_MS,
    built_site,
    close_clean,
    control_rects,
    new_page,
    overlaps,
    popup_is_clear,
    rect,
    search,
    shot,
    wait_settled,
)
from cloudmap.project import load_project

pytestmark = pytest.mark.browser

LIVE = ("new", "expanded", "live", "closing")


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


@pytest.fixture
def page(chromium):
    p = new_page(chromium, built_site("default"))
    yield p
    close_clean(p)


def _shown(p: Any) -> list[dict]:
    return p.evaluate(
        "cloudmap.shown().map(x => ({id: x.id, p: x.prov.id, status: cloudmap.statusAt(x)}))"
    )


def _header(p: Any) -> str:
    return p.text_content("#cm-totals")


def _go_to_date(p: Any, iso: str) -> None:
    p.fill("#cm-dateinput", iso)
    p.dispatch_event("#cm-dateinput", "change")
    wait_settled(p)


def _legend_count(p: Any, status: str) -> int:
    return int(p.text_content(f'.cm-count[data-status="{status}"]'))


# --------------------------------------------------------------------------- markers, totals


def test_markers_are_the_default_providers_places_as_of_the_build_date(page, project):
    on = project.default_date
    shown = _shown(page)
    assert {s["p"] for s in shown} == {"alibaba-cloud"}
    live = sorted(s["id"] for s in shown if s["status"] in LIVE)
    want = [r for r in project.catalog.regions if r.provider == "alibaba-cloud" and r.is_live(on)]
    assert live == sorted(r.id for r in want)
    for status in LIVE:
        n = len([s for s in shown if s["status"] == status])
        assert _legend_count(page, status) == n
    shot(page, "browser-default")


def test_header_totals_are_the_servers_then_follow_the_slider(page):
    # the page rewrites the header at load: to the very text the server wrote
    html = (built_site("default")).read_text(encoding="utf-8")
    m = re.search(r'<p class="cm-totals"[^>]*>(.*?)</p>', html, re.S)
    assert m is not None
    server_text = re.sub(r"<[^>]+>", "", m.group(1))
    assert _header(page) == server_text
    # the figures Alibaba announced, reachable on the timeline (the header follows it)
    for iso, regions, zones in (
        ("2024-06-27", 30, 89),
        ("2025-05-24", 29, 87),
        ("2025-10-28", 29, 92),
    ):
        _go_to_date(page, iso)
        text = _header(page)
        assert f"{regions} regions, {zones} zones" in text, (iso, text)
        day = int(iso[-2:])
        assert text.startswith(f"Alibaba Cloud on {day} ")
        assert page.text_content(".cm-date") in text


def test_header_and_legend_announced_counts_agree_on_every_step(page):
    n = page.evaluate("cloudmap.data.steps.length")
    for i in range(0, n, 7):
        page.evaluate(f"cloudmap.setStep({i})")
        header = int(re.search(r"; (\d+) announced", _header(page)).group(1))
        assert header == _legend_count(page, "announced")
        totals = page.evaluate("cloudmap.totals()")
        assert f"{totals['regions']} region" in _header(page)


def test_provider_selector_draws_rivals_with_their_own_shapes(page):
    page.check('input[data-provider="aws"]')
    wait_settled(page)
    shown = _shown(page)
    assert {s["p"] for s in shown} == {"alibaba-cloud", "aws"}
    assert _header(page).startswith("Alibaba, AWS on ")
    page.evaluate("void cloudmap.map.setView([39, -77.5], 7, {animate: false})")  # Virginia
    wait_settled(page)
    squares = page.locator(".cm-marker.cm-p-square")
    assert squares.count() >= 1
    assert squares.first.get_attribute("aria-label").startswith("Amazon Web Services region ")
    page.uncheck('input[data-provider="alibaba-cloud"]')
    wait_settled(page)
    assert {s["p"] for s in _shown(page)} == {"aws"}
    search(page, "us-east-1")
    assert "Amazon Web Services" in page.text_content(".leaflet-popup-content")
    # totals by the counting rule: the sum over both providers
    page.check('input[data-provider="alibaba-cloud"]')
    both = page.evaluate("cloudmap.totals()")
    page.uncheck('input[data-provider="aws"]')
    ali = page.evaluate("cloudmap.totals()")
    page.evaluate("cloudmap.setProviders(['aws'])")
    aws = page.evaluate("cloudmap.totals()")
    assert both["regions"] == ali["regions"] + aws["regions"]
    assert both["zones"] == ali["zones"] + aws["zones"]
    page.click(".cm-panel-providers button[data-action=all]")
    wait_settled(page)
    assert page.evaluate("cloudmap.selected().length") == page.evaluate(
        "cloudmap.data.providers.length"
    )
    assert _header(page).startswith("All ")
    shot(page, "browser-all-providers")


# --------------------------------------------------------------------------- timeline


def test_timeline_steps_through_every_dated_change(page):
    steps = page.evaluate("cloudmap.data.steps")
    assert steps == sorted(set(steps)) and steps[-1] == page.evaluate("cloudmap.data.asOf")
    places_days = page.evaluate(
        "[...new Set(cloudmap.places.flatMap(p => p.history.map(t => t.on)))]"
    )
    assert set(places_days) <= set(steps)
    assert page.get_attribute("#cm-slider", "max") == str(len(steps) - 1)
    page.click("button[aria-label='Previous change']")
    wait_settled(page)
    assert page.evaluate("cloudmap.day()") == steps[-2]
    assert page.get_attribute("#cm-slider", "aria-valuetext") == page.text_content(".cm-date")
    page.click("button[aria-label='Next change']")
    assert page.evaluate("cloudmap.day()") == steps[-1]
    page.focus("#cm-slider")
    page.keyboard.press("Home")
    wait_settled(page)
    assert page.evaluate("cloudmap.day()") == steps[0]
    assert re.fullmatch(
        r"\d{1,2} [A-Z][a-z]{2} \d{4}", page.get_attribute("#cm-slider", "aria-valuetext")
    )
    # a date between two changes shows the statuses of the last change before it
    _go_to_date(page, "2024-07-01")
    assert page.evaluate("cloudmap.day()") == "2024-07-01"
    assert page.evaluate("cloudmap.data.steps[cloudmap.step()]") <= "2024-07-01"
    assert "2024" in page.text_content(".cm-stepinfo")


def test_closing_regions_show_where_they_are_closing(page):
    _go_to_date(page, "2024-07-01")  # Sydney and Mumbai announced closing
    assert _legend_count(page, "closing") >= 2
    closing = [s["id"] for s in _shown(page) if s["status"] == "closing"]
    assert "ap-southeast-2" in closing
    page.evaluate("void cloudmap.map.setView([-33.8, 151.2], 7, {animate: false})")
    wait_settled(page)
    marker = page.locator(".cm-marker.cm-s-closing")
    assert marker.count() >= 1
    assert "closing (closure announced)" in marker.first.get_attribute("aria-label")


def test_new_and_expanded_are_different_statuses(page):
    day = page.evaluate(
        """() => cloudmap.data.steps.find(d => {
            const s = cloudmap.places.filter(p => p.prov.id === 'alibaba-cloud')
                .map(p => cloudmap.statusAt(p, d));
            return s.includes('new') && s.includes('expanded');
        })"""
    )
    assert day, "no day with both a new and an expanded Alibaba region"
    page.evaluate(f"cloudmap.setDay('{day}')")
    wait_settled(page)
    assert _legend_count(page, "new") >= 1 and _legend_count(page, "expanded") >= 1
    colours = page.evaluate("cloudmap.data.statuses.map(s => s.color)")
    assert len(set(colours)) == len(colours)


def test_bounded_launch_dates_are_marked_on_marker_popup_and_legend(page):
    assert "no later than" in page.text_content(".cm-legend")
    search(page, "ap-northeast-1")
    popup = page.text_content(".leaflet-popup-content")
    assert "Only an upper bound of the launch date is known" in popup
    assert "no later than" in popup
    icon = page.evaluate(
        "cloudmap.find('ap-northeast-1')[0].markers.map(m => m._icon).find(Boolean).outerHTML"
    )
    assert "≤" in icon
    label = page.evaluate(
        "cloudmap.find('ap-northeast-1')[0].markers.map(m => m._icon).find(Boolean)"
        ".getAttribute('aria-label')"
    )
    assert label.endswith("launch date is an upper bound")


# --------------------------------------------------------------------------- search, popups


@pytest.mark.parametrize(
    ("query", "region"),
    [("Queretaro", "na-south-1"), ("Mexico", "na-south-1"), ("Tokyo", "ap-northeast-1")],
)
def test_search_enter_opens_the_place_zoomed_in_and_clear_of_controls(page, query, region):
    search(page, query)
    text = page.text_content(".leaflet-popup-content")
    assert region in text
    assert page.evaluate("cloudmap.map.getZoom()") >= 6
    popup_is_clear(page)
    assert page.evaluate("document.activeElement.tagName") == "H3"  # focus went to the popup


def test_search_arrow_keys_move_through_results_and_escape_closes(page):
    page.fill("#cm-search-input", "tokyo")
    options = page.locator("#cm-results [role=option]")
    assert options.count() >= 3  # Alibaba's first, then the rivals'
    assert "ap-northeast-1" in options.first.text_content()
    page.press("#cm-search-input", "ArrowDown")
    page.press("#cm-search-input", "ArrowDown")
    assert page.get_attribute("#cm-search-input", "aria-activedescendant") == "cm-opt-1"
    assert options.nth(1).get_attribute("aria-selected") == "true"
    second = page.evaluate("cloudmap.find('tokyo')[1]")
    page.press("#cm-search-input", "Enter")
    page.locator(".leaflet-popup").wait_for()
    wait_settled(page)
    assert second["id"] in page.text_content(".leaflet-popup-content")
    page.fill("#cm-search-input", "mexi")
    assert page.is_visible("#cm-results")
    page.press("#cm-search-input", "Escape")
    assert not page.is_visible("#cm-results")
    assert page.get_attribute("#cm-search-input", "aria-expanded") == "false"


def test_search_placeholder_is_not_clipped(page):
    widths = page.evaluate(
        """() => { const i = document.getElementById('cm-search-input'), s = getComputedStyle(i);
            const c = document.createElement('canvas').getContext('2d');
            c.font = s.fontSize + ' ' + s.fontFamily;
            return [c.measureText(i.placeholder).width,
                    i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)]; }"""
    )
    assert widths[0] < widths[1]


def test_popups_stay_clear_of_every_control(page):
    page.click("#cm-layers-toggle")  # the tallest right-hand panel open too
    for query in ("cn-beijing", "Mexico", "Tokyo", "us-west-1", "eu-central-1"):
        search(page, query)
        popup_is_clear(page)
    # Beijing at zoom 7 seen from a corner: its close button is reachable
    page.evaluate(
        "cloudmap.map.closePopup(); void cloudmap.map.setView([41.5, 117], 7, {animate: false})"
    )
    wait_settled(page)
    page.evaluate("void cloudmap.find('cn-beijing')[0].markers[1].fire('click')")
    wait_settled(page)
    popup_is_clear(page)
    page.click(".leaflet-popup-close-button")
    assert page.locator(".leaflet-popup").count() == 0
    shot(page, "browser-popup-clear")


def test_popup_layout_one_type_scale_sources_above_the_fold(page):
    page.wait_for_function("cloudmap.details() === 'ready'", timeout=WAIT_MS)
    search(page, "cn-hangzhou")
    sizes = page.evaluate(
        """() => { const c = document.querySelector('.cm-popup');
            const px = e => parseFloat(getComputedStyle(e).fontSize);
            return {h3: px(c.querySelector('h3')),
                    rows: [...c.querySelectorAll('.cm-facts th, .cm-facts td, .cm-sources li')].map(px)}; }"""
    )
    assert sizes["h3"] > max(sizes["rows"]) and len(set(sizes["rows"])) == 1
    sources = rect(page, ".cm-popup .cm-sources")
    wrapper = rect(page, ".leaflet-popup-content-wrapper")
    assert sources["b"] <= wrapper["b"], "sources are below the fold of the popup"
    assert page.eval_on_selector(".cm-sources a", "a => a.textContent") == page.eval_on_selector(
        ".cm-sources a", "a => new URL(a.href).hostname"
    )
    page.click(".cm-popup details summary")  # the zone list
    wait_settled(page)
    nowrap = page.evaluate(
        "[...document.querySelectorAll('.cm-popup .cm-zones code')]"
        ".map(c => [getComputedStyle(c).whiteSpace, c.getClientRects().length])"
    )
    assert nowrap and all(ws == "nowrap" and lines == 1 for ws, lines in nowrap)
    # the hover tooltip stays hidden while the popup is open
    x, y = page.evaluate(
        """() => { const m = document.querySelector('.cm-map').getBoundingClientRect();
            const pop = document.querySelector('.leaflet-popup').getBoundingClientRect();
            const r = [...document.querySelectorAll('.cm-marker')].map(e => e.getBoundingClientRect())
                .find(r => r.left > m.left && r.right < m.right && r.top > m.top && r.bottom < m.bottom
                      && (r.right < pop.left || r.left > pop.right || r.bottom < pop.top || r.top > pop.bottom));
            return [r.left + r.width / 2, r.top + r.height / 2]; }"""
    )
    page.mouse.move(x, y)
    assert page.evaluate(
        "[...document.querySelectorAll('.leaflet-tooltip')].every(t => t.offsetParent === null)"
    )
    shot(page, "browser-popup")


def test_popup_details_come_from_the_sidecar_after_the_map_is_up(page):
    assert page.evaluate("cloudmap.app_.options.detailsSrc") == "details.js"
    page.wait_for_function("cloudmap.details() === 'ready'", timeout=WAIT_MS)
    assert page.evaluate("cloudmap.find('na-south-1')[0].detail.zones.length") >= 1


def test_popup_without_its_details_still_says_what_and_where(chromium):
    p = new_page(chromium, None)
    p.route("**/details.js", lambda route: route.abort())  # the sidecar never arrives
    p.goto(built_site("default").as_uri())
    wait_settled(p)
    p.wait_for_function("cloudmap.details() === 'failed'", timeout=WAIT_MS)
    search(p, "na-south-1")
    text = p.text_content(".leaflet-popup-content")
    assert "na-south-1" in text and "Mexico (MX)" in text and "Status" in text
    assert "Details could not be loaded (details.js)" in text
    p.context.close()


def test_country_click_tells_what_it_hosts_and_its_markets(page):
    page.evaluate("cloudmap.map.removeLayer(cloudmap.cluster)")
    page.evaluate("void cloudmap.map.setView([36, 104], 4, {animate: false})")
    wait_settled(page)
    box = rect(page, ".cm-map")
    page.mouse.click(box["l"] + box["w"] / 2, box["t"] + box["h"] / 2)  # China
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "China" in text and "live region" in text and "Markets: " in text
    popup_is_clear(page)


# --------------------------------------------------------------------------- the Pacific


def _sides(p: Any) -> dict[str, Any]:
    return p.evaluate(
        """() => { const MAIN = '.cm-map > .leaflet-map-pane';
            const m = document.querySelector('.cm-map').getBoundingClientRect();
            const mid = m.left + m.width / 2;
            const paths = [...document.querySelectorAll(MAIN + ' .leaflet-overlay-pane path')]
                .map(e => e.getBoundingClientRect()).filter(r => r.width > 2 && r.right > m.left && r.left < m.right);
            const icons = [...document.querySelectorAll(MAIN + ' .leaflet-marker-icon')]
                .map(e => e.getBoundingClientRect()).filter(r => r.left > m.left && r.right < m.right);
            const us = cloudmap.places.filter(x => x.country === 'US').flatMap(x => x.markers)
                .map(mk => cloudmap.cluster.getVisibleParent(mk))
                .filter(mk => mk && mk._icon).map(mk => mk._icon.getBoundingClientRect())
                .filter(r => r.left > m.left && r.right < m.right);
            const asia = cloudmap.places.filter(x => ['JP', 'CN'].includes(x.country)).flatMap(x => x.markers)
                .map(mk => cloudmap.cluster.getVisibleParent(mk))
                .filter(mk => mk && mk._icon).map(mk => mk._icon.getBoundingClientRect())
                .filter(r => r.left > m.left && r.right < m.right);
            return {west: paths.filter(r => r.left < mid - 100).length,
                    east: paths.filter(r => r.right > mid + 100).length,
                    iconsWest: icons.filter(r => r.right < mid).length,
                    iconsEast: icons.filter(r => r.left > mid).length,
                    usEast: us.filter(r => r.left > mid).length, asiaWest: asia.filter(r => r.right < mid).length,
                    lng: cloudmap.map.getCenter().lng}; }"""
    )


def test_the_pacific_is_continuous_both_ways_and_mid_drag(page):
    page.evaluate("void cloudmap.map.setView([30, 178], 3, {animate: false})")
    wait_settled(page)
    s = _sides(page)
    assert s["west"] > 0 and s["east"] > 0 and s["usEast"] > 0 and s["asiaWest"] > 0, s
    shot(page, "browser-pacific")
    # keys past 180 deg: the view is wrapped, nothing jumps or vanishes
    page.evaluate("void cloudmap.map.panBy([900, 0], {animate: false})")
    wait_settled(page)
    s = _sides(page)
    assert -180 <= s["lng"] <= 180 and s["west"] > 0 and s["east"] > 0, s
    # mid-drag across the antimeridian: both sides drawn while the mouse is still down
    page.evaluate("void cloudmap.map.setView([30, 160], 3, {animate: false})")
    wait_settled(page)
    box = rect(page, ".cm-map")
    y = box["t"] + box["h"] * 0.45
    page.mouse.move(box["l"] + box["w"] * 0.7, y)
    page.mouse.down()
    page.mouse.move(box["l"] + box["w"] * 0.3, y, steps=8)
    s = _sides(page)
    page.mouse.up()
    assert s["west"] > 0 and s["east"] > 0 and s["iconsWest"] > 0 and s["iconsEast"] > 0, s
    wait_settled(page)


# --------------------------------------------------------------------------- layers


def test_country_shading_is_one_layer_at_a_time_with_its_own_legend(page):
    page.click("#cm-layers-toggle")
    assert page.is_checked('input[name="cm-shade"][value="zones"]')
    assert "Live zones per country" in page.text_content(".cm-legend")
    page.check('input[name="cm-shade"][value="rtt"]')
    assert page.evaluate("cloudmap.shade()") == "rtt"
    legend = page.text_content(".cm-legend")
    assert "Estimated RTT" in legend and "estimated from distance" in legend
    assert "Live zones per country" not in legend
    fills = page.evaluate(
        "[...new Set([...document.querySelectorAll('.cm-map > .leaflet-map-pane .leaflet-overlay-pane path')]"
        ".map(p => p.getAttribute('fill')).filter(f => f && f !== '#ffffff'))]"
    )
    bands = page.evaluate("cloudmap.data.rtt.bands.map(b => b.color)")
    assert fills and set(fills) <= set(bands)  # no zone colour left under the RTT colours
    page.check('input[name="cm-shade"][value="none"]')
    assert page.evaluate("cloudmap.map.hasLayer(cloudmap.shading)") is False
    page.check('input[data-market="americas"]')
    page.check('input[data-market="south-korea"]')
    strokes = page.evaluate(
        "[...new Set([...document.querySelectorAll('.leaflet-cm-markets-pane path')]"
        ".map(p => p.getAttribute('stroke') + ' ' + p.getAttribute('stroke-dasharray')))]"
    )
    casing = page.evaluate("cloudmap.data.colors.casing")
    assert f"{casing} null" in strokes  # each outline on a light casing
    assert len([s for s in strokes if not s.startswith(casing)]) == 2  # and its own line
    assert "Markets" in page.text_content(".cm-legend")
    shot(page, "browser-layers")


def test_grid_carbon_shading_and_each_regions_grid_and_jurisdiction(page, project):
    """Issue 24 on the map: countries shaded by their grid carbon (one dataset for all) with
    one legend, and a region's popup says where it draws power and whose law applies."""
    from cloudmap.gridfacts import carbon_band

    page.click("#cm-layers-toggle")
    page.check('input[name="cm-shade"][value="carbon"]')
    assert page.evaluate("cloudmap.shade()") == "carbon"
    legend = page.text_content(".cm-legend")
    assert "Grid carbon intensity (gCO2e per kWh)" in legend and "life-cycle" in legend
    bands = page.evaluate("cloudmap.data.carbon.bands.map(b => b.color)")
    fills = page.evaluate(
        "[...new Set([...document.querySelectorAll('.cm-map > .leaflet-map-pane .leaflet-overlay-pane path')]"
        ".map(p => p.getAttribute('fill')).filter(f => f && f !== '#ffffff'))]"
    )
    assert fills and set(fills) <= set(bands)
    view = project.at(providers="all")
    hz = view.grid_popups["alibaba-cloud:cn-hangzhou"]
    band = page.evaluate(
        "label => cloudmap.data.carbon.bands.find(b => b.label === label).color", hz["carbon_band"]
    )
    assert band and carbon_band(hz["carbon"]) == hz["carbon_band"]
    page.wait_for_function("cloudmap.details() === 'ready'", timeout=WAIT_MS)
    search(page, "cn-hangzhou")
    page.click(".leaflet-popup summary:text('Grid and jurisdiction')")
    wait_settled(page)
    text = page.text_content(".leaflet-popup-content")
    assert f"{round(hz['carbon'])} gCO2e/kWh (China, {hz['carbon_year']}" in text
    assert hz["zone_name"] in text and "Operator" in text and "Partition" + hz["partition"] in text
    popup_is_clear(page)


def test_downloads_menu_explains_the_csvt_file(page):
    page.click(".cm-downloads summary")
    item = page.locator(".cm-downloads li", has_text="regions.csvt")
    assert "column types" in item.text_content()


# --------------------------------------------------------------------------- comparison


def test_compare_panel_gives_each_providers_figures_in_a_market(page, project):
    from cloudmap.compare import compare_providers

    page.click("#cm-compare-toggle")
    page.select_option("#cm-compare-market", label="Middle East")
    want = compare_providers(project.at(providers="all"), market="Middle East")
    for row in want["providers"]:
        cells = page.locator(f'.cm-compare tr[data-provider="{row["provider"]}"] td')
        assert cells.nth(0).text_content() == str(row["live_regions"])
        zones = f"{row['live_zones']}{'+' if row['zones_unknown'] else ''}"
        assert cells.nth(1).text_content() == zones
        assert cells.nth(2).text_content() == str(row["countries_covered"])
    ae = page.text_content('.cm-compare tr[data-country="AE"]')
    assert "me-east-1" in ae and " ms" in ae and " km" in ae
    rough = [
        n["region"]
        for c in want["countries"]
        for n in c["nearest"].values()
        if n["location_precision"] == "country"
    ]
    assert rough and "(rough)" in page.text_content(".cm-compare")
    if any(row["zones_unknown"] for row in want["providers"]):
        assert "N+ zones" in page.text_content(".cm-compare")
    assert "estimated from distance" in page.text_content(".cm-compare")
    shot(page, "browser-compare")


# --------------------------------------------------------------------------- failures


def test_tiles_unreachable_switch_to_the_country_basemap_once(chromium):
    from browser_support import node_modules
    from cloudmap.snapshot import route_offline

    p = new_page(chromium, None, route=False)
    tile_requests: list[str] = []

    def handle(route: Any) -> None:
        if "tile.openstreetmap.org" in route.request.url:
            tile_requests.append(route.request.url)
            route.abort()
        else:
            route.fallback()

    route_offline(p, node_modules())
    p.route("**/*", handle)
    p.goto(built_site("default").as_uri())
    wait_settled(p)
    assert p.evaluate("cloudmap.base()") == "countries"
    assert len(tile_requests) == 1  # one probe, not an error per tile
    land = p.locator('.cm-map > .leaflet-map-pane .leaflet-overlay-pane path[fill="#e4e7eb"]')
    assert land.count() > 0
    assert p.locator(".leaflet-control-minimap path").count() > 0  # the minimap follows
    assert p.locator(".leaflet-tile-pane img").count() == 0
    errors = [e for e in p.watch.errors if "ERR_FAILED" not in e]
    assert errors == []
    p.context.close()


def test_unreachable_cdn_explains_and_keeps_the_header_links(chromium):
    p = new_page(chromium, None, route=False)
    p.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    p.goto(built_site("default").as_uri())
    p.wait_for_function("window.cloudmapBoot.state() === 'failed'", timeout=WAIT_MS)
    assert p.is_visible("#cm-fail")
    assert "could not load" in p.text_content("#cm-fail")
    assert "cloudmap build --self-contained" in p.text_content("#cm-fail")
    assert not p.is_visible(".cm-map")
    assert [e for e in p.watch.errors if "pageerror" in e] == []  # no "L is not defined"
    p.click("text=Changelog")
    p.wait_for_url(re.compile(r"changelog\.html$"))
    p.context.close()


def test_controls_leave_most_of_the_map_free(page):
    m = rect(page, ".cm-map")
    area = sum(c["w"] * c["h"] for c in control_rects(page))
    assert area < 0.3 * m["w"] * m["h"]


@pytest.mark.parametrize("opened", [None, "layers", "compare", "providers"])
def test_controls_never_cover_each_other(page, opened):
    if opened and page.get_attribute(f"#cm-{opened}-toggle", "aria-expanded") == "false":
        page.click(f"#cm-{opened}-toggle")
    if opened == "compare":
        page.select_option("#cm-compare-market", label="Europe")
    boxes = control_rects(page)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlaps(a, b), (a["cls"], b["cls"])
    m = rect(page, ".cm-map")
    for c in boxes:
        assert m["t"] <= c["t"] and c["b"] <= m["b"] + 0.5, c["cls"]
