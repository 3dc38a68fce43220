"""Grid zones, carbon figures, operators and jurisdictions (issue 24): the files read into frozen
records, each region's facts against figures read off the files by hand, the comparison rule,
the filters, the zone-weighted figure recomputed from the exports with geopandas, and the CLI
(README's example included)."""

from __future__ import annotations

import csv
import dataclasses
import json
import re

import pytest
import yaml

from cloudmap import gridschema
from cloudmap.errors import CloudmapError
from cloudmap.gridread import read_grid
from cloudmap.project import load_project
from conftest import REPO


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


@pytest.fixture(scope="module")
def view(project):
    return project.at("2026-11-27", "all")


def facts(view, key):
    return view.grid_of(view.catalog.lookup(key))


def ember(country: str) -> float:
    """The country's row of geo/grid-carbon.csv, read with the csv module."""
    with (REPO / "geo" / "grid-carbon.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["zone"] == country and row["dataset"] == "ember-owid":
                return float(row["g_per_kwh"])
    raise KeyError(country)


# --------------------------------------------------------------------------- the files


def test_the_files_read_into_frozen_records_without_problems():
    grid, problems = read_grid(REPO)
    assert problems == []
    assert list(grid.datasets) == ["ember-owid", "epa-egrid2023", "mee-2023", "nga-2024"]
    assert grid.comparable == "ember-owid"
    assert (len(grid.zones), len(grid.assignments), len(grid.overrides)) == (36, 105, 29)
    assert sorted(grid.defaults) == [
        "alibaba-cloud",
        "aws",
        "azure",
        "google-cloud",
        "huawei-cloud",
        "tencent-cloud",
    ]
    assert grid.jurisdictions == ("AE", "CN", "DE", "FR", "HK", "KY", "SA", "US")
    assert set(grid.partitions) == {"commercial", "government", "china", "sovereign"}
    assert sum(len(rows) for rows in grid.energy.values()) == 203 and len(grid.energy) == 42
    assert grid.split_countries == {"US", "CN", "AU", "CA"}
    with pytest.raises(TypeError):
        grid.assignments["aws:us-east-1"] = grid.assignments["aws:us-west-2"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        grid.zones["US-VA"].name = "Virginia!"  # type: ignore[misc]


def test_figures_as_read_by_hand():
    grid, _ = read_grid(REPO)
    va = grid.own_figure("US-VA")  # usa_emissions.json virginia 539.599 lb/MWh = 244.8 g/kWh
    assert (va.dataset, va.g_per_kwh, va.method, va.gas, va.year.text) == (
        "epa-egrid2023",
        244.8,
        "direct",
        "CO2e",
        "2023",
    )
    vic = grid.own_figure("AU-VIC")  # data/grid.yaml: NGA 2024 Table 1, Victoria 0.77 kg/kWh
    assert (vic.g_per_kwh, vic.year.qualifier, vic.basis) == (770, "no later than", "consumption")
    # a country zone's own figure is its first dataset's (Ember before NGA, in file order)
    assert grid.own_figure("AU").dataset == "ember-owid"
    assert grid.figure("AU", "nga-2024").g_per_kwh == 630
    sc = grid.figure("CN-SC", "mee-2023")
    assert (sc.g_per_kwh, sc.gas) == (156.4, "CO2")
    assert grid.own_figure("CA-ON") is None  # no figure: the memo's gap


def test_the_generated_docs_are_current(tmp_path):
    doc = REPO / "docs" / "catalog-format.md"
    copy = tmp_path / "catalog-format.md"
    copy.write_text(doc.read_text(encoding="utf-8"), encoding="utf-8")
    assert gridschema.update_doc(copy) is False, "run: python -m cloudmap.docgen"
    text = doc.read_text(encoding="utf-8")
    for name, rec in gridschema.GRID_RECORDS.items():
        for key in rec.keys:
            assert f"| `{key.name}` |" in text, (name, key.name)


def test_a_project_without_the_files_has_no_zones_and_says_why(mini):
    project = load_project(mini)
    view = project.at(providers="all")
    g = view.grid_of(view.catalog.lookup("testcloud:mx-central-1"))
    assert (g.zone, g.figure, g.carbon) == (None, None, None)
    assert g.zone_reason == "the project has no data/grid.yaml"
    assert g.jurisdiction.operator_unknown == "the project has no data/jurisdiction.yaml"
    assert (g.jurisdiction.jurisdictions, g.jurisdiction.complete) == (("MX",), False)


# --------------------------------------------------------------------------- each region


def test_a_region_in_a_state_has_its_state_figure_and_its_country_figure(view):
    g = facts(view, "aws:us-east-1")
    assert (g.zone, g.zone_name) == ("US-VA", "Virginia")
    assert (g.figure.g_per_kwh, g.figure.level, g.figure.method) == (244.8, "zone", "direct")
    assert (g.carbon.g_per_kwh, g.carbon.dataset, g.carbon.method) == (
        ember("US"),
        "ember-owid",
        "life-cycle",
    )
    assert g.jurisdiction.operator is None  # Amazon itself
    assert (g.jurisdiction.partition, g.jurisdiction.jurisdictions) == ("commercial", ("US",))


def test_an_unplaced_region_has_no_zone_but_its_country_figure_marked_so(view):
    g = facts(view, "aws:us-gov-east-1")
    assert g.zone is None and g.zone_reason.startswith("AWS discloses only 'US-East'")
    assert (g.figure.level, g.figure.zone, g.figure.g_per_kwh) == ("country", "US", ember("US"))
    assert g.jurisdiction.partition == "government"
    on_toronto = facts(view, "tencent-cloud:na-toronto")  # Ontario: a zone without a figure
    assert (on_toronto.zone, on_toronto.figure.level) == ("CA-ON", "country")
    assert on_toronto.figure.g_per_kwh == ember("CA")


@pytest.mark.parametrize(
    ("key", "operator", "partition", "jurisdictions", "complete"),
    [
        ("azure:chinanorth", "21Vianet", "china", ("CN",), True),
        (
            "aws:cn-northwest-1",
            "Ningxia Western Cloud Data Technology (NWCD)",
            "china",
            ("CN",),
            True,
        ),
        (
            "aws:eusc-de-east-1",
            "AWS European Sovereign Cloud (German entities of Amazon Web "
            "Services, seated in Potsdam)",
            "sovereign",
            ("DE", "US"),
            True,
        ),
        ("google-cloud:u-france-east1", "S3NS (controlled by Thales)", "sovereign", ("FR",), True),
        (
            "alibaba-cloud:me-central-1",
            "Saudi Cloud Computing Company (SCCC)",
            "commercial",
            ("SA",),
            True,
        ),
        ("alibaba-cloud:me-east-1", None, "commercial", ("AE",), False),
        ("alibaba-cloud:cn-hangzhou", None, "commercial", ("CN", "HK", "KY"), True),
        ("azure:usgovvirginia", None, "government", ("US",), True),
        ("huawei-cloud:ae-ad-1", None, "commercial", ("AE",), False),
    ],
)
def test_operators_partitions_and_jurisdictions(
    view, key, operator, partition, jurisdictions, complete
):
    j = facts(view, key).jurisdiction
    assert (j.operator, j.partition, j.jurisdictions, j.complete) == (
        operator,
        partition,
        jurisdictions,
        complete,
    )
    assert (j.operator_unknown is not None) == (not complete)


def test_the_providers_own_figures_are_the_latest_year_before_the_views(project):
    doc = yaml.safe_load((REPO / "data" / "provider-energy.yaml").read_text(encoding="utf-8"))
    rows = {r["year"]: r for r in doc["figures"]["google-cloud:europe-west1"]}
    region = project.catalog.lookup("google-cloud:europe-west1")
    for on, year, method in [
        ("2026-11-27", 2024, "direct"),
        ("2022-06-01", 2021, "direct"),
        ("2021-06-01", 2020, "life-cycle"),
    ]:
        e = project.at(on, "google-cloud").grid_of(region).energy
        assert (e.year, e.method) == (year, method)
        assert (e.cfe_share, e.grid_g_per_kwh) == (
            rows[year]["cfe_share"],
            rows[year]["grid_g_per_kwh"],
        )
    assert project.at("2019-06-01", "google-cloud").grid_of(region).energy is None


# Regions per provider: all, with a zone, with their zone's own figure, with a comparable
# figure, with a partition (catalog as of 2026-11-27, closed and announced regions included).
COVERAGE = {
    "alibaba-cloud": (37, 37, 37, 37, 37),
    "aws": (41, 39, 37, 41, 41),
    "azure": (80, 76, 74, 80, 80),
    "google-cloud": (44, 44, 42, 44, 44),
    "huawei-cloud": (37, 35, 35, 37, 37),
    "tencent-cloud": (25, 25, 24, 25, 25),
}


def test_every_region_has_a_zone_or_a_reason_a_figure_and_a_jurisdiction(view):
    found = {}
    for pid in COVERAGE:
        mine = [view.grid_of(r) for r in view.catalog.regions if r.provider == pid]
        found[pid] = (
            len(mine),
            sum(g.zone is not None for g in mine),
            sum(g.figure is not None and g.figure.level == "zone" for g in mine),
            sum(g.carbon is not None for g in mine),
            sum(g.jurisdiction.partition is not None for g in mine),
        )
        for g in mine:
            assert (g.zone is None) == (g.zone_reason is not None), g.region
            assert g.figure is not None and g.carbon is not None, g.region
            assert g.jurisdiction.complete or g.jurisdiction.operator_unknown, g.region
    assert found == COVERAGE


# --------------------------------------------------------------------------- comparing


def test_ranking_compares_like_with_like(view):
    from cloudmap.gridfacts import rank_key

    keys = [
        "aws:us-east-1",
        "aws:us-west-2",
        "aws:us-gov-west-1",
        "aws:mx-central-1",
        "aws:eu-west-3",
    ]
    ranked = sorted(keys, key=lambda k: rank_key(facts(view, k)))
    # France's country figure first; the US before Mexico by country; within the US the two
    # eGRID states by their state figures, and the unplaced GovCloud region after them
    assert ranked == [
        "aws:eu-west-3",
        "aws:us-west-2",
        "aws:us-east-1",
        "aws:us-gov-west-1",
        "aws:mx-central-1",
    ]


def test_filters_keep_only_what_passes_and_unknown_never_passes(view):
    clean = view.where(max_carbon=300)
    assert clean is view.where(max_carbon=300)  # views are shared
    kept = clean.regions()
    assert len(kept) > 20 and (kept["carbon_g_per_kwh"] <= 300).all()
    assert set(kept["id"]) == {
        k for k, g in view.grid_facts.items() if g.carbon and g.carbon.g_per_kwh <= 300
    }
    no_cn = set(view.where(exclude_jurisdictions="cn").regions()["id"])
    assert "alibaba-cloud:cn-hangzhou" not in no_cn and "alibaba-cloud:eu-central-1" not in no_cn
    assert "alibaba-cloud:me-east-1" not in no_cn  # operator unknown: cannot be shown clear
    assert "aws:us-east-1" in no_cn and "azure:chinanorth" not in no_cn
    gov = view.where(partitions=["government"]).regions()
    assert set(gov["partition"]) == {"government"} and len(gov) == 11
    with pytest.raises(CloudmapError, match=r"^unknown partition 'public' \(known: "):
        view.where(partitions="public")


def test_coverage_measures_only_to_regions_that_pass(view):
    df = view.where(max_carbon=300).coverage(country=["MX", "CN"]).set_index("iso_a2")
    assert (df["nearest_carbon_g_per_kwh"] <= 300).all()
    assert df.loc["MX", "nearest_region"] == "azure:canadacentral"
    assert df.attrs["filters"] == "grid carbon <= 300 g/kWh"
    every = view.coverage(country=["MX"]).iloc[0]
    assert every["rtt_est_ms"] < df.loc["MX", "rtt_est_ms"]  # the filter costs Mexico time


def test_compare_shows_carbon_and_jurisdictions(view):
    result = view.where(partitions="commercial").compare(market="Middle East")
    assert result["filters"] == "partition commercial"
    ae = next(c for c in result["countries"] if c["iso_a2"] == "AE")["nearest"]
    assert ae["azure"]["carbon_g_per_kwh"] == ember("AE")
    assert (ae["azure"]["jurisdictions"], ae["azure"]["jurisdictions_complete"]) == (
        ["AE", "US"],
        True,
    )
    assert ae["alibaba-cloud"]["jurisdictions_complete"] is False  # Dubai: operator unknown


# --------------------------------------------------------------------------- zone-weighted


LIVE = {"new", "expanded", "live", "closing"}


def recompute(path, provider):
    """The zone-weighted figure from regions.geojson alone: each live, counted region weighs
    its live zones (one when its count is not published and none is known)."""
    import geopandas as gpd

    df = gpd.read_file(path)
    df = df[(df["provider"] == provider) & df["status"].isin(LIVE) & df["counted"]]
    weight = df["live_zones"].where((df["live_zones"] > 0) | df["zones_known"], 1)
    return round(float((weight * df["carbon_g_per_kwh"]).sum() / weight.sum()), 1), int(
        weight.sum()
    )


@pytest.mark.parametrize("on", ["2020-06-30", "2026-11-27"])
@pytest.mark.parametrize("provider", ["alibaba-cloud", "huawei-cloud"])
def test_the_zone_weighted_figure_recomputed_from_the_exports(project, tmp_path, on, provider):
    view = project.at(on, "all")
    view.export(tmp_path, ["geojson"])
    features = json.loads((tmp_path / "regions.geojson").read_text())["features"]
    for f in features:  # the export's figures are the CSV's country figures
        if f["properties"]["carbon_g_per_kwh"] is not None:
            assert f["properties"]["carbon_g_per_kwh"] == ember(f["properties"]["country"])
    figure, zones = recompute(tmp_path / "regions.geojson", provider)
    carbon = view.stats()["carbon"][provider]
    assert (carbon["g_per_kwh"], carbon["zones"]) == (figure, zones)


def test_the_zone_weighted_figure_moves_as_regions_open(project):
    figures = [
        project.at(d).stats()["carbon"]["alibaba-cloud"]["g_per_kwh"]
        for d in ("2015-01-01", "2020-06-30", "2026-11-27")
    ]
    assert len(set(figures)) == 3


# --------------------------------------------------------------------------- the CLI


def test_cleanest_json_and_filters(run):
    r = run(
        "cleanest",
        "--root",
        str(REPO),
        "--near",
        "19.4326,-99.1332",
        "--within-ms",
        "50",
        "--exclude-jurisdiction",
        "US",
        "--json",
    )
    data = json.loads(r.out)
    assert data["filters"] == "no US jurisdiction"
    best = {p["provider"]: p["cleanest"] for p in data["providers"]}
    assert best["aws"] is None and best["alibaba-cloud"]["region"] == "alibaba-cloud:na-south-1"
    assert best["alibaba-cloud"]["carbon_g_per_kwh"] == ember("MX")


def test_stats_prints_the_zone_weighted_figure(run):
    r = run("stats", "--root", str(REPO), "--provider", "huawei-cloud")
    line = next(ln for ln in r.out.splitlines() if ln.startswith("  huawei-cloud"))
    assert re.fullmatch(
        r"  huawei-cloud +[0-9.]+ over \d+ zones \(\d+ regions of unknown zone "
        r"count weighed as one\)",
        line,
    )


def test_bad_filter_values_are_usage_errors(run):
    r = run("coverage", "--root", str(REPO), "--max-carbon", "-1")
    assert r.code == 2
    assert r.err.splitlines()[-1] == (
        "cloudmap coverage: error: argument --max-carbon: '-1': write grams per kWh, 0 or more"
    )
    r = run("cleanest", "--root", str(REPO), "--near", "Lima, PE", "--within-ms", "0")
    assert r.code == 2 and r.err.splitlines()[-1].endswith(
        "'0': write a round-trip time from 1 to 1000 ms"
    )


def test_what_the_map_shows_of_a_region(view):
    from cloudmap.gridfacts import carbon_band

    shown = view.grid_popups["azure:australiacentral"]
    assert shown == {
        "zone": "AU-NSW-ACT",
        "zone_name": "New South Wales and Australian Capital Territory",
        "zone_reason": None,
        "carbon": ember("AU"),
        "carbon_year": 2023,
        "carbon_band": "400–550 g",
        "figure": 660.0,  # NGA 2024, New South Wales and ACT: 0.66 kg CO2-e/kWh
        "figure_level": "zone",
        "figure_zone": "AU-NSW-ACT",
        "figure_year": "≤2024",
        "figure_method": "direct",
        "figure_gas": "CO2e",
        "figure_dataset": "nga-2024",
        "cfe_share": None,
        "cfe_year": None,
        "operator": None,
        "operator_unknown": None,
        "partition": "commercial",
        "jurisdictions": ["AU", "US"],
        "jurisdictions_complete": True,
    }
    assert json.loads(json.dumps(dict(view.grid_popups))) == dict(view.grid_popups)
    assert [carbon_band(x) for x in (None, 0, 100, 100.1, 550, 551)] == [
        "no figure",
        "≤100 g",
        "≤100 g",
        "100–250 g",
        "400–550 g",
        ">550 g",
    ]
