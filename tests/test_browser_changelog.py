"""The changelog page in headless Chromium: filters by provider, country, event kind and year,
and source links that show their site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browser_support import built_site, close_clean, new_page, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium):
    p = new_page(chromium, None)
    p.goto((built_site("default").parent / "changelog.html").as_uri())
    yield p
    close_clean(p)


def _visible(p) -> list[dict]:
    return p.evaluate(
        "[...document.querySelectorAll('tr.event')].filter(r => !r.hidden).map(r => ({...r.dataset}))"
    )


def test_filters_combine_and_the_count_follows(page):
    total = page.locator("tr.event").count()
    assert page.text_content("#shown") == f"{total} events"
    page.select_option("select[name=provider]", "aws")
    rows = _visible(page)
    assert rows and all(r["provider"] == "aws" for r in rows) and len(rows) < total
    assert page.text_content("#shown") == f"{len(rows)} events"
    page.select_option("select[name=country]", "DE")
    page.select_option("select[name=event]", "launched")
    rows = _visible(page)
    assert rows and all(r["country"] == "DE" and r["event"] == "launched" for r in rows)
    page.select_option("select[name=year]", rows[0]["year"])
    assert all(r["year"] == rows[0]["year"] for r in _visible(page))
    for name in ("provider", "country", "event", "year"):
        page.select_option(f"select[name={name}]", "")
    assert len(_visible(page)) == total
    shot(page, "changelog")


def test_source_links_show_their_site(page):
    links = page.evaluate(
        "[...document.querySelectorAll('.src a')].slice(0, 200).map(a => [a.textContent, a.href])"
    )
    assert links
    for text, href in links:
        assert text == urlsplit(href).hostname
