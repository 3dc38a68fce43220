"""The package as users install it: a wheel in a fresh virtual environment builds the map from an
empty folder, from the data snapshot shipped inside it."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from conftest import REPO


def test_the_wheel_builds_the_map_from_an_empty_folder(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [wheel] = dist.glob("cloudmap-*.whl")
    env_dir = tmp_path / "venv"
    # The dependencies come from this interpreter's site-packages (they are pinned there); the
    # package itself only from the wheel.
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    where = subprocess.run(
        [str(py), "-c", "import cloudmap; print(cloudmap.__file__)"],
        cwd=empty,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(env_dir)), where  # the wheel, not the source tree
    cli = env_dir / "bin" / "cloudmap"
    ok = subprocess.run([str(cli), "validate"], cwd=empty, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: 6 providers, ")
    built = subprocess.run([str(cli), "build"], cwd=empty, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    site = empty / "site"
    assert (site / "index.html").is_file() and (site / "data" / "cloudmap.gpkg").is_file()
    assert (site / "changelog.html").is_file()
    # the packaged snapshot is the repository's data, byte for byte
    snap = Path(where.strip()).parent / "_snapshot"
    for part in ("data", "seeds", "geo"):
        for f in (REPO / part).iterdir():
            if f.is_file():
                assert (snap / part / f.name).read_bytes() == f.read_bytes(), f
    draft = subprocess.run(
        [str(cli), "announce", "draft", str(REPO / "docs" / "examples" / "netherlands-region.md")],
        cwd=empty,
        capture_output=True,
        text=True,
    )
    assert draft.returncode == 0, draft.stderr  # the intake lexicon ships too
