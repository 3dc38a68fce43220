"""Writing files safely: the one guard every output path passes (where outputs may go), atomic
single writes, staging folders and all-or-nothing moves of outputs, and OS errors turned into
messages that name the fix. (Edits of the catalog: cloudmap.journal.)"""

from __future__ import annotations

__all__ = [
    "atomic_write",
    "check_output_dir",
    "check_output_file",
    "clean_stale",
    "forget_written",
    "move_into",
    "note_written",
    "os_error",
    "staging_dir",
    "written",
]

import contextlib
import errno
import glob
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from cloudmap.errors import CloudmapError, OutputError

_INPUTS = ("data", "seeds", "geo")


def os_error(exc: OSError, what: str) -> CloudmapError:
    """A CloudmapError for an OS error while doing ``what``, naming the likely fix."""
    code = exc.errno
    if code == errno.ENOSPC:
        why = "the disk is full (free some space and run it again)"
    elif code == errno.EDQUOT:
        why = "the disk quota is exceeded"
    elif code in (errno.EACCES, errno.EPERM):
        why = "permission denied (check the folder's permissions, or whether it is immutable)"
    elif code == errno.EROFS:
        why = "the file system is read-only"
    elif code == errno.ENOTDIR:
        why = "a path component is not a folder"
    elif code == errno.EISDIR:
        why = "it is a folder, not a file"
    elif code == errno.ELOOP:
        why = "a symbolic link loops"
    else:
        why = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    return CloudmapError(f"{what}: {why}{where}")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# Operating-system folders no output belongs in (/var is left open: /var/www serves sites).
_SYSTEM = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/proc",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _resolved(out: Path) -> Path:
    try:
        return Path(os.path.realpath(out, strict=False))
    except (OSError, RuntimeError, ValueError) as exc:  # a loop, or a NUL byte
        raise OutputError(out, f"cannot be resolved ({exc}); choose another path") from None


def _refuse_folder(given: Path, target: Path, root: Path | None, *, whole: bool = True) -> None:
    """Why writing into the folder ``target`` (``given`` resolved) is refused, if it is;
    ``whole``: the folder is the output (not just where an output file goes), so a folder that
    contains the project is refused too."""
    base = _resolved(Path(root)) if root is not None else None
    via = ""
    if target != Path(os.path.abspath(given)):  # links on the way: say where they lead
        if base is not None and _inside(target, base):  # inside: as the project names it
            via = f" (a link to {target.relative_to(base).as_posix()}/)" if target != base else ""
        else:
            via = f" (a link to {target})"
    if target == Path(target.anchor):
        raise OutputError(given, f"refusing to write into {target}; choose a folder")
    with contextlib.suppress(RuntimeError, OSError):  # no home folder: nothing to compare
        if target == Path.home().resolve():
            raise OutputError(given, f"refusing to write into {target}{via}; choose a folder")
    system = next((f for f in _SYSTEM if _inside(target, Path(f))), None)
    if system is not None:
        raise OutputError(
            given, f"inside the system folder {system}{via}; choose a folder of your own"
        )
    if base is None:
        return
    if target == base:
        raise OutputError(
            given,
            f"that is the project folder itself{via}; choose a subfolder such as site/ or exports/",
        )
    if whole and _inside(base, target):
        raise OutputError(
            given,
            f"contains the project folder{via}, which an output there could replace or delete; "
            "choose a folder that does not contain it, such as site/",
        )
    for part in _INPUTS:
        if _inside(target, _resolved(base / part)):
            raise OutputError(
                given, f"inside the project's {part}/ (its inputs){via}; choose another folder"
            )


def _check_name(out: Path) -> None:
    bad = _CONTROL.search(str(out))
    if bad:
        raise OutputError(
            out,
            f"the name holds the control character U+{ord(bad.group()):04X}; choose a name "
            "without control characters (line breaks, escapes)",
        )


def _check_parents(out: Path) -> None:
    """Refuse a path under something that is not a folder (it could never be created)."""
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(out, f"{parent} is not a folder; choose another path")
            return


def check_output_dir(out: Path, root: Path | None) -> Path:
    """The folder ``out`` with its links resolved, or ``OutputError`` if writing there could
    clobber the project: its inputs (data/, seeds/, geo/), the project folder itself or any
    folder that contains it; or if it is the file system's root, the home folder or inside an
    operating-system folder (/etc, /usr, ...); or if it exists and is not a folder, or its
    name holds control characters. Links are resolved first, so a link cannot lead an output
    into a refused place; callers write into the folder returned."""
    out = Path(out)
    _check_name(out)
    if out.exists() and not out.is_dir():
        raise OutputError(out, "exists and is not a folder; choose a folder")
    _check_parents(out)
    target = _resolved(out)
    _refuse_folder(out, target, root)
    return target


def check_output_file(out: Path, root: Path | None) -> Path:
    """The file ``out`` as a path whose folder has its links resolved (the file itself must not
    be a link: an output replaces the file named, never a link's target), or ``OutputError``:
    a folder, a link, a name with control characters, or a folder refused by
    ``check_output_dir``."""
    out = Path(out)
    _check_name(out)
    if out.is_dir() or str(out).endswith(("/", os.sep)):
        raise OutputError(out, "is a folder; give a file name such as map.png")
    if out.is_symlink():
        raise OutputError(
            out,
            f"is a symbolic link (to {os.readlink(out)}); an output never writes through a "
            "link: remove the link or give another name",
        )
    parent = out.parent if str(out.parent) else Path(".")
    _check_parents(out)
    folder = _resolved(parent)
    try:
        _refuse_folder(parent, folder, root, whole=False)
    except OutputError as exc:
        raise OutputError(out, exc.reason) from None
    return folder / out.name


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename: a
    reader sees the old file or the new one, never a part. On failure nothing is left behind."""
    path = Path(path)
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_LEGACY_STALE_S = 600.0  # a staging folder named without a process id is stale after this


def clean_stale(folder: Path, prefix: str) -> None:
    """Remove the staging folders (``<prefix><pid>-...``) in ``folder`` that processes no
    longer running left behind (a build or an export killed midway)."""
    with contextlib.suppress(OSError):
        for tmp in Path(folder).glob(f"{glob.escape(prefix)}*"):
            pid = tmp.name[len(prefix) :].split("-", 1)[0]
            try:
                st = tmp.lstat()
            except OSError:
                continue
            if not stat.S_ISDIR(st.st_mode):
                continue
            if pid.isdigit():
                stale = int(pid) != os.getpid() and not _pid_alive(int(pid))
            else:  # left by an earlier version, which named them without the process id
                stale = time.time() - st.st_mtime > _LEGACY_STALE_S
            if stale:
                shutil.rmtree(tmp, ignore_errors=True)


def staging_dir(folder: Path, prefix: str) -> Path:
    """A fresh folder ``<prefix><pid>-<random>`` in ``folder`` (created if needed) to assemble
    outputs in, after removing the ones interrupted runs left there (``clean_stale``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    clean_stale(folder, prefix)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=folder))


def move_into(out: Path, shown_as: Path, files: Sequence[Path], keep: Path) -> list[Path]:
    """Move every file of ``files`` into the folder ``out`` under its own name, all or nothing.

    A file there before is kept (a hard link in ``keep``, a folder on the same file system)
    until every move has succeeded; if any move fails, the new files are taken out and the
    previous ones put back, and ``OutputError`` (naming the folder as ``shown_as``) says so. A
    folder standing where an output file goes is refused before anything is moved."""
    targets = [out / f.name for f in files]
    for t in targets:
        if t.is_dir() and not t.is_symlink():
            raise OutputError(
                shown_as,
                f"{t.name} in it is a folder where an output file goes; remove or rename it "
                "(nothing was written)",
            )
    done: list[tuple[Path, Path | None]] = []
    try:
        for src, dst in zip(files, targets, strict=True):
            backup = None
            if os.path.lexists(dst):
                backup = keep / dst.name
                try:
                    os.link(dst, backup, follow_symlinks=False)
                except OSError:  # no hard links here: a copy (the file stays in place)
                    shutil.copy2(dst, backup, follow_symlinks=False)
            os.replace(src, dst)
            done.append((dst, backup))
    except BaseException as exc:
        lost = []
        for dst, backup in reversed(done):
            try:
                if backup is None:
                    os.unlink(dst)
                else:
                    os.replace(backup, dst)
            except OSError:
                lost.append(dst.name)
        if not isinstance(exc, OSError):
            raise
        why = str(os_error(exc, "could not be written"))
        if lost:
            raise OutputError(
                shown_as,
                f"{why}; {', '.join(sorted(lost))} could not be put back as they were (their "
                f"previous versions are in {keep}); the other files are as they were",
            ) from None
        raise OutputError(shown_as, f"{why}; every file in it is as it was") from None
    return targets


# --------------------------------------------------------------------------- what was written

_written: list[str] = []


def note_written(*paths: Path | str) -> None:
    """Record that outputs or edits were written (the CLI then never says "nothing was written"
    after an interruption or a closed output)."""
    _written.extend(str(p) for p in paths)


def written() -> tuple[str, ...]:
    """What this process has written so far (see note_written)."""
    return tuple(_written)


def forget_written() -> None:
    """Start a new record (the CLI does at each command)."""
    _written.clear()
