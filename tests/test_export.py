"""Exports: schema = docs, typed and stable features, RFC 7946, round trips, as-of dates, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import geojson_validator
import pyogrio
import pytest
import shapely

from cloudmap import export
from cloudmap.errors import CloudmapError
from cloudmap.export import write as export_write
from cloudmap.export.geometry import crosses_antimeridian
from cloudmap.export.schema import flat_value
from cloudmap.geo import read_countries
from cloudmap.model import Catalog
from cloudmap.project import Project, load_project
from conftest import FIXTURES, REPO, tree_digest

DOC = REPO / "docs" / "exports.md"
MID_2024, MAY_2025, OCT_2025 = dt.date(2024, 6, 30), dt.date(2025, 5, 15), dt.date(2025, 10, 1)
FILES = [
    "regions.geojson",
    "sites.geojson",
    "countries.geojson",
    "markets.geojson",
    "cloudmap.gpkg",
    "regions.csv",
    "regions.csvt",
    "regions.kml",
]

# A market per continent for the fixture, and one whose countries straddle the antimeridian.
MARKETS_YAML = """\
markets:
- id: americas
  name: Americas
  definition: Test definition.
  countries: [BR, CA, MX, US]
  sources:
  - url: https://example.com/americas
    supports: test
- id: pacific
  name: Pacific
  definition: Countries on both sides of the antimeridian.
  countries: [FJ, NZ, RU, US]
  sources:
  - url: https://example.com/pacific
    supports: test
"""


# --------------------------------------------------------------------------- fixtures


def make_fixture_root(dest: Path) -> Path:
    """tests/fixtures/mini plus the project's country polygons and a small markets.yaml."""
    shutil.copytree(FIXTURES / "mini", dest)
    for name in ("countries-50m.geojson", "countries-10m.geojson"):
        shutil.copy(REPO / "geo" / name, dest / "geo" / name)
    (dest / "data" / "markets.yaml").write_text(MARKETS_YAML, encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory) -> Path:
    return make_fixture_root(tmp_path_factory.mktemp("export") / "mini")


@pytest.fixture(scope="module")
def fixture_project(fixture_root):
    return load_project(fixture_root)


@pytest.fixture(scope="module")
def fixture_catalog(fixture_project):
    return fixture_project.catalog


def with_catalog(project: Project, catalog: Catalog) -> Project:
    return Project(project.root, catalog, project.countries_layer)


@pytest.fixture(scope="module")
def exported(fixture_project, tmp_path_factory) -> dict[dt.date, Path]:
    """Every format for three dates: before Mexico is announced, in May 2025, after Brazil."""
    out = {}
    for on in (MID_2024, MAY_2025, OCT_2025):
        folder = tmp_path_factory.mktemp(f"out-{on}")
        export.write_exports(fixture_project.at(on, "all"), folder)
        out[on] = folder
    return out


@pytest.fixture(scope="module")
def real_project():
    return load_project(REPO)


@pytest.fixture(scope="module")
def real_catalog(real_project):
    return real_project.catalog


_parsed: dict[tuple[Path, int], dict[str, Any]] = {}


def _geojson(path: Path) -> dict[str, Any]:
    """The parsed file (cached: the polygon layers are megabytes). Do not modify the result."""
    key = (path, path.stat().st_mtime_ns)
    if key not in _parsed:
        _parsed[key] = json.loads(path.read_text(encoding="utf-8"))
    return _parsed[key]


def _props(folder: Path, layer: str) -> dict[str, dict[str, Any]]:
    return {f["id"]: f["properties"] for f in _geojson(folder / f"{layer}.geojson")["features"]}


# --------------------------------------------------------------------------- the documented schema


def _doc_tables(text: str) -> dict[str, list[tuple[str, str, str]]]:
    """The generated field tables of docs/exports.md: layer -> [(field, type, meaning)]."""
    block = text.split(export.DOC_BEGIN)[1].split(export.DOC_END)[0]
    tables: dict[str, list[tuple[str, str, str]]] = {}
    current = None
    for line in block.splitlines():
        m = re.match(r"^### `([\w.]+)`", line)
        if m:
            current = m.group(1)
            tables[current] = []
        elif current and line.startswith("| `"):
            name, type_, doc = (c.strip() for c in line.strip("|").split(" | ", 2))
            tables[current].append((name.strip("`"), type_, doc))
    return tables


@pytest.fixture(scope="module")
def doc_schema() -> dict[str, list[tuple[str, str]]]:
    tables = _doc_tables(DOC.read_text(encoding="utf-8"))
    return {layer: [(n, t) for n, t, _ in rows] for layer, rows in tables.items()}


def test_doc_tables_are_generated_from_the_schema():
    text = DOC.read_text(encoding="utf-8")
    assert export.DOC_BEGIN in text and export.DOC_END in text
    block = text.split(export.DOC_BEGIN)[1].split(export.DOC_END)[0]
    assert block.strip() == export.schema_markdown().strip(), (
        "docs/exports.md is out of date: run `python -m cloudmap.export docs/exports.md`"
    )
    tables = _doc_tables(text)
    assert list(tables) == [*export.LAYERS, "regions.csv"]
    for layer, fields in export.SCHEMA.items():
        assert tables[layer] == [(f.name, f.type, f.doc) for f in fields]


def test_doc_type_table_covers_every_type():
    text = DOC.read_text(encoding="utf-8")
    documented = set(
        re.findall(r"^\| (string|integer|number|boolean|date|string list) \|", text, re.M)
    )
    used = {f.type for fields in export.SCHEMA.values() for f in fields}
    assert used <= documented


def test_doc_parser_notices_an_edit(tmp_path):
    edited = DOC.read_text(encoding="utf-8").replace(
        "| `live_zones` | integer |", "| `live_zones` | number |", 1
    )
    assert _doc_tables(edited)["regions"] != [
        (f.name, f.type, f.doc) for f in export.SCHEMA["regions"]
    ]
    path = tmp_path / "exports.md"
    path.write_text(edited, encoding="utf-8")
    assert export.update_doc(path) is True
    assert path.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    assert export.update_doc(path) is False


def test_the_doc_regenerate_command_runs(tmp_path):
    path = tmp_path / "exports.md"
    shutil.copy(DOC, path)
    proc = subprocess.run(
        [sys.executable, "-m", "cloudmap.export", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"{path}: up to date\n", "")


_JSON_TYPES = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": str,
    "string list": list,
}


def test_geojson_properties_match_the_doc(exported, doc_schema):
    for folder in exported.values():
        for layer in export.LAYERS:
            data = _geojson(folder / f"{layer}.geojson")
            for feat in data["features"]:
                props = feat["properties"]
                assert [(k, t) for k, t in doc_schema[layer]] == [
                    (k, t) for k, (_, t) in zip(props, doc_schema[layer], strict=True)
                ]
                assert list(props) == [n for n, _ in doc_schema[layer]]
                for name, type_ in doc_schema[layer]:
                    v = props[name]
                    if v is None:
                        assert type_ != "string list", (layer, name)
                        continue
                    assert isinstance(v, _JSON_TYPES[type_]), (layer, feat["id"], name, v)
                    assert isinstance(v, bool) == (type_ == "boolean"), (
                        layer,
                        feat["id"],
                        name,
                        v,
                    )
                    if type_ == "date":
                        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v), (name, v)
                    if type_ == "string list":
                        assert all(isinstance(x, str) for x in v)


_OGR_TYPES = {
    "boolean": "OFTInteger",  # with the boolean subtype (checked below)
    "string": "OFTString",
    "integer": "OFTInteger",
    "number": "OFTReal",
    "date": "OFTString",
    "string list": "OFTString",
}


def test_gpkg_and_csv_and_kml_columns_match_the_doc(exported, doc_schema):
    folder = exported[MAY_2025]
    gpkg = folder / "cloudmap.gpkg"
    assert [name for name, _ in pyogrio.list_layers(gpkg)] == list(export.LAYERS)
    for layer in export.LAYERS:
        info = pyogrio.read_info(gpkg, layer=layer)
        assert list(info["fields"]) == [n for n, _ in doc_schema[layer]]
        assert info["ogr_types"] == [_OGR_TYPES[t] for _, t in doc_schema[layer]]
        subtypes = info.get("ogr_subtypes") or []
        for (_, t), sub in zip(doc_schema[layer], subtypes, strict=False):
            assert (sub == "OFSTBoolean") == (t == "boolean")
        assert info["crs"] == "EPSG:4326"
    info = pyogrio.read_info(folder / "regions.csv")
    csv_fields = doc_schema["regions"] + doc_schema["regions.csv"]
    assert list(info["fields"]) == [n for n, _ in csv_fields]
    assert info["ogr_types"] == [_OGR_TYPES[t] for _, t in csv_fields]
    header = (folder / "regions.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(n for n, _ in csv_fields)
    kml = (folder / "regions.kml").read_text(encoding="utf-8")
    simple = re.findall(r'<SimpleField type="(\w+)" name="(\w+)"/>', kml)
    kml_types = {
        "boolean": "bool",
        "string": "string",
        "date": "string",
        "string list": "string",
        "integer": "int",
        "number": "double",
    }
    assert simple == [(kml_types[t], n) for n, t in doc_schema["regions"] if n != "name"]


# --------------------------------------------------------------------------- GeoJSON: RFC 7946


@pytest.mark.parametrize("layer", export.LAYERS)
def test_geojson_is_valid_rfc7946(exported, layer):
    geojson_validator.configure_logging(enabled=False)
    for folder in exported.values():
        path = folder / f"{layer}.geojson"
        data = _geojson(path)
        assert "crs" not in data
        assert geojson_validator.validate_structure(data, check_crs=True) == {}
        result = geojson_validator.validate_geometries(data)
        assert result["invalid"] == {}, result
        problematic = dict(result["problematic"])
        problematic.pop("excessive_vertices", None)  # country outlines: fine for GIS tools
        problematic.pop("holes", None)  # lakes and enclaves (Lesotho in South Africa)
        # The validator normalises +180 to -180, so it flags every ring that merely touches
        # the antimeridian (the split halves of Fiji, Russia ...; Antarctica's edge to the pole).
        # Those must touch ±180 and pass the strict check: no jump across it inside a ring.
        crossing = problematic.pop("crosses_antimeridian", [])
        for i in _indices(crossing):
            geometry = data["features"][i]["geometry"]
            assert any(abs(lon) == 180 for lon, _ in _coords(geometry)), i
            assert not crosses_antimeridian(shapely.geometry.shape(geometry)), i
        assert problematic == {}, problematic


def _indices(entries: list[Any]) -> list[int]:
    return [next(iter(e)) if isinstance(e, dict) else e for e in entries]


def test_geojson_text_is_canonical(exported):
    for folder in exported.values():
        for layer in export.LAYERS:
            text = (folder / f"{layer}.geojson").read_text(encoding="utf-8")
            lines = text.split("\n")
            assert text.endswith("]}\n")
            head = '{"type":"FeatureCollection","name":"' + layer + '","as_of":"'
            assert lines[0].startswith(head)
            data = json.loads(text)
            # one feature per line, members in a fixed order, compact separators, raw UTF-8
            for line, feat in zip(lines[1:], data["features"], strict=False):
                assert line.rstrip(",") == json.dumps(
                    {
                        "type": "Feature",
                        "id": feat["id"],
                        "properties": feat["properties"],
                        "geometry": feat["geometry"],
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
    assert "Querétaro" in (exported[MAY_2025] / "regions.geojson").read_text(encoding="utf-8")


def _coords(geometry: dict[str, Any]) -> list[list[float]]:
    if geometry["type"] == "Point":
        return [geometry["coordinates"]]
    return [pt for poly in geometry["coordinates"] for ring in poly for pt in ring]


def test_coordinates_are_lon_lat_with_at_most_six_decimals(exported):
    import numpy as np

    for folder in exported.values():
        for layer in export.LAYERS:
            feats = _geojson(folder / f"{layer}.geojson")["features"]
            if not feats:
                continue
            xy = np.array([pt for f in feats for pt in _coords(f["geometry"])], dtype=float)
            assert xy.shape[1] == 2  # 2-D only
            assert (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()
            assert (np.round(xy, 6) == xy).all()
    sydney = _geojson(exported[MAY_2025] / "regions.geojson")["features"]
    point = next(f for f in sydney if f["id"] == "testcloud:au-east-1")["geometry"]
    assert point == {"type": "Point", "coordinates": [151.2073, -33.8679]}  # lon first


def test_polygons_follow_the_right_hand_rule(exported):
    for layer in ("countries", "markets"):
        for feat in _geojson(exported[MAY_2025] / f"{layer}.geojson")["features"]:
            geom = shapely.geometry.shape(feat["geometry"])
            assert geom.geom_type == "MultiPolygon"
            for poly in geom.geoms:
                assert poly.exterior.is_ccw, feat["id"]
                assert not any(ring.is_ccw for ring in poly.interiors), feat["id"]


def test_market_dissolve_keeps_the_antimeridian_split(exported):
    feats = {f["id"]: f for f in _geojson(exported[MAY_2025] / "markets.geojson")["features"]}
    pacific = shapely.geometry.shape(feats["pacific"]["geometry"])
    assert not crosses_antimeridian(pacific)
    # Fiji, Russia and the USA reach both +180 and -180 ...
    minx, _, maxx, _ = pacific.bounds
    assert minx == -180 and maxx == 180
    # ... in separate parts: no part is a band round the globe.
    for part in pacific.geoms:
        west, _, east, _ = part.bounds
        assert east - west < 300, part.bounds
    # the union really dissolved: the USA and Canada share a border in the Americas
    americas = shapely.geometry.shape(feats["americas"]["geometry"])
    assert len(americas.geoms) < sum(
        len(shapely.geometry.shape(c["geometry"]).geoms)
        for c in _geojson(exported[MAY_2025] / "countries.geojson")["features"]
        if c["properties"]["iso_a2"] in ("BR", "CA", "MX", "US")
    )


# --------------------------------------------------------------------------- stable and typed


def test_ids_are_stable_across_dates_and_features_sorted(exported):
    regions = {on: _props(folder, "regions") for on, folder in exported.items()}
    assert list(regions[MID_2024]) == ["testcloud:au-east-1", "testcloud:cn-east-9"]
    assert list(regions[MAY_2025]) == [
        "testcloud:au-east-1",
        "testcloud:cn-east-9",
        "testcloud:mx-central-1",
    ]
    for folder in exported.values():
        for layer in export.LAYERS:
            ids = [f["id"] for f in _geojson(folder / f"{layer}.geojson")["features"]]
            assert ids == sorted(ids) and len(set(ids)) == len(ids)
            assert all(
                f["properties"]["id"] == f["id"]
                for f in _geojson(folder / f"{layer}.geojson")["features"]
            )
    countries = [set(_props(folder, "countries")) for folder in exported.values()]
    assert countries[0] == countries[1] == countries[2]
    assert "MEX" in countries[0] and "northern-cyprus" in countries[0]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (MID_2024, {"testcloud:au-east-1": ("closing", 2), "testcloud:cn-east-9": ("live", 1)}),
        (
            MAY_2025,
            {
                "testcloud:au-east-1": ("closed", 0),
                "testcloud:cn-east-9": ("live", 1),
                "testcloud:mx-central-1": ("new", 1),
            },
        ),
    ],
)
def test_fixture_statuses_as_of(exported, on, expected):
    props = _props(exported[on], "regions")
    assert {k: (p["status"], p["live_zones"]) for k, p in props.items()} == expected
    assert all(p["as_of"] == on.isoformat() for p in props.values())


def test_region_properties(exported):
    p = _props(exported[MAY_2025], "regions")
    mx, au, cn = (p[f"testcloud:{r}"] for r in ("mx-central-1", "au-east-1", "cn-east-9"))
    assert mx["country"] == "MX" and mx["country_iso3"] == "MEX" and mx["country_name"] == "Mexico"
    assert mx["live_zone_ids"] == ["mx-central-1a"]
    assert (mx["announced"], mx["announced_precision"], mx["announced_qualifier"]) == (
        "2024-10",
        "month",
        None,
    )
    assert (cn["launched"], cn["launched_precision"], cn["launched_qualifier"]) == (
        "2020-06",
        "month",
        "no later than",
    )
    assert (au["closed"], au["closed_precision"]) == ("2025-03-31", "day")
    assert au["live_zone_ids"] == [] and au["live_zones"] == 0
    assert au["launched"] == "2016-12" and au["closure_announced"] == "2024-06-01"
    assert mx["announcements"] == ["2025-02-19-mexico"]
    assert mx["source_urls"] == ["https://example.com/mexico"]
    assert mx["location_precision"] == "metro" and mx["location_source"] == "GeoNames 3991164"
    assert cn["kind"] == "local-region" and mx["notes"] is None


def test_sites_without_location_sit_on_their_country(exported, fixture_root):
    assert _props(exported[MAY_2025], "sites") == {}
    feats = _geojson(exported[OCT_2025] / "sites.geojson")["features"]
    assert [f["id"] for f in feats] == ["testcloud:site:br-2025"]
    p = feats[0]["properties"]
    assert (p["country"], p["country_iso3"], p["country_name"]) == ("BR", "BRA", "Brazil")
    assert p["location_precision"] == "country"
    assert p["location_source"] == export.COUNTRY_POINT_SOURCE
    assert (p["announced"], p["status"], p["region"], p["city"]) == (
        "2025-09-24",
        "announced",
        None,
        None,
    )
    point = shapely.geometry.shape(feats[0]["geometry"])
    assert read_countries(fixture_root).locate([point.x], [point.y]) == ["BRA"]


def test_located_sites_keep_their_point_and_unplaceable_ones_are_an_error(
    fixture_catalog, fixture_project
):
    import dataclasses

    from cloudmap.model import Location

    site = fixture_catalog.sites[0]
    here = Location(-23.5505, -46.6333, "metro", "GeoNames 3448439 (São Paulo)")
    located = dataclasses.replace(
        fixture_catalog, sites=(dataclasses.replace(site, location=here),)
    )
    view = with_catalog(fixture_project, located).at(OCT_2025, "all")
    layer = export.build_layers(view, ["sites"])["sites"]
    feat = layer.features[0]
    assert (feat.geometry.x, feat.geometry.y) == (-46.6333, -23.5505)
    assert feat.properties["location_precision"] == "metro"
    assert feat.properties["location_source"] == "GeoNames 3448439 (São Paulo)"
    nowhere = dataclasses.replace(fixture_catalog, sites=(dataclasses.replace(site, country="VA"),))
    with pytest.raises(
        CloudmapError,
        match=r": br-2025: location: missing, and geo/ has no "
        r"polygon for VA to place the site on; give the site a location$",
    ):
        export.build_layers(with_catalog(fixture_project, nowhere).at(OCT_2025, "all"), ["sites"])
    with pytest.raises(CloudmapError, match="unknown layer 'zones'"):
        export.build_layers(fixture_project.at(OCT_2025, "all"), ["zones"])


def test_country_and_market_properties(exported):
    c = _props(exported[MAY_2025], "countries")
    assert (c["MEX"]["iso_a2"], c["MEX"]["iso_a3"], c["MEX"]["iso_n3"]) == ("MX", "MEX", "484")
    assert (c["MEX"]["live_regions"], c["MEX"]["live_zones"]) == (1, 1)
    assert c["MEX"]["first_launch"] == "2025-02-19"
    assert c["MEX"]["markets"] == ["Americas"] and c["MEX"]["target_markets"] == ["Americas"]
    assert c["MEX"]["status"] == "both"
    assert c["USA"]["markets"] == ["Americas", "Pacific"] and c["USA"]["status"] == "target"
    assert c["AUS"]["live_regions"] == 0 and c["AUS"]["status"] == "neither"  # closed in March
    assert c["northern-cyprus"]["iso_a2"] is None and c["northern-cyprus"]["population"] is None
    # coverage from cloudmap.coverage: Mexico is served from its own region
    assert c["MEX"]["nearest_region"] == "mx-central-1"
    assert 0 < c["MEX"]["rtt_est_ms"] < 50 and isinstance(c["MEX"]["population"], int)
    assert c["MEX"]["rtt_band"] in ("≤20 ms", "20–50 ms")
    assert 0 <= c["MEX"]["share_20ms"] <= c["MEX"]["share_50ms"] <= c["MEX"]["share_100ms"] <= 1
    m = _props(exported[MAY_2025], "markets")
    assert list(m) == ["americas", "pacific"]
    assert m["americas"]["countries"] == ["BR", "CA", "MX", "US"]
    assert (
        m["americas"]["countries_targeted"],
        m["americas"]["countries_hosting"],
        m["americas"]["live_regions"],
        m["americas"]["live_zones"],
    ) == (4, 1, 1, 1)
    assert m["americas"]["announcements"] == ["2025-02-19-mexico"]
    assert m["pacific"]["announcements"] == []
    assert m["americas"]["source_urls"] == ["https://example.com/americas"]
    before = _props(exported[MID_2024], "markets")
    assert before["americas"]["live_regions"] == 0 and before["americas"]["announcements"] == []


def test_no_live_region_means_null_coverage(fixture_project, tmp_path):
    on = dt.date(2015, 1, 1)  # before any launch
    export.write_exports(fixture_project.at(on, "all"), tmp_path, ["geojson"])
    assert _props(tmp_path, "regions") == {}
    c = _props(tmp_path, "countries")
    assert c["MEX"]["rtt_est_ms"] is None and c["MEX"]["rtt_band"] == "no data"


# --------------------------------------------------------------------------- round trips


def _norm(value: Any, type_: str) -> Any:
    """A value as read back by GDAL, in the form the GeoJSON has it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return [] if type_ == "string list" else None
    if type_ == "string list":
        if isinstance(value, str):
            return [] if value == "" else value.split(";")
        return [str(x) for x in value]
    if type_ == "integer":
        return int(value)
    if type_ == "boolean":
        return value in (True, 1, "1", "true", "True")
    if type_ == "number":
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if value == "":
        return None  # CSV cannot tell an empty string from a null
    return str(value)


def _expected(folder: Path, layer: str) -> tuple[list[dict[str, Any]], list[Any]]:
    feats = _geojson(folder / f"{layer}.geojson")["features"]
    types = dict(export.SCHEMA[layer] and [(f.name, f.type) for f in export.SCHEMA[layer]])
    props = [{k: _norm(v, types[k]) for k, v in f["properties"].items()} for f in feats]
    return props, [shapely.geometry.shape(f["geometry"]) for f in feats]


def _read_back(
    path: Path,
    layer: str | None,
    fields: list[tuple[str, str]],
    rename: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], list[Any]]:
    df = pyogrio.read_dataframe(path, layer=layer, datetime_as_string=True)
    if rename:
        df = df.rename(columns=rename)
    rows = [{name: _norm(row[name], type_) for name, type_ in fields} for _, row in df.iterrows()]
    return rows, list(df.geometry)


@pytest.mark.parametrize("layer", export.LAYERS)
def test_round_trip_geojson_and_gpkg(exported, layer):
    fields = [(f.name, f.type) for f in export.SCHEMA[layer]]
    for folder in exported.values():
        props, geoms = _expected(folder, layer)
        for path, name in ((folder / f"{layer}.geojson", None), (folder / "cloudmap.gpkg", layer)):
            if not props and path.suffix == ".geojson":
                continue  # an empty FeatureCollection has no columns to read back
            rows, back = _read_back(path, name, fields)
            assert rows == props, path
            assert len(back) == len(geoms)
            for a, b in zip(back, geoms, strict=True):
                assert shapely.equals_exact(a, b, tolerance=0), path


def test_round_trip_csv_and_kml(exported):
    fields = [(f.name, f.type) for f in export.SCHEMA["regions"]]
    for folder in exported.values():
        props, geoms = _expected(folder, "regions")
        for path, rename in (
            (folder / "regions.csv", None),
            (folder / "regions.kml", {"Name": "name"}),
        ):
            rows, back = _read_back(path, None, fields, rename)
            assert rows == props, path
            assert [(round(p.x, 6), round(p.y, 6)) for p in back] == [(g.x, g.y) for g in geoms], (
                path
            )


def test_csv_lists_and_nulls(exported):
    lines = (exported[MAY_2025] / "regions.csv").read_text(encoding="utf-8").splitlines()
    mx = next(line for line in lines if line.startswith("testcloud:mx-central-1,"))
    assert ",mx-central-1a," in mx and mx.endswith(",2025-05-15,-100.3899,20.5888")
    assert (
        (exported[MAY_2025] / "regions.csvt")
        .read_text(encoding="utf-8")
        .endswith('"CoordX","CoordY"\n')
    )


def test_kml_has_a_style_per_status_and_escapes_text(fixture_project):
    layer = export.build_layers(fixture_project.at(MAY_2025, "all"), ["regions"])["regions"]
    props = dict(layer.features[0].properties, name="A & B <C>", notes='say "hi"')
    feat = export.Feature(layer.features[0].id, props, layer.features[0].geometry)
    text = export.kml_text(export.Layer("regions", layer.fields, (feat,), "Point"), MAY_2025)
    assert "<name>A &amp; B &lt;C&gt;</name>" in text
    assert '<SimpleData name="notes">say "hi"</SimpleData>' in text
    for status in ("new", "expanded", "live", "closing", "announced", "closed"):
        assert f'<Style id="status-{status}">' in text
    assert "<styleUrl>#status-closed</styleUrl>" in text
    import xml.etree.ElementTree as ET

    ET.fromstring(text.encode("utf-8"))  # well-formed


def test_kml_names_a_region_without_a_published_name_or_city_by_its_id(fixture_project):
    layer = export.build_layers(fixture_project.at(MAY_2025, "all"), ["regions"])["regions"]
    props = dict(layer.features[0].properties, name=None, city=None, zones_known=False)
    feat = export.Feature(layer.features[0].id, props, layer.features[0].geometry)
    text = export.kml_text(export.Layer("regions", layer.fields, (feat,), "Point"), MAY_2025)
    assert f"<name>{props['region']}</name>" in text and "None" not in text
    assert f"Live zones: {props['live_zones']}+ (count not published)" in text


def test_list_items_with_the_separator_are_escaped():
    assert flat_value(["a;b", "c"]) == "a%3Bb;c"
    assert flat_value([]) == ""


# --------------------------------------------------------------------------- determinism


def test_two_runs_give_identical_bytes(fixture_root, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    export.write_exports(load_project(fixture_root).at(MAY_2025, "all"), a)
    time.sleep(1.1)  # the GeoPackage must not record the wall clock
    export.write_exports(load_project(fixture_root).at(MAY_2025, "all"), b)
    assert sorted(os.listdir(a)) == sorted(FILES)
    assert tree_digest(a) == tree_digest(b)


def test_gpkg_timestamps_are_the_export_date(exported):
    import sqlite3

    con = sqlite3.connect(f"file:{exported[MAY_2025] / 'cloudmap.gpkg'}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select table_name, last_change, description from gpkg_contents order by table_name"
        ).fetchall()
        version = con.execute("pragma user_version").fetchone()[0]
        app = con.execute("pragma application_id").fetchone()[0]
    finally:
        con.close()
    assert [r[0] for r in rows] == sorted(export.LAYERS)
    assert {r[1] for r in rows} == {"2025-05-15T00:00:00.000Z"}
    assert all(r[2].endswith("as of 2025-05-15") for r in rows)
    assert (app.to_bytes(4, "big"), version) == (b"GPKG", 10200)  # GeoPackage 1.2, not 1.4


# --------------------------------------------------------------------------- writing


def test_write_exports_returns_paths_in_order(fixture_project, tmp_path):
    paths = export.write_exports(
        fixture_project.at(MAY_2025, "all"), tmp_path / "new" / "dir", ["kml", "csv"]
    )
    assert [p.name for p in paths] == ["regions.csv", "regions.csvt", "regions.kml"]
    assert sorted(os.listdir(tmp_path / "new" / "dir")) == [
        "regions.csv",
        "regions.csvt",
        "regions.kml",
    ]


def test_unknown_format_is_an_error(fixture_project, tmp_path):
    with pytest.raises(
        CloudmapError,
        match=r"^unknown export format 'shp'; choose from geojson, gpkg, csv, "
        r"kml$",
    ):
        export.write_exports(fixture_project.at(MAY_2025, "all"), tmp_path, ["geojson", "shp"])
    assert os.listdir(tmp_path) == []


def test_a_failing_writer_leaves_the_folder_unchanged(fixture_project, tmp_path, monkeypatch):
    export.write_exports(fixture_project.at(MID_2024, "all"), tmp_path)
    before = tree_digest(tmp_path)

    def boom(*_args: Any) -> list[Path]:
        raise OSError("disk full")

    monkeypatch.setitem(export_write._WRITERS, "kml", (("regions",), boom))
    with pytest.raises(OSError, match="disk full"):
        export.write_exports(fixture_project.at(MAY_2025, "all"), tmp_path)
    assert tree_digest(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == sorted(FILES)  # no temporary folder left behind


# --------------------------------------------------------------------------- the real catalog


@pytest.mark.parametrize(
    ("on", "region", "allowed"),
    [
        (MID_2024, "ap-southeast-2", {"live", "closing"}),  # Sydney
        (MAY_2025, "ap-southeast-2", {"closed"}),
        (MID_2024, "ap-south-1", {"live", "closing"}),  # Mumbai
        (MAY_2025, "ap-south-1", {"closed"}),
        (MID_2024, "na-south-1", {None, "announced"}),  # Mexico
        (MAY_2025, "na-south-1", {"live", "new"}),
    ],
)
def test_real_catalog_statuses_as_of(real_project, on, region, allowed):
    layer = export.build_layers(real_project.at(on, "all"), ["regions"])["regions"]
    status = {f.id: f.properties["status"] for f in layer.features}
    assert status.get(f"alibaba-cloud:{region}") in allowed
    real_catalog = real_project.catalog
    assert len(layer.features) == sum(r.status(on) is not None for r in real_catalog.regions)


def test_real_catalog_exports_every_format(real_project, real_catalog, tmp_path):
    paths = export.write_exports(real_project.at(MAY_2025, "all"), tmp_path)
    assert [p.name for p in paths] == FILES
    geojson_validator.configure_logging(enabled=False)
    for layer in export.LAYERS:
        data = _geojson(tmp_path / f"{layer}.geojson")
        assert geojson_validator.validate_structure(data, check_crs=True) == {}
        assert geojson_validator.validate_geometries(data)["invalid"] == {}
    regions = _props(tmp_path, "regions")
    live = [p for p in regions.values() if p["status"] in ("new", "expanded", "live", "closing")]
    assert sum(p["live_zones"] for p in live) == sum(
        len(r.live_zones(MAY_2025)) for r in real_catalog.regions
    )


# --------------------------------------------------------------------------- the CLI


def test_cli_export_writes_every_format(fixture_root, run, tmp_path):
    out = tmp_path / "out"
    result = run("export", "--root", str(fixture_root), "--as-of", "2025-05-15", "--out", str(out))
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        f"Wrote 8 files to {out} (as of 2025-05-15):",
        *(f"  {name}" for name in FILES),
    ]
    assert sorted(os.listdir(out)) == sorted(FILES)


def test_cli_export_some_formats_into_site_data_as_of_the_catalog_date(
    fixture_root, fixture_catalog, run, tmp_path, monkeypatch
):
    # Without --as-of the export is as of the catalog's own date (never the clock); without
    # --out it goes to site/data of the project folder (--root's, not the current folder's).
    root = tmp_path / "root"
    shutil.copytree(fixture_root, root)
    monkeypatch.chdir(tmp_path)
    result = run("export", "--root", str(root), "--format", "kml,csv")
    assert (result.code, result.err) == (0, "")
    on = fixture_catalog.default_as_of.isoformat()
    assert result.out == (
        f"Wrote 3 files to {root / 'site' / 'data'} (as of {on}):\n"
        "  regions.csv\n  regions.csvt\n  regions.kml\n"
    )
    assert not (tmp_path / "site").exists()
    assert sorted(os.listdir(root / "site" / "data")) == [
        "regions.csv",
        "regions.csvt",
        "regions.kml",
    ]


@pytest.mark.parametrize("value", ["shp", "geojson,shp", ""])
def test_cli_unknown_format_is_a_usage_error(fixture_root, run, tmp_path, value):
    result = run(
        "export", "--root", str(fixture_root), "--format", value, "--out", str(tmp_path / "out")
    )
    assert result.code == 2
    bad = "shp" if value else ""
    assert result.err.splitlines()[-1] == (
        f"cloudmap export: error: argument --format: {bad!r} is not an export format; "
        "choose from geojson, gpkg, csv, kml"
    )
    assert result.out == "" and not (tmp_path / "out").exists()


def test_cli_bad_catalog_exits_1_and_writes_nothing(fixture_root, run, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(fixture_root, root)
    out = tmp_path / "out"
    assert run("export", "--root", str(root), "--as-of", "2024-06-30", "--out", str(out)).code == 0
    before = tree_digest(out)
    yaml = root / "data" / "testcloud.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("country: MX", "country: XX", 1), encoding="utf-8"
    )
    result = run("export", "--root", str(root), "--as-of", "2025-05-15", "--out", str(out))
    assert result.code == 1 and result.out == ""
    assert result.err.splitlines() == [
        "data/testcloud.yaml:14: mx-central-1: country: 'XX' is not an ISO 3166-1 alpha-2 code "
        "(use the two-letter code, e.g. MX)",
        "Error: 1 problem found; nothing was written",
    ]
    assert tree_digest(out) == before
    assert sorted(os.listdir(out)) == sorted(FILES)


def test_cli_missing_polygons_is_an_error(fixture_root, run, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(fixture_root, root)
    (root / "geo" / "countries-10m.geojson").unlink()
    result = run(
        "export", "--root", str(root), "--as-of", "2025-05-15", "--out", str(tmp_path / "out")
    )
    assert result.code == 1
    assert result.err == (
        "Error: geo/countries-10m.geojson: cannot be read (No such file or directory); restore it "
        "(git checkout -- geo/countries-10m.geojson) or rebuild it: see geo/PROVENANCE.md\n"
    )
    assert not (tmp_path / "out").exists()
