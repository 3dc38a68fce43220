"""The build's two halves in parallel (cloudmap.parallel): a forked child writes the downloads
while the parent renders the pages. Same bytes as one process; a failure in the child reaches
the user as the same message, and the previous site stays as it was."""

from __future__ import annotations

import errno
import os
import shutil

import pytest

from cloudmap import export, parallel, site
from cloudmap.errors import CloudmapError
from cloudmap.project import load_project
from conftest import REPO, tree_digest
from test_export import MAY_2025, make_fixture_root


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return load_project(make_fixture_root(tmp_path_factory.mktemp("parallel") / "mini"))


@pytest.fixture
def forking(monkeypatch):
    """Take the forked path whatever the machine (CI has two cores; this makes sure)."""
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    monkeypatch.setattr(parallel, "parallel_enabled", lambda: True)


def test_ci_machine_builds_in_parallel(monkeypatch):
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    assert parallel.parallel_enabled() == (len(os.sched_getaffinity(0)) >= 2)


@pytest.mark.parametrize(
    ("setting", "expected"), [("1", False), ("auto", True), ("2", True), ("8", True)]
)
def test_jobs_setting(monkeypatch, setting, expected):
    monkeypatch.setenv(parallel.JOBS_ENV, setting)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert parallel.parallel_enabled() is expected


@pytest.mark.parametrize("setting", ["0", "two", "-1"])
def test_jobs_setting_refused(monkeypatch, setting):
    monkeypatch.setenv(parallel.JOBS_ENV, setting)
    with pytest.raises(CloudmapError) as exc:
        parallel.parallel_enabled()
    assert str(exc.value) == (f"CLOUDMAP_JOBS={setting!r}: expected a whole number of 1 or more")


def test_build_with_one_process_gives_the_same_bytes(project, tmp_path, monkeypatch):
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    if not parallel.parallel_enabled():
        monkeypatch.setattr(parallel, "parallel_enabled", lambda: True)
    site.build_site(project, on=MAY_2025, out=tmp_path / "forked")
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    assert not parallel.parallel_enabled()
    site.build_site(project, on=MAY_2025, out=tmp_path / "single")
    forked, single = tree_digest(tmp_path / "forked"), tree_digest(tmp_path / "single")
    assert forked == single
    assert "data/cloudmap.gpkg" in forked and "changelog.json" in forked


@pytest.mark.parametrize("formats", [[f] for f in export.FORMATS] + [list(export.FORMATS)])
def test_file_names_are_what_the_writers_write(project, tmp_path, formats):
    written = export.write_exports(project, on=MAY_2025, out=tmp_path, formats=formats)
    assert tuple(p.name for p in written) == export.file_names(formats)


def test_the_downloads_are_written_by_another_process(project, tmp_path, forking, monkeypatch):
    pids = tmp_path / "pids"
    real = export.write_exports

    def recording(*args, **kwargs):
        pids.write_text(str(os.getpid()), encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(export, "write_exports", recording)
    site.build_site(project, on=MAY_2025, out=tmp_path / "site")
    assert int(pids.read_text(encoding="utf-8")) != os.getpid()
    assert sorted(p.name for p in (tmp_path / "site" / "data").iterdir()) == sorted(
        export.file_names()
    )


def _fail_with(exc: BaseException):
    def fail(*args, **kwargs):
        raise exc

    return fail


def _built(project, out):
    site.build_site(project, on=MAY_2025, out=out)
    return tree_digest(out)


def test_child_error_is_the_users_message_and_site_unchanged(
    project, tmp_path, forking, monkeypatch
):
    out = tmp_path / "site"
    before = _built(project, out)
    message = "cannot write the downloads: the disk is full (free some space and run it again)"
    monkeypatch.setattr(export, "write_exports", _fail_with(CloudmapError(message)))
    with pytest.raises(CloudmapError) as exc:
        site.build_site(project, on=MAY_2025, out=out)
    assert str(exc.value) == message
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left


def test_child_os_error_keeps_errno_and_file(project, tmp_path, forking, monkeypatch):
    out = tmp_path / "site"
    before = _built(project, out)
    failure = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.gpkg"))
    monkeypatch.setattr(export, "write_exports", _fail_with(failure))
    with pytest.raises(CloudmapError) as exc:  # the build turns OS errors into messages
        site.build_site(project, on=MAY_2025, out=out)
    assert str(exc.value) == (
        f"{out}: the build could not be written; {out} is unchanged: the disk is full "
        f"(free some space and run it again) ({tmp_path / 'x.gpkg'})"
    )
    assert tree_digest(out) == before


def test_child_bug_names_the_step_and_its_traceback(project, tmp_path, forking, monkeypatch):
    out = tmp_path / "site"
    before = _built(project, out)
    monkeypatch.setattr(export, "write_exports", _fail_with(ZeroDivisionError("oops")))
    with pytest.raises(RuntimeError) as exc:
        site.build_site(project, on=MAY_2025, out=out)
    text = str(exc.value)
    assert text.startswith(
        "writing the downloads failed in its worker process: ZeroDivisionError: oops\n"
    )
    assert "Traceback (most recent call last)" in text and "in fail" in text
    assert tree_digest(out) == before


def test_parent_failure_stops_the_child(tmp_path, forking):
    started = tmp_path / "child-pid"

    def wait_forever():
        started.write_text(str(os.getpid()), encoding="utf-8")
        r, _w = os.pipe()
        os.read(r, 1)  # blocks: nothing is ever written

    with pytest.raises(KeyError), parallel.alongside(wait_forever, what="waiting"):
        while not started.exists() or not started.read_text(encoding="utf-8"):
            os.sched_yield()  # until the child has started (its state, not a timer)
        raise KeyError("the page failed")
    pid = int(started.read_text(encoding="utf-8"))
    with pytest.raises(ProcessLookupError):  # killed and reaped: no such process any more
        os.kill(pid, 0)


def test_cli_build_in_one_process_matches_committed_site(tmp_path, run, monkeypatch):
    """The committed site/ is checked against a default (parallel) build by test_site_fresh;
    a build in one process must give the same bytes."""
    root = tmp_path / "repo"
    for part in ("data", "seeds", "geo"):
        shutil.copytree(REPO / part, root / part)
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    res = run("build", "--root", str(root), "--out", str(tmp_path / "site"))
    assert res.code == 0, res.err
    built, committed = tree_digest(tmp_path / "site"), tree_digest(REPO / "site")
    assert built == committed
