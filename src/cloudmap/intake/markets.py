"""Expansion markets named in a text: Babel's localised territory names plus the markets' aliases."""

from __future__ import annotations

__all__ = ["MarketMention", "MarketName", "find_markets", "market_names"]

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from cloudmap.intake.places import LOCALES, name_regex, strip_accents


class MarketName(NamedTuple):
    """A market as in data/markets.yaml: its name, M49 code, ISO countries and extra names."""

    name: str
    m49: str | None
    countries: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        """True for a market of several countries (an M49 area or a defined group)."""
        return self.m49 is not None or len(self.countries) > 1

    @classmethod
    def from_mapping(cls, entry: Mapping[str, Any]) -> MarketName:
        """Build one from a data/markets.yaml entry (``aliases`` optional)."""
        return cls(
            name=str(entry["name"]),
            m49=None if entry.get("m49") is None else str(entry["m49"]),
            countries=tuple(str(c) for c in entry.get("countries") or ()),
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),
        )


@dataclass(frozen=True)
class MarketMention:
    """A market named at [start, end) of the text."""

    start: int
    end: int
    market: MarketName


def market_names(market: MarketName, lang: str) -> tuple[str, ...]:
    """Every name of the market in ``lang`` (and English): its own name, Babel's name of its M49
    code or, for a one-country market, of the country, and its aliases."""
    return _names(market, lang)


@functools.lru_cache(maxsize=256)
def _names(market: MarketName, lang: str) -> tuple[str, ...]:
    from babel import Locale

    names = [market.name, *market.aliases]
    code = market.m49 or (market.countries[0] if len(market.countries) == 1 else None)
    if code:
        for loc in dict.fromkeys((*LOCALES.get(lang, (lang,)), "en")):
            name = Locale.parse(loc).territories.get(code)
            if name:
                names.append(name)
    return tuple(dict.fromkeys(n for n in names if n))


@functools.lru_cache(maxsize=64)
def _regex(markets: tuple[MarketName, ...], lang: str) -> tuple[Any, dict[str, MarketName]]:
    lookup: dict[str, MarketName] = {}
    for m in markets:
        for n in _names(m, lang):
            lookup.setdefault(n, m)
            lookup.setdefault(strip_accents(n), m)
            lookup.setdefault(n.casefold(), m)
    return name_regex(list({n for m in markets for n in _names(m, lang)})), lookup


def find_markets(text: str, lang: str, markets: Sequence[MarketName]) -> list[MarketMention]:
    """Mentions of the markets' names in the text, in order (longest name first at a place)."""
    rx, lookup = _regex(tuple(markets), lang)
    if rx is None:
        return []
    out = []
    for m in rx.finditer(text):
        g = m.group()
        market = lookup.get(g) or lookup.get(strip_accents(g)) or lookup.get(g.casefold())
        if market is not None:
            out.append(MarketMention(m.start(), m.end(), market))
    return out
