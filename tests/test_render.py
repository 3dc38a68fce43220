"""The map page without a browser: escaping, determinism, page weight, assets, header totals,
the failure block, downloads notes, atomic and byte-identical site builds."""

from __future__ import annotations

import datetime as dt
import json
import re

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
from cloudmap.errors import CloudmapError
from cloudmap.project import load_project
from conftest import tree_digest

ON = dt.date(2025, 11, 26)
MAX_PAGE_BYTES = 600_000  # the default index.html with ~250 regions (issue #15)


def _blob(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="cloudmap-data">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def real():
    need_geo()
    project = load_project(REPO)
    on = project.on(None)
    return project, on, render.render_site(project, on)


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    return load_project(hostile_root(tmp_path_factory.mktemp("evil") / "evil"))


# --------------------------------------------------------------------------- escaping


def test_hostile_strings_only_appear_escaped(evil):
    page = render.render_map(evil, ON)
    # every </script> in the page closes a <script> the page itself opened
    assert page.lower().count("</script") == page.lower().count("<script")
    assert "<script>window.__pwned" not in page and "<img" not in page  # only as escaped data
    assert "{{ 7*7 }}" in page.replace("\\u003c", "<")  # no template engine touched the data
    data = _blob(page)
    fields = data["placeFields"]
    places = {row[fields.index("id")]: i for i, row in enumerate(data["places"])}
    i = places["mx-central-1"]
    assert data["places"][i][fields.index("name")] == EVIL_NAME
    assert data["details"]["rows"][i][data["details"]["fields"].index("notes")] == EVIL_NOTES
    assert EVIL_MARKET in [m["name"] for m in data["markets"]]
    # map.js writes markup only for our own SVG swatches, never catalog text
    assigned = re.findall(r"\.innerHTML\s*=\s*(.{5})", render._static("map.js"))
    assert assigned and all(a == "'<svg" for a in assigned)


def test_title_header_and_downloads_are_escaped(evil, tmp_path):
    root = evil.root
    data = root / "data" / "testcloud.yaml"
    data.write_text(data.read_text().replace("name: Test Cloud", 'name: "Test <i>Cloud</i>"'))
    page = render.render_map(
        load_project(root), ON, downloads=[("a<b>.csv", "data/a<b>.csv", "x <b>y</b>")]
    )
    assert "<i>Cloud</i>" not in page and "Test &lt;i&gt;Cloud&lt;/i&gt;" in page
    assert 'href="data/a&lt;b&gt;.csv"' in page and "x &lt;b&gt;y&lt;/b&gt;" in page


# --------------------------------------------------------------------------- page


def test_render_is_deterministic(real):
    project, on, files = real
    assert render.render_site(project, on) == files
    assert not re.search(r"[0-9a-f]{32}", files["index.html"]), "a random id slipped through"


def test_default_page_is_light(real):
    _, _, files = real
    assert len(files["index.html"].encode()) <= MAX_PAGE_BYTES


def test_page_language_viewport_and_the_failure_block(real):
    _, _, files = real
    page = files["index.html"]
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    viewport = re.search(r'<meta name="viewport" content="([^"]+)">', page).group(1)
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
    fail = re.search(r'<div id="cm-fail"[^>]*hidden>(.*?)</div>', page, re.S).group(1)
    assert "cdn.jsdelivr.net" in fail and "cloudmap build --self-contained" in fail
    assert page.index('class="cm-skip"') < page.index("<header")


def test_header_totals_are_the_counting_rule_for_the_default_provider(real):
    from cloudmap.footprint import footprint

    project, on, files = real
    fp = footprint(project.catalog, on, provider="alibaba-cloud")
    totals = render.header_totals(project, on, "alibaba-cloud")
    assert (totals["regions"], totals["zones"], totals["countries"]) == (
        len(fp.regions),
        len(fp.zones),
        len(fp.countries),
    )
    text = re.sub(
        r"<[^>]+>", "", re.search(r'id="cm-totals"[^>]*>(.*?)</p>', files["index.html"]).group(1)
    )
    assert text.startswith("Alibaba Cloud on ")
    assert f"{totals['regions']} regions, {totals['zones']} zones in {totals['countries']}" in text
    assert text.endswith(f"; {totals['announced']} announced")
    for day, want in (("2024-06-27", (30, 89)), ("2025-05-24", (29, 87))):
        t = render.header_totals(project, dt.date.fromisoformat(day), "alibaba-cloud")
        assert (t["regions"], t["zones"]) == want


def test_self_contained_page_has_no_remote_assets(real):
    project, on, _ = real
    nm = node_modules()  # skipped locally without npm ci, failed in CI
    files = render.render_site(project, on, self_contained=True, node_modules=nm)
    assert sorted(files) == ["index.html"]  # file:// with nothing beside it
    page = files["index.html"]
    assert "cdn.jsdelivr.net" not in page.replace("cdn.jsdelivr.net)", "")  # only the fail text
    assert "tile.openstreetmap.org" not in page
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?:""", page)
    assert _blob(page)["details"] is not None


def test_default_page_uses_pinned_cdn_assets_and_attributed_tiles(real):
    _, _, files = real
    page = files["index.html"]
    for asset in ASSETS:
        assert asset.url in page
    assert "tile.openstreetmap.org" in page and "OpenStreetMap" in page and "copyright" in page


def test_popup_details_go_to_a_sidecar(real):
    _, _, files = real
    assert sorted(files) == ["details.js", "index.html"]
    data = _blob(files["index.html"])
    assert data["details"] is None and data["detailsSrc"] == render.DETAILS_FILE
    script = files[render.DETAILS_FILE]
    assert script.startswith("cloudmapDetails(") and script.endswith(");\n")
    details = json.loads(script[len("cloudmapDetails(") : -3])
    assert len(details["rows"]) == len(data["places"])


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
    with pytest.raises(CloudmapError, match="run npm ci"):
        inline(ASSETS[0], None)


def test_package_json_pins_the_assets_and_axe_core():
    pkg = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    for asset in ASSETS:
        assert pkg["dependencies"][asset.package] == asset.version
        assert lock[f"node_modules/{asset.package}"]["version"] == asset.version
    axe = pkg["devDependencies"]["axe-core"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", axe) and lock["node_modules/axe-core"]["version"] == axe


# --------------------------------------------------------------------------- site


@pytest.fixture
def evil_site(evil, tmp_path) -> tuple:
    return evil, tmp_path / "out" / "site"


def test_build_writes_map_exports_changelog_and_download_notes(evil_site):
    project, out = evil_site
    res = site.build_site(project, on=ON, out=out)
    page = res.index.read_text(encoding="utf-8")
    files = sorted(p.name for p in (out / "data").iterdir())
    assert files and all(f'href="data/{name}"' in page for name in files)
    assert (out / "changelog.html").is_file() and 'href="changelog.html"' in page
    if "regions.csvt" in files:
        note = re.search(
            r'href="data/regions.csvt" download>regions.csvt</a> <span class="cm-note">([^<]+)<',
            page,
        )
        assert note and "column types" in note.group(1)
    assert [p.name for p in out.parent.iterdir()] == ["site"]  # no temporary folder left


def test_build_twice_gives_identical_bytes(evil_site):
    project, out = evil_site
    site.build_site(project, on=ON, out=out)
    first = tree_digest(out)
    site.build_site(project, on=ON, out=out)
    assert tree_digest(out) == first


def test_failed_build_leaves_previous_site_intact(evil_site, monkeypatch):
    project, out = evil_site
    site.build_site(project, on=ON, out=out)
    before = tree_digest(out)

    def boom(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(site.render, "render_site", boom)
    with pytest.raises(RuntimeError):
        site.build_site(project, on=dt.date(2024, 1, 1), out=out)
    assert tree_digest(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["site"]


def test_build_is_byte_identical_across_processes(evil, tmp_path):
    import os
    import subprocess
    import sys

    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"site-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "cloudmap", "build", "--root", str(evil.root), "--out",
             str(out), "--as-of", "2025-11-26"],
            check=True,
            env=env,
            capture_output=True,
        )  # fmt: skip
        pages.append(tree_digest(out))
    assert pages[0] == pages[1]


def test_changelog_source_links_show_their_host(evil):
    from cloudmap import changelog

    page = render.render_changelog(evil, changelog.events(evil.catalog))
    links = re.findall(r'<a href="([^"]+)" rel="noopener noreferrer"[^>]*>([^<]+)</a>', page)
    assert links and all(text == render._host(href.replace("&amp;", "&")) for href, text in links)
    for name in ("provider", "country", "event", "year"):
        assert f'<select name="{name}">' in page
