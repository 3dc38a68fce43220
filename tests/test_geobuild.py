"""The 1:10m layer (geo/countries-10m.geojson): provenance, rebuild, keys vs 1:50m, ISO rules,
geometry, and the catalog's points strictly inside their countries (no distance tolerance)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pycountry
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, box

from cloudmap import geo, geobuild, geobuild_rules
from cloudmap.errors import CloudmapError
from cloudmap.gazetteer import cities
from cloudmap.validate import load_catalog

REPO = Path(__file__).resolve().parents[1]
GEO = REPO / "geo"
GEO10 = GEO / "countries-10m.geojson"
GEO50 = GEO / "countries-50m.geojson"
PROVENANCE = (GEO / "PROVENANCE.md").read_text(encoding="utf-8")
README = (GEO / "README.md").read_text(encoding="utf-8")
GEOD = Geod(ellps="WGS84")
ENV_DIR = "CLOUDMAP_WORLD_ATLAS_DIR"

# Slug keys (no ISO code) that only 1:10m has, and the ISO features it adds.
SLUGS_10M = {
    "akrotiri",
    "baikonur",
    "bajo-nuevo-bank",
    "cyprus-un-buffer-zone",
    "dhekelia",
    "guantanamo-bay",
    "scarborough-reef",
    "serranilla-bank",
    "spratly-islands",
}
ISO_10M = {"BVT", "GIB", "TUV", "UMI"}
# GeoNames cities (geonameid) that must fall in their own country at 1:10m.
CITIES = {
    "Shenzhen": (1795565, "CN"),
    "Fuzhou": (1810821, "CN"),
    "Hong Kong": (1819729, "HK"),
    "Singapore": (1880252, "SG"),
    "Johor Bahru": (1732752, "MY"),
    "Macau": (1821274, "MO"),
    "Dubai": (292223, "AE"),
    "Manila": (1701668, "PH"),
    "Jakarta": (1642911, "ID"),
}


def provenance(label: str) -> str:
    m = re.search(rf"^- \*\*{re.escape(label)}\*\*: `?([^`\n]+)`?$", PROVENANCE, re.M)
    assert m, f"PROVENANCE.md has no '{label}' line"
    return m.group(1).strip()


def parse(path: Path):
    """(columns, geometries) read by the loader cloudmap.geo uses (its fast path must accept the file)."""
    parsed = geo._parse_lines(path.read_text(encoding="utf-8"))
    assert parsed is not None, f"{path.name}: not in the layout geo._parse_lines reads"
    columns, geoms, _ = parsed
    return columns, geoms


@pytest.fixture(scope="module")
def layer10():
    return parse(GEO10)


@pytest.fixture(scope="module")
def layer50():
    return parse(GEO50)


@pytest.fixture(scope="module")
def by_key10(layer10):
    columns, geoms = layer10
    return dict(zip(columns["key"], geoms, strict=True))


def rings(geom):
    for poly in geom.geoms:
        yield poly.exterior
        yield from poly.interiors


# --------------------------------------------------------------------------- provenance, rebuild


def test_committed_10m_file_matches_provenance(layer10):
    data = GEO10.read_bytes()
    assert hashlib.sha256(data).hexdigest() == provenance("Output sha256 (10m)")
    assert f"{len(data):,} bytes" in provenance("Output size (10m)")
    columns, geoms = layer10  # the fast loader only reads MultiPolygon features
    assert len(geoms) == len(columns["key"]) == int(provenance("Output features (10m)"))
    assert provenance("Source sha256 (10m)") == geobuild.SCALES["10m"].source_sha256
    assert provenance("Source sha256") == geobuild.SCALES["50m"].source_sha256


def test_scales_are_pinned():
    assert {s: (v.source_file, v.output_name) for s, v in geobuild.SCALES.items()} == {
        "50m": ("countries-50m.json", "countries-50m.geojson"),
        "10m": ("countries-10m.json", "countries-10m.geojson"),
    }
    fifty = geobuild.SCALES["50m"]
    pins = (geobuild.SOURCE_FILE, geobuild.SOURCE_SHA256, geobuild.OUTPUT_NAME)
    assert pins == (fifty.source_file, fifty.source_sha256, fifty.output_name)


def world_atlas_dir() -> Path | None:
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    local = REPO / "node_modules" / "world-atlas"
    return local if (local / "countries-10m.json").is_file() else None


def test_cli_rebuild_of_10m_is_byte_identical(tmp_path, run):
    folder = world_atlas_dir()
    if folder is None:
        reason = (
            f"set {ENV_DIR} to the folder holding world-atlas@2.0.2's countries-10m.json "
            "(npm pack world-atlas@2.0.2; see geo/PROVENANCE.md)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the rebuild test: {reason}")
        pytest.skip(reason)
    root = tmp_path / "p"
    for part in ("data", "seeds", "geo"):
        (root / part).mkdir(parents=True)
    result = run(
        "geo", "rebuild", "--source", str(folder / "countries-10m.json"), "--root", str(root)
    )
    assert (result.code, result.err) == (0, "")
    sha = provenance("Output sha256 (10m)")
    assert result.out == (
        f"Wrote geo/countries-10m.geojson: {provenance('Output features (10m)')} features, "
        f"sha256 {sha}\n"
    )
    assert sorted(p.name for p in (root / "geo").iterdir()) == ["countries-10m.geojson"]
    assert (root / "geo" / "countries-10m.geojson").read_bytes() == GEO10.read_bytes()


def test_rebuild_refuses_another_source(tmp_path, run):
    other = tmp_path / "countries-10m.json"
    other.write_text('{"type": "Topology"}', encoding="utf-8")
    out = tmp_path / "out.geojson"
    with pytest.raises(CloudmapError, match=r"is not world-atlas@2\.0\.2's countries-10m\.json \("):
        geobuild.rebuild(other, out, scale="10m")
    with pytest.raises(CloudmapError, match=r"countries-50m\.json \(.*\) or countries-10m\.json"):
        geobuild.rebuild(other, out)
    with pytest.raises(CloudmapError, match="unknown scale '1m'"):
        geobuild.rebuild(other, out, scale="1m")
    with pytest.raises(CloudmapError, match="needs scale="):
        geobuild.rebuild(other, out, check_source=False)
    assert not out.exists()
    root = tmp_path / "p"
    for part in ("data", "seeds", "geo"):
        (root / part).mkdir(parents=True)
    result = run("geo", "rebuild", "--source", str(other), "--root", str(root))
    assert result.code == 1 and "is not world-atlas@2.0.2's countries-50m.json" in result.err
    assert list((root / "geo").iterdir()) == []


# --------------------------------------------------------------------------- keys and ISO rules


def test_keys_and_properties_agree_with_50m(layer10, layer50):
    def props(columns):
        cols = ("iso_a2", "iso_a3", "iso_n3", "name")
        return {k: tuple(columns[c][i] for c in cols) for i, k in enumerate(columns["key"])}

    p10, p50 = props(layer10[0]), props(layer50[0])
    # VAT: the Vatican has no area at 1:10m (quantization; inside Italy there, see geo/README.md)
    assert set(p50) - set(p10) == {"VAT"}
    assert set(p10) - set(p50) == SLUGS_10M | ISO_10M
    assert {k: p10[k] for k in p50 if k in p10} == {k: p50[k] for k in p50 if k in p10}


def test_iso_codes_agree_with_pycountry(layer10):
    columns, _ = layer10
    assert list(columns["key"]) == sorted(columns["key"])
    for key, a2, a3, n3 in zip(
        columns["key"], columns["iso_a2"], columns["iso_a3"], columns["iso_n3"], strict=True
    ):
        if a2 is None:
            assert (a3, n3) == (None, None) and re.fullmatch(r"[a-z]+(-[a-z]+)*", key)
        elif a2 != "XK":
            c = pycountry.countries.get(alpha_2=a2)
            assert (c.alpha_3, c.numeric, key) == (a3, n3, a3)


def test_features_without_iso_codes_are_documented(layer10):
    columns, _ = layer10
    none = {k for k, a2 in zip(columns["key"], columns["iso_a2"], strict=True) if a2 is None}
    assert none == {"northern-cyprus", "siachen-glacier", "somaliland"} | SLUGS_10M
    for text in (*none, *geobuild_rules.NO_ID):
        assert text in README, f"geo/README.md does not document {text!r}"
    # every slug says which ISO codes count it as theirs (cloudmap.geo names them in messages)
    assert set(geobuild_rules.DE_JURE) == none | {"XKX"}
    assert all(
        pycountry.countries.get(alpha_2=cc) for v in geobuild_rules.DE_JURE.values() for cc in v
    )


def test_every_iso_code_but_the_vatican_has_a_polygon(layer10):
    codes = {c.alpha_2 for c in pycountry.countries}
    present = [a2 for a2 in layer10[0]["iso_a2"] if a2 is not None]
    assert len(present) == len(set(present))
    assert codes - set(present) == {"VA"}
    assert set(present) - codes == {"XK"}


@pytest.mark.parametrize(
    ("key", "west", "south", "east", "north"),
    [
        ("GLP", -61.1, 16.3, -61.0, 16.36),  # La Désirade, east of 1:50m's Guadeloupe box
        ("BVT", 3.3, -54.5, 3.5, -54.35),  # Bouvet Island, split off Norway
        ("SJM", 10.0, 74.0, 35.0, 81.0),
        ("BES", -68.5, 11.9, -68.0, 12.4),
        ("TKL", -173.0, -9.5, -171.0, -8.0),
        ("FRA", -109.3, 10.2, -109.1, 10.4),  # Clipperton, merged into France
        ("AUS", 123.0, -12.6, 123.6, -12.1),  # Ashmore and Cartier, merged into Australia
        ("AUS", 147.0, -24.0, 158.0, -12.0),  # the Coral Sea Islands, merged into Australia
        ("CHN", 111.0, 15.7, 113.0, 17.2),  # the Paracels: part of China's polygon
    ],
)
def test_rules_put_parts_where_iso_codes_them(by_key10, key, west, south, east, north):
    assert by_key10[key].intersects(box(west, south, east, north))


def test_overseas_parts_are_all_split_off(by_key10):
    europe = box(-10.0, 35.0, 45.0, 72.0)
    outside = {
        key: [p for p in by_key10[key].geoms if not p.within(europe)]
        for key in ("FRA", "NLD", "NOR")
    }
    assert (len(outside["FRA"]), outside["NLD"], outside["NOR"]) == (1, [], [])
    assert outside["FRA"][0].within(box(-109.3, 10.2, -109.1, 10.4))  # Clipperton


# --------------------------------------------------------------------------- geometry


def test_geometries_are_valid_multipolygons_with_rfc7946_winding(layer10):
    columns, geoms = layer10

    def wound(geom):
        return all(p.exterior.is_ccw and not any(r.is_ccw for r in p.interiors) for p in geom.geoms)

    bad = [
        key
        for key, geom in zip(columns["key"], geoms, strict=True)
        if geom.geom_type != "MultiPolygon" or geom.is_empty or not geom.is_valid or not wound(geom)
    ]
    assert bad == []


def test_fast_loader_and_gdal_read_the_same_layer(layer10):
    pyogrio = pytest.importorskip("pyogrio")
    frame = pyogrio.read_dataframe(GEO10)
    columns, geoms = layer10
    assert list(frame["key"]) == list(columns["key"])
    assert all(shapely.equals_exact(geoms, frame.geometry.values, 0))


def test_no_ring_spans_more_than_180_degrees(by_key10):
    wide = set()
    for key, geom in by_key10.items():
        for ring in rings(geom):
            x = np.asarray(ring.coords)[:, 0]
            if x.max() - x.min() > 180:
                wide.add(key)
    assert wide == {"ATA"}
    ata = by_key10["ATA"]
    assert ata.bounds[:3] == (-180.0, -90.0, 180.0)
    assert 11.5e6 < abs(GEOD.geometry_area_perimeter(ata)[0]) / 1e6 < 13.5e6


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        ("RUS", 16.8e6, 17.2e6),
        ("FJI", 17.5e3, 19.5e3),
        ("NZL", 260e3, 275e3),
        ("KIR", 0.5e3, 1.5e3),
        ("USA", 9.3e6, 9.6e6),
    ],
)
def test_antimeridian_features_keep_area_on_both_sides(by_key10, key, low, high):
    geom = by_key10[key]
    assert geom.intersection(box(170, -90, 180, 90)).area > 0
    assert geom.intersection(box(-180, -90, -170, 90)).area > 0
    assert low < abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6 < high


def test_planar_polygons_drops_rings_flattened_by_quantization():
    line = [(12.45, 41.90), (12.45, 41.91), (12.45, 41.90)]
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    assert geobuild.planar_polygons([line, square]) == []  # a flat shell takes its holes along
    [polygon] = geobuild.planar_polygons([square, line])  # a flat hole is dropped
    assert polygon.area == 1.0 and not polygon.interiors


# --------------------------------------------------------------------------- points


def catalog_points() -> list[tuple[str, str, float, float]]:
    """(label, declared ISO alpha-2, lon, lat) of the listed cities and every located region and
    site of data/alibaba-cloud.yaml."""
    gaz = cities()
    points = []
    for name, (geonameid, cc) in CITIES.items():
        [row] = np.flatnonzero(gaz.geonameid == geonameid)
        assert (gaz.name[row], gaz.country[row]) == (name, cc)
        points.append((f"city {name}", cc, float(gaz.lon[row]), float(gaz.lat[row])))
    catalog = load_catalog(REPO, strict=False)
    for rec in [*catalog.regions, *catalog.sites]:
        if rec.location is not None and rec.file.endswith("alibaba-cloud.yaml"):
            points.append((rec.id, rec.country, rec.location.lon, rec.location.lat))
    return points


@pytest.mark.skipif(
    not (REPO / "data" / "alibaba-cloud.yaml").exists(), reason="no data/alibaba-cloud.yaml"
)
def test_catalog_points_lie_strictly_inside_their_country_at_10m(layer10):
    columns, geoms = layer10
    of = {a2: g for a2, g in zip(columns["iso_a2"], geoms, strict=True) if a2 is not None}
    points = catalog_points()
    assert sum(1 for p in points if not p[0].startswith("city ")) >= 37
    outside = []
    for label, cc, lon, lat in points:
        polygon = of.get(cc)
        if polygon is None or not Point(lon, lat).within(polygon):
            found = [
                k
                for k, g in zip(columns["key"], geoms, strict=True)
                if g.intersects(Point(lon, lat))
            ]
            outside.append((label, cc, lat, lon, found))
    assert outside == []


def test_at_50m_shenzhen_and_fuzhou_were_not_in_china(layer50):
    columns, geoms = layer50
    gaz = cities()
    found = {}
    for name in ("Shenzhen", "Fuzhou"):
        [row] = np.flatnonzero(gaz.geonameid == CITIES[name][0])
        point = Point(float(gaz.lon[row]), float(gaz.lat[row]))
        found[name] = [k for k, g in zip(columns["key"], geoms, strict=True) if g.intersects(point)]
    assert found == {"Shenzhen": ["HKG"], "Fuzhou": []}  # why the 1:10m layer exists
