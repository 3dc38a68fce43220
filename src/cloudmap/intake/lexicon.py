"""The engine's only hand-written language knowledge: event, facility, unit and investment words."""

# The fragments themselves are data, in lexicon.yaml beside this module (one list per role and
# language, so a reviewer can read all of it in one place); this module gives them a type.

from __future__ import annotations

__all__ = ["LEXICON", "Lexicon"]

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Lexicon:
    """Regular-expression fragments of one language, by role."""

    facility: tuple[str, ...]  # what opens or closes: data centre, region, zone
    open: tuple[str, ...]  # starts operating (opened; planned when a future marker is near)
    close: tuple[str, ...]  # announced closure, tenseless or future (closing)
    closed: tuple[str, ...]  # past closure (closed; closing when a future marker is near)
    plan: tuple[str, ...]  # plans, construction (planned)
    expand: tuple[str, ...]  # more capacity where it already operates (expanding)
    weak_plan: tuple[
        str, ...
    ]  # "announced": planned only when no other event word is in the sentence
    future: tuple[str, ...]  # markers of the future / intention near an open or closed word
    invest: tuple[str, ...]  # marks a money figure as an investment
    total: tuple[str, ...]  # marks a lone zone or region count as a footprint total
    zone_unit: tuple[str, ...]  # "availability zones" after a count
    region_unit: tuple[str, ...]  # "regions" after a count
    counter: tuple[str, ...] = ()  # classifiers between a number and its noun (个, 개, の)
    venue: tuple[
        str, ...
    ] = ()  # a place after/before these hosts an event or an office, not a site
    future_side: str = "before"  # where future markers stand: before the verb, after it, or both
    list_glue: tuple[
        str, ...
    ] = ()  # articles/prepositions allowed between listed names ("en", "aux")
    goal: tuple[str, ...] = ()  # marks totals as a goal ("aims to reach", "目标", "목표")


def _load() -> dict[str, Lexicon]:
    import importlib.resources

    import yaml

    text = (importlib.resources.files("cloudmap.intake") / "lexicon.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    out: dict[str, Lexicon] = {}
    for lang, roles in raw.items():
        values: dict[str, Any] = {
            k: (tuple(v) if isinstance(v, list) else v) for k, v in roles.items()
        }
        out[str(lang)] = Lexicon(**values)
    return out


LEXICON: dict[str, Lexicon] = _load()
