"""Every city's nearest region, and population-weighted summaries of groups of cities.

The measuring half of cloudmap.coverage: ``Nearest`` (per GeoNames city of 15,000+ people, the
nearest live region, km and estimated RTT) and each country's summary of it, both kept in the disk
cache, keyed by their inputs and this code.
"""

from __future__ import annotations

__all__ = [
    "SUMMARY_COLUMNS",
    "THRESHOLDS_MS",
    "Groups",
    "Nearest",
    "country_summaries",
    "nearest_cached",
]

import functools
import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cloudmap.cache import Entry, cached_built, cached_value, code_key
from cloudmap.gazetteer import cities
from cloudmap.model import Region
from cloudmap.nearest import nearest_regions

THRESHOLDS_MS = (20, 50, 100)
SUMMARY_COLUMNS = [
    "cities",
    "population",
    "nearest_region",
    "serving_share",
    "median_km",
    "rtt_est_ms",
    *(f"share_{t}ms" for t in THRESHOLDS_MS),
]


@dataclass(frozen=True)
class Nearest:
    """Per gazetteer row: the nearest live region (index into ``regions``), km and RTTs."""

    regions: tuple[Region, ...]
    labels: tuple[str, ...]  # how results name each region (see _label)
    index: np.ndarray
    km: np.ndarray  # whole km
    rtt_floor: np.ndarray  # 0.1 ms
    rtt_est: np.ndarray  # 0.1 ms, estimated from distance
    attrs: dict[str, Any]


def nearest_cached(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """nearest_regions from every gazetteer city to these points, kept in the disk cache (keyed
    by the points, the cities and the code): a build after an edit that moved no live region
    reuses it."""

    gaz = cities()
    h = hashlib.sha256()
    for arr in (lat, lon, gaz.lat, gaz.lon):
        h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
    n = len(gaz.lat)

    def make() -> Entry:
        idx, km = nearest_regions(gaz.lat, gaz.lon, lat, lon)
        return Entry({}, {"idx": np.asarray(idx, dtype=np.int64), "km": np.asarray(km, np.float64)})

    def build(e: Entry) -> tuple[np.ndarray, np.ndarray]:
        idx, km = e.array("idx", "i", length=n), e.array("km", "f", length=n)
        if n and len(lat) and (idx.min() < 0 or idx.max() >= len(lat)):
            raise ValueError("nearest entry: an index out of range")
        return idx, km

    return cached_built(
        "nearest",
        f"{h.hexdigest()}|{code_key('cloudmap.nearest', 'cloudmap.citycover')}",
        make,
        build,
    )


# --------------------------------------------------------------------------- aggregation


def _summary(
    pop: np.ndarray, km: np.ndarray, rtt: np.ndarray, region: np.ndarray, n_regions: int
) -> dict[str, Any]:
    """Population-weighted figures for one group of cities (arrays already restricted to it)."""
    if len(pop) == 0:
        return {
            "cities": 0,
            "population": 0,
            "nearest_region": None,
            "serving_share": math.nan,
            "median_km": None,  # <NA> in the frame (Int64)
            "rtt_est_ms": math.nan,
            **{f"share_{t}ms": math.nan for t in THRESHOLDS_MS},
        }
    total = int(pop.sum())
    w = pop.astype(float) if total > 0 else np.ones(len(pop))  # all-zero populations: unweighted
    w_sum = w.sum()
    served = np.bincount(region, weights=w, minlength=n_regions)
    best = int(np.argmax(served))  # ties -> the region id that sorts first
    order = np.argsort(km, kind="stable")
    cum = np.cumsum(w[order])
    out: dict[str, Any] = {
        "cities": len(pop),
        "population": total,
        "nearest_region": best,
        "serving_share": round(float(served[best] / w_sum), 3),
        "median_km": int(km[order][np.searchsorted(cum, w_sum / 2.0)]),  # weighted median
        "rtt_est_ms": round(float(np.dot(w, rtt) / w_sum), 1),
    }
    for t in THRESHOLDS_MS:
        out[f"share_{t}ms"] = round(float(w[rtt <= t].sum() / w_sum), 3)
    return out


@functools.cache
def _country_spans() -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """Gazetteer rows ordered by (country, geonameid), and each country's slice of that order."""
    gaz = cities()
    order = np.lexsort((gaz.geonameid, gaz.country.astype(str)))
    codes, starts = np.unique(gaz.country[order].astype(str), return_index=True)
    ends = np.append(starts[1:], len(order))
    spans = {str(c): (int(s), int(e)) for c, s, e in zip(codes, starts, ends, strict=True)}
    return order, spans


class Groups:
    """Nearest-region results ordered by country, ready to summarise any set of countries."""

    def __init__(self, near: Nearest) -> None:
        order, self.spans = _country_spans()
        self.attrs = near.attrs
        self.region_ids = list(near.labels)
        self.pop = cities().population[order]
        self.km = near.km[order]
        self.rtt = near.rtt_est[order]
        self.region = near.index[order]

    def summarise(self, countries: Iterable[str]) -> dict[str, Any]:
        rows = [np.arange(*self.spans[c]) for c in sorted(set(countries)) if c in self.spans]
        sel = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
        out = _summary(
            self.pop[sel], self.km[sel], self.rtt[sel], self.region[sel], len(self.region_ids)
        )
        if out["nearest_region"] is not None:
            out["nearest_region"] = self.region_ids[out["nearest_region"]]
        return out


def country_summaries(near: Nearest) -> dict[str, dict[str, Any]]:
    """Each country's summary (SUMMARY_COLUMNS) of the nearest-region results, kept in the disk
    cache (keyed by those results, the cities and the code): a warm build reads them."""

    gaz = cities()
    h = hashlib.sha256()
    for arr in (near.index, near.km, near.rtt_est, gaz.geonameid, gaz.population):
        h.update(str(np.asarray(arr).dtype).encode() + np.ascontiguousarray(arr).tobytes())
    for texts in (near.labels, gaz.country.astype(str).tolist()):
        h.update("\0".join(texts).encode("utf-8") + b"\1")

    def compute() -> dict[str, dict[str, Any]]:
        groups = Groups(near)
        return {code: groups.summarise([code]) for code in sorted(groups.spans)}

    def load(entry: Entry) -> dict[str, dict[str, Any]] | None:
        rows = entry.meta.get("rows") if isinstance(entry.meta, dict) else None
        if not isinstance(rows, dict) or not all(
            isinstance(r, dict) and list(r) == SUMMARY_COLUMNS for r in rows.values()
        ):
            return None
        return rows

    key = f"{h.hexdigest()}|{code_key('cloudmap.citycover')}"
    return cached_value(
        "coverage", key, compute, store=lambda rows: Entry({"rows": rows}), load=load
    )
