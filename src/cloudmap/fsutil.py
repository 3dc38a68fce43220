"""Writing files safely: where outputs may go, atomic single writes, all-or-nothing multi-file
writes with rollback, the edit lock, and OS errors turned into messages that name the fix."""

from __future__ import annotations

__all__ = [
    "Transaction",
    "atomic_write",
    "check_output_dir",
    "check_output_file",
    "edit_lock",
    "lock_path",
    "os_error",
]

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cloudmap.errors import CloudmapError

LOCK_TIMEOUT_S = 60.0
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
_SYSTEM = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/run", "/sbin",
           "/sys", "/usr")  # fmt: skip


def check_output_dir(out: Path, root: Path | None, *, option: str = "--out") -> Path:
    """``out`` resolved, or ``CloudmapError`` if writing there could clobber the project's
    inputs (data/, seeds/, geo/, the project folder itself), or is the file system's root, the
    home folder or inside an operating-system folder (/etc, /usr, ...), or if it exists and is
    not a folder."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CloudmapError(f"{option} {out}: exists and is not a folder; choose a folder")
    target = out.resolve()
    if target == Path(target.anchor) or target == Path.home().resolve():
        raise CloudmapError(f"{option} {out}: refusing to write into {target}; choose a folder")
    system = next((f for f in _SYSTEM if _inside(target, Path(f))), None)
    if system is not None:
        raise CloudmapError(
            f"{option} {out}: inside the system folder {system}; choose a folder of your own"
        )
    if root is not None:
        base = Path(root).resolve()
        if target == base:
            raise CloudmapError(
                f"{option} {out}: that is the project folder itself; choose a subfolder such as "
                "site/ or exports/"
            )
        for part in _INPUTS:
            if _inside(target, base / part):
                raise CloudmapError(
                    f"{option} {out}: inside the project's {part}/ (its inputs); choose another "
                    "folder"
                )
    return target


def check_output_file(out: Path, root: Path | None, *, option: str = "--out") -> Path:
    """Like check_output_dir, for a file: refuses folders and files among the inputs."""
    out = Path(out)
    if out.is_dir() or str(out).endswith(("/", os.sep)):
        raise CloudmapError(f"{option} {out}: is a folder; give a file name such as map.png")
    try:
        check_output_dir(out.parent if str(out.parent) else Path("."), root, option=option)
    except CloudmapError as exc:
        raise CloudmapError(
            str(exc).replace(f"{option} {out.parent}:", f"{option} {out}:", 1)
        ) from None
    return out.resolve()


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


@dataclass
class Transaction:
    """Several files written all or nothing: every new content is staged beside its target first
    (nothing visible changes), then moved into place; if any step fails, the files already
    moved are put back as they were (new ones removed) and the error is raised."""

    root: Path
    changes: dict[str, tuple[bytes, bytes | None]] = field(default_factory=dict)

    def add(self, rel: str, data: bytes, original: bytes | None) -> None:
        """Stage ``rel`` (relative to root) to become ``data``; ``original`` is what it must be
        now (None: it must not exist)."""
        self.changes[rel] = (data, original)

    def commit(self) -> None:
        staged: list[tuple[str, Path, Path, bytes | None]] = []  # (rel, tmp, target, original)
        done: list[tuple[Path, bytes | None, int | None]] = []
        try:
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
                fd, tmp_name = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
                )
                tmp = Path(tmp_name)
                staged.append((rel, tmp, target, original))
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, mode)
            for rel, tmp, target, original in staged:
                old_mode = stat.S_IMODE(target.stat().st_mode) if original is not None else None
                if original is None:
                    try:
                        os.link(tmp, target)  # never over a file that appeared meanwhile
                    except FileExistsError:
                        raise CloudmapError(
                            f"{rel} appeared on disk while this edit was prepared; nothing was "
                            "written (run the command again)"
                        ) from None
                    done.append((target, None, None))
                else:
                    os.replace(tmp, target)
                    done.append((target, original, old_mode))
        except BaseException:
            for target, original, old_mode in reversed(done):
                with contextlib.suppress(OSError):
                    if original is None:
                        target.unlink()
                    else:
                        atomic_write(target, original, mode=old_mode)
            raise
        finally:
            for _, tmp, _, _ in staged:
                with contextlib.suppress(OSError):
                    tmp.unlink()


def lock_path(root: Path) -> Path:
    """The edit lock of a project folder: one file per project (by its resolved path) in a
    folder of the user's own (0700) under the system's temporary folder, so the project's tree
    never changes because of it and no other user can plant it."""
    import hashlib

    folder = Path(tempfile.gettempdir()) / f"cloudmap-locks-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    st = folder.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise CloudmapError(
            f"{folder}: the edit-lock folder must be a folder of yours that no one else can "
            "write; remove it and run the command again"
        )
    digest = hashlib.sha256(os.fsencode(Path(root).resolve())).hexdigest()[:24]
    return folder / f"{digest}.lock"


@contextlib.contextmanager
def edit_lock(root: Path, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the project's edit lock (an OS file lock via the filelock library, see lock_path):
    edits run one at a time, each reading the files under the lock."""
    import filelock

    try:
        path = lock_path(root)
    except OSError as exc:
        raise os_error(exc, "cannot create the edit-lock folder") from None
    lock = filelock.FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise CloudmapError(
            f"another cloudmap edit of {root} has held its lock ({path}) for {timeout:.0f} s; "
            "wait for it to finish"
        ) from None
    except OSError as exc:
        raise os_error(exc, f"cannot take the edit lock {path}") from None
    try:
        yield
    finally:
        lock.release()
