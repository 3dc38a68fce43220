"""Notes that contradict their record's fields (a bound, a null, an unknown date, a missing
notice or a precision the fields do not have): one check of the validation stage, kept apart
because it reads words, not fields."""

from __future__ import annotations

__all__ = ["check_notes"]

import datetime as dt
import re
from collections.abc import Iterable

from cloudmap.dates import PartialDate
from cloudmap.errors import Problem
from cloudmap.model import Catalog

_BOUND = re.compile(r"<=\s?(\d{4}(?:-\d{2}(?:-\d{2})?)?)")
_LEFT_NULL = re.compile(
    r"\b(announced|launched|closure_announced|closed|opened)\b[^.;]{0,20}?\b(?:is|are|was|stays?)"
    r" (?:left )?(?:null|unset|empty)\b",
    re.IGNORECASE,
)
_DATE_UNKNOWN = re.compile(
    r"\b(?:exact )?(?:launch|opening) (?:date|day) (?:was )?(?:not found|unknown|not known)",
    re.IGNORECASE,
)
_NO_NOTICE = re.compile(
    r"\bno (?:closure |shutdown )?(?:notice|announcement)\b[^.]*\bfound\b", re.IGNORECASE
)
_PRECISION = re.compile(
    r"\b(?:precision[: ]+|as an? |at )(facility|metro|admin-area|country)\b"
    r"(?: precision| level| point)?",
    re.IGNORECASE,
)
_COUNT_OF = re.compile(
    r"not (?:part|counted) (?:of|in) the \d+-zone (?:count|total) of "
    r"(\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)


def _note_problems(
    note: str, dates: dict[str, PartialDate | None], precision: str | None
) -> Iterable[str]:
    texts = {d.text for d in dates.values() if d is not None}
    for m in _BOUND.finditer(note):
        bound = "<=" + m.group(1)
        if bound not in texts:
            yield f"names the bound {bound}, which none of its dates has (update the note)"
    for m in _LEFT_NULL.finditer(note):
        name = m.group(1).lower()
        if dates.get(name) is not None:
            yield f"says {name} is null, but {name} is {dates[name]} (update the note)"
    launched = dates.get("launched") or dates.get("opened")
    if (
        _DATE_UNKNOWN.search(note)
        and launched is not None
        and launched.precision == "day"
        and (not launched.no_later_than)
    ):
        yield f"says the date is unknown, but it is given to the day ({launched}) (update the note)"
    if _NO_NOTICE.search(note) and dates.get("closure_announced") is not None:
        yield (
            f"says no notice was found, but closure_announced is {dates['closure_announced']} "
            "(update the note)"
        )
    if precision is not None:
        for m in _PRECISION.finditer(note):
            named = m.group(1).lower()
            if named != precision and m.group(0).lower().startswith("precision"):
                yield f"names precision {named}, but the location's precision is {precision}"
    opened = dates.get("opened")
    for m in _COUNT_OF.finditer(note):
        day = dt.date.fromisoformat(m.group(1))
        if opened is not None and not opened.no_later_than and opened.effective <= day:
            yield f"says it is not in the count of {day}, but it opened {opened} (update the note)"


def check_notes(catalog: Catalog) -> list[Problem]:
    """Notes that contradict their record's fields: a bound, a null, an unknown date, a missing
    notice or a precision the fields do not have. Catches the class where the words allow."""
    out: list[Problem] = []
    for r in catalog.regions:
        dates: dict[str, PartialDate | None] = {
            "announced": r.announced,
            "launched": r.launched,
            "closure_announced": r.closure_announced,
            "closed": r.closed,
        }
        every = {**dates, "zones_since": r.zones_since}
        for i, z in enumerate(r.zones):
            every[f"zone{i}.opened"] = z.opened
            every[f"zone{i}.closed"] = z.closed
        if r.notes:
            for msg in _note_problems(r.notes, every, r.location.precision):
                out.append(Problem(r.file, r.line_of("notes"), r.id, "notes", f"the note {msg}"))
        for z in r.zones:
            if z.notes:
                zd = {
                    **dates,
                    "zones_since": r.zones_since,
                    "opened": z.opened,
                    "closed": z.closed,
                    "launched": None,
                }
                for msg in _note_problems(z.notes, zd, None):
                    out.append(Problem(r.file, z.line, r.id, "zones", f"zone {z.id}'s note {msg}"))
    for s in catalog.sites:
        if s.notes:
            sd: dict[str, PartialDate | None] = {"announced": s.announced}
            prec = s.location.precision if s.location else None
            for msg in _note_problems(s.notes, sd, prec):
                out.append(Problem(s.file, s.line_of("notes"), s.id, "notes", f"the note {msg}"))
    return out
