"""Benchmark the exports: building the layers and writing each format, against a whole site build."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cloudmap import coverage, export
from cloudmap.validate import load_catalog


def _median_s(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        coverage.clear_memo()  # in `cloudmap build` the exports are the first to need coverage
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(
    root: Path, *, runs: int = 5, on: dt.date | None = None, site: bool = True
) -> dict[str, Any]:
    """Median wall times (ms) over ``runs`` runs (at least 5) for the project folder ``root``.

    ``first_export_ms`` is one export in this process before any cache is warm (it includes
    loading the city gazetteer and the latency model for the coverage columns); the medians that
    follow are warm, as in ``cloudmap build``, but for the per-catalog coverage memo: each run
    clears it, because in a build the exports compute coverage first and the map reuses it.
    With ``site``, ``build_site_ms`` times a whole ``cloudmap.site.build_site`` and
    ``export_share_of_build`` is the export's share of it.
    """
    runs = max(5, runs)
    root = Path(root)
    catalog = load_catalog(root)
    on = on or catalog.dates[-1]
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        start = time.perf_counter()
        export.write_exports(catalog, on=on, out=tmp / "first", root=root)
        out: dict[str, Any] = {
            "runs": runs,
            "as_of": on.isoformat(),
            "first_export_ms": round((time.perf_counter() - start) * 1000, 1),
        }
        for layer in export.LAYERS:
            out[f"build_layer_{layer}_ms"] = round(
                _median_s(
                    lambda layer=layer: export.build_layers(
                        catalog, on=on, root=root, layers=[layer]
                    ),
                    runs,
                )
                * 1000,
                1,
            )
        for fmt in export.FORMATS:
            out[f"write_{fmt}_ms"] = round(
                _median_s(
                    lambda fmt=fmt: export.write_exports(
                        catalog, on=on, out=tmp / fmt, root=root, formats=[fmt]
                    ),
                    runs,
                )
                * 1000,
                1,
            )
        total = _median_s(
            lambda: export.write_exports(catalog, on=on, out=tmp / "all", root=root), runs
        )
        out["write_all_ms"] = round(total * 1000, 1)
        out["bytes"] = {p.name: p.stat().st_size for p in sorted((tmp / "all").iterdir())}
        if site:
            from cloudmap.site import build_site

            build = _median_s(lambda: build_site(root, on=on, out=tmp / "site"), runs)
            out["build_site_ms"] = round(build * 1000, 1)
            out["export_share_of_build"] = round(total / build, 3)
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path, help="project folder with data/, seeds/, geo/")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--no-site", action="store_true", help="skip timing a whole site build")
    args = parser.parse_args()
    print(
        json.dumps(bench(args.root, runs=args.runs, on=args.as_of, site=not args.no_site), indent=2)
    )
