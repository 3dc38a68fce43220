"""The footprint changelog: every dated lifecycle event in the catalog, newest first, with sources."""

from __future__ import annotations

__all__ = ["VERBS", "Event", "events", "to_json"]

import datetime as dt
import json
from dataclasses import dataclass

from cloudmap.countries import get_name
from cloudmap.dates import PartialDate
from cloudmap.model import Catalog, Source

VERBS = {
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
    kind: str  # a key of VERBS
    provider: str
    subject: str  # region id, zone id or site id
    region: str | None
    title: str  # e.g. "Mexico (Querétaro)"
    country: str
    sources: tuple[Source, ...]

    @property
    def sort_key(self) -> tuple[dt.date, str, str, str]:
        return (self.date.effective, self.kind, self.provider, self.subject)


def events(catalog: Catalog) -> list[Event]:
    """All lifecycle events, newest first (ties broken by kind, then id)."""
    out = []
    for r in catalog.regions:
        for key in ("announced", "launched", "closure_announced", "closed"):
            d = getattr(r, key)
            if d is not None:
                out.append(Event(d, key, r.provider, r.id, r.id, r.label, r.country, r.sources))
        for z in r.zones:
            # A zone that opened (closed) with its region is part of the launch (closure).
            for kind, d, with_region in (
                ("zone_opened", z.opened, r.launched),
                ("zone_closed", z.closed, r.closed),
            ):
                if z.id is None or d is None:
                    continue
                if with_region is None or d.effective != with_region.effective:
                    out.append(
                        Event(d, kind, r.provider, z.id, r.id, r.label, r.country, r.sources)
                    )
    for s in catalog.sites:
        cname = get_name(s.country, s.country) or s.country
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
            "event": VERBS[e.kind],
            "provider": e.provider,
            "id": e.subject,
            "region": e.region,
            "name": e.title,
            "country": e.country,
            "sources": [s.url for s in e.sources],
        }
        for e in evts
    ]
    # One event per line (diffable), each encoded by the C encoder (indent= would not use it).
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for r in rows]
    return "[\n" + ",\n".join(lines) + ("\n]\n" if lines else "]\n")
