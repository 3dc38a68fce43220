"""The map on a phone (390x844, touch) in headless Chromium with no network: a sensible first
view, collapsed panels in one dock, no zoom lock, popups that fit and stay clear of controls."""

from __future__ import annotations

from typing import Any

import pytest

from browser_support import (
    built_site,
    close_clean,
    control_rects,
    new_page,
    popup_is_clear,
    rect,
    search,
    shot,
    wait_settled,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium):
    p = new_page(chromium, built_site("default"), phone=True)
    yield p
    close_clean(p)


def _map_area(p: Any) -> float:
    m = rect(p, ".cm-map")
    return m["w"] * m["h"]


def test_phone_opens_close_on_the_selection_with_pinch_zoom_allowed(page):
    viewport = page.get_attribute("meta[name=viewport]", "content")
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
    assert page.evaluate("cloudmap.map.getZoom()") >= 2
    in_view = page.evaluate(
        """() => { const b = cloudmap.map.getBounds();
            return cloudmap.shown().filter(p => p.markers.some(m => b.contains(m.getLatLng()))).length; }"""
    )
    assert in_view >= 10  # most of Alibaba's regions, not an empty ocean
    shot(page, "phone-default")


def test_phone_panels_start_collapsed_in_one_dock_without_minimap(page):
    assert page.locator(".leaflet-control-minimap").count() == 0
    dock = rect(page, ".cm-dock")
    assert dock["h"] <= 60 and dock["w"] >= 380
    for name in ("providers", "timeline", "legend", "layers", "compare"):
        assert page.get_attribute(f"#cm-{name}-toggle", "aria-expanded") == "false"
    covered = sum(c["w"] * c["h"] for c in control_rects(page))
    assert covered < 0.2 * _map_area(page)
    # one panel at a time, as a sheet above the dock
    page.tap("#cm-legend-toggle")
    assert page.is_visible(".cm-legend")
    sheet = rect(page, "#cm-legend-body")
    assert sheet["b"] <= dock["t"] + 1 and sheet["h"] <= 0.55 * 844
    page.tap("#cm-timeline-toggle")
    assert not page.is_visible(".cm-legend") and page.is_visible("#cm-slider")
    shot(page, "phone-timeline")
    page.tap("#cm-timeline-toggle")
    assert not page.is_visible("#cm-slider")


@pytest.mark.parametrize("query", ["Tokyo", "Queretaro", "cn-beijing"])
def test_phone_popups_fit_the_screen_and_clear_the_controls(page, query):
    page.tap("#cm-legend-toggle")  # an open panel folds when a popup opens
    search(page, query)
    pop = rect(page, ".leaflet-popup")
    assert pop["w"] <= 390 - 16
    popup_is_clear(page)
    assert page.get_attribute("#cm-legend-toggle", "aria-expanded") == "false"
    assert page.evaluate("cloudmap.map.getZoom()") >= 6
    shot(page, f"phone-popup-{query}")


def test_phone_marker_tap_opens_a_fitting_popup(page):
    page.evaluate("void cloudmap.map.setView([30.3, 120.2], 9, {animate: false})")  # Hangzhou
    wait_settled(page)
    icon = page.locator(".cm-map > .leaflet-map-pane .cm-marker").first
    box = icon.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".leaflet-popup").wait_for()
    wait_settled(page)
    popup_is_clear(page)
    assert rect(page, ".leaflet-popup")["w"] <= 374


def test_phone_compare_panel_scrolls_instead_of_overflowing(page):
    page.tap("#cm-compare-toggle")
    page.select_option("#cm-compare-market", label="Europe")
    body = rect(page, "#cm-compare-body")
    assert body["l"] >= 0 and body["r"] <= 390
    assert page.evaluate(
        "[...document.querySelectorAll('.cm-compare .cm-scroll')].every(s => s.getBoundingClientRect().right <= 390)"
    )
