"""parse_docs_table on hand-made tables in the layout of Alibaba's documentation pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudmap.errors import CloudmapError
from cloudmap.intake import DocRow, parse_docs_table

DOCS = Path(__file__).resolve().parent / "fixtures" / "intake" / "docs"
SHARED = Path(__file__).resolve().parent / "fixtures" / "docs"


def _rows(name: str) -> dict[str, DocRow]:
    return {r.region_id: r for r in parse_docs_table((DOCS / name).read_text(encoding="utf-8"))}


def test_oss_english_labels():
    rows = _rows("oss-regions-endpoints-en.html")
    assert list(rows) == ["cn-hangzhou", "cn-nanjing", "cn-fuzhou", "me-east-1"]
    assert rows["cn-hangzhou"] == DocRow("cn-hangzhou", "China (Hangzhou)", (), None, "live")
    assert rows["cn-nanjing"] == DocRow(
        "cn-nanjing", "China (Nanjing - Local Region)", (), "Closing Down", "closing"
    )
    assert rows["cn-fuzhou"] == DocRow(
        "cn-fuzhou", "China (Fuzhou - Local Region)", (), "Being decommissioned", "closing"
    )
    assert (
        rows["me-east-1"].zone_ids == ()
    )  # endpoints such as oss-me-east-1-internal are not zones


def test_ecs_english_zones_and_a_decommissioned_label():
    rows = _rows("ecs-regions-zones-en.html")
    assert rows["cn-hangzhou"].zone_ids == ("cn-hangzhou-b", "cn-hangzhou-j", "cn-hangzhou-k")
    assert rows["me-east-1"].zone_ids == ("me-east-1a", "me-east-1b")
    assert rows["na-south-1"] == DocRow("na-south-1", "Mexico", ("na-south-1a",), None, "live")
    assert rows["ap-southeast-2"] == DocRow(
        "ap-southeast-2",
        "Australia (Sydney)",
        ("ap-southeast-2a", "ap-southeast-2b"),
        "Decommissioned",
        "closed",
    )
    assert len(rows) == 4  # the table without a region-id column is ignored


def test_ecs_chinese_rowspans_and_guanting():
    rows = _rows("ecs-regions-zones-zh.html")
    assert rows["cn-hangzhou"] == DocRow(
        "cn-hangzhou", "华东1(杭州)", ("cn-hangzhou-j", "cn-hangzhou-k"), None, "live"
    )
    assert rows["cn-nanjing"] == DocRow(
        "cn-nanjing", "华东5(南京-本地地域)", ("cn-nanjing-a",), "关停中", "closing"
    )
    assert rows["cn-fuzhou"] == DocRow(
        "cn-fuzhou", "华东6(福州-本地地域)", ("cn-fuzhou-a",), "关停中", "closing"
    )


def test_a_status_column_is_read_when_the_name_has_no_label():
    html = """<table><tr><th>Region</th><th>Region ID</th><th>Status</th></tr>
    <tr><td>China (Nanjing)</td><td>cn-nanjing</td><td>Closing Down</td></tr>
    <tr><td>China (Hangzhou)</td><td>cn-hangzhou</td><td></td></tr></table>"""
    rows = {r.region_id: r for r in parse_docs_table(html)}
    assert rows["cn-nanjing"].label == "Closing Down" and rows["cn-nanjing"].status == "closing"
    assert rows["cn-hangzhou"].status == "live"


def test_unknown_label_text_in_a_status_column_is_unknown_never_guessed():
    html = "<table><tr><th>Region</th><th>Region ID</th><th>Status</th></tr><tr><td>X</td><td>cn-x</td><td>Invitational preview</td></tr></table>"
    (row,) = parse_docs_table(html)
    assert row.label == "Invitational preview" and row.status == "unknown"


def test_page_without_tables_and_empty_page():
    assert parse_docs_table("<html><body><p>No tables</p></body></html>") == []
    with pytest.raises(CloudmapError, match="empty"):
        parse_docs_table("   ")


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="tests/fixtures/docs/ (shared fixtures) not in this clone yet"
)
def test_shared_fixture_tables_parse():
    """Every saved page of tests/fixtures/docs is read with its provider's catalog (a page that
    names regions only, as Azure's does, needs it: without a catalog only "Region ID" columns
    are read)."""
    from cloudmap.intake.checkdocs import guess_provider
    from cloudmap.intake.docs_table import RegionIndex, parse_tables, read_rows
    from cloudmap.validate import load_catalog

    catalog = load_catalog(Path(__file__).resolve().parents[1])
    pages = sorted(SHARED.glob("*.htm*"))
    assert len(pages) >= 10
    for page in pages:
        tables = parse_tables(page.read_text(encoding="utf-8", errors="replace"))
        provider = guess_provider(catalog, tables)
        assert provider, page.name
        rows = read_rows(tables, RegionIndex.from_catalog(catalog, provider))
        assert rows, page.name
        for r in rows:
            assert r.status in ("live", "closing", "closed", "announced"), (page.name, r)
