"""Plain-text reports of what the library computes: stats, reconciliation, coverage tables.

Every millisecond figure is starred and footnoted as estimated from distance, never measured.
"""

from __future__ import annotations

__all__ = ["coverage_text", "reconcile_text", "stats_text"]

from collections.abc import Sequence
from typing import Any

import pandas as pd

from cloudmap.coverage import RTT_NOTE, THRESHOLDS_MS, _missing
from cloudmap.latency import model
from cloudmap.nearest import ALL_PROVIDERS


def stats_text(data: dict[str, Any]) -> str:
    """``cloudmap stats`` as text."""
    out = [
        f"As of {data['as_of']}: {data['regions']} regions, {data['zones']} zones, "
        f"{data['countries']} countries (counting rules: data/<provider>.yaml)",
        "",
        "By country:",
    ]
    out += [
        f"  {cc}  {v['regions']:3d} regions {v['zones']:4d} zones"
        for cc, v in data["by_country"].items()
    ]
    out += ["", "By kind (all live regions, counted or not):"]
    out += [
        f"  {kind:15s} {v['regions']:3d} regions {v['zones']:4d} zones"
        for kind, v in data["by_kind"].items()
    ]
    if data.get("uncounted"):
        out += ["", "Live but outside the headline totals: " + ", ".join(data["uncounted"])]
    if data.get("markets"):
        out += ["", "By market:"]
        out += [
            f"  {m['name']:15s} {m['countries_targeted']:3d} countries targeted, "
            f"{m['countries_hosting']:3d} hosting, {m['live_zones']:4d} live zones"
            for m in data["markets"]
        ]
    return "\n".join(out) + "\n"


def reconcile_text(rows: list[dict[str, Any]]) -> str:
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
                    out.append(f"  zone counts unknown for {n} counted live region"
                               f"{'s' if n != 1 else ''}: {', '.join(c['unknown_zone_counts'])}")  # fmt: skip
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
    if base in ("rtt_est_ms", "rtt_floor_ms"):
        return f"{value:.1f}"
    if base == "delta_ms":
        return f"{value:+.1f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _who(provider: str) -> str:
    return "all providers" if provider == ALL_PROVIDERS else provider


def coverage_text(
    df: pd.DataFrame, *, columns: Sequence[str] | None = None, title: str | None = None
) -> str:
    """A plain-text table of a coverage frame; RTT columns are starred and footnoted as
    estimated from distance (never measured)."""
    cols = list(columns) if columns is not None else list(df.columns)
    if title is None:
        a = df.attrs
        if "as_of" in a:
            title = (
                f"Coverage by {_who(a['provider'])} as of {a['as_of']} "
                f"({a['live_regions']} live regions)"
            )
        elif "from" in a:
            title = f"Coverage by {_who(a['provider'])}: {a['from']} -> {a['to']}"
    headers = [_header(c) for c in cols]
    body = [
        [_cell(c, v) for c, v in zip(cols, row, strict=True)]
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
    if any(h.endswith("*") or "* " in h for h in headers):
        m = model()
        out.append(
            f"* {RTT_NOTE} (great-circle km to the nearest live region; RTT ~ "
            f"{m.overhead_ms:.1f} ms + {m.inflation:.2f} x km/102, fitted on Azure "
            "inter-region medians): not measured, excludes the user's last mile; "
            "see docs/latency-model.md"
        )
    return "\n".join(out) + "\n"
