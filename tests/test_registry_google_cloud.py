"""Cross-checks data/google-cloud.yaml against region lists shipped in Google's own PyPI packages."""

from __future__ import annotations

import ast
import importlib.metadata as md

import pytest
import yaml

from conftest import REPO, need_package

# Each package ships a hand-kept list of the regions one Google service supports. The lists are a
# service footprint, not the platform's, so every legitimate difference is listed with its reason;
# a new package version that closes or opens a gap makes the test fail until this file is updated.
SDKS = {
    "vertex-ai": {
        "dist": "google-cloud-aiplatform",  # pip install --no-deps google-cloud-aiplatform==2.7.0
        "file": "google/cloud/aiplatform/constants/base.py",
        "name": "SUPPORTED_REGIONS",
        "only_in_sdk": {
            "global": "Vertex AI's global endpoint, not a region",
            "us-east7": "restricted region (Alabama): absent from the public regions table and "
            "from Google's headline totals, so not catalogued (see provider.counting.note)",
            "us-west8": "restricted region (Phoenix): absent from the public regions table and "
            "from Google's headline totals, so not catalogued (see provider.counting.note)",
        },
        "only_in_catalog": {
            "asia-southeast3": "Bangkok (opened in 2026) is not yet in this Vertex AI list",
            "europe-west10": "Berlin is a public region but not in this Vertex AI list",
            "northamerica-south1": "Querétaro is a public region but not in this Vertex AI list",
        },
    },
    "bigquery": {
        "dist": "bigframes",  # pip install --no-deps bigframes==2.51.0
        "file": "bigframes/constants.py",
        "name": "BIGQUERY_REGIONS",
        "only_in_sdk": {},
        "only_in_catalog": {
            "asia-southeast3": "the SDK's copy of the BigQuery locations predates Bangkok",
            "europe-north2": "the SDK's copy of the BigQuery locations predates Stockholm",
            "northamerica-south1": "the SDK's copy of the BigQuery locations predates Querétaro",
        },
    },
}


def _catalog() -> dict:
    return yaml.safe_load((REPO / "data" / "google-cloud.yaml").read_text(encoding="utf-8"))


def _public_live_region_ids() -> set[str]:
    """Ids of the public regions (kind 'region') that have launched and not closed."""
    return {
        r["id"]
        for r in _catalog()["regions"]
        if r["kind"] == "region" and r["launched"] is not None and r["closed"] is None
    }


def _sdk_regions(spec: dict) -> set[str]:
    """The literal set assigned to spec['name'] in the installed package's file (not imported)."""
    try:
        dist = md.distribution(spec["dist"])
    except md.PackageNotFoundError:
        need_package(spec["dist"], f"pip install --no-deps {spec['dist']}")
    path = dist.locate_file(spec["file"])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == spec["name"] for t in node.targets)
            and isinstance(node.value, ast.Call)
            and node.value.args
        ):
            return set(ast.literal_eval(node.value.args[0]))
    raise AssertionError(f"{spec['name']} not found in {path}")


@pytest.mark.parametrize("sdk", sorted(SDKS))
def test_sdk_regions_missing_from_the_catalog_are_the_listed_exceptions(sdk):
    spec = SDKS[sdk]
    extra = _sdk_regions(spec) - _public_live_region_ids()
    assert extra == set(spec["only_in_sdk"]), (
        f"{spec['dist']} {md.version(spec['dist'])}: regions in the SDK but not in the catalog "
        f"{sorted(extra)}; expected only {sorted(spec['only_in_sdk'])}"
    )


@pytest.mark.parametrize("sdk", sorted(SDKS))
def test_catalog_regions_missing_from_the_sdk_are_the_listed_exceptions(sdk):
    spec = SDKS[sdk]
    missing = _public_live_region_ids() - _sdk_regions(spec)
    assert missing == set(spec["only_in_catalog"]), (
        f"{spec['dist']} {md.version(spec['dist'])}: catalog regions absent from the SDK "
        f"{sorted(missing)}; expected only {sorted(spec['only_in_catalog'])}"
    )


def test_restricted_regions_left_out_are_explained_in_the_counting_note():
    note = _catalog()["provider"]["counting"]["note"]
    restricted = {
        rid
        for spec in SDKS.values()
        for rid, why in spec["only_in_sdk"].items()
        if why.startswith("restricted region")
    }
    assert restricted, "expected at least one restricted region among the SDK-only ids"
    for rid in sorted(restricted):
        assert rid in note, f"{rid} is left out of the catalog but not explained in counting.note"
