"""Run one step of a build in a forked child process while this process does another.

A build has two independent halves of about equal cost at scale: the GIS downloads and the page
with its changelog. On a machine with two or more cores the downloads are written by a forked
child (which shares the loaded project, copy on write) while the parent renders. The child
reports how it ended through a pipe as JSON (never pickle): nothing but plain data crosses.

Set ``CLOUDMAP_JOBS=1`` to run everything in one process (profiling, debugging); the output is
byte-identical either way (tested).
"""

from __future__ import annotations

__all__ = ["alongside", "parallel_enabled"]

import contextlib
import json
import os
import signal
import traceback
from collections.abc import Callable, Iterator

from cloudmap.errors import CloudmapError

JOBS_ENV = "CLOUDMAP_JOBS"


def parallel_enabled() -> bool:
    """Whether steps may run in a forked child: fork exists, two or more cores are usable, and
    ``CLOUDMAP_JOBS`` is not 1."""
    setting = os.environ.get(JOBS_ENV, "").strip()
    if setting and setting != "auto":
        if not setting.isdigit() or int(setting) < 1:
            raise CloudmapError(f"{JOBS_ENV}={setting!r}: expected a whole number of 1 or more")
        if int(setting) == 1:
            return False
    if not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return cores >= 2


def _report(exc: BaseException) -> dict[str, object]:
    if isinstance(exc, CloudmapError):
        return {"kind": "cloudmap", "message": str(exc)}
    if isinstance(exc, OSError):
        return {"kind": "os", "errno": exc.errno, "strerror": exc.strerror,
                "filename": None if exc.filename is None else os.fsdecode(exc.filename)}  # fmt: skip
    if isinstance(exc, KeyboardInterrupt):
        return {"kind": "interrupt"}
    return {"kind": "bug", "message": f"{type(exc).__name__}: {exc}",
            "traceback": "".join(traceback.format_exception(exc))}  # fmt: skip


def _raise(report: dict[str, object], what: str) -> None:
    kind = report.get("kind")
    if kind == "ok":
        return
    if kind == "cloudmap":
        raise CloudmapError(str(report["message"]))
    if kind == "os":
        errno = report.get("errno")
        filename = report.get("filename")
        raise OSError(errno, report.get("strerror") or "", *([filename] if filename else []))
    if kind == "interrupt":
        raise KeyboardInterrupt
    raise RuntimeError(f"{what} failed in its worker process: {report.get('message')}\n"
                       f"{report.get('traceback', '')}")  # fmt: skip


def _child(fn: Callable[[], object], write_end: int) -> None:
    """In the forked child: run ``fn``, send how it ended, and leave without running any of the
    parent's clean-up (``os._exit``: no atexit handlers, no ``finally`` of the parent's frames,
    no flushing of buffers inherited from the parent)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent handles an interruption
        try:
            fn()
            report: dict[str, object] = {"kind": "ok"}
        except BaseException as exc:  # everything is reported to the parent
            report = _report(exc)
            code = 1
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            json.dump(report, pipe)
    finally:
        os._exit(code)


@contextlib.contextmanager
def alongside(fn: Callable[[], object], *, what: str) -> Iterator[None]:
    """Run ``fn`` while the body of the ``with`` runs, and wait for it on leaving.

    With parallelism (``parallel_enabled``), ``fn`` runs in a forked child; its files are on disk
    when the ``with`` ends. A failure of ``fn`` is raised in this process as the same kind of
    error (a ``CloudmapError`` with its message, an ``OSError`` with its errno and file), after
    the body; a failure of the body stops the child. Without parallelism ``fn`` runs first,
    here."""
    if not parallel_enabled():
        fn()
        yield
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (its outcome is tested via the parent)
        os.close(read_end)
        _child(fn, write_end)
    os.close(write_end)
    finished = False
    try:
        yield
        with os.fdopen(read_end, encoding="utf-8") as pipe:
            text = pipe.read()
        read_end = -1
        os.waitpid(pid, 0)
        finished = True
        try:
            report = (
                json.loads(text)
                if text
                else {"kind": "bug", "message": "it ended without a report"}
            )
        except json.JSONDecodeError:
            report = {"kind": "bug", "message": f"unreadable report {text[:200]!r}"}
        _raise(report, what)
    finally:
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        if read_end >= 0:
            with contextlib.suppress(OSError):
                os.close(read_end)
