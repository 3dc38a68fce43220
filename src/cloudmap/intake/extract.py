"""The extraction: language, date, headline totals, sites, investment and markets of one article."""

from __future__ import annotations

__all__ = ["Event", "Extraction", "Investment", "Money", "Site", "extract"]

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from cloudmap.intake.dates import find_date
from cloudmap.intake.language import Lang, detect_language
from cloudmap.intake.lexicon import LEXICON, Lexicon
from cloudmap.intake.markets import MarketMention, MarketName, find_markets, market_names
from cloudmap.intake.money import MoneyMention, find_money
from cloudmap.intake.places import Place, find_places
from cloudmap.intake.text import Span, cjk_width, sentences, terms_pattern

Event = Literal["opened", "planned", "expanding", "closing", "closed", "mentioned"]

# How far (in Latin-character widths; a CJK character counts three) a place may be from the
# facility or event word that makes it a site, a future marker from its verb, and a conversion
# ("(about US$53 bn)") from the amount it converts.
SITE_REACH = 90
FUTURE_REACH = 36
CONVERSION_GAP = 30
TOTALS_REACH = 90
VENUE_REACH = (
    12  # "held in Hangzhou", "在新加坡举行", "항저우에서 열린": the venue phrase touches the place
)


@dataclass(frozen=True)
class Money:
    """An amount in an ISO 4217 currency."""

    amount: Decimal
    currency: str

    def to_json(self) -> dict[str, Any]:
        """``{amount, currency}`` with the amount as an int when whole."""
        return {"amount": _number(self.amount), "currency": self.currency}


@dataclass(frozen=True)
class Investment:
    """An investment figure and the conversions the article gives for it."""

    amount: Decimal
    currency: str
    converted: tuple[Money, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{amount, currency, converted: [{amount, currency}]}``."""
        return {
            "amount": _number(self.amount),
            "currency": self.currency,
            "converted": [c.to_json() for c in self.converted],
        }


@dataclass(frozen=True)
class Site:
    """A country (and city, when named) where a region or data centre opens, is planned, expands
    or closes."""

    country: str
    city: str | None
    event: Event

    def to_json(self) -> dict[str, Any]:
        """``{country, city, event}``."""
        return {"country": self.country, "city": self.city, "event": self.event}


@dataclass(frozen=True)
class Extraction:
    """What an article says about the footprint; ``to_json`` is the stable contract."""

    language: Lang | None
    date: dt.date | None
    regions: int | None
    zones: int | None
    sites: tuple[Site, ...]
    investment: tuple[Investment, ...]
    markets: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The keys of docs/announce-draft.md: language, date, claims, sites, investment, markets."""
        return {
            "language": self.language,
            "date": self.date.isoformat() if self.date else None,
            "claims": {"regions": self.regions, "zones": self.zones},
            "sites": [s.to_json() for s in self.sites],
            "investment": [i.to_json() for i in self.investment],
            "markets": list(self.markets),
        }


def _number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def extract(
    text: str,
    *,
    title: str | None = None,
    fallback_date: dt.date | None = None,
    markets: Sequence[MarketName] = (),
) -> Extraction:
    """Extract language, date, totals, sites, investment and markets from an article's text.

    ``title`` is read as the first sentence (unless the text already starts with it);
    ``fallback_date`` is the date when the text states none (e.g. the page's metadata);
    ``markets`` are the expansion markets to look for (data/markets.yaml with aliases).
    """
    full = (
        text
        if not title or text.lstrip().startswith(title.strip())
        else f"{title.strip()}\n\n{text}"
    )
    lang = detect_language(full)
    date = find_date(text, lang, title=title) or fallback_date
    if lang is None:
        return Extraction(None, date, None, None, (), (), ())
    lex = LEXICON[lang]
    sents = sentences(full)
    regions, zones = _totals(full, sents, lex)
    found_markets = find_markets(full, lang, markets)
    single = [(n, m.countries[0]) for m in markets if not m.is_group for n in market_names(m, lang)]
    places = find_places(
        full, lang, extra_countries=single, sentence_bounds=[(s.start, s.end) for s in sents]
    )
    sites, listed = _sites(full, sents, lex, places, found_markets)
    named = {mm.market.name for mm in found_markets if mm.market.is_group} | listed
    return Extraction(
        language=lang,
        date=date,
        regions=regions,
        zones=zones,
        sites=sites,
        investment=_investment(full, sents, lex, find_money(full, lang)),
        markets=tuple(m.name for m in markets if m.name in named),
    )


# --- totals -------------------------------------------------------------------------------


def _count_pattern(units: Sequence[str], lex: Lexicon) -> re.Pattern[str]:
    counter = "|".join(lex.counter)
    unit = terms_pattern(units).pattern
    return re.compile(
        rf"(?<![\d.,])(\d{{1,4}})\s?(?:{counter})?\s?(?:{unit})"
        if counter
        else rf"(?<![\d.,])(\d{{1,4}})\s?(?:{unit})",
        re.IGNORECASE,
    )


def _totals(text: str, sents: Sequence[Span], lex: Lexicon) -> tuple[int | None, int | None]:
    """The first zone count and region count named together in one sentence; failing that, a
    lone count in a sentence that speaks of the whole footprint ("worldwide", "全球")."""
    zone_rx = _count_pattern(lex.zone_unit, lex)
    region_rx = _count_pattern(lex.region_unit, lex)
    total_rx = terms_pattern(lex.total)
    lone_regions: int | None = None
    lone_zones: int | None = None
    for s in sents:
        zs = [(m.start(), int(m.group(1))) for m in zone_rx.finditer(s.text)]
        rs = [(m.start(), int(m.group(1))) for m in region_rx.finditer(s.text)]
        rs = [(p, n) for p, n in rs if all(p != zp for zp, _ in zs)]
        for zp, zn in zs:
            near = [(abs(cjk_width(s.text[min(zp, rp) : max(zp, rp)])), rn) for rp, rn in rs]
            near = [x for x in near if x[0] <= TOTALS_REACH]
            if near:
                return min(near)[1], zn
        if total_rx.search(s.text):
            if lone_zones is None and zs:
                lone_zones = zs[0][1]
            if lone_regions is None and rs:
                lone_regions = rs[0][1]
    return lone_regions, lone_zones


# --- sites and markets --------------------------------------------------------------------

_SEPARATORS = r"[\s,，、;；/]*"


def _glue(lex: Lexicon) -> re.Pattern[str]:
    words = terms_pattern(lex.list_glue).pattern
    return re.compile(rf"^{_SEPARATORS}(?:(?:{words}){_SEPARATORS})*$", re.IGNORECASE)


_Item = Place | MarketMention


def _groups(text: str, items: Sequence[_Item], glue: re.Pattern[str]) -> list[list[_Item]]:
    """Enumerations: items separated only by commas, list conjunctions and articles."""
    groups: list[list[_Item]] = []
    for item in sorted(items, key=lambda i: (i.start, -i.end)):
        if groups:
            last = groups[-1][-1]
            if item.start < last.end:  # overlapping (a market that is also a country): same item
                groups[-1].append(item)
                continue
            if glue.match(text[last.end : item.start]):
                groups[-1].append(item)
                continue
        groups.append([item])
    return groups


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    event: str  # an Event, or "venue" (the place hosts an event or an office: not a site)
    strong: bool


def _cues(sentence: Span, lex: Lexicon) -> list[_Cue]:
    """Event words of a sentence, each with the event it signals (tense from future markers)."""
    text = sentence.text
    future = terms_pattern(lex.future)
    cues: list[_Cue] = []
    taken: list[tuple[int, int]] = []

    def add(fragments: Sequence[str], decide: Any, strong: bool = True) -> None:
        for m in terms_pattern(fragments).finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            cues.append(
                _Cue(sentence.start + m.start(), sentence.start + m.end(), decide(m), strong)
            )

    def before(i: int) -> int:
        """Start of the stretch before i within FUTURE_REACH and the same clause."""
        lo = i
        while (
            lo > 0 and text[lo - 1] not in _CLAUSE and cjk_width(text[lo - 1 : i]) <= FUTURE_REACH
        ):
            lo -= 1
        return lo

    def after(i: int) -> int:
        """End of the stretch after i within FUTURE_REACH and the same clause."""
        hi = i
        while (
            hi < len(text)
            and text[hi] not in _CLAUSE
            and cjk_width(text[i : hi + 1]) <= FUTURE_REACH
        ):
            hi += 1
        return hi

    def has_future(m: re.Match[str]) -> bool:
        lo = before(m.start()) if lex.future_side in ("before", "both") else m.start()
        hi = after(m.end()) if lex.future_side in ("after", "both") else m.end()
        return future.search(text[lo:hi]) is not None

    add(lex.venue, lambda m: "venue")
    add(lex.closed, lambda m: "closing" if has_future(m) else "closed")
    add(lex.close, lambda m: "closing")
    add(lex.expand, lambda m: "expanding")
    add(lex.open, lambda m: "planned" if has_future(m) else "opened")
    add(lex.plan, lambda m: "planned")
    add(lex.weak_plan, lambda m: "planned", strong=False)
    return cues


_CLAUSE = set(",，;；:：—–()（）")


def _distance(text: str, a: tuple[int, int], b: tuple[int, int]) -> int:
    if a[1] <= b[0]:
        return cjk_width(text[a[1] : b[0]])
    if b[1] <= a[0]:
        return cjk_width(text[b[1] : a[0]])
    return 0


def _sites(
    text: str,
    sents: Sequence[Span],
    lex: Lexicon,
    places: Sequence[Place],
    market_mentions: Sequence[MarketMention],
) -> tuple[tuple[Site, ...], set[str]]:
    """Sites, and the names of single-country markets named in a list of markets."""
    facility = terms_pattern(lex.facility)
    glue = _glue(lex)
    found: list[Site] = []
    listed: set[str] = set()
    for s in sents:
        here: list[_Item] = [p for p in places if s.start <= p.start < s.end]
        here += [m for m in market_mentions if s.start <= m.start < s.end]
        if not here:
            continue
        anchors = [(s.start + m.start(), s.start + m.end()) for m in facility.finditer(s.text)]
        cues = _cues(s, lex)
        for group in _groups(text, here, glue):
            group_markets = [i for i in group if isinstance(i, MarketMention)]
            if any(m.market.is_group for m in group_markets):
                # a list of markets ("Japan, South Korea, Southeast Asia and Europe"): no sites
                listed.update(m.market.name for m in group_markets)
                continue
            span = (group[0].start, max(i.end for i in group))
            if not anchors and not cues:
                continue
            reach = [_distance(text, span, a) for a in anchors] + [
                _distance(text, span, (c.start, c.end)) for c in cues
            ]
            if not anchors or min(reach) > SITE_REACH:
                continue
            event = _event(text, span, cues)
            if event == "venue":
                continue
            for item in group:
                if isinstance(item, Place):
                    found.append(Site(item.country, item.city, event))  # type: ignore[arg-type]
    return _tidy_sites(found), listed


def _event(text: str, span: tuple[int, int], cues: Sequence[_Cue]) -> str:
    """The event of the nearest cue, preferring cues in the same clause as the places, then
    strong cues over "announced"; "mentioned" when the sentence has none."""
    cues = [
        c
        for c in cues
        if c.event != "venue" or _distance(text, span, (c.start, c.end)) <= VENUE_REACH
    ]
    if not cues:
        return "mentioned"

    def between(c: _Cue) -> str:
        return (
            text[c.end : span[0]]
            if c.end <= span[0]
            else text[span[1] : c.start]
            if span[1] <= c.start
            else ""
        )

    def rank(c: _Cue) -> tuple[int, int, int, int]:
        other_clause = any(ch in _CLAUSE for ch in between(c))
        return (
            int(other_clause),
            int(not c.strong),
            _distance(text, span, (c.start, c.end)),
            c.start,
        )

    return min(cues, key=rank).event


def _tidy_sites(found: Sequence[Site]) -> tuple[Site, ...]:
    """Unique sites in order; a country's bare entry goes when a city of it has the same event,
    and "mentioned" goes when the place has any other event."""
    out: list[Site] = []
    for s in found:
        if s not in out:
            out.append(s)
    evented = {(s.country, s.city) for s in out if s.event != "mentioned"}
    evented_cc = {s.country for s in out if s.event != "mentioned"}
    with_city = {(s.country, s.event) for s in out if s.city is not None}
    return tuple(
        s
        for s in out
        if not (
            s.event == "mentioned"
            and ((s.country, s.city) in evented or (s.city is None and s.country in evented_cc))
        )
        and not (s.city is None and (s.country, s.event) in with_city)
    )


# --- investment ---------------------------------------------------------------------------


def _investment(
    text: str, sents: Sequence[Span], lex: Lexicon, money: Sequence[MoneyMention]
) -> tuple[Investment, ...]:
    """Amounts in sentences that speak of investing; an amount in another currency right after
    one (in brackets, or after "about"/"约"/"약") is its conversion."""
    invest = terms_pattern(lex.invest)
    entries: list[tuple[Money, list[Money]]] = []
    for s in sents:
        if not invest.search(s.text):
            continue
        here = [m for m in money if s.start <= m.start < s.end]
        head: MoneyMention | None = None
        last_end = s.start
        for m in here:
            gap = text[last_end : m.start]
            if (
                head is not None
                and m.currency != head.currency
                and not re.search(r"\d", gap)
                and cjk_width(gap) <= CONVERSION_GAP
            ):
                entries[-1][1].append(Money(m.amount, m.currency))
            else:
                entries.append((Money(m.amount, m.currency), []))
                head = m
            last_end = m.end
    merged: dict[Money, list[Money]] = {}
    for first, conv in entries:
        bucket = merged.setdefault(first, [])
        for c in conv:
            if c not in bucket:
                bucket.append(c)
    return tuple(Investment(h.amount, h.currency, tuple(c)) for h, c in merged.items())
