"""bench/INTAKE.md is what bench/intake_quality.py computes from the corpus today."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_quality_table_is_current():
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "intake_quality.py"), "--check"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
