"""A build (cloudmap.site.build_site) runs in the calling process: safe with threads alive (no
fork), the downloads it lists are the ones its writers write, and a failure anywhere leaves the
previous site exactly as it was."""

from __future__ import annotations

import errno
import threading
import warnings

import pytest

from cloudmap import export, site
from cloudmap.errors import CloudmapError
from cloudmap.project import load_project
from conftest import tree_digest
from test_export import MAY_2025, make_fixture_root


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return load_project(make_fixture_root(tmp_path_factory.mktemp("build") / "mini"))


@pytest.mark.parametrize("formats", [[f] for f in export.FORMATS] + [list(export.FORMATS)])
def test_file_names_are_what_the_writers_write(project, tmp_path, formats):
    written = export.write_exports(project.at(MAY_2025), tmp_path, formats)
    assert tuple(p.name for p in written) == export.file_names(formats)


def test_a_build_with_a_thread_alive_warns_nothing_and_gives_the_same_bytes(project, tmp_path):
    """Python 3.12+ warns (and may deadlock) when a process with threads forks: a build never
    forks, so a notebook or server with threads running builds the same site."""
    site.build_site(project.at(MAY_2025), out=tmp_path / "alone")
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait, daemon=True)
    worker.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            site.build_site(project.at(MAY_2025), out=tmp_path / "threaded")
    finally:
        stop.set()
        worker.join()
    assert tree_digest(tmp_path / "threaded") == tree_digest(tmp_path / "alone")


def _fail_with(exc: BaseException):
    def fail(*_args, **_kwargs):
        raise exc

    return fail


def test_a_failing_download_is_the_users_message_and_the_site_is_unchanged(
    project, tmp_path, monkeypatch
):
    out = tmp_path / "site"
    site.build_site(project.at(MAY_2025), out=out)
    before = tree_digest(out)
    message = "cannot write the downloads: the disk is full (free some space and run it again)"
    monkeypatch.setattr(export, "write_exports", _fail_with(CloudmapError(message)))
    with pytest.raises(CloudmapError) as exc:
        site.build_site(project.at(MAY_2025), out=out)
    assert str(exc.value) == message
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left


def test_an_os_error_keeps_errno_and_file(project, tmp_path, monkeypatch):
    out = tmp_path / "site"
    site.build_site(project.at(MAY_2025), out=out)
    before = tree_digest(out)
    failure = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.gpkg"))
    monkeypatch.setattr(export, "write_exports", _fail_with(failure))
    with pytest.raises(CloudmapError) as exc:
        site.build_site(project.at(MAY_2025), out=out)
    assert str(exc.value).endswith(
        f"the disk is full (free some space and run it again) ({tmp_path / 'x.gpkg'})"
    )
    assert tree_digest(out) == before
