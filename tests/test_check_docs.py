"""`cloudmap check-docs` on a saved region page of each of the six providers (tests/fixtures/docs,
sources in its README), the lifecycle labels in every form, and pages built to hurt."""

from __future__ import annotations

import json
import time

import pytest

from cloudmap.intake.docs_table import LIFECYCLE_LABELS, parse_docs_table
from conftest import FIXTURES, REPO

DOCS = FIXTURES / "docs"


def _check(run, page: str, *extra: str) -> tuple[int, dict]:
    r = run("check-docs", str(DOCS / page), "--json", "--root", str(REPO), *extra)
    assert r.code in (0, 3), r.err
    return r.code, json.loads(r.out)


@pytest.mark.parametrize(
    ("page", "provider", "regions", "zones"),
    [
        ("aws-regions.html", "aws", 7, 0),
        ("azure-regions-list.html", "azure", 7, 0),
        ("google-regions-zones.html", "google-cloud", 3, 10),
        ("huawei-regions-endpoints.html", "huawei-cloud", 4, 0),
        ("tencent-regions-zones.html", "tencent-cloud", 3, 7),
        ("sls-endpoints-en.html", "alibaba-cloud", 4, 0),
        ("ecs-regions-zones-ja.html", "alibaba-cloud", 3, 7),
        ("oss-regions-endpoints-en.html", "alibaba-cloud", 4, 0),
    ],
)
def test_each_providers_page_is_read_and_its_provider_recognised(
    run, page, provider, regions, zones
):
    _, out = _check(run, page, "--partial")
    assert (out["provider"], out["page_regions"], out["page_zones"]) == (provider, regions, zones)
    assert out["missing_in_catalog"] == []


def test_aws_codes_with_names_and_an_opt_in_column_that_is_no_lifecycle(run):
    code, out = _check(run, "aws-regions.html", "--partial")
    assert code == 0 and out["labels_disagree"] == [] and out["unknown_labels"] == []


def test_azure_names_identify_regions_and_coming_soon_icons_are_a_lifecycle(run):
    """Learn's list prints display names only; the 2025 page marked Austria East and Chile
    Central "coming soon", which the catalog (reviewed in late 2026) has as live."""
    code, out = _check(run, "azure-regions-list.html", "--partial")
    assert code == 3
    assert [(d["region"], d["page"], d["catalog"]) for d in out["labels_disagree"]] == [
        ("austriaeast", "announced", "live"),
        ("chilecentral", "announced", "live"),
    ]


def test_google_zone_rows_make_regions_with_their_zones(run):
    _, out = _check(run, "google-regions-zones.html", "--partial")
    assert out["zones_missing_in_catalog"] == [] and out["zones_not_on_page"] == []


def test_tencent_sold_out_is_not_a_closure_and_missing_zones_are_listed(run):
    _, out = _check(run, "tencent-regions-zones.html", "--partial")
    assert out["labels_disagree"] == [] and out["unknown_labels"] == []
    assert {z["zone"] for z in out["zones_not_on_page"]} == {"ap-guangzhou-5", "ap-guangzhou-7"}


def test_sls_decommissioned_labels_disagree_with_closing_regions(run):
    """Issue 22: SLS labels Nanjing and Fuzhou "Decommissioned" where other pages still say
    "Closing Down". Whatever the catalog decides, the page's word is read as closed."""
    code, out = _check(run, "sls-endpoints-en.html", "--partial")
    by = {d["region"]: d for d in out["labels_disagree"]}
    for rid in ("cn-nanjing", "cn-fuzhou"):
        if rid in by:
            assert (by[rid]["label"], by[rid]["page"]) == ("Decommissioned", "closed")
            assert (
                f"cloudmap region close alibaba-cloud:{rid} --date <DATE> --source <SOURCE-URL>"
                in out["commands"]
            )
    assert code == (3 if by else 0)


def test_a_region_on_the_page_but_not_in_the_catalog_gets_a_region_add(run, tmp_path):
    page = tmp_path / "aws.html"
    html = (
        (DOCS / "aws-regions.html")
        .read_text(encoding="utf-8")
        .replace(
            "</tbody>",
            "<tr><td><code>xx-north-9</code></td><td>Nowhere (North)</td><td>Required"
            "</td></tr></tbody>",
        )
    )
    page.write_text(html, encoding="utf-8")
    r = run("check-docs", str(page), "--partial", "--json", "--root", str(REPO))
    out = json.loads(r.out)
    assert r.code == 3
    assert out["missing_in_catalog"] == [
        {"region": "xx-north-9", "name": "Nowhere (North)", "zones": []}
    ]
    assert out["commands"] == [
        "cloudmap region add --id xx-north-9 --name 'Nowhere (North)' --city <CITY> --country <CC> "
        "--lat <LAT> --lon <LON> --launched <DATE> --zones <ZONE-IDS> --source <SOURCE-URL> "
        "--provider aws"
    ]


@pytest.mark.parametrize(
    ("label", "status"),
    [
        ("Closing Down", "closing"),
        ("Being decommissioned", "closing"),
        ("关停中", "closing"),
        ("關停中", "closing"),
        ("下线中", "closing"),
        ("サービス終了予定", "closing"),
        ("Decommissioned", "closed"),
        ("Closed", "closed"),
        ("已下线", "closed"),
        ("已下線", "closed"),
        ("已关停", "closed"),
        ("Coming soon", "announced"),
        ("Available", "live"),
        ("Sold out", "live"),
        ("Invitational preview", "unknown"),
        ("Beta", "unknown"),
    ],
)
def test_lifecycle_labels_in_a_status_column(label, status):
    html = (
        "<table><tr><th>Region</th><th>Region ID</th><th>Status</th></tr>"
        f"<tr><td>X</td><td>cn-x</td><td>{label}</td></tr></table>"
    )
    (row,) = parse_docs_table(html)
    assert (row.label, row.status) == (label, status)


def test_every_known_label_has_a_meaning():
    assert {v for v in LIFECYCLE_LABELS.values()} == {
        "live",
        "closing",
        "closed",
        "announced",
        None,
    }


def test_an_unknown_label_is_reported_as_unknown_never_guessed(run, tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<table><tr><th>Region</th><th>Region ID</th><th>Status</th></tr>"
        "<tr><td>China (Hangzhou)</td><td>cn-hangzhou</td><td>Migrating</td></tr></table>",
        encoding="utf-8",
    )
    r = run("check-docs", str(page), "--partial", "--json", "--root", str(REPO))
    out = json.loads(r.out)
    assert out["unknown_labels"] == [{"region": "cn-hangzhou", "label": "Migrating"}]
    assert out["labels_disagree"] == [] and out["commands"] == [] and r.code == 3
    text = run("check-docs", str(page), "--partial", "--root", str(REPO)).out
    assert (
        "  unknown label on the page: cn-hangzhou: 'Migrating' (not read as any status; check "
        "the page)" in text.splitlines()
    )


def test_a_huge_colspan_costs_nothing(run, tmp_path):
    """A 200-byte page asking for 300 million columns: refused or read, in linear time."""
    page = tmp_path / "bomb.html"
    page.write_text(
        '<table><tr><th>Region ID</th></tr><tr><td colspan="300000000">cn-hangzhou'
        '</td><td colspan="300000000">x</td></tr></table>',
        encoding="utf-8",
    )
    start = time.monotonic()
    r = run("check-docs", str(page), "--partial", "--root", str(REPO))
    assert time.monotonic() - start < 30
    assert r.code == 0, r.err


def test_terminal_escapes_from_a_page_are_shown_inert(run, tmp_path):
    page = tmp_path / "esc.html"
    page.write_text(
        "<table><tr><th>Region</th><th>Region ID</th></tr><tr><td>Evil\x1b]0;pwned"
        "\x07\x1b[2J\u202e</td><td>xx-evil-1</td></tr></table>",
        encoding="utf-8",
    )
    r = run("check-docs", str(page), "--partial", "--provider", "aws", "--root", str(REPO))
    assert "\x1b" not in r.out and "\x07" not in r.out and "\u202e" not in r.out
    assert "\\u001b" in r.out or "Evil" in r.out
