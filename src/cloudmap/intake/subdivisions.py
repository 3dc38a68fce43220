"""Sub-national names that look like countries: "New Mexico", "Northern Ireland", and a state
that shares a country's name (Georgia) when the text says it is the state. Names come from
pycountry's ISO 3166-2 subdivisions; nothing is listed by hand but the words that mark a state."""

from __future__ import annotations

__all__ = ["homonyms", "reinterpret"]

import functools
import re
from collections.abc import Callable, Sequence

# Subdivision types that are states or provinces (not overseas territories with their own ISO
# 3166-1 code, such as Guam or Aruba, which stay countries).
_STATE_TYPES = {"State", "Province", "Prefecture", "Region", "Autonomous region", "Municipality"}
# Words that say the name before them is a state ("Georgia state", "ジョージア州", "조지아주") or
# that introduce a state ("the US state of Georgia", "l'État de Géorgie", "美国佐治亚").
_AFTER = re.compile(r"^(?:\s+(?:state|State|State's)\b|\s?(?:州|주|省))")
_BEFORE = re.compile(
    r"(?:\b(?:state|State) of|\bÉtat de(?: la)?|\bestado (?:de|da|do)|美国|美國|米国|米|미국)"
    r"\s*(?:the\s+)?$"
)
# "Atlanta, Georgia", "Georgia, U.S.": a comma joins the state to a city or to its country.
_COUNTRY_AFTER = re.compile(r"^,\s*(U\.S\.A?\.?|USA|US|[A-Z][a-z]+(?: [A-Z][a-z]+)?)")
_US = {"U.S.", "U.S.A.", "U.S", "USA", "US"}


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(country code -> code of the country with a state of that English name, longer
    subdivision name containing a country name -> its country)."""
    import pycountry

    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names[value] = c.alpha_2
    same: dict[str, str] = {}
    containing: dict[str, str] = {}
    word = re.compile(
        r"(?<![^\W\d_])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")"
        r"(?![^\W\d_])"
    )
    for s in pycountry.subdivisions:
        name = str(s.name)
        code = str(s.country_code)
        if name in names and names[name] != code and s.type in _STATE_TYPES:
            same.setdefault(names[name], code)
        elif (
            name not in names
            and "," not in name
            and "'" not in name
            and any(names[m.group()] != code for m in word.finditer(name))
            # "Hong Kong SAR" (CN-HK) is Hong Kong, whose own ISO 3166-1 code the catalog uses
            and not any(names[m.group()] == str(s.code).split("-")[1] for m in word.finditer(name))
        ):
            containing.setdefault(name, code)
    return same, containing


def homonyms() -> dict[str, str]:
    """Country code -> the country one of whose states has the same English name (GE -> US)."""
    return dict(_tables()[0])


@functools.lru_cache(maxsize=1)
def _containing_regex() -> re.Pattern[str] | None:
    names = _tables()[1]
    if not names:
        return None
    return re.compile(
        r"(?<![^\W\d_])(?:"
        + "|".join(sorted(map(re.escape, names), key=len, reverse=True))
        + r")(?![^\W\d_])"
    )


def reinterpret(
    text: str,
    countries: Sequence[tuple[int, int, str]],
    is_city_of: Callable[[str, str], bool],
) -> list[tuple[int, int, str, bool]]:
    """Each country match ``(start, end, code)`` as ``(start, end, code, is_subdivision)``:
    a match inside a longer subdivision name ("Mexico" in "New Mexico") becomes that
    subdivision's country over the whole name, and a country whose name a state shares
    ("Georgia") becomes the state's country when a state word stands next to it ("state of
    Georgia", "Georgia state", ジョージア州, 조지아주), when it follows a city of that country
    after a comma ("Atlanta, Georgia"), or when that country follows it after a comma
    ("Georgia, US"). ``is_city_of(name, code)`` says whether a gazetteer city of that name lies
    in the country."""
    same = homonyms()
    out: list[tuple[int, int, str, bool]] = []
    spans: list[tuple[int, int, str]] = []
    rx = _containing_regex()
    if rx is not None:
        names = _tables()[1]
        spans = [(m.start(), m.end(), names[m.group()]) for m in rx.finditer(text)]
    for a, b, code in countries:
        holder = next(
            (s for s in spans if s[0] <= a and b <= s[1] and (s[0], s[1]) != (a, b)), None
        )
        if holder is not None:
            out.append((holder[0], holder[1], holder[2], True))
            continue
        state_of = same.get(code)
        if state_of is not None and _says_state(text, a, b, state_of, is_city_of):
            out.append((a, b, state_of, True))
            continue
        out.append((a, b, code, False))
    # one entry per span (two countries inside one subdivision name give one place)
    unique: dict[tuple[int, int], tuple[int, int, str, bool]] = {}
    for item in out:
        unique.setdefault((item[0], item[1]), item)
    return sorted(unique.values())


def _says_state(
    text: str, a: int, b: int, state_of: str, is_city_of: Callable[[str, str], bool]
) -> bool:
    after = text[b : b + 16]
    before = text[max(0, a - 24) : a]
    if _AFTER.match(after) or _BEFORE.search(before):
        return True
    tail = _COUNTRY_AFTER.match(after)
    if tail is not None:
        name = tail.group(1)
        if (state_of == "US" and name in _US) or _country_code(name) == state_of:
            return True
    m = re.search(r"((?:[A-Z][\w'’.-]*\s){0,2}[A-Z][\w'’.-]*),\s*$", before)
    return bool(m and is_city_of(m.group(1), state_of))


def _country_code(name: str) -> str | None:
    import pycountry

    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None
