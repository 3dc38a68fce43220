"""The shipped data is a contract: one test per record, pinned totals, reconciled headlines."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest

from cloudmap.footprint import reconcile, stats
from cloudmap.model import Catalog
from cloudmap.catalog import load_catalog
from conftest import REPO

D = dt.date


@cache
def shipped() -> Catalog:
    return load_catalog(REPO)


def _region_ids():
    return [r.id for r in shipped().regions]


def _seed_ids():
    return sorted(shipped().announcements)


def test_the_shipped_data_validates_with_every_check(run):
    result = run("validate", "--root", str(REPO))
    assert result.err == ""
    assert result.code == 0


@pytest.mark.parametrize("region_id", _region_ids())
def test_region_record(region_id):
    catalog = shipped()
    r = catalog.lookup(region_id)
    assert r.provider == "alibaba-cloud"
    assert r.sources, "every region cites a source"
    assert all(s.url.startswith("https://") or s.url.startswith("http://") for s in r.sources)
    assert r.location.precision in ("facility", "metro", "admin-area")
    assert r.location.source.strip()
    if r.launched is not None:
        assert r.zones, "a launched region has zones"
    if r.closed is not None:
        assert r.launched is not None
        assert r.live_zones(r.closed.effective) == ()
    for z in r.zones:
        assert z.id.startswith(r.id)


@pytest.mark.parametrize("seed_id", _seed_ids())
def test_announcement_record(seed_id):
    a = shipped().announcements[seed_id]
    assert a.sources and a.summary.strip() and a.title.strip()
    for ref in a.claims.get("opened", []) + a.claims.get("closed", []):
        if "region" in ref:
            assert shipped().get(ref["region"]) is not None, ref
        if "zone" in ref:
            assert any(z.id == ref["zone"] for r in shipped().regions for z in r.zones), ref


def test_the_may_2025_announcement_reconciles_to_29_regions_and_87_zones(run):
    import json

    result = run("stats", "--root", str(REPO), "--as-of", "2025-05-15", "--json")
    data = json.loads(result.out)
    assert (data["regions"], data["zones"]) == (29, 87)


def test_mid_2024_is_30_regions_and_89_zones():
    s = stats(shipped(), D(2024, 6, 30))
    assert (s["regions"], s["zones"]) == (30, 89)


def test_named_lifecycle_facts():
    c = shipped()
    mid_2024, may_2025 = D(2024, 6, 30), D(2025, 5, 15)
    assert c.lookup("ap-southeast-2").is_live(mid_2024)
    assert c.lookup("ap-southeast-2").status(may_2025) == "closed"
    assert c.lookup("ap-south-1").status(may_2025) == "closed"
    assert c.lookup("na-south-1").status(mid_2024) in (None, "announced")
    assert c.lookup("na-south-1").status(may_2025) == "new"
    assert c.lookup("na-south-1").country == "MX"
    assert c.lookup("cn-hongkong").country == "HK"
    assert c.lookup("me-central-1").kind == "partner-region"
    for local in ("cn-nanjing", "cn-fuzhou", "cn-wuhan-lr"):
        assert c.lookup(local).kind == "local-region"
    th = c.lookup("ap-southeast-7")
    assert len(th.live_zones(may_2025)) == 2
    assert {s.country for s in c.sites} >= {"BR", "FR", "NL"}


def test_headline_claims_reconcile_for_mid_2024_and_may_2025():
    rows = {r["announcement"]: r for r in reconcile(shipped())}
    by_date = {r["as_of"][:7]: r for r in rows.values()}
    assert by_date["2025-05"]["result"] == "match"
    assert any(k.startswith("2024-0") and r["result"] == "match" for k, r in by_date.items())


def test_pinned_counts():
    """Changing the catalog's size is deliberate: update these numbers (and README) with it."""
    c = shipped()
    assert len(c.regions) == 37
    assert sum(len(r.zones) for r in c.regions) == 112
    assert len(c.sites) == 4
    assert len(c.announcements) == 13
    assert sorted(c.providers) == ["alibaba-cloud"]
