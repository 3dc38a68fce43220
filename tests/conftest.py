"""Shared fixtures: temporary copies of project folders and a CLI runner."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cloudmap.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure() -> None:
    """Never touch the user's own cache (~/.cache/cloudmap): one private cache folder for the
    whole run, inherited by the subprocesses tests start."""
    import os
    import tempfile

    from cloudmap.cache import ENV

    if ENV not in os.environ or os.environ.get("CLOUDMAP_TEST_OWN_CACHE") != "1":
        os.environ[ENV] = tempfile.mkdtemp(prefix="cloudmap-test-cache-")


REQUIRE_REGISTRY = bool(os.environ.get("CI") or os.environ.get("CLOUDMAP_REQUIRE_REGISTRY"))


def need_package(dist: str, install: str) -> None:
    """Skip locally when a registry package (a provider's SDK holding its region list) is not
    installed; fail in CI, which installs them (.ci/run)."""
    from importlib import metadata

    try:
        metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        if REQUIRE_REGISTRY:
            pytest.fail(f"{dist} is not installed ({install}); CI must run the registry checks")
        pytest.skip(f"{dist} is not installed ({install})", allow_module_level=True)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module, for the browser tests (tests/browser_support.py)."""
    from browser_support import browser

    with browser() as b:
        yield b


@pytest.fixture
def run(capsys):
    """Run the CLI in-process: ``run("stats", "--json")`` -> Result(code, out, err)."""

    def _run(*argv: str) -> Result:
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def mini(tmp_path) -> Path:
    """A writable copy of the small test catalog (tests/fixtures/mini)."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    shutil.copytree(REPO / "geo", dest / "geo", dirs_exist_ok=True)
    return dest


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """A writable copy of the project's data/, seeds/ and geo/."""
    dest = tmp_path / "repo"
    for part in ("data", "seeds", "geo"):
        shutil.copytree(REPO / part, dest / part)
    return dest


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (to prove a command changed nothing)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def page_records(table: dict) -> list[dict]:
    """The places of a page's data (held as columns: one list per field) as records, written
    here from the format's description, not with the product's decoder."""
    names = table["historyFields"]
    out = []
    for i in range(table["count"]):
        rec = {k: col[i] for k, col in table["columns"].items() if _kept(col[i])}
        if "history" in rec:
            rec["history"] = [
                {names[k]: x for k, x in enumerate(row) if _kept(x)} for row in rec["history"]
            ]
        out.append(rec)
    return out


def _kept(value: object) -> bool:
    return value is not None and value is not False  # 0 and "" are values
