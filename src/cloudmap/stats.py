"""The headline figures of a view: live regions, zones and countries by the counting rules,
with breakdowns by country, kind, status and market (``cloudmap stats``)."""

from __future__ import annotations

__all__ = ["CountryFigures", "KindFigures", "Stats", "stats"]

from collections import Counter
from typing import TypedDict

from cloudmap.footprint import MarketStats
from cloudmap.gridfacts import CarbonMean, carbon_mean
from cloudmap.view import AsOf


class CountryFigures(TypedDict):
    regions: int
    zones: int  # a lower bound when zones_unknown > 0
    zones_unknown: int  # counted live regions whose zone count is not known on the date


class KindFigures(TypedDict):
    regions: int
    zones: int
    zones_unknown: int


class CountingRule(TypedDict):
    regions: list[str]  # kinds counted as regions
    zones: list[str]  # kinds whose zones are counted
    exclude: list[str]  # single regions the provider's own totals leave out


class Stats(TypedDict):
    """What ``cloudmap stats --json`` prints."""

    as_of: str
    providers: list[str]
    regions: int
    zones: int  # a lower bound when zones_unknown is not empty
    countries: int
    zones_unknown: list[str]  # counted live regions (provider:id) with no known zone count
    by_country: dict[str, CountryFigures]
    by_kind: dict[str, KindFigures]
    by_status: dict[str, int]
    announced_sites: int
    uncounted: list[str]  # live regions the counting rules leave out (provider:id)
    counting: dict[str, CountingRule]
    markets: list[MarketStats]
    # per provider: the zone-weighted comparable grid carbon of its counted live zones
    carbon: dict[str, CarbonMean]


def stats(view: AsOf) -> Stats:
    """The view's figures. ``zones_unknown`` lists the counted live regions whose zone count is
    not known on the date (not published, or before the zone list is dated): the zone figures
    are then lower bounds, and each breakdown says how many such regions it holds."""
    on, fp = view.on, view.footprint
    by_kind: dict[str, KindFigures] = {}
    statuses: Counter[str] = Counter()
    for r in view.regions_on:
        status = r.status(on)
        if status is not None:
            statuses[status] += 1
        if r.is_live(on):
            entry = by_kind.setdefault(r.kind, {"regions": 0, "zones": 0, "zones_unknown": 0})
            entry["regions"] += 1
            entry["zones"] += len(r.live_zones(on))
            entry["zones_unknown"] += not r.zones_known(on)
    return {
        "as_of": on.isoformat(),
        "providers": list(view.providers),
        "regions": len(fp.regions),
        "zones": len(fp.zones),
        "countries": len(fp.countries),
        "zones_unknown": [r.key for r in fp.zones_unknown],
        "by_country": {
            cc: {"regions": c.regions, "zones": c.zones, "zones_unknown": c.zones_unknown}
            for cc, c in view.country_counts.items()
            if c.regions or c.zones
        },
        "by_kind": dict(sorted(by_kind.items())),
        "by_status": dict(sorted(statuses.items())),
        "announced_sites": len(view.sites_on),
        "uncounted": [r.key for r in fp.uncounted_regions],
        "counting": {
            p.id: {
                "regions": list(p.count_region_kinds),
                "zones": list(p.count_zone_kinds),
                "exclude": sorted(p.exclude),
            }
            for p in view.provider_records
        },
        "markets": list(view.market_stats),
        "carbon": carbon_by_provider(view),
    }


def carbon_by_provider(view: AsOf) -> dict[str, CarbonMean]:
    """Per selected provider, the zone-weighted mean of the comparable grid carbon figure
    (cloudmap.gridfacts) over the zones its headline totals count on the view's date: each
    counted live region weighs as many as its live zones (one when its count is unknown). It
    moves as regions and zones open and close; zones whose region has no figure are counted
    apart."""
    on = view.on
    out = {}
    for pid in view.providers:
        counted = [
            r
            for r in view.regions_on
            if r.provider == pid and r.is_live(on) and view.catalog.counted(r)[1]
        ]
        out[pid] = carbon_mean(counted, on, view.grid_facts, view.grid)
    return out
