"""The fault corpus (tests/faults.py) replayed: each case gets exactly its message and exit code,
no traceback, and leaves every file as it was; plus faults only a real process can show (broken
pipes, concurrent edits) and injected OS errors (disk full, read-only folders)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
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
    return [
        "region",
        "add",
        "--id",
        f"mx-central-{i + 10}",
        "--name",
        f"M{i}",
        "--city",
        "Monterrey",
        "--country",
        "MX",
        "--lat",
        "25.6751",
        "--lon",
        "-100.3185",
        "--launched",
        "2025-06-01",
        "--zones",
        "a",
        "--source",
        faults.URL,
    ]


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
    r = _cli(
        "region", "update", "mx-central-1", "--name", "Mexico", "--source", faults.URL, cwd=project
    )
    assert (r.returncode, r.stderr) == (
        1,
        f"Error: {faults.F}: a symbolic link to {real}, "
        "outside the project; edits write only inside it (put the file itself in place of the "
        "link); nothing was written\n",
    )
    assert real.read_bytes() == before


def test_an_edit_never_writes_through_a_linked_data_folder_out_of_the_project(project, tmp_path):
    outside = tmp_path / "outside-data"
    shutil.move(project / "data", outside)
    (project / "data").symlink_to(outside)
    before = tree_digest(outside)
    r = _cli(
        "region", "update", "mx-central-1", "--name", "Mexico", "--source", faults.URL, cwd=project
    )
    assert r.returncode == 1 and "outside the project" in r.stderr, r.stderr
    assert tree_digest(outside) == before


def test_a_failing_edit_through_a_symlinked_data_file_changes_nothing(project):
    real = project / "shared" / "elsewhere.yaml"
    real.parent.mkdir()
    real.write_bytes((project / faults.F).read_bytes())
    (project / faults.F).unlink()
    (project / faults.F).symlink_to(real)
    before = real.read_bytes()
    r = _cli(
        "region", "update", "mx-central-1", "--lat", "100", "--source", faults.URL, cwd=project
    )
    assert r.returncode == 1 and "nothing was written" in r.stderr
    assert real.read_bytes() == before and (project / faults.F).is_symlink()
    ok = _cli(
        "region",
        "update",
        "mx-central-1",
        "--city",
        "Querétaro",
        "--name",
        "Mexico",
        "--source",
        faults.URL,
        cwd=project,
    )
    assert ok.returncode == 0, ok.stderr
    assert (project / faults.F).is_symlink() and "  name: Mexico\n" in real.read_text()


def test_broken_pipes_are_a_message_not_a_traceback(project):
    for argv in (
        ["stats"],
        ["reconcile"],
        ["validate"],
        ["coverage"],
        ["compare"],
        ["diff", "--from", "2024-01-01"],
        ["stats", "--json"],
    ):
        cmd = (
            f"{sys.executable} -m cloudmap {' '.join(argv)} 2>err.txt | head -c 1 >/dev/null; "
            "echo ${PIPESTATUS[0]}"
        )
        proc = subprocess.run(["bash", "-c", cmd], cwd=project, capture_output=True, text=True)
        err = (project / "err.txt").read_text()
        assert "Traceback" not in err, (argv, err)
        code = int(proc.stdout.strip())
        assert code == 0 or (code == 1 and err.startswith("Error: the output was closed")), (
            argv,
            code,
            err,
        )


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


@pytest.mark.parametrize(
    ("code", "why"),
    [
        (errno.ENOSPC, "the disk is full (free some space and run it again)"),
        (
            errno.EACCES,
            "permission denied (check the folder's permissions, or whether it is immutable)",
        ),
        (errno.EROFS, "the file system is read-only"),
    ],
)
def test_an_edit_that_cannot_write_changes_nothing(project, run, monkeypatch, code, why):
    """A multi-file edit (a seed and the data file) is all or nothing: the seed is linked in
    first, the data file fails, the seed is taken back."""
    monkeypatch.chdir(project)
    before = tree_digest(project)
    _fail_writes(monkeypatch, code, where="data/")
    r = run(
        "announce",
        "add",
        "--date",
        "2025-06-01",
        "--title",
        "Plans",
        "--source",
        faults.URL,
        "--site",
        "NZ",
    )
    assert r.code == 1 and "Traceback" not in r.err
    assert r.err.startswith("Error: the edit could not be written; nothing was changed: " + why)
    assert tree_digest(project) == before


@pytest.mark.parametrize("argv", [("build", "--out", "out/site"), ("export", "--out", "out/x")])
def test_disk_full_during_build_or_export_leaves_outputs_as_they_were(
    project, run, monkeypatch, argv
):
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
    assert (
        "Test Cloud]0;owned opens a data centre[2J in Mexico"
        in run("announce", "draft", "evil.md").out
    )


def test_terminal_safe_escapes_every_control_and_reordering_character():
    from cloudmap.outside import terminal_safe

    assert terminal_safe("a\x1b[2Jb\x07c\x9bd\u202ee\u2066f\tg\nh") == (
        "a\\u001b[2Jb\\u0007c\\u009bd\\u202ee\\u2066f\tg\nh"
    )


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
        r = _cli(
            "announce",
            "draft",
            url,
            cwd=project,
            timeout=60,
            env={**os.environ, "CLOUDMAP_READ_DEADLINE_S": "3"},
        )
    finally:
        stop.set()
    assert time.monotonic() - start < 30
    assert (r.returncode, r.stderr) == (
        1,
        f"Error: {url}: the article did not arrive within 3 s; "
        "save it to a file and pass the file instead\n",
    )


def test_a_long_article_is_read_whole(project, tmp_path):
    """Issue 20: a 4 MB local text file once took more than 300 s. How the time grows with the
    size is measured in bench/run.py ("Intake on long articles"); here a long article (1/16 of
    that) is simply read and drafted."""
    para = REPO / "tests" / "fixtures" / "intake" / "corpus" / "en" / "01-mexico-region-opens.txt"
    text = para.read_text(encoding="utf-8").replace("Alibaba Cloud", "Test Cloud") + "\n\n"
    big = tmp_path / "big.txt"
    big.write_text(text * (2**18 // len(text.encode("utf-8"))), encoding="utf-8")
    assert big.stat().st_size > 250_000
    r = _cli("announce", "draft", str(big), "--json", cwd=project, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["language"] == "en"


# --------------------------------------------------------------------------- kills and locks

# Runs the CLI with os.replace / os.link / os.unlink / os.rename wrapped: the Nth call that
# touches the project's data/, seeds/ or its journal first sends the process $CM_SIGNAL (and,
# with CM_PAUSE, waits until the file $CM_PAUSE exists, having created $CM_PAUSE.waiting).
_HOOKED = r"""
import os, signal, sys, time
project = os.environ["CM_PROJECT"]
at = int(os.environ.get("CM_AT", "0"))
sig = getattr(signal, os.environ.get("CM_SIGNAL", "SIGKILL"))
pause = os.environ.get("CM_PAUSE")
seen = [0]

def touches(args):
    for a in args[:2]:
        p = os.path.abspath(os.fsdecode(a)) if isinstance(a, (str, bytes, os.PathLike)) else ""
        if p.startswith(project + os.sep) and (
            "/data/" in p or "/seeds/" in p or ".cloudmap-journal" in p
        ):
            return True
    return False

def hook(real):
    def call(*args, **kwargs):
        if touches(args):
            seen[0] += 1
            if seen[0] == at:
                if pause:
                    open(pause + ".waiting", "w").close()
                    while not os.path.exists(pause):
                        time.sleep(0.02)
                else:
                    os.kill(os.getpid(), sig)
        return real(*args, **kwargs)
    return call

for name in ("replace", "link", "unlink", "rename"):
    setattr(os, name, hook(getattr(os, name)))
from cloudmap.cli import main
code = main(sys.argv[1:])
print(f"hooked calls: {seen[0]}", file=sys.stderr)
sys.exit(code)
"""

_SITE_EDIT = (
    "announce",
    "add",
    "--date",
    "2025-06-01",
    "--title",
    "Plans for New Zealand",
    "--source",
    faults.URL,
    "--site",
    "NZ",
)


def _hooked(project: Path, argv, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "CM_PROJECT": str(project.resolve()), **env}
    return subprocess.run(
        [sys.executable, "-c", _HOOKED, *argv],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _calls(r: subprocess.CompletedProcess) -> int:
    return int(r.stderr.rsplit("hooked calls: ", 1)[1].split()[0])


_UPDATE = ("region", "update", "mx-central-1", "--name", "Mexico", "--source", faults.URL)


@pytest.mark.parametrize(
    ("sig", "after"),
    [
        ("SIGKILL", ("validate",)),  # killed outright: the next reader finishes the edit
        ("SIGKILL", _UPDATE),  # ... or the next edit does, then makes its own change
        ("SIGTERM", ("validate",)),  # interrupted: the process puts the files back itself
    ],
)
def test_a_multi_file_edit_killed_at_any_step_is_all_or_nothing(tmp_path, sig, after):
    """`announce add --site` writes a new seed and changes the provider file. Killed before each
    of its renames, links and removals in turn, the next command (a read, or another edit)
    leaves the project exactly as before the edit or exactly as after it: never half."""
    src = faults.copy_project(FIXTURES / "mini", tmp_path / "src", REPO / "geo")
    old = tree_digest(src)
    full = _hooked(src, _SITE_EDIT)  # CM_AT=0: never interrupted, counts its steps
    assert full.returncode == 0, full.stderr
    new = tree_digest(src)
    steps = _calls(full)
    assert steps >= 2 and new != old  # two files change: at least two renames
    outcomes = []
    for at in range(1, steps + 1):
        project = faults.copy_project(FIXTURES / "mini", tmp_path / f"p{at}", REPO / "geo")
        r = _hooked(project, _SITE_EDIT, CM_AT=str(at), CM_SIGNAL=sig)
        if sig == "SIGKILL":
            assert r.returncode == -9, (at, r.stderr)
        else:  # an interruption: put back, or (past the commit point) said to be written
            assert r.returncode == 1 and "Traceback" not in r.stderr, (at, r.stderr)
            assert r.stderr.startswith("Error: interrupted; "), (at, r.stderr)
        nxt = _cli(*after, cwd=project)
        assert nxt.returncode == 0 and "Traceback" not in nxt.stderr, (at, nxt.stderr)
        state = tree_digest(project)
        if after[0] == "region":  # the later edit changed the provider file: compare the rest
            state.pop(faults.F)
            assert "  name: Mexico\n" in (project / faults.F).read_text(encoding="utf-8")
            outcome = "old" if state == _without(old, faults.F) else "new"
            assert state == (
                _without(old, faults.F) if outcome == "old" else _without(new, faults.F)
            ), at
        else:
            assert state in (old, new), (at, sorted(set(state.items()) ^ set(old.items())))
            outcome = "old" if state == old else "new"
        if sig == "SIGTERM" and outcome == "new":
            assert "what was written stays written" in r.stderr, (at, r.stderr)
        if sig == "SIGTERM" and outcome == "old":
            assert (
                r.stderr == f"Error: interrupted; nothing was written\nhooked calls: {_calls(r)}\n"
            ), (at, r.stderr)
        outcomes.append(outcome)
    assert outcomes[0] == "old" and outcomes[-1] == "new", outcomes  # both ends are reached
    assert _cli("validate", cwd=project).returncode == 0


def _without(digest: dict[str, str], rel: str) -> dict[str, str]:
    return {k: v for k, v in digest.items() if k != rel}


def test_edits_share_one_lock_whatever_their_environment(project, tmp_path):
    """Two edits with different $TMPDIR and $HOME: the first stalls after reading its files,
    just before writing; the second waits for it (one lock per project folder), then reads what
    the first wrote. Both regions land."""
    (tmp_path / "t1").mkdir()
    (tmp_path / "t2").mkdir()
    gate = tmp_path / "go"
    first = subprocess.Popen(
        [sys.executable, "-c", _HOOKED, *_region_args(1)],
        cwd=project,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "CM_PROJECT": str(project.resolve()),
            "CM_AT": "1",
            "CM_PAUSE": str(gate),
            "TMPDIR": str(tmp_path / "t1"),
            "HOME": str(tmp_path / "t1"),
        },
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "go.waiting").exists():
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    second = subprocess.Popen(
        [sys.executable, "-m", "cloudmap", *_region_args(2)],
        cwd=project,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp_path / "t2"), "HOME": str(tmp_path / "t2")},
    )
    time.sleep(4)  # ample for the second to validate and write, were it not waiting
    assert second.poll() is None, second.communicate()
    text = (project / faults.F).read_text(encoding="utf-8")
    assert "mx-central-11" not in text and "mx-central-12" not in text
    gate.touch()
    results = [(p.wait(timeout=300), p.communicate()) for p in (first, second)]
    assert [code for code, _ in results] == [0, 0], results
    text = (project / faults.F).read_text(encoding="utf-8")
    assert "- id: mx-central-11\n" in text and "- id: mx-central-12\n" in text
    assert _cli("validate", cwd=project).returncode == 0


def test_a_reader_waits_for_an_edit_under_way(project, tmp_path):
    """A command reading the catalog while a two-file edit is between its renames waits for the
    edit, then sees all of it (never the seed without the site that names it, or the reverse)."""
    gate = tmp_path / "go"
    edit = subprocess.Popen(
        [sys.executable, "-c", _HOOKED, *_SITE_EDIT],
        cwd=project,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "CM_PROJECT": str(project.resolve()),
            "CM_AT": "4",
            "CM_PAUSE": str(gate),
        },
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "go.waiting").exists():
        assert edit.poll() is None and time.monotonic() < deadline, edit.communicate()
        time.sleep(0.05)
    reader = subprocess.Popen(
        [sys.executable, "-m", "cloudmap", "validate"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    assert reader.poll() is None, reader.communicate()
    gate.touch()
    _, edit_err = edit.communicate(timeout=300)
    assert edit.returncode == 0, edit_err
    out, err = reader.communicate(timeout=300)
    assert (reader.returncode, out) == (
        0,
        "OK: 3 regions, 4 zones, 2 announced sites, 2 announcements; no problems found\n",
    ), err


# --------------------------------------------------------------------------- exports, all or nothing


def test_an_export_failing_half_way_puts_every_file_back(project, run, monkeypatch):
    """The third file's move fails: the two moved already are put back, and the message says
    that every file is as it was (it used to say "nothing was written" with regions.csv new)."""
    monkeypatch.chdir(project)
    assert run("export", "--out", "out", "--as-of", "2025-11-26").code == 0
    before = tree_digest(project)
    real, moves = os.replace, []

    def replace(src, dst, *args, **kwargs):
        if os.sep + "out" + os.sep in str(dst) and ".export-" not in str(dst):
            moves.append(dst)
            if len(moves) == 3:
                raise OSError(errno.EIO, "Input/output error", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    r = run("export", "--out", "out", "--as-of", "2024-06-30")
    assert r.code == 1 and r.err.startswith(
        "Error: --out out: could not be written: Input/output error ("
    ), r.err
    assert r.err.endswith("); every file in it is as it was\n"), r.err
    assert len(moves) > 3  # the two moved were put back by moves of their own
    assert tree_digest(project) == before
    assert [p.name for p in (project / "out").iterdir() if p.name.startswith(".")] == []


def test_the_next_export_removes_what_interrupted_exports_left(project, run, monkeypatch):
    out = project / "out"
    dead = out / ".export-999999999-k2j3h4ab"  # no such process
    legacy = out / ".export-k2j3h4ab"  # named by an earlier version, an hour old
    alive = out / f".export-{os.getppid()}-x1y2z3ab"  # a running process's: left alone
    for folder in (dead, legacy, alive):
        (folder / ".previous").mkdir(parents=True)
        (folder / "regions.csv").write_text("half\n", encoding="utf-8")
    os.utime(legacy, (time.time() - 3600, time.time() - 3600))
    monkeypatch.chdir(project)
    assert run("export", "--out", "out", "--format", "csv").code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [alive.name, "regions.csv", "regions.csvt"]
    )


EVIL_MARKET = '=HYPERLINK("https://evil.example","x")'


def test_every_csv_neutralises_formulas(project, run, monkeypatch):
    """coverage --csv, coverage --compare --csv and compare --csv follow regions.csv's rule
    (cloudmap.csvtext): a text cell that starts like a formula gets an apostrophe; numbers,
    negative ones included, are left alone."""
    with (project / faults.M).open("a", encoding="utf-8") as fh:
        fh.write(
            f"- id: evil\n  name: '{EVIL_MARKET}'\n  definition: '@SUM(1+1)'\n  sources:\n"
            "  - url: https://example.com/m\n    supports: membership\n"
            "  countries: [MX]\n"
        )
    monkeypatch.chdir(project)
    quoted = '"\'=HYPERLINK(""https://evil.example"",""x"")"'
    r = run("coverage", "--market", EVIL_MARKET, "--csv")
    assert r.code == 0 and r.out.splitlines()[1].startswith(quoted + ",1,1,"), r.out
    r = run("coverage", "--market", EVIL_MARKET, "--compare", "2024-06-30", "2025-05-15", "--csv")
    row = r.out.splitlines()[1].split(",")
    assert r.code == 0 and r.out.splitlines()[1].startswith(quoted + ","), r.out
    assert row[row.index("au-east-1") + 6].startswith("-")  # delta_ms: a number, untouched
    import cloudmap.compare

    monkeypatch.setattr(
        cloudmap.compare,
        "compare_csv",
        lambda _result: "name,delta\n=1+1,-3.5\n@SUM(A1),+2\n-x,-1e3\n",
    )
    r = run("compare", "--csv")
    assert r.out == "name,delta\n'=1+1,-3.5\n'@SUM(A1),+2\n'-x,-1e3\n"


# --------------------------------------------------------------------------- numbers and dates typed


@pytest.mark.parametrize(
    ("argv", "last"),
    [
        (
            ("region", "update", "mx-central-1", "--lat", "inf", "--source", faults.URL),
            "argument --lat: 'inf' is not a plain decimal number; write decimal degrees, e.g. -100.3185",
        ),
        (
            ("region", "update", "mx-central-1", "--lon", "1e400", "--source", faults.URL),
            "argument --lon: '1e400' is larger than any real figure (over 10^15); write decimal "
            "degrees, e.g. -100.3185",
        ),
        (
            ("region", "update", "mx-central-1", "--lat", "٢٠.٥", "--source", faults.URL),
            "argument --lat: '٢٠.٥' is not a plain decimal number; write decimal degrees, e.g. "
            "-100.3185",
        ),
        (
            ("stats", "--as-of", "9999-12-31"),
            "argument --as-of: '9999-12-31': the year 9999 is outside 1900..2199 (a typo?)",
        ),
        (
            ("stats", "--as-of", "２０２５-05-15"),
            "argument --as-of: '２０２５-05-15' is not a date; write YYYY-MM-DD",
        ),
    ],
)
def test_numbers_and_dates_in_options_are_usage_errors(project, run, monkeypatch, argv, last):
    monkeypatch.chdir(project)
    before = tree_digest(project)
    r = run(*argv)
    assert (r.code, r.err.splitlines()[-1]) == (
        2,
        f"cloudmap {argv[0]}{' ' + argv[1] if argv[0] == 'region' else ''}: error: {last}",
    )
    assert tree_digest(project) == before


@pytest.mark.parametrize(
    ("options", "err"),
    [
        (
            ("--investment", "inf:USD"),
            "Error: investment 'inf:USD': 'inf' is not a plain decimal "
            "number; write AMOUNT:CURRENCY, e.g. 380e9:CNY",
        ),
        (
            ("--investment", "1e400:USD"),
            "Error: investment '1e400:USD': '1e400' is larger than any "
            "real figure (over 10^15); write AMOUNT:CURRENCY, e.g. 380e9:CNY",
        ),
        (
            ("--investment", "0:USD"),
            "Error: investment '0:USD': write AMOUNT:CURRENCY with an amount "
            "above 0, e.g. 380e9:CNY",
        ),
        (
            ("--claim", "regions=٣٠"),
            "Error: claim 'regions=٣٠': write regions=N, zones=N or "
            'countries=N (N+ for "more than N")',
        ),
        (
            ("--date", "9999-12-31"),
            "Error: date: '9999-12-31': the year 9999 is outside 1900..2199 (a typo?)",
        ),
    ],
)
def test_numbers_and_dates_in_announce_add_are_messages(project, run, monkeypatch, options, err):
    monkeypatch.chdir(project)
    before = tree_digest(project)
    argv = ["announce", "add", "--title", "Plans", "--source", faults.URL, *options]
    if "--date" not in options:
        argv += ["--date", "2025-06-01"]
    r = run(*argv)
    assert (r.code, r.err) == (1, err + "\n")
    assert tree_digest(project) == before


def test_the_library_reports_non_finite_numbers_as_problems(project):
    """The edit functions take floats: an infinite one is a located problem, never a raw
    OverflowError."""
    from cloudmap.edit import add_region
    from cloudmap.errors import ValidationError

    before = tree_digest(project)
    with pytest.raises(ValidationError) as exc:
        add_region(
            project,
            id="mx-central-2",
            name="M2",
            city="Monterrey",
            country="MX",
            lat=float("inf"),
            lon=-100.3185,
            launched="2025-06-01",
            zones=["a"],
            source=faults.URL,
        )
    assert [str(p) for p in exc.value.problems] == [
        f"{faults.F}:86: mx-central-2: lat: expected a finite number, got float inf"
    ]
    assert tree_digest(project) == before


def test_a_write_that_happened_is_reported_as_done_when_the_output_is_closed(project):
    """`region add | head -0`: the region is written; the closed output is a note, exit 0."""
    args = " ".join(f"'{a}'" for a in _region_args(1))
    cmd = f"{sys.executable} -m cloudmap {args} 2>err.txt | head -c 0; echo ${{PIPESTATUS[0]}}"
    for _ in range(3):  # head may close before or after the report is printed
        proc = subprocess.run(["bash", "-c", cmd], cwd=project, capture_output=True, text=True)
        assert proc.stdout.strip() == "0", (project / "err.txt").read_text()
        err = (project / "err.txt").read_text()
        assert err in (
            "",
            "Note: the output was closed before the report was shown; what was "
            f"written stays written ({faults.F})\n",
        ), err
        assert "- id: mx-central-11\n" in (project / faults.F).read_text(encoding="utf-8")
        faults.copy_project(FIXTURES / "mini", project.with_name("fresh"), REPO / "geo")
        shutil.rmtree(project)
        shutil.move(project.with_name("fresh"), project)


# --------------------------------------------------------------------------- the journal


def _killed_after_commit(project: Path) -> None:
    """`announce add --site` killed just after writing its journal (its commit point)."""
    r = _hooked(project, _SITE_EDIT, CM_AT="3", CM_SIGNAL="SIGKILL")
    assert r.returncode == -9 and (project / ".cloudmap-journal.json").exists(), r.stderr


def test_a_killed_edit_whose_staged_file_is_gone_is_undone(project):
    before = tree_digest(project)
    _killed_after_commit(project)
    for staged in [*project.glob("data/.*.new"), *project.glob("seeds/.*.new")]:
        staged.unlink()
    r = _cli("validate", cwd=project)
    assert r.returncode == 0, r.stderr
    assert tree_digest(project) == before  # wholly as before: nothing half done, nothing left


def test_a_killed_edit_then_changed_by_hand_is_a_message(project):
    _killed_after_commit(project)
    with (project / faults.F).open("a", encoding="utf-8") as fh:
        fh.write("# changed by hand\n")
    digest = tree_digest(project)
    for argv in (
        ["validate"],
        ["region", "update", "mx-central-1", "--name", "Mexico", "--source", faults.URL],
    ):
        r = _cli(*argv, cwd=project)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr == (
            f"Error: an edit interrupted earlier (recorded in {project.resolve()}/.cloudmap-"
            f"journal.json) cannot be finished: {faults.F} was changed by hand since; the edit's "
            "new and old versions of its files are beside them (.<name>.<id>.new / .old): keep "
            "what is right, then remove .cloudmap-journal.json and those copies\n"
        ), r.stderr
        assert tree_digest(project) == digest  # nothing touched until someone decides


@pytest.mark.parametrize(
    "target",
    [".git/hooks/pre-commit.yaml", "../outside.yaml", "data/../../outside.yaml", "notes.txt"],
)
def test_a_planted_journal_never_writes_outside_the_catalog(project, tmp_path, target):
    """A journal committed to a cloned repository could otherwise make `cloudmap validate`
    write into .git or out of the project."""
    import json

    (project / "data" / ".x.yaml.1-0000abcd.new").write_text("planted\n", encoding="utf-8")
    (project / ".cloudmap-journal.json").write_text(
        json.dumps(
            {
                "format": 1,
                "state": "commit",
                "txid": "1-0000abcd",
                "files": [
                    {
                        "rel": target,
                        "staged": "data/.x.yaml.1-0000abcd.new",
                        "backup": None,
                        "old": None,
                        "new": "0" * 64,
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    before = {**tree_digest(project), **tree_digest(tmp_path)}
    r = _cli("validate", cwd=project)
    assert r.returncode == 1 and "it is not a journal cloudmap wrote" in r.stderr, r.stderr
    assert {**tree_digest(project), **tree_digest(tmp_path)} == before
    assert not (project / ".git").exists() and not (tmp_path / "outside.yaml").exists()
