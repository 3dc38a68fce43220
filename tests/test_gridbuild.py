"""geo/grid-carbon.csv: its provenance, a few figures read off the sources by hand, the pinned
inputs, and a byte-for-byte rebuild from the codecarbon package (skipped when it is absent)."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from pathlib import Path

import pytest

from cloudmap import gridbuild
from cloudmap.errors import CloudmapError

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "geo" / gridbuild.OUTPUT_NAME
PROVENANCE = (REPO / "geo" / "GRID-PROVENANCE.md").read_text(encoding="utf-8")
ENV = "CLOUDMAP_CODECARBON"  # a codecarbon 3.3.2 wheel, or a folder holding codecarbon/data/


def provenance(label: str) -> str:
    m = re.search(rf"^- \*\*{re.escape(label)}\*\*: `?([^`\n]+)`?$", PROVENANCE, re.M)
    assert m, f"GRID-PROVENANCE.md has no '{label}' line"
    return m.group(1).strip()


def rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(OUTPUT.read_text(encoding="utf-8"))))


def test_provenance_matches_the_committed_file():
    data = OUTPUT.read_bytes()
    assert hashlib.sha256(data).hexdigest() == provenance("Output sha256")
    assert len(rows()) == int(provenance("Output rows"))
    assert provenance("Package") == f"codecarbon=={gridbuild.CODECARBON_VERSION}"
    for src in gridbuild.SOURCES.values():
        assert f"`{src.path}`" in PROVENANCE
        assert src.sha256 in PROVENANCE


def test_header_and_order():
    text = OUTPUT.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(gridbuild.COLUMNS)
    keys = [(r["zone"], r["dataset"]) for r in rows()]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


# Figures read by hand from the package's files (value in the source's unit -> g/kWh, 1 decimal)
@pytest.mark.parametrize(
    ("zone", "dataset", "year", "value", "gas", "method"),
    [
        # global_energy_mix.json FRA carbon_intensity 56.039 (year 2023)
        ("FR", "ember-owid", "2023", "56.0", "CO2e", "life-cycle"),
        # global_energy_mix.json HKG carbon_intensity 699.499 (year 2022)
        ("HK", "ember-owid", "2022", "699.5", "CO2e", "life-cycle"),
        # usa_emissions.json virginia 539.599 lb/MWh x 0.45359237 = 244.76
        ("US-VA", "epa-egrid2023", "2023", "244.8", "CO2e", "direct"),
        # usa_emissions.json usa 770.884 lb/MWh x 0.45359237 = 349.67
        ("US", "epa-egrid2023", "2023", "349.7", "CO2e", "direct"),
        # china_provincial_emissions.json CN-SC 156.4 gCO2/kWh (MEE 2023)
        ("CN-SC", "mee-2023", "2023", "156.4", "CO2", "direct"),
    ],
)
def test_figures_read_by_hand(zone, dataset, year, value, gas, method):
    (row,) = [r for r in rows() if r["zone"] == zone and r["dataset"] == dataset]
    assert (row["year"], row["g_per_kwh"], row["gas"], row["method"]) == (year, value, gas, method)


def test_every_catalog_country_has_a_figure():
    import yaml

    zones = {r["zone"] for r in rows()}
    countries = set()
    for path in sorted((REPO / "data").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "provider" in doc:  # a provider's catalog file
            countries |= {region["country"] for region in doc["regions"]}
    assert len(countries) > 40
    assert countries - zones == set()


def test_a_different_input_is_refused(tmp_path):
    for src in gridbuild.SOURCES.values():
        path = tmp_path / src.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
    with pytest.raises(CloudmapError, match=r"has sha256 44136fa3.*expected 8f105380"):
        gridbuild.rebuild(tmp_path, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_missing_input_is_named(tmp_path):
    with pytest.raises(CloudmapError, match=r"has no codecarbon/data/private_infra/global_energy"):
        gridbuild.read_sources(tmp_path)


def _source() -> Path:
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    from conftest import need_package

    need_package("codecarbon", f"pip install codecarbon=={gridbuild.CODECARBON_VERSION}")
    found = gridbuild.installed_source()
    assert found is not None
    return found


def test_rebuild_is_byte_identical(tmp_path):
    out = tmp_path / gridbuild.OUTPUT_NAME
    result = gridbuild.rebuild(_source(), out)
    assert out.read_bytes() == OUTPUT.read_bytes()
    assert result["rows"] == int(provenance("Output rows"))


def test_ci_installs_the_pinned_codecarbon_so_the_rebuild_runs_there():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert f"'codecarbon=={gridbuild.CODECARBON_VERSION}'" in ci
    assert "CLOUDMAP_REQUIRE_REGISTRY=1" in ci  # need_package fails instead of skipping


def test_the_command_rebuilds_the_file_byte_for_byte(repo_copy, run):
    source = _source()
    target = repo_copy / "geo" / gridbuild.OUTPUT_NAME
    target.write_text("zone\n", encoding="utf-8")  # something else, to be replaced whole
    r = run("grid", "rebuild", "--root", str(repo_copy), "--source", str(source))
    sha = provenance("Output sha256")
    assert (r.code, r.out, r.err) == (
        0,
        f"Wrote geo/grid-carbon.csv: {provenance('Output rows')} rows, sha256 {sha}\n",
        "",
    )
    assert target.read_bytes() == OUTPUT.read_bytes()
