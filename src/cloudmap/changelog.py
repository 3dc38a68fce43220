"""The footprint changelog: every dated lifecycle event in the catalog, newest first, with sources."""

from __future__ import annotations

__all__ = ["Event", "events", "to_html", "to_json"]

import datetime as dt
import html
import json
from dataclasses import dataclass

import pycountry

from cloudmap.catalog import Catalog, Source
from cloudmap.schema import PartialDate

_VERBS = {
    "announced": "announced",
    "launched": "launched",
    "closure_announced": "closure announced",
    "closed": "closed",
    "zone_opened": "zone opened",
    "zone_closed": "zone closed",
    "site_announced": "site announced",
}


@dataclass(frozen=True)
class Event:
    """One dated change: what happened to which region, zone or site, and where that is said."""

    date: PartialDate
    kind: str  # a key of _VERBS
    provider: str
    subject: str  # region id, zone id or site id
    region: str | None
    title: str  # e.g. "Mexico (Querétaro)"
    country: str
    sources: tuple[Source, ...]

    @property
    def sort_key(self) -> tuple[dt.date, str, str]:
        return (self.date.effective, self.kind, self.subject)


def events(catalog: Catalog) -> list[Event]:
    """All lifecycle events, newest first (ties broken by kind, then id)."""
    out = []
    for r in catalog.regions:
        for key in ("announced", "launched", "closure_announced", "closed"):
            d = getattr(r, key)
            if d is not None:
                out.append(Event(d, key, r.provider, r.id, r.id, r.name, r.country, r.sources))
        for z in r.zones:
            # A zone that opened (closed) with its region is part of the launch (closure).
            for kind, d, with_region in (
                ("zone_opened", z.opened, r.launched),
                ("zone_closed", z.closed, r.closed),
            ):
                if d is not None and (with_region is None or d.effective != with_region.effective):
                    out.append(Event(d, kind, r.provider, z.id, r.id, r.name, r.country, r.sources))
    for s in catalog.sites:
        country = pycountry.countries.get(alpha_2=s.country)
        cname = getattr(country, "common_name", None) or getattr(country, "name", s.country)
        title = f"{s.city}, {cname}" if s.city else cname
        out.append(
            Event(
                s.announced,
                "site_announced",
                s.provider,
                s.id,
                s.region,
                title,
                s.country,
                s.sources,
            )
        )
    return sorted(out, key=lambda e: e.sort_key, reverse=True)


def to_json(evts: list[Event]) -> str:
    """Canonical JSON (one object per event) for scripts."""
    rows = [
        {
            "date": e.date.iso,
            "date_precision": e.date.precision,
            "date_qualifier": e.date.qualifier,
            "event": _VERBS[e.kind],
            "provider": e.provider,
            "id": e.subject,
            "region": e.region,
            "name": e.title,
            "country": e.country,
            "sources": [s.url for s in e.sources],
        }
        for e in evts
    ]
    return json.dumps(rows, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
td.date{white-space:nowrap}.ev{font-weight:600}.k-closed,.k-closure_announced{color:#b42318}
.k-launched,.k-zone_opened{color:#067647}.k-announced,.k-site_announced{color:#175cd3}
code{font-size:.9em}a{color:#175cd3}
"""


def to_html(evts: list[Event], *, title: str = "Footprint changelog") -> str:
    """A standalone HTML page (every catalog string escaped)."""
    esc = html.escape
    rows = []
    for e in evts:
        links = " ".join(
            f'<a href="{esc(s.url)}" rel="noopener" title="{esc(s.supports)}">[{i}]</a>'
            for i, s in enumerate(e.sources, 1)
        )
        zone = f" zone <code>{esc(e.subject)}</code>" if e.kind.startswith("zone") else ""
        ident = f"<code>{esc(e.region or e.subject)}</code>"
        rows.append(
            f'<tr class="event" data-date="{esc(e.date.iso)}"><td class="date">{esc(e.date.human())}</td>'
            f'<td class="ev k-{e.kind}">{esc(_VERBS[e.kind])}</td>'
            f"<td>{esc(e.title)} {ident}{zone} ({esc(e.country)})</td><td>{links}</td></tr>"
        )
    body = "\n".join(rows)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{_CSS}</style></head><body>\n<h1>{esc(title)}</h1>\n"
        "<p>Every dated change in the catalog, newest first. Imprecise dates show their precision; "
        '"no later than" marks an upper bound. <a href="index.html">Back to the map</a> · '
        '<a href="changelog.json">JSON</a></p>\n'
        "<table><thead><tr><th>Date</th><th>Event</th><th>Where</th><th>Sources</th></tr></thead>"
        f"<tbody>\n{body}\n</tbody></table>\n</body></html>\n"
    )
