"""`cloudmap check-registry`: registry tables against the catalog, on small fixtures extracted from
two botocore releases (tests/fixtures/registry/README.md) and on the pinned installed packages."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cloudmap.registry import (
    Package,
    RegionTable,
    RegistryRegion,
    check_registry,
    diff_tables,
    read_table,
    wheels_in,
)
from cloudmap.registry.tables import SOURCES
from cloudmap.validate import load_catalog
from conftest import FIXTURES, REPO, need_package

REG = FIXTURES / "registry"
OLD, NEW = REG / "botocore-1.43.125", REG / "botocore-1.43.126"


def _aws(folder: Path) -> RegionTable:
    (pkg,) = wheels_in(folder).values()
    return read_table(SOURCES["aws"][0], pkg)


def test_the_fixtures_are_the_two_releases_with_their_build_dates():
    old, new = _aws(OLD), _aws(NEW)
    assert (old.package.dist, old.package.version, old.package.released) == (
        "botocore",
        "1.43.125",
        dt.date(2026, 11, 5),
    )
    assert (new.package.dist, new.package.version, new.package.released) == (
        "botocore",
        "1.43.126",
        dt.date(2026, 11, 6),
    )
    assert "time stamps" in new.package.released_from


def test_botocore_1_43_126_adds_exactly_the_two_regions():
    diff = diff_tables([_aws(OLD)], [_aws(NEW)])
    assert [(r.id, r.name, r.group) for r in diff.added] == [
        ("me-west-1", "Middle East (Saudi Arabia)", "aws"),
        ("sa-west-1", "South America (Chile)", "aws"),
    ]
    assert (diff.removed, diff.renamed, diff.base) == ((), (), ("botocore 1.43.125",))


def test_both_tables_are_read_because_the_new_ids_are_only_in_partitions_json():
    """The legacy endpoints.json of 1.43.126 still lacks both ids: a check reading it alone (as
    the registry test once did) misses them."""
    import zipfile

    (pkg,) = wheels_in(NEW).values()
    with zipfile.ZipFile(pkg.origin) as z:
        legacy = json.loads(z.read("botocore/data/endpoints.json"))
        current = json.loads(z.read("botocore/data/partitions.json"))
    in_legacy = {r for p in legacy["partitions"] for r in p["regions"]}
    in_current = {r for p in current["partitions"] for r in p["regions"]}
    assert {"me-west-1", "sa-west-1"} <= in_current
    assert not {"me-west-1", "sa-west-1"} & in_legacy
    assert {"me-west-1", "sa-west-1"} <= _aws(NEW).ids


def _offline_env() -> dict[str, str]:
    return {**os.environ, "CLOUDMAP_OFFLINE": "1", "PYTHONPATH": str(REPO / "src")}


def test_check_registry_on_the_fixtures_reports_the_two_ids_with_their_evidence(run, monkeypatch):
    monkeypatch.setenv("CLOUDMAP_OFFLINE", "1")
    r = run(
        "check-registry",
        "--provider",
        "aws",
        "--packages",
        str(NEW),
        "--base",
        str(OLD),
        "--json",
        "--root",
        str(REPO),
    )
    assert r.code in (0, 3), r.err
    (aws,) = json.loads(r.out)["providers"]
    assert aws["since_base"] == {
        "base": ["botocore 1.43.125"],
        "added": ["me-west-1", "sa-west-1"],
        "removed": [],
        "renamed": [],
    }
    assert aws["tables"][0] | {"origin": None} == {
        "dist": "botocore",
        "version": "1.43.126",
        "released": "2026-11-06",
        "released_from": "built (the wheel's .dist-info time stamps)",
        "origin": None,
        "files": ["botocore/data/partitions.json", "botocore/data/endpoints.json"],
        "regions": 48,
    }
    assert r.code == 3  # a change since the base is drift


def test_a_region_the_catalog_lacks_comes_with_the_command_that_records_it():
    """Against a catalog without me-west-1 (the catalog as the audit found it), the report names
    the region, its country from the table's name, the announced site it becomes, and the
    release date as the "no later than" launch bound."""
    catalog = load_catalog(REPO)
    ids = {r.id for r in catalog.regions if r.provider == "aws"}
    report = check_registry(catalog, providers=["aws"], packages=wheels_in(NEW), origin="fixture")
    added = {c.region: c for c in report.changes if c.kind == "added"}
    for rid, cc in (("me-west-1", "SA"), ("sa-west-1", "CL")):
        if rid in ids:
            continue  # recorded since: nothing to propose
        c = added[rid]
        assert c.headline and c.evidence.released == dt.date(2026, 11, 6)
        assert c.command is not None and c.command.startswith(
            f"cloudmap region add --id {rid} --name "
        )
        assert f"--country {cc} " in c.command and "--launched '<=2026-11-06'" in c.command
        assert "--source https://pypi.org/project/botocore/1.43.126/ " in c.command


def _table(ids: dict[str, str | None], version: str) -> RegionTable:
    pkg = Package("botocore", version, None, "unknown", "test")
    regions = tuple(RegistryRegion(i, n, "aws") for i, n in ids.items())
    return RegionTable("aws", pkg, ("t.json",), regions)


def test_a_removed_and_an_added_id_with_one_name_are_a_rename():
    old = _table({"xx-east-1": "X (East)", "yy-1": "Y"}, "1")
    new = _table({"xx-east-2": "X (East)", "yy-1": "Y", "zz-1": "Z"}, "2")
    d = diff_tables([old], [new])
    assert (d.renamed, [r.id for r in d.added], d.removed) == (
        (("xx-east-1", "xx-east-2"),),
        ["zz-1"],
        (),
    )


def test_no_network_is_one_line_and_exit_1():
    env = {
        **_offline_env(),
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "3",
    }
    env.pop("CLOUDMAP_OFFLINE")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "cloudmap",
            "check-registry",
            "--provider",
            "aws",
            "--latest",
            "--root",
            str(REPO),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert r.returncode == 1 and r.stdout == "", r.stderr
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith("Error: no network: cannot download botocore from PyPI (")
    assert r.stderr.endswith("; read the pinned (installed) versions instead\n")


def test_offline_setting_refuses_latest_in_one_line(run, monkeypatch):
    monkeypatch.setenv("CLOUDMAP_OFFLINE", "1")
    r = run("check-registry", "--latest", "--root", str(REPO))
    assert (r.code, r.out) == (1, "")
    assert r.err == (
        "Error: no network (CLOUDMAP_OFFLINE is set): cannot download the newest "
        "releases; read the pinned (installed) versions instead\n"
    )


# --------------------------------------------------------------------------- pinned versions

DISTS = [s.dist for sources in SOURCES.values() for s in sources]


@pytest.mark.parametrize("dist", DISTS)
def test_every_registry_package_is_installed(dist):
    need_package(dist, "bash .ci/run installs the pinned registry packages")


def test_the_pinned_versions_report_no_drift_against_the_catalog(monkeypatch):
    """Every table each pinned package ships (both botocore files included) agrees with the
    catalog, given the known differences of cloudmap/registry/known.yaml (none of them stale).
    Needs the audit's data fixes (me-west-1 and sa-west-1 recorded in data/aws.yaml)."""
    for dist in DISTS:
        need_package(dist, "bash .ci/run installs the pinned registry packages")
    monkeypatch.setenv("CLOUDMAP_OFFLINE", "1")
    report = check_registry(load_catalog(REPO))
    assert {p.provider for p in report.providers} == set(SOURCES)
    assert [f"{c.provider}: {c.kind}: {c.detail}" for c in report.changes] == []
    alibaba = next(p for p in report.providers if p.provider == "alibaba-cloud")
    assert alibaba.staleness and "far behind" in alibaba.staleness
