"""The exception hierarchy: every error cloudmap raises on purpose is a CloudmapError."""

from __future__ import annotations

__all__ = [
    "CloudmapError",
    "NotAProject",
    "NotFound",
    "OutputError",
    "Problem",
    "ValidationError",
]

from dataclasses import dataclass


class CloudmapError(Exception):
    """An error the CLI reports as ``Error: <message>`` with exit code 1."""


class NotFound(CloudmapError, LookupError):
    """Something asked for by name (a region, a market, a country code) is not there."""


class OutputError(CloudmapError):
    """An output path refused, or an output that could not be written: ``path`` as the caller
    gave it (shown safely) and the ``reason``, in the library's words (the CLI names its option,
    ``--out``, in front)."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{shown(path)}: {reason}")


class NotAProject(CloudmapError):
    """A folder given as the project lacks data/, seeds/ or geo/ (the CLI names its option,
    ``--root``, in front)."""

    def __init__(self, path: object, missing: str) -> None:
        self.path = path
        super().__init__(f"{shown(path)}: not a cloudmap project folder (missing {missing})")


def shown(path: object) -> str:
    """A path as messages show it: as written, unless it holds control characters (a line
    break, an escape sequence), which are shown escaped so a message cannot rewrite a terminal."""
    text = str(path)
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text):
        return repr(text)
    return text


@dataclass(frozen=True, order=True)
class Problem:
    """One validation finding, located as ``file:line: id: field: message``."""

    file: str
    line: int
    id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.id}: {self.field}: {self.message}"


class ValidationError(CloudmapError, ValueError):
    """The inputs are invalid; ``problems`` holds every finding, sorted by file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        super().__init__(head + "\n" + "\n".join(str(p) for p in self.problems))
