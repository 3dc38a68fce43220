"""`cloudmap watch` over fixture folders, its exit codes, and the weekly workflow's offline part."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO

DOCS = FIXTURES / "docs"
CORPUS = FIXTURES / "intake" / "corpus"
NEW = FIXTURES / "registry" / "botocore-1.43.126"


@pytest.fixture
def folders(tmp_path) -> tuple[Path, Path]:
    pages, articles = tmp_path / "pages", tmp_path / "articles"
    pages.mkdir()
    articles.mkdir()
    html = (
        (DOCS / "aws-regions.html")
        .read_text(encoding="utf-8")
        .replace(
            "</tbody>",
            "<tr><td><code>xx-north-9</code></td><td>Nowhere (North)</td><td>Required"
            "</td></tr></tbody>",
        )
    )
    (pages / "aws.partial.html").write_text(html, encoding="utf-8")
    shutil.copy(DOCS / "huawei-regions-endpoints.html", pages / "huawei.partial.html")
    shutil.copy(CORPUS / "en" / "04-dubai-second-dc.txt", articles / "dubai.txt")
    shutil.copy(CORPUS / "en" / "13-paris-office-negative.txt", articles / "office.txt")
    return pages, articles


def test_watch_writes_one_ranked_report(run, monkeypatch, folders):
    monkeypatch.setenv("CLOUDMAP_OFFLINE", "1")
    pages, articles = folders
    r = run(
        "watch",
        "--pages",
        str(pages),
        "--articles",
        str(articles),
        "--packages",
        str(NEW),
        "--json",
        "--root",
        str(REPO),
    )
    assert r.code == 3, r.err
    out = json.loads(r.out)
    assert out["drift"] is True and out["errors"] == []
    findings = out["findings"]
    # headline changes first; within them the registry, then pages, then articles
    keys = [
        (not f["headline"], ["registry", "page", "article"].index(f["source"])) for f in findings
    ]
    assert keys == sorted(keys)
    page = [f for f in findings if f["source"] == "page"]
    assert (
        page[0]["what"] == "region xx-north-9 (Nowhere (North)) is on the page, not in the catalog"
    )
    assert page[0]["headline"] and page[0]["command"].startswith(
        "cloudmap region add --id xx-north-9 "
    )
    assert all(f["where"].endswith("aws.partial.html") for f in page)  # Huawei's page agrees
    arts = [a for a in out["articles"]]
    assert [Path(a["path"]).name for a in arts] == ["dubai.txt", "office.txt"]
    assert arts[1]["note"] == "nothing to propose" and arts[1]["draft"] is None
    assert any(
        f["source"] == "article" and f["command"].startswith("cloudmap announce add ")
        for f in findings
    )
    # the registry part is check-registry's, change for change
    reg = run("check-registry", "--packages", str(NEW), "--json", "--root", str(REPO))
    changes = [c for p in json.loads(reg.out)["providers"] for c in p["changes"]]
    assert [f["command"] for f in findings if f["source"] == "registry"] == [
        c["command"] for c in changes
    ]


def test_watch_markdown_for_people(run, monkeypatch, folders):
    monkeypatch.setenv("CLOUDMAP_OFFLINE", "1")
    pages, articles = folders
    r = run(
        "watch",
        "--pages",
        str(pages),
        "--articles",
        str(articles),
        "--no-registry",
        "--root",
        str(REPO),
    )
    assert r.code == 3
    lines = r.out.splitlines()
    assert lines[0] == "# cloudmap drift report, catalog as of 2026-11-27"
    assert lines[2].startswith("Read: 2 saved pages, 2 saved articles. **")
    assert "## Changes a headline total" in lines
    assert (
        "   cloudmap region add --id xx-north-9 --name 'Nowhere (North)' --city <CITY> "
        "--country <CC> --lat <LAT> --lon <LON> --launched <DATE> --zones <ZONE-IDS> --source "
        "<SOURCE-URL> --provider aws" in lines
    )


def test_no_drift_exits_0(run, tmp_path, monkeypatch):
    monkeypatch.setenv("CLOUDMAP_OFFLINE", "1")
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(DOCS / "huawei-regions-endpoints.html", pages / "huawei.partial.html")
    r = run("watch", "--pages", str(pages), "--no-registry", "--root", str(REPO))
    assert (r.code, r.err) == (0, "")
    assert "No drift: the registries, the pages and the articles agree with the catalog." in r.out


def test_an_unreadable_input_is_reported_and_exits_1(run, tmp_path, monkeypatch):
    monkeypatch.setenv("CLOUDMAP_OFFLINE", "1")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "broken.html").write_bytes(b"\x00\x01binary")
    shutil.copy(DOCS / "huawei-regions-endpoints.html", pages / "huawei.partial.html")
    r = run("watch", "--pages", str(pages), "--no-registry", "--root", str(REPO))
    assert r.code == 1
    assert (
        f"- `{pages / 'broken.html'}`: {pages / 'broken.html'}: binary data, not an HTML page"
        in r.out.splitlines()
    )


def test_watch_latest_without_network_is_one_line_and_exit_1(run, monkeypatch):
    monkeypatch.setenv("CLOUDMAP_OFFLINE", "1")
    r = run("watch", "--latest", "--root", str(REPO))
    assert (r.code, r.out) == (1, "")
    assert r.err == (
        "Error: no network (CLOUDMAP_OFFLINE is set): cannot download the newest "
        "releases; read the pinned (installed) versions instead\n"
    )


# --------------------------------------------------------------------------- the workflow

WORKFLOW = REPO / ".github" / "workflows" / "watch.yml"


def _pins(text: str) -> set[str]:
    return set(re.findall(r"'([A-Za-z0-9_.-]+==[0-9][^']*)'", text))


def test_the_workflow_runs_watch_latest_weekly_and_files_the_report():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = flow[True] if True in flow else flow["on"]  # PyYAML reads the key `on` as True
    (cron,) = [s["cron"] for s in triggers["schedule"]]
    _minute, _hour, day, month, weekday = cron.split()
    assert (day, month) == ("*", "*") and weekday.isdigit()  # once a week
    steps = flow["jobs"]["watch"]["steps"]
    run_watch = next(s["run"] for s in steps if "cloudmap watch" in s.get("run", ""))
    assert 'cloudmap watch "${args[@]}" > drift-report.md' in run_watch and "--latest" in run_watch
    filing = next(s["run"] for s in steps if "gh issue" in s.get("run", ""))
    assert "gh issue create" in filing and "--body-file drift-report.md" in filing
    assert flow["permissions"]["issues"] == "write"


def test_the_workflow_reads_the_same_pinned_packages_as_ci():
    from cloudmap.gridbuild import CODECARBON_VERSION

    workflow = _pins(WORKFLOW.read_text(encoding="utf-8"))
    # codecarbon is CI's for the grid rebuild test (tests/test_gridbuild.py), not a registry
    ci = _pins((REPO / ".ci" / "run").read_text(encoding="utf-8"))
    ci -= {f"codecarbon=={CODECARBON_VERSION}"}
    pyproject = set(
        re.findall(
            r'"((?:botocore|tencentcloud-sdk-python-\w+)==[^"]+)"',
            (REPO / "pyproject.toml").read_text(encoding="utf-8"),
        )
    )
    assert ci and pyproject and workflow == ci | pyproject
