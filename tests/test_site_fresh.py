"""The committed site/ is exactly what `cloudmap build` produces from the committed data."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO, tree_digest


def test_committed_site_is_fresh(tmp_path):
    out = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "cloudmap", "build", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    committed, built = tree_digest(REPO / "site"), tree_digest(out)
    stale = sorted(k for k in committed.keys() | built.keys() if committed.get(k) != built.get(k))
    assert not stale, f"site/ is stale ({', '.join(stale)}): run `cloudmap build` and commit site/"
