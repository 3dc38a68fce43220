"""A disk cache for data derived from pinned inputs (gazetteer, geo/), keyed by content hashes.

A value is stored under a key made of the sha256 of every input file's bytes, of the source of
the cloudmap modules that compute it and of the library versions that shape it, so a hit is the
value a fresh computation would give (same bytes out of every build), and any change to an input
or to the code is a miss. ``CLOUDMAP_CACHE_DIR`` names the folder (default
``$XDG_CACHE_HOME/cloudmap``, else ``~/.cache/cloudmap``); ``CLOUDMAP_CACHE_DIR=off`` turns the
cache off (cold builds, as the benchmarks measure them too). Values are pickles: the folder is
trusted like the user's own site-packages. Unreadable entries are recomputed and replaced.
"""

from __future__ import annotations

__all__ = ["ENV", "cache_dir", "cached", "code_key", "file_key"]

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ENV = "CLOUDMAP_CACHE_DIR"
_KEEP = 8  # entries kept per kind (several projects may alternate); the oldest go first
_OFF = ("", "0", "off", "none", "no")

T = TypeVar("T")
_lock = threading.Lock()
_file_keys: dict[tuple[str, int, int], str] = {}
_code_keys: dict[tuple[str, ...], str] = {}


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
            import numpy
            import shapely

            h = hashlib.sha256()
            h.update(f"{sys.version}|{numpy.__version__}|{shapely.__version__}|".encode())
            h.update(f"{shapely.geos_version_string}|{pickle.HIGHEST_PROTOCOL}".encode())
            for name in modules:
                spec = importlib.util.find_spec(name)
                origin = spec.origin if spec is not None else None
                h.update(name.encode() + b"\0" + (Path(origin).read_bytes() if origin else b""))
            _code_keys[modules] = h.hexdigest()
        return _code_keys[modules]


def cached(kind: str, key: str, make: Callable[[], T]) -> T:
    """``make()``, or the value it gave before for the same ``kind`` and ``key``."""
    folder = cache_dir()
    if folder is None:
        return make()
    path = folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    except FileNotFoundError:
        pass
    except Exception:
        pass
    value = make()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        _prune(folder, kind)
    return value


def _prune(folder: Path, kind: str) -> None:
    entries = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-_KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
