"""Loading the catalog into typed records and as-of views (on a small fixture)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from cloudmap.footprint import reconcile
from cloudmap.project import load_project
from cloudmap.validate import load_catalog

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


def test_a_zone_opening_marks_an_old_region_expanded_not_new(catalog):
    # au-east-1 launched in Dec 2016; au-east-1b opened in 2018: the region is "expanded" (not
    # "new") for the next 12 months, then plain live again
    au = catalog.lookup("au-east-1")
    assert au.status(D(2017, 6, 1)) == "new"
    assert au.status(D(2018, 6, 1)) == "expanded"
    assert au.status(D(2019, 1, 1)) == "live"


def test_lookup_and_get_contracts(catalog):
    assert catalog.get("MX-Central-1 ").id == "mx-central-1"
    assert catalog.get("nope") is None
    with pytest.raises(LookupError, match="no region 'nope' in the catalog"):
        catalog.lookup("nope")


def test_counting_rules_are_data(mini):
    s = load_project(mini, full=False).at(D(2024, 1, 1)).stats()
    # the local region cn-east-9 is live but the fixture's rules leave it out of the totals
    assert (s["regions"], s["zones"], s["countries"]) == (1, 2, 1)
    assert s["by_kind"]["local-region"] == {"regions": 1, "zones": 1, "zones_unknown": 0}


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
          style: {short: Other, shape: square, color: "#123456"}
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
    s = load_project(mini, full=False).at(D(2022, 6, 1), "all").stats()
    assert s["by_country"]["SE"] == {"regions": 1, "zones": 2, "zones_unknown": 0}
    assert s["counting"]["othercloud"] == {
        "regions": ["region"],
        "zones": ["region"],
        "exclude": [],
    }


RIVAL = textwrap.dedent(
    """\
    provider:
      id: rivalcloud
      name: Rival Cloud
      style: {short: Rival, shape: diamond, color: "#654321"}
      counting:
        regions: [region, government]
        zones: [region]
        note: government regions count as regions; their zones do not
        exclude:
        - {region: us-odd-1, reason: absent from the provider's own zone table}
    regions:
    - id: mx-central-1
      name: Mexico Central
      city: Querétaro
      country: MX
      kind: region
      location: {lat: 20.5888, lon: -100.3899, precision: metro, source: GeoNames 3991164}
      launched: 2024-05
      zone_count: 3
      sources: [{url: "https://example.com/r", supports: "launch, zone count"}]
    - id: us-gov-1
      name: Gov
      city: Querétaro
      country: MX
      kind: government
      location: {lat: 20.5888, lon: -100.3899, precision: metro, source: GeoNames 3991164}
      launched: 2020
      zone_count: 0
      sources: [{url: "https://example.com/g", supports: launch}]
    - id: us-odd-1
      name: Odd
      city: Querétaro
      country: MX
      kind: region
      location: {lat: 20.5888, lon: -100.3899, precision: metro, source: GeoNames 3991164}
      launched: 2020
      zones: [{id: us-odd-1a, opened: null, closed: null}]
      sources: [{url: "https://example.com/o", supports: launch}]
    """
)


def test_a_second_provider_may_reuse_ids_and_count_zones_without_ids(mini):
    (mini / "data" / "rivalcloud.yaml").write_text(RIVAL, encoding="utf-8")
    catalog = load_catalog(mini)
    rival = catalog.lookup("rivalcloud:mx-central-1")
    assert rival.provider == "rivalcloud"
    assert catalog.lookup("testcloud:mx-central-1").provider == "testcloud"
    assert [z.id for z in rival.live_zones(D(2025, 1, 1))] == [None, None, None]
    s = load_project(mini, full=False).at(D(2025, 1, 1), "rivalcloud").stats()
    # us-gov-1 counts as a region (government kind) with no zones; us-odd-1 is excluded
    assert (s["regions"], s["zones"]) == (2, 3)


def test_zone_count_and_zone_ids_are_exclusive_and_whole(mini):
    bad = RIVAL.replace("zone_count: 3", "zone_count: 3\n  zones: [{id: mx-central-1a}]")
    bad = bad.replace("zone_count: 0", "zone_count: -1")
    (mini / "data" / "rivalcloud.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_catalog(mini)
    text = str(err.value)
    assert "data/rivalcloud.yaml:19: mx-central-1: zone_count: give either zones" in text
    assert (
        "data/rivalcloud.yaml:29: us-gov-1: zone_count: expected a whole number (0..30) or "
        "unknown, got int -1" in text
    )


def test_more_than_n_and_target_claims_reconcile(mini):
    (mini / "data" / "rivalcloud.yaml").write_text(RIVAL, encoding="utf-8")
    for name, claims in (
        ("2025-01-01-rival-plus", "totals: {regions: '1+'}"),  # more than 1: the 2 counted
        ("2025-01-02-rival-short", "totals: {regions: '2+'}"),  # more than 2: one short
        ("2025-01-03-rival-target", "target: true\n  totals: {regions: 5}"),
    ):
        (mini / "seeds" / f"{name}.yaml").write_text(
            f"id: {name}\ndate: 2025-01-01\nprovider: rivalcloud\ntitle: {name}\nsummary: s\n"
            f"sources: [{{url: 'https://example.com/s', supports: totals}}]\n"
            f"claims:\n  {claims}\n",
            encoding="utf-8",
        )
    rows = {r["announcement"]: r for r in reconcile(load_catalog(mini))}
    assert rows["2025-01-01-rival-plus"]["result"] == "match"
    assert rows["2025-01-02-rival-short"]["result"] == "differs"
    assert rows["2025-01-02-rival-short"]["checks"][0]["difference"] == -1
    assert rows["2025-01-03-rival-target"]["result"] == "target"


@pytest.mark.parametrize(
    "text",
    [
        "\u0627\u0644\u0631\u064a\u0627\u0636\u200f (Riyadh)",  # Arabic with a right-to-left mark
        "\u0e01\u0e23\u0e38\u0e07\u0e40\u0e17\u0e1e\u200b\u0e21\u0e2b\u0e32\u0e19\u0e04\u0e23",  # Thai word break
        "Nether\u00adlands",  # soft hyphen
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian zero-width non-joiner
    ],
)
def test_script_marks_are_fine_in_notes_but_not_in_names(text):
    """Free text may hold the format marks some scripts need; one-line fields (names, cities,
    titles) may not, since an invisible character makes equal-looking names differ. ZWNJ is
    fine in both."""
    from cloudmap.reader import has_control

    assert has_control(text, newlines=True) is None
    assert (has_control(text) is None) == ("\u200c" in text)
