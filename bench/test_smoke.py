"""The benchmark's smoke run: bench/run.py still runs end to end and writes every section.

Small sizes, one repetition, no browser, no timing assertions: this only keeps the benchmark from
rotting (the figures themselves are in bench/RESULTS.md, from a full run). It is its own CI step
(`python -m pytest bench`), not part of the unit suite.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SECTIONS = (
    "## Machine",
    "## Build time (whole process) vs the import floor",
    "## Page weight vs a naive folium build",
    "## Time to interactive (headless Chromium, offline) vs the naive build",
    "## Scale: synthetic catalogs over three providers (bench/synth.py)",
    "## Before and after this round",
    "## Intake on long articles (`announce draft`, seconds per MB)",
    "## Exports and coverage as fractions of the build (in-process, warm caches)",
    "## Where the time goes (profiles of targets missed)",
)


def test_quick_benchmark_writes_every_section(tmp_path):
    import os

    out = tmp_path / "RESULTS.md"
    env = {**os.environ, "CLOUDMAP_CACHE_DIR": str(tmp_path / "cache")}  # not the user's cache
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--quick",
            "--no-browser",
            "--sizes",
            "30,60",
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == list(SECTIONS)
    assert "| `cloudmap build`, warm |" in text and "| `cloudmap build`, cold |" in text
    assert "| `site/index.html` |" in text
    # sites | warm | cold | page | details.js | ...
    assert re.search(r"^\| 30 \| [\d.]+ s \| [\d.]+ s \| [\d.]+ MB \| [\d.]+ MB \| ", text, re.M)
    assert re.search(r"^\| 60 \| ", text, re.M)
    assert "Not measured in this run (`--no-browser`" in text
    profiles = text.split("## Where the time goes (profiles of targets missed)", 1)[1]
    assert "Every target was met" in profiles or "Program: " in profiles
