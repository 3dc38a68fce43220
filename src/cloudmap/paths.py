"""Where the project data lives: a folder holding data/, seeds/ and geo/, or the packaged snapshot."""

from __future__ import annotations

__all__ = ["resolve_root", "snapshot_root"]

import importlib.resources
from pathlib import Path

from cloudmap.errors import CloudmapError, NotAProject

_PARTS = ("data", "seeds", "geo")


def _is_root(path: Path) -> bool:
    return all((path / p).is_dir() for p in _PARTS)


def snapshot_root() -> Path:
    """The copy of data/, seeds/ and geo/ shipped inside the installed package."""
    return Path(str(importlib.resources.files("cloudmap") / "_snapshot"))


def resolve_root(root: str | Path | None = None) -> Path:
    """The project folder: ``root`` if given, else the current folder if it holds the data,
    else the packaged snapshot."""
    if root is not None:
        path = Path(root)
        if not _is_root(path):
            missing = ", ".join(p + "/" for p in _PARTS if not (path / p).is_dir())
            raise NotAProject(path, missing)
        return path
    here = Path.cwd()
    if _is_root(here):
        return here
    snap = snapshot_root()
    if _is_root(snap):
        return snap
    raise CloudmapError(
        "no data: run inside a cloudmap project folder (with data/, seeds/, geo/) or name one"
    )
