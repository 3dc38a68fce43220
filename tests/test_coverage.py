"""Coverage and the latency model: distances, the fitted model and its pinned error, as-of views."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.resources
import importlib.util
import json
import math
import os
import shutil
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest

from cloudmap import coverage, latency
from cloudmap.errors import CloudmapError
from cloudmap.gazetteer import cities, haversine_km
from cloudmap.report import coverage_text
from cloudmap.validate import load_catalog

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "coverage"
BEFORE, AFTER = dt.date(2024, 6, 30), dt.date(2025, 5, 15)

# Pinned figures (docs/latency-model.md). A change that makes the model worse must fail here;
# one that makes it better must update these and the doc together.
PINNED_OVERHEAD_MS, PINNED_INFLATION = 6.519, 1.6096
PINNED_CV = {  # scheme -> (median, P90) relative error on pairs not fitted on
    "pair-hash": (0.1520, 0.3601),
    "region": (0.1540, 0.3624),
}
CV_TOLERANCE = 0.002


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def fixture_catalog():
    return load_catalog(FIXTURE)


def region_yaml(
    rid: str,
    city: str,
    country: str,
    lat: float,
    lon: float,
    launched: str | None,
    *,
    kind: str = "region",
    closed: str | None = None,
    announcements: tuple[str, ...] = (),
) -> str:
    return f"""\
- id: {rid}
  name: {rid}
  city: {city}
  country: {country}
  kind: {kind}
  location: {{lat: {lat}, lon: {lon}, precision: metro, source: test}}
  announced: null
  launched: {launched or "null"}
  closure_announced: null
  closed: {closed or "null"}
  zones:
  - {{id: {rid}a, opened: null, closed: null}}
  announcements: [{", ".join(announcements)}]
  sources:
  - {{url: "https://example.com/{rid}", supports: test}}
"""


def write_catalog(
    root: Path,
    regions: list[str],
    *,
    provider: str = "testcloud",
    seeds: dict[str, str] | None = None,
) -> Path:
    """A catalog root (data/, seeds/, geo/) with one provider file, per docs/catalog-format.md."""
    for part in ("data", "seeds", "geo"):
        (root / part).mkdir(parents=True, exist_ok=True)
    (root / "data" / f"{provider}.yaml").write_text(
        f"""\
provider:
  id: {provider}
  name: {provider.title()}
  style: {{short: {provider.title()}, shape: square, color: "#{hashlib.sha256(provider.encode()).hexdigest()[:6]}"}}
  counting:
    regions: [region, local-region, partner-region]
    zones: [region, local-region, partner-region]
    note: test
regions:
{"".join(regions)}""",
        encoding="utf-8",
    )
    for sid, text in (seeds or {}).items():
        (root / "seeds" / f"{sid}.yaml").write_text(text, encoding="utf-8")
    return root


MEXICO_SEED = """\
id: 2025-02-19-mexico
date: 2025-02-19
provider: testcloud
title: Mexico region opens
sources:
- {url: "https://example.com/mx", supports: launch}
summary: The Mexico region opened.
claims:
  opened: [{region: na-south-1}]
"""


@pytest.fixture
def mexico_catalog(tmp_path):
    """Silicon Valley since 2014; Querétaro from 2025-02-19 (launch reported by a seed)."""
    root = write_catalog(
        tmp_path / "mx",
        [
            region_yaml("us-west-1", "San Mateo", "US", 37.56299, -122.32553, "2014-01"),
            region_yaml(
                "na-south-1",
                "Querétaro",
                "MX",
                20.5888,
                -100.3899,
                "2025-02-19",
                announcements=("2025-02-19-mexico",),
            ),
        ],
        seeds={"2025-02-19-mexico": MEXICO_SEED},
    )
    return load_catalog(root)


# --------------------------------------------------------------------------- reference data


@pytest.mark.parametrize(
    ("name", "rows", "sha256"),
    [
        (
            "azure-rtt-2024-04.csv",
            847,
            "5f9c61ea61be4b09d683dd9b38e3ae59fbebad3e6079521cc7c8e2f11f9a7b1e",
        ),
        (
            "azure-region-locations.csv",
            45,
            "f29824a1bafe168ea2fcb263782924d882d4fda6f1ffcea55eb1a8e4e5efcc76",
        ),
    ],
)
def test_reference_files_match_their_provenance(name, rows, sha256):
    ref = importlib.resources.files("cloudmap") / "reference"
    data = (ref / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256
    lines = [ln for ln in data.decode("utf-8").splitlines() if ln and not ln.startswith("#")]
    assert len(lines) - 1 == rows  # minus the header
    readme = (ref / "README.md").read_text(encoding="utf-8")
    assert f"| `{name}` | {rows} | `{sha256}` |" in readme
    assert "2024-04-09" in readme and "Azure network round-trip latency statistics" in readme


def test_reference_pairs():
    pairs = latency.reference_pairs()
    assert len(pairs) == 659
    assert pairs["directions"].value_counts().to_dict() == {1: 471, 2: 188}
    assert (pairs["region_a"] < pairs["region_b"]).all()
    assert pairs["fold"].value_counts().sort_index().tolist() == [132, 151, 123, 121, 132]
    assert pairs["distance_km"].min() > 100  # no zero-distance pair (would divide the floor)
    raw = latency._read_reference(latency.RTT_FILE)
    both = raw.assign(
        a=raw[["source", "destination"]].min(axis=1), b=raw[["source", "destination"]].max(axis=1)
    ).groupby(["a", "b"])["rtt_ms"]
    assert (both.max() - both.min()).max() <= 6  # the two directions agree


# --------------------------------------------------------------------------- the model


def test_fibre_floor_and_model_shape():
    assert latency.rtt_floor_ms(102.0) == pytest.approx(1.0)
    assert latency.rtt_floor_ms(0.0) == 0.0
    m = latency.model()
    assert m.rtt_ms(0.0) == pytest.approx(m.overhead_ms)
    km = np.array([0.0, 10.0, 1_000.0, 20_000.0])
    assert (m.rtt_ms(km) >= latency.rtt_floor_ms(km)).all()
    assert np.all(np.diff(m.rtt_ms(km)) > 0)
    assert "estimated from distance" in m.describe()


def test_model_coefficients_are_pinned():
    m = latency.model()
    assert m is latency.model()  # fitted once, cached
    assert m == latency.fit(latency.reference_pairs())  # deterministic
    assert m.n_pairs == 659
    assert m.overhead_ms == pytest.approx(PINNED_OVERHEAD_MS, abs=0.01)
    assert m.inflation == pytest.approx(PINNED_INFLATION, abs=0.001)


@pytest.mark.parametrize("scheme", ["pair-hash", "region"])
def test_cross_validated_error_is_pinned(scheme):
    ev = latency.cross_validate(scheme=scheme)
    median, p90 = PINNED_CV[scheme]
    assert ev.n == (659 if scheme == "pair-hash" else 2 * 659)
    assert ev.median_rel_error == pytest.approx(median, abs=CV_TOLERANCE)
    assert ev.p90_rel_error == pytest.approx(p90, abs=CV_TOLERANCE)
    assert abs(ev.median_signed_error) < 0.05  # no large overall bias


def test_cross_validation_is_out_of_sample():
    """Every held-out prediction comes from a fit that never saw that pair."""
    pairs = latency.reference_pairs()
    oof = latency._out_of_fold(pairs, "pair-hash")
    assert len(oof) == len(pairs)
    first = oof.iloc[0]
    train = pairs[
        pairs["fold"]
        != pairs.loc[
            (pairs["region_a"] == first["region_a"]) & (pairs["region_b"] == first["region_b"]),
            "fold",
        ].item()
    ]
    assert first["estimate_ms"] == pytest.approx(latency.fit(train).rtt_ms(first["distance_km"]))
    with pytest.raises(ValueError, match="scheme"):
        latency.cross_validate(scheme="random")  # type: ignore[arg-type]


def test_inflation_over_the_fibre_floor():
    """The claim: median inflation ~1.5-2.7x depending on distance; overhead dominates short hops."""
    bands = latency.inflation_by_band().set_index("band")
    assert bands["pairs"].sum() == 659
    long = bands.drop(index="0-500 km")
    assert long["median_inflation"].between(1.5, 2.7).all()
    assert long["median_inflation"].is_monotonic_decreasing
    assert bands.loc["0-500 km", "median_inflation"] > 2.7  # beyond the range: the overhead
    m = latency.model()
    assert m.overhead_ms / m.rtt_ms(300.0) > 0.5  # ... is most of a 300 km round trip
    assert m.overhead_ms / m.rtt_ms(10_000.0) < 0.05


def test_long_tail_is_the_known_detours():
    tail = latency.long_tail(n=15)
    assert (tail["signed_error"].abs() > 0.45).all()
    assert tail["signed_error"].abs().is_monotonic_decreasing
    africa = tail["region_a"].str.startswith("South Africa") | tail["region_b"].str.startswith(
        "South Africa"
    )
    assert africa.head(5).all()  # South Africa to South America, the Gulf, India: via Europe
    assert (tail.loc[africa, "signed_error"] < 0).all()  # slower than distance suggests


# --------------------------------------------------------------------------- distances


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((51.5074, -0.1278), (40.7128, -74.0060)),  # London - New York
        ((1.2897, 103.8501), (-33.8679, 151.2073)),  # Singapore - Sydney
        ((20.5888, -100.3899), (19.4326, -99.1332)),  # Querétaro - Mexico City
        ((50.1155, 8.6842), (25.0772, 55.3093)),  # Frankfurt - Dubai
        ((35.6895, 139.6917), (-23.5475, -46.6361)),  # Tokyo - São Paulo (near-antipodal)
        ((1.2897, 103.8501), (1.4655, 103.7578)),  # Singapore - Johor Bahru (short)
        ((64.1355, -21.8954), (-77.8460, 166.6760)),  # Reykjavík - McMurdo (pole to pole)
    ],
)
def test_sphere_distance_against_wgs84_geodesic(a, b):
    """The mean-radius sphere is within 0.56% of the WGS84 geodesic (documented bound)."""
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(a[1], a[0], b[1], b[0])
    sphere = float(haversine_km(a[0], a[1], b[0], b[1]))
    assert sphere == pytest.approx(metres / 1000, rel=0.0056)
    _, km = coverage.nearest_regions(
        np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]])
    )
    assert km[0] == pytest.approx(sphere, rel=1e-9, abs=1e-6)


def test_london_new_york_published_value():
    km = float(haversine_km(51.5074, -0.1278, 40.7128, -74.0060))
    assert km == pytest.approx(5570, abs=10)  # the commonly quoted great-circle figure


def test_nearest_regions_matches_brute_force(fixture_catalog):
    regions = coverage.live_regions(fixture_catalog, AFTER)
    rlat = np.array([r.location.lat for r in regions])
    rlon = np.array([r.location.lon for r in regions])
    gaz = cities()
    idx, km = coverage.nearest_regions(gaz.lat, gaz.lon, rlat, rlon)
    brute = haversine_km(gaz.lat[:, None], gaz.lon[:, None], rlat[None, :], rlon[None, :])
    np.testing.assert_allclose(km, brute.min(axis=1), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(brute[np.arange(len(idx)), idx], km, rtol=1e-9, atol=1e-6)


def _random_regions(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(-60, 70, n), rng.uniform(-180, 180, n)
    lat[1::7], lon[1::7] = lat[0:-1:7], lon[0:-1:7]  # region 7k+1 sits on 7k: exact ties
    return lat, lon


@pytest.mark.parametrize("chunk_rows", [1, 7, 2048, 10**9])
def test_nearest_regions_does_not_depend_on_the_chunk_size(chunk_rows):
    gaz = cities()
    n = 3000 if chunk_rows == 1 else len(gaz.lat)  # one row at a time is slow: fewer cities
    lat, lon = gaz.lat[:n], gaz.lon[:n]
    rlat, rlon = _random_regions(500, seed=5)
    idx, km = coverage.nearest_regions(lat, lon, rlat, rlon)  # default: blocks of 2**18 cells
    got_idx, got_km = coverage.nearest_regions(lat, lon, rlat, rlon, chunk_rows=chunk_rows)
    assert np.array_equal(got_idx, idx) and np.array_equal(got_km, km)  # bit for bit
    assert not np.any(idx % 7 == 1)  # region 7k+1 repeats 7k: a tie goes to the lower index


def test_nearest_regions_memory_stays_bounded():
    """34,000 cities x 4,000 regions would be a 1.1 GB matrix; blocks keep it to megabytes."""
    gaz = cities()
    rlat, rlon = _random_regions(4000, seed=6)
    tracemalloc.start()
    try:
        idx, _ = coverage.nearest_regions(gaz.lat, gaz.lon, rlat, rlon)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(idx) == len(gaz.lat)
    assert peak < 32 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    with pytest.raises(ValueError, match="chunk_rows must be at least 1, not 0"):
        coverage.nearest_regions(gaz.lat, gaz.lon, rlat, rlon, chunk_rows=0)


# --------------------------------------------------------------------------- cities


def test_city_next_to_a_region_gets_the_overhead(mexico_catalog):
    df = coverage.city_coverage(mexico_catalog, AFTER).set_index("geonameid")
    queretaro = df.loc[3991164]  # Santiago de Querétaro, ~0.2 km from the region's point
    assert queretaro["nearest_region"] == "na-south-1"
    assert queretaro["distance_km"] <= 1
    assert queretaro["rtt_floor_ms"] == 0.0
    assert queretaro["rtt_est_ms"] == round(latency.model().overhead_ms, 1)


def test_city_coverage_table(fixture_catalog):
    df = coverage.city_coverage(fixture_catalog, AFTER)
    assert list(df.columns) == coverage.CITY_COLUMNS
    assert len(df) == len(cities().geonameid) > 30_000
    assert df["geonameid"].is_monotonic_increasing
    assert df["distance_km"].dtype == np.int64
    assert (df["rtt_est_ms"] >= df["rtt_floor_ms"]).all()
    assert (df["rtt_est_ms"] == df["rtt_est_ms"].round(1)).all()
    assert df.attrs == {
        "as_of": "2025-05-15",
        "provider": "fixturecloud",
        "live_regions": 8,
        "providers": ["fixturecloud"],
        "country_precision": [],
    }
    pd.testing.assert_frame_equal(df, coverage.city_coverage(fixture_catalog, AFTER))


def test_only_live_serving_regions_count(fixture_catalog):
    ids = {r.id for r in coverage.live_regions(fixture_catalog, AFTER)}
    assert "cn-hangzhou-fin" not in ids  # industry-cloud
    assert "ap-southeast-9" not in ids  # closed 2025-03-31
    assert "ap-southeast-9" in {r.id for r in coverage.live_regions(fixture_catalog, BEFORE)}
    before = coverage.country_coverage(fixture_catalog, BEFORE, countries=["AU"]).iloc[0]
    after = coverage.country_coverage(fixture_catalog, AFTER, countries=["AU"]).iloc[0]
    assert (before["nearest_region"], after["nearest_region"]) == (
        "ap-southeast-9",
        "ap-southeast-1",
    )
    assert after["rtt_est_ms"] > before["rtt_est_ms"] + 50


# --------------------------------------------------------------------------- countries, as of


def test_mexico_improves_when_its_region_opens(mexico_catalog):
    before = coverage.country_coverage(mexico_catalog, BEFORE, countries=["mx"]).iloc[0]
    after = coverage.country_coverage(mexico_catalog, AFTER, countries=["MX"]).iloc[0]
    assert before["nearest_region"] == "us-west-1"
    assert after["nearest_region"] == "na-south-1"
    assert after["rtt_est_ms"] < before["rtt_est_ms"] - 25
    assert after["median_km"] < 500 < before["median_km"]
    assert after["share_50ms"] > before["share_50ms"]
    assert after["serving_share"] > 0.9
    day_before = coverage.country_coverage(mexico_catalog, dt.date(2025, 2, 18), countries=["MX"])
    assert day_before.iloc[0]["nearest_region"] == "us-west-1"


def test_country_coverage_table(fixture_catalog):
    df = coverage.country_coverage(fixture_catalog, AFTER)
    assert list(df.columns) == ["iso_a2", "name", *coverage.SUMMARY_COLUMNS]
    assert df["iso_a2"].is_monotonic_increasing and df["iso_a2"].is_unique
    assert len(df) == len(set(cities().country))
    assert df["population"].sum() == cities().population.sum()
    shares = df[["share_20ms", "share_50ms", "share_100ms"]]
    assert (shares.diff(axis=1).iloc[:, 1:] >= 0).all().all()  # nested thresholds
    th = df.set_index("iso_a2").loc["TH"]
    assert (th["name"], th["nearest_region"]) == ("Thailand", "ap-southeast-7")


def test_country_figures_recomputed_from_cities(fixture_catalog):
    city = coverage.city_coverage(fixture_catalog, AFTER)
    us = city[city["country"] == "US"]
    row = coverage.country_coverage(fixture_catalog, AFTER, countries=["US"]).iloc[0]
    w = us["population"]
    assert row["cities"] == len(us) and row["population"] == w.sum()
    assert row["rtt_est_ms"] == pytest.approx((us["rtt_est_ms"] * w).sum() / w.sum(), abs=0.05)
    assert row["share_50ms"] == pytest.approx(w[us["rtt_est_ms"] <= 50].sum() / w.sum(), abs=5e-4)
    served = w.groupby(us["nearest_region"]).sum()
    assert row["nearest_region"] == served.idxmax()
    ordered = us.sort_values("distance_km")
    half = ordered["population"].cumsum() >= w.sum() / 2
    assert row["median_km"] == ordered.loc[half, "distance_km"].iloc[0]


def test_country_errors(fixture_catalog, tmp_path):
    with pytest.raises(CloudmapError, match=r"'XX' is not an ISO 3166-1 alpha-2 country code"):
        coverage.country_coverage(fixture_catalog, AFTER, countries=["XX"])
    with pytest.raises(CloudmapError, match=r"no GeoNames city of 15,000\+ people in AQ"):
        coverage.country_coverage(fixture_catalog, AFTER, countries=["AQ"])
    with pytest.raises(CloudmapError, match="fixturecloud has no live region on 2000-01-01"):
        coverage.country_coverage(fixture_catalog, dt.date(2000, 1, 1))
    with pytest.raises(CloudmapError, match="no provider 'nope'"):
        coverage.city_coverage(fixture_catalog, AFTER, provider="nope")
    root = write_catalog(
        tmp_path / "two", [region_yaml("a-1", "Bangkok", "TH", 13.75, 100.5, "2020")]
    )
    write_catalog(
        root, [region_yaml("b-1", "Bangkok", "TH", 13.75, 100.5, "2020")], provider="othercloud"
    )
    two = load_catalog(root)
    # several providers: the default measures from the nearest region of any of them
    assert coverage.city_coverage(two, AFTER).attrs["provider"] == "all"
    assert coverage.country_coverage(two, AFTER).attrs["providers"] == ["othercloud", "testcloud"]
    assert coverage.city_coverage(two, AFTER, provider="othercloud").attrs["provider"] == (
        "othercloud"
    )


# --------------------------------------------------------------------------- several providers


@pytest.fixture
def two_providers(tmp_path):
    """testcloud in Bangkok; othercloud in Bangkok too (same point) and in Mexico City."""
    root = write_catalog(
        tmp_path / "two", [region_yaml("a-1", "Bangkok", "TH", 13.75, 100.5, "2020")]
    )
    write_catalog(
        root,
        [
            region_yaml("b-1", "Bangkok", "TH", 13.75, 100.5, "2020"),
            region_yaml("b-2", "Mexico City", "MX", 19.4326, -99.1332, "2021"),
        ],
        provider="othercloud",
    )
    return load_catalog(root)


def test_all_providers_measures_from_the_nearest_region_of_any(two_providers):
    ids = [
        f"{r.provider}:{r.id}" for r in coverage.live_regions(two_providers, AFTER, provider="all")
    ]
    assert ids == ["othercloud:b-1", "othercloud:b-2", "testcloud:a-1"]
    df = coverage.country_coverage(two_providers, AFTER, provider="all")
    assert df.attrs == {
        "as_of": "2025-05-15",
        "provider": "all",
        "live_regions": 3,
        "providers": ["othercloud", "testcloud"],
        "country_precision": [],
    }
    by = df.set_index("iso_a2")
    assert by.loc["MX", "nearest_region"] == "othercloud:b-2"
    # a-1 and b-1 share a point: the tie goes to the name that sorts first
    assert by.loc["TH", "nearest_region"] == "othercloud:b-1"
    for pid in ("testcloud", "othercloud"):
        one = coverage.country_coverage(two_providers, AFTER, provider=pid).set_index("iso_a2")
        assert (by["rtt_est_ms"] <= one["rtt_est_ms"]).all()  # never worse than any provider
    testcloud = coverage.country_coverage(two_providers, AFTER, provider="testcloud")
    assert testcloud.set_index("iso_a2").loc["MX", "nearest_region"] == "a-1"
    cities_all = coverage.city_coverage(two_providers, AFTER, provider=" ALL ")
    assert set(cities_all["nearest_region"]) <= {"othercloud:b-2", "othercloud:b-1"}
    text = coverage_text(df.head(3))
    assert text.startswith(
        "Coverage by the nearest of othercloud, testcloud as of 2025-05-15 (3 live regions)\n"
    )
    cmp = coverage.compare(two_providers, BEFORE, AFTER, provider="all", countries=["MX"])
    assert cmp.attrs["provider"] == "all"
    with pytest.raises(CloudmapError, match=r"^no provider has a live region on 2000-01-01"):
        coverage.country_coverage(two_providers, dt.date(2000, 1, 1), provider="all")


def test_all_providers_on_a_one_provider_catalog_is_the_default(fixture_catalog):
    default = coverage.country_coverage(fixture_catalog, AFTER)
    every = coverage.country_coverage(fixture_catalog, AFTER, provider="all")
    pd.testing.assert_frame_equal(every, default)
    assert every.attrs == default.attrs
    assert every.attrs["provider"] == "fixturecloud"


# --------------------------------------------------------------------------- computed once


def test_a_build_measures_coverage_once_for_the_map_and_the_exports(monkeypatch, tmp_path):
    from cloudmap.project import load_project

    calls = []
    real = coverage._measure

    def counting(catalog, on, pid):
        calls.append((on, pid))
        return real(catalog, on, pid)

    monkeypatch.setattr(coverage, "_measure", counting)
    root = tmp_path / "repo"
    for part in ("data", "seeds", "geo"):
        shutil.copytree(REPO / part, root / part)
    project = load_project(root)
    project.at().build(tmp_path / "site")
    # the map (per provider, per market), the comparison and the exports all ask; each city's
    # nearest region is measured once per provider (and once for all of them together)
    on = project.default_date
    assert sorted(calls) == sorted({(on, p) for p in [*project.providers, "all"]})


# --------------------------------------------------------------------------- markets, compare


@dataclass(frozen=True)
class Market:  # the shape of cloudmap.world.Market that market_coverage relies on
    name: str
    countries: tuple[str, ...]


SEA = ("BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN")


def test_market_coverage(fixture_catalog):
    markets = {"Southeast Asia": Market("Southeast Asia", SEA), "Mexico": ["MX"], "Nowhere": ["AQ"]}
    df = coverage.market_coverage(fixture_catalog, AFTER, markets)
    assert list(df.columns) == [
        "market",
        "countries",
        "countries_with_cities",
        *coverage.SUMMARY_COLUMNS,
    ]
    assert df["market"].tolist() == ["Mexico", "Nowhere", "Southeast Asia"]
    by = df.set_index("market")
    mx = coverage.country_coverage(fixture_catalog, AFTER, countries=["MX"]).iloc[0]
    for col in coverage.SUMMARY_COLUMNS:
        assert by.loc["Mexico", col] == mx[col]  # a one-country market is that country
    city = coverage.city_coverage(fixture_catalog, AFTER)
    sea = city[city["country"].isin(SEA)]
    assert by.loc["Southeast Asia", "population"] == sea["population"].sum()
    assert by.loc["Southeast Asia", "rtt_est_ms"] == pytest.approx(
        (sea["rtt_est_ms"] * sea["population"]).sum() / sea["population"].sum(), abs=0.05
    )
    nowhere = coverage.records(df)[1]
    assert nowhere["cities"] == 0 and nowhere["rtt_est_ms"] is None
    assert nowhere["median_km"] is None
    with pytest.raises(CloudmapError, match=r"market 'Bad': 'Mexico' is not an ISO 3166-1"):
        coverage.market_coverage(fixture_catalog, AFTER, {"Bad": ["Mexico"]})


def test_compare_countries(mexico_catalog):
    df = coverage.compare(mexico_catalog, BEFORE, AFTER)
    assert df["delta_ms"].is_monotonic_increasing
    mx = df.set_index("iso_a2").loc["MX"]
    assert mx["delta_ms"] < -25
    assert (mx["nearest_region_from"], mx["nearest_region_to"]) == ("us-west-1", "na-south-1")
    assert mx["delta_ms"] == pytest.approx(mx["rtt_est_ms_to"] - mx["rtt_est_ms_from"])
    assert (df["delta_ms"] <= 0).all()  # opening a region never makes anyone farther
    changed = coverage.compare(mexico_catalog, BEFORE, AFTER, changed_only=True)
    assert 0 < len(changed) < len(df)
    assert set(changed["iso_a2"]) >= {"MX", "GT", "CO"}
    assert df.attrs["from"] == "2024-06-30" and df.attrs["live_regions_to"] == 2


def test_compare_markets(fixture_catalog):
    markets = {"Southeast Asia": SEA, "Americas": ("US", "CA", "MX", "BR", "AR", "CO")}
    df = coverage.compare(fixture_catalog, BEFORE, AFTER, markets=markets).set_index("market")
    assert df.loc["Southeast Asia", "rtt_est_ms_to"] < df.loc["Southeast Asia", "rtt_est_ms_from"]
    assert df.loc["Americas", "delta_ms"] < 0
    assert df.loc["Americas", "share_20ms_to"] > df.loc["Americas", "share_20ms_from"]


# --------------------------------------------------------------------------- presentation


@pytest.mark.parametrize(
    ("rtt", "band"),
    [
        (0.0, "≤20 ms"),
        (20.0, "≤20 ms"),
        (20.1, "20–50 ms"),
        (50.0, "20–50 ms"),
        (99.9, "50–100 ms"),
        (150.0, "100–200 ms"),
        (200.0, "100–200 ms"),
        (200.1, ">200 ms"),
        (None, "no data"),
        (math.nan, "no data"),
        (pd.NA, "no data"),
    ],
)
def test_country_rtt_band(rtt, band):
    assert coverage.country_rtt_band(rtt) == band


def test_format_text_and_records(fixture_catalog):
    df = coverage.country_coverage(fixture_catalog, AFTER, countries=["TH", "MX", "ZA"])
    text = coverage_text(df)
    lines = text.splitlines()
    assert lines[0] == "Coverage by fixturecloud as of 2025-05-15 (8 live regions)"
    assert "RTT ms*" in lines[1] and "≤50 ms*" in lines[1]
    assert [ln.split()[0] for ln in lines[3:6]] == ["MX", "TH", "ZA"]
    assert lines[-1].startswith("* estimated from distance")
    assert text == coverage_text(df)  # deterministic
    plain = coverage_text(df, columns=["iso_a2", "cities"], title="t")
    assert "estimated" not in plain  # no RTT column, no footnote
    cmp = coverage.compare(fixture_catalog, BEFORE, AFTER, countries=["MX", "TH"])
    assert "RTT ms* from" in coverage_text(cmp)
    rows = coverage.records(df)
    assert json.loads(json.dumps(rows)) == rows
    assert list(rows[0]) == list(df.columns)


def test_bench_smoke():
    spec = importlib.util.spec_from_file_location(
        "bench_coverage", REPO / "bench" / "bench_coverage.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.bench(FIXTURE, runs=1, geodesic=False)
    assert out["cities"] == len(cities().geonameid) and out["regions"] == 8
    assert {"city_coverage_ms", "country_coverage_ms", "compare_ms"} <= set(out)


def test_country_records_are_the_frame_as_records_for_every_provider():
    """The build's fast path (plain rows, figures kept per catalog) gives exactly what the public
    DataFrame gives, for each provider and for all of them."""
    catalog = load_catalog(REPO, full=False)
    on = catalog.default_as_of
    for pid in [*sorted(catalog.providers), "all"]:
        fast = coverage.country_records(catalog, on, provider=pid)
        assert fast == coverage.records(coverage.country_coverage(catalog, on, provider=pid))
        assert len(fast) > 200


def test_latency_model_from_the_disk_cache_is_the_fitted_model(tmp_path):
    """The model a build reads from the disk cache (no CSV parsing) is exactly the least-squares
    fit of the shipped pairs, in a fresh process with a fresh cache and after a cache hit."""
    import subprocess
    import sys

    expected = latency.fit(latency.reference_pairs())
    code = (
        "from cloudmap import latency; m = latency.model(); "
        "print(repr((m.overhead_ms, m.inflation, m.n_pairs)))"
    )
    env = {**os.environ, "CLOUDMAP_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert any(p.name.startswith("latency-model-") for p in (tmp_path / "cache").iterdir())
    assert runs == [repr((expected.overhead_ms, expected.inflation, expected.n_pairs))] * 2
