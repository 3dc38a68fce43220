"""Providers side by side in a market, a country or the world: live regions, zones, countries
covered, first and latest launch, announced sites, and for each country the nearest region of
each provider with its distance and estimated round-trip time."""

from __future__ import annotations

__all__ = [
    "Comparison",
    "NearestRegion",
    "ProviderFigures",
    "compare_csv",
    "compare_providers",
    "compare_text",
]

import csv
import io
from typing import NotRequired, TypedDict

from cloudmap.countries import get_name
from cloudmap.dates import PartialDate
from cloudmap.errors import CloudmapError
from cloudmap.gridfacts import CarbonMean, carbon_mean
from cloudmap.nearest import COVERAGE_KINDS
from cloudmap.view import AsOf

RTT_NOTE = "estimated from distance"
CARBON_NOTE = (
    "grid carbon of each region's country, one dataset for all ({dataset}: {method} {gas}, "
    "g/kWh), zone-weighted for providers"
)


class Scope(TypedDict):
    market: str | None
    country: str | None
    countries: list[str] | None  # None: the world


class ProviderFigures(TypedDict):
    """One provider's public footprint in the scope on the date."""

    provider: str
    name: str
    live_regions: int
    live_zones: int  # a lower bound when zones_unknown is not empty
    zones_unknown: list[str]  # live regions with no published zone count
    countries_covered: int
    first_launch: str | None
    first_launch_qualifier: str | None  # "no later than" when only a bound is known
    latest_launch: str | None
    latest_launch_qualifier: str | None
    announced: list[str]  # announced regions and sites in the scope
    carbon: CarbonMean  # zone-weighted comparable grid carbon of the live regions counted here


class NearestRegion(TypedDict):
    region: str
    city: str | None
    region_country: str | None
    median_km: int
    rtt_est_ms: float  # estimated from distance
    location_precision: str | None
    carbon_g_per_kwh: float | None  # the region's comparable grid carbon figure
    partition: str | None
    jurisdictions: list[str]
    jurisdictions_complete: bool  # False: the operator is unknown, others may apply


class CountryNearest(TypedDict):
    iso_a2: str
    name: str
    nearest: dict[str, NearestRegion]  # by provider id


class Comparison(TypedDict):
    """What ``cloudmap compare --json`` prints."""

    as_of: str
    scope: Scope
    rtt: str
    kinds: list[str]
    filters: str | None  # the filters regions had to pass (cloudmap.gridfacts.RegionFilter)
    providers: list[ProviderFigures]
    countries: list[CountryNearest]
    without_cities: NotRequired[list[str]]


def _scope(view: AsOf, market: str | None, country: str | None) -> Scope:
    if market and country:
        raise CloudmapError("give a market or a country, not both")
    if market:
        m = view.market(market)
        return {"market": m.name, "country": None, "countries": sorted(m.countries)}
    if country:
        cc = country.strip().upper()
        if get_name(cc) is None:
            raise CloudmapError(f"{country!r} is not an ISO 3166-1 alpha-2 country code (e.g. AE)")
        return {"market": None, "country": cc, "countries": [cc]}
    return {"market": None, "country": None, "countries": None}


def _provider_row(view: AsOf, countries: set[str] | None) -> ProviderFigures:
    """``view`` holds one provider."""
    on, (pid,) = view.on, view.providers
    mine = [r for r in view.selected.regions if r.kind in COVERAGE_KINDS]
    here = [r for r in mine if countries is None or r.country in countries]
    live = [r for r in here if r.is_live(on)]
    launches = sorted(
        (r.launched for r in here if r.launched is not None and r.launched.effective <= on),
        key=lambda d: (d.effective, d.text),
    )
    announced_regions = [r.id for r in here if r.status(on) == "announced"]
    sites = [s.id for s in view.sites_on if countries is None or s.country in countries]
    first, first_q = _first_launch(launches)
    return {
        "provider": pid,
        "name": view.catalog.providers[pid].name,
        "live_regions": len(live),
        "live_zones": sum(len(r.live_zones(on)) for r in live),
        "zones_unknown": sorted(r.id for r in live if not r.zones_known(on)),
        "countries_covered": len({r.country for r in live}),
        "first_launch": first,
        "first_launch_qualifier": first_q,
        "latest_launch": launches[-1].iso if launches else None,
        "latest_launch_qualifier": launches[-1].qualifier if launches else None,
        "announced": sorted(announced_regions + sites),
        "carbon": carbon_mean(live, on, view.grid_facts, view.grid),
    }


def _first_launch(launches: list[PartialDate]) -> tuple[str | None, str | None]:
    """The earliest launch: the one that ended earliest; only "no later than" it when another
    launch is a bound (a bound may lie before any exact date)."""
    if not launches:
        return None, None
    first = min(launches, key=lambda d: (d.latest, d.text))
    earlier = first.no_later_than or any(d.start < first.start for d in launches)
    return first.iso, "no later than" if earlier else None


def compared(view: AsOf) -> AsOf:
    """The providers a comparison shows: the view's selection when it holds several, else the
    selected provider and every other provider of the project (one provider is no comparison;
    the default selection is the lead provider alone)."""
    return view if len(view.providers) > 1 else view.everyone


def compare_providers(
    view: AsOf, *, market: str | None = None, country: str | None = None
) -> Comparison:
    """Providers side by side (see ``compared`` for which) in a market, a country or the world.

    Regions are those serving the public (kinds region, local-region, partner-region), live on
    the view's date, located in the scope's countries. ``countries`` gives, per country of the
    scope (none when the scope is the world), each provider's nearest live region to the
    country's city population, the population-weighted median distance and the estimated RTT.
    """
    view = compared(view)
    scope = _scope(view, market, country)
    wanted = set(scope["countries"]) if scope["countries"] is not None else None
    out: Comparison = {
        "as_of": view.on.isoformat(),
        "scope": scope,
        "rtt": RTT_NOTE,
        "kinds": list(COVERAGE_KINDS),
        "filters": view.filters.describe() or None,
        "providers": [_provider_row(view.only(pid), wanted) for pid in view.providers],
        "countries": [],
    }
    if wanted is None:
        return out
    from cloudmap.gazetteer import cities

    with_cities = set(cities().country.tolist())
    measured = sorted(c for c in wanted if c in with_cities)
    per: dict[str, dict[str, NearestRegion]] = {cc: {} for cc in measured}
    for pid in view.providers:
        one = view.only(pid)
        for cc in measured:
            rec = one.coverage_by_country.get(cc)
            if rec is None:
                continue
            region = view.catalog.get(f"{pid}:{rec['nearest_region']}")
            facts = view.grid_of(region) if region is not None else None
            per[cc][pid] = {
                "region": rec["nearest_region"],
                "city": region.city if region is not None else None,
                "region_country": region.country if region is not None else None,
                "median_km": int(rec["median_km"]),
                "rtt_est_ms": float(rec["rtt_est_ms"]),
                "location_precision": region.location.precision if region is not None else None,
                "carbon_g_per_kwh": facts.carbon.g_per_kwh if facts and facts.carbon else None,
                "partition": facts.jurisdiction.partition if facts else None,
                "jurisdictions": list(facts.jurisdiction.jurisdictions) if facts else [],
                "jurisdictions_complete": facts.jurisdiction.complete if facts else False,
            }
    out["countries"] = [
        {"iso_a2": cc, "name": get_name(cc, cc) or cc, "nearest": per[cc]} for cc in measured
    ]
    out["without_cities"] = sorted(wanted - set(measured))
    return out


def compare_text(result: Comparison) -> str:
    """The comparison for people: a table of providers, then one of nearest regions."""
    scope = result["scope"]
    where = scope["market"] or (
        get_name(scope["country"], scope["country"]) if scope["country"] else "the world"
    )
    filters = f"; only {result['filters']}" if result.get("filters") else ""
    lines = [
        f"Providers in {where} as of {result['as_of']} (public regions: "
        f"{', '.join(result['kinds'])}{filters})",
        "",
    ]
    head = [
        "provider",
        "regions",
        "zones",
        "countries",
        "first launch",
        "latest launch",
        "announced",
        "g/kWh†",
    ]
    body = []
    for p in result["providers"]:
        first = _date(p["first_launch"], p["first_launch_qualifier"])
        latest = _date(p["latest_launch"], p["latest_launch_qualifier"])
        zones = f"{p['live_zones']}+" if p.get("zones_unknown") else str(p["live_zones"])
        body.append(
            [
                p["name"],
                str(p["live_regions"]),
                zones,
                str(p["countries_covered"]),
                first,
                latest,
                str(len(p["announced"])),
                _grams(p["carbon"]["g_per_kwh"]),
            ]
        )
    lines += _table(head, body, right={1, 2, 3, 6, 7})
    if result["countries"]:
        names = {p["provider"]: p["name"] for p in result["providers"]}
        pids = [p["provider"] for p in result["providers"]]
        lines += ["", "Nearest live region from each country's cities (km, RTT ms*, g/kWh†):"]
        head = ["country", *(names[p] for p in pids)]
        body = []
        for c in result["countries"]:
            cells = [f"{c['name']} ({c['iso_a2']})"]
            for pid in pids:
                n = c["nearest"].get(pid)
                rough = " ~" if n and n.get("location_precision") == "country" else ""
                cells.append(
                    f"{n['region']} {n['median_km']:,} km {n['rtt_est_ms']:.0f} ms "
                    f"{_grams(n['carbon_g_per_kwh'])} g{rough}"
                    if n
                    else "-"
                )
            body.append(cells)
        lines += _table(head, body)
        lines.append(
            f"* {RTT_NOTE}: population-weighted over GeoNames cities of 15,000+ people; "
            "not measured (see docs/latency-model.md)"
        )
        if any(row[i].endswith(" ~") for row in body for i in range(1, len(row))):
            from cloudmap.report import ROUGH_NOTE

            lines.append(ROUGH_NOTE)
    if result.get("without_cities"):
        lines.append(
            "No city of 15,000+ people to measure from in: " + ", ".join(result["without_cities"])
        )
    carbon = next((p["carbon"] for p in result["providers"] if p["carbon"]["dataset"]), None)
    if carbon is not None:
        lines.append("† " + CARBON_NOTE.format(**carbon) + ' (README, "Grid and jurisdiction")')
    return "\n".join(lines) + "\n"


def _grams(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _date(iso: str | None, qualifier: str | None) -> str:
    if iso is None:
        return "-"
    return f"<={iso}" if qualifier else iso


def _table(head: list[str], body: list[list[str]], right: set[int] | None = None) -> list[str]:
    right = right or set()
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(head), line(["-" * w for w in widths]), *(line(r) for r in body)]


def compare_csv(result: Comparison) -> str:
    """One row per (country, provider) nearest region, or per provider without countries."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if not result["countries"]:
        w.writerow(
            [
                "provider",
                "live_regions",
                "live_zones",
                "zones_known",
                "countries_covered",
                "first_launch",
                "latest_launch",
                "announced",
                "carbon_g_per_kwh",
                "carbon_zones_without_figure",
            ]
        )
        for p in result["providers"]:
            w.writerow(
                [
                    p["provider"],
                    p["live_regions"],
                    p["live_zones"],
                    str(not p["zones_unknown"]).lower(),
                    p["countries_covered"],
                    _date(p["first_launch"], p["first_launch_qualifier"]),
                    _date(p["latest_launch"], p["latest_launch_qualifier"]),
                    len(p["announced"]),
                    p["carbon"]["g_per_kwh"],
                    p["carbon"]["zones_without_figure"],
                ]
            )
        return buf.getvalue()
    w.writerow(
        [
            "iso_a2",
            "country",
            "provider",
            "nearest_region",
            "region_country",
            "median_km",
            "rtt_est_ms",
            "location_precision",
            "carbon_g_per_kwh",
            "partition",
            "jurisdictions",
            "jurisdictions_complete",
        ]
    )
    for c in result["countries"]:
        for pid, n in sorted(c["nearest"].items()):
            w.writerow(
                [
                    c["iso_a2"],
                    c["name"],
                    pid,
                    n["region"],
                    n["region_country"],
                    n["median_km"],
                    n["rtt_est_ms"],
                    n["location_precision"],
                    n["carbon_g_per_kwh"],
                    n["partition"],
                    ";".join(n["jurisdictions"]),
                    str(n["jurisdictions_complete"]).lower(),
                ]
            )
    return buf.getvalue()
