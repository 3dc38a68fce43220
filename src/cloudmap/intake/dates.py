"""The article's date as stated in its text (day, month and year), parsed by dateparser."""

from __future__ import annotations

__all__ = ["find_date"]

import datetime as dt
import re
import warnings

# dateparser's search splits on a period, so "Oct. 14, 2025" is lost; drop the period of an
# abbreviated word before a digit (any language: "févr. 2025", "Sept. 24").
_ABBREV_DOT = re.compile(r"\b([^\W\d_]{2,5})\.(?=\s+\d)")
_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    # relative words ("three years", "Tuesday") need a base; a fixed one keeps results off the
    # clock, and they are dropped below anyway (no written year)
    "RELATIVE_BASE": dt.datetime(2000, 1, 1),
    "PREFER_DAY_OF_MONTH": "first",
    "DATE_ORDER": "DMY",
}


def find_date(text: str, lang: str | None, *, title: str | None = None) -> dt.date | None:
    """The first full date (day, month and year written out) in the title, else in the text's
    first DATE_SEARCH_CHARS characters.

    Relative expressions ("three years", "last Tuesday") and partial dates ("February 2025")
    are not article dates and are skipped; so are slash dates like 03/04/2025, whose order
    varies by country.
    """
    for part in (title or "", text[:DATE_SEARCH_CHARS]):
        for chunk in _chunks(part):
            found = _first_full_date(chunk, lang)
            if found is not None:
                return found
    return None


CHUNK_CHARS = 4000
DATE_SEARCH_CHARS = 20_000  # an article's own date stands near its top: the rest is not searched


def _chunks(text: str) -> list[str]:
    """The text in pieces of about CHUNK_CHARS cut at line breaks (a date never spans one), so
    the search stops at the first date and a long text costs no more than its length."""
    out: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK_CHARS // 2, end)
            end = cut + 1 if cut > start else end
        out.append(text[start:end])
        start = end
    return [c for c in out if c.strip()]


def _first_full_date(text: str, lang: str | None) -> dt.date | None:
    from dateparser.search import search_dates

    clean = _ABBREV_DOT.sub(r"\1", text)
    langs = [lang] if lang else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateparser's own deprecation noise (pytz, regex)
        found = search_dates(clean, languages=langs, settings=_SETTINGS) or []
    pos = 0
    for written, when in found:
        at = clean.find(written, pos)
        if at >= 0:
            pos = at + len(written)
            # CJK text has no spaces: dateparser may leave the year's digits out of the match
            # ("は2025年10月14日" -> "年10月14日"), so what stands just before it counts too
            written = clean[max(0, at - 8) : at] + written
        if not _written_out(written, when):
            continue
        day: dt.date = when.date()
        return day
    return None


def _written_out(written: str, when: dt.datetime) -> bool:
    """The match names the year and the day in digits, and is not a slash/dot numeric date."""
    if not re.search(rf"(?<!\d){when.year}(?!\d)", written):
        return False
    if re.search(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", written):
        return False
    numbers = [int(n) for n in re.findall(r"\d+", written)]
    return when.day in numbers
