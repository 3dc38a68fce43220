"""Changing the catalog safely: one lock per project, and multi-file edits that are all or
nothing even when the process is killed between two renames.

**The lock** is an OS lock (``flock``) on the project folder itself: every process that opens
the folder, whatever its user, ``$TMPDIR`` or ``$HOME``, and whatever path or link it came by,
locks the same thing, and nothing is created in the project for it. An edit holds it
exclusively from before it reads its files until it has written them; reading the catalog holds
it shared, so a reader never sees half of an edit.

**The journal** (``.cloudmap-journal.json`` in the project folder) makes an edit of several
files one step: every new file is first written beside its target (``.<name>.<txid>.new``) and
every old one kept as a hard link (``.<name>.<txid>.old``); then the journal is written — the
commit point — and the files are renamed into place one by one; then the journal is removed. If
the process dies in between, the next command that takes the lock (every edit, and every command
that reads the catalog) finds the journal and completes the edit; if it cannot (a staged file is
gone), it puts every file back as it was. An edit that fails while its process is alive puts
every file back itself. Either way the catalog is wholly old or wholly new.
"""

from __future__ import annotations

__all__ = [
    "JOURNAL",
    "LOCK_TIMEOUT_S",
    "Transaction",
    "edit_lock",
    "finish_interrupted",
    "project_lock",
    "reading",
]

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cloudmap.errors import CloudmapError
from cloudmap.fsutil import atomic_write, note_written, os_error

JOURNAL = ".cloudmap-journal.json"
LOCK_TIMEOUT_S = 60.0
_FORMAT = 1
_MAX_JOURNAL = 256 * 1024 * 1024  # the journal names files and hashes; a huge one is not ours
_STAGED = re.compile(r"^\..+\.[0-9]+-[0-9a-f]{8}\.(?:new|old)$")  # what Transaction stages
_EDITED = ("data", "seeds")  # the folders edits write into (their strays are cleaned)
_JOURNAL_TMP = re.compile(rf"^\.{re.escape(JOURNAL)}\..+\.tmp$")  # atomic_write's temporary
_held = threading.local()  # (st_dev, st_ino) -> "shared" | "exclusive", per thread


# --------------------------------------------------------------------------- the lock


def _holds() -> dict[tuple[int, int], str]:
    if not hasattr(_held, "locks"):
        _held.locks = {}
    locks: dict[tuple[int, int], str] = _held.locks
    return locks


def _flock(fd: int, mode: int, timeout: float) -> bool:
    """Take ``mode`` (LOCK_SH / LOCK_EX) on ``fd``, waiting up to ``timeout`` seconds."""
    import fcntl

    deadline = time.monotonic() + timeout
    pause = 0.01
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


@contextlib.contextmanager
def project_lock(
    root: Path, *, shared: bool = False, timeout: float = LOCK_TIMEOUT_S
) -> Iterator[None]:
    """Hold the lock of the project folder ``root``: exclusive (an edit) or ``shared`` (reading
    the catalog). Nested holds in one thread are free (an edit may read its own project)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): reads go unlocked, edits are refused
        if not shared:
            raise CloudmapError(
                "edits need the operating system's file locks (fcntl.flock), which this "
                "platform lacks; edit the files by hand and run cloudmap validate"
            ) from None
        yield
        return
    try:
        fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    except OSError as exc:
        if shared:  # not a folder we can open: reading reports what is wrong with it
            yield
            return
        raise os_error(exc, f"{root}: cannot take the project's edit lock") from None
    try:
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        held = _holds().get(key)
        if held == "exclusive" or (held == "shared" and shared):
            yield
            return
        if held == "shared":
            raise CloudmapError(f"{root}: an edit cannot start while this thread reads the catalog")
        try:
            got = _flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX, timeout)
        except OSError as exc:  # a file system without locks (some network mounts)
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL, errno.EBADF) and shared:
                yield
                return
            raise os_error(exc, f"{root}: cannot take the project's edit lock") from None
        if not got:
            raise CloudmapError(
                f"another cloudmap command has held the lock of {root} for {timeout:.0f} s "
                "(an edit, or a command reading the catalog); wait for it to finish, or stop it"
            )
        _holds()[key] = "shared" if shared else "exclusive"
        try:
            yield
        finally:
            del _holds()[key]
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def edit_lock(root: Path, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the project's lock exclusively, after finishing any edit an earlier process left
    half done (see finish_interrupted): edits run one at a time, each reading the files after
    the previous one wrote them."""
    with project_lock(root, timeout=timeout):
        finish_interrupted(root)
        yield


@contextlib.contextmanager
def reading(root: Path, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Read the catalog of ``root`` under the shared lock, after finishing any edit an earlier
    process left half done (which takes the lock exclusively, only when there is one)."""
    root = Path(root)
    if os.path.lexists(root / JOURNAL) or _strays(root):
        with project_lock(root, timeout=timeout):
            finish_interrupted(root)
    with project_lock(root, shared=True, timeout=timeout):
        yield


# --------------------------------------------------------------------------- the journal


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _current(path: Path) -> str | None:
    """sha256 of the file's bytes, None if there is none."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class _Step:
    rel: str  # the target, relative to the project folder
    staged: str  # its new bytes, beside it
    backup: str | None  # its old bytes (a hard link), beside it; None: a new file
    old: str | None  # sha256 of the old bytes; None: a new file
    new: str  # sha256 of the new bytes

    def forward(self, root: Path) -> None:
        """Put the new file in place (nothing if it is there)."""
        target = root / self.rel
        now = _current(target)
        if now == self.new:
            return
        if now != self.old:
            raise _Conflict(self.rel)
        staged = root / self.staged
        if _current(staged) != self.new:
            raise _Missing(self.rel)
        if self.old is None:
            try:
                os.link(staged, target)  # never over a file that appeared meanwhile
            except FileExistsError:
                raise _Conflict(self.rel) from None
            except OSError as exc:
                if not _no_links(exc):
                    raise
                if os.path.lexists(target):  # no hard links here: check, then rename
                    raise _Conflict(self.rel) from None
                os.rename(staged, target)
        else:
            os.replace(staged, target)

    def back(self, root: Path) -> None:
        """Put the old file back (nothing if it is there)."""
        target = root / self.rel
        now = _current(target)
        if now == self.old:
            return
        if now != self.new:
            raise _Conflict(self.rel)
        if self.backup is None:
            os.unlink(target)
        else:
            os.replace(root / self.backup, target)


def _no_links(exc: OSError) -> bool:
    """Whether ``exc`` says the file system has no hard links (FAT, some network mounts)."""
    return exc.errno in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV, errno.EMLINK)


class _Conflict(Exception):
    """A file is neither as the edit found it nor as it would leave it (changed by hand)."""


class _Missing(Exception):
    """A staged file is gone: the edit cannot be completed, only undone."""


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_journal(root: Path, state: str, txid: str, steps: list[_Step]) -> None:
    doc = {
        "format": _FORMAT,
        "what": "an edit of the catalog by cloudmap, in progress; the next cloudmap command "
        "completes it (or puts the files back) and removes this file",
        "state": state,
        "txid": txid,
        "files": [s.__dict__ for s in steps],
    }
    atomic_write(root / JOURNAL, json.dumps(doc, indent=1).encode("utf-8"), mode=0o644)
    _fsync_dir(root)


def _read_journal(root: Path) -> tuple[str, str, list[_Step]]:
    path = root / JOURNAL

    def bad(why: str) -> CloudmapError:
        return CloudmapError(
            f"{path}: {why}; it is not a journal cloudmap wrote, or it is damaged: look at it, "
            f"then remove it (and any .*.new / .*.old files beside data/ and seeds/ files)"
        )

    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode):
            raise bad("not a regular file")
        if st.st_size > _MAX_JOURNAL:
            raise bad("far too large")
        doc = json.loads(path.read_bytes())
    except OSError as exc:
        raise os_error(exc, f"{path}: cannot be read") from None
    except (ValueError, UnicodeDecodeError):
        raise bad("not JSON") from None
    try:
        if doc["format"] != _FORMAT or doc["state"] not in ("commit", "rollback"):
            raise bad(f"unknown format {doc.get('format')!r} or state {doc.get('state')!r}")
        steps = [_Step(**f) for f in doc["files"]]
        txid = str(doc["txid"])
    except (KeyError, TypeError):
        raise bad("not shaped like a journal") from None
    for s in steps:
        if not _catalog_file(root, s.rel):
            raise bad(f"names {s.rel!r}, not a catalog .yaml file of this project")
        for rel in (s.staged, s.backup):
            if rel is not None and (
                Path(rel).parent != Path(s.rel).parent or not _STAGED.match(Path(rel).name)
            ):
                raise bad(f"names {rel!r}, not a staged copy beside {s.rel}")
    return str(doc["state"]), txid, steps


def _catalog_file(root: Path, rel: str) -> bool:
    """Whether ``rel`` is a file an edit may write: a ``.yaml`` file in the project, in no
    hidden folder and not hidden (a journal planted in a cloned repository must not write
    elsewhere: not outside the project, not into ``.git``)."""
    path = Path(rel)
    if path.is_absolute() or ".." in path.parts or path.suffix != ".yaml":
        return False
    if any(part.startswith(".") for part in path.parts):
        return False
    return (root / path).parent.resolve().is_relative_to(root.resolve())


def _strays(root: Path) -> list[str]:
    """Staged and kept copies of edits (and half-written journals) that no journal needs: left
    by an edit killed before its commit point (or, while an edit runs, its own)."""
    out = []
    for part, pattern in zip((*_EDITED, "."), (_STAGED, _STAGED, _JOURNAL_TMP), strict=True):
        with contextlib.suppress(OSError), os.scandir(root / part) as entries:
            out += [os.path.join(part, e.name) for e in entries if pattern.match(e.name)]
    return out


def _clean(root: Path) -> None:
    """Remove the strays (see _strays); call under the exclusive lock."""
    for rel in _strays(root):
        with contextlib.suppress(OSError):
            os.unlink(root / rel)


def _finish(root: Path, steps: list[_Step], state: str, txid: str) -> None:
    """Complete (``commit``) or undo (``rollback``) the steps, then drop the journal."""
    if state == "commit":
        try:
            for s in steps:
                s.forward(root)
        except _Missing:
            state = "rollback"
            _write_journal(root, state, txid, steps)
    if state == "rollback":
        for s in reversed(steps):
            s.back(root)
    for part in {str(Path(s.rel).parent) for s in steps}:
        _fsync_dir(root / part)
    os.unlink(root / JOURNAL)
    _fsync_dir(root)
    _clean(root)


def finish_interrupted(root: Path) -> list[str]:
    """Complete, or undo, an edit a killed process left half done (call under the exclusive
    lock); the files it changed (none if there was no such edit). Also removes the staged
    copies of edits killed before their commit point."""
    root = Path(root)
    if not os.path.lexists(root / JOURNAL):
        _clean(root)
        return []
    state, txid, steps = _read_journal(root)
    try:
        _finish(root, steps, state, txid)
    except _Conflict as exc:
        raise CloudmapError(
            f"an edit interrupted earlier (recorded in {root / JOURNAL}) cannot be "
            f"finished: {exc} was changed by hand since; the edit's new and old versions of "
            "its files are beside them (.<name>.<id>.new / .old): keep what is right, then "
            f"remove {JOURNAL} and those copies"
        ) from None
    except OSError as exc:
        raise os_error(
            exc, f"an edit interrupted earlier (recorded in {root / JOURNAL}) cannot be finished"
        ) from None
    return [s.rel for s in steps]


@dataclass
class Transaction:
    """Several files written all or nothing (see the module's docstring): stage, commit with the
    journal, rename, clean up. Use under ``edit_lock``."""

    root: Path
    changes: dict[str, tuple[bytes, bytes | None]] = field(default_factory=dict)

    def add(self, rel: str, data: bytes, original: bytes | None) -> None:
        """Stage ``rel`` (relative to root) to become ``data``; ``original`` is what it must be
        now (None: it must not exist)."""
        self.changes[rel] = (data, original)

    def _stage(self, txid: str, made: list[Path]) -> list[_Step]:
        steps = []
        for rel, (data, original) in self.changes.items():
            target = self.root / rel
            current = target.read_bytes() if target.exists() else None
            if current != original:
                what = "appeared" if original is None else "changed"
                raise CloudmapError(
                    f"{rel} {what} on disk while this edit was prepared; nothing was written "
                    "(run the command again)"
                )
            like = target if original is not None else target.parent
            mode = stat.S_IMODE(like.stat().st_mode) & 0o666
            staged = target.with_name(f".{target.name}.{txid}.new")
            fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
            made.append(staged)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(staged, mode)
            backup = None
            if original is not None:
                backup = target.with_name(f".{target.name}.{txid}.old")
                try:
                    os.link(target, backup, follow_symlinks=False)
                except OSError as exc:
                    if not _no_links(exc):
                        raise
                    shutil.copy2(target, backup)  # no hard links here: a copy keeps it too
                made.append(backup)
            steps.append(
                _Step(
                    rel,
                    _rel(self.root, staged),
                    None if backup is None else _rel(self.root, backup),
                    _sha(original),
                    _sha(data) or "",
                )
            )
        return steps

    def commit(self) -> None:
        txid = f"{os.getpid()}-{secrets.token_hex(4)}"
        made: list[Path] = []
        try:
            steps = self._stage(txid, made)
            _write_journal(self.root, "commit", txid, steps)
        except BaseException:
            for path in [*made, self.root / JOURNAL]:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            raise
        # Committed: from here on the edit is completed, by this process or the next command.
        try:
            for s in steps:
                s.forward(self.root)
        except BaseException as exc:
            self._undo(txid, steps, exc)
            raise
        note_written(*self.changes)
        with contextlib.suppress(OSError):  # all in place; a journal left is finished next time
            _finish(self.root, steps, "commit", txid)

    def _undo(self, txid: str, steps: list[_Step], exc: BaseException) -> None:
        """Put every file back after a failure in this (living) process."""
        try:
            _write_journal(self.root, "rollback", txid, steps)
            _finish(self.root, steps, "rollback", txid)
        except (OSError, _Conflict):
            raise CloudmapError(
                f"the edit failed half-way ({exc or type(exc).__name__}) and could not be "
                f"undone here; the next cloudmap command puts the files back ({JOURNAL} "
                "records how)"
            ) from exc


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()
