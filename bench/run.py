"""Benchmarks as ratios against baselines measured in the same run (medians); writes RESULTS.md.

    python bench/run.py                 # full run: 5 repetitions, sizes 1,000 / 3,000 / 10,000
    python bench/run.py --quick --no-browser --out /tmp/RESULTS.md   # smoke run (CI)

Baselines: `python -c "import geopandas, folium"` (the import floor) for build time; a naive folium
build of the same content (bench/naive.py) for page weight and time to interactive.

Builds are whole `cloudmap build` processes, timed two ways: "warm" with the content-keyed disk
cache of derived data (cloudmap.cache) filled by an earlier build, and "cold" with the cache off
(CLOUDMAP_CACHE_DIR=off), which is what a first build on a machine costs. The package's bytecode
is compiled first, as `pip install` does for the libraries the floor imports.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import itertools
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
# The naive page's front-end assets that cloudmap's node_modules/ lacks, from the npm registry
# (installed once into bench/out/, which git ignores). Two small CSS files folium loads are on no
# registry (bootstrap-glyphicons 3.0.0 and folium's own rotate CSS): they are served empty.
NAIVE_ASSETS = (
    "jquery@3.7.1",
    "bootstrap@5.2.2",
    "@fortawesome/fontawesome-free@6.2.0",
    "drmonty-leaflet-awesome-markers@2.0.2",
)
NAIVE_NODE_MODULES = REPO / "bench" / "out" / "naive-assets" / "node_modules"
_OTHER_HOSTS = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "drmonty-leaflet-awesome-markers/js/leaflet.awesome-markers.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "drmonty-leaflet-awesome-markers/css/leaflet.awesome-markers.css"
    ),
}
_EMPTY_CSS = ("bootstrap-glyphicons.css", "leaflet.awesome.rotate.min.css")
COLD = {"CLOUDMAP_CACHE_DIR": "off"}


def median_of(runs: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(runs))


def timed(cmd: list[str], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(
        cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})}
    )
    return time.perf_counter() - t


def peak_rss_mb(cmd: list[str], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> float:
    """Peak resident memory of one child process (MB), via getrusage in a fresh wrapper."""
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *cmd],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    ).stdout
    return int(out.strip()) / 1024


def build_cmd(out: Path, root: Path | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "cloudmap", "build", "--out", str(out)]
    return cmd + (["--root", str(root)] if root is not None else [])


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
        chromium = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "CPU": f"{cpu} ({os.cpu_count()} cores)",
        "Memory": f"{int(mem) / 1024 / 1024:.0f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Libraries": libs,
        "Browser": chromium,
    }


# --------------------------------------------------------------------------- browser


def naive_assets() -> Path | None:
    """node_modules/ with the naive page's extra assets (npm install on first use), or None."""
    if all((NAIVE_NODE_MODULES / p.rsplit("@", 1)[0]).is_dir() for p in NAIVE_ASSETS):
        return NAIVE_NODE_MODULES
    prefix = NAIVE_NODE_MODULES.parent
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            "npm",
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--silent",
            "--prefix",
            str(prefix),
            *NAIVE_ASSETS,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"naive assets not installed (npm: {done.stderr.strip()[:200]})", file=sys.stderr)
        return None
    return NAIVE_NODE_MODULES


class Browser:
    """Headless Chromium (Debian's) via Playwright, offline: CDN assets from node_modules, no
    tiles (neither page gets any), nothing else."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        from cloudmap.assets import find_node_modules, local_path

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        self._nm = [p for p in (find_node_modules(REPO / "node_modules"), naive_assets()) if p]
        self._local_path = local_path

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
            return
        for nm in self._nm:
            path = self._local_path(url, nm)
            if path is None and url in _OTHER_HOSTS:
                path = nm / _OTHER_HOSTS[url]
            if path is not None and path.is_file():
                route.fulfill(path=str(path))
                return
        if url.endswith(_EMPTY_CSS):
            route.fulfill(status=200, body="", content_type="text/css")
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
        page.wait_for_function("window.__tti !== undefined", timeout=120_000)
        tti = float(page.evaluate("window.__tti"))
        context.close()
        return tti

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


# The product sets window.cloudmap.ready once its markers are all in the cluster layer and drawn
# and the country shapes are on the map.
PRODUCT_READY = "window.cloudmap && window.cloudmap.ready === true"


def naive_ready(n_markers: int) -> str:
    return (
        f"document.querySelectorAll('.leaflet-marker-icon').length >= {n_markers} && "
        "document.querySelectorAll('path.leaflet-interactive').length > 0"
    )


# --------------------------------------------------------------------------- measurements


def bench_build(runs: int, work: Path) -> dict[str, Any]:
    from cloudmap.project import load_project  # noqa: F401 - fail early if the product is broken

    site = work / "site"
    timed(build_cmd(site))  # fills the disk cache (and the OS file cache) for the warm runs
    timed([sys.executable, "-c", "import geopandas, folium"])
    floor, warm, cold = [], [], []
    for _ in range(runs):  # interleaved, so a noisy moment hits every series alike
        floor.append(timed([sys.executable, "-c", "import geopandas, folium"]))
        warm.append(timed(build_cmd(site)))
        cold.append(timed(build_cmd(site), env=COLD))
    f, w, c = (statistics.median(x) for x in (floor, warm, cold))
    return {
        "ranges": {
            k: (min(v), max(v)) for k, v in (("floor", floor), ("warm", warm), ("cold", cold))
        },
        "import_floor_s": f,
        "build_s": w,
        "ratio": w / f,
        "cold_build_s": c,
        "cold_ratio": c / f,
        "site": site,
    }


# The last round's figures, from its bench/RESULTS.md (commit 83cf189, 2026-11-27, this
# machine): warm and cold builds forked a child for the downloads on two cores.
BEFORE = {
    "warm_ratio": 1.70,
    "cold_ratio": 5.0,
    "page_bytes": 551_850,
    "tti_ms": 466,
    "build_10k_s": 4.86,
}

# The first version's page (before rivals, the timeline rework and the phone layout), and the
# page of the round before this one (Jinja2 page and one hand-written script, before the map
# became a folium map): the pages this round must not be slower than, measured in the same run.
# Read from git history.
PREVIOUS = "c4a1565"
LAST_ROUND = "83cf189"


def previous_page(work: Path, commit: str = PREVIOUS) -> Path | None:
    """A commit's site/index.html (and details.js) in ``work``, or None without git or that
    commit (a shallow clone)."""
    out = work / f"previous-{commit}"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("index.html", "details.js"):
        proc = subprocess.run(
            ["git", "show", f"{commit}:site/{name}"], cwd=REPO, capture_output=True, check=False
        )
        if proc.returncode != 0:
            if name == "index.html":
                return None
            continue
        (out / name).write_bytes(proc.stdout)
    return out / "index.html"


TTI_RUNS_PER_RUN = 3


def bench_weight_and_tti(
    runs: int, work: Path, site: Path, browser: Browser | None
) -> dict[str, Any]:
    from cloudmap.project import load_project
    from cloudmap.render import DETAILS_FILE
    from naive import naive_build

    project = load_project(REPO)
    catalog = project.catalog
    on = catalog.default_as_of
    naive = naive_build(project.at(on, "all"), work / "naive.html")
    n_markers = sum(1 for r in catalog.regions if r.status(on) is not None)
    details = site / DETAILS_FILE
    out: dict[str, Any] = {
        "page_bytes": (site / "index.html").stat().st_size,
        "details_bytes": details.stat().st_size if details.is_file() else 0,
        "naive_bytes": naive.stat().st_size,
    }
    out["weight_ratio"] = out["page_bytes"] / out["naive_bytes"]
    out["with_details_ratio"] = (out["page_bytes"] + out["details_bytes"]) / out["naive_bytes"]
    previous = previous_page(work)
    if previous is not None:
        out["previous_bytes"] = previous.stat().st_size
    last = previous_page(work, LAST_ROUND)
    if last is not None:
        out["last_round_bytes"] = last.stat().st_size
    if browser is not None:
        product: list[float] = []
        base: list[float] = []
        before: list[float] = []
        lasts: list[float] = []
        pages = [
            (product, site / "index.html", PRODUCT_READY),
            (base, naive, naive_ready(n_markers)),
        ]
        if previous is not None:
            pages.append((before, previous, PRODUCT_READY))
        if last is not None:
            pages.append((lasts, last, PRODUCT_READY))
        # A page load varies by a hundred milliseconds on a shared machine, so three times the
        # runs, interleaved, in an order that turns every run (no page always first).
        for i in range(TTI_RUNS_PER_RUN * runs):
            k = i % len(pages)
            for acc, page, ready in pages[k:] + pages[:k]:
                acc.append(browser.time_to_interactive(page, ready))
        out["tti_ms"] = statistics.median(product)
        out["naive_tti_ms"] = statistics.median(base)
        out["tti_ratio"] = out["tti_ms"] / out["naive_tti_ms"]
        if before:
            out["previous_tti_ms"] = statistics.median(before)
        if lasts:
            out["last_round_tti_ms"] = statistics.median(lasts)
            diffs = sorted(a - b for a, b in zip(product, lasts, strict=True))
            q = statistics.quantiles(diffs, n=4) if len(diffs) > 1 else [diffs[0]] * 3
            out["tti_vs_last_round_ms"] = {"median": q[1], "q1": q[0], "q3": q[2]}
    return out


def bench_scale(
    runs: int, work: Path, sizes: list[int], browser: Browser | None
) -> list[dict[str, Any]]:
    from cloudmap.render import DETAILS_FILE
    from synth import make_project

    rows = []
    for n in sizes:
        root = make_project(work / f"synth-{n}", n, repo=REPO)
        site = root / "site"
        cmd = build_cmd(site, root)
        timed(cmd)  # fills the cache
        row: dict[str, Any] = {"sites": n}
        row["build_s"] = median_of(runs, lambda cmd=cmd: timed(cmd))
        row["cold_build_s"] = median_of(runs, lambda cmd=cmd: timed(cmd, env=COLD))
        row["peak_mb"] = peak_rss_mb(cmd, env=COLD)
        row["page_bytes"] = (site / "index.html").stat().st_size
        row["details_bytes"] = (site / DETAILS_FILE).stat().st_size
        if browser is not None:
            row["tti_ms"] = median_of(
                runs,
                lambda site=site: browser.time_to_interactive(site / "index.html", PRODUCT_READY),
            )
        rows.append(row)
    return rows


def bench_intake(runs: int, work: Path, sizes_kb: tuple[int, ...]) -> list[dict[str, float]]:
    """`announce draft` of long articles (a corpus paragraph repeated): seconds per MB at each
    size; linear work keeps it flat (issue 20: a 4 MB file once took over 300 s)."""
    para = (REPO / "tests/fixtures/intake/corpus/en/01-mexico-region-opens.txt").read_text()
    rows = []
    for kb in sizes_kb:
        path = work / f"article-{kb}kb.txt"
        text = para + "\n\n"
        path.write_text(text * (kb * 1024 // len(text.encode("utf-8"))), encoding="utf-8")
        cmd = [sys.executable, "-m", "cloudmap", "announce", "draft", str(path), "--json"]
        secs = median_of(runs, lambda cmd=cmd: timed(cmd))
        mb = path.stat().st_size / 2**20
        rows.append({"kb": kb, "mb": mb, "s": secs, "s_per_mb": secs / mb})
    return rows


def bench_parts(runs: int, work: Path) -> dict[str, float]:
    """In-process: the build, every export format and the full coverage computation."""
    from cloudmap import coverage
    from cloudmap.export import write_exports
    from cloudmap.project import load_project

    project = load_project(REPO)
    catalog = project.catalog
    on = catalog.default_as_of
    view = project.at(on)
    view.build(work / "warm")  # warm caches (country layers, gazetteer)

    def t(fn: Callable[[], object]) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    def cov() -> None:  # computed afresh: neither the catalog's memo nor the disk cache
        from cloudmap.cache import ENV

        catalog.derived.clear()
        old, os.environ[ENV] = os.environ.get(ENV), "off"
        try:
            coverage.city_coverage(catalog, on, provider="all")
            coverage.country_coverage(catalog, on, provider="all")
        finally:
            if old is None:
                del os.environ[ENV]
            else:
                os.environ[ENV] = old

    def exp() -> None:
        write_exports(project.at(on, "all"), work / "exports")

    def build() -> None:
        project.at(on).build(work / "warm")

    b = median_of(runs, lambda: t(build))
    e = median_of(runs, lambda: t(exp))
    c = median_of(runs, lambda: t(cov))
    return {
        "build_s": b,
        "exports_s": e,
        "coverage_s": c,
        "exports_fraction": e / b,
        "coverage_fraction": c / b,
    }


def profile(cmd: list[str], *, env: dict[str, str] | None = None, lines: int = 60) -> str:
    """pyinstrument's call tree of one process (frames over 1.5% of the time, the top ``lines``
    lines; PyYAML's recursion folded), or why there is none. The profiler slows Python-heavy
    code down by up to ~1.6x: read the shares, not the seconds."""
    out = Path(tempfile.mkdtemp(prefix="cloudmap-prof-")) / "profile.txt"
    args = [
        sys.executable,
        "-m",
        "pyinstrument",
        "--interval",
        "0.005",
        "-o",
        str(out),
        "-r",
        "text",
        "--unicode",
        "-p",
        "processor_options.filter_threshold=0.015",
        "--hide-regex",
        r".*(/yaml/|yamlio\.py).*",
        "-m",
        *cmd[2:],
    ]
    done = subprocess.run(
        args,
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if done.returncode != 0 or not out.is_file():
        return f"(no profile: {done.stderr.strip().splitlines()[-1:] or 'pyinstrument failed'})"
    text = out.read_text(encoding="utf-8").splitlines()
    shutil.rmtree(out.parent, ignore_errors=True)
    body = [line.rstrip() for line in text if line.strip()]
    start = next((i for i, line in enumerate(body) if line.lstrip().startswith("Program:")), 0)
    return "\n".join(body[start : start + lines])


# --------------------------------------------------------------------------- report


def _span(pair: tuple[float, float]) -> str:
    return f"{pair[0]:.2f} – {pair[1]:.2f} s"


def _ms(x: float) -> str:
    return f"{x * 1000:.0f} ms"


def report(res: dict[str, Any], *, runs: int, quick: bool) -> str:
    b, w, parts, scale = res["build"], res["weight"], res["parts"], res["scale"]
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
        "`cloudmap build` of the committed catalog, as a fresh process (one process: a build "
        "never forks, see README). *Warm*: the disk cache of "
        "derived data (`cloudmap.cache`: the parsed gazetteer and country polygons, the map's "
        "simplified countries, the dissolved markets and the coverage figures, each keyed by the "
        "sha256 of its inputs and of the code that computes it) was filled by an earlier build. "
        "*Cold*: the cache off (`CLOUDMAP_CACHE_DIR=off`), as on a first build. A build after "
        "an edit to data/ or seeds/ is close to warm: of the cached data only the coverage "
        "figures depend on the catalog (on its live regions' names and places).",
        "",
        "| what | median | ratio | target | fastest – slowest run |",
        "|---|---:|---:|---|---:|",
        f'| `python -c "import geopandas, folium"` | {b["import_floor_s"]:.2f} s | 1.00 | | '
        f"{_span(b['ranges']['floor'])} |",
        f"| `cloudmap build`, warm | {b['build_s']:.2f} s | {b['ratio']:.2f} | ≤ 1.5 | "
        f"{_span(b['ranges']['warm'])} |",
        f"| `cloudmap build`, cold | {b['cold_build_s']:.2f} s | {b['cold_ratio']:.2f} | ≤ 2.0 | "
        f"{_span(b['ranges']['cold'])} |",
        "",
        "The three series are interleaved run by run, so a busy moment on the machine slows all "
        "three alike; the spread shows how busy it was.",
        "",
        "## Page weight vs a naive folium build",
        "",
        "The naive page is `folium.GeoJson` of the raw 1:50m countries plus one `folium.Marker` "
        "per region with the same popup fields. The product's popups take their details (zones, "
        "dates, sources, notes) from `details.js`, which the page loads after it is interactive "
        "(a `--self-contained` page holds them inline).",
        "",
        "| page | bytes | ratio | target |",
        "|---|---:|---:|---|",
        f"| naive (`folium.GeoJson` of raw 1:50m + one `folium.Marker` per region) | "
        f"{w['naive_bytes']:,} | 1.00 | |",
        f"| `site/index.html` | {w['page_bytes']:,} | {w['weight_ratio']:.2f} | ≤ 0.35, and "
        "≤ 600,000 bytes |",
        f"| `site/index.html` + `site/details.js` | {w['page_bytes'] + w['details_bytes']:,} | "
        f"{w['with_details_ratio']:.2f} | |",
        *(
            [
                f"| the first version's page (commit {PREVIOUS}: one provider, 37 regions) | "
                f"{w['previous_bytes']:,} | {w['previous_bytes'] / w['naive_bytes']:.2f} | |"
            ]
            if "previous_bytes" in w
            else []
        ),
        *(
            [
                f"| the last round's page (commit {LAST_ROUND}: a Jinja2 page, one script) | "
                f"{w['last_round_bytes']:,} | {w['last_round_bytes'] / w['naive_bytes']:.2f} | |"
            ]
            if "last_round_bytes" in w
            else []
        ),
        "",
        "## Time to interactive (headless Chromium, offline) vs the naive build",
        "",
    ]
    if "tti_ms" in w:
        lines += [
            "Navigation start until every region marker and country shape is on the page: the "
            "product sets `window.cloudmap.ready` once its marker cluster has taken every marker "
            "and drawn them; the naive page is ready when all its marker icons and a country path "
            "exist. Both pages get their CDN assets from local npm copies and no map tiles.",
            "",
            "| page | median | ratio | target |",
            "|---|---:|---:|---|",
            f"| naive | {w['naive_tti_ms']:.0f} ms | 1.00 | |",
            f"| `site/index.html` (a folium map) | {w['tti_ms']:.0f} ms | {w['tti_ratio']:.2f} | "
            "≤ 1.0, and no later than the last round's page |",
            *(
                [
                    f"| the first version's page (commit {PREVIOUS}) | {w['previous_tti_ms']:.0f} "
                    f"ms | {w['previous_tti_ms'] / w['naive_tti_ms']:.2f} | |"
                ]
                if "previous_tti_ms" in w
                else []
            ),
            *(
                [
                    f"| the last round's page (commit {LAST_ROUND}) | "
                    f"{w['last_round_tti_ms']:.0f} ms | "
                    f"{w['last_round_tti_ms'] / w['naive_tti_ms']:.2f} | |"
                ]
                if "last_round_tti_ms" in w
                else []
            ),
            "",
            *(
                [
                    f"Each page loaded {TTI_RUNS_PER_RUN * runs} times, interleaved. Paired run by "
                    "run, the product's page "
                    "minus the last round's: median "
                    f"{w['tti_vs_last_round_ms']['median']:+.0f} ms, middle half "
                    f"{w['tti_vs_last_round_ms']['q1']:+.0f} to "
                    f"{w['tti_vs_last_round_ms']['q3']:+.0f} ms.",
                    "",
                ]
                if "tti_vs_last_round_ms" in w
                else []
            ),
        ]
    else:
        lines += ["Not measured in this run (`--no-browser`, or no Chromium).", ""]
    lines += [
        "## Scale: synthetic catalogs over three providers (bench/synth.py)",
        "",
        "Each build is one process.",
        "",
        "| sites | build, warm | build, cold | page | details.js | time to interactive | "
        "peak memory (cold) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in scale:
        tti = f"{row['tti_ms']:.0f} ms" if "tti_ms" in row else "n/a"
        lines.append(
            f"| {row['sites']:,} | {row['build_s']:.2f} s | {row['cold_build_s']:.2f} s | "
            f"{row['page_bytes'] / 1e6:.2f} MB | {row['details_bytes'] / 1e6:.2f} MB | {tti} | "
            f"{row['peak_mb']:.0f} MB |"
        )
    lines += [
        "",
        "Targets at 10,000 sites: warm build ≤ 5 s, page < 3 MB, interactive < 2 s, cost "
        "growing linearly.",
        "",
    ]
    if len(scale) > 1:
        lines += [
            "Growth between sizes (cost per 1,000 more sites; linear growth keeps it flat):",
            "",
            "| from → to | build, cold | page | time to interactive |",
            "|---|---:|---:|---:|",
        ]
        for a, z in itertools.pairwise(scale):
            k = (z["sites"] - a["sites"]) / 1000
            tti = (
                f"{(z['tti_ms'] - a['tti_ms']) / k:.0f} ms"
                if "tti_ms" in a and "tti_ms" in z
                else "n/a"
            )
            lines.append(
                f"| {a['sites']:,} → {z['sites']:,} | {(z['cold_build_s'] - a['cold_build_s']) / k:.2f} s | "
                f"{(z['page_bytes'] - a['page_bytes']) / k / 1e3:.0f} kB | {tti} |"
            )
        lines.append("")
    big = next((r for r in scale if r["sites"] == 10_000), None)
    lines += [
        "## Before and after this round",
        "",
        f"*Before*: the last round (commit {LAST_ROUND}: a Jinja2 page with one hand-written "
        "script, builds forking a child on two cores), as its RESULTS.md recorded it on "
        "2026-11-27 on this machine, in a different run. *After*: this run (the map a folium "
        "map, one process, the figures of each date computed once per view). Compare the "
        "ratios, not the seconds; the time to interactive is compared in the same run above.",
        "",
        "| measure | before | after | target |",
        "|---|---:|---:|---|",
        f"| warm build / import floor | {BEFORE['warm_ratio']:.2f} | {b['ratio']:.2f} | ≤ 1.5 |",
        f"| cold build / import floor | {BEFORE['cold_ratio']:.2f} | {b['cold_ratio']:.2f} | "
        "≤ 2.0 |",
        f"| page bytes | {BEFORE['page_bytes']:,} | {w['page_bytes']:,} | ≤ 600,000 |",
        *(
            [
                f"| time to interactive | {BEFORE['tti_ms']} ms | {w['tti_ms']:.0f} ms | no later "
                "than the last round's page in the same run |"
            ]
            if "tti_ms" in w
            else []
        ),
        *(
            [
                f"| 10,000 sites, warm build | {BEFORE['build_10k_s']:.2f} s | "
                f"{big['build_s']:.2f} s | ≤ 5 s |"
            ]
            if big is not None
            else []
        ),
        "",
        "## Intake on long articles (`announce draft`, seconds per MB)",
        "",
        "A corpus paragraph repeated to each size. Linear work keeps seconds per MB flat; "
        "issue 20's 4 MB file took more than 300 s before. Each run includes the process's start "
        "(about a second), which weighs on the smallest size.",
        "",
        "| article | time | seconds per MB |",
        "|---:|---:|---:|",
        *[
            f"| {row['mb']:.2f} MB | {row['s']:.1f} s | {row['s_per_mb']:.1f} |"
            for row in res.get("intake", [])
        ],
        "",
        "## Exports and coverage as fractions of the build (in-process, warm caches)",
        "",
        "| step | median | fraction of build |",
        "|---|---:|---:|",
        f"| build (map + exports + changelog) | {_ms(parts['build_s'])} | 1.00 |",
        f"| every export format | {_ms(parts['exports_s'])} | {parts['exports_fraction']:.2f} |",
        f"| full coverage (every city and country, computed afresh) | {_ms(parts['coverage_s'])} "
        f"| {parts['coverage_fraction']:.2f} |",
        "",
        "## Where the time goes (profiles of targets missed)",
        "",
        "Each build is profiled as a whole process; the profiler slows Python code down, so read "
        "the shares.",
        "",
    ]
    profiles = res.get("profiles")
    if profiles is None:
        lines += ["Not profiled in this run (`--no-profile`).", ""]
    elif not profiles:
        lines += ["Every target was met: no profile needed.", ""]
    for title, text in (profiles or {}).items():
        lines += [f"### {title}", "", "```", text, "```", ""]
    return "\n".join(lines)


def missed(res: dict[str, Any]) -> dict[str, tuple[list[str], dict[str, str] | None]]:
    """The builds to profile: those whose targets this run missed."""
    out: dict[str, tuple[list[str], dict[str, str] | None]] = {}
    b = res["build"]
    site = Path(tempfile.mkdtemp(prefix="cloudmap-prof-site-")) / "site"
    if b["cold_ratio"] > 2.0:
        out[f"`cloudmap build`, cold ({b['cold_ratio']:.2f}× the floor)"] = (build_cmd(site), COLD)
    if b["ratio"] > 1.5:
        out[f"`cloudmap build`, warm ({b['ratio']:.2f}× the floor)"] = (build_cmd(site), None)
    big = res["scale"][-1] if res["scale"] else None
    if big is not None and (big["build_s"] > 5 or big.get("tti_ms", 0) > 2000):
        root = res["scale_roots"][big["sites"]]
        out[f"`cloudmap build` of {big['sites']:,} sites, warm ({big['build_s']:.1f} s)"] = (
            build_cmd(root / "site", root),
            None,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 repetition, small sizes")
    ap.add_argument("--runs", type=int, default=None, help="repetitions (default 5; --quick: 1)")
    ap.add_argument(
        "--sizes", default=None, help="synthetic catalog sizes (default 1000,3000,10000)"
    )
    ap.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"), help="report path")
    ap.add_argument("--no-browser", action="store_true", help="skip time-to-interactive")
    ap.add_argument("--no-profile", action="store_true", help="skip profiling missed targets")
    args = ap.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    sizes = [
        int(s) for s in (args.sizes or ("60,120" if args.quick else "1000,3000,10000")).split(",")
    ]
    compileall.compile_dir(REPO / "src" / "cloudmap", quiet=1)  # as an installed package has
    browser = None if args.no_browser or not Path(CHROMIUM).exists() else Browser()
    work = Path(tempfile.mkdtemp(prefix="cloudmap-bench-"))
    try:
        res: dict[str, Any] = {"machine": machine(), "date": dt.date.today().isoformat()}
        res["build"] = bench_build(runs, work)
        res["weight"] = bench_weight_and_tti(runs, work, res["build"]["site"], browser)
        res["scale"] = bench_scale(runs, work, sizes, browser)
        res["scale_roots"] = {n: work / f"synth-{n}" for n in sizes}
        res["parts"] = bench_parts(runs, work)
        res["intake"] = bench_intake(runs, work, (64, 256) if args.quick else (256, 1024, 4096))
        if browser is not None:
            browser.close()
            browser = None
        res["profiles"] = None
        if not args.no_profile:
            res["profiles"] = {
                title: profile(cmd, env=env) for title, (cmd, env) in missed(res).items()
            }
    finally:
        if browser is not None:
            browser.close()
        shutil.rmtree(work, ignore_errors=True)
    text = report(res, runs=runs, quick=args.quick)
    Path(args.out).write_text(text, encoding="utf-8")
    res["build"].pop("site")
    res.pop("scale_roots")
    print(
        json.dumps(
            {k: v for k, v in res.items() if k not in ("machine", "profiles")},
            indent=1,
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
