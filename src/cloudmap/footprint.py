"""The counting rule, once: what is live and counted on a date, per country and market, stats,
and the reconciliation of announced headline totals with the catalog."""

from __future__ import annotations

__all__ = [
    "RECONCILE_WINDOW",
    "CountryCount",
    "Footprint",
    "MarketStats",
    "ReconcileCheck",
    "ReconcileRow",
    "country_counts",
    "footprint",
    "market_stats",
    "reconcile",
    "target_markets",
]

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from cloudmap.model import Announcement, Catalog, Market, Region
from cloudmap.reader import parse_total

RECONCILE_WINDOW = dt.timedelta(days=120)


@dataclass(frozen=True)
class Footprint:
    """What counts in headline totals on a date, per the providers' counting rules."""

    on: dt.date
    regions: tuple[Region, ...]  # live regions counted as regions
    zones: tuple[tuple[Region, str | None], ...]  # (region, zone id) for counted live zones
    uncounted_regions: tuple[Region, ...]  # live, but left out by the rules
    zones_unknown: tuple[Region, ...] = ()  # counted live regions whose zone count is unknown

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({r.country for r in self.regions}))


def footprint(catalog: Catalog, on: dt.date, *, provider: str | None = None) -> Footprint:
    """Live regions and zones on ``on`` as the counting rules in data/ define them."""
    regions: list[Region] = []
    zones: list[tuple[Region, str | None]] = []
    uncounted: list[Region] = []
    unknown: list[Region] = []
    for r in catalog.regions:
        if provider is not None and r.provider != provider:
            continue
        if not r.is_live(on):
            continue
        count_region, count_zones = catalog.counted(r)
        (regions if count_region else uncounted).append(r)
        if count_zones:
            zones += [(r, z.id) for z in r.live_zones(on)]
            if not r.zones_known(on):
                unknown.append(r)
    return Footprint(on, tuple(regions), tuple(zones), tuple(uncounted), tuple(unknown))


@dataclass(frozen=True)
class CountryCount:
    regions: int = 0
    zones: int = 0  # a lower bound when zones_unknown > 0
    first: Any = None  # PartialDate of the earliest counted launch by the date
    zones_unknown: int = 0  # counted live regions whose zone count is not known on the date


def country_counts(
    catalog: Catalog, on: dt.date, *, provider: str | None = None
) -> dict[str, CountryCount]:
    """Per declared country: counted live regions and zones on ``on``, and the first launch."""
    fp = footprint(catalog, on, provider=provider)
    regions = Counter(r.country for r in fp.regions)
    zones = Counter(r.country for r, _ in fp.zones)
    unknown = Counter(r.country for r in fp.zones_unknown)
    first: dict[str, Any] = {}
    for r in catalog.regions:
        if provider is not None and r.provider != provider:
            continue
        as_region, _ = catalog.counted(r)
        if as_region and r.launched is not None and r.launched.effective <= on:
            old = first.get(r.country)
            if old is None or (r.launched.effective, r.launched.text) < (old.effective, old.text):
                first[r.country] = r.launched
    return {
        cc: CountryCount(regions[cc], zones[cc], first.get(cc), unknown[cc])
        for cc in sorted(set(regions) | set(zones) | set(first))
    }


def _named_by(market: Market, catalog: Catalog, on: dt.date) -> list[str]:
    """Ids of announcements dated on or before ``on`` that name the market."""
    out = []
    for aid in market.announcements:
        ann = catalog.announcements.get(aid)
        if ann is not None and ann.date.effective <= on:
            out.append(aid)
    return out


class MarketStats(TypedDict):
    """One market's size and the live footprint in it on a date."""

    id: str
    name: str
    countries_targeted: int  # countries the market lists
    countries_hosting: int  # of those, with a live counted region
    live_regions: int
    live_zones: int  # a lower bound when zones_known is false
    zones_known: bool
    announcements: list[str]  # ids dated on or before the date that name the market


def market_stats(
    catalog: Catalog, on: dt.date, *, provider: str | None = None
) -> list[MarketStats]:
    """Per market (sorted by name): its size and the live footprint in it on ``on``.

    Keys: ``id, name, countries_targeted`` (countries the market lists), ``countries_hosting``
    (those with a live counted region), ``live_regions, live_zones`` and ``announcements`` (ids
    dated on or before ``on`` that name the market).
    """
    counts = country_counts(catalog, on, provider=provider)
    out: list[MarketStats] = []
    for name in sorted(catalog.markets):
        m = catalog.markets[name]
        here = [counts[cc] for cc in m.countries if cc in counts]
        out.append(
            {
                "id": m.id,
                "name": m.name,
                "countries_targeted": len(m.countries),
                "countries_hosting": sum(1 for c in here if c.regions > 0),
                "live_regions": sum(c.regions for c in here),
                "live_zones": sum(c.zones for c in here),
                "zones_known": not any(c.zones_unknown for c in here),
                "announcements": _named_by(m, catalog, on),
            }
        )
    return out


def target_markets(catalog: Catalog, on: dt.date) -> dict[str, list[str]]:
    """Per country: names of the markets listing it that an announcement by ``on`` names."""
    out: dict[str, list[str]] = {}
    for m in catalog.markets.values():
        if _named_by(m, catalog, on):
            for cc in m.countries:
                out.setdefault(cc, []).append(m.name)
    return {cc: sorted(v) for cc, v in out.items()}


def _uncertain_events(catalog: Catalog, ann: Announcement, on: dt.date) -> list[str]:
    """Dated events near ``on`` whose timing could move a count across it."""
    out = []
    for r in catalog.regions:
        if r.provider != ann.provider:
            continue
        for label, d in (("launched", r.launched), ("closed", r.closed)):
            if d is not None and abs(d.effective - on) <= RECONCILE_WINDOW:
                out.append(f"region {r.id} {label} {d}")
        for z in r.zones:
            for label, d in (("opened", z.opened), ("closed", z.closed)):
                if z.id and d is not None and abs(d.effective - on) <= RECONCILE_WINDOW:
                    out.append(f"zone {z.id} {label} {d}")
    return sorted(out)


class ReconcileCheck(TypedDict):
    what: str  # regions, zones or countries
    claimed: int | str  # "N+" for "more than N"
    catalog: int
    difference: int  # catalog - claimed (0 when "N+" is met)
    unknown_zone_counts: NotRequired[list[str]]  # counted regions with no published zone count


class ReconcileRow(TypedDict):
    """One announcement's headline totals against the catalog on its date."""

    announcement: str
    provider: str
    date: str
    as_of: str
    result: str  # match, differs, target or incomplete
    checks: list[ReconcileCheck]
    note: str | None
    nearby_events: NotRequired[list[str]]


def reconcile(catalog: Catalog, *, provider: str | None = None) -> list[ReconcileRow]:
    """For each announcement with headline totals: claimed vs catalog as of its date, and why.

    ``result`` is ``match``, ``differs``, ``target`` (the totals are a plan, not a count) or
    ``incomplete`` (fewer zones than claimed, and some counted regions have no known zone
    count: the catalog cannot tell)."""
    rows: list[ReconcileRow] = []
    for ann in sorted(catalog.announcements.values(), key=lambda a: (a.date.effective, a.id)):
        totals = ann.claims.get("totals")
        if not totals or (provider is not None and ann.provider != provider):
            continue
        on = ann.claims_as_of
        fp = footprint(catalog, on, provider=ann.provider)
        have = {"regions": len(fp.regions), "zones": len(fp.zones), "countries": len(fp.countries)}
        checks: list[ReconcileCheck] = []
        for key in ("regions", "zones", "countries"):
            parsed = totals.get(key)
            if isinstance(parsed, int | str):
                parsed = parse_total(parsed)
            if parsed is None:
                continue
            claimed, more = parsed  # "N+": more than N (as "over N" is written)
            need = claimed + 1 if more else claimed
            diff = 0 if more and have[key] >= need else have[key] - need
            checks.append(
                {
                    "what": key,
                    "claimed": f"{claimed}+" if more else claimed,
                    "catalog": have[key],
                    "difference": diff,
                }
            )
        incomplete = False
        for c in checks:
            if c["what"] == "zones" and fp.zones_unknown and c["difference"] < 0:
                c["unknown_zone_counts"] = [r.id for r in fp.zones_unknown]
                incomplete = True
        match = all(c["difference"] == 0 for c in checks)
        target = ann.claims.get("target") is True
        row: ReconcileRow = {
            "announcement": ann.id,
            "provider": ann.provider,
            "date": ann.date.iso,
            "as_of": on.isoformat(),
            "result": "target"
            if target
            else ("match" if match else "incomplete" if incomplete else "differs"),
            "checks": checks,
            "note": ann.notes,
        }
        if not match and not target:
            row["nearby_events"] = _uncertain_events(catalog, ann, on)
        rows.append(row)
    return rows
