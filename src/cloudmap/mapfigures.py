"""The map's figures per country and per region beside the places: estimated RTT from each
provider, the comparison per market, and grid carbon and jurisdiction (cloudmap.gridfacts), as
JSON-ready values with named fields (cloudmap.mapdata assembles them with the places)."""

from __future__ import annotations

__all__ = ["CARBON_COLORS", "RTT_COLORS", "carbon_layer", "comparison", "grid_detail", "rtt"]

from collections.abc import Sequence
from typing import Any

from cloudmap.compare import RTT_NOTE, compare_providers
from cloudmap.gridfacts import CARBON_BANDS
from cloudmap.view import AsOf

# Estimated RTT bands, fastest first (ColorBrewer YlGnBu, dark = near).
RTT_COLORS = ("#253494", "#2c7fb8", "#41b6c4", "#a1dab4", "#ffffcc")
# Grid carbon bands, cleanest first (green to dark brown; checked for contrast and colour vision
# with the other palettes in tests/test_mapdata.py).
CARBON_COLORS = ("#1a7a4c", "#7fbf7b", "#e6d46a", "#c26a22", "#7a3410")


# --------------------------------------------------------------------------- RTT


def rtt(view: AsOf, pids: Sequence[str]) -> dict[str, Any] | None:
    """Estimated RTT per country from each provider's nearest live public region: the page
    shades a country by the best estimate among the providers the user selected.

    ``byCountry``: ``{cc: {"ms": [ms or null per provider], "region": [id or null per
    provider]}}``; ``bands``: ``[{"label", "color", "upTo": ms or null}, ...]``."""
    from cloudmap.coverage import RTT_BANDS

    per: dict[str, dict[str, list[Any]]] = {}
    for i, pid in enumerate(pids):
        for rec in view.only(pid).coverage_records:
            ms = rec["rtt_est_ms"]
            if ms is None or ms != ms:  # no city to measure from
                continue
            row = per.setdefault(
                rec["iso_a2"], {"ms": [None] * len(pids), "region": [None] * len(pids)}
            )
            row["ms"][i] = round(float(ms), 1)
            row["region"][i] = rec["nearest_region"]
    if not per:
        return None
    return {
        "note": RTT_NOTE,
        "bands": [
            {"label": label, "color": color, "upTo": None if upper == float("inf") else upper}
            for (upper, label), color in zip(RTT_BANDS, RTT_COLORS, strict=True)
        ],
        "byCountry": dict(sorted(per.items())),
    }


# --------------------------------------------------------------------------- comparison


def _launch(iso: str | None, qualifier: str | None) -> str | None:
    if iso is None:
        return None
    return f"<={iso}" if qualifier else iso


def comparison(view: AsOf, pids: Sequence[str]) -> list[dict[str, Any]]:
    """Per market, what the comparison panel shows (cloudmap.compare.compare_providers of every
    provider), with provider indices into the page's provider list."""
    index = {pid: i for i, pid in enumerate(pids)}
    out = []
    for name in sorted(view.catalog.markets):
        res = compare_providers(view.everyone, market=name)
        out.append(
            {
                "name": name,
                "providers": [
                    {
                        "provider": index[p["provider"]],
                        "regions": p["live_regions"],
                        "zones": p["live_zones"],
                        "zonesUnknown": len(p["zones_unknown"]),
                        "countries": p["countries_covered"],
                        "firstLaunch": _launch(p["first_launch"], p["first_launch_qualifier"]),
                        "latestLaunch": _launch(p["latest_launch"], p["latest_launch_qualifier"]),
                        "announced": p["announced"],
                    }
                    for p in res["providers"]
                ],
                "countries": [
                    {
                        "country": c["iso_a2"],
                        "nearest": [
                            {
                                "provider": index[pid],
                                "region": n["region"],
                                "city": n["city"],
                                "regionCountry": n["region_country"],
                                "km": n["median_km"],
                                "ms": n["rtt_est_ms"],
                                "rough": n["location_precision"] == "country",
                            }
                            for pid, n in sorted(c["nearest"].items(), key=lambda kv: index[kv[0]])
                        ],
                    }
                    for c in res["countries"]
                ],
                "without": res.get("without_cities", []),
            }
        )
    return out


# --------------------------------------------------------------------------- grid carbon


def carbon_layer(view: AsOf) -> dict[str, Any] | None:
    """Each country's comparable grid carbon (the one dataset every region is compared by, see
    cloudmap.gridfacts), for the "grid carbon" shading: ``byCountry`` ``{cc: g/kWh}``, the
    figure's ``year`` and ``dataset``, and ``bands`` ``[{"label", "color", "upTo"}]``."""
    from cloudmap.gridfacts import country_carbon

    grid = view.grid
    if grid.comparable is None:
        return None
    by_country: dict[str, float] = {}
    years: set[int] = set()
    for a2 in sorted({a for a in view.map_countries.iso_a2 if a}):
        figure = country_carbon(grid, a2)
        if figure is not None and figure.g_per_kwh is not None:
            by_country[a2] = round(float(figure.g_per_kwh))
            if figure.year is not None:
                years.add(figure.year)
    if not by_country:
        return None
    dataset = grid.datasets[grid.comparable]
    return {
        "byCountry": by_country,
        "years": sorted(years),
        "dataset": dataset.name,
        "method": dataset.method,
        "bands": [
            {"label": label, "color": color, "upTo": None if upper == float("inf") else upper}
            for (upper, label), color in zip(CARBON_BANDS, CARBON_COLORS, strict=True)
        ],
    }


def grid_detail(view: AsOf, key: str) -> dict[str, Any] | None:
    """What a place's popup shows of its grid and jurisdiction (``View.grid_popups``), without
    its empty fields, or None for a place the grid tables do not cover."""
    found = view.everyone.grid_popups.get(key)
    if found is None:
        return None
    return {k: v for k, v in found.items() if v not in (None, [], "")}
