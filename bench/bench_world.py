"""Benchmark the world layer: cold load + point-in-country join against a bare geopandas import."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from cloudmap import world
from cloudmap.errors import CloudmapError
from cloudmap.validate import load_catalog

SRC = Path(__file__).resolve().parents[1] / "src"
BASELINE = "import geopandas"
# A fresh process: import, read the polygons, build the index and join a 100 x 100 grid.
COLD = """\
import sys
from pathlib import Path
import numpy as np
from cloudmap import world
root = Path(sys.argv[1])
world.load_countries(root)
lon, lat = np.meshgrid(np.linspace(-179.5, 179.5, 100), np.linspace(-59.5, 79.5, 100))
world.locate(root, lon.ravel(), lat.ravel())
"""


def _median_s(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _python(code: str, *args: str) -> Callable[[], None]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }

    def run() -> None:
        subprocess.run([sys.executable, "-c", code, *args], check=True, env=env)

    return run


def bench(root: Path, *, runs: int = 5) -> dict[str, Any]:
    """Median wall times over ``runs`` runs for the project folder ``root``.

    ``cold_*`` run in fresh processes (import + read + index + join of 10,000 grid points) and are
    compared with ``python -c "import geopandas"``; ``warm_*`` reuse this process's cached layer
    and include the real catalog's checks and layers when ``root`` holds one.
    """
    root = Path(root)
    base_run, cold_run = _python(BASELINE), _python(COLD, str(root))
    pairs = [(_median_s(base_run, 1), _median_s(cold_run, 1)) for _ in range(runs)]  # interleaved
    baseline = statistics.median(b for b, _ in pairs)
    cold = statistics.median(c for _, c in pairs)
    out: dict[str, Any] = {
        "runs": runs,
        "baseline_import_geopandas_s": round(baseline, 3),
        "cold_load_join_s": round(cold, 3),
        "cold_overhead_s": round(cold - baseline, 3),
        "cold_ratio": round(cold / baseline, 2),
    }
    world.load_countries(root)  # warm the cache
    lon, lat = np.meshgrid(np.linspace(-179.5, 179.5, 100), np.linspace(-59.5, 79.5, 100))
    lons, lats = lon.ravel(), lat.ravel()
    out["warm_load_countries_ms"] = round(
        _median_s(lambda: world.load_countries(root), runs) * 1000, 2
    )
    out["warm_locate_10k_points_ms"] = round(
        _median_s(lambda: world.locate(root, lons, lats), runs) * 1000, 2
    )
    try:
        catalog = load_catalog(root, strict=False)
    except CloudmapError:
        return out
    if catalog.regions:
        on = catalog.dates[-1]
        out["regions"] = len(catalog.regions)
        out["warm_check_regions_ms"] = round(
            _median_s(lambda: world.check_regions(catalog), runs) * 1000, 2
        )
        out["warm_country_layer_ms"] = round(
            _median_s(lambda: world.country_layer(catalog, on, root), runs) * 1000, 2
        )
        out["warm_market_stats_ms"] = round(
            _median_s(lambda: world.market_stats(catalog, on, root), runs) * 1000, 2
        )
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path, help="project folder with data/, seeds/, geo/")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(bench(args.root, runs=args.runs), indent=2))
