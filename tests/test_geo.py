"""The world layer: committed polygons vs PROVENANCE, geometry quality, ISO codes, markets, joins."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import textwrap
from pathlib import Path

import numpy as np
import pycountry
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import box

from cloudmap import geobuild
from cloudmap.countries import country_name, flag
from cloudmap.errors import CloudmapError, ValidationError
from cloudmap.footprint import market_stats
from cloudmap.geo import MAP_FILE, check_points, distance_km, read_countries
from cloudmap.project import load_project
from cloudmap.validate import load_catalog, validate

REPO = Path(__file__).resolve().parents[1]
GEO = REPO / "geo" / "countries-50m.geojson"
PROVENANCE = (REPO / "geo" / "PROVENANCE.md").read_text(encoding="utf-8")
GEOD = Geod(ellps="WGS84")
ANTIMERIDIAN = ["RUS", "FJI", "NZL", "KIR", "USA"]
MARKET_SIZES = {
    "Japan": 1,
    "South Korea": 1,
    "China": 1,
    "Southeast Asia": 11,
    "Middle East": 17,
    "Europe": 51,
    "Americas": 57,
}


def provenance(label: str) -> str:
    """A value from a ``- **Label**: `value``` or ``- **Label**: value`` line of PROVENANCE.md."""
    m = re.search(rf"^- \*\*{re.escape(label)}\*\*: `?([^`\n]+)`?$", PROVENANCE, re.M)
    assert m, f"PROVENANCE.md has no '{label}' line"
    return m.group(1).strip()


# Codes with no polygon at 1:50m (the map's layer; at 1:10m only VA has none, see geo.NO_POLYGON)
NO_POLYGON_50M = frozenset({"BV", "GI", "TV", "UM"})


def markets_of(root: Path) -> dict:
    return load_catalog(root).markets


@pytest.fixture(scope="module")
def countries():
    return read_countries(REPO, MAP_FILE).frame()


def rings(geom: shapely.Geometry):
    for poly in geom.geoms:
        yield poly.exterior
        yield from poly.interiors


# --------------------------------------------------------------------------- provenance


def test_committed_file_matches_provenance():
    data = GEO.read_bytes()
    assert hashlib.sha256(data).hexdigest() == provenance("Output sha256")
    features = json.loads(data)["features"]
    assert len(features) == int(provenance("Output features"))
    assert {f["geometry"]["type"] for f in features} == {"MultiPolygon"}
    assert provenance("Source sha256") == geobuild.SOURCE_SHA256


def _world_atlas_source() -> Path | None:
    env = os.environ.get("CLOUDMAP_WORLD_ATLAS")
    if env:
        return Path(env)
    folder = os.environ.get("CLOUDMAP_WORLD_ATLAS_DIR")  # as tests/test_geobuild.py
    if folder:
        return Path(folder) / geobuild.SOURCE_FILE
    local = REPO / "node_modules" / "world-atlas" / geobuild.SOURCE_FILE
    return local if local.is_file() else None


def test_rebuild_reproduces_committed_file(tmp_path):
    source = _world_atlas_source()
    if source is None:
        reason = (
            "set CLOUDMAP_WORLD_ATLAS_DIR to the folder holding world-atlas@2.0.2's "
            "countries-50m.json (npm pack world-atlas@2.0.2; see geo/PROVENANCE.md)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the rebuild test: {reason}")
        pytest.skip(reason)
    out = tmp_path / "countries-50m.geojson"
    info = geobuild.rebuild(source, out)
    assert info["sha256"] == provenance("Output sha256")
    assert info["features"] == int(provenance("Output features"))
    assert out.read_bytes() == GEO.read_bytes()


def test_rebuild_refuses_another_source(tmp_path):
    other = tmp_path / "countries-50m.json"
    other.write_text('{"type": "Topology"}', encoding="utf-8")
    with pytest.raises(CloudmapError, match=r"is not world-atlas@2\.0\.2's countries-50m\.json"):
        geobuild.rebuild(other, tmp_path / "out.geojson")
    assert not (tmp_path / "out.geojson").exists()


# --------------------------------------------------------------------------- geometry


def test_layer_shape(countries):
    assert list(countries.columns) == ["key", "iso_a2", "iso_a3", "iso_n3", "name", "geometry"]
    assert countries.crs.to_epsg() == 4326
    assert list(countries["key"]) == sorted(countries["key"])
    assert countries["key"].is_unique
    assert len(countries) == int(provenance("Output features"))


def test_geometries_are_valid_multipolygons(countries):
    geoms = countries.geometry.values
    assert all(g.geom_type == "MultiPolygon" and not g.is_empty for g in geoms)
    invalid = [k for k, g in zip(countries["key"], geoms, strict=True) if not g.is_valid]
    assert invalid == []


def test_rfc7946_winding(countries):
    wrong = []
    for key, geom in zip(countries["key"], countries.geometry.values, strict=True):
        for poly in geom.geoms:
            if not poly.exterior.is_ccw or any(r.is_ccw for r in poly.interiors):
                wrong.append(key)
    assert wrong == []


def test_no_ring_spans_more_than_180_degrees(countries):
    wide = {}
    for key, geom in zip(countries["key"], countries.geometry.values, strict=True):
        for ring in rings(geom):
            x = np.asarray(ring.coords)[:, 0]
            if x.max() - x.min() > 180:
                wide.setdefault(key, []).append((x.min(), x.max()))
    assert list(wide) == ["ATA"]  # the polar exception: one ring round the South Pole
    ata = countries.geometry[countries["key"] == "ATA"].iloc[0]
    assert ata.bounds == (-180.0, -90.0, 180.0, ata.bounds[3])
    assert 11.5e6 < abs(GEOD.geometry_area_perimeter(ata)[0]) / 1e6 < 13.5e6


@pytest.mark.parametrize("key", ANTIMERIDIAN)
def test_area_on_both_sides_of_the_antimeridian(countries, key):
    geom = countries.geometry[countries["key"] == key].iloc[0]
    east = geom.intersection(box(170, -90, 180, 90)).area
    west = geom.intersection(box(-180, -90, -170, 90)).area
    assert east > 0 and west > 0


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        ("RUS", 16.8e6, 17.2e6),  # nothing dropped where Chukotka and Wrangel I. cross 180
        ("FJI", 17.5e3, 19.0e3),
        ("NZL", 260e3, 275e3),
    ],
)
def test_split_features_keep_their_area(countries, key, low, high):
    geom = countries.geometry[countries["key"] == key].iloc[0]
    assert low < abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6 < high


def test_planar_polygons_splits_a_ring_that_jumps_the_antimeridian():
    ring = [(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 1.0), (179.0, 0.0)]
    pieces = geobuild.planar_polygons([ring])
    assert sorted(p.bounds for p in pieces) == [
        (-180.0, 0.0, -179.0, 1.0),
        (179.0, 0.0, 180.0, 1.0),
    ]
    assert sum(p.area for p in pieces) == pytest.approx(2.0)


def test_planar_polygons_closes_a_polar_ring_at_the_pole():
    coast = [(float(x), -70.0) for x in range(-180, 180, 30)] + [(-180.0, -70.0)]
    cap = [(float(x), -89.999) for x in range(180, -180, -30)] + [(180.0, -89.999)]
    [polygon] = geobuild.planar_polygons([cap, coast])
    assert polygon.bounds == (-180.0, -90.0, 180.0, -70.0)
    assert polygon.area == pytest.approx(360 * 20)


# --------------------------------------------------------------------------- ISO codes


def test_iso_codes_agree_with_pycountry(countries):
    for row in countries.itertuples():
        if row.iso_a2 is None or row.iso_a2 == "XK":
            continue
        c = pycountry.countries.get(alpha_2=row.iso_a2)
        assert (c.alpha_3, c.numeric, row.key) == (row.iso_a3, row.iso_n3, row.iso_a3), row.name


def test_features_without_iso_codes_are_the_documented_ones(countries):
    none = countries[countries["iso_a2"].isna()]
    assert list(none["key"]) == ["northern-cyprus", "siachen-glacier", "somaliland"]
    assert none[["iso_a3", "iso_n3"]].isna().all().all()
    kosovo = countries[countries["key"] == "XKX"].iloc[0]
    assert (kosovo.iso_a2, kosovo.iso_a3, kosovo.iso_n3, kosovo["name"]) == (
        "XK",
        "XKX",
        None,
        "Kosovo",
    )
    readme = (REPO / "geo" / "README.md").read_text(encoding="utf-8")
    for name in ("Kosovo", "N. Cyprus", "Somaliland", "Siachen Glacier", "Indian Ocean Ter."):
        assert name in readme


def test_every_iso_code_but_the_tiny_ones_has_a_polygon(countries):
    codes = {c.alpha_2 for c in pycountry.countries}
    present = set(countries["iso_a2"].dropna())
    assert codes - present == NO_POLYGON_50M
    assert present - codes == {"XK"}
    assert countries["iso_a2"].dropna().is_unique


@pytest.mark.parametrize("cc", ["SG", "HK", "BH", "MO", "TW", "GF", "SJ", "CX", "CC"])
def test_small_places_are_their_own_polygon(countries, cc):
    assert (countries["iso_a2"] == cc).sum() == 1


def test_market_countries_have_polygons(countries):
    markets = markets_of(REPO)
    listed = {cc for m in markets.values() for cc in m.countries}
    assert listed - set(countries["iso_a2"].dropna()) == {"BV", "GI"}  # documented in markets.yaml


@pytest.mark.usefixtures("countries")
def test_locate():
    lons = [103.82, 114.2, 50.55, 0.0, 179.99, -179.99, 21.17, 44.06]
    lats = [1.35, 22.4, 26.05, 0.0, -16.52, -16.5, 42.67, 9.56]
    assert read_countries(REPO, MAP_FILE).locate(lons, lats) == [
        "SGP",
        "HKG",
        "BHR",
        None,
        "FJI",
        "FJI",
        "XKX",
        "somaliland",
    ]


def test_a_layer_frame_is_a_copy():
    layer = read_countries(REPO, MAP_FILE)
    first = layer.frame()
    first.loc[0, "name"] = "changed"
    assert layer.frame().loc[0, "name"] != "changed"


def test_country_name_and_flag():
    assert [country_name(c) for c in ("KR", " kr ", "RU", "TW", "VN", "HK", "XK", "JP")] == [
        "South Korea",
        "South Korea",
        "Russia",
        "Taiwan",
        "Vietnam",
        "Hong Kong",
        "Kosovo",
        "Japan",
    ]
    with pytest.raises(LookupError, match="'XX' is not an ISO 3166-1 alpha-2 code"):
        country_name("XX")
    assert flag("jp") == "\U0001f1ef\U0001f1f5"
    assert flag("XK") == "\U0001f1fd\U0001f1f0"
    with pytest.raises(ValueError, match="not a two-letter"):
        flag("JPN")


def test_distance_km_is_geodesic():
    square = box(-1.0, -1.0, 1.0, 1.0)
    assert distance_km(square, 0.0, 0.5) == 0.0
    near = distance_km(square, 0.0, 2.0)  # one degree of latitude north of the edge
    assert near == pytest.approx(110.6, abs=0.2)
    far = distance_km(square, 0.0, 10.0)  # nine degrees: densified-boundary estimate
    assert far == pytest.approx(995.3, abs=6)


# --------------------------------------------------------------------------- markets


@pytest.mark.parametrize(("name", "size"), sorted(MARKET_SIZES.items()))
def test_market_definition(name, size):
    market = markets_of(REPO)[name]
    assert len(market.countries) == size
    assert list(market.countries) == sorted(set(market.countries))
    assert all(pycountry.countries.get(alpha_2=cc) for cc in market.countries)
    assert market.sources and market.definition
    assert re.fullmatch(r"[a-z0-9-]+", market.id)


def test_markets_pinned():
    markets = markets_of(REPO)
    assert set(MARKET_SIZES) <= set(markets)
    assert markets["Southeast Asia"].countries == (
        "BN",
        "ID",
        "KH",
        "LA",
        "MM",
        "MY",
        "PH",
        "SG",
        "TH",
        "TL",
        "VN",
    )
    assert markets["Middle East"].countries == (
        "AE",
        "BH",
        "CY",
        "EG",
        "IL",
        "IQ",
        "IR",
        "JO",
        "KW",
        "LB",
        "OM",
        "PS",
        "QA",
        "SA",
        "SY",
        "TR",
        "YE",
    )
    assert markets["Japan"].countries == ("JP",)
    assert markets["South Korea"].countries == ("KR",)
    assert {m.m49 for m in markets.values()} >= {"035", "150", "019"}
    assert "NO" in markets["Europe"].countries and "US" in markets["Americas"].countries


# --------------------------------------------------------------------------- test catalogs

PROVIDER = """\
provider:
  id: testcloud
  name: Test Cloud
  style: {short: Test, shape: circle, color: "#ff6a00"}
  counting:
    regions: [region]
    zones: [region]
    note: local regions are left out of headline totals in this fixture
regions:
"""


def region(
    rid: str,
    country: str,
    lat: float,
    lon: float,
    *,
    launched: str = "2025-02-19",
    kind: str = "region",
    closed: str = "null",
) -> str:
    return textwrap.dedent(f"""\
    - id: {rid}
      name: Test ({rid})
      city: Somewhere
      country: {country}
      kind: {kind}
      location:
        lat: {lat}
        lon: {lon}
        precision: metro
        source: test
      announced: null
      launched: {launched}
      closure_announced: null
      closed: {closed}
      zones:
      - id: {rid}a
        opened: null
        closed: null
      - id: {rid}b
        opened: null
        closed: null
      announcements: []
      sources:
      - url: https://example.com/{rid}
        supports: test
    """)


def seed(aid: str, date: str, markets: list[str]) -> str:
    return textwrap.dedent(f"""\
    id: {aid}
    date: {date}
    provider: testcloud
    title: Test announcement
    sources:
    - url: https://example.com/{aid}
      supports: test
    summary: A test announcement.
    claims:
      markets: {json.dumps(markets)}
    """)


def make_project(
    root: Path,
    regions: list[str],
    *,
    sites: str = "",
    seeds: dict[str, tuple[str, list[str]]] | None = None,
) -> Path:
    """A project folder: data/testcloud.yaml, the real markets.yaml, seeds, and geo/ (linked)."""
    (root / "data").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "geo").symlink_to(REPO / "geo", target_is_directory=True)
    text = PROVIDER + "".join(regions) + (f"sites:\n{sites}" if sites else "")
    (root / "data" / "testcloud.yaml").write_text(text, encoding="utf-8")
    (root / "data" / "markets.yaml").write_bytes((REPO / "data" / "markets.yaml").read_bytes())
    for aid, (date, names) in (seeds or {}).items():
        (root / "seeds" / f"{aid}.yaml").write_text(seed(aid, date, names), encoding="utf-8")
    return root


def problems_for(tmp_path: Path, *regions: str, sites: str = "") -> list[str]:
    catalog = load_catalog(make_project(tmp_path / "p", list(regions), sites=sites))
    return [str(p) for p in check_points(catalog, read_countries(catalog.root))]


F = "data/testcloud.yaml"


def test_regions_in_their_countries_pass(tmp_path):
    assert (
        problems_for(
            tmp_path,
            region("mx-1", "MX", 20.5888, -100.3899),
            region("sg-1", "SG", 1.29, 103.85),  # Singapore's city centre, 1:10m coast
            region("hk-1", "HK", 22.2783, 114.1747),  # Hong Kong
            region("cn-1", "CN", 22.5455, 114.0683),  # Shenzhen: CN at 1:10m (HK at 1:50m)
            region("cn-2", "CN", 26.0614, 119.3061),  # Fuzhou: land at 1:10m (sea at 1:50m)
            region("xk-1", "XK", 42.67, 21.17),  # Pristina, declared Kosovo (XK)
            region("fj-1", "FJ", -16.48, -179.99),  # east of the antimeridian
        )
        == []
    )


def test_region_in_the_wrong_country_fails(tmp_path):
    assert problems_for(tmp_path, region("mx-1", "MX", -23.55, -46.63)) == [
        f"{F}:15: mx-1: location: point (lat -23.55, lon -46.63) lies in Brazil (BR), 6,414 km "
        "from Mexico (MX): check the signs of lat/lon and the country code"
    ]


def test_region_with_lat_lon_swapped_fails(tmp_path):
    assert problems_for(tmp_path, region("de-1", "DE", 8.68, 50.11)) == [
        f"{F}:15: de-1: location: point (lat 8.68, lon 50.11) lies in Somalia (SO), 5,542 km "
        "from Germany (DE): lat/lon swapped? (lat 50.11, lon 8.68) is in Germany (DE)"
    ]


def test_region_with_a_sign_flipped_fails(tmp_path):
    [problem] = problems_for(tmp_path, region("mx-1", "MX", 20.59, 100.39))
    assert "lies in Laos (LA)" in problem
    assert problem.endswith(": sign of lon flipped? (lat 20.59, lon -100.39) is in Mexico (MX)")


def test_no_coastal_tolerance_and_the_message_says_how_far_and_what_to_do(tmp_path):
    # Copenhagen's GeoNames centre lies 45 m off the 1:10m coast: a GIS join would miss it
    assert problems_for(tmp_path, region("dk-1", "DK", 55.6759, 12.5655)) == [
        f"{F}:15: dk-1: location: point (lat 55.6759, lon 12.5655) lies in the sea, 45 m from "
        "Denmark (DK): move the point inland, inside DK's polygon in geo/countries-10m.geojson "
        "(a GIS join must put it in its country)"
    ]
    assert problems_for(tmp_path / "far", region("jp-1", "JP", 34.7, 140.5)) == [
        f"{F}:15: jp-1: location: point (lat 34.7, lon 140.5) lies in the sea, 50 km from Japan "
        "(JP): check the signs of lat/lon and the country code"
    ]


def test_sites_with_a_location_are_checked(tmp_path):
    sites = textwrap.dedent("""\
    - id: br-2025
      country: BR
      announced: 2025-09-24
      location: {lat: 19.43, lon: -99.13, precision: metro, source: test}
      announcements: []
      sources:
      - url: https://example.com/br
        supports: test
    - id: br-2026
      country: BR
      announced: 2025-09-24
      location: null
      announcements: []
      sources:
      - url: https://example.com/br
        supports: test
    """)
    [problem] = problems_for(tmp_path, region("mx-1", "MX", 20.5888, -100.3899), sites=sites)
    assert problem.startswith(
        f"{F}:39: br-2025: location: site point (lat 19.43, lon -99.13) lies in Mexico (MX), "
    )


def test_the_point_check_runs_when_a_project_loads(tmp_path):
    root = make_project(tmp_path / "p", [region("de-1", "DE", 8.68, 50.11)])
    with pytest.raises(ValidationError, match="de-1: location: point"):
        load_project(root)


def test_market_links_come_from_seeds(tmp_path):
    root = make_project(
        tmp_path / "p",
        [region("mx-1", "MX", 20.5888, -100.3899)],
        seeds={
            "2025-05-15-results": ("2025-05-15", ["Japan", "Southeast Asia", "americas"]),
            "2025-02-19-mexico": ("2025-02-19", ["Americas"]),
        },
    )
    markets = load_catalog(root).markets
    assert markets["Americas"].announcements == ("2025-02-19-mexico", "2025-05-15-results")
    assert markets["Japan"].announcements == ("2025-05-15-results",)
    assert markets["Europe"].announcements == ()


def test_unknown_market_names_are_problems(tmp_path):
    root = make_project(
        tmp_path / "p",
        [region("mx-1", "MX", 20.5888, -100.3899)],
        seeds={
            "2025-05-15-results": ("2025-05-15", ["South East Asia", "Atlantis"]),
        },
    )
    s = "seeds/2025-05-15-results.yaml"
    with pytest.raises(ValidationError) as err:
        load_catalog(root)
    assert [str(p) for p in err.value.problems] == [
        f"{s}:10: 2025-05-15-results: claims.markets: unknown market 'Atlantis' (defined: "
        "Americas, China, Europe, Japan, Middle East, South Korea, Southeast Asia; markets are "
        "defined in data/markets.yaml)",
        f"{s}:10: 2025-05-15-results: claims.markets: unknown market 'South East Asia' (did you "
        "mean 'Southeast Asia'?; markets are defined in data/markets.yaml)",
    ]


def test_bad_market_codes_are_problems(tmp_path):
    root = make_project(tmp_path / "p", [region("mx-1", "MX", 20.5888, -100.3899)])
    (root / "data" / "markets.yaml").write_text(
        textwrap.dedent("""\
    markets:
    - id: nordics
      name: Nordics
      definition: test
      countries: [DK, NO, SE]
      sources:
      - {url: https://example.com/n, supports: test}
    - id: iberia
      name: Iberia
      definition: test
      countries: [PT, ES, Spain]
      sources:
      - {url: https://example.com/i, supports: test}
    """),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        load_catalog(root)
    assert [str(p) for p in err.value.problems] == [
        "data/markets.yaml:5: nordics: countries: expected non-empty text, got bool False (quote "
        "it: YAML reads NO, no, yes, on, off as true/false)",
        "data/markets.yaml:11: iberia: countries: 'Spain' is not an ISO 3166-1 alpha-2 code (did "
        "you mean ES, Spain?)",
    ]


# --------------------------------------------------------------------------- layers and stats


def layer_project(tmp_path: Path) -> Path:
    return make_project(
        tmp_path / "p",
        [
            region("mx-1", "MX", 20.5888, -100.3899, launched="2025-02"),
            region("mx-2", "MX", 19.43, -99.13, launched="2026-01-10"),
            region("jp-1", "JP", 35.68, 139.69, launched="2016-12", closed="2024-12-31"),
            region("sg-local", "SG", 1.35, 103.82, launched="2015", kind="local-region"),
        ],
        seeds={"2025-05-15-results": ("2025-05-15", ["Japan", "Americas"])},
    )


def test_country_layer(tmp_path):
    root = layer_project(tmp_path)
    project = load_project(root, full=False)  # "Somewhere" is in no gazetteer
    before = project.at(dt.date(2025, 3, 1)).countries()
    assert list(before.columns)[:12] == [
        "id",
        "iso_a2",
        "iso_a3",
        "iso_n3",
        "name",
        "status",
        "live_regions",
        "live_zones",
        "zones_known",
        "first_launch",
        "markets",
        "target_markets",
    ]
    assert len(before) == len(read_countries(REPO))
    row = before.set_index("id").loc
    assert (row["MEX", "live_regions"], row["MEX", "live_zones"]) == (1, 2)
    assert row["MEX", "first_launch"] == "2025-02"
    assert row["MEX", "markets"] == ["Americas"] and row["MEX", "target_markets"] == []
    assert row["MEX", "status"] == "hosts"
    assert row["JPN", "status"] == "neither" and row["JPN", "first_launch"] == "2016-12"
    assert row["SGP", "live_regions"] == 0  # local regions are not counted by this provider
    assert row["SGP", "status"] == "neither"
    assert row["somaliland", "markets"] == [] and row["somaliland", "status"] == "neither"

    after = project.at(dt.date(2026, 2, 1)).countries().set_index("id").loc
    assert (after["MEX", "live_regions"], after["MEX", "status"]) == (2, "both")
    assert after["JPN", "status"] == "target" and after["JPN", "live_regions"] == 0
    assert after["BRA", "status"] == "target" and after["FRA", "status"] == "neither"
    assert after["BRA", "target_markets"] == ["Americas"]
    assert after["MEX", "first_launch"] == "2025-02"


def test_market_stats(tmp_path):
    root = layer_project(tmp_path)
    stats = {s["name"]: s for s in market_stats(load_catalog(root), dt.date(2026, 2, 1))}
    assert list(stats) == sorted(stats)
    assert stats["Americas"] == {
        "id": "americas",
        "name": "Americas",
        "countries_targeted": 57,
        "countries_hosting": 1,
        "live_regions": 2,
        "live_zones": 4,
        "zones_known": True,
        "announcements": ["2025-05-15-results"],
    }
    assert stats["Japan"]["live_regions"] == 0 and stats["Japan"]["countries_hosting"] == 0
    assert stats["Europe"]["announcements"] == []


# --------------------------------------------------------------------------- the real catalog


@pytest.mark.skipif(
    not (REPO / "data" / "alibaba-cloud.yaml").exists(),
    reason="data/alibaba-cloud.yaml is not written yet",
)
def test_real_catalog_regions_and_markets():
    catalog = load_catalog(REPO, strict=False)
    layer = read_countries(REPO)
    assert [str(p) for p in check_points(catalog, layer)] == []
    assert validate(catalog)[1] == []
    assert {r.country for r in catalog.regions} <= set(layer.iso_a2)
