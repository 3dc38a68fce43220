"""Headline totals ("87 availability zones across 29 regions", "29个地域、87个可用区", "리전 29개"):
which counts an article states, whose they are, and whether they are a count or a goal."""

from __future__ import annotations

__all__ = ["Total", "find_totals"]

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cloudmap.intake.lexicon import Lexicon
from cloudmap.intake.text import Span, cjk_width, terms_pattern

TOTALS_REACH = 90  # a zone count and a region count this close (Latin widths) go together
GOAL_REACH = 60  # a goal word this close before (or, in CJK, after) a count makes it a target


@dataclass(frozen=True)
class Total:
    """Counts stated together; ``target``: stated as a goal, not as the footprint today."""

    start: int
    end: int
    regions: int | None
    zones: int | None
    target: bool


def _count_patterns(units: Sequence[str], lex: Lexicon) -> list[re.Pattern[str]]:
    """A number before its unit (with an optional counter between: 29个地域, 29のリージョン,
    29개 리전), and, where a language has counters, the unit before the number with its counter
    (리전 29개, 地域数29个, リージョン数は29か所)."""
    unit = terms_pattern(units).pattern
    number = r"(?<![\d.,])(\d{1,4})(?![\d.,]\d)"
    if not lex.counter:
        return [re.compile(rf"{number}\s?(?:{unit})", re.IGNORECASE)]
    counter = "|".join(lex.counter)
    return [
        re.compile(rf"{number}\s?(?:{counter})?\s?(?:{unit})", re.IGNORECASE),
        re.compile(
            rf"(?:{unit})\s?(?:数|數|の数|수|는|は|が|为|為|达到|達到|가|이)?\s?(?:약|約|约)?\s?"
            rf"{number}\s?(?:{counter})",
            re.IGNORECASE,
        ),
    ]


def _counts(pats: Sequence[re.Pattern[str]], text: str) -> list[tuple[int, int, int]]:
    """(start, end, n) of every count in ``text``, in order, overlapping matches dropped."""
    found: list[tuple[int, int, int]] = []
    for rx in pats:
        for m in rx.finditer(text):
            if all(m.end() <= s or m.start() >= e for s, e, _ in found):
                found.append((m.start(), m.end(), int(m.group(1))))
    return sorted(found)


def _goal(sentence: str, start: int, end: int, lex: Lexicon) -> bool:
    """A goal word near the counts, where the language puts it: before them (``plans to``,
    ``aims``, ``目标``) for languages whose verbs come first, after them (目指す, 목표) for those
    whose verbs come last, either side for the others; a deadline (``by 2027``, ``d'ici 2027``,
    ``2027년까지``) on either side in every language."""
    if not lex.goal:
        return False
    words = terms_pattern([g for g in lex.goal if "20" not in g])
    deadlines = terms_pattern([g for g in lex.goal if "20" in g] or ["(?!x)x"])
    lo = start
    while lo > 0 and cjk_width(sentence[lo - 1 : start]) <= GOAL_REACH:
        lo -= 1
    hi = end
    while hi < len(sentence) and cjk_width(sentence[end : hi + 1]) <= GOAL_REACH:
        hi += 1
    before, inside, after = sentence[lo:start], sentence[start:end], sentence[end:hi]
    if deadlines.search(before) or deadlines.search(after[: GOAL_REACH // 2]):
        return True
    if words.search(inside):
        return True
    side = lex.future_side
    return bool(
        (side in ("before", "both") and words.search(before))
        or (side in ("after", "both") and words.search(after))
    )


# A count the footprint is to grow "to": "expand its network to 50 regions", "porter à 40
# régions", "扩展至40个地域".
_TO = re.compile(r"(?:\bto|\bà|\ba|\bpara|\baté|\bhasta|至|到|达|達)\s*$")


def _goal_reach(
    sentence: str,
    zs: Sequence[tuple[int, int, int]],
    rs: Sequence[tuple[int, int, int]],
    lex: Lexicon,
) -> bool:
    """A sentence that states a goal for the whole footprint: a goal word, and a count right
    after "to" (a plan to build three regions somewhere is not a footprint goal)."""
    if not lex.goal or not terms_pattern(lex.goal).search(sentence):
        return False
    return any(_TO.search(sentence[max(0, c[0] - 8) : c[0]]) for c in (*zs, *rs))


def find_totals(
    sents: Sequence[Span], lex: Lexicon, mine: Callable[[int, int], bool]
) -> tuple[Total | None, list[Total]]:
    """The article's own totals and the totals it gives for other providers.

    The first zone count and region count named together in one sentence; failing that, the
    first lone region and zone counts in sentences that speak of the whole footprint
    ("worldwide", "全球"). ``mine(start, end)`` says whether a span belongs to the article's
    provider; totals that do not are returned apart. A count of today wins over a goal: a
    target is kept only when the article states no count of today."""
    zone_pats = _count_patterns(lex.zone_unit, lex)
    region_pats = _count_patterns(lex.region_unit, lex)
    total_rx = terms_pattern(lex.total)
    others: list[Total] = []
    pairs: list[Total] = []
    lone: list[Total] = []

    def keep(t: Total, pool: list[Total]) -> None:
        (pool if mine(t.start, t.end) else others).append(t)

    for s in sents:
        zs = _counts(zone_pats, s.text)
        rs = [r for r in _counts(region_pats, s.text) if all(r[0] != z[0] for z in zs)]
        paired: set[int] = set()
        for z in zs:
            near = [
                (cjk_width(s.text[min(z[0], r[0]) : max(z[0], r[0])]), i)
                for i, r in enumerate(rs)
                if i not in paired
            ]
            near = [x for x in near if x[0] <= TOTALS_REACH]
            if not near:
                continue
            i = min(near)[1]
            paired.add(i)
            r = rs[i]
            a, b = min(z[0], r[0]), max(z[1], r[1])
            keep(Total(s.start + a, s.start + b, r[2], z[2], _goal(s.text, a, b, lex)), pairs)
        if total_rx.search(s.text) or _goal_reach(s.text, zs, rs, lex):
            for z in zs:
                t = Total(
                    s.start + z[0], s.start + z[1], None, z[2], _goal(s.text, z[0], z[1], lex)
                )
                keep(t, lone)
            for i, r in enumerate(rs):
                if i not in paired:
                    t = Total(
                        s.start + r[0], s.start + r[1], r[2], None, _goal(s.text, r[0], r[1], lex)
                    )
                    keep(t, lone)
    now = [t for t in pairs if not t.target]
    if now:
        return now[0], others
    now = [t for t in lone if not t.target]
    if now:
        return _merge_lone(now), others
    if pairs:
        return pairs[0], others
    if lone:
        return _merge_lone(lone), others
    return None, others


def _merge_lone(items: Sequence[Total]) -> Total:
    """The first lone region count and the first lone zone count, as one total."""
    regions = next((t for t in items if t.regions is not None), None)
    zones = next((t for t in items if t.zones is not None), None)
    first = min((t for t in (regions, zones) if t is not None), key=lambda t: t.start)
    return Total(
        first.start,
        first.end,
        regions.regions if regions else None,
        zones.zones if zones else None,
        any(t.target for t in (regions, zones) if t is not None),
    )
