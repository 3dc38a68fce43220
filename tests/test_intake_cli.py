"""`cloudmap announce draft` and `cloudmap check-docs` as users run them: the JSON contract, the
reconciliation with the catalog, the proposed commands, --write, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, tree_digest

CORPUS = Path(__file__).resolve().parent / "fixtures" / "intake" / "corpus"
DOCS = Path(__file__).resolve().parent / "fixtures" / "docs"
URL = "https://example.com/news/apsara"
KEYS = [
    "language",
    "date",
    "claims",
    "sites",
    "investment",
    "markets",
    "others",
    "provider",
    "title",
    "source",
    "reconcile",
    "commands",
]


def _draft(run, *args: str) -> dict:
    result = run("announce", "draft", *args, "--root", str(REPO), "--json")
    assert (result.code, result.err) == (0, ""), result.err
    return json.loads(result.out)


def test_a_french_article_becomes_a_proposal_with_its_residual(run):
    data = _draft(
        run, str(CORPUS / "fr" / "02-apsara-bresil-france-pays-bas.html"), "--source", URL
    )
    assert list(data) == KEYS
    assert (data["language"], data["date"], data["claims"]) == (
        "fr",
        "2025-09-24",
        {"regions": 29, "zones": 91, "target": False},
    )
    assert (data["provider"], data["others"]) == ("alibaba-cloud", [])
    planned = sorted(s["country"] for s in data["sites"] if s["event"] == "planned")
    assert planned == ["BR", "FR", "NL"]
    rec = data["reconcile"]
    # the catalog has 90 zones on that day (the seed explains why): the draft says so, and names
    # the dated zones around it that could explain the gap
    assert rec["result"] == "differs" and rec["as_of"] == "2025-09-24"
    assert {c["what"]: (c["claimed"], c["catalog"]) for c in rec["checks"]} == {
        "regions": (29, 29),
        "zones": (91, 90),
    }
    assert "zone me-east-1b opened 2025-10-14" in rec["candidates"]
    assert "zone ap-southeast-6b opened <=2025-10-28" in rec["candidates"]
    add = data["commands"][0]
    assert add.startswith("cloudmap announce add --date 2025-09-24 --title ")
    assert f"--source {URL}" in add and "--provider alibaba-cloud" in add
    assert "--claim regions=29 --claim zones=91" in add
    assert add.endswith("--site BR --site FR --site NL")


def test_an_english_article_that_matches_the_catalog(run):
    data = _draft(run, str(CORPUS / "en" / "04-dubai-second-dc.txt"), "--source", URL)
    assert data["date"] == "2025-10-14"
    assert data["reconcile"]["result"] == "differs"  # 92 claimed; Manila b is dated <=2025-10-28
    assert {c["what"]: c["claimed"] for c in data["reconcile"]["checks"]} == {
        "regions": 29,
        "zones": 92,
    }
    # an opening where the region exists: a new zone for Dubai's region
    assert any(
        c.startswith(
            "cloudmap region add-zone alibaba-cloud:me-east-1 --zone <ZONE-ID> --opened 2025-10-14"
        )
        for c in data["commands"]
    )


def test_text_output_is_a_short_proposal(run):
    result = run(
        "announce", "draft", str(CORPUS / "en" / "01-mexico-region-opens.txt"), "--root", str(REPO)
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("Article (en, ")
    assert "  totals: 29 regions, 87 zones" in lines
    assert "To record it (review, fill the <...> parts, then run):" in lines
    assert any(line.startswith("  cloudmap announce add ") for line in lines)


def test_the_date_option_stands_in_when_the_article_has_none(run, tmp_path):
    art = tmp_path / "a.txt"
    art.write_text(
        "Alibaba Cloud now runs 91 availability zones in 29 regions worldwide.\n", encoding="utf-8"
    )
    data = _draft(run, str(art), "--date", "2025-09-24")
    assert data["date"] == "2025-09-24" and data["reconcile"]["as_of"] == "2025-09-24"


def test_standard_input(run, monkeypatch):
    import io
    import sys

    text = (CORPUS / "en" / "01-mexico-region-opens.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    data = _draft(run, "-")
    assert data["claims"] == {"regions": 29, "zones": 87, "target": False}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Error: {path}: the article is empty"),
        (
            b"\x00\x01\x02 binary",
            "Error: {path}: binary data (NUL bytes), not a text, Markdown or HTML article",
        ),
        (
            b"Alibaba opened an office in Paris to help fashion brands sell to shoppers in China.",
            "Error: {path}: found no region or zone totals, data-centre sites or investment figures "
            "of alibaba-cloud (language: en); is it about a cloud footprint? Nothing to propose",
        ),
        (
            "Alibaba Cloud eröffnet ein neues Rechenzentrum in Frankfurt und erweitert seine Präsenz "
            "in Europa auf drei Regionen mit sechs Verfügbarkeitszonen.".encode(),
            "Error: {path}: the article is in German, which cloudmap does not read (it reads en, fr, "
            "es, pt, zh, ja, ko); translate it or record it by hand with `cloudmap announce add`",
        ),
    ],
)
def test_bad_articles_are_refused_with_a_message(run, tmp_path, content, message):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    result = run("announce", "draft", str(path), "--root", str(REPO))
    assert (result.code, result.out) == (1, "")
    assert result.err == message.format(path=path) + "\n"


def test_write_records_the_announcement_after_validation(run, repo_copy):
    article = str(CORPUS / "fr" / "02-apsara-bresil-france-pays-bas.html")
    before = tree_digest(repo_copy)
    assert run("announce", "draft", article, "--root", str(repo_copy)).code == 0
    assert tree_digest(repo_copy) == before  # nothing written without --write
    result = run("announce", "draft", article, "--source", URL, "--write", "--root", str(repo_copy))
    assert result.code == 0, result.err
    [seed] = (repo_copy / "seeds").glob("2025-09-24-alibaba-cloud-ouvrira-*.yaml")
    text = seed.read_text(encoding="utf-8")
    assert "totals: {regions: 29, zones: 91}" in text and URL in text
    assert run("validate", "--root", str(repo_copy)).code == 0
    # the same article again: the same date and title are refused, nothing written
    after = tree_digest(repo_copy)
    again = run("announce", "draft", article, "--source", URL, "--write", "--root", str(repo_copy))
    assert again.code == 1 and tree_digest(repo_copy) == after


def test_write_needs_a_source_url(run, repo_copy):
    result = run(
        "announce",
        "draft",
        str(CORPUS / "en" / "01-mexico-region-opens.txt"),
        "--date",
        "2025-02-19",
        "--write",
        "--root",
        str(repo_copy),
    )
    assert result.code == 1
    assert result.err.endswith("Error: --write needs the article's URL: pass --source URL\n")


# --------------------------------------------------------------------------- check-docs


def test_check_docs_finds_closing_labels_the_catalog_lacks(run, repo_copy):
    data = repo_copy / "data" / "alibaba-cloud.yaml"
    text = data.read_text(encoding="utf-8")
    # the catalog as it was before the audit: Nanjing and Fuzhou not known to be closing (or closed)
    data.write_text(
        text.replace("closure_announced: <=2026-05-29", "closure_announced: null").replace(
            "closed: <=2026-11-26", "closed: null"
        ),
        encoding="utf-8",
    )
    result = run(
        "check-docs",
        str(DOCS / "oss-regions-endpoints-en.html"),
        "--partial",
        "--json",
        "--root",
        str(repo_copy),
    )
    assert result.code == 3, result.err  # differences found
    out = json.loads(result.out)
    assert out["labels_disagree"] == [
        {
            "region": "cn-fuzhou",
            "label": "Being decommissioned",
            "page": "closing",
            "catalog": "live",
        },
        {"region": "cn-nanjing", "label": "Closing Down", "page": "closing", "catalog": "live"},
    ]
    assert out["commands"] == [
        "cloudmap region update alibaba-cloud:cn-fuzhou --closure-announced <DATE> --source "
        "<SOURCE-URL>",
        "cloudmap region update alibaba-cloud:cn-nanjing --closure-announced <DATE> --source "
        "<SOURCE-URL>",
    ]


def test_a_page_without_lifecycle_labels_says_nothing_about_status(run):
    """The English ECS page prints no labels: Fuzhou (closing in the catalog) is not "live"."""
    result = run(
        "check-docs",
        str(DOCS / "ecs-regions-zones-en.html"),
        "--partial",
        "--json",
        "--root",
        str(REPO),
    )
    assert result.code == 3, result.err  # zones the reconstruction lacks
    out = json.loads(result.out)
    assert out["page_regions"] == 6 and out["missing_in_catalog"] == []
    assert out["labels_disagree"] == []


def test_an_unknown_status_text_is_not_read_as_a_closure(run, tmp_path):
    page = tmp_path / "status.html"
    page.write_text(
        "<html><body><table><tr><th>Region</th><th>Region ID</th><th>Status</th><th>Zones</th>"
        "</tr><tr><td>China (Hangzhou)</td><td>cn-hangzhou</td><td>Available</td>"
        "<td>cn-hangzhou-b</td></tr><tr><td>China (Shanghai)</td><td>cn-shanghai</td>"
        "<td>Closed</td><td>cn-shanghai-a</td></tr></table></body></html>",
        encoding="utf-8",
    )
    out = json.loads(run("check-docs", str(page), "--partial", "--json", "--root", str(REPO)).out)
    assert [d["region"] for d in out["labels_disagree"]] == ["cn-shanghai"]  # "Closed" is known
    assert not any("cn-hangzhou " in c and " close " in c for c in out["commands"])


def test_check_docs_against_the_full_chinese_zone_table(run):
    result = run(
        "check-docs", str(DOCS / "ecs-regions-zones-zh.html"), "--json", "--root", str(REPO)
    )
    assert result.code == 3, result.err  # the late-2025 table lacks newer regions
    out = json.loads(result.out)
    assert (out["page_regions"], out["page_zones"]) == (29, 92)
    assert out["missing_in_catalog"] == [] and out["zones_missing_in_catalog"] == []
    # the late-2025 table predates these (and never lists Atlanta or the Zhengzhou JV)
    assert {r["region"] for r in out["missing_on_page"]} == {
        "ap-southeast-8",
        "cn-zhengzhou-jva",
        "cn-zhongwei",
        "eu-west-2",
        "sa-east-1",
        "us-southeast-1",
    }
    # the page predates the closure: it still says closing where the catalog (from later pages
    # labelled "Decommissioned") says closed
    assert out["labels_disagree"] == [
        {"region": "cn-fuzhou", "label": "关停中", "page": "closing", "catalog": "closed"},
        {"region": "cn-nanjing", "label": "关停中", "page": "closing", "catalog": "closed"},
    ]


def test_check_docs_text_and_a_page_without_a_table(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>No table here.</p></body></html>", encoding="utf-8")
    result = run("check-docs", str(page), "--root", str(REPO))
    assert (result.code, result.err) == (
        1,
        f"Error: {page}: no region table found (no table on "
        "the page lists a region id or name of a catalog "
        "provider); if it is one provider's region table, "
        "name that provider\n",
    )
    agreeing = tmp_path / "agreeing.html"
    agreeing.write_text(
        "<html><body><table><tr><th>Region</th><th>Region ID</th></tr><tr><td>"
        "China (Hangzhou)</td><td>cn-hangzhou</td></tr></table></body></html>",
        encoding="utf-8",
    )
    ok = run("check-docs", str(agreeing), "--partial", "--root", str(REPO))
    assert ok.out.splitlines()[1] == "  the catalog agrees with the page"
    stale = run(
        "check-docs", str(DOCS / "oss-regions-endpoints-en.html"), "--partial", "--root", str(REPO)
    )
    assert stale.out.splitlines()[1] == (
        "  status differs: cn-fuzhou: page says closing (Being decommissioned), catalog says closed"
    )


def test_repo_copy_fixture_is_independent(repo_copy):
    assert (repo_copy / "data").is_dir() and shutil.which("git") is not None
