"""A provider is one data entry: a seventh provider added from a fixture file (no code change)
validates, counts, exports and is drawn with its own marker; one that looks like another is
refused with a located message."""

from __future__ import annotations

import json
import shutil

import pytest

from cloudmap import render
from cloudmap.errors import ValidationError
from cloudmap.project import load_project
from conftest import FIXTURES, REPO, page_records

SEVENTH = FIXTURES / "seventh" / "examplecloud.yaml"


def add_operator(root, pid: str, name: str) -> None:
    """A provider's default operator in data/jurisdiction.yaml (every provider needs one)."""
    path = root / "data" / "jurisdiction.yaml"
    text = path.read_text(encoding="utf-8")
    entry = (
        f'  {pid}:\n    operator: "{name}, Inc."\n    jurisdictions: ["US"]\n'
        '    partition: "commercial"\n    sources:\n    - url: "https://example.com/filings"\n'
        '      supports: "the made-up operator\'s incorporation"\n'
    )
    assert "\ndefaults:\n" in text
    path.write_text(text.replace("\ndefaults:\n", "\ndefaults:\n" + entry, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    dest = tmp_path_factory.mktemp("seventh") / "repo"
    for part in ("data", "seeds", "geo"):
        shutil.copytree(REPO / part, dest / part)
    shutil.copy(SEVENTH, dest / "data" / SEVENTH.name)
    add_operator(dest, "examplecloud", "Example Cloud")
    return dest


@pytest.fixture(scope="module")
def project(root):
    return load_project(root)


def test_a_seventh_provider_loads_counts_and_exports(project, tmp_path):
    assert len(project.providers) == 7 and "examplecloud" in project.providers
    assert project.at().providers == ("alibaba-cloud",)  # the lead stays the default
    view = project.at("2026-11-27", "examplecloud")
    s = view.stats()
    assert (s["regions"], s["zones"], s["countries"]) == (1, 2, 1)
    assert s["announced_sites"] == 0 and s["by_status"] == {"announced": 1, "live": 1}
    regions = view.regions()
    assert set(regions["id"]) == {"examplecloud:ex-mexico-1", "examplecloud:ex-kenya-1"}
    paths = view.export(tmp_path / "out", ["geojson"])
    features = json.loads((tmp_path / "out" / "regions.geojson").read_text())["features"]
    assert {f["properties"]["provider"] for f in features} == {"examplecloud"}
    assert len(paths) == 4
    mexico = next(f["properties"] for f in features if f["id"] == "examplecloud:ex-mexico-1")
    assert (mexico["grid_zone"], mexico["partition"], mexico["jurisdictions"]) == (
        "MX",
        "commercial",
        ["MX", "US"],
    )
    assert mexico["carbon_g_per_kwh"] == 507.2  # geo/grid-carbon.csv: MX,ember-owid,2023,507.2


def test_a_provider_without_a_default_operator_is_refused(root, tmp_path):
    dest = tmp_path / "repo"
    shutil.copytree(root, dest)
    path = dest / "data" / "jurisdiction.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  examplecloud:\n", "  exampleclod:\n", 1), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_project(dest)
    assert [str(p) for p in err.value.problems] == [
        "data/examplecloud.yaml:4: examplecloud: id: no default operator in "
        "data/jurisdiction.yaml: add examplecloud under defaults (operator, jurisdictions, "
        "partition, sources)",
        "data/jurisdiction.yaml:29: exampleclod: defaults: no provider 'exampleclod' in the "
        "catalog",
    ]


def test_the_map_draws_it_with_the_shape_and_colour_of_its_file(project):
    page = render.site_pages(project.at(providers="all"))["index.html"]
    data = json.loads(page.split('-data">', 1)[1].split("</script>", 1)[0])
    data["places"] = page_records(data["places"])
    me = next(p for p in data["providers"] if p["id"] == "examplecloud")
    assert (me["short"], me["shape"], me["color"]) == ("Example", "star", "#7a3e00")
    assert "examplecloud" in data["selected"]
    assert {
        p["id"] for p in data["places"] if data["providers"][p["provider"]]["id"] == "examplecloud"
    } == {
        "ex-mexico-1",
        "ex-kenya-1",
    }
    assert "star:" in (REPO / "src" / "cloudmap" / "static" / "js" / "core.js").read_text()


def test_an_eighth_provider_that_looks_like_the_seventh_is_refused(root, tmp_path):
    dest = tmp_path / "repo"
    shutil.copytree(root, dest)
    text = SEVENTH.read_text(encoding="utf-8")
    eighth = text.replace("examplecloud", "othercloud").replace("Example Cloud", "Other Cloud")
    eighth = eighth.replace("ex-mexico-1", "ot-mexico-1").replace("ex-kenya-1", "ot-kenya-1")
    (dest / "data" / "othercloud.yaml").write_text(eighth, encoding="utf-8")
    add_operator(dest, "othercloud", "Other Cloud")
    with pytest.raises(ValidationError) as err:
        load_project(dest)
    assert [str(p) for p in err.value.problems] == [
        "data/othercloud.yaml:6: othercloud: style: star in #7a3e00 is how examplecloud is "
        "drawn; choose another shape or colour",
        "data/othercloud.yaml:6: othercloud: style.short: 'Example' is already examplecloud's "
        "short name; choose another",
    ]
