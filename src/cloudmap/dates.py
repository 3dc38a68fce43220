"""Partial dates: a day, a month or a year, optionally only an upper bound ("no later than")."""

from __future__ import annotations

__all__ = ["MAX_YEAR", "MIN_YEAR", "PartialDate", "Precision", "parse_date", "parse_day"]

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year"]

# English month abbreviations (strftime's %b follows the locale, and is slow)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_RE = re.compile(r"^(<=)?([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # ASCII digits only
# The years a catalog date may name: cloud regions date from the 2000s; a year outside this is a
# typo (9999-12-31 would also overflow every date computed from it).
MIN_YEAR, MAX_YEAR = 1900, 2199


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a day, a month or a year, optionally only as an upper bound.

    ``effective`` is the day used for as-of comparisons: the first day of the period for a plain
    month or year, the last day of the period for a "no later than" bound.
    """

    effective: dt.date
    text: str
    precision: Precision
    no_later_than: bool = False

    @property
    def start(self) -> dt.date:
        """The earliest day the date may denote: the first day of its period, or ``date.min``
        for a "no later than" bound (it has no known start)."""
        if self.no_later_than:
            return dt.date.min
        return self.first_day

    @property
    def first_day(self) -> dt.date:
        """First day of the period written (for a bound, of the bounding period)."""
        d = self.effective
        if self.precision == "year":
            return dt.date(d.year, 1, 1)
        if self.precision == "month":
            return dt.date(d.year, d.month, 1)
        return d

    @property
    def latest(self) -> dt.date:
        """The latest day the date may denote: the last day of its period (or of the bound)."""
        d = self.effective
        if self.precision == "year":
            return dt.date(d.year, 12, 31)
        if self.precision == "month":
            return dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
        return d

    @property
    def iso(self) -> str:
        """The date as ISO 8601 at its precision (``2025``, ``2025-02``, ``2025-02-19``)."""
        return self.text.removeprefix("<=")

    @property
    def qualifier(self) -> str | None:
        """``"no later than"`` for bounds, else None."""
        return "no later than" if self.no_later_than else None

    def human(self) -> str:
        """A reader-facing rendering, e.g. ``Feb 2025`` or ``no later than 30 Jun 2024``."""
        d = self.effective if self.no_later_than else self.first_day
        if self.precision == "year":
            s = f"{d.year}"
        elif self.precision == "month":
            s = f"{_MONTHS[d.month - 1]} {d.year}"
        else:
            s = f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
        return f"no later than {s}" if self.no_later_than else s

    def __str__(self) -> str:
        return self.text


def parse_date(value: object) -> PartialDate:
    """Parse a catalog date (``YYYY[-MM[-DD]]``, optionally prefixed ``<=``).

    Accepts what YAML loaders produce for those scalars too (``datetime.date``, ``int`` years).
    Raises ``ValueError`` with a message that says what is accepted.
    """
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value!r} has a time of day; write a date like 2025-02-19")
    if isinstance(value, dt.date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(
                f"{value.isoformat()!r}: the year {value.year} is outside {MIN_YEAR}..{MAX_YEAR} "
                "(a typo?)"
            )
        return PartialDate(value, value.isoformat(), "day")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or <=DATE")
    text = str(value).strip()
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or <=DATE")
    bound, y, mo, d = m.group(1) is not None, int(m.group(2)), m.group(3), m.group(4)
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ValueError(f"{text!r}: the year {y} is outside {MIN_YEAR}..{MAX_YEAR} (a typo?)")
    try:
        if d is not None:
            day = dt.date(y, int(mo), int(d))
            return PartialDate(day, text, "day", bound)
        if mo is not None:
            month = int(mo)
            last = calendar.monthrange(y, month)[1] if 1 <= month <= 12 else 1
            day = dt.date(y, month, last if bound else 1)
            return PartialDate(day, text, "month", bound)
        return PartialDate(dt.date(y, 12, 31) if bound else dt.date(y, 1, 1), text, "year", bound)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None


def parse_day(text: str) -> dt.date:
    """A day written ``YYYY-MM-DD`` (ASCII digits, a year in MIN_YEAR..MAX_YEAR), as command
    options take it; ``ValueError`` saying what is accepted."""
    try:
        d = parse_date(text.strip())
    except ValueError as exc:
        if "outside" in str(exc):
            raise
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD") from None
    if d.precision != "day" or d.no_later_than:
        raise ValueError(f"{text!r} is not a day; write YYYY-MM-DD")
    return d.effective
