"""Plain-text reports of what the library computes: stats, reconciliation, coverage tables.

Every millisecond figure is starred and footnoted as estimated from distance, never measured.
"""

from __future__ import annotations

__all__ = ["coverage_text", "reconcile_text", "stats_text"]

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cloudmap.coverage import RTT_NOTE, THRESHOLDS_MS, _missing
from cloudmap.footprint import ReconcileRow
from cloudmap.latency import model
from cloudmap.nearest import ALL_PROVIDERS
from cloudmap.stats import Stats


def zones_text(zones: int, unknown: int) -> str:
    """A zone figure for people: ``N+`` when some regions' zone counts are not known."""
    return f"{zones}+" if unknown else str(zones)


def _regions(n: int) -> str:
    """ "region" or "regions", padded to one width so the columns stay aligned."""
    return "region " if n == 1 else "regions"


def stats_text(data: Stats) -> str:
    """``cloudmap stats`` as text."""
    unknown = len(data.get("zones_unknown", []))
    out = [
        f"As of {data['as_of']}: {data['regions']} regions, "
        f"{zones_text(data['zones'], unknown)} zones, "
        f"{data['countries']} countries (counting rules: data/<provider>.yaml)",
    ]
    if unknown:
        out.append(
            f"  N+ zones: the zone count of {unknown} region{'s' if unknown != 1 else ''} is not "
            "published for this date, so the figure is a lower bound"
        )
    out += ["", "By country:"]
    out += [
        f"  {cc}  {v['regions']:3d} {_regions(v['regions'])} "
        f"{zones_text(v['zones'], v['zones_unknown']):>4s} zones"
        for cc, v in data["by_country"].items()
    ]
    out += ["", "By kind (all live regions, counted or not):"]
    out += [
        f"  {kind:15s} {v['regions']:3d} {_regions(v['regions'])} "
        f"{zones_text(v['zones'], v['zones_unknown']):>4s} zones"
        for kind, v in data["by_kind"].items()
    ]
    if data.get("uncounted"):
        out += ["", "Live but outside the headline totals: " + ", ".join(data["uncounted"])]
    out += _carbon_lines(data)
    if data.get("markets"):
        out += ["", "By market:"]
        out += [
            f"  {m['name']:15s} {m['countries_targeted']:3d} countries targeted, "
            f"{m['countries_hosting']:3d} hosting, "
            f"{zones_text(m['live_zones'], not m.get('zones_known', True)):>4s} live zones"
            for m in data["markets"]
        ]
    return "\n".join(out) + "\n"


def _carbon_lines(data: Stats) -> list[str]:
    """The zone-weighted grid carbon of each provider, with what it leaves out."""
    carbon = data.get("carbon") or {}
    known = [c for c in carbon.values() if c["dataset"]]
    if not known:
        return []
    c0 = known[0]
    out = [
        "",
        f"Grid carbon, zone-weighted ({c0['dataset']}: {c0['method']} {c0['gas']} of each "
        "region's country, g/kWh):",
    ]
    width = max(len(p) for p in carbon)
    for pid, c in carbon.items():
        figure = f"{c['g_per_kwh']:.1f}" if c["g_per_kwh"] is not None else "-"
        line = f"  {pid:{width}s}  {figure:>6s} over {c['zones']} zones"
        notes = []
        if c["zones_without_figure"]:
            notes.append(f"{c['zones_without_figure']} zones without a figure")
        if c["weighted_as_one"]:
            n = len(c["weighted_as_one"])
            notes.append(f"{n} region{'s' if n != 1 else ''} of unknown zone count weighed as one")
        out.append(line + (f" ({'; '.join(notes)})" if notes else ""))
    return out


CARBON_FOOTNOTE = (
    "† grid carbon of the nearest region's country: one dataset and method for every region "
    '(README, "Grid and jurisdiction")'
)
ROUGH_NOTE = (
    "~ placed only at its country (the provider publishes no site): distances to it are rough"
)


def reconcile_text(rows: Sequence[ReconcileRow]) -> str:
    """``cloudmap reconcile`` as text."""
    out = []
    for row in rows:
        parts = ", ".join(
            f"{c['what']} claimed {c['claimed']}, catalog {c['catalog']}"
            + (f" ({c['difference']:+d})" if c["difference"] else "")
            for c in row["checks"]
        )
        out.append(
            f"{row['announcement']} (as of {row['as_of']}): {row['result'].upper()}: {parts}"
        )
        if row["result"] != "match":
            if row.get("note"):
                out.append(f"  why: {row['note']}")
            out += [f"  nearby dated event: {ev}" for ev in row.get("nearby_events", [])]
            for c in row["checks"]:
                if c.get("unknown_zone_counts"):
                    n = len(c["unknown_zone_counts"])
                    out.append(
                        f"  zone counts unknown for {n} counted live region"
                        f"{'s' if n != 1 else ''}: {', '.join(c['unknown_zone_counts'])}"
                    )
    return "".join(line + "\n" for line in out)


_HEADERS = {
    "iso_a2": "cc",
    "name": "name",
    "market": "market",
    "countries": "countries",
    "countries_with_cities": "with cities",
    "cities": "cities",
    "population": "population",
    "nearest_region": "nearest region",
    "serving_share": "served",
    "median_km": "median km",
    "distance_km": "km",
    "rtt_floor_ms": "floor ms*",
    "rtt_est_ms": "RTT ms*",
    "delta_ms": "Δ ms*",
    "nearest_carbon_g_per_kwh": "g/kWh†",
    "nearest_jurisdictions": "jurisdictions",
    **{f"share_{t}ms": f"≤{t} ms*" for t in THRESHOLDS_MS},
}


def _header(col: str) -> str:
    for suffix in ("_from", "_to"):
        if col.endswith(suffix):
            return f"{_HEADERS.get(col.removesuffix(suffix), col)} {suffix[1:]}"
    return _HEADERS.get(col, col)


def _cell(col: str, value: Any) -> str:
    if _missing(value):
        return "-"
    base = col.removesuffix("_from").removesuffix("_to")
    if base.startswith("share_") or base == "serving_share":
        return f"{value:.0%}"
    if base == "population":
        return f"{int(value):,}"
    if base == "nearest_carbon_g_per_kwh":
        return f"{value:.0f}"
    if base in ("rtt_est_ms", "rtt_floor_ms"):
        return f"{value:.1f}"
    if base == "delta_ms":
        return f"{value:+.1f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _who(attrs: Mapping[str, Any]) -> str:
    if attrs["provider"] != ALL_PROVIDERS:
        return str(attrs["provider"])
    return f"the nearest of {', '.join(attrs.get('providers') or ['all providers'])}"


def coverage_text(
    df: pd.DataFrame, *, columns: Sequence[str] | None = None, title: str | None = None
) -> str:
    """A plain-text table of a coverage frame; RTT columns are starred and footnoted as
    estimated from distance (never measured)."""
    cols = list(columns) if columns is not None else list(df.columns)
    if title is None:
        a = df.attrs
        if "as_of" in a:
            only = f"; only {a['filters']}" if a.get("filters") else ""
            title = (
                f"Coverage by {_who(a)} as of {a['as_of']} ({a['live_regions']} live regions{only})"
            )
        elif "from" in a:
            title = f"Coverage by {_who(a)}: {a['from']} -> {a['to']}"
    headers = [_header(c) for c in cols]
    rough = set(df.attrs.get("country_precision", ()))
    body = [
        [
            _cell(c, v) + (" ~" if c.startswith("nearest_region") and v in rough else "")
            for c, v in zip(cols, row, strict=True)
        ]
        for row in df[cols].itertuples(index=False, name=None)
    ]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in cols]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    out = [title] if title else []
    out += [line(headers), line(["-" * w for w in widths]), *(line(r) for r in body)]
    if any(h.endswith("†") for h in headers):
        out.append(CARBON_FOOTNOTE)
    if any(h.endswith("*") or "* " in h for h in headers):
        m = model()
        out.append(
            f"* {RTT_NOTE} (great-circle km to the nearest live region; RTT ~ "
            f"{m.overhead_ms:.1f} ms + {m.inflation:.2f} x km/102, fitted on Azure "
            "inter-region medians): not measured, excludes the user's last mile; "
            "see docs/latency-model.md"
        )
    if any(cell.endswith(" ~") for r in body for cell in r):
        out.append(ROUGH_NOTE)
    return "\n".join(out) + "\n"
