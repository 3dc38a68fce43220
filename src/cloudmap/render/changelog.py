"""The changelog page: every dated change in the catalog with filters (provider, country, event
kind, year) and source links that show their site. Rendered from a Jinja2 template with
autoescape, so catalog text is always escaped."""

from __future__ import annotations

__all__ = ["render_changelog"]

import functools
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from cloudmap.changelog import VERBS, Event
from cloudmap.countries import get_name
from cloudmap.model import Catalog


@functools.lru_cache(maxsize=4096)
def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cloudmap", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["host"] = _host
    return env


_CHANGELOG_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:64rem;padding:0 1rem;color:#1f2933}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
td.date{white-space:nowrap}.ev{font-weight:600}.k-closed,.k-closure_announced{color:#a61b1b}
.k-launched,.k-zone_opened{color:#0b6b2e}.k-announced,.k-site_announced{color:#1849a9}
code{font-size:.9em}a{color:#1849a9}.prov{font-weight:600}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:1rem 0}
.src{margin:0;padding-left:1.2rem}tr[hidden]{display:none}
td{overflow-wrap:anywhere}
@media (max-width:40rem){body{margin:1rem auto}table,tbody,tr,td{display:block}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
tr.event{padding:.5rem 0;border-bottom:1px solid #ddd}td{border:0;padding:.1rem 0}
td.date{font-size:.9em;color:#4a5662}.src{display:flex;flex-wrap:wrap;gap:0 1.4rem}}
"""


@dataclass(frozen=True, slots=True)
class _Row:
    """One changelog row, every value ready to print."""

    iso: str
    provider: str
    country: str
    kind: str
    year: int
    human: str
    verb: str
    provider_name: str
    title: str
    code: str
    zone: str | None
    sources: list[tuple[str, str, str]]  # (url, what it supports, host)


def render_changelog(
    catalog: Catalog, events: Sequence[Event], *, title: str = "Footprint changelog"
) -> str:
    """The changelog page: every event with filters (provider, country, event kind, year) and
    source links that show their site."""
    providers = [catalog.providers[p] for p in sorted(catalog.providers)]
    countries = sorted({e.country for e in events})
    kinds = [k for k in VERBS if any(e.kind == k for e in events)]
    names = {p.id: p.name for p in providers}
    rows = [  # plain values, so the template only escapes and joins (20,000 events at scale)
        _Row(
            e.date.iso,
            e.provider,
            e.country,
            e.kind,
            e.date.effective.year,
            e.date.human(),
            VERBS[e.kind],
            names.get(e.provider, e.provider),
            e.title,
            e.region or e.subject,
            e.subject if e.kind.startswith("zone") else None,
            [(s.url, s.supports, _host(s.url)) for s in e.sources],
        )
        for e in events
    ]
    return (
        _env()
        .get_template("changelog.html.j2")
        .render(
            title=title,
            css=_CHANGELOG_CSS,
            providers=providers,
            provider_names={p.id: p.name for p in providers},
            show_provider=len(providers) > 1,
            countries=[(cc, get_name(cc, cc)) for cc in countries],
            kinds=[(k, VERBS[k]) for k in kinds],
            years=sorted({e.date.effective.year for e in events}, reverse=True),
            events=rows,
        )
    )
