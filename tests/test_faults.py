"""The fault corpus (tests/faults.py) replayed: each case gets exactly its message and exit code,
no traceback, and leaves every file as it was; plus faults only a real process can show (broken
pipes, concurrent edits) and injected OS errors (disk full, read-only folders)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import faults
from conftest import FIXTURES, REPO, tree_digest

CASES = faults.all_cases()


@pytest.fixture
def project(tmp_path) -> Path:
    return faults.copy_project(FIXTURES / "mini", tmp_path / "p", REPO / "geo")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault_case(case, project, run, monkeypatch):
    case.prepare(project)
    monkeypatch.chdir(project)
    before = tree_digest(project)
    result = run(*case.argv)
    assert (result.code, result.err.splitlines()) == (case.code, list(case.err))
    assert "Traceback" not in result.err
    after = tree_digest(project)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed <= case.may_change, changed


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 100


# --------------------------------------------------------------------------- real processes


def _cli(*argv: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cloudmap", *argv], cwd=cwd, capture_output=True, text=True, **kw
    )


def _region_args(i: int) -> list[str]:
    return ["region", "add", "--id", f"mx-central-{i + 10}", "--name", f"M{i}", "--city",
            "Monterrey", "--country", "MX", "--lat", "25.6751", "--lon", "-100.3185",
            "--launched", "2025-06-01", "--zones", "a", "--source", faults.URL]  # fmt: skip


def test_concurrent_edits_all_land(project):
    """Six `region add` processes at once, three rounds: every region is in the file after."""
    for round_ in range(3):
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "cloudmap", *_region_args(round_ * 6 + i)],
                cwd=project,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(6)
        ]
        results = []
        for p in procs:
            _, err = p.communicate(timeout=300)
            results.append((p.returncode, err))
        assert all(code == 0 for code, _ in results), results
    text = (project / faults.F).read_text(encoding="utf-8")
    assert [f"- id: mx-central-{i + 10}" in text for i in range(18)] == [True] * 18
    assert _cli("validate", cwd=project).returncode == 0


def test_an_edit_never_writes_through_a_link_out_of_the_project(project, tmp_path):
    real = tmp_path / "outside.yaml"
    real.write_bytes((project / faults.F).read_bytes())
    (project / faults.F).unlink()
    (project / faults.F).symlink_to(real)
    before = real.read_bytes()
    r = _cli("region", "update", "mx-central-1", "--name", "Mexico", "--source", faults.URL,
             cwd=project)  # fmt: skip
    assert (r.returncode, r.stderr) == (1, f"Error: {faults.F}: a symbolic link to {real}, "
        "outside the project; edits write only inside it (put the file itself in place of the "
        "link); nothing was written\n")  # fmt: skip
    assert real.read_bytes() == before


def test_an_edit_never_writes_through_a_linked_data_folder_out_of_the_project(project, tmp_path):
    outside = tmp_path / "outside-data"
    shutil.move(project / "data", outside)
    (project / "data").symlink_to(outside)
    before = tree_digest(outside)
    r = _cli("region", "update", "mx-central-1", "--name", "Mexico", "--source", faults.URL,
             cwd=project)  # fmt: skip
    assert r.returncode == 1 and "outside the project" in r.stderr, r.stderr
    assert tree_digest(outside) == before


def test_a_failing_edit_through_a_symlinked_data_file_changes_nothing(project, tmp_path):
    real = project / "shared" / "elsewhere.yaml"
    real.parent.mkdir()
    real.write_bytes((project / faults.F).read_bytes())
    (project / faults.F).unlink()
    (project / faults.F).symlink_to(real)
    before = real.read_bytes()
    r = _cli("region", "update", "mx-central-1", "--lat", "100", "--source", faults.URL,
             cwd=project)  # fmt: skip
    assert r.returncode == 1 and "nothing was written" in r.stderr
    assert real.read_bytes() == before and (project / faults.F).is_symlink()
    ok = _cli("region", "update", "mx-central-1", "--city", "Querétaro", "--name", "Mexico",
              "--source", faults.URL, cwd=project)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert (project / faults.F).is_symlink() and "  name: Mexico\n" in real.read_text()


def test_broken_pipes_are_a_message_not_a_traceback(project):
    for argv in (["stats"], ["reconcile"], ["validate"], ["coverage"], ["compare"],
                 ["diff", "--from", "2024-01-01"], ["stats", "--json"]):  # fmt: skip
        cmd = f"{sys.executable} -m cloudmap {' '.join(argv)} 2>err.txt | head -c 1 >/dev/null; " \
              "echo ${PIPESTATUS[0]}"  # fmt: skip
        proc = subprocess.run(["bash", "-c", cmd], cwd=project, capture_output=True, text=True)
        err = (project / "err.txt").read_text()
        assert "Traceback" not in err, (argv, err)
        code = int(proc.stdout.strip())
        assert code == 0 or (code == 1 and err.startswith("Error: the output was closed")), (
            argv, code, err)  # fmt: skip


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_among_the_seeds_is_a_message_not_a_hang(project, kind):
    """A named pipe would block a reader forever and /dev/zero would fill memory: both are
    refused before anything is read, with the usual located message."""
    path = project / "seeds" / "zz.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    before = tree_digest(project)
    for argv in (["validate"], ["stats"], ["build", "--out", "out"]):
        r = _cli(*argv, cwd=project, timeout=120)
        assert r.returncode == 1, (argv, r.stderr)
        assert r.stderr.splitlines()[0] == (
            "seeds/zz.yaml:1: -: file: is not a regular file (a pipe, socket or device); remove it"
        ), r.stderr
    assert tree_digest(project) == before


def test_build_with_root_elsewhere_writes_that_projects_site(project, tmp_path):
    r = _cli("build", "--root", str(project), "--as-of", "2025-11-26", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (project / "site" / "index.html").is_file() and not (tmp_path / "site").exists()


# --------------------------------------------------------------------------- injected OS errors


def _fail_writes(monkeypatch, code: int, where: str | None = None) -> None:
    """Every os.replace / os.link (and, with ``where``, only into that folder) fails with
    ``code`` (ENOSPC: disk full; EACCES: permission denied; EROFS: read-only)."""
    real_replace, real_link = os.replace, os.link

    def check(dst) -> None:
        if where is None or where in str(dst):
            raise OSError(code, os.strerror(code), str(dst))

    def replace(src, dst, *a, **k):
        check(dst)
        return real_replace(src, dst, *a, **k)

    def link(src, dst, *a, **k):
        check(dst)
        return real_link(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "link", link)


@pytest.mark.parametrize(("code", "why"), [
    (errno.ENOSPC, "the disk is full (free some space and run it again)"),
    (errno.EACCES, "permission denied (check the folder's permissions, or whether it is immutable)"),
    (errno.EROFS, "the file system is read-only"),
])  # fmt: skip
def test_an_edit_that_cannot_write_changes_nothing(project, run, monkeypatch, code, why):
    """A multi-file edit (a seed and the data file) is all or nothing: the seed is linked in
    first, the data file fails, the seed is taken back."""
    monkeypatch.chdir(project)
    before = tree_digest(project)
    _fail_writes(monkeypatch, code, where="data/")
    r = run("announce", "add", "--date", "2025-06-01", "--title", "Plans", "--source", faults.URL,
            "--site", "NZ")  # fmt: skip
    assert r.code == 1 and "Traceback" not in r.err
    assert r.err.startswith("Error: the edit could not be written; nothing was changed: " + why)
    assert tree_digest(project) == before


@pytest.mark.parametrize("argv", [("build", "--out", "out/site"), ("export", "--out", "out/x")])
def test_disk_full_during_build_or_export_leaves_outputs_as_they_were(project, run, monkeypatch,
                                                                      argv):  # fmt: skip
    monkeypatch.chdir(project)
    assert run(*argv).code == 0
    before = tree_digest(project)
    _fail_writes(monkeypatch, errno.ENOSPC)
    r = run(*argv, "--as-of", "2024-06-30")
    assert r.code == 1 and "Traceback" not in r.err
    assert "the disk is full" in r.err, r.err
    assert tree_digest(project) == before


def test_crlf_files_stay_crlf(project, run, monkeypatch):
    path = project / faults.F
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    monkeypatch.chdir(project)
    r = run("region", "update", "mx-central-1", "--name", "Mexico", "--source", faults.URL)
    assert r.code == 0, r.err
    data = path.read_bytes()
    assert b"  name: Mexico\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")  # no mixed line endings


# --------------------------------------------------------------------------- injection in outputs


def test_exports_neutralise_formulas_and_escape_kml_descriptions(project, run, monkeypatch):
    faults.replace(
        faults.F,
        "  name: Mexico (Queretaro)\n",
        '  name: "=HYPERLINK(\\"https://evil.example\\",\\"x\\")"\n',
    )(project)
    faults.replace(
        faults.F,
        "  city: Querétaro\n",
        '  city: "<img src=x onerror=alert(1)>"\n'
        "  # a city no gazetteer has: admin-area skips that check\n",
    )(project)
    faults.replace(faults.F, "    precision: metro\n", "    precision: admin-area\n")(project)
    monkeypatch.chdir(project)
    r = run("export", "--out", "out", "--format", "csv,kml", "--as-of", "2025-11-26")
    assert r.code == 0, r.err
    csv_text = (project / "out" / "regions.csv").read_text(encoding="utf-8")
    assert '\'=HYPERLINK(""https://evil.example"",""x"")' in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    row = next(line for line in csv_text.splitlines() if line.startswith("testcloud:mx-central-1,"))
    assert row.endswith(",-100.3899,20.5888")  # numbers (a negative longitude) are never touched
    kml = (project / "out" / "regions.kml").read_text(encoding="utf-8")
    mark = kml[kml.index('<Placemark id="testcloud:mx-central-1">') :]
    desc = mark[mark.index("<description>") : mark.index("</description>")]
    assert "<img" not in desc and "&lt;img" not in desc  # escaped twice: shown, never rendered
    assert "&amp;lt;img src=x onerror=alert(1)&amp;gt;" in desc


# --------------------------------------------------------------------------- outside input


def test_an_article_cannot_drive_the_terminal(project, run, monkeypatch):
    """Escape sequences, bells and bidi overrides in an article reach neither stdout nor stderr
    raw: they are dropped from the text, and whatever is printed from outside goes through one
    escaping rule."""
    monkeypatch.chdir(project)
    (project / "evil.md").write_text(
        '---\ntitle: "Test Cloud\x1b]0;owned\x07 opens a data centre\x1b[2J in Mexico\u202e"\n'
        "---\n\nTest Cloud opened a data centre in Mexico\x1b[31m with two zones.\x9b1m\n",
        encoding="utf-8",
    )
    for argv in (("announce", "draft", "evil.md"), ("announce", "draft", "evil.md", "--json")):
        r = run(*argv)
        assert r.code == 0, r.err
        for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert bad not in r.out and bad not in r.err, (argv, bad)
    assert "Test Cloud]0;owned opens a data centre[2J in Mexico" in run("announce", "draft",
                                                                       "evil.md").out  # fmt: skip


def test_terminal_safe_escapes_every_control_and_reordering_character():
    from cloudmap.outside import terminal_safe

    assert terminal_safe("a\x1b[2Jb\x07c\x9bd\u202ee\u2066f\tg\nh") == (
        "a\\u001b[2Jb\\u0007c\\u009bd\\u202ee\\u2066f\tg\nh")  # fmt: skip


def _trickle_server(stop):
    """A local server that sends its headers, then one byte a second for ever."""
    import socket
    import threading
    import time

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(30)

    def serve() -> None:
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
            for _ in range(120):
                if stop.is_set():
                    break
                try:
                    conn.sendall(b"x")
                except OSError:
                    break
                time.sleep(1)
        srv.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


def test_a_trickling_server_meets_one_deadline_for_the_whole_read(project):
    """Each byte arrives within any per-read timeout; the whole read must still end."""
    import threading
    import time

    stop = threading.Event()
    port = _trickle_server(stop)
    url = f"http://127.0.0.1:{port}/article.txt"
    start = time.monotonic()
    try:
        r = _cli("announce", "draft", url, cwd=project, timeout=60,
                 env={**os.environ, "CLOUDMAP_READ_DEADLINE_S": "3"})  # fmt: skip
    finally:
        stop.set()
    assert time.monotonic() - start < 30
    assert (r.returncode, r.stderr) == (1, f"Error: {url}: the article did not arrive within 3 s; "
                                           "save it to a file and pass the file instead\n")  # fmt: skip


def test_a_4_mb_article_is_read_in_linear_time(project, tmp_path):
    """Issue 20: a 4 MB local text file once took more than 300 s."""
    import time

    para = REPO / "tests" / "fixtures" / "intake" / "corpus" / "en" / "01-mexico-region-opens.txt"
    text = para.read_text(encoding="utf-8").replace("Alibaba Cloud", "Test Cloud") + "\n\n"
    big = tmp_path / "big.txt"
    big.write_text(text * (4 * 2**20 // len(text.encode("utf-8"))), encoding="utf-8")
    assert big.stat().st_size > 4_000_000
    start = time.monotonic()
    r = _cli("announce", "draft", str(big), "--json", cwd=project, timeout=300)
    assert time.monotonic() - start < 300
    assert r.returncode == 0, r.stderr
