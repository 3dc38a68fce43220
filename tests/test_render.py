"""The map page without a browser: escaping, determinism, size, geometry, atomic site builds."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from browser_support import (
    EVIL_MARKET,
    EVIL_NAME,
    EVIL_NOTES,
    REPO,
    hostile_root,
    need_geo,
    node_modules,
)
from cloudmap import render, site
from cloudmap.assets import ASSETS, inline, local_path
from cloudmap.validate import load_validated
from conftest import tree_digest

ON = dt.date(2025, 11, 26)
MAX_BYTES = 1_500_000


def _blob(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="cloudmap-data">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))


def _places(data: dict) -> list[dict]:
    """Each place's fields: what the page draws with, and the popup details (inline here)."""
    details = data["details"]
    return [
        {
            **dict(zip(data["placeFields"], row, strict=True)),
            **dict(zip(details["fields"], more, strict=True)),
        }
        for row, more in zip(data["places"], details["rows"], strict=True)
    ]


@pytest.fixture(scope="module")
def real() -> tuple:
    need_geo()
    catalog = load_validated(REPO, full=False)
    page = render.render_map(catalog, ON, root=REPO)
    return catalog, page


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "raw", ["</script>", "</SCRIPT >", "<!--", "a & b", "x\u2028y\u2029z", "'\"`\\1", "{{ 7*7 }}"]
)
def test_script_json_cannot_break_out_and_round_trips(raw):
    text = render.script_json({"k": raw})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"k": raw}


def test_hostile_strings_only_appear_escaped(tmp_path):
    root = hostile_root(tmp_path / "evil")
    catalog = load_validated(root, full=False)
    page = render.render_map(catalog, ON, root=root, rtt=False)
    # every </script> in the page closes a <script> the page itself opened
    assert page.lower().count("</script") == page.lower().count("<script")
    assert "<script>window.__pwned" not in page and "<img" not in page  # only as escaped data
    assert "{{ 7*7 }}" in page.replace("\\u003c", "<")  # no template engine touched the data
    places = {p["id"]: p for p in _places(_blob(page))}
    assert places["mx-central-1"]["name"] == EVIL_NAME
    assert places["mx-central-1"]["notes"] == EVIL_NOTES
    assert EVIL_MARKET in [m["name"] for m in _blob(page)["markets"]]


def test_title_and_header_are_escaped(tmp_path):
    root = hostile_root(tmp_path / "evil")
    data = root / "data" / "testcloud.yaml"
    data.write_text(data.read_text().replace("name: Test Cloud", 'name: "Test <i>Cloud</i>"'))
    page = render.render_map(
        load_validated(root, full=False),
        ON,
        root=root,
        rtt=False,
        downloads=[("a<b>.csv", "data/a<b>.csv")],
    )
    assert "<i>Cloud</i>" not in page and "Test &lt;i&gt;Cloud&lt;/i&gt; footprint" in page
    assert 'href="data/a&lt;b&gt;.csv"' in page


# --------------------------------------------------------------------------- determinism, size


def test_render_is_deterministic(real):
    catalog, page = real
    assert render.render_map(catalog, ON, root=REPO) == page
    assert not re.search(r"[0-9a-f]{32}", page), "a random branca element id slipped through"


def test_page_is_light(real):
    _, page = real
    assert len(page.encode()) <= MAX_BYTES


def test_self_contained_page_is_light_and_has_no_remote_assets(real):
    nm = node_modules()  # skipped locally without npm ci, failed in CI
    catalog, _ = real
    page = render.render_map(catalog, ON, root=REPO, self_contained=True, node_modules=nm)
    assert len(page.encode()) <= MAX_BYTES
    assert "cdn.jsdelivr.net" not in page and "tile.openstreetmap.org" not in page
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?:""", page)


def test_default_page_uses_pinned_cdn_assets_and_attributed_tiles(real):
    _, page = real
    for asset in ASSETS:
        assert asset.url in page
    assert "tile.openstreetmap.org" in page and "OpenStreetMap" in page and "copyright" in page


def test_popup_details_go_to_a_sidecar_unless_self_contained(real):
    catalog, page = real
    files = render.render_site(catalog, ON, root=REPO)
    assert sorted(files) == ["details.js", "index.html"]
    data = _blob(files["index.html"])
    assert data["details"] is None and data["detailsSrc"] == render.DETAILS_FILE
    script = files[render.DETAILS_FILE]
    assert script.startswith("cloudmapDetails(") and script.endswith(");\n")
    assert json.loads(script[len("cloudmapDetails(") : -3]) == _blob(page)["details"]
    assert data["places"] == _blob(page)["places"]  # the same markers either way
    assert len(files["index.html"]) < len(page)
    nm = node_modules()
    offline = render.render_site(catalog, ON, root=REPO, self_contained=True, node_modules=nm)
    assert sorted(offline) == ["index.html"]  # file:// with nothing beside it
    assert _blob(offline["index.html"])["details"] == _blob(page)["details"]


# --------------------------------------------------------------------------- data


def test_every_region_and_site_with_a_status_is_placed(real):
    catalog, page = real
    data = _blob(page)
    places = {p["id"]: p for p in _places(data)}
    last = len(data["steps"]) - 1
    codes = {code: key for key, code, *_ in data["statuses"]}
    for r in catalog.regions:
        status = r.status(ON)
        if status is None:
            assert r.id not in places or places[r.id]["t"][last] == "."
        else:
            assert codes[places[r.id]["t"][last]] == status
    live = [p for p in places.values() if codes.get(p["t"][last]) in ("new", "live", "closing")]
    assert len(live) == sum(r.is_live(ON) for r in catalog.regions)
    for s in catalog.sites_as_of(ON):
        assert places[s.id]["t"][last] == "a"
        assert places[s.id]["approx"] == (1 if s.location is None else 0)


def test_timeline_has_one_step_per_year_then_the_as_of_date(real):
    catalog, page = real
    steps = _blob(page)["steps"]
    assert steps[-1] == ["26 Nov 2025", "2025-11-26"]
    assert [s[0] for s in steps[:-1]] == [str(y) for y in range(min(catalog.dates).year, 2025)]


def _rings(data: dict):
    scale = data["coordScale"]
    for row in data["countries"]:
        for poly in row[-1]:
            for ring in poly:
                xs = [sum(ring[0 : i + 1 : 2]) / scale for i in range(0, len(ring), 2)]
                ys = [sum(ring[1 : i + 2 : 2]) / scale for i in range(0, len(ring), 2)]
                yield row[0], xs, ys


def test_country_rings_stay_on_the_map_and_never_band_across_it(real):
    _, page = real
    data = _blob(page)
    n = 0
    for key, xs, ys in _rings(data):
        n += 1
        assert min(xs) >= -180 and max(xs) <= 180 and min(ys) >= -90 and max(ys) <= 90, key
        assert max(xs) - min(xs) < 180 or key in ("ATA", "RUS", "FJI"), key
        assert len(xs) >= 3
    assert n > 1000


def test_simplification_keeps_shared_borders_shared(real):
    _, page = real
    data = _blob(page)
    pts: dict[str, set] = {}
    for key, xs, ys in _rings(data):
        pts.setdefault(key, set()).update(zip(xs, ys, strict=True))
    # neighbours keep common vertices (coverage simplification moves both sides together)
    for a, b in (("FRA", "ESP"), ("USA", "CAN"), ("CHN", "MNG"), ("BRA", "ARG")):
        assert len(pts[a] & pts[b]) >= 3, (a, b)


def test_country_footprint_matches_the_headline_totals(real):
    from cloudmap.analysis import stats

    catalog, page = real
    data = _blob(page)
    fields = data["countryFields"]
    rows = [dict(zip(fields, row, strict=True)) for row in data["countries"]]
    s = stats(catalog, ON)
    assert sum(r["zones"] for r in rows) == s["zones"]
    assert sum(r["regions"] for r in rows) == s["regions"]
    assert (
        f"<b>{s['regions']}</b> regions, <b>{s['zones']}</b> zones in "
        f"<b>{s['countries']}</b> countries" in page
    )


# --------------------------------------------------------------------------- assets


def test_assets_map_cdn_urls_to_node_modules(tmp_path):
    for asset in ASSETS:
        (tmp_path / asset.package / asset.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / asset.package / asset.path).write_text("x")
        assert local_path(asset.url, tmp_path) == (tmp_path / asset.package / asset.path).resolve()
    assert (
        local_path("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/../../etc/passwd", tmp_path) is None
    )
    assert local_path("https://example.com/leaflet.js", tmp_path) is None


def test_inline_needs_node_modules_and_says_run_npm_ci():
    with pytest.raises(site.CloudmapError, match="run npm ci"):
        inline(ASSETS[0], None)


def test_package_json_pins_the_asset_versions():
    pkg = json.loads((REPO / "package.json").read_text())["dependencies"]
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    for asset in ASSETS:
        assert pkg[asset.package] == asset.version
        assert lock[f"node_modules/{asset.package}"]["version"] == asset.version


# --------------------------------------------------------------------------- site


@pytest.fixture
def evil_site(tmp_path) -> tuple[Path, Path]:
    return hostile_root(tmp_path / "evil"), tmp_path / "out" / "site"


def test_build_writes_map_exports_and_marker(evil_site):
    root, out = evil_site
    index = site.build_site(root, on=ON, out=out)
    assert index == out / "index.html"
    assert (out / site.MARKER).is_file()
    files = sorted(p.name for p in (out / "data").iterdir())
    assert files and all(f'href="data/{name}"' in index.read_text() for name in files)
    assert [p.name for p in out.parent.iterdir()] == ["site"]  # no temporary folder left


def test_build_twice_gives_identical_bytes(evil_site):
    root, out = evil_site
    site.build_site(root, on=ON, out=out)
    first = tree_digest(out)
    site.build_site(root, on=ON, out=out)
    assert tree_digest(out) == first


def test_failed_build_leaves_previous_site_intact(evil_site, monkeypatch):
    root, out = evil_site
    site.build_site(root, on=ON, out=out)
    before = tree_digest(out)

    def boom(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(site.render, "render_site", boom)
    with pytest.raises(RuntimeError):
        site.build_site(root, on=dt.date(2024, 1, 1), out=out)
    assert tree_digest(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["site"]


def test_failed_first_build_creates_nothing(evil_site, monkeypatch):
    root, out = evil_site
    monkeypatch.setattr(site.render, "render_site", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        site.build_site(root, on=ON, out=out)
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_stale_temporary_folder_of_a_killed_build_is_removed(evil_site):
    root, out = evil_site
    out.parent.mkdir(parents=True)
    stale = out.parent / ".site.build-999999999-abc"
    stale.mkdir()
    (stale / "index.html").write_text("half")
    site.build_site(root, on=ON, out=out)
    assert not stale.exists()


def test_build_refuses_to_replace_a_folder_it_did_not_write(evil_site, run):
    root, out = evil_site
    out.mkdir(parents=True)
    (out / "precious.txt").write_text("keep me")
    r = run("build", "--root", str(root), "--out", str(out), "--as-of", "2025-11-26")
    assert r.code == 1
    assert r.err.startswith(f"Error: --out {out}: the folder exists and was not written by")
    assert (out / "precious.txt").read_text() == "keep me"


def test_cli_build(evil_site, run):
    root, out = evil_site
    r = run("build", "--root", str(root), "--out", str(out), "--as-of", "2025-11-26")
    assert r.code == 0, r.err
    assert r.out.startswith(f"Wrote {out / 'index.html'} (")
    assert "as of 2025-11-26" in r.out


def test_cli_self_contained_without_assets_says_run_npm_ci(evil_site, run, monkeypatch, tmp_path):
    root, out = evil_site
    monkeypatch.delenv("CLOUDMAP_NODE_MODULES", raising=False)
    monkeypatch.chdir(tmp_path)
    r = run("build", "--root", str(root), "--out", str(out), "--self-contained")
    assert r.code == 1
    assert r.err.startswith("Error: --self-contained inlines the front-end assets")
    assert "run npm ci" in r.err
    assert not out.exists()


def test_build_is_byte_identical_across_processes(evil_site, tmp_path):
    import os
    import subprocess
    import sys

    root, _ = evil_site
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"site-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cloudmap",
                "build",
                "--root",
                str(root),
                "--out",
                str(out),
                "--as-of",
                "2025-11-26",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        pages.append(tree_digest(out))
    assert pages[0] == pages[1]
