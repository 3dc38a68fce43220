"""The committed site/ is exactly what `cloudmap build` produces from the committed data (every
file but those .gitignore keeps out of the repository: see README, "Repository size")."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO, tree_digest


def _ignored(paths: list[str]) -> set[str]:
    """Which of these site/ paths git ignores (they are built, never committed)."""
    proc = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=REPO,
        input="\n".join(f"site/{p}" for p in paths),
        capture_output=True,
        text=True,
        check=False,
    )
    return {line.removeprefix("site/") for line in proc.stdout.splitlines()}


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
    built = tree_digest(out)
    kept_out = _ignored(sorted(built))
    # built for users (and the published site), not committed: megabytes for every change
    assert kept_out == {"data/cloudmap.gpkg", "data/countries.geojson", "data/markets.geojson"}
    committed = {k: v for k, v in tree_digest(REPO / "site").items() if k not in kept_out}
    built = {k: v for k, v in built.items() if k not in kept_out}
    stale = sorted(k for k in committed.keys() | built.keys() if committed.get(k) != built.get(k))
    assert not stale, f"site/ is stale ({', '.join(stale)}): run `cloudmap build` and commit site/"
