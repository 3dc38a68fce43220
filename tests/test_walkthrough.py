"""README's "A new region was announced" walkthrough, run end to end on a copy of the repository."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

HEADING = "## A new region was announced"


def walkthrough_commands() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(HEADING, 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    joined = block.replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if line.strip()]


def test_readme_walkthrough_runs_end_to_end(tmp_path):
    work = tmp_path / "repo"
    for part in ("data", "seeds", "geo", "site", "docs/examples"):
        shutil.copytree(REPO / part, work / part)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-qm", "before"], check=True)

    commands = walkthrough_commands()
    assert [c[0] for c in commands] == ["cloudmap"] * 7 + ["git"]
    assert commands[0][1] == "watch"  # the walkthrough starts from the drift report
    assert commands[1][1:3] == ["announce", "draft"]  # then the news it found
    outputs = []
    for cmd in commands:
        if cmd[0] == "cloudmap":
            argv = [sys.executable, "-m", "cloudmap", *cmd[1:]]
            proc = subprocess.run(argv, cwd=work, capture_output=True, text=True, check=False)
            want = 3 if cmd[1] == "watch" else 0  # watch: 3 = drift found
            assert proc.returncode == want, (cmd, proc.stderr)
            outputs.append(proc.stdout)
        else:  # the git line: "git add ... && git commit -m ..."
            line = shlex.join(cmd).replace("git ", " ".join(git) + " ")
            proc = subprocess.run(
                line.replace("'&&'", "&&"),
                shell=True,
                cwd=work,
                capture_output=True,
                text=True,
                check=False,
            )
            assert proc.returncode == 0, proc.stderr

    # The drift report found the unrecorded article and proposed recording it.
    assert "not recorded: 'Alibaba Cloud opens a region in the Netherlands'" in outputs[0]
    assert "   cloudmap announce add --date 2026-12-01 " in outputs[0]
    # The draft proposed the announcement, and --write recorded it.
    assert "To record it (review, fill the <...> parts, then run):" in outputs[1]
    seed = work / "seeds" / "2026-12-01-alibaba-cloud-opens-a-region-in-the-netherlands.yaml"
    assert "totals: {regions: 32, zones: 108}" in seed.read_text(encoding="utf-8")
    # With the region added, the article's totals reconcile.
    rec = subprocess.run(
        [sys.executable, "-m", "cloudmap", "reconcile", "--provider", "alibaba-cloud"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "2026-12-01-alibaba-cloud-opens-a-region-in-the-netherlands (as of 2026-12-01): "
        "MATCH: regions claimed 32, catalog 32, zones claimed 108, catalog 108"
    ) in rec.stdout
    # The diff step reports the new region and the newly hosting country.
    diff_out = next(o for o in outputs if o.startswith("Footprint changes"))
    assert "eu-west-3  Netherlands (Amsterdam), NL  2026-12-01" in diff_out
    assert "Countries newly hosting a region: NL" in diff_out
    # The rebuilt site shows it: exports, changelog and the map's data.
    regions = json.loads((work / "site" / "data" / "regions.geojson").read_text(encoding="utf-8"))
    new = next(f for f in regions["features"] if f["id"] == "alibaba-cloud:eu-west-3")
    assert new["properties"]["status"] == "new"
    assert new["properties"]["live_zones"] == 2
    assert "eu-west-3" in (work / "site" / "changelog.html").read_text(encoding="utf-8")
    assert "eu-west-3" in (work / "site" / "index.html").read_text(encoding="utf-8")
    # ... and the announced Netherlands site became the region.
    sites = json.loads((work / "site" / "data" / "sites.geojson").read_text(encoding="utf-8"))
    assert not any(f["properties"]["country"] == "NL" for f in sites["features"])
    # Everything was committed.
    log = subprocess.run(
        ["git", "-C", str(work), "log", "--oneline"], capture_output=True, text=True, check=True
    ).stdout
    assert "Netherlands region eu-west-3 opens" in log
    status = subprocess.run(
        ["git", "-C", str(work), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == ""


def test_readme_python_snippet_runs(tmp_path, monkeypatch):
    """README's "Use it from Python" block, executed as written (outputs go to a temp folder)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use it from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    for part in ("data", "seeds", "geo"):
        shutil.copytree(REPO / part, tmp_path / part)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    import folium

    assert (tmp_path / "exports" / "regions.geojson").is_file()
    assert (tmp_path / "site" / "index.html").is_file()
    assert set(namespace["live"]["provider"]) >= {"alibaba-cloud", "aws"}
    assert namespace["table"]["scope"]["market"] == "Middle East"
    m = namespace["m"]
    assert isinstance(m, folium.Map)
    layers = [e for e in m._children.values() if isinstance(e, folium.GeoJson)]
    assert len(layers) == 2  # the user's announced sites, then explore's AWS regions
    saved = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert all(
        f"{layer.get_name()}.addTo({m.get_name()})" in saved.replace(" ", "") for layer in layers
    )
    stats = namespace["view"].stats()
    assert (stats["regions"], stats["zones"]) == (29, 87)


def _readme_examples() -> list[tuple[str, list[str]]]:
    """Every indented ``$ cloudmap ...`` block of README with the output lines it shows."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        if not line.startswith("    $ cloudmap "):
            continue
        shown = []
        for nxt in lines[i + 1 :]:
            if not (nxt.startswith("    ") or nxt == ""):
                break
            shown.append(nxt[4:])
        while shown and shown[-1] == "":
            shown.pop()
        out.append((line[6:], shown))
    return out


@pytest.mark.parametrize("command, shown", _readme_examples(), ids=lambda x: str(x)[:40])
def test_readme_examples_show_what_the_commands_print(command, shown):
    """Shown lines equal the real output; a line cut with "  ..." matches up to the cut, and a
    lone "..." ends the comparison (review finding D10: examples had drifted)."""
    argv = shlex.split(command)[1:]
    real = subprocess.run(
        [sys.executable, "-m", "cloudmap", *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert shown
    for i, want in enumerate(shown):
        if want == "...":
            break
        if want.endswith("  ..."):
            assert real[i].startswith(want[: -len("  ...")]), (i, want, real[i])
        else:
            assert real[i] == want, (i, want, real[i])


def test_readme_has_examples():
    assert len(_readme_examples()) >= 2
