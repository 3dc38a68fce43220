"""Benchmarks as ratios against baselines measured in the same run (medians); writes RESULTS.md.

    python bench/run.py                 # full run: 5 repetitions, sizes 1,000 / 3,000 / 10,000
    python bench/run.py --quick --out /tmp/RESULTS.md   # smoke run (CI): 1 repetition, 60 sites

Baselines: `python -c "import geopandas, folium"` (the import floor) for build time; a naive folium
build of the same content (bench/naive.py) for page weight and time to interactive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

CHROMIUM = os.environ.get("CLOUDMAP_CHROMIUM", "/usr/bin/chromium")
TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com", "tile.")


def median_of(runs: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(runs))


def timed(cmd: list[str], *, cwd: Path = REPO) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def peak_rss_mb(cmd: list[str], *, cwd: Path = REPO) -> float:
    """Peak resident memory of one child process (MB), via getrusage in a fresh wrapper."""
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], cwd=cwd, check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip()) / 1024


def machine() -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as fh:
        mem = next(line.split()[1] for line in fh if line.startswith("MemTotal"))
    from importlib.metadata import version

    libs = ", ".join(f"{p} {version(p)}" for p in ("folium", "geopandas", "shapely", "pyogrio"))
    chromium = "absent"
    if Path(CHROMIUM).exists():
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,
                                  check=False).stdout.strip()
    return {
        "CPU": f"{cpu} ({os.cpu_count()} cores)",
        "Memory": f"{int(mem) / 1024 / 1024:.0f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Libraries": libs,
        "Browser": chromium,
    }


# --------------------------------------------------------------------------- browser


class Browser:
    """Headless Chromium (Debian's) via Playwright, offline: CDN from node_modules, no tiles."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        from cloudmap.assets import find_node_modules, local_path

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        self._nm = find_node_modules(REPO / "node_modules")
        self._local_path = local_path

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
            return
        path = self._local_path(url, self._nm) if self._nm else None
        if path is not None and path.is_file():
            route.fulfill(path=str(path))
        else:
            route.abort()  # tiles and anything else: offline

    def time_to_interactive(self, page_path: Path, condition: str) -> float:
        """Milliseconds from navigation start until ``condition`` (a JS expression) holds."""
        context = self._browser.new_context(viewport={"width": 1400, "height": 900})
        context.route("**/*", self._route)
        context.add_init_script(
            "(() => { const check = () => { try { if (" + condition + ") {"
            " window.__tti = performance.now(); return; } } catch (e) {}"
            " requestAnimationFrame(check); }; requestAnimationFrame(check); })();"
        )
        page = context.new_page()
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        page.wait_for_function("window.__tti !== undefined", timeout=60_000)
        tti = float(page.evaluate("window.__tti"))
        context.close()
        return tti

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


PRODUCT_READY = "window.cloudmap && window.cloudmap.ready === true"


def naive_ready(n_markers: int) -> str:
    return (f"document.querySelectorAll('.leaflet-marker-icon').length >= {n_markers} && "
            "document.querySelectorAll('path.leaflet-interactive').length > 0")


# --------------------------------------------------------------------------- measurements


def bench_build(runs: int, work: Path) -> dict[str, Any]:
    from cloudmap.site import build_site  # noqa: F401 - fail early if the product is broken

    floor = median_of(runs, lambda: timed([sys.executable, "-c", "import geopandas, folium"]))
    site = work / "site"
    build = median_of(runs, lambda: timed([sys.executable, "-m", "cloudmap", "build", "--out",
                                           str(site)]))
    return {"import_floor_s": floor, "build_s": build, "ratio": build / floor, "site": site}


def bench_weight_and_tti(runs: int, work: Path, site: Path, browser: Browser | None) -> dict[str, Any]:
    from naive import naive_build

    from cloudmap.validate import load_validated

    catalog = load_validated(REPO, full=False)
    on = catalog.default_as_of
    naive = naive_build(catalog, REPO, on, work / "naive.html")
    n_markers = sum(1 for r in catalog.regions if r.status(on) is not None)
    out: dict[str, Any] = {
        "page_bytes": (site / "index.html").stat().st_size,
        "naive_bytes": naive.stat().st_size,
    }
    out["weight_ratio"] = out["page_bytes"] / out["naive_bytes"]
    if browser is not None:
        out["tti_ms"] = median_of(runs, lambda: browser.time_to_interactive(
            site / "index.html", PRODUCT_READY))
        out["naive_tti_ms"] = median_of(runs, lambda: browser.time_to_interactive(
            naive, naive_ready(n_markers)))
        out["tti_ratio"] = out["tti_ms"] / out["naive_tti_ms"]
    return out


def bench_scale(runs: int, work: Path, sizes: list[int], browser: Browser | None) -> list[dict[str, Any]]:
    from synth import make_project

    rows = []
    for n in sizes:
        root = make_project(work / f"synth-{n}", n, repo=REPO)
        site = root / "site"
        cmd = [sys.executable, "-m", "cloudmap", "build", "--root", str(root), "--out", str(site)]
        row: dict[str, Any] = {"sites": n}
        row["build_s"] = median_of(runs, lambda cmd=cmd: timed(cmd))
        row["peak_mb"] = peak_rss_mb(cmd)
        row["page_bytes"] = (site / "index.html").stat().st_size
        if browser is not None:
            row["tti_ms"] = median_of(runs, lambda site=site: browser.time_to_interactive(
                site / "index.html", PRODUCT_READY))
        rows.append(row)
    return rows


def bench_parts(runs: int, work: Path) -> dict[str, float]:
    """In-process: the build, every export format and the full coverage computation."""
    from cloudmap import coverage
    from cloudmap.export import write_exports
    from cloudmap.site import build_site
    from cloudmap.validate import load_validated

    catalog = load_validated(REPO, full=False)
    on = catalog.default_as_of
    build_site(REPO, on=on, out=work / "warm")  # warm caches (world layer, gazetteer)

    def t(fn: Callable[[], object]) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    def cov() -> None:
        coverage.clear_memo()
        coverage.city_coverage(catalog, on)
        coverage.country_coverage(catalog, on)

    def exp() -> None:
        coverage.clear_memo()
        write_exports(catalog, on=on, out=work / "exports", root=REPO)

    def build() -> None:
        coverage.clear_memo()
        build_site(REPO, on=on, out=work / "warm")

    b = median_of(runs, lambda: t(build))
    e = median_of(runs, lambda: t(exp))
    c = median_of(runs, lambda: t(cov))
    return {"build_s": b, "exports_s": e, "coverage_s": c,
            "exports_fraction": e / b, "coverage_fraction": c / b}


# --------------------------------------------------------------------------- report


def report(res: dict[str, Any], *, runs: int, quick: bool) -> str:
    b, w, parts = res["build"], res["weight"], res["parts"]
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `python bench/run.py{' --quick' if quick else ''}` on {res['date']}. "
        f"Every time is the median of {runs} run{'s' if runs != 1 else ''}; every claim is a ratio "
        "against a baseline measured in the same run.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in res["machine"].items()],
        "",
        "## Build time (whole process) vs the import floor",
        "",
        "| what | median | ratio | target |",
        "|---|---:|---:|---|",
        f"| `python -c \"import geopandas, folium\"` | {b['import_floor_s']:.2f} s | 1.00 | |",
        f"| `cloudmap build` | {b['build_s']:.2f} s | {b['ratio']:.2f} | ≤ 1.5 |",
        "",
        "## Page weight vs a naive folium build",
        "",
        "| page | bytes | ratio | target |",
        "|---|---:|---:|---|",
        f"| naive (`folium.GeoJson` of raw 1:50m + one `folium.Marker` per region) | "
        f"{w['naive_bytes']:,} | 1.00 | |",
        f"| `site/index.html` | {w['page_bytes']:,} | {w['weight_ratio']:.2f} | ≤ 0.35 |",
        "",
    ]
    if "tti_ms" in w:
        lines += [
            "## Time to interactive (headless Chromium, offline) vs the naive build",
            "",
            "Navigation start until every region marker and country shape is on the page (the "
            "product sets `window.cloudmap.ready` after drawing them; the naive page is ready when "
            "all its marker icons and a country path exist).",
            "",
            "| page | median | ratio | target |",
            "|---|---:|---:|---|",
            f"| naive | {w['naive_tti_ms']:.0f} ms | 1.00 | |",
            f"| `site/index.html` | {w['tti_ms']:.0f} ms | {w['tti_ratio']:.2f} | ≤ 1.0 |",
            "",
        ]
    lines += [
        "## Scale: synthetic catalogs over three providers (bench/synth.py)",
        "",
        "| sites | build | page | time to interactive | peak memory |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in res["scale"]:
        tti = f"{row['tti_ms']:.0f} ms" if "tti_ms" in row else "n/a"
        lines.append(f"| {row['sites']:,} | {row['build_s']:.2f} s | "
                     f"{row['page_bytes'] / 1e6:.2f} MB | {tti} | {row['peak_mb']:.0f} MB |")
    lines += [
        "",
        "Targets at 10,000 sites: build < 5 s, page < 3 MB, interactive < 2 s, cost growing "
        "linearly.",
        "",
        "## Exports and coverage as fractions of the build (in-process, warm caches)",
        "",
        "| step | median | fraction of build |",
        "|---|---:|---:|",
        f"| build (map + exports + changelog) | {parts['build_s'] * 1000:.0f} ms | 1.00 |",
        f"| every export format | {parts['exports_s'] * 1000:.0f} ms | "
        f"{parts['exports_fraction']:.2f} |",
        f"| full coverage (every city and country) | {parts['coverage_s'] * 1000:.0f} ms | "
        f"{parts['coverage_fraction']:.2f} |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 repetition, small sizes")
    ap.add_argument("--runs", type=int, default=None, help="repetitions (default 5; --quick: 1)")
    ap.add_argument("--sizes", default=None, help="synthetic catalog sizes (default 1000,3000,10000)")
    ap.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"), help="report path")
    ap.add_argument("--no-browser", action="store_true", help="skip time-to-interactive")
    args = ap.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    sizes = [int(s) for s in (args.sizes or ("60" if args.quick else "1000,3000,10000")).split(",")]
    browser = None if args.no_browser or not Path(CHROMIUM).exists() else Browser()
    work = Path(tempfile.mkdtemp(prefix="cloudmap-bench-"))
    try:
        res: dict[str, Any] = {"machine": machine(), "date": dt.date.today().isoformat()}
        res["build"] = bench_build(runs, work)
        res["weight"] = bench_weight_and_tti(runs, work, res["build"]["site"], browser)
        res["scale"] = bench_scale(runs, work, sizes, browser)
        res["parts"] = bench_parts(runs, work)
    finally:
        if browser is not None:
            browser.close()
        shutil.rmtree(work, ignore_errors=True)
    text = report(res, runs=runs, quick=args.quick)
    Path(args.out).write_text(text, encoding="utf-8")
    res["build"].pop("site")
    print(json.dumps({k: v for k, v in res.items() if k != "machine"}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
