"""The shipped data is a contract: one test per record, pinned totals, reconciled headlines."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

import pytest

from cloudmap.footprint import reconcile
from cloudmap.model import Catalog
from cloudmap.project import Project, load_project
from cloudmap.schema import KINDS, PRECISIONS
from cloudmap.validate import load_catalog
from conftest import REPO

D = dt.date
ALIBABA = "alibaba-cloud"


@cache
def shipped() -> Catalog:
    return load_catalog(REPO, full=True)


@cache
def shipped_project() -> Project:
    return load_project(REPO)


def _region_keys():
    return [r.key for r in shipped().regions]


def _seed_ids():
    return sorted(shipped().announcements)


def test_the_shipped_data_validates_with_every_check(run):
    result = run("validate", "--root", str(REPO))
    assert result.err == ""
    assert result.code == 0


@pytest.mark.parametrize("key", _region_keys())
def test_region_record(key):
    catalog = shipped()
    r = catalog.lookup(key)
    assert r.key == key and r.provider in catalog.providers
    assert r.kind in KINDS
    assert r.sources, "every region cites a source"
    assert all(s.url.startswith(("https://", "http://")) for s in r.sources)
    assert all(s.supports.strip() for s in r.sources)
    assert r.location.precision in PRECISIONS
    assert r.location.source.strip()
    if r.launched is not None:
        assert r.zones or r.zones_by_count, "a launched region has zones (or a zone count)"
    if r.closed is not None:
        assert r.launched is not None
        assert r.live_zones(r.closed.effective) == ()
    for z in r.zones:
        assert z.id is None or z.id.startswith(r.id)
    assert (z.id is None for z in r.zones) if r.zones_by_count else all(z.id for z in r.zones)


@pytest.mark.parametrize("seed_id", _seed_ids())
def test_announcement_record(seed_id):
    c = shipped()
    a = c.announcements[seed_id]
    assert a.provider in c.providers
    assert a.sources and a.summary.strip() and a.title.strip()
    for what in ("opened", "closed", "closing", "expanding", "planned"):
        for ref in a.claims.get(what, []):
            if "region" in ref:
                assert c.get(f"{a.provider}:{ref['region']}") is not None, ref
            if "zone" in ref:
                zones = {z.id for r in c.regions if r.provider == a.provider for z in r.zones}
                assert ref["zone"] in zones, ref


def test_alibaba_may_2025_is_29_regions_and_87_zones(run):
    result = run(
        "stats", "--root", str(REPO), "--as-of", "2025-05-15", "--provider", ALIBABA, "--json"
    )
    data = json.loads(result.out)
    assert (data["regions"], data["zones"]) == (29, 87)


def test_alibaba_mid_2024_is_30_regions_and_89_zones():
    s = shipped_project().at(D(2024, 6, 30), ALIBABA).stats()
    assert (s["regions"], s["zones"]) == (30, 89)


def test_alibaba_october_2025_is_29_regions_and_92_zones():
    s = shipped_project().at(D(2025, 10, 28), ALIBABA).stats()
    assert (s["regions"], s["zones"]) == (29, 92)


def test_named_lifecycle_facts():
    c = shipped()
    mid_2024, may_2025 = D(2024, 6, 30), D(2025, 5, 15)
    a = f"{ALIBABA}:"
    assert c.lookup(a + "ap-southeast-2").is_live(mid_2024)
    assert c.lookup(a + "ap-southeast-2").status(may_2025) == "closed"
    assert c.lookup(a + "ap-south-1").status(may_2025) == "closed"
    assert c.lookup(a + "na-south-1").status(mid_2024) in (None, "announced")
    assert c.lookup(a + "na-south-1").status(may_2025) == "new"
    assert c.lookup(a + "na-south-1").country == "MX"
    assert c.lookup(a + "cn-hongkong").country == "HK"
    assert c.lookup(a + "me-central-1").kind == "partner-region"
    for local in ("cn-nanjing", "cn-fuzhou", "cn-wuhan-lr"):
        assert c.lookup(a + local).kind == "local-region"
    # Nanjing and Fuzhou: closing by mid-2026 (Alibaba's OSS and ECS tables), closed by the
    # review date (SLS and Cloud Control API label them "Decommissioned", as they do Sydney)
    for local in ("cn-nanjing", "cn-fuzhou"):
        assert c.lookup(a + local).status(D(2026, 6, 30)) == "closing"
        assert c.lookup(a + local).status(D(2026, 11, 27)) == "closed"
    # Atlanta is on the map, but outside Alibaba's headline totals (counting.exclude)
    atlanta = c.lookup(a + "us-southeast-1")
    assert atlanta.is_live(D(2026, 11, 27)) and c.counted(atlanta) == (False, False)
    th = c.lookup(a + "ap-southeast-7")
    assert len(th.live_zones(may_2025)) == 2
    assert {s.country for s in c.sites if s.provider == ALIBABA} >= {"BR", "FR", "NL"}


def test_every_dated_alibaba_total_matches_or_is_explained():
    rows = reconcile(shipped(), provider=ALIBABA)
    by_date = {r["as_of"][:7]: r for r in rows}
    assert by_date["2025-05"]["result"] == "match"
    assert by_date["2025-10"]["result"] == "match"
    assert any(k.startswith("2024-0") and r["result"] == "match" for k, r in by_date.items())
    for r in rows:
        assert r["result"] in ("match", "target") or (r["note"] and len(r["note"]) > 40), r


@pytest.mark.parametrize("provider", ["aws", "azure", "google-cloud", "huawei-cloud"])
def test_every_rival_reproduces_a_dated_headline_total(provider):
    rows = reconcile(shipped(), provider=provider)
    assert rows, f"{provider} records no headline total"
    for r in rows:
        assert r["result"] not in ("differs", "incomplete") or r["note"], r  # explained
    # at least one dated total reproduced: every check of a row, or the region count where the
    # zone count is incomplete (the provider publishes no zone counts)
    assert any(
        r["result"] == "match"
        or (r["result"] == "incomplete" and r["checks"][0]["difference"] == 0)
        for r in rows
    ), rows


# Changing the catalog's size is deliberate: update these numbers (and README) with it.
PINNED = {  # provider: (regions, zones listed or counted, announced sites, announcements)
    "alibaba-cloud": (37, 115, 4, 16),
    "aws": (41, 124, 2, 7),
    "azure": (80, 123, 6, 21),
    "google-cloud": (44, 133, 8, 14),
    "huawei-cloud": (37, 20, 0, 8),
    "tencent-cloud": (25, 71, 0, 3),
}


@pytest.mark.parametrize("provider", sorted(PINNED))
def test_pinned_counts(provider):
    c = shipped()
    regions = [r for r in c.regions if r.provider == provider]
    zones = sum(len(r.zones) for r in regions)
    sites = [s for s in c.sites if s.provider == provider]
    seeds = [a for a in c.announcements.values() if a.provider == provider]
    assert (len(regions), zones, len(sites), len(seeds)) == PINNED[provider]


def test_pinned_providers():
    assert sorted(shipped().providers) == sorted(PINNED)


@pytest.mark.parametrize("provider", sorted(PINNED))
def test_every_headline_total_matches_or_its_residual_is_explained(provider):
    rows = reconcile(shipped(), provider=provider)
    assert rows, f"{provider} records no dated headline total"
    for r in rows:
        if r["result"] in ("differs", "incomplete"):
            assert r["note"] and len(r["note"]) > 80, r["announcement"]


def test_the_readme_catalog_table_is_the_catalog():
    """README's "What is in the catalog" table, row by row, against the data (review finding
    D10: figures drifted)."""
    p = shipped_project()
    on = p.default_date
    text = (REPO / "README.md").read_text(encoding="utf-8")
    head = "| provider | regions in the file | live | counted live regions |"
    rows = text[text.index(head) :].split("\n\n")[0].splitlines()[2:]
    table = {r.split("|")[1].strip(): [c.strip() for c in r.split("|")[2:8]] for r in rows}
    expected = {}
    for pid in p.providers:
        s = p.at(on, pid).stats()
        mine = [r for r in p.catalog.regions if r.provider == pid]
        expected[p.catalog.providers[pid].name] = [
            str(len(mine)),
            str(sum(r.is_live(on) for r in mine)),
            str(s["regions"]),
            f"{s['zones']}{'+' if s['zones_unknown'] else ''}",
            str(s["countries"]),
            str(sum(x.provider == pid for x in p.catalog.sites_as_of(on))),
        ]
    assert table == expected
