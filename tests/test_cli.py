"""The command-line contract: help with examples, exit codes, exact messages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cloudmap.cli.parser import build_parser


def _subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_has_help_with_an_example(name, run):
    result = run(name, "--help")
    assert result.code == 0
    assert "\nExample:\n  cloudmap " + name.split()[0] in result.out


def test_usage_errors_exit_2(run):
    assert run().code == 2
    assert run("nonsense").code == 2
    result = run("stats", "--as-of", "tomorrow")
    assert result.code == 2
    assert "argument --as-of: 'tomorrow' is not a date; write YYYY-MM-DD" in result.err


def test_stats_json_has_integer_totals(mini, run):
    result = run("stats", "--root", str(mini), "--as-of", "2025-02-20", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["as_of"] == "2025-02-20"
    assert {k: data[k] for k in ("regions", "zones", "countries")} == {
        "regions": 2,
        "zones": 3,
        "countries": 2,
    }


def test_stats_text(mini, run):
    result = run("stats", "--root", str(mini), "--as-of", "2025-02-20")
    assert result.out.splitlines()[0] == (
        "As of 2025-02-20: 2 regions, 3 zones, 2 countries (counting rules: data/<provider>.yaml)"
    )
    by_country = result.out.split("By country:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(by_country) == 2 and all(" 1 region   " in line for line in by_country)


def test_reconcile_text(mini, run):
    result = run("reconcile", "--root", str(mini))
    assert result.out == (
        "2025-02-19-mexico (as of 2025-02-19): MATCH: regions claimed 2, "
        "catalog 2, zones claimed 3, catalog 3\n"
    )


def test_reconcile_explains_a_difference(mini, run):
    seed = mini / "seeds" / "2025-02-19-mexico.yaml"
    seed.write_text(
        seed.read_text().replace("zones: 3}", "zones: 4}") + "notes: one zone is unaccounted for\n",
        encoding="utf-8",
    )
    result = run("reconcile", "--root", str(mini))
    assert result.out.splitlines() == [
        "2025-02-19-mexico (as of 2025-02-19): DIFFERS: regions claimed 2, catalog 2, "
        "zones claimed 4, catalog 3 (-1)",
        "  why: one zone is unaccounted for",
        "  nearby dated event: region au-east-1 closed 2025-03-31",
        "  nearby dated event: region mx-central-1 launched 2025-02-19",
        "  nearby dated event: zone mx-central-1a opened 2025-02-19",
    ]


def test_root_that_is_not_a_project(tmp_path, run):
    result = run("stats", "--root", str(tmp_path))
    assert result.code == 1
    assert result.err == (
        f"Error: --root {tmp_path}: not a cloudmap project folder (missing data/, seeds/, geo/)\n"
    )


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "cloudmap", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: cloudmap")


def test_coverage_compare_shows_the_effect_of_a_launch(mini, run):
    result = run(
        "coverage",
        "--root",
        str(mini),
        "--country",
        "MX",
        "--compare",
        "2024-06-30",
        "2025-05-15",
        "--json",
    )
    assert result.code == 0
    data = json.loads(result.out)
    assert data["rtt"] == "estimated from distance"
    (row,) = data["rows"]
    assert (row["iso_a2"], row["nearest_region_from"], row["nearest_region_to"]) == (
        "MX",
        "au-east-1",
        "mx-central-1",
    )
    assert row["rtt_est_ms_to"] < 20 < 150 < row["rtt_est_ms_from"]
    assert row["delta_ms"] < -150


def test_coverage_text_labels_every_rtt_as_estimated(mini, run):
    result = run("coverage", "--root", str(mini), "--market", "Americas", "--as-of", "2025-05-15")
    lines = result.out.splitlines()
    assert lines[0] == "Coverage by testcloud as of 2025-05-15 (2 live regions)"
    assert "RTT ms*" in lines[1]
    assert lines[-1].startswith("* estimated from distance")


def test_distances_to_a_region_placed_at_its_country_are_marked_rough(mini, run):
    data = mini / "data" / "testcloud.yaml"
    text = data.read_text(encoding="utf-8")
    data.write_text(
        text.replace("    precision: metro\n", "    precision: country\n", 1), encoding="utf-8"
    )
    out = run("coverage", "--root", str(mini), "--country", "MX", "--as-of", "2025-05-15").out
    lines = out.splitlines()
    assert lines[3].split()[4:6] == ["mx-central-1", "~"]
    assert lines[-1] == (
        "~ placed only at its country (the provider publishes no site): distances to it are rough"
    )
    js = json.loads(run("coverage", "--root", str(mini), "--country", "MX", "--json").out)
    assert js["country_precision"] == ["mx-central-1"]


def test_coverage_errors(mini, run):
    result = run("coverage", "--root", str(mini), "--market", "Narnia")
    assert (result.code, result.err) == (
        1,
        "Error: unknown market 'Narnia'; known markets: Americas\n",
    )
    result = run("coverage", "--root", str(mini), "--country", "XX")
    assert (result.code, result.err) == (
        1,
        "Error: country: 'XX' is not an ISO 3166-1 alpha-2 country code (e.g. MX)\n",
    )
    assert run("coverage", "--root", str(mini), "--json", "--csv").code == 2


def test_stats_includes_market_figures(mini, run):
    data = json.loads(run("stats", "--root", str(mini), "--as-of", "2025-05-15", "--json").out)
    assert data["markets"] == [
        {
            "id": "americas",
            "name": "Americas",
            "announcements": ["2025-02-19-mexico"],
            "countries_targeted": 5,
            "countries_hosting": 1,
            "live_regions": 1,
            "live_zones": 1,
            "zones_known": True,
        }
    ]


def test_compare_csv_says_which_zone_counts_and_points_are_rough(run):
    from conftest import REPO

    rows = run("compare", "--root", str(REPO), "--csv").out.splitlines()
    assert rows[0].split(",")[:4] == ["provider", "live_regions", "live_zones", "zones_known"]
    known = {r.split(",")[0]: r.split(",")[3] for r in rows[1:]}
    assert known["huawei-cloud"] == "false" and known["aws"] == "true"
    rows = run("compare", "--root", str(REPO), "--csv", "--market", "Middle East").out.splitlines()
    assert rows[0].split(",")[6:] == [
        "rtt_est_ms",
        "location_precision",
        "carbon_g_per_kwh",
        "partition",
        "jurisdictions",
        "jurisdictions_complete",
    ]
    assert {r.split(",")[7] for r in rows[1:]} <= {"facility", "metro", "admin-area", "country"}


@pytest.mark.parametrize(
    "command",
    [
        "region add",
        "region update",
        "region close",
        "region add-zone",
        "announce add",
        "stats",
        "reconcile",
        "compare",
        "diff",
        "coverage",
        "export",
        "validate",
    ],
)
def test_help_examples_run_on_the_projects_own_data(command, tmp_path):
    """Each --help example works as printed on a copy of the repository (review: several named
    ambiguous ids or left out the provider)."""
    import shlex
    import shutil
    import subprocess
    import sys

    from conftest import REPO

    for part in ("data", "seeds", "geo"):
        shutil.copytree(REPO / part, tmp_path / part)
    helptext = subprocess.run(
        [sys.executable, "-m", "cloudmap", *command.split(), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    example = helptext.split("\nExample:\n", 1)[1].strip().splitlines()[0]
    argv = shlex.split(example)[1:]
    r = subprocess.run(
        [sys.executable, "-m", "cloudmap", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, (example, r.stderr)
