"""The map on the screens people use (a phone either way up, a portrait tablet, a 1366x768
laptop), with the keyboard only, on a network whose CDN hangs, and with its counts explained:
every region's popup opens on screen and clear of the controls, the first view keeps the
markers out from under the panels, a date can be typed, one tab stop per visible marker."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import (
    CHROMIUM_ARGS,
    WAIT_MS,
    Watch,
    built_site,
    close_clean,
    node_modules,
    search,
    shot,
    wait_settled,
)
from browser_support import chromium as chromium_path

pytestmark = pytest.mark.browser

SWEEP = (Path(__file__).parent / "popup_sweep.js").read_text(encoding="utf-8")
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "phone-landscape": {
        "viewport": {"width": 844, "height": 390},
        "is_mobile": True,
        "has_touch": True,
    },
    "tablet": {"viewport": {"width": 768, "height": 1024}, "has_touch": True},
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}


def _page(chromium: Any, screen: str, index: Path | None = None) -> Any:
    from cloudmap.snapshot import route_offline

    ctx = chromium.new_context(**SCREENS[screen], locale="en-US")
    page = ctx.new_page()
    page.watch = Watch()
    page.watch.attach(page)
    route_offline(page, node_modules(), page.watch.blocked)
    page.goto((index or built_site("default")).resolve().as_uri())
    wait_settled(page)
    return page


# --------------------------------------------------------------------------- popups, first view


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_popup_opens_on_screen_clear_of_the_controls(chromium, screen):
    """Each region and announced site of all six providers, tapped where a person would tap it
    (tests/popup_sweep.js): its popup's title and close button, and the whole popup, lie inside
    the visible map and meet no control."""
    page = _page(chromium, screen)
    result = page.evaluate(SWEEP, {"zoom": 6, "limit": 0})
    assert result["spots"] >= 8
    assert result["n"] >= 250  # every provider's places on the build date
    assert result["fails"] == []
    close_clean(page)


def _markers_under_panels(page: Any) -> list[str]:
    return page.evaluate(
        """() => {
            const box = (e) => e.getBoundingClientRect();
            const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            const panels = [...document.querySelectorAll('.leaflet-control')]
                .filter((c) => !c.classList.contains('leaflet-control-attribution')).map(box)
                .filter((r) => r.width > 0 && r.height > 0);
            const m = box(document.querySelector('.cm-map'));
            return [...document.querySelectorAll('.cm-map > .leaflet-map-pane .leaflet-marker-icon')]
                .filter((e) => getComputedStyle(e).visibility !== 'hidden')
                .filter((e) => meets(box(e), m))
                .filter((e) => panels.some((p) => meets(box(e), p)))
                .map((e) => e.getAttribute('aria-label'));
        }"""
    )


def test_the_map_waits_for_its_styles_before_it_measures_its_controls(chromium):
    """Leaflet's stylesheet held back until every script has run: the map's code does not start
    (its first view is placed from the sizes of its controls, which the styles set); once the
    stylesheet arrives the map starts and no marker lies under a panel."""
    from cloudmap.assets import local_path
    from cloudmap.snapshot import route_offline

    ctx = chromium.new_context(**SCREENS["laptop"], locale="en-US")
    page = ctx.new_page()
    route_offline(page, node_modules())
    held: list[Any] = []
    page.route("**/leaflet@*/dist/leaflet.css", lambda route: held.append(route))  # tried first
    page.goto(built_site("default").resolve().as_uri(), wait_until="commit")
    page.wait_for_function(
        "window.L && L.Control && L.Control.MiniMap && L.Control.FullScreen && L.markerClusterGroup",
        timeout=WAIT_MS,
    )
    assert len(held) == 1
    assert page.evaluate("cloudmapBoot.state()") == "loading"
    assert not page.evaluate("!!(window.cloudmap && window.cloudmap.ready)")
    css = local_path(held[0].request.url, node_modules())
    held[0].fulfill(status=200, body=css.read_bytes(), content_type="text/css")
    wait_settled(page)
    assert _markers_under_panels(page) == []
    ctx.close()


@pytest.mark.parametrize("screen", ["laptop", "tablet", "phone", "phone-landscape"])
def test_first_view_has_no_marker_under_a_panel(chromium, screen):
    page = _page(chromium, screen)
    assert _markers_under_panels(page) == []
    shown = page.evaluate(
        "document.querySelectorAll('.cm-map > .leaflet-map-pane .leaflet-marker-icon[tabindex=\"0\"]').length"
    )
    assert shown >= 8
    if screen == "laptop":  # panels cover little, and the legend's colour key is not clipped
        assert page.evaluate("cloudmap.app_.compact") is False
        key = page.eval_on_selector(".cm-legend .cm-bins", "e => e.getBoundingClientRect().bottom")
        body = page.eval_on_selector("#cm-legend-body", "e => e.getBoundingClientRect().bottom")
        assert key <= body
    else:  # touch screens: the panels wait, folded, in one dock
        assert page.evaluate("cloudmap.app_.compact") is True
        assert page.locator(".cm-dock").count() == 1
        zoom = page.eval_on_selector(".leaflet-control-zoom", "e => e.getBoundingClientRect()")
        dock = page.eval_on_selector(".cm-dock", "e => e.getBoundingClientRect()")
        assert zoom["bottom"] < dock["top"]
    shot(page, f"screen-{screen}")
    close_clean(page)


def test_a_search_across_the_world_lands_in_the_clear_middle(chromium):
    """Querétaro, then Bangkok (more than 180 degrees east): the marker ends in the middle of
    the part of the map no control covers, its popup clear."""
    ctx = chromium.new_context(viewport={"width": 1920, "height": 1080})
    page = ctx.new_page()
    from cloudmap.snapshot import route_offline

    route_offline(page, node_modules())
    page.goto(built_site("default").resolve().as_uri())
    wait_settled(page)
    search(page, "Queretaro")
    search(page, "Bangkok")
    where = page.evaluate(
        """() => { const app = cloudmap.app_, p = cloudmap.find('Bangkok')[0];
            const m = app.nearestCopy(p), pt = cloudmap.map.latLngToContainerPoint(m.getLatLng());
            const r = app.clearRect(1, 1);
            return {x: pt.x, y: pt.y, cx: (r.l + r.r) / 2, cy: (r.t + r.b) / 2, w: r.r - r.l,
                    lng: cloudmap.map.getCenter().lng, far: m._icon.classList.contains('cm-far')}; }"""
    )
    assert not where["far"] and -180 <= where["lng"] <= 180
    assert abs(where["x"] - where["cx"]) < 0.1 * where["w"], where
    assert abs(where["y"] - where["cy"]) < 60, where
    assert "Bangkok" in page.text_content(".leaflet-popup-content")
    ctx.close()


# --------------------------------------------------------------------------- keyboard


@pytest.fixture
def laptop(chromium):
    p = _page(chromium, "laptop")
    yield p
    close_clean(p)


def test_a_date_can_be_typed_digit_by_digit(laptop):
    page = laptop
    page.focus("#cm-dateinput")  # its first segment: the month (en-US: mm/dd/yyyy)
    seen = []
    for key in "07012024":
        page.keyboard.type(key)
        seen.append(page.evaluate("[cloudmap.day(), document.activeElement.id]"))
    # no keystroke moved the page to a clamped year or rewrote the field under the fingers
    assert all(focus == "cm-dateinput" for _, focus in seen)
    assert all(day >= "2000" for day, _ in seen)
    wait_settled(page)
    assert page.evaluate("cloudmap.day()") == "2024-07-01"
    assert page.input_value("#cm-dateinput") == "2024-07-01"
    # a date before the timeline: applied on Enter, moved to its first day and said so
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back to the month
    page.keyboard.type("01011990")
    page.keyboard.press("Enter")
    wait_settled(page)
    first = page.evaluate("cloudmap.data.steps[0]")
    assert page.evaluate("cloudmap.day()") == first
    assert "The timeline starts on" in page.text_content(".cm-stepinfo")


def _tab_until(page: Any, test: str, limit: int) -> int:
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(test):
            return n
    raise AssertionError(f"not reached in {limit} Tabs: {test}")


def test_one_tab_stop_per_visible_marker_right_after_the_search(laptop):
    page = laptop
    page.evaluate("cloudmap.setProviders(cloudmap.data.providers.map(p => p.id))")
    wait_settled(page)
    stops = page.evaluate(
        """() => { const m = document.querySelector('.cm-map').getBoundingClientRect();
            const icons = [...document.querySelectorAll('.cm-map > .leaflet-map-pane .leaflet-marker-icon')];
            const inside = (e) => { const r = e.getBoundingClientRect();
                const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
                return x >= m.left && x <= m.right && y >= m.top && y <= m.bottom
                    && getComputedStyle(e).visibility !== 'hidden'; };
            const tab = icons.filter((e) => e.tabIndex === 0), keys = new Set();
            cloudmap.cluster._featureGroup.eachLayer((l) => {  // what each stop stands for
                if (!l._icon || l._icon.tabIndex !== 0) return;
                const ll = l.getLatLng(), lng = ((ll.lng % 360) + 540) % 360 - 180;
                keys.add(l.place ? l.place.prov.id + ':' + l.place.id : ll.lat.toFixed(3) + ',' + lng.toFixed(3));
            });
            return {tab: tab.length, outside: tab.filter((e) => !inside(e)).length, keys: keys.size}; }"""
    )
    assert stops["tab"] >= 10 and stops["outside"] == 0
    assert stops["keys"] == stops["tab"]  # no place twice (one per world copy)
    page.focus("#cm-search-input")
    n = _tab_until(page, "document.activeElement.classList.contains('leaflet-marker-icon')", 8)
    assert n <= 5  # zoom in, zoom out, full screen, then the markers


def test_focus_stays_in_an_open_popup_and_escape_always_closes_it(laptop):
    page = laptop
    page.wait_for_function("cloudmap.details() === 'ready'", timeout=WAIT_MS)
    search(page, "na-south-1")
    assert page.evaluate("document.activeElement.tagName") == "H3"
    inside = "document.querySelector('.leaflet-popup').contains(document.activeElement)"
    for _ in range(25):  # round and round the popup's links, never out of it
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside)
    page.keyboard.press("Escape")
    assert page.locator(".leaflet-popup").count() == 0
    assert page.evaluate("document.activeElement.id") == "cm-search-input"  # back where it began
    # Escape with focus elsewhere on the page (the search box, empty) still closes it
    search(page, "Tokyo")
    page.focus("#cm-search-input")
    page.fill("#cm-search-input", "")
    page.keyboard.press("Escape")
    assert page.locator(".leaflet-popup").count() == 0
    search(page, "cn-hangzhou")
    page.focus("#cm-legend-toggle")
    page.keyboard.press("Escape")
    assert page.locator(".leaflet-popup").count() == 0
    # a marker opened with the keyboard: Escape returns to it
    page.focus("#cm-search-input")
    _tab_until(page, "document.activeElement.classList.contains('cm-marker')", 12)
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for()
    wait_settled(page)
    page.keyboard.press("Tab")
    assert page.evaluate(inside)
    page.keyboard.press("Escape")
    assert page.locator(".leaflet-popup").count() == 0
    assert page.evaluate("document.activeElement.classList.contains('cm-marker')")


# --------------------------------------------------------------------------- counts, Play


def test_counts_add_up_or_say_why(laptop):
    page = laptop
    t = page.evaluate("cloudmap.totals()")
    live = sum(
        int(page.text_content(f'.cm-count[data-status="{s}"]'))
        for s in ("new", "expanded", "live", "closing")
    )
    assert live == t["live"]
    why = page.locator(".cm-legend details.cm-why").first
    summary = why.locator("summary").text_content()
    if t["live"] != t["regions"]:  # Alibaba: industry clouds and Atlanta are not in its totals
        assert summary == f"{t['live']} live on the map, {t['regions']} counted: why?"
        page.click(".cm-header .cm-how")  # the header's figures point to the same words
        assert page.evaluate("document.activeElement.closest('details.cm-why').open") is True
        text = why.text_content()
        rule = page.evaluate("cloudmap.data.providers.find(p => p.id === 'alibaba-cloud').rule")
        assert rule in text and "not in the providers' own totals" in text
    header = page.text_content("#cm-totals")
    assert f"{t['regions']} regions" in header
    assert page.text_content(
        '.cm-panel-providers input[data-provider="alibaba-cloud"] ~ .cm-count'
    ).startswith(str(t["regions"]))


def test_search_result_says_what_it_changed(laptop):
    page = laptop
    search(page, "us-east-2")  # AWS's Ohio: AWS is not shown by default
    note = page.text_content(".cm-search-note")
    assert "added Amazon Web Services to the map" in note
    assert page.is_visible(".cm-search-note")


def test_play_runs_through_the_shown_providers_changes_in_the_time_chosen(laptop):
    page = laptop
    want = page.evaluate(
        """() => { const days = new Set(cloudmap.places.filter(p => p.prov.id === 'alibaba-cloud')
                .flatMap(p => p.history.map(h => h.on)));
            return cloudmap.data.steps.filter(d => days.has(d)); }"""
    )
    assert 10 < len(want) < page.evaluate("cloudmap.data.steps.length")
    page.evaluate(
        """() => { window.__days = []; cloudmap.app_.on('change', () => window.__days.push(cloudmap.day())); }"""
    )
    page.select_option("#cm-play-length", "10")
    page.evaluate("cloudmap.setStep(0)")
    start = time.monotonic()
    page.click(".cm-play")
    page.wait_for_function("!cloudmap.app_.playing", timeout=WAIT_MS)
    took = time.monotonic() - start
    days = page.evaluate("window.__days")
    first = page.evaluate("cloudmap.data.steps[0]")
    assert [d for d in days if d != first] == [d for d in want if d != first]
    assert took < 30  # the 10 s chosen, with room for a busy machine (it was 92 s)


# --------------------------------------------------------------------------- networks


@pytest.fixture
def hanging_server() -> Iterator[int]:
    """A server on 127.0.0.1 that accepts connections and never answers (for 60 s at most)."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    srv.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        end = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < end:
            with contextlib.suppress(OSError):
                held.append(srv.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield srv.getsockname()[1]
    stop.set()
    thread.join()
    for c in held:
        c.close()
    srv.close()


def test_header_and_a_message_within_3_s_while_the_cdn_hangs(chromium, hanging_server):
    """The CDN's host resolves to the hanging server (the page's bytes are those users get)."""
    rules = ", ".join(
        f"MAP {host} 127.0.0.1:{hanging_server}"
        for host in ("cdn.jsdelivr.net", "*.openstreetmap.org")
    )
    b = chromium.browser_type.launch(
        executable_path=chromium_path(), args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"]
    )
    try:
        page = b.new_page(viewport={"width": 1366, "height": 768})
        start = time.monotonic()
        page.goto(built_site("default").resolve().as_uri(), wait_until="commit")
        page.wait_for_function(
            """() => { const h = document.querySelector('.cm-header h1'),
                    slow = document.getElementById('cm-slow');
                return h && h.offsetHeight > 0 && slow && !slow.hidden && slow.offsetHeight > 0; }""",
            timeout=3000,
        )
        assert time.monotonic() - start < 3
        assert page.evaluate("cloudmapBoot.state()") == "slow"
        assert "taking long" in page.text_content("#cm-slow")
        assert page.is_visible("text=Changelog")
    finally:
        b.close()


def test_self_contained_page_ticks_the_places_box_while_they_show(chromium):
    page = _page(chromium, "laptop", built_site("offline"))
    page.click("#cm-layers-toggle")
    assert page.is_checked('input[data-layer="markers"]')
    assert page.evaluate("cloudmap.app_.markersShown()") is True
    page.uncheck('input[data-layer="markers"]')
    assert page.evaluate("cloudmap.app_.markersShown()") is False
    page.check('input[data-layer="markers"]')
    assert page.evaluate("cloudmap.app_.markersShown()") is True
    close_clean(page)


# --------------------------------------------------------------------------- smaller things


def test_touch_targets_are_24_px_at_least_on_a_phone(chromium):
    """WCAG 2.2's minimum target size: every control in the panels, the dock, the search and the
    zoom buttons (a checkbox or radio counts with the label that wraps it)."""
    page = _page(chromium, "phone")
    small: list[str] = []
    measure = """() => [...document.querySelectorAll(
            '.leaflet-control:not(.leaflet-control-attribution) :is(button, a[href], input, select, summary)')]
        .filter((e) => e.offsetParent !== null)
        .map((e) => { const t = (e.type === 'checkbox' || e.type === 'radio') && e.closest('label') || e;
            const r = t.getBoundingClientRect();
            return [Math.min(r.width, r.height), e.outerHTML.slice(0, 80)]; })
        .filter(([size]) => size < 24).map(([size, what]) => Math.round(size) + ' ' + what)"""
    small += page.evaluate(measure)
    for name in ("providers", "timeline", "legend", "layers", "compare"):
        page.tap(f"#cm-{name}-toggle")
        small += page.evaluate(measure)
    assert small == []
    close_clean(page)


def test_changelog_fits_a_phone_without_sideways_scrolling(chromium):
    ctx = chromium.new_context(**SCREENS["phone"])
    page = ctx.new_page()
    page.goto((built_site("default").parent / "changelog.html").resolve().as_uri())
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390
    assert page.locator("tr.event").first.is_visible()
    ctx.close()
