"""geo/markets-10m.geojson.gz: the committed dissolved markets are what the code makes, and a
build gives the same exports with the file, without it, or with a stale one."""

from __future__ import annotations

import gzip
import hashlib
import json

import pyogrio
import pytest

from cloudmap.export.layers import build_layers
from cloudmap.export.markets import MARKETS_FILE, committed_markets
from cloudmap.project import load_project
from conftest import REPO

COMMITTED = REPO / MARKETS_FILE


def test_committed_markets_file_is_what_cloudmap_geo_markets_writes(repo_copy, run):
    (repo_copy / MARKETS_FILE).unlink()
    result = run("geo", "markets", "--root", str(repo_copy))
    assert (result.code, result.err) == (0, ""), result.err
    data = (repo_copy / MARKETS_FILE).read_bytes()
    markets = load_project(REPO, full=False).catalog.markets
    assert result.out == (
        f"Wrote {MARKETS_FILE}: {len(markets)} markets, sha256 {hashlib.sha256(data).hexdigest()}\n"
    )
    assert data == COMMITTED.read_bytes(), (
        f"{MARKETS_FILE} is out of date (data/markets.yaml, geo/countries-10m.geojson or the "
        "geometry code changed): run `cloudmap geo markets` and commit it"
    )


def test_committed_file_names_its_source_and_lists_every_market():
    text = gzip.decompress(COMMITTED.read_bytes()).decode("utf-8")
    doc = json.loads(text)
    source = doc["source"]
    geo10 = REPO / "geo" / "countries-10m.geojson"
    assert source == {
        "file": "geo/countries-10m.geojson",
        "sha256": hashlib.sha256(geo10.read_bytes()).hexdigest(),
    }
    markets = load_project(REPO, full=False).catalog.markets.values()
    wanted = sorted("+".join(sorted(m.countries)) for m in markets)
    assert [f["id"] for f in doc["features"]] == wanted
    for f in doc["features"]:
        assert f["properties"] == {"countries": f["id"].split("+")}
        assert f["geometry"]["type"] == "MultiPolygon"


def test_gdal_reads_the_committed_file():
    frame = pyogrio.read_dataframe(f"/vsigzip/{COMMITTED}")
    markets = load_project(REPO, full=False).catalog.markets.values()
    assert len(frame) == len(markets)
    assert frame.geometry.is_valid.all()
    assert set(frame.geom_type) == {"MultiPolygon"}


def _markets_text(root) -> str:
    layer = build_layers(load_project(root, full=False).at(providers="all"), ["markets"])["markets"]
    return "\n".join(f"{f.id}\t{f.geometry_json}" for f in layer.features)


def test_exports_are_the_same_with_the_file_without_it_and_with_a_stale_one(repo_copy, monkeypatch):
    monkeypatch.setenv("CLOUDMAP_CACHE_DIR", "off")
    with_file = _markets_text(repo_copy)
    assert with_file.count('{"type":"MultiPolygon"') == len(
        load_project(repo_copy, full=False).catalog.markets
    )
    (repo_copy / MARKETS_FILE).unlink()
    assert _markets_text(repo_copy) == with_file  # dissolved afresh: the same text

    stale = gzip.decompress(COMMITTED.read_bytes()).decode("utf-8")
    digest = json.loads(stale.split("\n")[0].removesuffix(',"features":[') + "}")["source"]
    # a file made from another countries file, with a wrong geometry: not used
    stale = stale.replace(digest["sha256"], "0" * 64).replace("[[[[", "[[[[1,2],[3,4],", 1)
    (repo_copy / MARKETS_FILE).write_bytes(gzip.compress(stale.encode("utf-8"), mtime=0))
    project = load_project(repo_copy, full=False)
    assert committed_markets(repo_copy, project.countries_layer) == {}
    assert _markets_text(repo_copy) == with_file


@pytest.mark.parametrize(
    "content",
    [b"", b"not gzip", gzip.compress(b"{}", mtime=0), gzip.compress(b"\xff\xfe", mtime=0)],
    ids=["empty", "not-gzip", "not-a-markets-file", "not-utf8"],
)
def test_an_unreadable_markets_file_is_not_used(repo_copy, content):
    (repo_copy / MARKETS_FILE).write_bytes(content)
    project = load_project(repo_copy, full=False)
    assert committed_markets(repo_copy, project.countries_layer) == {}


def test_geo_rebuild_without_source_says_what_it_needs(repo_copy, run):
    before = (repo_copy / "geo" / "countries-10m.geojson").read_bytes()
    result = run("geo", "rebuild", "--root", str(repo_copy))
    assert result.code == 2
    assert result.err == (
        "Error: geo rebuild needs --source PATH: world-atlas@2.0.2's countries-50m.json or "
        "countries-10m.json (see geo/PROVENANCE.md)\n"
    )
    assert (repo_copy / "geo" / "countries-10m.geojson").read_bytes() == before
