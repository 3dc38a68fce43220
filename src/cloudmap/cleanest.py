"""The cleanest live region of each provider within an estimated round-trip time of a place:
regions serving the public, ranked by the comparable grid carbon figure and, within one
country, by their sub-national zone's figure of one dataset (cloudmap.gridfacts.rank_key)."""

from __future__ import annotations

__all__ = [
    "Candidate",
    "Cleanest",
    "Comparable",
    "Place",
    "ProviderCleanest",
    "cleanest",
    "cleanest_text",
    "find_place",
]

import re
from typing import TypedDict

import numpy as np

from cloudmap.compare import CARBON_NOTE, RTT_NOTE, compared
from cloudmap.countries import get_name
from cloudmap.errors import CloudmapError, NotFound
from cloudmap.gazetteer import cities, haversine_km
from cloudmap.gridfacts import rank_key
from cloudmap.latency import model
from cloudmap.model import Region
from cloudmap.nearest import COVERAGE_KINDS
from cloudmap.view import AsOf


class Place(TypedDict):
    name: str
    country: str | None
    lat: float
    lon: float
    geonameid: int | None  # the GeoNames city, when the place was given by name


class Candidate(TypedDict):
    """A live region within reach, with the figures it ranks by."""

    region: str  # provider:region-id
    name: str
    city: str | None
    country: str
    km: int
    rtt_est_ms: float  # estimated from distance
    carbon_g_per_kwh: float | None  # the comparable figure (ranks)
    carbon_year: int | None
    grid_zone: str | None
    grid_g_per_kwh: float | None  # the finest figure known (shown; its own method)
    grid_level: str | None
    grid_method: str | None
    grid_gas: str | None
    grid_dataset: str | None
    provider_cfe_share: float | None  # the provider's own figure (not a grid figure)
    provider_energy_year: int | None
    partition: str | None
    jurisdictions: list[str]


class ProviderCleanest(TypedDict):
    provider: str
    name: str
    candidates: int  # live public regions within reach (after the view's filters)
    cleanest: Candidate | None


class Comparable(TypedDict):
    dataset: str
    method: str
    gas: str


class Cleanest(TypedDict):
    """What ``cloudmap cleanest --json`` prints."""

    as_of: str
    place: Place
    within_ms: float
    rtt: str
    kinds: list[str]
    filters: str | None
    comparable: Comparable | None  # the dataset regions are ranked by
    providers: list[ProviderCleanest]


_LATLON = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*,\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")


def find_place(text: str) -> Place:
    """A place: ``LAT,LON`` (decimal degrees), or a GeoNames city of 15,000+ people as
    ``NAME, CC`` (``Mexico City, MX``) or ``NAME`` (the most populous city of that name);
    ``NotFound`` when there is none."""
    m = _LATLON.match(text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CloudmapError(f"{text!r}: latitude -90..90, longitude -180..180")
        return {"name": f"{lat}, {lon}", "country": None, "lat": lat, "lon": lon, "geonameid": None}
    name, _, cc = text.rpartition(",")
    if not name or not re.fullmatch(r"\s*[A-Za-z]{2}\s*", cc):
        name, cc = text, ""
    name, cc = name.strip(), cc.strip().upper()
    if not name:
        raise CloudmapError("give a place: a city (Mexico City, MX) or LAT,LON")
    if cc and get_name(cc) is None:
        raise CloudmapError(f"{cc!r} is not an ISO 3166-1 alpha-2 country code (e.g. MX)")
    gaz = cities()
    codes = [cc] if cc else sorted(set(gaz.country.tolist()))
    rows = [i for code in codes for i in gaz.find(code, name)]
    if not rows:
        where = f" in {cc}" if cc else ""
        raise NotFound(
            f"no city {name!r}{where} among GeoNames' cities of 15,000+ people; "
            "try NAME, CC or LAT,LON"
        )
    i = max(rows, key=lambda r: (int(gaz.population[r]), -int(gaz.geonameid[r])))
    return {
        "name": str(gaz.name[i]),
        "country": str(gaz.country[i]),
        "lat": float(gaz.lat[i]),
        "lon": float(gaz.lon[i]),
        "geonameid": int(gaz.geonameid[i]),
    }


def cleanest(view: AsOf, near: str | tuple[float, float], *, within_ms: float) -> Cleanest:
    """Per provider (``compare``'s selection: one selected provider is compared with every
    other), its live public regions passing the view's filters whose estimated RTT from
    ``near`` is at most ``within_ms``, and the cleanest of them by the comparison rule."""
    if not 0 < within_ms <= 1000:
        raise CloudmapError(f"within {within_ms:g} ms: give a round-trip time from 1 to 1000 ms")
    place = find_place(near if isinstance(near, str) else f"{near[0]},{near[1]}")
    view = compared(view)
    rtt_of = model().rtt_ms
    out: list[ProviderCleanest] = []
    for pid in view.providers:
        one = view.only(pid)
        live = [r for r in one.selected.regions if r.kind in COVERAGE_KINDS and r.is_live(one.on)]
        km = haversine_km(
            place["lat"],
            place["lon"],
            np.array([r.location.lat for r in live], dtype=float),
            np.array([r.location.lon for r in live], dtype=float),
        )
        rtt = np.round(np.asarray(rtt_of(km)), 1)
        near_ones = [
            (r, round(float(d)), float(t))
            for r, d, t in zip(live, km, rtt, strict=True)
            if t <= within_ms
        ]
        near_ones.sort(key=lambda x: (rank_key(view.grid_of(x[0])), x[2]))
        best = near_ones[0] if near_ones else None
        out.append(
            {
                "provider": pid,
                "name": view.catalog.providers[pid].name,
                "candidates": len(near_ones),
                "cleanest": _candidate(view, *best) if best else None,
            }
        )
    ds = view.grid.datasets.get(view.grid.comparable or "")
    return {
        "as_of": view.on.isoformat(),
        "place": place,
        "within_ms": within_ms,
        "rtt": RTT_NOTE,
        "kinds": list(COVERAGE_KINDS),
        "filters": view.filters.describe() or None,
        "comparable": {"dataset": ds.id, "method": ds.method, "gas": ds.gas} if ds else None,
        "providers": out,
    }


def _candidate(view: AsOf, r: Region, km: int, rtt: float) -> Candidate:
    g = view.grid_of(r)
    c, f, e, j = g.carbon, g.figure, g.energy, g.jurisdiction
    return {
        "region": r.key,
        "name": r.label,
        "city": r.city,
        "country": r.country,
        "km": km,
        "rtt_est_ms": rtt,
        "carbon_g_per_kwh": c.g_per_kwh if c else None,
        "carbon_year": c.year if c else None,
        "grid_zone": g.zone,
        "grid_g_per_kwh": f.g_per_kwh if f else None,
        "grid_level": f.level if f else None,
        "grid_method": f.method if f else None,
        "grid_gas": f.gas if f else None,
        "grid_dataset": f.dataset if f else None,
        "provider_cfe_share": e.cfe_share if e else None,
        "provider_energy_year": e.year if e else None,
        "partition": j.partition,
        "jurisdictions": list(j.jurisdictions),
    }


def cleanest_text(result: Cleanest) -> str:
    """The result for people: one row per provider."""
    from cloudmap.compare import _table

    p = result["place"]
    where = f"{p['name']}, {p['country']}" if p["country"] else p["name"]
    only = f"; only {result['filters']}" if result["filters"] else ""
    lines = [
        f"Cleanest live region of each provider within {result['within_ms']:g} ms* of {where} "
        f"({p['lat']:.4f}, {p['lon']:.4f}) as of {result['as_of']}",
        f"(public regions: {', '.join(result['kinds'])}; ranked by grid carbon†{only})",
        "",
    ]
    head = [
        "provider",
        "region",
        "where",
        "km",
        "RTT ms*",
        "g/kWh†",
        "zone figure‡",
        "own CFE§",
        "of",
    ]
    body = []
    for row in result["providers"]:
        c = row["cleanest"]
        if c is None:
            body.append([row["name"], "none within reach", "", "", "", "", "", "", "0"])
            continue
        zone = "-"
        if (
            c["grid_g_per_kwh"] is not None
            and c["grid_level"] == "zone"
            and "-" in (c["grid_zone"] or "")
        ):
            zone = f"{c['grid_zone']} {c['grid_g_per_kwh']:.0f} {c['grid_method']} {c['grid_gas']}"
        carbon = "-" if c["carbon_g_per_kwh"] is None else f"{c['carbon_g_per_kwh']:.0f}"
        cfe = "-"
        if c["provider_cfe_share"] is not None:
            cfe = f"{c['provider_cfe_share']:.0%} ({c['provider_energy_year']})"
        body.append(
            [
                row["name"],
                c["region"].split(":", 1)[1],
                f"{c['city'] or '-'}, {c['country']}",
                f"{c['km']:,}",
                f"{c['rtt_est_ms']:.1f}",
                carbon,
                zone,
                cfe,
                str(row["candidates"]),
            ]
        )
    lines += _table(head, body, right={3, 4, 5, 7, 8})
    lines.append(f"* {RTT_NOTE} (see docs/latency-model.md); of: live regions within reach")
    if result["comparable"] is not None:
        lines.append(
            "† "
            + CARBON_NOTE.split(", zone-weighted")[0].format(**result["comparable"])
            + "; ties within a country broken by ‡"
        )
    lines.append(
        "‡ the region's own sub-national zone figure where known (its own method and "
        "gas: compared only within its dataset)"
    )
    lines.append(
        "§ the provider's own carbon-free energy share for the region (its counting, "
        "its purchases included): shown, never ranked"
    )
    return "\n".join(lines) + "\n"
