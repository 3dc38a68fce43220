"""Accessibility of the map and the changelog (WCAG 2.2 AA as the bar): axe-core finds no serious
or critical violation in any state we can put the page in; keyboard order and names."""

from __future__ import annotations

import re

import pytest

from browser_support import (
    axe,
    built_site,
    close_clean,
    new_page,
    search,
    wait_settled,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium):
    p = new_page(chromium, built_site("default"))
    yield p
    close_clean(p)


@pytest.fixture
def phone(chromium):
    p = new_page(chromium, built_site("default"), phone=True)
    yield p
    close_clean(p)


def test_axe_finds_nothing_serious_on_the_desktop_map_in_any_state(page):
    assert page.get_attribute("html", "lang") == "en"
    assert axe(page) == []
    page.click("#cm-layers-toggle")
    page.check('input[name="cm-shade"][value="rtt"]')
    page.check('input[data-market="europe"]')
    assert axe(page) == []
    page.click("#cm-compare-toggle")  # the right column shows one panel at a time
    assert axe(page) == []
    page.fill("#cm-search-input", "tok")
    page.press("#cm-search-input", "ArrowDown")
    assert axe(page) == []
    page.press("#cm-search-input", "Enter")
    page.locator(".leaflet-popup").wait_for()
    wait_settled(page)
    page.wait_for_function("cloudmap.details() === 'ready'")
    page.evaluate("document.querySelectorAll('.cm-popup details').forEach(d => d.open = true)")
    assert axe(page) == []
    page.click(".cm-downloads summary")
    assert axe(page) == []


def test_axe_finds_nothing_serious_on_the_phone_map(phone):
    assert axe(phone) == []
    for name in ("providers", "timeline", "legend", "layers", "compare"):
        phone.tap(f"#cm-{name}-toggle")
        assert axe(phone) == [], name
    search(phone, "Tokyo")
    assert axe(phone) == []


def test_axe_finds_nothing_serious_on_the_changelog(chromium):
    p = new_page(chromium, None)
    p.goto((built_site("default").parent / "changelog.html").as_uri())
    assert p.get_attribute("html", "lang") == "en"
    assert axe(p) == []
    close_clean(p)


def test_skip_link_first_then_search(page):
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "cm-skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "cm-search-input"
    # without the skip link, the search is the first stop inside the map
    page.evaluate("document.activeElement.blur()")
    page.evaluate("document.querySelector('.cm-map').focus()")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "cm-search-input"
    presses = 0
    page.reload()
    wait_settled(page)
    while page.evaluate("document.activeElement.id") != "cm-search-input":
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 6, page.evaluate("document.activeElement.outerHTML.slice(0, 120)")


def test_markers_have_names_not_digits_and_open_with_the_keyboard(page):
    page.evaluate("void cloudmap.map.setView([30.5, 120], 6, {animate: false})")
    wait_settled(page)
    names = page.evaluate(
        "[...document.querySelectorAll('.cm-map > .leaflet-map-pane .leaflet-marker-icon[role=button]')]"
        ".map(e => e.getAttribute('aria-label'))"
    )
    assert names and all(n and not re.fullmatch(r"[\d×]*", n) for n in names)
    assert any(n.startswith("Alibaba Cloud region cn-") for n in names)
    assert all("Enter" in n for n in names if "places here" in n)
    marker = page.locator(".cm-map > .leaflet-map-pane .cm-marker").first
    marker.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for()
    wait_settled(page)
    assert page.evaluate("document.activeElement.tagName") == "H3"
    page.keyboard.press("Escape")
    assert page.locator(".leaflet-popup").count() == 0
    assert page.evaluate("document.activeElement.classList.contains('cm-marker')")


def test_timeline_controls_have_real_names_and_announce_the_date(page):
    slider = page.locator("#cm-slider")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", slider.get_attribute("aria-valuetext"))
    assert page.get_by_role("slider", name="Date shown").count() == 1
    play = page.get_by_role("button", name="Play")
    assert play.get_attribute("aria-pressed") == "false"
    play.click()
    assert page.get_by_role("button", name="Pause").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Pause").click()
    wait_settled(page)
    assert page.get_by_role("button", name="Previous change").count() == 1
    assert page.get_by_role("button", name="Next change").count() == 1
    assert page.get_by_label("Go to date").count() == 1
    assert (
        page.get_by_role("combobox", name="Search regions, cities, countries and providers").count()
        == 1
    )


def test_marker_text_and_legend_swatches_are_legible(page):
    """White digits on every status fill reach 4.5:1; the swatches differ from each other."""

    def lum(hex_: str) -> float:
        rgb = [int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    statuses = page.evaluate("cloudmap.data.statuses.map(s => [s.id, s.color])")
    for key, colour in statuses:
        if key != "announced":  # announced markers carry no digits
            assert (1.05) / (lum(colour) + 0.05) >= 4.5, key
    fills = page.evaluate(
        "[...document.querySelectorAll('.cm-legend .cm-s-swatch')].map(e => getComputedStyle(e).backgroundColor)"
    )
    assert len(set(fills)) == len(statuses)
