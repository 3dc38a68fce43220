"""Loading the catalog into typed records and as-of views (on a small fixture)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from cloudmap.analysis import reconcile, stats
from cloudmap.catalog import load_catalog

D = dt.date


@pytest.fixture
def catalog(mini):
    return load_catalog(mini)


def test_statuses_follow_the_lifecycle(catalog):
    mx, au, cn = (catalog.lookup(i) for i in ("mx-central-1", "au-east-1", "cn-east-9"))
    assert mx.status(D(2024, 9, 30)) is None  # not yet announced (announced 2024-10)
    assert mx.status(D(2024, 10, 1)) == "announced"
    assert mx.status(D(2025, 2, 19)) == "new"
    assert mx.status(D(2026, 2, 18)) == "new"
    assert mx.status(D(2026, 2, 20)) == "live"
    assert au.status(D(2016, 11, 30)) is None
    assert au.status(D(2019, 6, 1)) == "live"
    assert au.status(D(2024, 6, 1)) == "closing"
    assert au.status(D(2025, 3, 31)) == "closed"
    # "no later than June 2020" counts from the end of June 2020, and cannot show "new"
    assert cn.status(D(2020, 6, 29)) is None
    assert cn.status(D(2020, 6, 30)) == "live"


def test_live_zones_respect_zone_dates(catalog):
    au = catalog.lookup("au-east-1")
    assert [z.id for z in au.live_zones(D(2017, 6, 1))] == ["au-east-1a"]
    assert [z.id for z in au.live_zones(D(2018, 1, 1))] == ["au-east-1a", "au-east-1b"]
    assert au.live_zones(D(2025, 4, 1)) == ()


def test_a_zone_opening_makes_its_region_new(catalog):
    # au-east-1b opened in 2018: the region counts as "new" for the next 12 months
    au = catalog.lookup("au-east-1")
    assert au.status(D(2018, 6, 1)) == "new"
    assert au.status(D(2019, 1, 1)) == "live"


def test_lookup_and_get_contracts(catalog):
    assert catalog.get("MX-Central-1 ").id == "mx-central-1"
    assert catalog.get("nope") is None
    with pytest.raises(LookupError, match="no region 'nope' in the catalog"):
        catalog.lookup("nope")


def test_counting_rules_are_data(catalog):
    s = stats(catalog, D(2024, 1, 1))
    # the local region cn-east-9 is live but the fixture's rules leave it out of the totals
    assert (s["regions"], s["zones"], s["countries"]) == (1, 2, 1)
    assert s["by_kind"]["local-region"] == {"regions": 1, "zones": 1}


def test_sites_show_until_their_region_exists(catalog):
    assert [s.id for s in catalog.sites_as_of(D(2025, 9, 24))] == ["br-2025"]
    assert catalog.sites_as_of(D(2025, 9, 23)) == ()


def test_reconcile_compares_claims_with_the_catalog(catalog):
    (row,) = reconcile(catalog)
    assert row["result"] == "match"
    assert [(c["what"], c["claimed"], c["catalog"]) for c in row["checks"]] == [
        ("regions", 2, 2),
        ("zones", 3, 3),
    ]


def test_a_second_provider_loads_with_no_code_change(mini):
    (mini / "data" / "othercloud.yaml").write_text(
        textwrap.dedent("""\
        provider:
          id: othercloud
          name: Other Cloud
          counting:
            regions: [region]
            zones: [region]
            note: everything counts
        regions:
        - id: eu-north-7
          name: Europe (Stockholm)
          city: Stockholm
          country: SE
          kind: region
          location: {lat: 59.3293, lon: 18.0686, precision: metro, source: GeoNames 2673730}
          launched: 2021-03
          zones:
          - {id: eu-north-7a, opened: 2021-03}
          - {id: eu-north-7b, opened: 2022}
          sources:
          - {url: "https://example.org/stockholm", supports: launch month}
        """),
        encoding="utf-8",
    )
    catalog = load_catalog(mini)
    assert sorted(catalog.providers) == ["othercloud", "testcloud"]
    assert catalog.lookup("eu-north-7").provider == "othercloud"
    s = stats(catalog, D(2022, 6, 1))
    assert s["by_country"]["SE"] == {"regions": 1, "zones": 2}
    assert s["counting"]["othercloud"] == {"regions": ["region"], "zones": ["region"]}
