"""The exception hierarchy: every error cloudmap raises on purpose is a CloudmapError."""

from __future__ import annotations

__all__ = ["CloudmapError", "NotFound", "Problem", "ValidationError"]

from dataclasses import dataclass


class CloudmapError(Exception):
    """An error the CLI reports as ``Error: <message>`` with exit code 1."""


class NotFound(CloudmapError, LookupError):
    """Something asked for by name (a region, a market, a country code) is not there."""


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
