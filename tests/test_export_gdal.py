"""GDAL (Debian's gdal-bin ogrinfo, not the GDAL bundled with pyogrio) reads every export silently
with the documented layers, feature counts and field types."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cloudmap import export
from cloudmap.project import load_project
from conftest import REPO
from test_export import make_fixture_root

pytestmark = pytest.mark.gdal

OGRINFO = shutil.which("ogrinfo")
REQUIRED = bool(os.environ.get("CI") or os.environ.get("CLOUDMAP_REQUIRE_GDAL"))
DATES = (dt.date(2024, 6, 30), dt.date(2025, 5, 15), dt.date(2025, 10, 1))
# Fields the LIBKML driver adds to every Placemark layer (the KML's own fields follow them).
LIBKML_FIELDS = [
    "Name",
    "description",
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
]
_OGR = {
    "string": "String",
    "integer": "Integer",
    "boolean": "Integer(Boolean)",
    "number": "Real",
    "date": "String",
    "string list": "String",
}
_GEOMETRY = {"Point": "Point", "MultiPolygon": "Multi Polygon"}


def _require_ogrinfo() -> str:
    if OGRINFO is None:
        if REQUIRED:
            pytest.fail(
                "ogrinfo is required when CI or CLOUDMAP_REQUIRE_GDAL is set "
                "(apt-get install gdal-bin)"
            )
        pytest.skip("ogrinfo not installed (apt-get install gdal-bin)")
    return OGRINFO


def ogrinfo(path: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    """Run ``ogrinfo -ro -al -so``; fail on any stderr output. Returns (driver, layers) with
    layers: name -> {geometry, count, fields: [(name, type)]}."""
    proc = subprocess.run(
        [_require_ogrinfo(), "-ro", "-al", "-so", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("GDAL_", "CPL_", "OGR_"))},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr
    driver = re.search(r"using driver `(\w+)' successful", proc.stdout)
    assert driver is not None, proc.stdout
    layers = {}
    for block in proc.stdout.split("\nLayer name: ")[1:]:
        lines = block.splitlines()
        head = dict(line.split(": ", 1) for line in lines[1:] if re.match(r"^[A-Z][\w ]+: ", line))
        fields = [
            (m.group(1), m.group(2))
            for line in lines
            for m in [re.match(r"^(\w+): (\w+(?:\(\w+\))?) \([\d.]+\)", line)]
            if m
        ]
        layers[lines[0]] = {
            "geometry": head.get("Geometry"),
            "count": int(head["Feature Count"]),
            "fields": fields,
        }
    return driver.group(1), layers


def _geojson_types(type_: str, values: list[Any]) -> set[str]:
    """The types GDAL's GeoJSON reader may infer for a column of these values (it infers from
    the values: there is no schema in GeoJSON)."""
    present = [v for v in values if v is not None]
    if type_ == "string list":
        # an empty array reads as JSON text; whether a mix is a list depends on feature order
        return {"StringList" if v else "String(JSON)" for v in present}
    if not present:
        return {"String"}
    if type_ == "date" and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in present):
        return {"Date"}
    if type_ == "integer" and max(abs(v) for v in present) >= 2**31:
        return {"Integer64"}
    return {_OGR[type_]}


def check_folder(folder: Path) -> dict[str, dict[str, Any]]:
    """ogrinfo every export in ``folder`` against the documented schema; the reports by file."""
    reports = {}
    counts = {}
    for layer in export.LAYERS:
        path = folder / f"{layer}.geojson"
        data = json.loads(path.read_text(encoding="utf-8"))
        feats = data["features"]
        counts[layer] = len(feats)
        driver, layers = ogrinfo(path)
        assert driver == "GeoJSON"
        assert list(layers) == [layer]
        info = layers[layer]
        geometry = _GEOMETRY[_geometry(layer)] if feats else "Unknown (any)"
        assert (info["geometry"], info["count"]) == (geometry, len(feats)), path
        schema = export.SCHEMA[layer] if feats else ()  # no features: nothing to infer from
        assert [n for n, _ in info["fields"]] == [f.name for f in schema], path
        for (name, got), f in zip(info["fields"], schema, strict=True):
            allowed = _geojson_types(f.type, [x["properties"][f.name] for x in feats])
            assert got in allowed, (path, name, got, allowed)
        reports[path.name] = layers
    driver, layers = ogrinfo(folder / "cloudmap.gpkg")
    assert driver == "GPKG"
    assert list(layers) == list(export.LAYERS)
    for layer, info in layers.items():
        assert info == {
            "geometry": _GEOMETRY[_geometry(layer)],
            "count": counts[layer],
            "fields": [(f.name, _OGR[f.type]) for f in export.SCHEMA[layer]],
        }
    reports["cloudmap.gpkg"] = layers
    driver, layers = ogrinfo(folder / "regions.csv")
    assert driver == "CSV"
    fields = [*export.SCHEMA["regions"], *export.CSV_EXTRA]
    assert layers == {
        "regions": {
            "geometry": "Point",
            "count": counts["regions"],
            "fields": [(f.name, _OGR[f.type]) for f in fields],
        }
    }
    reports["regions.csv"] = layers
    driver, layers = ogrinfo(folder / "regions.kml")
    assert driver == "LIBKML", driver
    assert list(layers) == ["regions"]
    info = layers["regions"]
    assert (info["geometry"], info["count"]) == ("Unknown (any)", counts["regions"])
    names = [n for n, _ in info["fields"]]
    assert names[: len(LIBKML_FIELDS)] == LIBKML_FIELDS
    kml_types = {**_OGR, "boolean": "Integer"}  # LIBKML reads a KML bool as a plain 0/1 Integer
    kml_fields = [(f.name, kml_types[f.type]) for f in export.SCHEMA["regions"] if f.name != "name"]
    assert info["fields"][len(LIBKML_FIELDS) :] == kml_fields
    reports["regions.kml"] = layers
    return reports


def _geometry(layer: str) -> str:
    return "Point" if layer in ("regions", "sites") else "MultiPolygon"


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory) -> Path:
    return make_fixture_root(tmp_path_factory.mktemp("gdal") / "mini")


@pytest.mark.parametrize("on", DATES, ids=str)
def test_ogrinfo_reads_the_fixture_exports(fixture_root, tmp_path, on):
    _require_ogrinfo()
    export.write_exports(load_project(fixture_root).at(on, "all"), tmp_path)
    reports = check_folder(tmp_path)
    assert (
        reports["cloudmap.gpkg"]["regions"]["count"] == {DATES[0]: 2, DATES[1]: 3, DATES[2]: 3}[on]
    )
    assert reports["cloudmap.gpkg"]["sites"]["count"] == (1 if on == DATES[2] else 0)
    assert reports["cloudmap.gpkg"]["countries"]["count"] == 261  # geo/PROVENANCE.md, 1:10m
    assert reports["cloudmap.gpkg"]["markets"]["count"] == 2


def test_ogrinfo_reads_the_real_exports(tmp_path):
    _require_ogrinfo()
    if not (REPO / "data" / "alibaba-cloud.yaml").is_file():
        pytest.skip("no data/alibaba-cloud.yaml yet")
    export.write_exports(load_project(REPO).at(DATES[1], "all"), tmp_path)
    check_folder(tmp_path)


def test_gpkg_version_1_4_would_warn(tmp_path):
    """Why GPKG_VERSION is pinned: GDAL 3.12's default, 1.4, makes GDAL < 3.9's ogrinfo warn."""
    import geopandas as gpd
    import pyogrio
    import shapely

    version = subprocess.run(
        [_require_ogrinfo(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    major_minor = tuple(int(x) for x in re.findall(r"GDAL (\d+)\.(\d+)", version)[0])
    if major_minor >= (3, 9):
        pytest.skip(f"{version.strip()} reads GeoPackage 1.4 silently")
    assert export.GPKG_VERSION in ("1.2", "1.3")
    df = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:4326")
    path = tmp_path / "v14.gpkg"
    pyogrio.write_dataframe(df, path, driver="GPKG", dataset_options={"VERSION": "1.4"})
    proc = subprocess.run(
        [_require_ogrinfo(), "-ro", "-so", str(path)], capture_output=True, text=True, check=False
    )
    assert "may only be partially supported" in proc.stderr


def test_a_plain_gis_join_gives_every_countrys_live_regions(tmp_path):
    """Load regions.geojson and countries.geojson as a GIS user would (geopandas/pyogrio), join
    the live, counted points to the polygons with `within`, and count per country: it must equal
    the catalog's `live_regions` column for every country (Shenzhen in China, not Hong Kong)."""
    import geopandas as gpd

    export.write_exports(load_project(REPO).at(DATES[2], "all"), tmp_path, ["geojson"])
    regions = gpd.read_file(tmp_path / "regions.geojson")
    countries = gpd.read_file(tmp_path / "countries.geojson")
    live = regions[
        regions["status"].isin(["new", "expanded", "live", "closing"]) & regions["counted"]
    ]
    joined = gpd.sjoin(live, countries[["id", "geometry"]], predicate="within", how="left")
    assert joined["id_right"].notna().all(), joined[joined["id_right"].isna()]["id_left"].tolist()
    counts = joined.groupby("id_right").size()
    expected = countries.set_index("id")["live_regions"]
    got = counts.reindex(expected.index, fill_value=0)
    differ = expected[expected != got]
    assert differ.empty, {k: (int(expected[k]), int(got[k])) for k in differ.index}
    assert int(expected.loc["CHN"]) >= 15 and int(expected.loc["HKG"]) >= 1
