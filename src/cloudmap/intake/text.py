"""Text helpers shared by the extractors: scripts, sentences, whole-word term patterns."""

from __future__ import annotations

__all__ = ["Span", "cjk_width", "is_cjk", "sentences", "terms_pattern"]

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2E80, 0x9FFF),  # CJK radicals .. unified ideographs, kana, CJK punctuation
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),  # Hangul syllables
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x2FA1F),
)


class Span(NamedTuple):
    """A [start, end) slice of a text and what was found there."""

    start: int
    end: int
    text: str


_CJK = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES) + "]")


def is_cjk(ch: str) -> bool:
    """True for Han, kana, Hangul and full-width characters."""
    return _CJK.match(ch) is not None


def cjk_width(text: str) -> int:
    """Distance weight of a stretch of text: a CJK character counts as three Latin ones."""
    return len(text) + 2 * len(_CJK.findall(text))


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+(?=[^a-z0-9\s])|(?<=[。！？])|\n+")


def sentences(text: str) -> list[Span]:
    """The sentences of a text (split after . ! ? before a non-lowercase start, after 。！？,
    and at line breaks; "52.7" and "Oct. 14" stay whole)."""
    out: list[Span] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start and text[start : m.start()].strip():
            out.append(Span(start, m.start(), text[start : m.start()]))
        start = m.end()
    if text[start:].strip():
        out.append(Span(start, len(text), text[start:]))
    return out


@functools.lru_cache(maxsize=512)
def _compile(fragments: tuple[str, ...]) -> re.Pattern[str]:
    latin = [f for f in fragments if not any(is_cjk(c) for c in f)]
    cjk = [f for f in fragments if any(is_cjk(c) for c in f)]
    parts = []
    if latin:
        # whole words: no letter right before or after (digits and punctuation may touch)
        parts.append(
            r"(?<![^\W\d_])(?:" + "|".join(sorted(latin, key=len, reverse=True)) + r")(?![^\W\d_])"
        )
    if cjk:
        parts.append("(?:" + "|".join(sorted(cjk, key=len, reverse=True)) + ")")
    return re.compile("|".join(parts) if parts else r"(?!x)x", re.IGNORECASE)


def terms_pattern(fragments: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern for the fragments (Latin ones whole-word, longest first)."""
    return _compile(tuple(fragments))
