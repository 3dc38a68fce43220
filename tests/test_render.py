"""The map without a browser: a folium.Map a Python user can extend, escaping, stable element
ids and bytes, page weight, assets, header totals, the loading and failure blocks, download
notes, atomic and byte-identical site builds."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import folium
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
from conftest import page_records, tree_digest

ON = dt.date(2025, 11, 26)
MAX_PAGE_BYTES = 600_000  # the default index.html with ~280 places (issue #21)
STATIC = Path(render.__file__).parents[1] / "static"


def _blob(page: str) -> dict:
    m = re.search(
        r'<script type="application/json" id="footprint_\d+-data">(.*?)</script>', page, re.S
    )
    assert m is not None
    data = json.loads(m.group(1))
    data["places"] = page_records(data["places"])
    return data


@pytest.fixture(scope="module")
def project():
    need_geo()
    return load_project(REPO)


@pytest.fixture(scope="module")
def real(project):
    return render.site_pages(project.at())


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    return load_project(hostile_root(tmp_path_factory.mktemp("evil") / "evil"))


# --------------------------------------------------------------------------- a folium map


def test_the_map_is_a_folium_map_a_user_can_add_layers_to(project):
    """What a notebook user does: the view's map is a folium.Map; folium layers, geopandas'
    explore and the save all work on it."""
    view = project.at("2025-05-15")
    m = view.map()
    assert isinstance(m, folium.Map)
    layer = folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}},
        name="mine",
    ).add_to(m)
    before = sum(isinstance(e, folium.GeoJson) for e in m._children.values())
    assert view.regions().explore(m=m) is m
    added = [e for e in m._children.values() if isinstance(e, folium.GeoJson)]
    assert len(added) == before + 1
    html = m.get_root().render()
    assert f"{layer.get_name()}.addTo({m.get_name()})" in html.replace(" ", "")
    assert f"{added[-1].get_name()}.addTo({m.get_name()})" in html.replace(" ", "")
    assert '"alibaba-cloud:na-south-1"' in html  # the explored regions' features
    assert m._repr_html_().startswith("<div")  # shows in a notebook (an iframe)


def test_a_map_with_folium_icons_gets_the_assets_folium_loads_for_them(project):
    m = project.at().map()
    before = m.get_root().render()
    assert "bootstrap" not in before and "awesome-markers" not in before
    folium.Marker([0, 0], icon=folium.Icon(color="red")).add_to(m)
    after = m.get_root().render()
    assert "leaflet.awesome-markers" in after and "bootstrap" in after


def test_element_ids_follow_the_map_not_chance(project):
    """branca gives every element a random id; the page numbers them by their place in the map,
    so two maps of the same view, in any order of making, are the same bytes."""
    a = project.at().map().get_root().render()
    b = project.at().map().get_root().render()
    assert a == b
    assert not re.search(r"_[0-9a-f]{32}\b", a), "a random id slipped through"
    m = project.at().map()
    once = m.get_root().render()
    assert m.get_root().render() == once  # rendering again changes nothing


# --------------------------------------------------------------------------- escaping


def test_hostile_strings_only_appear_escaped(evil):
    page = render.site_pages(evil.at(ON), self_contained=False)["index.html"]
    # every </script> in the page closes a <script> the page itself opened
    assert page.lower().count("</script") == page.lower().count("<script")
    assert "<script>window.__pwned" not in page and "<img" not in page  # only as escaped data
    data = _blob(page)
    place = next(p for p in data["places"] if p["id"] == "mx-central-1")
    assert place["name"] == EVIL_NAME
    assert EVIL_MARKET in [m["name"] for m in data["markets"]]
    details = render.site_pages(evil.at(ON))[render.DETAILS_FILE]
    assert "<img" not in details and "</script" not in details.lower()
    rows = json.loads(details[len("cloudmapDetails(") : -3])["places"]
    assert rows[data["places"].index(place)]["notes"] == EVIL_NOTES


def test_catalog_text_is_never_read_as_a_template(evil):
    """branca compiles an element's output as a Jinja template again; ours goes in as text, so
    notes holding ``{{ 7*7 }}`` and ``{% raw %}`` (inline in a self-contained page) stay text."""
    page = evil.at(ON).map().get_root().render()
    notes = json.loads(page.split('-data">', 1)[1].split("</script>", 1)[0])["details"]
    assert EVIL_NOTES in [d["notes"] for d in notes["places"]]
    assert "{{ 7*7 }}" in page and "{% raw %}" in page


def test_our_scripts_write_markup_only_for_our_own_svg():
    """Catalog text reaches the page through textContent/setAttribute only (cm.el); innerHTML
    is assigned only our own SVG strings."""
    for path in sorted((STATIC / "js").glob("*.js")):
        assigned = re.findall(r"\.innerHTML\s*=\s*(.{5})", path.read_text(encoding="utf-8"))
        assert all(a == "'<svg" for a in assigned), path.name


def test_title_header_and_downloads_are_escaped(evil):
    root = evil.root
    data = root / "data" / "testcloud.yaml"
    data.write_text(data.read_text().replace("name: Test Cloud", 'name: "Test <i>Cloud</i>"'))
    page = render.site_pages(
        load_project(root).at(ON), downloads=[("a<b>.csv", "data/a<b>.csv", "x <b>y</b>")]
    )["index.html"]
    assert "<i>Cloud</i>" not in page and "Test &lt;i&gt;Cloud&lt;/i&gt;" in page
    assert 'href="data/a&lt;b&gt;.csv"' in page and "x &lt;b&gt;y&lt;/b&gt;" in page


# --------------------------------------------------------------------------- page


def test_pages_are_deterministic(project, real):
    assert render.site_pages(project.at()) == real


def test_default_page_is_light(real):
    assert len(real["index.html"].encode()) <= MAX_PAGE_BYTES


def test_the_page_holds_every_place_with_each_field_named_once(project, real):
    from cloudmap.mapdata import map_data

    text = real["index.html"]
    raw = text.split('-data">', 1)[1].split("</script>", 1)[0]
    places = map_data(project.at())["places"]
    assert len(places) > 200
    assert _blob(text)["places"] == places  # the same records, however the page holds them
    for field in ("countsRegion", "history", "lat", "provider"):
        assert raw.count(f'"{field}"') == 1, field
    assert raw.count('"status"') == 1  # history entries are lists, their fields named once


def test_page_language_viewport_and_the_loading_blocks(real):
    page = real["index.html"]
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    viewports = re.findall(r'<meta name="viewport" content="([^"]+)">', page)
    assert viewports == ["width=device-width, initial-scale=1"]  # pinch zoom stays on
    fail = re.search(r'<div id="cm-fail"[^>]*hidden>(.*?)</div>', page, re.S).group(1)
    assert "cdn.jsdelivr.net" in fail and "cloudmap build --self-contained" in fail
    slow = re.search(r'<div id="cm-slow"[^>]*hidden>(.*?)</div>', page, re.S).group(1)
    assert "taking long" in slow
    assert page.index('class="cm-skip"') < page.index("<header") < page.index('class="folium-map')


def test_no_script_or_style_holds_the_page(real):
    """The header shows at once, whatever the network: the page links no script or style in its
    head; they are loaded by the page's own (inline) loader."""
    head = real["index.html"].split("</head>")[0]
    assert not re.search(r"<script[^>]+src=", head) and not re.search(r"<link[^>]+stylesheet", head)
    assert "cloudmapBoot.load([" in head


def test_the_boot_loaders_assets_are_preloaded_before_it_runs(real):
    """The preload scanner fetches the CDN assets while the page is parsed, before the inline
    loader runs; a preload never holds rendering (the test above: no blocking link)."""
    head = real["index.html"].split("</head>")[0]
    scripts, styles = (
        json.loads(x)
        for x in re.search(r"cloudmapBoot\.load\((\[.*?\]), (\[.*?\]), \d+\)", head).groups()
    )
    assert scripts and styles
    preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="(script|style)">', head)
    assert preloads == [(u, "style") for u in styles] + [(u, "script") for u in scripts]
    assert head.rindex('rel="preload"') < head.index("cloudmapBoot.load(")


def test_header_totals_are_the_counting_rule_of_the_views_providers(project, real):
    view = project.at()
    fp = view.footprint
    text = re.sub(
        r"<[^>]+>", "", re.search(r'id="cm-totals"[^>]*>(.*?)</p>', real["index.html"]).group(1)
    )
    assert text.startswith("Alibaba Cloud on 27 Nov 2026: ")
    assert f"{len(fp.regions)} regions, {len(fp.zones)} zones in {len(fp.countries)}" in text
    assert text.endswith(f"; {view.announced_places} announced")
    assert view.stats()["regions"] == len(fp.regions)
    for day, want in (("2024-06-27", (30, 89)), ("2025-05-24", (29, 87))):
        fp = project.at(day).footprint
        assert (len(fp.regions), len(fp.zones)) == want


def test_self_contained_page_has_no_remote_assets(project):
    nm = node_modules()  # skipped locally without npm ci, failed in CI
    files = render.site_pages(project.at(), self_contained=True, node_modules=nm)
    assert sorted(files) == ["index.html"]  # file:// with nothing beside it
    page = files["index.html"]
    assert "cloudmapBoot.load([], []" in page
    assert "tile.openstreetmap.org" not in page
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?:""", page)
    assert _blob(page)["details"] is not None


def test_default_page_loads_pinned_cdn_assets_and_attributed_tiles(real):
    page = real["index.html"]
    for asset in ASSETS:
        assert json.dumps(asset.url) in page
    assert "tile.openstreetmap.org" in page and "OpenStreetMap" in page and "copyright" in page


def test_popup_details_go_to_a_sidecar(real):
    assert sorted(real) == ["details.js", "index.html"]
    data = _blob(real["index.html"])
    assert data["details"] is None and '"detailsSrc":"details.js"' in real["index.html"]
    script = real[render.DETAILS_FILE]
    assert script.startswith("cloudmapDetails(") and script.endswith(");\n")
    details = json.loads(script[len("cloudmapDetails(") : -3])
    assert len(details["places"]) == len(data["places"])


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


def test_our_leaflet_is_the_one_folium_pins():
    assert folium.Map.default_js[0][1] == next(
        a.url for a in ASSETS if a.path.endswith("leaflet.js")
    )


def test_package_json_pins_the_assets_and_axe_core():
    pkg = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    for asset in ASSETS:
        assert pkg["dependencies"][asset.package] == asset.version
        assert lock[f"node_modules/{asset.package}"]["version"] == asset.version
    for tool in ("axe-core", "eslint", "@eslint/js", "globals"):  # CI's tools, pinned exactly
        version = pkg["devDependencies"][tool]
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), tool
        assert lock[f"node_modules/{tool}"]["version"] == version


def test_eslint_runs_in_ci_on_the_maps_scripts_with_a_flat_config():
    config = (REPO / "eslint.config.mjs").read_text(encoding="utf-8")
    assert '"src/cloudmap/static/js/**/*.js"' in config and "js.configs.recommended" in config
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.index("npm ci") < ci.index("node_modules/.bin/eslint") < ci.index("pytest")


def test_scripts_are_carried_without_indentation_and_mean_the_same():
    """The page drops our scripts' indentation and comment lines (about 17 KB): safe only while
    no string spans lines, which this checks, with ESLint's no-multi-str and no template
    literals (eslint.config.mjs)."""
    from cloudmap.render.page import script, static

    names = sorted(
        p.name for p in (REPO / "src" / "cloudmap" / "static" / "js").iterdir() if p.suffix == ".js"
    )
    for name in names:
        code = script(name)
        assert "`" not in code and not re.search(r"\\\n", code), name
        assert len(code) < 0.9 * len(static(f"js/{name}")), name
        kept = [line.strip() for line in static(f"js/{name}").splitlines()]
        assert code.splitlines() == [  # every code line, in order, only stripped
            line for line in code.splitlines() if line in kept
        ]


# --------------------------------------------------------------------------- site


@pytest.fixture
def evil_site(evil, tmp_path) -> tuple:
    return evil, tmp_path / "out" / "site"


def test_build_writes_map_exports_changelog_and_download_notes(evil_site):
    project, out = evil_site
    res = site.build_site(project.at(ON), out=out)
    page = res.index.read_text(encoding="utf-8")
    files = sorted(p.name for p in (out / "data").iterdir())
    assert files and all(f'href="data/{name}"' in page for name in files)
    assert (out / "changelog.html").is_file() and 'href="changelog.html"' in page
    note = re.search(
        r'href="data/regions.csvt" download>regions.csvt</a> <span class="cm-note">([^<]+)<', page
    )
    assert note and "column types" in note.group(1)
    for name in files:  # every download says how big it is (a phone on a slow link)
        size = (out / "data" / name).stat().st_size
        shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} kB"
        assert re.search(rf'download>{re.escape(name)}</a> <span class="cm-note">{shown}\b', page)
    assert [p.name for p in out.parent.iterdir()] == ["site"]  # no temporary folder left


def test_build_twice_gives_identical_bytes(evil_site):
    project, out = evil_site
    site.build_site(project.at(ON), out=out)
    first = tree_digest(out)
    site.build_site(project.at(ON), out=out)
    assert tree_digest(out) == first


def test_failed_build_leaves_previous_site_intact(evil_site, monkeypatch):
    project, out = evil_site
    site.build_site(project.at(ON), out=out)
    before = tree_digest(out)

    def boom(*_args, **_kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(site.render, "site_pages", boom)
    with pytest.raises(RuntimeError):
        site.build_site(project.at(dt.date(2024, 1, 1)), out=out)
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
            [
                sys.executable,
                "-m",
                "cloudmap",
                "build",
                "--root",
                str(evil.root),
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


def test_changelog_source_links_show_their_host(evil):
    from cloudmap import changelog
    from cloudmap.render.changelog import _host

    page = render.render_changelog(evil.catalog, changelog.events(evil.catalog))
    links = re.findall(r'<a href="([^"]+)" rel="noopener noreferrer"[^>]*>([^<]+)</a>', page)
    assert links and all(text == _host(href.replace("&amp;", "&")) for href, text in links)
    for name in ("provider", "country", "event", "year"):
        assert f'<select name="{name}">' in page
