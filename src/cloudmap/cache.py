"""A disk cache for data derived from pinned inputs (gazetteer, geo/), keyed by content hashes.

A value is stored under a key made of the sha256 of every input's bytes, of the source of the
cloudmap modules that compute it and of the library versions that shape it, so a hit is the value
a fresh computation would give (same bytes out of every build), and any change is a miss.

A cache must never be able to run code: values are **data only** — a JSON document plus NumPy
arrays in an ``.npz`` read with ``allow_pickle=False``. The folder must belong to the current user
and be writable by no one else (it is created 0700); otherwise the cache is not used. A missing,
truncated, malformed or wrong-shaped entry is a miss: the value is recomputed and replaced.

``CLOUDMAP_CACHE_DIR`` names the folder (default ``$XDG_CACHE_HOME/cloudmap``, else
``~/.cache/cloudmap``); ``CLOUDMAP_CACHE_DIR=off`` turns the cache off.
"""

from __future__ import annotations

__all__ = [
    "ENV",
    "Entry",
    "Malformed",
    "cache_dir",
    "cached",
    "cached_built",
    "cached_value",
    "code_key",
    "file_key",
]

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import stat
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

ENV = "CLOUDMAP_CACHE_DIR"
T = TypeVar("T")
_KEEP = 8  # entries kept per kind (several projects may alternate); the oldest go first
_KEEP_KIND = {"coverage": 32, "nearest": 32}  # small entries, one per provider and date
_OFF = ("", "0", "off", "none", "no")
_FORMAT = 2  # bump when the entry layout changes
MAX_ENTRY_BYTES = 1 << 30  # far above any entry (the 1:10m polygons: ~30 MB); larger is a miss

_lock = threading.Lock()
_file_keys: dict[tuple[str, int, int], str] = {}
_code_keys: dict[tuple[str, ...], str] = {}


@dataclass
class Entry:
    """A cached value: JSON-compatible ``meta`` and named NumPy arrays (numbers or text)."""

    meta: Any = None
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def array(
        self, name: str, kind: str, *, ndim: int = 1, length: int | None = None
    ) -> np.ndarray:
        """The array ``name``, checked: its dtype kind (``"f"`` float, ``"i"`` integer, ``"b"``
        bool, ``"u"`` unsigned, ``"U"`` text), dimensions and (first) length; ``Malformed``
        otherwise (a stored entry read through it is then a miss)."""
        arr = self.arrays.get(name)
        if arr is None or arr.dtype.kind != kind or arr.ndim != ndim:
            raise Malformed(f"{name}: expected a {ndim}-d {kind!r} array")
        if length is not None and arr.shape[0] != length:
            raise Malformed(f"{name}: expected {length} rows, got {arr.shape[0]}")
        return arr


class Malformed(ValueError):
    """A cache entry that is well-formed data but not the shape its reader needs."""


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off (or there is no home to put it in)."""
    raw = os.environ.get(ENV)
    if raw is not None:
        return None if raw.strip().lower() in _OFF else Path(raw)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no HOME and no passwd entry
            return None
    return Path(base) / "cloudmap"


def _usable(folder: Path) -> bool:
    """Create ``folder`` (0700) if needed; True if it is ours and writable by no one else."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):  # a symlink or a file: not trusted
        return False
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def file_key(path: Path) -> str:
    """sha256 of the file's bytes (remembered per path, mtime and size within the process)."""
    st = Path(path).stat()
    ident = (str(Path(path).resolve()), st.st_mtime_ns, st.st_size)
    with _lock:
        if ident not in _file_keys:
            _file_keys[ident] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return _file_keys[ident]


def code_key(*modules: str) -> str:
    """sha256 of the modules' source files, Python's and the geometry libraries' versions."""
    with _lock:
        if modules not in _code_keys:
            import shapely

            h = hashlib.sha256()
            h.update(f"{_FORMAT}|{sys.version}|{np.__version__}|{shapely.__version__}|".encode())
            h.update(shapely.geos_version_string.encode())
            for name in modules:
                spec = importlib.util.find_spec(name)
                origin = spec.origin if spec is not None else None
                h.update(name.encode() + b"\0" + (Path(origin).read_bytes() if origin else b""))
            _code_keys[modules] = h.hexdigest()
        return _code_keys[modules]


def _read(path: Path) -> Entry | None:
    """The entry at ``path``, or None if it is missing or not a well-formed data-only entry.

    Reading is bounded: the file is at most MAX_ENTRY_BYTES, every member is stored (not
    compressed: nothing expands) and holds exactly the bytes its array header announces, so a
    planted header claiming a huge array is a miss, never a huge allocation."""
    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            return None
        if st.st_size > MAX_ENTRY_BYTES:
            return None
        with open(path, "rb") as fh:
            raw = fh.read(MAX_ENTRY_BYTES + 1)
        if len(raw) > MAX_ENTRY_BYTES or not _sound(raw):
            return None
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        meta_bytes = arrays.pop("__meta__", None)
        if meta_bytes is None or meta_bytes.dtype != np.uint8 or meta_bytes.ndim != 1:
            return None
        doc = json.loads(meta_bytes.tobytes().decode("utf-8"))
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        zipfile.BadZipFile,
        EOFError,
        UnicodeDecodeError,
        RecursionError,
        MemoryError,
    ):
        return None
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT or "meta" not in doc:
        return None
    return Entry(doc["meta"], arrays)


def _sound(raw: bytes) -> bool:
    """Whether every member of the .npz bytes is a stored .npy whose header matches its size."""
    fmt = np.lib.format
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        for info in zf.infolist():
            if info.compress_type != zipfile.ZIP_STORED or info.file_size > len(raw):
                return False
            with zf.open(info) as fh:
                major, _ = fmt.read_magic(fh)
                read_header = fmt.read_array_header_1_0 if major == 1 else fmt.read_array_header_2_0
                shape, _, dtype = read_header(fh)
                if dtype.hasobject or any(n < 0 for n in shape):
                    return False
                need = dtype.itemsize * int(np.prod(shape, dtype=object))
                if fh.tell() + need != info.file_size:
                    return False
    return True


def _write(folder: Path, path: Path, kind: str, entry: Entry) -> None:
    meta = json.dumps({"format": _FORMAT, "meta": entry.meta}, separators=(",", ":"))
    arrays = {"__meta__": np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)}
    for name, arr in entry.arrays.items():
        if arr.dtype.hasobject:
            raise TypeError(f"cache entry {kind}/{name}: object arrays are not data-only")
        arrays[name] = arr
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def cached(
    kind: str, key: str, make: Callable[[], Entry], *, valid: Callable[[Entry], bool] | None = None
) -> Entry:
    """``make()``, or the entry it gave before for the same ``kind`` and ``key``.

    ``valid`` checks a stored entry's shape (a False, or any exception, makes it a miss).
    """
    folder = cache_dir()
    if folder is None or not _usable(folder):
        return make()
    path = folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.npz"
    entry = _read(path)
    if entry is not None:
        try:
            if valid is None or valid(entry):
                return entry
        except Exception:
            pass
    entry = make()
    with contextlib.suppress(OSError, TypeError, ValueError):  # not storable: just not cached
        _write(folder, path, kind, entry)
        _prune(folder, kind)
    return entry


def cached_built(kind: str, key: str, make: Callable[[], Entry], build: Callable[[Entry], T]) -> T:
    """``build(make())``, or ``build`` of the entry stored before for the same ``kind`` and
    ``key``. A stored entry counts only if ``build`` turns it into a value (reading its arrays
    through ``Entry.array`` and checking its ``meta``): any exception there makes it a miss,
    recomputed and rewritten, so a wrong-shaped entry can never reach the code that uses it."""
    built: list[T] = []

    def valid(entry: Entry) -> bool:
        built.append(build(entry))
        return True

    entry = cached(kind, key, make, valid=valid)
    return built[-1] if built else build(entry)


class _NotStored(Exception):
    pass


def cached_value(
    kind: str,
    key: str,
    compute: Callable[[], T],
    *,
    store: Callable[[T], Entry | None],
    load: Callable[[Entry], T | None],
) -> T:
    """``compute()``, or the value ``load`` rebuilds from the entry ``store`` made of it before,
    for the same ``kind`` and ``key``.

    ``store`` returning None keeps nothing (e.g. a file with problems: computed afresh each
    time); ``load`` returning None (or raising) makes a stored entry a miss, recomputed and
    rewritten.
    """
    fresh: list[T] = []
    rebuilt: list[T] = []

    def make() -> Entry:
        fresh.append(compute())
        entry = store(fresh[0])
        if entry is None:
            raise _NotStored
        return entry

    def valid(entry: Entry) -> bool:
        value = load(entry)
        if value is None:
            return False
        rebuilt.append(value)
        return True

    with contextlib.suppress(_NotStored):  # nothing to keep: the fresh value is the answer
        cached(kind, key, make, valid=valid)
    return fresh[0] if fresh else rebuilt[-1]


def _prune(folder: Path, kind: str) -> None:
    entries = sorted(folder.glob(f"{kind}-*.npz"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[: -_KEEP_KIND.get(kind, _KEEP)]:
        with contextlib.suppress(OSError):
            old.unlink()
