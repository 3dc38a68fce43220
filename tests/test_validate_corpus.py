"""Broken inputs: each gives exact file:line: id: field: message lines, exit 1, and changes nothing."""

from __future__ import annotations

import pytest

from conftest import tree_digest

F = "data/testcloud.yaml"
S = "seeds/2025-02-19-mexico.yaml"

# (case id, file, text to replace, replacement, expected problem lines)
CASES = [
    (
        "unparseable-yaml",
        F,
        "  name: Mexico (Queretaro)\n",
        "  name: [Mexico\n",
        [
            f"{F}:13: -: yaml: unparseable YAML: did not find expected ',' or ']' while parsing a flow "
            "sequence (fix the syntax)"
        ],
    ),
    (
        "unknown-country",
        F,
        "country: MX",
        "country: XX",
        [
            f"{F}:14: mx-central-1: country: 'XX' is not an ISO 3166-1 alpha-2 code "
            "(use the two-letter code, e.g. MX)"
        ],
    ),
    (
        "country-name-not-code",
        F,
        "country: MX",
        "country: Mexico",
        [
            f"{F}:14: mx-central-1: country: 'Mexico' is not an ISO 3166-1 alpha-2 code "
            "(did you mean MX, Mexico?)"
        ],
    ),
    (
        "lat-lon-swapped",
        F,
        "lat: 20.5888\n    lon: -100.3899",
        "lat: -100.3899\n    lon: 20.5888",
        [f"{F}:17: mx-central-1: lat: -100.3899 is outside -90..90 (lat/lon swapped?)"],
    ),
    (
        "lon-out-of-range",
        F,
        "lon: 151.2073",
        "lon: 251.2073",
        [f"{F}:40: au-east-1: lon: 251.2073 is outside -180..180"],
    ),
    (
        "lat-not-a-number",
        F,
        "lat: -33.8679",
        "lat: south",
        [f"{F}:39: au-east-1: lat: expected a number, got str 'south'"],
    ),
    (
        "sign-flipped",
        F,
        "lon: 151.2073",
        "lon: -151.2073",
        [
            f"{F}:38: au-east-1: location: (-33.8679, -151.2073) is 5242 km from Sydney (-33.8678, "
            "151.2073); must be within 50 km (sign flipped?)",
            f"{F}:38: au-east-1: location: point (lat -33.8679, lon -151.2073) lies in the sea, "
            "4,468 km from Australia (AU): sign of lon flipped? (lat -33.8679, lon 151.2073) is "
            "in Australia (AU)",
        ],
    ),
    (
        "wrong-city",
        F,
        "city: Sydney",
        "city: Perth",
        [
            f"{F}:38: au-east-1: location: (-33.8679, 151.2073) is 3290 km from Perth (-31.9522, "
            "115.8614); must be within 50 km"
        ],
    ),
    (
        "city-not-in-gazetteer",
        F,
        "city: Hangzhou",
        "city: Atlantis",
        [
            f"{F}:60: cn-east-9: city: 'Atlantis' is not a city of CN in the GeoNames gazetteer "
            "(use its GeoNames spelling, or precision: admin-area)"
        ],
    ),
    (
        "duplicate-id",
        F,
        "- id: cn-east-9\n",
        "- id: au-east-1\n",
        [
            f"{F}:58: au-east-1: id: duplicate id (also at {F}:33); ids must be unique",
            f"{F}:73: au-east-1: zones: zone id 'cn-east-9a' does not start with its region id "
            "'au-east-1'",
        ],
    ),
    (
        "zone-of-another-region",
        F,
        "  - id: cn-east-9a\n",
        "  - id: au-east-1c\n",
        [f"{F}:73: cn-east-9: zones: zone au-east-1c belongs to region au-east-1, not cn-east-9"],
    ),
    (
        "zone-listed-twice",
        F,
        "  - id: au-east-1b\n",
        "  - id: au-east-1a\n",
        [f"{F}:51: au-east-1: zones: zone au-east-1a is listed twice (also in au-east-1)"],
    ),
    (
        "closed-before-launched",
        F,
        "closed: 2025-03-31",
        "closed: 2015-03-31",
        [
            f"{F}:46: au-east-1: closed: closed (2015-03-31) is before closure_announced (2024-06-01); "
            "dates must be in lifecycle order",
            f"{F}:51: au-east-1: zones: zone au-east-1b opened (2018) after its region closed "
            "(2015-03-31)",
        ],
    ),
    (
        "closure-before-launch",
        F,
        "closure_announced: 2024-06-01",
        "closure_announced: 2014-06-01",
        [
            f"{F}:45: au-east-1: closure_announced: closure_announced (2014-06-01) is before launched "
            "(2016-12); dates must be in lifecycle order"
        ],
    ),
    (
        "bad-date",
        F,
        "launched: 2025-02-19",
        "launched: 2025-13-01",
        [
            f"{F}:22: mx-central-1: launched: '2025-13-01' is not a real date (month must be in 1..12)"
        ],
    ),
    (
        "not-a-date",
        F,
        "announced: 2024-10",
        "announced: next year",
        [
            f"{F}:21: mx-central-1: announced: 'next year' is not a date; write YYYY-MM-DD, YYYY-MM, "
            "YYYY or <=DATE"
        ],
    ),
    (
        "missing-sources",
        F,
        "  sources:\n  - url: https://example.com/hangzhou\n    supports: existence by mid-2020\n",
        "",
        [f"{F}:58: cn-east-9: sources: missing: cite at least one URL"],
    ),
    (
        "source-not-a-url",
        F,
        "url: https://example.com/sydney",
        "url: my notes",
        [
            f"{F}:56: au-east-1: url: 'my notes' is not an http(s) URL (it contains ' '; "
            "percent-encode it)"
        ],
    ),
    (
        "unknown-kind",
        F,
        "kind: local-region",
        "kind: edge",
        [
            f"{F}:62: cn-east-9: kind: 'edge' is not one of region, local-region, partner-region, "
            "government, sovereign, industry-cloud"
        ],
    ),
    (
        "bad-precision",
        F,
        "precision: metro\n    source: GeoNames 2147714",
        "precision: exact\n    source: GeoNames 2147714",
        [
            f"{F}:41: au-east-1: precision: 'exact' is not one of facility, metro, admin-area, country"
        ],
    ),
    (
        "missing-name",
        F,
        "  name: China (Hangzhou local)\n",
        "",
        [f"{F}:58: cn-east-9: name: missing (required; write null if it is not published)"],
    ),
    (
        "unknown-announcement",
        F,
        "announcements: [2025-02-19-mexico]",
        "announcements: [2025-02-20-mexico]",
        [
            f"{F}:29: mx-central-1: announcements: no announcement '2025-02-20-mexico' in seeds/ "
            "(add seeds/2025-02-20-mexico.yaml or fix the id)"
        ],
    ),
    (
        "duplicate-key",
        F,
        "  city: Sydney\n",
        "  city: Sydney\n  city: Sydney\n",
        [f"{F}:36: au-east-1: city: key given twice (keep one)"],
    ),
    (
        "zone-before-region",
        F,
        "    opened: 2025-02-19",
        "    opened: 2024-02-19",
        [
            f"{F}:26: mx-central-1: zones: zone mx-central-1a opened (2024-02-19) before its region "
            "launched (2025-02-19)"
        ],
    ),
    (
        "launched-without-zones",
        F,
        "  zones:\n  - id: cn-east-9a\n    opened: null\n    closed: null\n",
        "",
        [
            f"{F}:58: cn-east-9: zones: a launched region needs at least one zone (or zone_count: N when the zone ids are not public, 0 for a region without availability zones)"
        ],
    ),
    (
        "site-unknown-region",
        F,
        "  region: null",
        "  region: br-south-1",
        [f"{F}:87: br-2025: region: no region 'br-south-1' in the catalog"],
    ),
    (
        "seed-id-not-file-name",
        S,
        "id: 2025-02-19-mexico",
        "id: mexico",
        [f"{S}:1: mexico: id: must equal the file name (2025-02-19-mexico)"],
    ),
    (
        "seed-totals-not-integers",
        S,
        "totals: {regions: 2, zones: 3}",
        "totals: {regions: two, zones: 3}",
        [
            f"{S}:11: 2025-02-19-mexico: claims.totals.regions: expected a whole number or "
            "\"N+\", got str 'two'"
        ],
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_input_is_reported_exactly_and_changes_nothing(mini, run, file, old, new, expected):
    path = mini / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, "the mutation must apply exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")
    before = tree_digest(mini)

    result = run("validate", "--root", str(mini))

    n = len(expected)
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        *expected,
        f"Error: {n} problem{'s' if n != 1 else ''} found; nothing was written",
    ]
    assert tree_digest(mini) == before


def test_many_problems_are_all_reported_at_once_in_file_order(mini, run):
    path = mini / F
    text = path.read_text(encoding="utf-8")
    text = text.replace("country: MX", "country: XX").replace("lon: 151.2073", "lon: 251.2073")
    path.write_text(text.replace("kind: local-region", "kind: edge"), encoding="utf-8")
    result = run("validate", "--root", str(mini))
    assert result.code == 1
    lines = result.err.splitlines()
    assert [ln.split(":")[1] for ln in lines[:-1]] == ["14", "40", "62"]
    assert lines[-1] == "Error: 3 problems found; nothing was written"


def test_the_fixture_itself_is_valid(mini, run):
    result = run("validate", "--root", str(mini))
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "OK: 3 regions, 4 zones, 1 announced sites, 1 announcements; no problems found\n"
    )
