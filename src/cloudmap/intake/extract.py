"""The extraction: language, date, headline totals, sites, investment and markets of one article."""

from __future__ import annotations

__all__ = ["Event", "Extraction", "Investment", "Money", "OtherFacts", "Site", "extract"]

import bisect
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from cloudmap.intake.attribution import Mention, Owners, about, find_mentions, provider_names
from cloudmap.intake.dates import find_date
from cloudmap.intake.language import Lang, detect_language, unsupported_language
from cloudmap.intake.lexicon import LEXICON, Lexicon
from cloudmap.intake.markets import MarketMention, MarketName, find_markets, market_names
from cloudmap.intake.money import MoneyMention, find_money
from cloudmap.intake.places import Place, find_places
from cloudmap.intake.text import Span, cjk_width, sentences, terms_pattern
from cloudmap.intake.totals import find_totals

Event = Literal["opened", "planned", "expanding", "closing", "closed", "mentioned"]

# How far (in Latin-character widths; a CJK character counts three) a place may be from the
# facility or event word that makes it a site, a future marker from its verb, and a conversion
# ("(about US$53 bn)") from the amount it converts.
SITE_REACH = 90
FUTURE_REACH = 36
CONVERSION_GAP = 30
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
class OtherFacts:
    """What an article says about a provider other than the one it is about (kept apart: never
    attributed to the article's provider)."""

    provider: str
    regions: int | None
    zones: int | None
    sites: tuple[Site, ...]

    def to_json(self) -> dict[str, Any]:
        """``{provider, claims: {regions, zones}, sites}``."""
        return {
            "provider": self.provider,
            "claims": {"regions": self.regions, "zones": self.zones},
            "sites": [s.to_json() for s in self.sites],
        }


@dataclass(frozen=True)
class Extraction:
    """What an article says about the footprint; ``to_json`` is the stable contract.

    ``provider``: the provider the article is about (named in its title or opening, or given);
    ``target``: the totals are a goal, not a count; ``others``: facts about other providers;
    ``unsupported``: the name of the language of an article written in none of LANGUAGES."""

    language: Lang | None
    date: dt.date | None
    regions: int | None
    zones: int | None
    sites: tuple[Site, ...]
    investment: tuple[Investment, ...]
    markets: tuple[str, ...]
    target: bool = False
    provider: str | None = None
    others: tuple[OtherFacts, ...] = ()
    unsupported: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The keys of docs/announce-draft.md: language, date, claims, sites, investment,
        markets, others, provider."""
        return {
            "language": self.language,
            "date": self.date.isoformat() if self.date else None,
            "claims": {"regions": self.regions, "zones": self.zones, "target": self.target},
            "sites": [s.to_json() for s in self.sites],
            "investment": [i.to_json() for i in self.investment],
            "markets": list(self.markets),
            "others": [o.to_json() for o in self.others],
            "provider": self.provider,
        }


def _number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def extract(
    text: str,
    *,
    title: str | None = None,
    fallback_date: dt.date | None = None,
    markets: Sequence[MarketName] = (),
    provider: str | None = None,
    providers: Sequence[str] = (),
) -> Extraction:
    """Extract language, date, totals, sites, investment and markets from an article's text.

    ``title`` is read as the first sentence (unless the text already starts with it);
    ``fallback_date`` is the date when the text states none (e.g. the page's metadata);
    ``markets`` are the expansion markets to look for (data/markets.yaml with aliases).
    ``providers`` are the provider ids whose names to look for (cloudmap.intake.attribution;
    default: every provider of intake/providers.yaml):
    facts in a sentence that names another provider nearer than the article's own go to
    ``others``; ``provider`` is the article's provider (default: the one its title or opening
    names). The work is linear in the length of the text.
    """
    full = (
        text
        if not title or text.lstrip().startswith(title.strip())
        else f"{title.strip()}\n\n{text}"
    )
    lang = detect_language(full)
    if lang is not None and (other := unsupported_language(full)) is not None:
        return Extraction(None, None, None, None, (), (), (), unsupported=other)
    date = find_date(text, lang, title=title) or fallback_date
    if lang is None:
        return Extraction(None, date, None, None, (), (), ())
    lex = LEXICON[lang]
    sents = sentences(full)
    mentions = find_mentions(full, tuple(providers) or tuple(provider_names()))
    me = provider or about(full, title, mentions, sents)
    owners = Owners(full, sents, mentions, me)
    total, other_totals = find_totals(sents, lex, owners.is_mine)
    found_markets = [m for m in find_markets(full, lang, markets) if owners.is_mine(m.start, m.end)]
    single = [(n, m.countries[0]) for m in markets if not m.is_group for n in market_names(m, lang)]
    places = [
        p  # a provider's name is never a place ("Google" is also an old name of Topeka)
        for p in find_places(
            full, lang, extra_countries=single, sentence_bounds=[(s.start, s.end) for s in sents]
        )
        if not _on_a_name(mentions, p.start, p.end)
    ]
    all_sites, listed = _sites(full, sents, lex, places, found_markets)
    sites = _tidy_sites([s for s, span in all_sites if owners.is_mine(*span)])
    named = {mm.market.name for mm in found_markets if mm.market.is_group} | listed
    invest_sents = [s for s in sents if terms_pattern(lex.invest).search(s.text)]
    money = [
        MoneyMention(s.start + m.start, s.start + m.end, m.amount, m.currency)
        for s in invest_sents
        for m in find_money(s.text, lang)
    ]
    return Extraction(
        language=lang,
        date=date,
        regions=total.regions if total else None,
        zones=total.zones if total else None,
        sites=sites,
        investment=_investment(full, invest_sents, lex, money, owners.is_mine),
        markets=tuple(m.name for m in markets if m.name in named),
        target=bool(total and total.target),
        provider=me,
        others=_others(owners, other_totals, all_sites, me),
    )


def _on_a_name(mentions: Sequence[Mention], start: int, end: int) -> bool:
    """Whether [start, end) overlaps a provider's name (mentions: sorted, disjoint)."""
    i = bisect.bisect_right(mentions, start, key=lambda m: m.start)
    return (i > 0 and mentions[i - 1].end > start) or (
        i < len(mentions) and mentions[i].start < end
    )


def _others(
    owners: Owners,
    totals: Sequence[Any],
    sites: Sequence[tuple[Site, tuple[int, int]]],
    me: str | None,
) -> tuple[OtherFacts, ...]:
    """Totals and sites of providers other than ``me``, one entry per provider (first totals)."""
    by: dict[str, dict[str, Any]] = {}
    for t in totals:
        who = owners.owner(t.start, t.end)
        if who is None or who == me:
            continue
        entry = by.setdefault(who, {"regions": None, "zones": None, "sites": []})
        if entry["regions"] is None and entry["zones"] is None:
            entry["regions"], entry["zones"] = t.regions, t.zones
    for site, span in sites:
        who = owners.owner(*span)
        if who is None or who == me:
            continue
        by.setdefault(who, {"regions": None, "zones": None, "sites": []})["sites"].append(site)
    return tuple(
        OtherFacts(p, e["regions"], e["zones"], _tidy_sites(e["sites"]))
        for p, e in sorted(by.items())
    )


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

    add(lex.venue, lambda _m: "venue")
    add(lex.closed, lambda m: "closing" if has_future(m) else "closed")
    add(lex.close, lambda _m: "closing")
    add(lex.expand, lambda _m: "expanding")
    add(lex.open, lambda m: "planned" if has_future(m) else "opened")
    add(lex.plan, lambda _m: "planned")
    add(lex.weak_plan, lambda _m: "planned", strong=False)
    return cues


_CLAUSE = set(",，;；:：—–()（）")


def _distance(text: str, a: tuple[int, int], b: tuple[int, int]) -> int:
    if a[1] <= b[0]:
        return cjk_width(text[a[1] : b[0]])
    if b[1] <= a[0]:
        return cjk_width(text[b[1] : a[0]])
    return 0


def _in_sentence(items: Sequence[Any], starts: Sequence[int], s: Span) -> list[Any]:
    """The items (sorted by start, ``starts`` their starts) that start inside sentence ``s``."""
    return list(items[bisect.bisect_left(starts, s.start) : bisect.bisect_left(starts, s.end)])


def _sites(
    text: str,
    sents: Sequence[Span],
    lex: Lexicon,
    places: Sequence[Place],
    market_mentions: Sequence[MarketMention],
) -> tuple[list[tuple[Site, tuple[int, int]]], set[str]]:
    """Sites with the span of the place that names each, and the names of single-country
    markets named in a list of markets."""
    facility = terms_pattern(lex.facility)
    glue = _glue(lex)
    found: list[tuple[Site, tuple[int, int]]] = []
    listed: set[str] = set()
    places = sorted(places, key=lambda p: p.start)
    place_starts = [p.start for p in places]
    mentions = sorted(market_mentions, key=lambda m: m.start)
    mention_starts = [m.start for m in mentions]
    for s in sents:
        here: list[_Item] = _in_sentence(places, place_starts, s)
        here += _in_sentence(mentions, mention_starts, s)
        if not here:
            continue
        anchors = [(s.start + m.start(), s.start + m.end()) for m in facility.finditer(s.text)]
        cues = _cues(s, lex) if anchors else []
        for group in _groups(text, here, glue):
            group_markets = [i for i in group if isinstance(i, MarketMention)]
            if any(m.market.is_group for m in group_markets):
                # a list of markets ("Japan, South Korea, Southeast Asia and Europe"): no sites
                listed.update(m.market.name for m in group_markets)
                continue
            if not anchors:
                continue
            span = (group[0].start, max(i.end for i in group))
            reach = [_distance(text, span, a) for a in anchors] + [
                _distance(text, span, (c.start, c.end)) for c in cues
            ]
            if min(reach) > SITE_REACH:
                continue
            event = _event(text, span, cues)
            if event == "venue":
                continue
            for item in group:
                if isinstance(item, Place):
                    site = Site(item.country, item.city, event)  # type: ignore[arg-type]
                    found.append((site, (item.start, item.end)))
    return found, listed


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
    text: str,
    sents: Sequence[Span],
    lex: Lexicon,
    money: Sequence[MoneyMention],
    mine: Callable[[int, int], bool],
) -> tuple[Investment, ...]:
    """Amounts in sentences that speak of investing (``sents``), the article's provider's only;
    an amount in another currency right after one (in brackets, or after "about"/"约"/"약") is
    its conversion."""
    del lex  # the caller picked the investing sentences
    entries: list[tuple[Money, list[Money]]] = []
    money = sorted(money, key=lambda m: m.start)
    starts = [m.start for m in money]
    for s in sents:
        here = [m for m in _in_sentence(money, starts, s) if mine(m.start, m.end)]
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
