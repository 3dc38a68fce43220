"""Which provider each fact of an article belongs to: provider names in the text (providers.yaml),
the provider the article is about, and the owner of a span (the nearest name in its sentence)."""

from __future__ import annotations

__all__ = ["Mention", "Owners", "about", "find_mentions", "provider_names"]

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from cloudmap.intake.places import name_regex
from cloudmap.intake.text import Span, cjk_width

_CLAUSE = set(",，;；:：—–()（）")


@functools.lru_cache(maxsize=1)
def provider_names() -> dict[str, tuple[str, ...]]:
    """Provider id -> the names news uses for it (intake/providers.yaml)."""
    import importlib.resources

    import yaml

    text = (importlib.resources.files("cloudmap.intake") / "providers.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {str(k): tuple(str(n) for n in v) for k, v in raw.items()}


@dataclass(frozen=True)
class Mention:
    """A provider named at [start, end) of the text."""

    start: int
    end: int
    provider: str


@functools.lru_cache(maxsize=16)
def _regex(providers: tuple[str, ...]) -> tuple[object, dict[str, str]]:
    names = provider_names()
    lookup: dict[str, str] = {}
    for pid in providers:
        for n in names.get(pid, ()):
            lookup.setdefault(n, pid)
    return name_regex(list(lookup)), lookup


def find_mentions(text: str, providers: Sequence[str]) -> list[Mention]:
    """Every name of one of ``providers`` in ``text``, in order (longest name first)."""
    rx, lookup = _regex(tuple(sorted(providers)))
    if rx is None:
        return []
    out = []
    for m in rx.finditer(text):  # type: ignore[attr-defined]
        pid = lookup.get(m.group())
        if pid is not None:
            out.append(Mention(m.start(), m.end(), pid))
    return out


def about(
    text: str, title: str | None, mentions: Sequence[Mention], sents: Sequence[Span]
) -> str | None:
    """The provider the article is about: the first named in its title (the text starts with
    it when there is one), else the one named most in its first two sentences (earliest on a
    tie), else the one named most in the whole text; None when it names none."""
    if not mentions:
        return None
    if title and title.strip() and text.lstrip().startswith(title.strip()):
        head = text.index(title.strip()) + len(title.strip())
        first = [m for m in mentions if m.end <= head]
        if first:
            return first[0].provider
    opening_end = sents[1].end if len(sents) > 1 else (sents[0].end if sents else len(text))
    for pool in ([m for m in mentions if m.start < opening_end], list(mentions)):
        if pool:
            counts: dict[str, int] = {}
            for m in pool:
                counts[m.provider] = counts.get(m.provider, 0) + 1
            best = max(counts.values())
            return next(m.provider for m in pool if counts[m.provider] == best)
    return None


class Owners:
    """The owner of a span: in a sentence that names providers, the nearest name (a name in the
    same clause first, then by distance, then the one before the span); in a sentence that
    names none, the provider the article is about."""

    def __init__(
        self, text: str, sents: Sequence[Span], mentions: Sequence[Mention], default: str | None
    ) -> None:
        self._text = text
        self._sents = list(sents)
        self._starts = [s.start for s in self._sents]
        self._default = default
        self._by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            i = self._sentence(m.start)
            if i is not None:
                self._by_sentence.setdefault(i, []).append(m)

    def _sentence(self, pos: int) -> int | None:
        import bisect

        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self._sents[i].end:
            return i
        return None

    def owner(self, start: int, end: int) -> str | None:
        i = self._sentence(start)
        here = self._by_sentence.get(i, []) if i is not None else []
        if not here:
            return self._default
        text = self._text

        def rank(m: Mention) -> tuple[int, int, int]:
            if m.end <= start:
                between, dist = text[m.end : start], cjk_width(text[m.end : start])
            elif end <= m.start:
                between, dist = text[end : m.start], cjk_width(text[end : m.start])
            else:
                between, dist = "", 0
            other_clause = int(any(ch in _CLAUSE for ch in between))
            return (other_clause, dist, int(m.start >= end))

        return min(here, key=rank).provider

    def is_mine(self, start: int, end: int) -> bool:
        """True when the span belongs to the article's provider (or no provider is known)."""
        owner = self.owner(start, end)
        return owner is None or owner == self._default
