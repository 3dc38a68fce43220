"""The footprint changelog lists every dated change, newest first, escaped and sourced."""

from __future__ import annotations

import json

from cloudmap.changelog import events, to_json
from cloudmap.project import load_project
from cloudmap.render import render_changelog
from cloudmap.validate import load_catalog


def test_events_are_newest_first_and_skip_zones_that_opened_with_their_region(mini):
    got = [(e.date.text, e.kind, e.subject) for e in events(load_catalog(mini))]
    assert got == [
        ("2025-09-24", "site_announced", "br-2025"),
        ("2025-03-31", "closed", "au-east-1"),
        ("2025-02-19", "launched", "mx-central-1"),
        ("2024-10", "announced", "mx-central-1"),
        ("2024-06-01", "closure_announced", "au-east-1"),
        ("<=2020-06", "launched", "cn-east-9"),
        ("2018", "zone_opened", "au-east-1b"),
        ("2016-12", "launched", "au-east-1"),
    ]


def test_html_escapes_catalog_text_and_links_sources(mini):
    path = mini / "data" / "testcloud.yaml"
    path.write_text(
        path.read_text().replace(
            "name: Mexico (Queretaro)", "name: \"<script>alert('x')</script> & co\""
        )
    )
    project = load_project(mini)
    page = render_changelog(project.catalog, events(project.catalog))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in page
    # a source link shows its site, and says what the source supports on hover
    assert (
        '<a href="https://example.com/mexico" rel="noopener noreferrer" title="launch date">'
        "example.com</a>" in page
    )
    assert page.count('<tr class="event"') == 8


def test_json_is_canonical_and_typed(mini):
    rows = json.loads(to_json(events(load_catalog(mini))))
    assert rows[0] == {
        "country": "BR",
        "date": "2025-09-24",
        "date_precision": "day",
        "date_qualifier": None,
        "event": "site announced",
        "id": "br-2025",
        "name": "Brazil",
        "provider": "testcloud",
        "region": None,
        "sources": ["https://example.com/brazil"],
    }
    bound = next(r for r in rows if r["id"] == "cn-east-9")
    assert (bound["date"], bound["date_precision"], bound["date_qualifier"]) == (
        "2020-06",
        "month",
        "no later than",
    )
