"""Country and city mentions in a text, named in its language (Babel, pycountry, GeoNames)."""

# Country names are Babel's territory names (CLDR) for the language's locales and English, limited
# to ISO 3166-1 codes known to pycountry, plus pycountry's English names. City names are every name
# and alternate name of the GeoNames cities (cloudmap.gazetteer.cities()) written in the text's
# script. No place name is listed by hand; extra_countries lets the caller add names (the aliases
# of single-country markets).

from __future__ import annotations

__all__ = ["LOCALES", "Place", "country_names", "find_places", "name_regex", "strip_accents"]

import bisect
import functools
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cloudmap.intake.text import is_cjk

# The Babel locales whose territory names are used for each language (plus English for all).
LOCALES: dict[str, tuple[str, ...]] = {
    "en": ("en", "en_GB"),
    "fr": ("fr",),
    "es": ("es", "es_419", "es_MX"),
    "pt": ("pt", "pt_PT"),
    "zh": ("zh", "zh_Hant", "zh_Hant_HK"),
    "ja": ("ja",),
    "ko": ("ko",),
}

# A city named without its country anywhere in the text must be at least this populous (GeoNames
# population) to be taken: unanchored small towns are mostly homonyms of ordinary words. A city
# whose country is named elsewhere in the text needs ANCHORED_TEXT_POP; in the same sentence,
# any city of the gazetteer (15,000+) will do.
UNANCHORED_POP = 300_000
ANCHORED_TEXT_POP = 100_000

_lock = threading.Lock()


@dataclass(frozen=True)
class Place:
    """A place named in the text: a country, or a city (with its country)."""

    start: int
    end: int
    text: str
    country: str  # ISO 3166-1 alpha-2
    city: str | None  # GeoNames primary name, None for a country


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1 << 16)
def _fold(s: str) -> str:
    return strip_accents(s).casefold().strip()


@functools.lru_cache(maxsize=16)
def country_names(lang: str) -> dict[str, str]:
    """Name (as written) -> ISO alpha-2, from Babel (the language's locales and English) and
    pycountry's English names."""
    import pycountry
    from babel import Locale

    codes = {c.alpha_2 for c in pycountry.countries}
    names: dict[str, str] = {}
    for loc in dict.fromkeys((*LOCALES.get(lang, (lang,)), "en")):
        for code, name in Locale.parse(loc).territories.items():
            if code in codes and name:
                names.setdefault(name, code)
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(c, attr, None)
            if value and "," not in value:
                names.setdefault(value, c.alpha_2)
    return names


def _script(name: str) -> str:
    if any("\uac00" <= c <= "\ud7a3" for c in name):
        return "hangul"
    if any("\u3040" <= c <= "\u30ff" for c in name):
        return "kana"
    if any(is_cjk(c) for c in name):
        return "han"
    return "latin"


def name_regex(names: Sequence[str]) -> re.Pattern[str] | None:
    """Longest-first alternation; Latin names whole-word and case-sensitive (accents optional),
    kana names not inside a longer kana word, Hangul names not after another Hangul syllable."""
    parts: list[str] = []
    for name in sorted(set(names), key=len, reverse=True):
        script = _script(name)
        if script == "latin":
            variants = {name, strip_accents(name)}
            body = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
            parts.append(r"(?<![^\W\d_])(?:" + body + r")(?![^\W\d_])")
        elif script == "kana":
            parts.append(r"(?<![\u30a0-\u30ff])" + re.escape(name) + r"(?![\u30a0-\u30ff])")
        elif script == "hangul":
            parts.append(r"(?<![\uac00-\ud7a3])" + re.escape(name))
        else:
            parts.append(re.escape(name))
    return re.compile("|".join(parts)) if parts else None


@functools.lru_cache(maxsize=32)
def _country_regex(
    lang: str, extra: tuple[tuple[str, str], ...]
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    names = dict(country_names(lang))
    for name, code in extra:
        names.setdefault(name, code)
    lookup = {**{strip_accents(n): c for n, c in names.items()}, **names}
    return name_regex(list(names)), lookup


@dataclass(frozen=True)
class _CityIndex:
    by_name: Mapping[str, tuple[int, ...]]  # folded name -> gazetteer rows
    max_words: int


_city_indexes: dict[str, _CityIndex] = {}


def _wanted(name: str, script: str) -> bool:
    if len(name) < 2:
        return False
    if script == "latin":
        if len(name) < 3 or not name[0].isupper() or (name.isupper() and len(name) <= 4):
            return False
        return all(not is_cjk(c) for c in name) and any(c.isalpha() for c in name)
    if not all(is_cjk(c) or c in "・ー" for c in name):
        return False
    found = _script(name)
    if script == "han":
        return found == "han"
    if script == "kana":
        return found in ("kana", "han")
    return found == "hangul"


def _city_index(script: str) -> _CityIndex:
    """Folded name -> rows for every gazetteer name and alternate name in the script (built
    once per process; kept in cloudmap's disk cache, keyed by the gazetteer file and this code)."""
    with _lock:
        if script in _city_indexes:
            return _city_indexes[script]
        from cloudmap.cache import Entry, cached, code_key, file_key
        from cloudmap.gazetteer import _data_file

        code = code_key("cloudmap.intake.places", "cloudmap.gazetteer")
        key = f"{script}|{file_key(_data_file())}|{code}"

        def make() -> Entry:
            by_name, max_words = _build_city_index(script)
            return Entry({"by_name": {k: list(v) for k, v in by_name.items()}, "max": max_words})

        entry = cached(
            "intake-cities",
            key,
            make,
            valid=lambda e: isinstance(e.meta["by_name"], dict) and isinstance(e.meta["max"], int),
        )
        by_name = {k: tuple(v) for k, v in entry.meta["by_name"].items()}
        index = _CityIndex(by_name, entry.meta["max"])
        _city_indexes[script] = index
        return index


def _build_city_index(script: str) -> tuple[dict[str, tuple[int, ...]], int]:
    from cloudmap.gazetteer import cities

    gaz = cities()
    by_name: dict[str, list[int]] = {}
    max_words = 1
    for row in range(len(gaz.name)):
        for name in {str(gaz.name[row]), *gaz.alternates(row)}:
            if _wanted(name, script):
                key = _fold(name)
                rows = by_name.setdefault(key, [])
                if row not in rows:
                    rows.append(row)
                if script == "latin":
                    max_words = max(max_words, min(5, len(key.split())))
    return {k: tuple(sorted(v)) for k, v in by_name.items()}, max_words


_LATIN_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’.-][^\W\d_][^\W_]*)*")


def _latin_city_spans(text: str, index: _CityIndex) -> list[tuple[int, int]]:
    words = list(_LATIN_WORD.finditer(text))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        w = words[i]
        if not w.group()[0].isupper():
            i += 1
            continue
        hit = None
        for n in range(min(index.max_words, len(words) - i), 0, -1):
            last = words[i + n - 1]
            if not last.group()[0].isupper():
                continue
            gaps = [text[words[k].end() : words[k + 1].start()] for k in range(i, i + n - 1)]
            if any(g not in (" ", "-") for g in gaps):
                continue
            if _fold(text[w.start() : last.end()]) in index.by_name:
                hit = (w.start(), last.end(), n)
                break
        if hit:
            out.append(hit[:2])
            i += hit[2]
        else:
            i += 1
    return out


_starts: dict[int, dict[str, tuple[int, ...]]] = {}


def _lengths_by_start(index: _CityIndex) -> dict[str, tuple[int, ...]]:
    """First character of a (folded) name -> the name lengths that start with it, longest
    first: a position whose character starts no name is skipped at once."""
    key = id(index)
    if key not in _starts:
        found: dict[str, set[int]] = {}
        for name in index.by_name:
            if 2 <= len(name) <= 10:
                found.setdefault(name[0], set()).add(len(name))
        _starts[key] = {c: tuple(sorted(v, reverse=True)) for c, v in found.items()}
    return _starts[key]


def _cjk_city_spans(text: str, index: _CityIndex, script: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    starts = _lengths_by_start(index)
    i = 0
    n = len(text)
    while i < n:
        lengths = starts.get(_fold(text[i])[:1]) if is_cjk(text[i]) else None
        if not lengths:
            i += 1
            continue
        hit = 0
        # Hangul folds to more characters than it has (NFKD splits syllables into jamo): every
        # raw length is tried; kana and Han keep their length when folded.
        tries = range(min(10, n - i), 1, -1) if script == "hangul" else lengths
        for length in (k for k in tries if k <= n - i):
            chunk = text[i : i + length]
            if _fold(chunk) in index.by_name:
                if script == "kana" and (
                    (i > 0 and "\u30a0" <= text[i - 1] <= "\u30ff")
                    or (i + length < n and "\u30a0" <= text[i + length] <= "\u30ff")
                ):
                    continue
                if script == "hangul" and i > 0 and "\uac00" <= text[i - 1] <= "\ud7a3":
                    continue
                hit = length
                break
        if hit:
            out.append((i, i + hit))
            i += hit
        else:
            i += 1
    return out


def _city_script(lang: str) -> tuple[str, ...]:
    return (*{"zh": ("han",), "ja": ("kana",), "ko": ("hangul",)}.get(lang, ()), "latin")


def find_places(
    text: str,
    lang: str,
    *,
    extra_countries: Sequence[tuple[str, str]] = (),
    sentence_bounds: Sequence[tuple[int, int]] = (),
) -> list[Place]:
    """Countries and cities named in ``text`` (language ``lang``), in order, without overlaps.

    A name that is a country's is a country (so "Singapore" and "México" are countries, not
    cities). A city name picks, among the gazetteer's cities of that name, one in a country named
    in the same sentence, else one in a country named in the text (population 100,000+), else the
    most populous if it has 300,000+ people; otherwise it is dropped.
    """
    from cloudmap.gazetteer import cities
    from cloudmap.intake.subdivisions import reinterpret

    rx, lookup = _country_regex(lang, tuple(extra_countries))
    found: list[Place] = []
    matches: list[tuple[int, int, str]] = []
    if rx is not None:
        for m in rx.finditer(text):
            code = lookup.get(m.group()) or lookup.get(strip_accents(m.group()))
            if code:
                matches.append((m.start(), m.end(), code))
    for a, b, code, _ in reinterpret(text, matches, _is_city_of):
        found.append(Place(a, b, text[a:b], code, None))
    taken = sorted((p.start, p.end) for p in found)
    taken_starts = [s for s, _ in taken]

    def free(a: int, b: int) -> bool:
        i = bisect.bisect_left(taken_starts, b)  # spans starting before b
        return i == 0 or taken[i - 1][1] <= a  # sorted and disjoint: the last one decides

    spans: list[tuple[int, int, str]] = []
    for script in _city_script(lang):
        index = _city_index(script)
        if script == "latin":
            raw = _latin_city_spans(text, index)
        else:
            raw = _cjk_city_spans(text, index, script)
        spans.extend((a, b, script) for a, b in raw if free(a, b))
    if spans:
        gaz = cities()
        text_countries = {p.country for p in found}
        bounds = sorted(sentence_bounds) or [(0, len(text))]
        starts = [s for s, _ in bounds]

        def sentence_of(pos: int) -> int:
            i = bisect.bisect_right(starts, pos) - 1
            return i if i >= 0 and pos < bounds[i][1] else -1

        in_sentence: dict[int, set[str]] = {}
        for p in found:
            in_sentence.setdefault(sentence_of(p.start), set()).add(p.country)
        for a, b, script in sorted(spans):
            rows = _city_index(script).by_name[_fold(text[a:b])]
            here = in_sentence.get(sentence_of(a), set())
            row = _pick(rows, gaz.country, gaz.population, here, text_countries)
            if row is None:
                continue
            found.append(Place(a, b, text[a:b], str(gaz.country[row]), str(gaz.name[row])))
            in_sentence.setdefault(sentence_of(a), set()).add(str(gaz.country[row]))
    return sorted(found, key=lambda p: p.start)


def _pick(
    rows: Sequence[int],
    country: Any,  # the gazetteer's columns (numpy arrays)
    population: Any,
    here: set[str],
    in_text: set[str],
) -> int | None:
    def best(cands: list[int]) -> int | None:
        return max(cands, key=lambda r: (int(population[r]), -r)) if cands else None

    row = best([r for r in rows if country[r] in here])
    if row is not None:
        return row
    row = best(
        [r for r in rows if country[r] in in_text and int(population[r]) >= ANCHORED_TEXT_POP]
    )
    if row is not None:
        return row
    row = best(list(rows))
    if row is not None and int(population[row]) >= UNANCHORED_POP:
        return row
    return None


def _is_city_of(name: str, code: str) -> bool:
    """Whether the gazetteer has a city of that name (any spelling it lists) in ``code``."""
    from cloudmap.gazetteer import cities

    rows = _city_index("latin").by_name.get(_fold(name), ())
    gaz = cities()
    return any(str(gaz.country[r]) == code for r in rows)
