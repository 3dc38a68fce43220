"""Footprint statistics as of a date and reconciliation of announced totals with the catalog."""

from __future__ import annotations

__all__ = ["footprint", "reconcile", "stats"]

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from cloudmap.catalog import Announcement, Catalog, Region, parse_total

RECONCILE_WINDOW = dt.timedelta(days=120)


@dataclass(frozen=True)
class Footprint:
    """What counts in headline totals on a date, per the providers' counting rules."""

    on: dt.date
    regions: tuple[Region, ...]  # live regions counted as regions
    zones: tuple[tuple[Region, str], ...]  # (region, zone id) for counted live zones
    uncounted_regions: tuple[Region, ...]  # live, but of a kind the rules leave out

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({r.country for r in self.regions}))


def footprint(catalog: Catalog, on: dt.date, *, provider: str | None = None) -> Footprint:
    """Live regions and zones on ``on`` as the counting rules in data/ define them."""
    regions, zones, uncounted = [], [], []
    for r in catalog.regions:
        if provider is not None and r.provider != provider:
            continue
        if not r.is_live(on):
            continue
        count_region, count_zones = catalog.counted(r)
        (regions if count_region else uncounted).append(r)
        if count_zones:
            zones += [(r, z.id) for z in r.live_zones(on)]
    return Footprint(on, tuple(regions), tuple(zones), tuple(uncounted))


def stats(catalog: Catalog, on: dt.date, *, provider: str | None = None) -> dict[str, Any]:
    """Counts on a date: totals (per the counting rules) and breakdowns by country and by kind."""
    fp = footprint(catalog, on, provider=provider)
    by_country: dict[str, dict[str, int]] = {}
    for r in fp.regions:
        by_country.setdefault(r.country, {"regions": 0, "zones": 0})["regions"] += 1
    for r, _ in fp.zones:
        by_country.setdefault(r.country, {"regions": 0, "zones": 0})["zones"] += 1
    by_kind: dict[str, dict[str, int]] = {}
    for r in catalog.regions:
        if (provider is None or r.provider == provider) and r.is_live(on):
            entry = by_kind.setdefault(r.kind, {"regions": 0, "zones": 0})
            entry["regions"] += 1
            entry["zones"] += len(r.live_zones(on))
    statuses = Counter(
        s
        for r in catalog.regions
        if (provider is None or r.provider == provider)
        for s in [r.status(on)]
        if s is not None
    )
    return {
        "as_of": on.isoformat(),
        "regions": len(fp.regions),
        "zones": len(fp.zones),
        "countries": len(fp.countries),
        "by_country": dict(sorted(by_country.items())),
        "by_kind": dict(sorted(by_kind.items())),
        "by_status": dict(sorted(statuses.items())),
        "announced_sites": len(
            [s for s in catalog.sites_as_of(on) if provider is None or s.provider == provider]
        ),
        "counting": {
            pid: {"regions": list(p.count_region_kinds), "zones": list(p.count_zone_kinds)}
            for pid, p in sorted(catalog.providers.items())
            if provider is None or pid == provider
        },
    }


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
                if d is not None and abs(d.effective - on) <= RECONCILE_WINDOW:
                    out.append(f"zone {z.id} {label} {d}")
    return sorted(out)


def reconcile(catalog: Catalog) -> list[dict[str, Any]]:
    """For each announcement with headline totals: claimed vs catalog as of its date, and why."""
    rows = []
    for ann in sorted(catalog.announcements.values(), key=lambda a: (a.date.effective, a.id)):
        totals = ann.claims.get("totals")
        if not totals:
            continue
        on = ann.claims_as_of
        fp = footprint(catalog, on, provider=ann.provider)
        have = {"regions": len(fp.regions), "zones": len(fp.zones), "countries": len(fp.countries)}
        checks = []
        for key in ("regions", "zones", "countries"):
            parsed = parse_total(totals.get(key)) if key in totals else None
            if parsed is None:
                continue
            claimed, at_least = parsed
            checks.append(
                {
                    "what": key,
                    "claimed": f"{claimed}+" if at_least else claimed,
                    "catalog": have[key],
                    "difference": (
                        0 if at_least and have[key] >= claimed else have[key] - claimed
                    ),
                }
            )
        match = all(c["difference"] == 0 for c in checks)
        target = ann.claims.get("target") is True
        row: dict[str, Any] = {
            "announcement": ann.id,
            "date": ann.date.iso,
            "as_of": on.isoformat(),
            "result": "target" if target else ("match" if match else "differs"),
            "checks": checks,
            "note": ann.claims.get("note") or ann.notes,
        }
        if not match and not target:
            row["nearby_events"] = _uncertain_events(catalog, ann, on)
        rows.append(row)
    return rows
