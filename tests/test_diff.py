"""Footprint diffs between two dates and between two versions of the catalog."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from cloudmap import edit
from cloudmap.diff import compare
from cloudmap.validate import load_catalog
from conftest import REPO

URL = "https://example.com/news"

MARKETS = """\
markets:
- id: americas
  name: Americas
  definition: North, Central and South America and the Caribbean (UN M49 019).
  m49: '019'
  countries: [BR, MX]
  sources:
  - url: https://unstats.un.org/unsd/methodology/m49/
    supports: M49 region 019
- id: oceania
  name: Oceania
  definition: UN M49 009 (abridged for the test).
  m49: '009'
  countries: [AU, NZ]
  sources:
  - url: https://unstats.un.org/unsd/methodology/m49/
    supports: M49 region 009
"""


def region(rid, name, cc, date, **extra):
    return {"id": rid, "name": name, "country": cc, "provider": "testcloud", "date": date} | extra


def zone(zid, rid, date):
    return {"id": zid, "region": rid, "provider": "testcloud", "date": date}


def test_text_between_two_dates(mini, run):
    (mini / "data/markets.yaml").write_text(MARKETS, encoding="utf-8")
    result = run("diff", "--root", str(mini), "--from", "2024-12-31", "--to", "2025-04-30")
    assert (result.code, result.err) == (0, "")
    assert (
        result.out
        == """\
Footprint changes from 2024-12-31 to 2025-04-30
Totals: regions 1, zones 2 -> 1, countries 1

Regions opened: 1
  mx-central-1  Mexico (Queretaro), MX  2025-02-19

Regions closing (closure announced): none

Regions closed: 1
  au-east-1  Australia (Sydney), AU  2025-03-31 (closure announced 2024-06-01)

Regions announced: none

Zones opened: 1
  mx-central-1a  (mx-central-1)  2025-02-19

Zones closed: 2
  au-east-1a  (au-east-1)  2025-03-31
  au-east-1b  (au-east-1)  2025-03-31

Sites announced: none

Countries newly hosting a region: MX
Countries no longer hosting a region: AU

Market coverage: 2 of 2 markets changed
  Americas: countries hosting 0 -> 1 (+MX), live zones 0 -> 1
  Oceania: countries hosting 1 -> 0 (-AU), live zones 2 -> 0
"""
    )


def test_json_has_stable_keys_and_sorted_lists(mini, run):
    (mini / "data/markets.yaml").write_text(MARKETS, encoding="utf-8")
    argv = ("diff", "--root", str(mini), "--from", "2024-12-31", "--to", "2025-04-30", "--json")
    result = run(*argv)
    assert result.code == 0
    assert run(*argv).out == result.out  # deterministic
    data = json.loads(result.out)
    assert list(data) == [
        "from",
        "to",
        "totals",
        "regions",
        "zones",
        "sites",
        "countries",
        "markets",
    ]
    assert data == {
        "from": {"as_of": "2024-12-31", "catalog": "current"},
        "to": {"as_of": "2025-04-30", "catalog": "current"},
        "totals": {
            "regions": {"before": 1, "after": 1},
            "zones": {"before": 2, "after": 1, "before_known": True, "after_known": True},
            "countries": {"before": 1, "after": 1},
        },
        "regions": {
            "opened": [region("mx-central-1", "Mexico (Queretaro)", "MX", "2025-02-19")],
            "closing": [],
            "closed": [
                region(
                    "au-east-1",
                    "Australia (Sydney)",
                    "AU",
                    "2025-03-31",
                    closure_announced="2024-06-01",
                )
            ],
            "announced": [],
            "removed": [],
            "reverted": [],
        },
        "zones": {
            "opened": [zone("mx-central-1a", "mx-central-1", "2025-02-19")],
            "closed": [
                zone("au-east-1a", "au-east-1", "2025-03-31"),
                zone("au-east-1b", "au-east-1", "2025-03-31"),
            ],
            "removed": [],
            "counts_published": [],
        },
        "sites": {"announced": []},
        "countries": {"new": ["MX"], "lost": ["AU"]},
        "markets": [
            {
                "name": "Americas",
                "countries_targeted": 2,
                "countries_hosting": {"before": 0, "after": 1},
                "hosting_added": ["MX"],
                "hosting_lost": [],
                "live_zones": {"before": 0, "after": 1},
                "changed": True,
            },
            {
                "name": "Oceania",
                "countries_targeted": 2,
                "countries_hosting": {"before": 1, "after": 0},
                "hosting_added": [],
                "hosting_lost": ["AU"],
                "live_zones": {"before": 2, "after": 0},
                "changed": True,
            },
        ],
    }


def test_closing_and_announced(mini, run):
    data = json.loads(
        run("diff", "--root", str(mini), "--from", "2024-01-01", "--to", "2024-12-31", "--json").out
    )
    assert data["regions"] == {
        "opened": [],
        "closing": [
            region("au-east-1", "Australia (Sydney)", "AU", "2024-06-01", closes="2025-03-31")
        ],
        "closed": [],
        "announced": [region("mx-central-1", "Mexico (Queretaro)", "MX", "2024-10")],
        "removed": [],
        "reverted": [],
    }
    assert data["zones"] == {"opened": [], "closed": [], "removed": [], "counts_published": []}
    out = run("diff", "--root", str(mini), "--from", "2024-01-01", "--to", "2024-12-31").out
    assert (
        "Regions closing (closure announced): 1\n  au-east-1  Australia (Sydney), AU  "
        "2024-06-01 (closes 2025-03-31)\n" in out
    )
    assert "Regions announced: 1\n  mx-central-1  Mexico (Queretaro), MX  2024-10\n" in out


def test_sites_announced(mini, run):
    out = run("diff", "--root", str(mini), "--from", "2025-06-01", "--to", "2025-12-31").out
    assert "\nSites announced: 1\n  br-2025  BR  2025-09-24\n" in out
    edit.add_region(
        mini,
        id="br-east-1",
        name="Brazil",
        city="São Paulo",
        country="BR",
        lat=-23.5475,
        lon=-46.6361,
        launched="2026-03",
        zones=["a"],
        source=URL,
        site="br-2025",
    )
    out = run("diff", "--root", str(mini), "--from", "2025-06-01", "--to", "2026-06-30").out
    assert "\nSites announced: 1\n  br-2025  BR  2025-09-24 (now region br-east-1)\n" in out
    assert "\nCountries newly hosting a region: BR\n" in out


def test_base_folder_against_edits(mini, run, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(mini, base)
    edit.add_zone(mini, "mx-central-1", zone="b", opened="2025-06", source=URL)
    edit.close_region(mini, "cn-east-9", date="2025-04-01", source=URL)
    result = run("diff", "--root", str(mini), "--base", str(base), "--to", "2025-12-31", "--json")
    data = json.loads(result.out)
    assert data["from"] == {"as_of": "2025-12-31", "catalog": str(base)}
    assert data["to"] == {"as_of": "2025-12-31", "catalog": "current"}
    assert data["totals"]["zones"] == {
        "before": 1,
        "after": 2,
        "before_known": True,
        "after_known": True,
    }  # local regions are not counted
    assert data["zones"]["opened"] == [zone("mx-central-1b", "mx-central-1", "2025-06")]
    assert data["zones"]["closed"] == [zone("cn-east-9a", "cn-east-9", "2025-04-01")]
    closed = {
        "id": "cn-east-9",
        "name": "China (Hangzhou local)",
        "country": "CN",
        "provider": "testcloud",
        "date": "2025-04-01",
        "closure_announced": None,
    }
    assert data["regions"]["closed"] == [closed]
    text = run("diff", "--root", str(mini), "--base", str(base), "--to", "2025-12-31").out
    assert text.splitlines()[:2] == [
        f"Footprint changes from 2025-12-31 to 2025-12-31 (catalog {base} -> current)",
        "Totals: regions 1, zones 1 -> 2, countries 1",
    ]


def test_base_has_a_region_the_current_catalog_dropped(mini, run, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(mini, base)
    path = mini / "data/testcloud.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("- id: au-east-1\n"), text.index("- id: cn-east-9\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    data = json.loads(
        run("diff", "--root", str(mini), "--base", str(base), "--to", "2024-01-01", "--json").out
    )
    assert data["regions"]["removed"] == [
        {
            "id": "au-east-1",
            "name": "Australia (Sydney)",
            "country": "AU",
            "provider": "testcloud",
            "date": None,
            "was": "live",
        },
    ]
    assert data["zones"]["removed"] == [
        zone("au-east-1a", "au-east-1", None),
        zone("au-east-1b", "au-east-1", None),
    ]
    assert data["countries"] == {"new": [], "lost": ["AU"]}
    out = run("diff", "--root", str(mini), "--base", str(base), "--to", "2024-01-01").out
    assert (
        "\nRegions no longer in the catalog: 1\n  au-east-1  Australia (Sydney), AU  "
        "(was live)\n" in out
    )


def test_base_with_a_closure_the_current_catalog_undid(mini, run, tmp_path):
    """A closure recorded in error and removed: the region moves from closed back to live, and
    the diff says so (the totals alone would change unexplained)."""
    base = tmp_path / "base"
    shutil.copytree(mini, base)
    path = mini / "data/testcloud.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "  closure_announced: 2024-06-01\n  closed: 2025-03-31\n",
            "  closure_announced: null\n  closed: null\n",
        ),
        encoding="utf-8",
    )
    out = run("diff", "--root", str(mini), "--base", str(base), "--to", "2025-05-15").out
    assert (
        "\nRegions whose recorded event was undone: 1\n  au-east-1  Australia (Sydney), AU  "
        "(closed 2025-03-31 removed; now live)\n" in out
    )
    assert "regions 1 -> 2" in out.splitlines()[1]


def test_zone_counts_that_become_known_are_not_openings(mini, run):
    path = mini / "data/testcloud.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  launched: 2016-12\n", "  launched: 2016-12\n  zones_since: 2019-06\n", 1),
        encoding="utf-8",
    )
    data = json.loads(
        run("diff", "--root", str(mini), "--from", "2019-01-01", "--to", "2020-01-01", "--json").out
    )
    assert data["zones"]["opened"] == []
    assert data["zones"]["counts_published"] == [
        {"id": "au-east-1", "region": "au-east-1", "provider": "testcloud", "date": "2019-06"}
    ]
    assert data["totals"]["zones"] == {
        "before": 1,
        "after": 2,
        "before_known": False,
        "after_known": True,
    }
    text_out = run("diff", "--root", str(mini), "--from", "2019-01-01", "--to", "2020-01-01").out
    assert "zones 1+ -> 2" in text_out


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _commit_all(repo: Path) -> None:
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "catalog")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_base_git_revision(mini, tmp_path, run):
    _commit_all(tmp_path)  # the project folder (tmp_path/mini) need not be the repository's top
    edit.add_zone(mini, "mx-central-1", zone="b", opened="2025-06", source=URL)
    result = run("diff", "--root", str(mini), "--base", "HEAD", "--to", "2025-12-31", "--json")
    assert (result.code, result.err) == (0, "")
    data = json.loads(result.out)
    assert data["from"] == {"as_of": "2025-12-31", "catalog": "HEAD"}
    assert data["zones"]["opened"] == [zone("mx-central-1b", "mx-central-1", "2025-06")]
    assert data["regions"]["opened"] == []
    # --from with --base: the old catalog as of an earlier date
    data = json.loads(
        run(
            "diff",
            "--root",
            str(mini),
            "--base",
            "HEAD",
            "--from",
            "2024-12-31",
            "--to",
            "2025-12-31",
            "--json",
        ).out
    )
    assert [z["id"] for z in data["zones"]["opened"]] == ["mx-central-1a", "mx-central-1b"]
    assert [r["id"] for r in data["regions"]["closed"]] == ["au-east-1"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_base_revision_with_problems_names_the_revision(mini, run):
    path = mini / "data/testcloud.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("country: MX", "country: XX"), encoding="utf-8")
    _commit_all(mini)
    path.write_text(good, encoding="utf-8")
    result = run("diff", "--root", str(mini), "--base", "HEAD", "--to", "2025-12-31")
    assert result.code == 1
    assert result.err.splitlines() == [
        "HEAD:data/testcloud.yaml:14: mx-central-1: country: 'XX' is not an ISO 3166-1 alpha-2 "
        "code (use the two-letter code, e.g. MX)",
        "Error: 1 problem found; nothing was written",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--to", "2025-01-01"],
            "Error: give --from DATE, or --base REV|PATH to compare with another version\n",
        ),
        (
            ["--from", "2025-02-01", "--to", "2025-01-01"],
            "Error: --from 2025-02-01 is after --to 2025-01-01\n",
        ),
        (
            ["--base", "no-such-rev", "--to", "2025-01-01"],
            "Error: --base no-such-rev: not a project folder (with data/ and seeds/) nor a git "
            "revision of {root}\n",
        ),
    ],
)
def test_bad_arguments(mini, run, argv, message):
    result = run("diff", "--root", str(mini), *argv)
    assert (result.code, result.out) == (1, "")
    assert result.err == message.format(root=mini)


def test_bad_date_is_a_usage_error(mini, run):
    result = run("diff", "--root", str(mini), "--from", "2025-13-01")
    assert result.code == 2
    assert "argument --from: '2025-13-01' is not a date; write YYYY-MM-DD" in result.err


def test_compare_uses_the_markets_of_the_later_catalog(mini):
    import dataclasses

    catalog = load_catalog(mini)
    latam = SimpleNamespace(countries=("BR", "MX"))
    after = dataclasses.replace(catalog, markets={"Latin America": latam})
    report = compare(catalog, dt.date(2025, 1, 1), after, dt.date(2025, 3, 1))
    assert report["markets"] == [
        {
            "name": "Latin America",
            "countries_targeted": 2,
            "countries_hosting": {"before": 0, "after": 1},
            "hosting_added": ["MX"],
            "hosting_lost": [],
            "live_zones": {"before": 0, "after": 1},
            "changed": True,
        }
    ]


@pytest.mark.skipif(not (REPO / "data/alibaba-cloud.yaml").exists(), reason="no real data yet")
def test_real_data_mid_2024_to_may_2025(run):
    result = run(
        "diff",
        "--root",
        str(REPO),
        "--from",
        "2024-06-30",
        "--to",
        "2025-05-15",
        "--provider",
        "alibaba-cloud",
        "--json",
    )
    assert (result.code, result.err) == (0, "")
    data = json.loads(result.out)
    closed = {r["id"]: r for r in data["regions"]["closed"]}
    assert {"ap-southeast-2", "ap-south-1"} <= set(closed)  # Sydney and Mumbai
    assert closed["ap-southeast-2"]["country"] == "AU"
    assert closed["ap-south-1"]["country"] == "IN"
    assert "na-south-1" in {r["id"] for r in data["regions"]["opened"]}  # Mexico
    opened = {z["id"]: z for z in data["zones"]["opened"]}
    assert opened["ap-southeast-7b"]["region"] == "ap-southeast-7"  # second Bangkok zone
    # Sydney's zone ids are public; Mumbai's two zones are a count (ids not published), so the
    # diff follows only Sydney's by id
    assert {"ap-southeast-2a", "ap-southeast-2b"} <= {z["id"] for z in data["zones"]["closed"]}
    assert not any(z["region"] == "ap-south-1" for z in data["zones"]["closed"])
    assert "MX" in data["countries"]["new"]
    assert {"AU", "IN"} <= set(data["countries"]["lost"])
    text = run(
        "diff",
        "--root",
        str(REPO),
        "--from",
        "2024-06-30",
        "--to",
        "2025-05-15",
        "--provider",
        "alibaba-cloud",
    ).out
    assert "  ap-southeast-2  Australia (Sydney), AU  " in text
    assert "  ap-southeast-7b  (ap-southeast-7)  " in text
