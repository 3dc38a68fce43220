"""Edit commands: the only diff is the change, comments and style are kept, bad input changes nothing."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from cloudmap import edit
from cloudmap.edit import common as edit_common
from cloudmap.edit import session as edit_session
from cloudmap.edit import yamlfiles
from cloudmap.errors import CloudmapError
from conftest import REPO, tree_digest

F = "data/testcloud.yaml"
URL = "https://example.com/news"


def hunks(before: str, after: str) -> list[str]:
    """The unified diff without context or file headers: exactly the changed lines, located."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [ln for ln in lines if not ln.startswith(("---", "+++"))]


def edited(run, root: Path, rel: str, *argv: str) -> tuple[str, list[str]]:
    """Run an edit command; return its stdout and the diff of ``rel``. The result must validate."""
    before = (root / rel).read_text(encoding="utf-8") if (root / rel).exists() else ""
    result = run(*argv, "--root", str(root))
    assert (result.code, result.err) == (0, ""), result.err
    assert run("validate", "--root", str(root)).code == 0
    assert not [p for p in root.rglob("*.tmp")], "temporary files left behind"
    return result.out, hunks(before, (root / rel).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- round trips


def test_region_add_appends_one_block_and_keeps_the_rest(mini, run):
    out, diff = edited(
        run,
        mini,
        F,
        "region",
        "add",
        "--id",
        "mx-central-2",
        "--name",
        "Mexico (Monterrey)",
        "--city",
        "Monterrey",
        "--country",
        "mx",
        "--lat",
        "25.6751",
        "--lon",
        "-100.3185",
        "--launched",
        "2025-06-01",
        "--zones",
        "a,b",
        "--source",
        "https://example.com/mty",
        "--announcement",
        "2025-02-19-mexico",
    )
    assert out == "Added region mx-central-2 to data/testcloud.yaml\n"
    assert diff == [
        "@@ -79,0 +80,25 @@",
        "+- id: mx-central-2",
        "+  name: Mexico (Monterrey)",
        "+  city: Monterrey",
        "+  country: MX",
        "+  kind: region",
        "+  location:",
        "+    lat: 25.6751",
        "+    lon: -100.3185",
        "+    precision: metro",
        "+    source: https://example.com/mty",
        "+  announced: null",
        "+  launched: 2025-06-01",
        "+  closure_announced: null",
        "+  closed: null",
        "+  zones:",
        "+  - id: mx-central-2a",
        "+    opened: 2025-06-01",
        "+    closed: null",
        "+  - id: mx-central-2b",
        "+    opened: 2025-06-01",
        "+    closed: null",
        "+  announcements: [2025-02-19-mexico]",
        "+  sources:",
        "+  - url: https://example.com/mty",
        "+    supports: region id, name, city, country, coordinates, launch date, zone ids",
    ]
    # the blank line that separated regions: from sites: still does
    assert (
        "    supports: region id, name, city, country, coordinates, launch date, zone ids\n"
        "\nsites:\n" in (mini / F).read_text(encoding="utf-8")
    )


def test_region_add_links_an_announced_site_and_takes_partial_dates(mini, run):
    out, diff = edited(
        run,
        mini,
        F,
        "region",
        "add",
        "--id",
        "br-east-1",
        "--name",
        "Brazil (Sao Paulo)",
        "--city",
        "São Paulo",
        "--country",
        "BR",
        "--lat",
        "-23.5475",
        "--lon",
        "-46.6361",
        "--launched",
        "<=2026-11",
        "--zones",
        "a",
        "--source",
        URL,
        "--site",
        "br-2025",
        "--location-source",
        "GeoNames 3448439",
    )
    assert out == (
        "Added region br-east-1 to data/testcloud.yaml\n"
        "Linked announced site br-2025 to region br-east-1\n"
    )
    assert "+  launched: <=2026-11" in diff and "+    opened: <=2026-11" in diff
    assert "+    source: GeoNames 3448439" in diff
    assert "+    supports: region id, name, city, country, launch date, zone ids" in diff
    assert diff[-3:] == ["@@ -87 +109 @@", "-  region: null", "+  region: br-east-1"]


def test_region_add_zone(mini, run):
    out, diff = edited(
        run,
        mini,
        F,
        "region",
        "add-zone",
        "mx-central-1",
        "--zone",
        "b",
        "--opened",
        "2025-06",
        "--source",
        URL,
    )
    assert out == "Added zone mx-central-1b to region mx-central-1 in data/testcloud.yaml\n"
    assert diff == [
        "@@ -28,0 +29,3 @@",
        "+  - id: mx-central-1b",
        "+    opened: 2025-06",
        "+    closed: null",
        "@@ -32,0 +36,2 @@",
        f"+  - url: {URL}",
        "+    supports: zone mx-central-1b opened 2025-06",
    ]


def test_region_close(mini, run):
    out, diff = edited(
        run,
        mini,
        F,
        "region",
        "close",
        "cn-east-9",
        "--date",
        "2025-04-01",
        "--announced",
        "2025-01",
        "--source",
        URL,
    )
    assert out == "Closed region cn-east-9 in data/testcloud.yaml (closed 2025-04-01)\n"
    assert diff == [
        "@@ -70,2 +70,2 @@",
        "-  closure_announced: null",
        "-  closed: null",
        "+  closure_announced: 2025-01",
        "+  closed: 2025-04-01",
        "@@ -79,0 +80,2 @@",
        f"+  - url: {URL}",
        "+    supports: closed 2025-04-01; closure announced 2025-01",
    ]
    assert run("stats", "--root", str(mini), "--as-of", "2025-04-01", "--json").code == 0


def test_region_update(mini, run):
    out, diff = edited(
        run,
        mini,
        F,
        "region",
        "update",
        "AU-EAST-1",
        "--name",
        "Australia (Sydney 2)",
        "--lat",
        "-33.87",
        "--launched",
        "2016-11",
        "--notes",
        "moved",
        "--source",
        URL,
        "--announcement",
        "2025-02-19-mexico",
    )
    assert out == (
        "Updated region au-east-1 in data/testcloud.yaml: name, location, launched, "
        "notes, announcements\n"
    )
    assert diff == [
        "@@ -34 +34 @@",
        "-  name: Australia (Sydney)",
        "+  name: Australia (Sydney 2)",
        "@@ -39 +39 @@",
        "-    lat: -33.8679",
        "+    lat: -33.87",
        "@@ -42 +42 @@",
        "-    source: GeoNames 2147714",
        f"+    source: {URL}",
        "@@ -44 +44 @@",
        "-  launched: 2016-12",
        "+  launched: 2016-11",
        "@@ -54 +54 @@",
        "-  announcements: []",
        "+  announcements: [2025-02-19-mexico]",
        "@@ -57,0 +58,3 @@",
        f"+  - url: {URL}",
        "+    supports: name, coordinates, launch date, notes, announcement of au-east-1",
        "+  notes: moved",
    ]


def test_announce_add_records_more_than_n(mini, run):
    r = run(
        "announce",
        "add",
        "--date",
        "2025-05-15",
        "--title",
        "Over three regions",
        "--source",
        URL,
        "--claim",
        "regions=2+",
        "--claim",
        "zones=4",
        "--root",
        str(mini),
    )
    assert r.code == 0, r.err
    seed = (mini / "seeds" / "2025-05-15-over-three-regions.yaml").read_text(encoding="utf-8")
    assert "totals: {regions: 2+, zones: 4}" in seed or "totals: {regions: '2+', zones: 4}" in seed
    rows = {
        x["announcement"]: x
        for x in json.loads(run("reconcile", "--root", str(mini), "--json").out)
    }
    check = rows["2025-05-15-over-three-regions"]["checks"][0]
    assert check["what"] == "regions" and check["claimed"] == "2+"


def test_region_add_refuses_a_site_in_another_country(mini, run):
    before = tree_digest(mini)
    r = run(
        "region",
        "add",
        "--id",
        "mx-central-7",
        "--name",
        "Mexico (Monterrey)",
        "--city",
        "Monterrey",
        "--country",
        "MX",
        "--lat",
        "25.6751",
        "--lon",
        "-100.3185",
        "--launched",
        "2025-06-01",
        "--zones",
        "a",
        "--source",
        URL,
        "--site",
        "br-2025",
        "--root",
        str(mini),
    )
    assert (r.code, r.err) == (
        1,
        "Error: site br-2025: is in BR, region mx-central-7 in MX; link "
        "a site in the region's country (nothing was written)\n",
    )
    assert tree_digest(mini) == before


def test_region_update_with_the_values_it_has_writes_nothing(mini, run):
    before = tree_digest(mini)
    r = run(
        "region",
        "update",
        "au-east-1",
        "--name",
        "Australia (Sydney)",
        "--launched",
        "2016-12",
        "--source",
        URL,
        "--root",
        str(mini),
    )
    assert (r.code, r.out) == (
        0,
        "No change: region au-east-1 already has the name, launched given; nothing was written\n",
    )
    assert tree_digest(mini) == before


def test_region_update_can_clear_a_date(mini, run):
    _, diff = edited(
        run,
        mini,
        F,
        "region",
        "update",
        "mx-central-1",
        "--announced",
        "null",
        "--source",
        URL,
        "--supports",
        "no announcement date found",
    )
    assert diff[:3] == ["@@ -21 +21 @@", "-  announced: 2024-10", "+  announced: null"]


def test_announce_add_writes_a_seed_and_sites(mini, run):
    out, diff = edited(
        run,
        mini,
        F,
        "announce",
        "add",
        "--date",
        "2025-05-15",
        "--title",
        "Results: fiscal 2025, Q4!",
        "--source",
        URL,
        "--claim",
        "regions=3",
        "--claim",
        "zones=5",
        "--market",
        "Americas",
        "--site",
        "JP:Tokyo",
        "--site",
        "br",
    )
    sid = "2025-05-15-results-fiscal-2025-q4"
    assert out == (
        f"Added announcement {sid} as seeds/{sid}.yaml\n"
        "Added announced site jp-2025 (JP) to data/testcloud.yaml\n"
        "Added announced site br-2025-2 (BR) to data/testcloud.yaml\n"
    )
    assert (
        (mini / f"seeds/{sid}.yaml").read_text(encoding="utf-8")
        == f"""\
id: {sid}
date: 2025-05-15
provider: testcloud
title: 'Results: fiscal 2025, Q4!'
sources:
- url: {URL}
  supports: date, title, headline totals, markets, planned sites
summary: >-
  Results: fiscal 2025, Q4!
claims:
  totals: {{regions: 3, zones: 5}}
  planned: [{{country: JP, site: jp-2025}}, {{country: BR, site: br-2025-2}}]
  markets: [Americas]
"""
    )
    assert diff == [
        "@@ -91,0 +92,20 @@",
        "+- id: jp-2025",
        "+  country: JP",
        "+  city: Tokyo",
        "+  announced: 2025-05-15",
        "+  location: null",
        "+  region: null",
        f"+  announcements: [{sid}]",
        "+  sources:",
        f"+  - url: {URL}",
        "+    supports: announced site in JP (Tokyo)",
        "+- id: br-2025-2",
        "+  country: BR",
        "+  city: null",
        "+  announced: 2025-05-15",
        "+  location: null",
        "+  region: null",
        f"+  announcements: [{sid}]",
        "+  sources:",
        f"+  - url: {URL}",
        "+    supports: announced site in BR",
    ]


def test_announce_add_with_an_id_and_no_sites_touches_only_the_seed(mini, run):
    before = tree_digest(mini)
    result = run(
        "announce",
        "add",
        "--root",
        str(mini),
        "--id",
        "2025-06-q1",
        "--date",
        "2025-06",
        "--title",
        "Q1",
        "--summary",
        "Quarter results.",
        "--publisher",
        "Test Group",
        "--source",
        URL,
        "--supports",
        "quarter results",
    )
    assert (result.code, result.out) == (
        0,
        "Added announcement 2025-06-q1 as seeds/2025-06-q1.yaml\n",
    )
    after = tree_digest(mini)
    assert {k: v for k, v in after.items() if k != "seeds/2025-06-q1.yaml"} == before
    text = (mini / "seeds/2025-06-q1.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[:5] == [
        "id: 2025-06-q1",
        "date: 2025-06",
        "provider: testcloud",
        "title: Q1",
        "publisher: Test Group",
    ]


COMMENTED = {
    "regions:\n": "regions:\n# Mexico first\n",
    "  kind: region\n  location:\n    lat: 20.5888": "  kind: region   # checked\n  location:\n    lat: 20.5888",
    "    supports: existence by mid-2020\n\n": "    supports: existence by mid-2020  # weak\n\n# ---- sites\n\n",
}


def test_comments_stay_where_they_were(mini, run):
    path = mini / F
    text = path.read_text(encoding="utf-8")
    for old, new in COMMENTED.items():
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    _, diff = edited(
        run, mini, F, "region", "close", "cn-east-9", "--date", "2025-04-01", "--source", URL
    )
    assert diff == [
        "@@ -72 +72 @@",
        "-  closed: null",
        "+  closed: 2025-04-01",
        "@@ -80,0 +81,2 @@",
        f"+  - url: {URL}",
        "+    supports: closed 2025-04-01",
    ]
    after = path.read_text(encoding="utf-8")
    assert "regions:\n# Mexico first\n- id: mx-central-1\n" in after
    assert "  kind: region   # checked\n" in after
    assert (
        f"    supports: existence by mid-2020  # weak\n  - url: {URL}\n    supports: closed "
        "2025-04-01\n\n# ---- sites\n\nsites:\n" in after
    )


def test_lines_the_yaml_library_would_reformat_are_kept(mini, run):
    path = mini / F
    text = path.read_text(encoding="utf-8").replace(
        "  kind: local-region", "  kind:     local-region"
    )
    path.write_text(text, encoding="utf-8")
    _, diff = edited(
        run,
        mini,
        F,
        "region",
        "add-zone",
        "mx-central-1",
        "--zone",
        "mx-central-1b",
        "--source",
        URL,
    )
    assert diff == [
        "@@ -28,0 +29,3 @@",
        "+  - id: mx-central-1b",
        "+    opened: null",
        "+    closed: null",
        "@@ -32,0 +36,2 @@",
        f"+  - url: {URL}",
        "+    supports: zone mx-central-1b",
    ]
    # ... unless the edit is on that line
    _, diff = edited(
        run, mini, F, "region", "update", "cn-east-9", "--kind", "region", "--source", URL
    )
    assert diff[:3] == ["@@ -67 +67 @@", "-  kind:     local-region", "+  kind: region"]


QUOTED = """\
# A catalog in the flow/quoted style of data/alibaba-cloud.yaml.
provider:
  id: "qcloud"
  name: "Q Cloud"
  style: {short: "Q", shape: "square", color: "#123456"}
  counting:
    regions: ["region"]
    zones: ["region"]
    note: "full regions only"
regions:
- id: "ap-southeast-2"
  name: "Australia (Sydney)"
  city: "Sydney"
  country: "AU"
  kind: "region"
  location: {lat: -33.8678, lon: 151.2073, precision: "metro", source: "GeoNames 2147714"}
  announced: null
  launched: 2016
  closure_announced: null
  closed: null
  zones:
  - {id: "ap-southeast-2a", opened: null, closed: null}
  announcements: []
  sources:
  - url: "https://example.com/sydney"
    supports: "launch year"
sites: []
"""


@pytest.fixture
def quoted(tmp_path) -> Path:
    root = tmp_path / "quoted"
    (root / "seeds").mkdir(parents=True)
    shutil.copytree(REPO / "geo", root / "geo")
    shutil.copytree(REPO / "tests/fixtures/mini/data", root / "data")  # for its markets.yaml
    (root / "data/testcloud.yaml").unlink()
    (root / "data/qcloud.yaml").write_text(QUOTED, encoding="utf-8")
    return root


def test_new_records_copy_the_files_quoting_and_flow_style(quoted, run):
    _, diff = edited(
        run,
        quoted,
        "data/qcloud.yaml",
        "region",
        "add-zone",
        "ap-southeast-2",
        "--zone",
        "b",
        "--opened",
        "2018",
        "--source",
        URL,
    )
    assert diff == [
        "@@ -22,0 +23 @@",
        '+  - {id: "ap-southeast-2b", opened: 2018, closed: null}',
        "@@ -26,0 +28,2 @@",
        f'+  - url: "{URL}"',
        '+    supports: "zone ap-southeast-2b opened 2018"',
    ]
    _, diff = edited(
        run,
        quoted,
        "data/qcloud.yaml",
        "region",
        "add",
        "--id",
        "ap-south-1",
        "--name",
        "India (Mumbai)",
        "--city",
        "Mumbai",
        "--country",
        "IN",
        "--lat",
        "19.0728",
        "--lon",
        "72.8826",
        "--launched",
        "2018",
        "--zones",
        "a",
        "--source",
        URL,
    )
    assert diff == [
        "@@ -29,0 +30,16 @@",
        '+- id: "ap-south-1"',
        '+  name: "India (Mumbai)"',
        '+  city: "Mumbai"',
        '+  country: "IN"',
        '+  kind: "region"',
        f'+  location: {{lat: 19.0728, lon: 72.8826, precision: "metro", source: "{URL}"}}',
        "+  announced: null",
        "+  launched: 2018",
        "+  closure_announced: null",
        "+  closed: null",
        "+  zones:",
        '+  - {id: "ap-south-1a", opened: 2018, closed: null}',
        "+  announcements: []",
        "+  sources:",
        f'+  - url: "{URL}"',
        '+    supports: "region id, name, city, country, coordinates, launch date, zone ids"',
    ]
    out, diff = edited(
        run,
        quoted,
        "data/qcloud.yaml",
        "announce",
        "add",
        "--date",
        "2024-06",
        "--title",
        "Closing Mumbai",
        "--source",
        URL,
        "--site",
        "NZ",
    )
    assert out.splitlines()[-1] == "Added announced site nz-2024 (NZ) to data/qcloud.yaml"
    assert diff == [
        "@@ -46 +46,11 @@",
        "-sites: []",
        "+sites:",
        '+- id: "nz-2024"',
        '+  country: "NZ"',
        "+  city: null",
        "+  announced: 2024-06",
        "+  location: null",
        "+  region: null",
        '+  announcements: ["2024-06-closing-mumbai"]',
        "+  sources:",
        f'+  - url: "{URL}"',
        '+    supports: "announced site in NZ"',
    ]
    seed = (quoted / "seeds/2024-06-closing-mumbai.yaml").read_text(encoding="utf-8")
    assert seed.splitlines()[:3] == [
        'id: "2024-06-closing-mumbai"',
        "date: 2024-06",
        'provider: "qcloud"',
    ]


@pytest.mark.skipif(not (REPO / "data/alibaba-cloud.yaml").exists(), reason="no real data yet")
def test_real_catalog_round_trip(repo_copy, run):
    rel = "data/alibaba-cloud.yaml"
    text = (repo_copy / rel).read_text(encoding="utf-8")
    region = "ap-southeast-7"
    assert f'- id: "{region}"' in text
    _, diff = edited(
        run,
        repo_copy,
        rel,
        "region",
        "add-zone",
        f"alibaba-cloud:{region}",
        "--zone",
        "z",
        "--opened",
        "2027-01",
        "--source",
        URL,
    )
    assert [ln for ln in diff if not ln.startswith("@@")] == [
        f'+  - {{id: "{region}z", opened: 2027-01, closed: null}}',
        f'+  - url: "{URL}"',
        f'+    supports: "zone {region}z opened 2027-01"',
    ]


# --------------------------------------------------------------------------- bad input


BAD = [
    (
        "unknown-country",
        [
            "region",
            "add",
            "--id",
            "mx-central-2",
            "--name",
            "M",
            "--city",
            "Monterrey",
            "--country",
            "XX",
            "--lat",
            "25.6751",
            "--lon",
            "-100.3185",
            "--launched",
            "2025-06-01",
            "--zones",
            "a",
            "--source",
            URL,
        ],
        [
            f"{F}:83: mx-central-2: country: 'XX' is not an ISO 3166-1 alpha-2 code (use the two-letter "
            "code, e.g. MX)",
            "Error: 1 problem found; nothing was written",
        ],
    ),
    (
        "site-unknown-country",
        [
            "announce",
            "add",
            "--date",
            "2025-06-01",
            "--title",
            "Plans",
            "--source",
            URL,
            "--site",
            "Atlantis",
        ],
        [
            "Error: site 'Atlantis': 'Atlantis' is not an ISO 3166-1 alpha-2 code (use the two-letter "
            "code, e.g. MX)"
        ],
    ),
    (
        "duplicate-id",
        [
            "region",
            "add",
            "--id",
            "au-east-1",
            "--name",
            "M",
            "--city",
            "Monterrey",
            "--country",
            "MX",
            "--lat",
            "25.6751",
            "--lon",
            "-100.3185",
            "--launched",
            "2025-06-01",
            "--zones",
            "a",
            "--source",
            URL,
        ],
        [
            "Error: id au-east-1 is already used at data/testcloud.yaml:33; ids must be unique within "
            "a provider (pick another id, or change that region with `cloudmap region update au-east-1`)"
        ],
    ),
    (
        "id-of-a-site",
        [
            "region",
            "add",
            "--id",
            "br-2025",
            "--name",
            "B",
            "--city",
            "São Paulo",
            "--country",
            "BR",
            "--lat",
            "-23.5475",
            "--lon",
            "-46.6361",
            "--launched",
            "2026",
            "--zones",
            "a",
            "--source",
            URL,
        ],
        [
            "Error: id br-2025 is already used at data/testcloud.yaml:82; ids must be unique within "
            "a provider (pick another id, or change that region with `cloudmap region update br-2025`)"
        ],
    ),
    (
        "zone-of-another-region",
        ["region", "add-zone", "cn-east-9", "--zone", "au-east-1c", "--source", URL],
        [
            f"{F}:76: cn-east-9: zones: zone au-east-1c belongs to region au-east-1, not cn-east-9",
            "Error: 1 problem found; nothing was written",
        ],
    ),
    (
        "zone-listed-already",
        ["region", "add-zone", "mx-central-1", "--zone", "a", "--source", URL],
        [
            "Error: zone mx-central-1a is already listed in region mx-central-1 "
            "(data/testcloud.yaml:26)"
        ],
    ),
    (
        "close-unknown-region",
        ["region", "close", "zz-nowhere-9", "--date", "2025-01-01", "--source", URL],
        ["Error: no region 'zz-nowhere-9' in data/ (see `cloudmap stats` for the regions)"],
    ),
    (
        "close-misspelt-region",
        ["region", "close", "mx-central-3", "--date", "2025-01-01", "--source", URL],
        ["Error: no region 'mx-central-3' in data/ (did you mean mx-central-1?)"],
    ),
    (
        "close-closed-region",
        ["region", "close", "au-east-1", "--date", "2025-01-01", "--source", URL],
        [
            "Error: region au-east-1 is already closed (2025-03-31); to change the date: cloudmap "
            "region update au-east-1 --closed DATE --source URL"
        ],
    ),
    (
        "closed-before-launch",
        ["region", "close", "mx-central-1", "--date", "2024-01-01", "--source", URL],
        [
            f"{F}:24: mx-central-1: closed: closed (2024-01-01) is before launched (2025-02-19); dates "
            "must be in lifecycle order",
            f"{F}:26: mx-central-1: zones: zone mx-central-1a opened (2025-02-19) after its region "
            "closed (2024-01-01)",
            "Error: 2 problems found; nothing was written",
        ],
    ),
    (
        "zone-before-launch",
        ["region", "add-zone", "mx-central-1", "--zone", "b", "--opened", "2024", "--source", URL],
        [
            f"{F}:29: mx-central-1: zones: zone mx-central-1b opened (2024) before its region launched "
            "(2025-02-19)",
            "Error: 1 problem found; nothing was written",
        ],
    ),
    (
        "bad-date",
        [
            "region",
            "add",
            "--id",
            "mx-central-2",
            "--name",
            "M",
            "--city",
            "Monterrey",
            "--country",
            "MX",
            "--lat",
            "25.6751",
            "--lon",
            "-100.3185",
            "--launched",
            "2025-13-01",
            "--zones",
            "a",
            "--source",
            URL,
        ],
        ["Error: launched: '2025-13-01' is not a real date (month must be in 1..12)"],
    ),
    (
        "not-a-date",
        ["announce", "add", "--date", "next week", "--title", "T", "--source", URL],
        ["Error: date: 'next week' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or <=DATE"],
    ),
    (
        "lat-out-of-range",
        [
            "region",
            "add",
            "--id",
            "mx-central-2",
            "--name",
            "M",
            "--city",
            "Monterrey",
            "--country",
            "MX",
            "--lat",
            "100.6",
            "--lon",
            "25.6",
            "--launched",
            "2025-06-01",
            "--zones",
            "a",
            "--source",
            URL,
        ],
        [
            f"{F}:86: mx-central-2: lat: 100.6 is outside -90..90 (lat/lon swapped?)",
            "Error: 1 problem found; nothing was written",
        ],
    ),
    (
        "not-a-url",
        ["region", "close", "cn-east-9", "--date", "2025-04-01", "--source", "my notes"],
        [
            f"{F}:80: cn-east-9: url: 'my notes' is not an http(s) URL (it contains ' '; percent-encode it)",
            "Error: 1 problem found; nothing was written",
        ],
    ),
    (
        "launched-without-zones",
        [
            "region",
            "add",
            "--id",
            "mx-central-2",
            "--name",
            "M",
            "--city",
            "Monterrey",
            "--country",
            "MX",
            "--lat",
            "25.6751",
            "--lon",
            "-100.3185",
            "--launched",
            "2025-06-01",
            "--source",
            URL,
        ],
        [
            f"{F}:94: mx-central-2: zones: a launched region needs at least one zone (or zone_count: N when the zone ids are not public, 0 for a region without availability zones)",
            "Error: 1 problem found; nothing was written",
        ],
    ),
    (
        "neither-launched-nor-announced",
        [
            "region",
            "add",
            "--id",
            "mx-central-2",
            "--name",
            "M",
            "--city",
            "Monterrey",
            "--country",
            "MX",
            "--lat",
            "25.6751",
            "--lon",
            "-100.3185",
            "--source",
            URL,
        ],
        [
            "Error: give a launch date (launched), or an announcement date (announced) for a region "
            "not launched yet"
        ],
    ),
    (
        "unknown-announcement",
        [
            "region",
            "add-zone",
            "mx-central-1",
            "--zone",
            "b",
            "--source",
            URL,
            "--announcement",
            "2025-01-01-nothing",
        ],
        [
            f"{F}:32: mx-central-1: announcements: no announcement '2025-01-01-nothing' in seeds/ (add "
            "seeds/2025-01-01-nothing.yaml or fix the id)",
            "Error: 1 problem found; nothing was written",
        ],
    ),
    (
        "nothing-to-update",
        ["region", "update", "au-east-1", "--source", URL],
        [
            "Error: nothing to update: give at least one of name, city, country, kind, lat, lon, "
            "precision, location source, announced, launched, closure announced, closed, notes, "
            "announcement"
        ],
    ),
    (
        "seed-exists",
        ["announce", "add", "--date", "2025-02-19", "--title", "Mexico!", "--source", URL],
        ["Error: seeds/2025-02-19-mexico.yaml already exists; give another id (or edit that file)"],
    ),
    (
        "bad-claim",
        [
            "announce",
            "add",
            "--date",
            "2025-02-20",
            "--title",
            "T",
            "--source",
            URL,
            "--claim",
            "regions=many",
        ],
        [
            "Error: claim 'regions=many': write regions=N, zones=N or countries=N (N+ for \"more than N\")"
        ],
    ),
    (
        "bad-seed-id",
        [
            "announce",
            "add",
            "--date",
            "2025-02-20",
            "--title",
            "T",
            "--source",
            URL,
            "--id",
            "My Notes",
        ],
        ["Error: id 'My Notes': use lowercase letters, digits and hyphens (not at either end)"],
    ),
    (
        "title-without-letters",
        ["announce", "add", "--date", "2025-02-20", "--title", "阿里云", "--source", URL],
        ["Error: cannot make an id from the title '阿里云'; give an id"],
    ),
    (
        "unknown-provider",
        [
            "announce",
            "add",
            "--date",
            "2025-02-20",
            "--title",
            "T",
            "--source",
            URL,
            "--provider",
            "nocloud",
        ],
        ["Error: provider 'nocloud': no such provider in data/ (known: testcloud)"],
    ),
    (
        "unknown-site-to-link",
        [
            "region",
            "add",
            "--id",
            "br-east-1",
            "--name",
            "B",
            "--city",
            "São Paulo",
            "--country",
            "BR",
            "--lat",
            "-23.5475",
            "--lon",
            "-46.6361",
            "--launched",
            "2026",
            "--zones",
            "a",
            "--source",
            URL,
            "--site",
            "br-2026",
        ],
        ["Error: site br-2026: no announced site with that id in data/testcloud.yaml"],
    ),
]


@pytest.mark.parametrize(("argv", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_is_reported_exactly_and_changes_nothing(mini, run, argv, expected):
    before = tree_digest(mini)
    result = run(*argv, "--root", str(mini))
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == expected
    assert tree_digest(mini) == before


def test_the_edit_gets_the_full_checks_of_cloudmap_validate(mini, run):
    before = tree_digest(mini)
    result = run(
        "region",
        "update",
        "mx-central-1",
        "--lon",
        "100.3899",
        "--source",
        URL,
        "--root",
        str(mini),
    )
    assert (result.code, result.out) == (1, "")
    *problems, last = result.err.splitlines()
    # the gazetteer (and the country polygons) see the sign error
    assert problems[0].startswith(f"{F}:16: mx-central-1: location: (20.5888, 100.3899) is ")
    assert problems[0].endswith("must be within 50 km (sign flipped?)")
    assert all(p.startswith(f"{F}:16: mx-central-1: location: ") for p in problems)
    assert (
        last == f"Error: {len(problems)} problem{'s' if len(problems) > 1 else ''} found; "
        "nothing was written"
    )
    assert tree_digest(mini) == before


def test_unparseable_yaml_already_in_the_file_changes_nothing(mini, run):
    path = mini / F
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  name: Mexico (Queretaro)\n", "  name: [Mexico\n"
        ),
        encoding="utf-8",
    )
    before = tree_digest(mini)
    for argv in (
        ["region", "close", "au-east-1", "--date", "2025-01-01", "--source", URL],
        ["announce", "add", "--date", "2025-06-01", "--title", "T", "--source", URL],
    ):
        result = run(*argv, "--root", str(mini))
        assert (result.code, result.out) == (1, "")
        assert result.err.splitlines() == [
            f"{F}:13: -: yaml: unparseable YAML: did not find expected ',' or ']' while parsing a "
            "flow sequence (fix the syntax)",
            "Error: 1 problem found; nothing was written",
        ]
        assert tree_digest(mini) == before


def test_an_existing_problem_elsewhere_blocks_the_edit(mini, run):
    path = mini / F
    path.write_text(
        path.read_text(encoding="utf-8").replace("lon: 151.2073", "lon: 251.2073"), encoding="utf-8"
    )
    before = tree_digest(mini)
    result = run(
        "region", "add-zone", "mx-central-1", "--zone", "b", "--source", URL, "--root", str(mini)
    )
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{F}:45: au-east-1: lon: 251.2073 is outside -180..180",
        "Error: 1 problem found; nothing was written",
    ]
    assert tree_digest(mini) == before


def test_unknown_market_is_refused(mini, run):
    (mini / "data/markets.yaml").write_text(
        "markets:\n- id: americas\n  name: Americas\n  definition: the Americas\n  m49: '019'\n"
        "  countries: [BR, MX]\n  sources:\n  - url: https://unstats.un.org/unsd/methodology/m49/\n"
        "    supports: M49 019\n",
        encoding="utf-8",
    )
    before = tree_digest(mini)
    base = [
        "announce",
        "add",
        "--date",
        "2025-06-01",
        "--title",
        "T",
        "--source",
        URL,
        "--root",
        str(mini),
    ]
    result = run(*base, "--market", "Amercas")
    assert (result.code, result.err) == (
        1,
        "Error: market 'Amercas' is not defined in data/markets.yaml (did you mean 'Americas'?)\n",
    )
    result = run(*base, "--market", "Atlantis")
    assert result.err == (
        "Error: market 'Atlantis' is not defined in data/markets.yaml (defined: Americas)\n"
    )
    assert tree_digest(mini) == before
    result = run(*base, "--market", "americas")  # names are matched as markets.yaml spells them
    assert result.code == 0
    assert "  markets: [Americas]\n" in (mini / "seeds/2025-06-01-t.yaml").read_text(
        encoding="utf-8"
    )


def test_missing_required_option_is_a_usage_error(mini, run):
    result = run("region", "close", "au-east-1", "--date", "2025-01-01", "--root", str(mini))
    assert result.code == 2
    assert "the following arguments are required: --source" in result.err
    assert run("region", "--root", str(mini)).code == 2
    assert run("region", "add", "--root", str(mini), "--lat", "north").code == 2


def test_a_file_changed_during_the_edit_is_not_overwritten(mini, run, monkeypatch):
    path = mini / F
    real_validate = edit_session.validate_with

    def validate_then_someone_edits(root, changes):
        real_validate(root, changes)
        path.write_text(path.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8")

    monkeypatch.setattr(edit_session, "validate_with", validate_then_someone_edits)
    result = run(
        "region", "add-zone", "mx-central-1", "--zone", "b", "--source", URL, "--root", str(mini)
    )
    assert result.code == 1
    assert result.err == (
        "Error: data/testcloud.yaml changed on disk while this edit was "
        "prepared; nothing was written (run the command again)\n"
    )
    assert path.read_text(encoding="utf-8").endswith(
        "supports: announced data centre\n# edited meanwhile\n"
    )
    assert not list(mini.rglob("*.tmp"))


def test_edits_need_a_project_folder(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("cloudmap.paths.snapshot_root", lambda: tmp_path / "nowhere")
    result = run("region", "close", "au-east-1", "--date", "2025-01-01", "--source", URL)
    assert result.code == 1
    assert result.err.startswith("Error: no data: run inside a cloudmap project folder")


# --------------------------------------------------------------------------- library


def test_library_calls_return_what_was_done(mini):
    assert edit.add_zone(
        mini, "mx-central-1", zone="mx-central-1b", source=URL, opened="2025-03"
    ) == ["Added zone mx-central-1b to region mx-central-1 in data/testcloud.yaml"]
    with pytest.raises(CloudmapError, match="no region 'nowhere-1'"):
        edit.close_region(mini, "nowhere-1", date="2025-01-01", source=URL)


@pytest.mark.parametrize(
    ("region", "zone", "expected"),
    [
        ("na-south-1", "b", "na-south-1b"),
        ("cn-qingdao", "b", "cn-qingdao-b"),
        ("cn-qingdao", "-d", "cn-qingdao-d"),
        ("cn-qingdao", "cn-qingdao-e", "cn-qingdao-e"),
        ("cn-east-9", "au-east-1c", "au-east-1c"),
    ],
)
def test_zone_ids_from_suffixes(region, zone, expected):
    assert edit_common.zone_id(region, zone) == expected


def test_merge_keeps_reformatted_lines_outside_the_edit():
    original = "a:   1\nb: 2\nc: 3\n"
    noop = "a: 1\nb: 2\nc: 3\n"
    assert yamlfiles.merge(original, noop, "a: 1\nb: 2\nc: 4\n") == "a:   1\nb: 2\nc: 4\n"
    assert yamlfiles.merge(original, noop, "a: 0\nb: 2\nc: 3\n") == "a: 0\nb: 2\nc: 3\n"
    assert (
        yamlfiles.merge(original, noop, "a: 1\nx: 0\nb: 2\nc: 3\n") == "a:   1\nx: 0\nb: 2\nc: 3\n"
    )


def test_a_new_file_that_appears_during_the_edit_is_not_overwritten(mini, run, monkeypatch):
    seed = mini / "seeds/2025-06-01-plans.yaml"
    real_validate = edit_session.validate_with

    def validate_then_someone_adds_the_seed(root, changes):
        real_validate(root, changes)
        seed.write_text("id: theirs\n", encoding="utf-8")

    monkeypatch.setattr(edit_session, "validate_with", validate_then_someone_adds_the_seed)
    before = (mini / F).read_bytes()
    result = run(
        "announce",
        "add",
        "--date",
        "2025-06-01",
        "--title",
        "Plans",
        "--source",
        URL,
        "--site",
        "NZ",
        "--root",
        str(mini),
    )
    assert result.code == 1
    assert result.err == (
        "Error: seeds/2025-06-01-plans.yaml appeared on disk while this edit "
        "was prepared; nothing was written (run the command again)\n"
    )
    assert seed.read_text(encoding="utf-8") == "id: theirs\n"
    assert (mini / F).read_bytes() == before  # the site was not added either
    assert not list(mini.rglob("*.tmp"))
