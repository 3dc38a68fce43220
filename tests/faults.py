"""The fault corpus: bad inputs and broken environments, each with what the user must see.

Every case runs on a fresh copy of the small test project (tests/fixtures/mini with the real
geo/) and states the command, its exit code, its exact stderr and which files may change
(none, for every failing case). tests/test_faults.py replays them; README's "Under faults"
section says what they guarantee.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

F = "data/testcloud.yaml"
S = "seeds/2025-02-19-mexico.yaml"
M = "data/markets.yaml"
URL = "https://example.com/news"
NOTHING = "Error: 1 problem found; nothing was written"


def nothing(n: int) -> str:
    return f"Error: {n} problem{'s' if n != 1 else ''} found; nothing was written"


@dataclass(frozen=True)
class Case:
    id: str
    prepare: Callable[[Path], None]
    argv: tuple[str, ...]
    err: tuple[str, ...]  # stderr lines, exactly
    code: int = 1
    may_change: frozenset[str] = field(default_factory=frozenset)  # relative paths


# --------------------------------------------------------------------------- editing helpers


def replace(rel: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return prepare


def write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return prepare


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        for step in steps:
            step(root)

    return prepare


def reviewed(root: Path) -> None:
    """Give the fixture provider a review date (the future-date rule measures from it)."""
    replace(F, "  name: Test Cloud\n", "  name: Test Cloud\n  reviewed: 2026-11-27\n")(root)


def folder_instead(rel: str) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        path = root / rel
        path.unlink()
        path.mkdir()
        (path / "x.yaml").write_text("x: 1\n", encoding="utf-8")

    return prepare


def symlink_loop(rel: str) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        path = root / rel
        if path.exists():
            path.unlink()
        os.symlink(path.name + ".b", path)
        os.symlink(path.name, path.with_name(path.name + ".b"))

    return prepare


def noop(root: Path) -> None:
    del root


# --------------------------------------------------------------------------- the catalog

# (id, file, old, new, expected problem lines); each also replays through stats and build.
CATALOG: list[tuple[str, str, str, str, list[str]]] = [
    (
        "misspelt-key",
        F,
        "  launched: 2025-02-19\n",
        "  lauched: 2025-02-19\n",
        [f"{F}:22: mx-central-1: lauched: unknown key (did you mean 'launched'?)"],
    ),
    (
        "unknown-key-far",
        F,
        "  launched: 2025-02-19\n",
        "  launched: 2025-02-19\n  colour: red\n",
        [
            f"{F}:23: mx-central-1: colour: unknown key in a region (allowed: id, name, city, country, "
            "kind, location, announced, launched, closure_announced, closed, zones, zone_count, "
            "zones_since, announcements, sources, notes)"
        ],
    ),
    (
        "site-linked-abroad",
        F,
        "  region: null\n",
        "  region: mx-central-1\n",
        [
            f"{F}:87: br-2025: region: region mx-central-1 is in MX, the site in BR; a site becomes "
            "a region in its own country"
        ],
    ),
    (
        "notes-a-mapping",
        F,
        "  name: Mexico (Queretaro)\n",
        "  name: Mexico (Queretaro)\n  notes: {a: 1}\n",
        [f"{F}:13: mx-central-1: notes: expected non-empty text, got a mapping"],
    ),
    (
        "notes-a-number",
        F,
        "  name: Mexico (Queretaro)\n",
        "  name: Mexico (Queretaro)\n  notes: 42\n",
        [f"{F}:13: mx-central-1: notes: expected non-empty text, got int 42"],
    ),
    (
        "name-a-list",
        F,
        "  name: Mexico (Queretaro)\n",
        "  name: [Mexico]\n",
        [f"{F}:12: mx-central-1: name: expected non-empty text, got a list"],
    ),
    (
        "alias-bomb",
        F,
        "  name: Mexico (Queretaro)\n",
        '  name: Mexico (Queretaro)\n  notes: &a ["lol","lol"]\n  more: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n'
        "  most: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
        [
            f"{F}:13: -: yaml: YAML anchors and aliases (&name, *name) are not allowed in catalog "
            "files; write the value out in full"
        ],
    ),
    (
        "merge-key",
        F,
        "  name: Mexico (Queretaro)\n",
        "  name: Mexico (Queretaro)\n  <<: {x: 1}\n",
        [
            f"{F}:13: -: yaml: unparseable YAML: merge keys (<<) are not allowed in catalog files (fix "
            "the syntax)"
        ],
    ),
    (
        "escape-in-name",
        F,
        "  name: Mexico (Queretaro)\n",
        '  name: "Mexico\\e[31m (Queretaro)"\n',
        [f"{F}:12: mx-central-1: name: contains the control character U+001B; remove it"],
    ),
    (
        "newline-in-name",
        F,
        "  name: Mexico (Queretaro)\n",
        '  name: "Mexico\\n(Queretaro)"\n',
        [f"{F}:12: mx-central-1: name: contains the control character U+000A; remove it"],
    ),
    (
        "bidi-override-in-city",
        F,
        "  city: Querétaro\n",
        '  city: "Quer\\u202Eétaro"\n',
        [f"{F}:13: mx-central-1: city: contains the invisible character U+202E; remove it"],
    ),
    (
        "zero-width-space-in-name",
        F,
        "  name: Mexico (Queretaro)\n",
        '  name: "Mexico (Quere\\u200Btaro)"\n',
        [f"{F}:12: mx-central-1: name: contains the invisible character U+200B; remove it"],
    ),
    (
        "invisible-in-url-host",
        F,
        "  - url: https://example.com/mexico\n",
        '  - url: "https://exa\\u200Bmple.com/mexico"\n',
        [f"{F}:31: mx-central-1: url: contains the invisible character U+200B; remove it"],
    ),
    (
        "tag-characters-in-notes",
        F,
        "  name: Mexico (Queretaro)\n",
        '  name: Mexico (Queretaro)\n  notes: "ok\\U000E0069\\U000E0067"\n',
        [f"{F}:13: mx-central-1: notes: contains the invisible character U+E0069; remove it"],
    ),
    (
        "no-break-space-in-url",
        F,
        "  - url: https://example.com/mexico\n",
        '  - url: "https://example.com/me\\u00A0xico"\n',
        [
            f"{F}:31: mx-central-1: url: 'https://example.com/me\\xa0xico' is not an http(s) URL "
            "(it contains U+00A0; percent-encode it)"
        ],
    ),
    (
        "url-with-markup",
        F,
        "  - url: https://example.com/mexico\n",
        "  - url: 'https://x.example/\"onmouseover=alert(1)<img src=x onerror=alert(2)>'\n",
        [
            f"{F}:31: mx-central-1: url: 'https://x.example/\"onmouseover=alert(1)<img src=x "
            "onerror=alert(2)>' is not an http(s) URL (it contains ' ' '\"' '<' '>'; percent-encode it)"
        ],
    ),
    (
        "javascript-url",
        F,
        "  - url: https://example.com/mexico\n",
        "  - url: javascript:alert(1)\n",
        [f"{F}:31: mx-central-1: url: 'javascript:alert(1)' is not an http(s) URL"],
    ),
    (
        "ftp-url",
        F,
        "  - url: https://example.com/mexico\n",
        "  - url: ftp://example.com/x\n",
        [f"{F}:31: mx-central-1: url: 'ftp://example.com/x' is not an http(s) URL"],
    ),
    (
        "url-without-host",
        F,
        "  - url: https://example.com/mexico\n",
        "  - url: https:///x\n",
        [f"{F}:31: mx-central-1: url: 'https:///x' is not an http(s) URL"],
    ),
    (
        "url-bad-escape",
        F,
        "  - url: https://example.com/mexico\n",
        "  - url: https://example.com/%zz\n",
        [
            f"{F}:31: mx-central-1: url: 'https://example.com/%zz' is not an http(s) URL (a % must "
            "start an escape like %20)"
        ],
    ),
    (
        "site-id-syntax",
        F,
        "- id: br-2025\n",
        "- id: BR 2025!\n",
        [
            f"{F}:82: BR 2025!: id: 'BR 2025!': use lowercase letters, digits and hyphens (not at "
            "either end)"
        ],
    ),
    (
        "region-id-syntax",
        F,
        "- id: mx-central-1\n",
        "- id: mx_central_1\n",
        [
            f"{F}:11: mx_central_1: id: 'mx_central_1': use lowercase letters, digits and hyphens "
            "(not at either end)",
            # the seed names the region by its old id: a real broken reference, reported too
            f"{S}:12: 2025-02-19-mexico: claims.opened: no region 'mx-central-1' in data/ for "
            "testcloud",
        ],
    ),
    (
        "kind-unknown",
        F,
        "  kind: region\n",
        "  kind: edge\n",
        [
            f"{F}:15: mx-central-1: kind: 'edge' is not one of region, local-region, partner-region, "
            "government, sovereign, industry-cloud"
        ],
    ),
    (
        "zone-count-huge",
        F,
        "  zones:\n  - id: mx-central-1a\n    opened: 2025-02-19\n    closed: null\n",
        "  zone_count: 2000000\n",
        [
            f"{F}:25: mx-central-1: zone_count: expected a whole number (0..30) or unknown, got "
            "int 2000000"
        ],
    ),
    (
        "zone-count-negative",
        F,
        "  zones:\n  - id: mx-central-1a\n    opened: 2025-02-19\n    closed: null\n",
        "  zone_count: -2\n",
        [
            f"{F}:25: mx-central-1: zone_count: expected a whole number (0..30) or unknown, got "
            "int -2"
        ],
    ),
    (
        "zone-count-and-ids",
        F,
        "  zones:\n  - id: mx-central-1a\n",
        "  zone_count: 2\n  zones:\n  - id: mx-central-1a\n",
        [
            f"{F}:25: mx-central-1: zone_count: give either zones (with their ids) or zone_count (ids "
            "not public), not both"
        ],
    ),
    (
        "exclude-unknown-region",
        F,
        "    note: local regions are left out of headline totals in this fixture\n",
        "    note: local regions are left out of headline totals in this fixture\n"
        "    exclude: [{region: xx-nowhere-1, reason: test}]\n",
        [
            f"{F}:6: testcloud: counting.exclude: no region 'xx-nowhere-1' in this provider's catalog"
        ],
    ),
    (
        "seed-unknown-key",
        S,
        "title: Mexico region opens\n",
        "title: Mexico region opens\ntitel: x\n",
        [f"{S}:5: 2025-02-19-mexico: titel: unknown key (did you mean 'title'?)"],
    ),
    (
        "claims-unknown-key",
        S,
        "  markets: [Americas]\n",
        "  markets: [Americas]\n  note: x\n",
        [
            f"{S}:14: 2025-02-19-mexico: claims.note: unknown key in a claims (allowed: as_of, totals, "
            "target, opened, expanding, closing, closed, planned, markets, investment, revenue)"
        ],
    ),
    (
        "claims-unknown-region",
        S,
        "  opened: [{region: mx-central-1}]\n",
        "  opened: [{region: mx-central-9}]\n",
        [
            f"{S}:12: 2025-02-19-mexico: claims.opened: no region 'mx-central-9' in data/ for testcloud"
        ],
    ),
    (
        "investment-currency",
        S,
        "  markets: [Americas]\n",
        "  markets: [Americas]\n  investment: [{amount: 1, currency: yuan}]\n",
        [
            f"{S}:14: 2025-02-19-mexico: claims.investment.currency: 'yuan' is not an ISO 4217 currency "
            "code (e.g. CNY, USD)"
        ],
    ),
    (
        "empty-seed",
        S,
        None,
        "",
        [f"{S}:1: 2025-02-19-mexico: file: expected a mapping (announcement), got nothing"],
    ),
    (
        "binary-seed",
        S,
        None,
        b"\x00\x01\x02\xff",
        [f"{S}:1: -: file: is binary (it holds NUL bytes), not YAML text"],
    ),
    (
        "latin1-seed",
        S,
        None,
        "title: Quer\xe9taro\n".encode("latin-1"),
        [f"{S}:1: -: file: not UTF-8 text (invalid continuation byte)"],
    ),
    (
        "unknown-market",
        S,
        "  markets: [Americas]\n",
        "  markets: [Amercas]\n",
        [
            f"{S}:13: 2025-02-19-mexico: claims.markets: unknown market 'Amercas' (did you mean "
            "'Americas'?; markets are defined in data/markets.yaml)"
        ],
    ),
    (
        "market-country-norway-unquoted",
        M,
        "countries: [AR, BR, CA, MX, US]",
        "countries: [AR, BR, CA, MX, NO]",
        [
            f"{M}:9: americas: countries: expected non-empty text, got bool False (quote it: YAML reads "
            "NO, no, yes, on, off as true/false)"
        ],
    ),
]


DEEP = 30_000  # levels: building such a tree used to crash the process (SIGSEGV, no message)
TOO_DEEP = "yaml: nested more than 64 levels deep (catalog files nest 6 at most); flatten it"
CATALOG += [
    (
        "deep-flow-list-in-a-provider-file",
        F,
        "  name: Mexico (Queretaro)\n",
        "  name: Mexico (Queretaro)\n  notes: " + "[" * DEEP + "]" * DEEP + "\n",
        [f"{F}:13: -: {TOO_DEEP}"],
    ),
    (
        "deep-block-lists-as-a-seed",
        S,
        None,
        "- " * DEEP + "x\n",
        [f"{S}:1: -: {TOO_DEEP}"],
    ),
    (
        "deep-flow-maps-in-the-markets-file",
        M,
        "  countries: [AR, BR, CA, MX, US]\n",
        "  countries: [AR, BR, CA, MX, US]\n  notes: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n",
        [f"{M}:10: -: {TOO_DEEP}"],
    ),
    (
        "deep-block-maps-in-a-provider-file",
        F,
        "  name: Test Cloud\n",
        "  name: Test Cloud\n  x:\n" + "".join(" " * (i + 3) + f"k{i}:\n" for i in range(200)),
        # the file's mapping is level 1, provider's 2, x's 3 (line 6); level 65 starts on line 68
        [f"{F}:68: -: {TOO_DEEP}"],
    ),
]


NOT_A_DATE = "is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or <=DATE"
PLAIN_DIGITS = "write the number in plain decimal digits, or quote it if it is text"
OTHER_PROVIDER = """provider:
  id: othercloud
  name: Other Cloud
  style: {short: Other, shape: square, color: "#123456"}
  reviewed: 2025-09-01
  counting: {regions: [region], zones: [region], note: every region counts}
regions: []
"""
CATALOG += [
    (
        "lat-infinite",
        F,
        "    lat: 20.5888\n",
        "    lat: .inf\n",
        [f"{F}:17: mx-central-1: lat: expected a finite number, got float inf"],
    ),
    (
        "lon-overflowing",
        F,
        "    lon: -100.3899\n",
        "    lon: -1.0e+400\n",
        [f"{F}:18: mx-central-1: lon: expected a finite number, got float -inf"],
    ),
    (
        "lon-exponent-without-point",  # YAML 1.1 reads 1e400 as text, not as a number
        F,
        "    lon: -100.3899\n",
        "    lon: 1e400\n",
        [f"{F}:18: mx-central-1: lon: expected a number, got str '1e400'"],
    ),
    (
        "zone-count-octal",
        F,
        "  zones:\n  - id: mx-central-1a\n    opened: 2025-02-19\n    closed: null\n",
        "  zone_count: 010\n",
        [f"{F}:25: -: yaml: 010 is read by YAML as 8 (a leading 0 means octal); {PLAIN_DIGITS}"],
    ),
    (
        "zone-count-base-sixty",
        F,
        "  zones:\n  - id: mx-central-1a\n    opened: 2025-02-19\n    closed: null\n",
        "  zone_count: 1:30\n",
        [
            f"{F}:25: -: yaml: 1:30 is read by YAML as 90 (a colon counts in sixties); {PLAIN_DIGITS}"
        ],
    ),
    (
        "claimed-total-hexadecimal",
        S,
        "  totals: {regions: 2, zones: 3}\n",
        "  totals: {regions: 0x2, zones: 3}\n",
        [f"{S}:11: -: yaml: 0x2 is read by YAML as 2 (0x means hexadecimal); {PLAIN_DIGITS}"],
    ),
    (
        "investment-infinite",
        S,
        "  markets: [Americas]\n",
        "  markets: [Americas]\n  investment: [{amount: .inf, currency: USD}]\n",
        [
            f"{S}:14: 2025-02-19-mexico: claims.investment.amount: expected a finite number, got "
            "float inf"
        ],
    ),
    (
        "investment-negative",
        S,
        "  markets: [Americas]\n",
        "  markets: [Americas]\n  investment: [{amount: -5, currency: USD}]\n",
        [
            f"{S}:14: 2025-02-19-mexico: claims.investment.amount: expected an amount greater than "
            "0, got int -5"
        ],
    ),
    (
        "investment-absurd",
        S,
        "  markets: [Americas]\n",
        "  markets: [Americas]\n  investment: [{amount: 1.0e+300, currency: USD}]\n",
        [
            f"{S}:14: 2025-02-19-mexico: claims.investment.amount: float 1e+300 is larger than any "
            "real figure (over 10^15); a typo?"
        ],
    ),
    (
        "date-in-full-width-digits",
        F,
        "  launched: 2025-02-19\n",
        "  launched: ２０２５-02-19\n",
        [f"{F}:22: mx-central-1: launched: '２０２５-02-19' {NOT_A_DATE}"],
    ),
    (
        "date-in-arabic-indic-digits",
        S,
        "date: 2025-02-19\n",
        "date: ٢٠٢٥-٠٢-١٩\n",
        [f"{S}:2: 2025-02-19-mexico: date: '٢٠٢٥-٠٢-١٩' {NOT_A_DATE}"],
    ),
    (
        "review-date-9999",
        F,
        "  name: Test Cloud\n",
        "  name: Test Cloud\n  reviewed: 9999-12-31\n",
        [
            f"{F}:5: testcloud: reviewed: '9999-12-31': the year 9999 is outside 1900..2199 (a "
            "typo?)"
        ],
    ),
    (
        "closure-in-year-0",
        F,
        "  closed: 2025-03-31\n",
        "  closed: 0000-03-31\n",
        [f"{F}:46: au-east-1: closed: '0000-03-31': the year 0 is outside 1900..2199 (a typo?)"],
    ),
    (
        "market-without-countries",
        M,
        "  countries: [AR, BR, CA, MX, US]\n",
        "  countries: []\n",
        [
            f"{M}:9: americas: countries: no countries: a market is the list of its ISO alpha-2 "
            "codes; give at least one"
        ],
    ),
    (
        "market-alias-is-another-markets-name",
        M,
        "  countries: [AR, BR, CA, MX, US]\n",
        "  countries: [AR, BR, CA, MX, US]\n- id: latam\n  name: Latin America\n"
        "  definition: Test\n  aliases: [americas]\n  sources:\n"
        "  - url: https://example.com/m\n    supports: membership\n  countries: [AR, BR, MX]\n",
        [
            f"{M}:13: latam: aliases: 'americas' is the name of another market, Americas "
            f"({M}:3); an alias must name this market only"
        ],
    ),
    (
        "provider-file-named-yml",
        "data/othercloud.yml",
        None,
        OTHER_PROVIDER,
        [
            "data/othercloud.yml:1: -: file: not read: catalog files end in .yaml; rename it to "
            "othercloud.yaml"
        ],
    ),
    (
        "provider-file-named-only-yml",
        "data/.yml",
        None,
        OTHER_PROVIDER,
        [
            "data/.yml:1: -: file: not read: catalog files end in .yaml; rename it to "
            "<provider>.yaml"
        ],
    ),
    (
        "seed-named-upper-case-yaml",
        "seeds/2025-06-01-plans.YAML",
        None,
        "id: 2025-06-01-plans\n",
        [
            "seeds/2025-06-01-plans.YAML:1: -: file: not read: catalog files end in .yaml; rename "
            "it to 2025-06-01-plans.yaml"
        ],
    ),
]


FAR_SEED = """id: 2099-01-01-plans
date: 2099-01-01
provider: testcloud
title: Plans for the next century
sources:
- url: https://example.com/plans
  supports: the plan
summary: >-
  A plan dated far ahead.
"""


def _catalog_cases() -> list[Case]:
    out = []
    for cid, rel, old, new, lines in CATALOG:
        prepare = write(rel, new) if old is None else replace(rel, old, new)
        err = (*lines, nothing(len(lines)))
        for cmd in (("validate",), ("stats",), ("build", "--out", "out/site")):
            out.append(Case(f"{cid}/{cmd[0]}", prepare, cmd, err))
    return out


CATALOG_CASES_MORE: list[Case] = [
    Case(
        # A seventh provider file with no review date of its own cannot bring a far-future date
        # in (it used to move every command's default date to 2099): its dates are measured
        # from the catalog's latest review date.
        "unreviewed-provider-far-future-announcement/" + cmd[0],
        both(
            write("data/othercloud.yaml", OTHER_PROVIDER),
            write("seeds/2099-01-01-plans.yaml", FAR_SEED),
        ),
        cmd,
        (
            "seeds/2099-01-01-plans.yaml:2: 2099-01-01-plans: date: 2099-01-01 is more than 92 "
            "days after the catalog's latest review date (2025-09-01; data/testcloud.yaml has "
            "no provider.reviewed of its own); a date that far ahead is a typo, or a plan: "
            "record plans as announcements (announced:), and bump provider.reviewed when you "
            "review the file",
            NOTHING,
        ),
    )
    for cmd in (("validate",), ("stats",), ("build", "--out", "out/site"))
]

# --------------------------------------------------------------------------- grid, jurisdiction

GY = "data/grid.yaml"
JY = "data/jurisdiction.yaml"
GC = "geo/grid-carbon.csv"
# The mini project's grid: China and Australia split into zones, Mexico a country zone.
GRID = """comparable: owid
datasets:
- id: owid
  file: geo/grid-carbon.csv
  name: Country figures (test)
  gas: CO2e
  method: life-cycle
  basis: generation
  licence: test
  sources:
  - url: https://example.com/owid
    supports: the country figures
- id: hand
  file: null
  name: Zone factors (test)
  gas: CO2e
  method: direct
  basis: consumption
  licence: test
  sources:
  - url: https://example.com/factors
    supports: the zone factors
zones:
- id: AU-NSW-ACT
  name: New South Wales and ACT
  country: AU
  unit: nga-state
  parent: AU
  subdivisions: [AU-NSW, AU-ACT]
  geonames_admin1: [AU.02, AU.01]
  figures:
  - dataset: hand
    year: <=2024
    g_per_kwh: 660
  sources:
  - url: https://example.com/factors
    supports: NSW factor
- id: CN-ZJ
  name: Zhejiang
  country: CN
  unit: province
  parent: CN
  subdivisions: [CN-ZJ]
  geonames_admin1: [CN.02]
  sources:
  - url: https://example.com/zj
    supports: the province
- id: CN-SH
  name: Shanghai
  country: CN
  unit: province
  parent: CN
  subdivisions: [CN-SH]
  geonames_admin1: [CN.23]
  sources:
  - url: https://example.com/sh
    supports: the province
assignments:
  "testcloud:au-east-1":
    zone: AU-NSW-ACT
    geonames_admin1: AU.02
    evidence:
    - url: https://example.com/sydney
      supports: Sydney
  "testcloud:cn-east-9":
    zone: CN-ZJ
    geonames_admin1: CN.02
    evidence:
    - url: https://example.com/hangzhou
      supports: Hangzhou
"""
CSV = """zone,dataset,year,g_per_kwh,gas,method,basis,source_file,source_key
AU,owid,2023,548.7,CO2e,life-cycle,generation,mix.json,AUS
CN,owid,2023,582.3,CO2e,life-cycle,generation,mix.json,CHN
MX,owid,2023,507.2,CO2e,life-cycle,generation,mix.json,MEX
"""
JURISDICTION = """partitions:
- id: commercial
  meaning: open to anyone
jurisdictions: [US]
defaults:
  testcloud:
    operator: Test Cloud, Inc.
    jurisdictions: [US]
    partition: commercial
    sources:
    - url: https://example.com/filing
      supports: incorporation
"""


def gridded(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    """The mini project with its grid and jurisdiction files, then ``steps``."""
    return both(write(GY, GRID), write(GC, CSV), write(JY, JURISDICTION), *steps)


# (id, file, old, new, expected problem lines); replayed through validate, compare and cleanest.
GRID_FAULTS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "grid-assignment-missing",
        GY,
        '  "testcloud:cn-east-9":\n    zone: CN-ZJ\n',
        '  "testcloud:cn-east-10":\n    zone: CN-ZJ\n',
        [
            f"{GY}:66: testcloud:cn-east-10: assignments: no region 'cn-east-10' in "
            "data/testcloud.yaml",
            f"{F}:61: cn-east-9: country: CN has sub-national grid zones: add "
            '"testcloud:cn-east-9" under assignments in data/grid.yaml (its zone and the '
            "evidence, or zone: null and the reason)",
        ],
    ),
    (
        # the zone and its own admin1 code agree, but GeoNames puts Hangzhou elsewhere
        "grid-city-outside-its-zone",
        GY,
        "    zone: CN-ZJ\n    geonames_admin1: CN.02\n",
        "    zone: CN-SH\n    geonames_admin1: CN.23\n",
        [
            f"{GY}:66: testcloud:cn-east-9: zone: testcloud:cn-east-9's city Hangzhou (GeoNames "
            "1808926) lies in CN.02, not in zone CN-SH (CN.23)"
        ],
    ),
    (
        "grid-zone-in-another-country",
        GY,
        "assignments:\n",
        'assignments:\n  "testcloud:mx-central-1":\n    zone: AU-NSW-ACT\n    evidence:\n'
        "    - url: https://example.com/x\n      supports: x\n",
        [
            f"{GY}:60: testcloud:mx-central-1: zone: AU-NSW-ACT is a zone of AU; "
            "testcloud:mx-central-1 is in MX"
        ],
    ),
    (
        "grid-null-zone-without-reason",
        GY,
        "    zone: CN-ZJ\n    geonames_admin1: CN.02\n",
        "    zone: null\n",
        [f"{GY}:66: testcloud:cn-east-9: reason: missing: say why no zone is assigned"],
    ),
    (
        "grid-zone-unknown",
        GY,
        "    zone: CN-ZJ\n",
        "    zone: CN-HZ\n",
        [
            f"{GY}:66: testcloud:cn-east-9: zone: no zone 'CN-HZ' in zones (known: AU-NSW-ACT, "
            "CN-SH, CN-ZJ)"
        ],
    ),
    (
        "grid-figure-without-year",
        GY,
        "    year: <=2024\n",
        "",
        [f"{GY}:32: AU-NSW-ACT: figures.year: missing (required; write YYYY-MM-DD)"],
    ),
    (
        "grid-figure-of-an-unknown-dataset",
        GY,
        "  - dataset: hand\n",
        "  - dataset: nga\n",
        [f"{GY}:32: AU-NSW-ACT: figures.dataset: no dataset 'nga' in datasets"],
    ),
    (
        "grid-figure-of-the-csv-dataset",
        GY,
        "  - dataset: hand\n",
        "  - dataset: owid\n",
        [
            f"{GY}:32: AU-NSW-ACT: figures.dataset: owid's figures are the rows of "
            "geo/grid-carbon.csv; a hand-written figure names a dataset with file: null"
        ],
    ),
    (
        "grid-misspelt-key",
        GY,
        "    evidence:\n    - url: https://example.com/hangzhou\n",
        "    evidense:\n    - url: https://example.com/hangzhou\n",
        [
            f"{GY}:68: testcloud:cn-east-9: evidense: unknown key (did you mean 'evidence'?)",
        ],
    ),
    (
        "grid-comparable-unknown",
        GY,
        "comparable: owid\n",
        "comparable: ember\n",
        [f"{GY}:1: -: comparable: no dataset 'ember' (datasets: owid, hand)"],
    ),
    (
        "grid-csv-method-differs",
        GC,
        "CN,owid,2023,582.3,CO2e,life-cycle,",
        "CN,owid,2023,582.3,CO2e,direct,",
        [
            f"{GC}:3: CN: method: CO2e/direct/generation differs from owid's "
            "CO2e/life-cycle/generation in data/grid.yaml"
        ],
    ),
    (
        "grid-csv-bad-figure",
        GC,
        "MX,owid,2023,507.2,",
        "MX,owid,2023,-507.2,",
        [f"{GC}:4: MX: g_per_kwh: '-507.2' is not a figure in g/kWh (0 or more)"],
    ),
    (
        "jurisdiction-not-in-the-closed-list",
        JY,
        "    jurisdictions: [US]\n",
        "    jurisdictions: [US, DE]\n",
        [
            f"{JY}:8: testcloud: jurisdictions: 'DE' is not in the closed list (US); add it to "
            "jurisdictions first"
        ],
    ),
    (
        "jurisdiction-not-a-country-code",
        JY,
        "jurisdictions: [US]\n",
        "jurisdictions: [US, EU]\n",
        [
            f"{JY}:4: -: jurisdictions: 'EU' is not an ISO 3166-1 alpha-2 code (use the two-letter "
            "code, e.g. MX)"
        ],
    ),
    (
        "partition-not-in-the-closed-list",
        JY,
        "    partition: commercial\n",
        "    partition: public\n",
        [f"{JY}:9: testcloud: partition: 'public' is not a partition (commercial)"],
    ),
    (
        "provider-without-operator",
        JY,
        "  testcloud:\n",
        "  testclod:\n",
        [
            f"{JY}:7: testclod: defaults: no provider 'testclod' in the catalog",
            f"{F}:3: testcloud: id: no default operator in data/jurisdiction.yaml: add "
            "testcloud under defaults (operator, jurisdictions, partition, sources)",
        ],
    ),
    (
        "override-of-an-unknown-region",
        JY,
        "defaults:\n",
        'overrides:\n  "testcloud:nowhere-1":\n    operator: null\n    reason: a partner\n'
        "    jurisdictions: []\n    partition: commercial\n    sources:\n"
        "    - url: https://example.com/p\n      supports: p\ndefaults:\n",
        [f"{JY}:7: testcloud:nowhere-1: overrides: no region 'nowhere-1' in data/testcloud.yaml"],
    ),
    (
        "jurisdiction-alias",
        JY,
        "    jurisdictions: [US]\n",
        "    jurisdictions: &j [US]\n    notes: *j\n",
        [
            f"{JY}:8: -: yaml: YAML anchors and aliases (&name, *name) are not allowed in catalog "
            "files; write the value out in full"
        ],
    ),
]


def _grid_cases() -> list[Case]:
    out = []
    for cid, rel, old, new, lines in GRID_FAULTS:
        prepare = gridded(replace(rel, old, new))
        err = (*lines, nothing(len(lines)))
        for cmd in (
            ("validate",),
            ("compare", "--max-carbon", "600"),
            ("cleanest", "--near", "Mexico City, MX", "--within-ms", "50"),
        ):
            out.append(Case(f"{cid}/{cmd[0]}", prepare, cmd, err))
    return out


def _grid_more() -> list[Case]:
    return [
        Case(
            # the zone lists both divisions, but the assignment names the one Hangzhou is not in
            "grid-admin1-not-as-geonames-says",
            gridded(
                replace(GY, "  geonames_admin1: [CN.02]\n", "  geonames_admin1: [CN.02, CN.99]\n"),
                replace(GY, "    geonames_admin1: CN.02\n", "    geonames_admin1: CN.99\n"),
            ),
            ("validate",),
            (
                f"{GY}:67: testcloud:cn-east-9: geonames_admin1: CN.99, but GeoNames puts Hangzhou "
                "(GeoNames 1808926) in CN.02",
                NOTHING,
            ),
        ),
        Case(
            "grid-csv-missing",
            both(write(GY, GRID), write(JY, JURISDICTION)),
            ("validate",),
            (
                f"{GC}:0: -: file: missing; rebuild it: cloudmap grid rebuild (see "
                "geo/GRID-PROVENANCE.md)",
                NOTHING,
            ),
        ),
        Case(
            # a region added in a split country needs its zone first: nothing is written
            "region-add-in-a-split-country",
            gridded(),
            (
                "region",
                "add",
                "--id",
                "cn-east-10",
                "--name",
                "China (Ningbo)",
                "--city",
                "Ningbo",
                "--country",
                "CN",
                "--lat",
                "29.8782",
                "--lon",
                "121.5495",
                "--launched",
                "2025-06-01",
                "--zones",
                "a",
                "--source",
                URL,
            ),
            (
                f"{F}:83: cn-east-10: country: CN has sub-national grid zones: add "
                '"testcloud:cn-east-10" under assignments in data/grid.yaml (its zone and the evidence, '
                "or zone: null and the reason)",
                NOTHING,
            ),
        ),
        Case(
            "filter-unknown-partition",
            gridded(),
            ("compare", "--partition", "sovereign"),
            ("Error: unknown partition 'sovereign' (known: commercial)",),
        ),
        Case(
            "filter-bad-jurisdiction",
            gridded(),
            ("coverage", "--exclude-jurisdiction", "USA"),
            ("Error: 'USA' is not an ISO 3166-1 alpha-2 country code (e.g. CN)",),
        ),
        Case(
            "filter-nothing-passes",
            gridded(),
            ("coverage", "--max-carbon", "100"),
            (
                "Error: no live region of testcloud passes the filters (grid carbon <= 100 g/kWh) on "
                "2025-09-24",
            ),
        ),
        Case(
            "cleanest-unknown-place",
            gridded(),
            ("cleanest", "--near", "Atlantis, MX", "--within-ms", "50"),
            (
                "Error: no city 'Atlantis' in MX among GeoNames' cities of 15,000+ people; try NAME, "
                "CC or LAT,LON",
            ),
        ),
        Case(
            "grid-rebuild-source-fifo",
            fifo("codecarbon.whl"),
            ("grid", "rebuild", "--source", "codecarbon.whl"),
            (_not_regular("codecarbon.whl", "codecarbon 3.3.2 wheel"),),
        ),
        Case(
            "grid-rebuild-source-not-a-wheel",
            write("codecarbon.whl", "not a zip\n"),
            ("grid", "rebuild", "--source", "codecarbon.whl"),
            (
                "Error: codecarbon.whl: not a wheel (zip) file; pass codecarbon-3.3.2-py3-none-any.whl "
                "or a folder holding codecarbon/data/",
            ),
        ),
    ]


# --------------------------------------------------------------------------- files and folders

FILES: list[Case] = [
    Case(
        "seed-is-a-folder",
        folder_instead(S),
        ("validate",),
        (f"{S}:1: -: file: is a folder, not a file (remove it or rename it)", nothing(1)),
    ),
    Case(
        "data-file-is-a-folder",
        folder_instead(F),
        ("stats",),
        (f"{F}:1: -: file: is a folder, not a file (remove it or rename it)", nothing(1)),
    ),
    Case(
        "seed-symlink-loop",
        symlink_loop(S),
        ("validate",),
        (f"{S}:1: -: file: is a symbolic link that loops (fix or remove the link)", nothing(1)),
    ),
    Case(
        "data-symlink-loop",
        symlink_loop(F),
        ("build", "--out", "out/site"),
        (f"{F}:1: -: file: is a symbolic link that loops (fix or remove the link)", nothing(1)),
    ),
    Case(
        "markets-is-a-folder",
        folder_instead(M),
        ("validate",),
        (f"{M}:1: -: file: is a folder, not a file (remove it or rename it)", nothing(1)),
    ),
]

GEO_FIX = (
    "restore it (git checkout -- geo/countries-10m.geojson) or rebuild it: see geo/PROVENANCE.md"
)
G = "geo/countries-10m.geojson"


def _truncate(root: Path) -> None:
    path = root / G
    path.write_bytes(path.read_bytes()[:5000])


GEO: list[Case] = [
    Case(
        "geo-truncated",
        _truncate,
        ("validate",),
        (
            f"Error: {G}: not a country GeoJSON file (Expecting ',' delimiter: line 3 column 4272 "
            f"(char 5000)); {GEO_FIX}",
        ),
    ),
    Case(
        "geo-empty-collection",
        write(G, '{"type":"FeatureCollection","features":[]}\n'),
        ("stats",),
        (f"Error: {G}: holds no country polygons; {GEO_FIX}",),
    ),
    Case(
        "geo-not-json",
        write(G, "not json at all\n"),
        ("build", "--out", "out/site"),
        (
            f"Error: {G}: not a country GeoJSON file (Expecting value: line 1 column 1 (char 0)); "
            f"{GEO_FIX}",
        ),
    ),
    Case(
        "geo-a-folder",
        lambda r: ((r / G).unlink(), (r / G).mkdir()),
        ("validate",),
        (f"Error: {G}: is a folder, not a GeoJSON file; {GEO_FIX}",),
    ),
    Case(
        "geo-missing",
        lambda r: (r / G).unlink(),
        ("export", "--out", "out/x"),
        (f"Error: {G}: cannot be read (No such file or directory); {GEO_FIX}",),
    ),
    Case(
        "geo-wrong-features",
        write(
            G,
            '{"type":"FeatureCollection","features":[{"type":"Feature",'
            '"properties":{},"geometry":{"type":"Point",'
            '"coordinates":[0,0]}}]}\n',
        ),
        ("validate",),
        (f"Error: {G}: not a country GeoJSON file (a Point, not a polygon); {GEO_FIX}",),
    ),
]


# --------------------------------------------------------------------------- outputs


def _make_file(rel: str) -> Callable[[Path], None]:
    return write(rel, "keep me\n")


OUTPUTS: list[Case] = [
    Case(
        "export-out-is-a-file",
        _make_file("notes.txt"),
        ("export", "--out", "notes.txt"),
        ("Error: --out notes.txt: exists and is not a folder; choose a folder",),
    ),
    Case(
        "export-out-data",
        noop,
        ("export", "--out", "data"),
        ("Error: --out data: inside the project's data/ (its inputs); choose another folder",),
    ),
    Case(
        "export-out-seeds-sub",
        noop,
        ("export", "--out", "seeds/x"),
        ("Error: --out seeds/x: inside the project's seeds/ (its inputs); choose another folder",),
    ),
    Case(
        "export-out-root",
        noop,
        ("export", "--out", "."),
        (
            "Error: --out .: that is the project folder itself; choose a subfolder such as site/ or "
            "exports/",
        ),
    ),
    Case(
        "export-out-under-a-file",
        _make_file("notes.txt"),
        ("export", "--out", "notes.txt/x"),
        ("Error: --out notes.txt/x: notes.txt is not a folder; choose another path",),
    ),
    Case(
        "build-out-data",
        noop,
        ("build", "--out", "data"),
        ("Error: --out data: inside the project's data/ (its inputs); choose another folder",),
    ),
    Case(
        "build-out-geo",
        noop,
        ("build", "--out", "geo"),
        ("Error: --out geo: inside the project's geo/ (its inputs); choose another folder",),
    ),
    Case(
        "build-out-slash",
        noop,
        ("build", "--out", "/"),
        ("Error: --out /: refusing to write into /; choose a folder",),
    ),
    Case(
        "export-out-etc",
        noop,
        ("export", "--out", "/etc/cloudmap-exports"),
        (
            "Error: --out /etc/cloudmap-exports: inside the system folder /etc; choose a folder of "
            "your own",
        ),
    ),
    Case(
        "build-out-foreign-folder",
        _make_file("mine/keep.txt"),
        ("build", "--out", "mine"),
        (
            "Error: --out mine: the folder exists and was not written by `cloudmap build` (no "
            ".cloudmap-site in it), so it is not replaced; choose another folder or empty it first",
        ),
    ),
    Case(
        "snapshot-out-site",
        lambda r: (r / "site").mkdir(),
        ("snapshot", "--out", "site"),
        ("Error: --out site: is a folder; give a file name such as map.png",),
    ),
    Case(
        "snapshot-out-data",
        noop,
        ("snapshot", "--out", "data"),
        ("Error: --out data: is a folder; give a file name such as map.png",),
    ),
    Case(
        "snapshot-out-into-data",
        noop,
        ("snapshot", "--out", "data/map.png"),
        (
            "Error: --out data/map.png: inside the project's data/ (its inputs); choose another "
            "folder",
        ),
    ),
    Case(
        "snapshot-out-slash",
        noop,
        ("snapshot", "--out", "/"),
        ("Error: --out /: is a folder; give a file name such as map.png",),
    ),
]


def _link(rel: str, to: str) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(to)

    return prepare


CONTAINS = (
    "contains the project folder, which an output there could replace or delete; choose a "
    "folder that does not contain it, such as site/"
)
THROUGH_A_LINK = "an output never writes through a link: remove the link or give another name"
NO_CONTROL = "choose a name without control characters (line breaks, escapes)"

# Outputs go through one guard (cloudmap.fsutil), links resolved first; the library raises it in
# its own words, the CLI puts its option in front.
GUARD: list[Case] = [
    Case(
        "build-into-the-folder-holding-the-project",
        write("../.cloudmap-site", "a site built here once\n"),  # a web root that holds it
        ("build", "--out", ".."),
        (f"Error: --out ..: {CONTAINS}",),
    ),
    Case(
        "export-two-folders-up",
        noop,
        ("export", "--out", "../.."),
        (f"Error: --out ../..: {CONTAINS}",),
    ),
    Case(
        "build-through-a-link-to-the-project",
        _link("web", "."),
        ("build", "--out", "web"),
        (
            "Error: --out web: that is the project folder itself; choose a subfolder such as "
            "site/ or exports/",
        ),
    ),
    Case(
        "export-through-a-link-into-data",
        _link("exports", "data"),
        ("export", "--out", "exports"),
        (
            "Error: --out exports: inside the project's data/ (its inputs) (a link to data/); "
            "choose another folder",
        ),
    ),
    Case(
        "build-through-a-link-into-geo",
        _link("pub/site", "../geo"),
        ("build", "--out", "pub/site"),
        (
            "Error: --out pub/site: inside the project's geo/ (its inputs) (a link to geo/); "
            "choose another folder",
        ),
    ),
    Case(
        "snapshot-onto-a-link-to-a-data-file",
        _link("shots/map.png", "../data/testcloud.yaml"),
        ("snapshot", "--out", "shots/map.png"),
        (
            "Error: --out shots/map.png: is a symbolic link (to ../data/testcloud.yaml); "
            f"{THROUGH_A_LINK}",
        ),
    ),
    Case(
        "snapshot-onto-a-link-out-of-the-project",
        both(
            write("../home-file.txt", "someone's notes\n"),
            _link("shots/map.png", "../../home-file.txt"),
        ),
        ("snapshot", "--out", "shots/map.png"),
        (
            "Error: --out shots/map.png: is a symbolic link (to ../../home-file.txt); "
            f"{THROUGH_A_LINK}",
        ),
    ),
    Case(
        "snapshot-into-a-linked-seeds-folder",
        _link("shots", "seeds"),
        ("snapshot", "--out", "shots/map.png"),
        (
            "Error: --out shots/map.png: inside the project's seeds/ (its inputs) (a link to "
            "seeds/); choose another folder",
        ),
    ),
    Case(
        "export-out-with-a-newline",
        noop,
        ("export", "--out", "out\nx"),
        (f"Error: --out 'out\\nx': the name holds the control character U+000A; {NO_CONTROL}",),
    ),
    Case(
        "build-out-with-an-escape",
        noop,
        ("build", "--out", "site\x1b[2J"),
        (
            f"Error: --out 'site\\x1b[2J': the name holds the control character U+001B; "
            f"{NO_CONTROL}",
        ),
    ),
    Case(
        "snapshot-out-with-a-carriage-return",
        noop,
        ("snapshot", "--out", "map\r.png"),
        (f"Error: --out 'map\\r.png': the name holds the control character U+000D; {NO_CONTROL}",),
    ),
    Case(
        "export-over-a-folder-named-like-an-output",
        both(write("out/regions.csv", "keep me\n"), write("out/regions.kml/x.txt", "keep me\n")),
        ("export", "--out", "out"),
        (
            "Error: --out out: regions.kml in it is a folder where an output file goes; remove or "
            "rename it (nothing was written)",
        ),
    ),
]


# --------------------------------------------------------------------------- edits

EDITS: list[Case] = [
    Case(
        "edit-name-with-escape",
        noop,
        ("region", "update", "mx-central-1", "--name", "Mexico\x1b[31m", "--source", URL),
        (f"{F}:12: mx-central-1: name: contains the control character U+001B; remove it", NOTHING),
    ),
    Case(
        "edit-name-with-newline",
        noop,
        ("region", "update", "mx-central-1", "--name", "Mexico\nCity", "--source", URL),
        (f"{F}:12: mx-central-1: name: contains the control character U+000A; remove it", NOTHING),
    ),
    Case(
        "edit-source-with-markup",
        noop,
        (
            "region",
            "update",
            "mx-central-1",
            "--city",
            "Queretaro",
            "--source",
            'https://x.example/"><img src=x>',
        ),
        (
            f"{F}:33: mx-central-1: url: 'https://x.example/\"><img src=x>' is not an http(s) URL "
            "(it contains ' ' '\"' '<' '>'; percent-encode it)",
            NOTHING,
        ),
    ),
    Case(
        "edit-far-future-launch",
        reviewed,
        (
            "region",
            "add",
            "--id",
            "mx-central-2",
            "--name",
            "M2",
            "--city",
            "Monterrey",
            "--country",
            "MX",
            "--lat",
            "25.6751",
            "--lon",
            "-100.3185",
            "--launched",
            "2099-01-01",
            "--zones",
            "a",
            "--source",
            URL,
        ),
        (
            f"{F}:92: mx-central-2: launched: 2099-01-01 is more than 92 days after the provider's "
            "review date (2026-11-27); a date that far ahead is a typo, or a plan: record plans as "
            "announcements (announced:), and bump provider.reviewed when you review the file",
            f"{F}:96: mx-central-2: zones: 2099-01-01 is more than 92 days after the provider's "
            "review date (2026-11-27); a date that far ahead is a typo, or a plan: record plans as "
            "announcements (announced:), and bump provider.reviewed when you review the file",
            nothing(2),
        ),
    ),
    Case(
        "duplicate-announcement",
        noop,
        (
            "announce",
            "add",
            "--date",
            "2025-02-19",
            "--title",
            "Mexico region opens",
            "--id",
            "2025-02-19-mexico-again",
            "--source",
            URL,
        ),
        (
            "seeds/2025-02-19-mexico-again.yaml:4: 2025-02-19-mexico-again: title: same date and "
            "title as seeds/2025-02-19-mexico.yaml: record an announcement once",
            NOTHING,
        ),
    ),
    Case(
        "edit-site-bad-country",
        noop,
        (
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
        ),
        (
            "Error: site 'Atlantis': 'Atlantis' is not an ISO 3166-1 alpha-2 code (use the "
            "two-letter code, e.g. MX)",
        ),
    ),
]


def _disk_full(target: str) -> Callable[[Path], None]:
    """Nothing to prepare: the test injects ENOSPC into writes under ``target`` (see test)."""
    del target
    return noop


ENOSPC = errno.ENOSPC


# --------------------------------------------------------------------------- outside input

# Articles, docs pages and world-atlas sources come from outside the project: one bounded reader
# refuses pipes and devices before reading, caps the size, and keeps to one deadline.


def fifo(rel: str) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        os.mkfifo(root / rel)

    return prepare


def sparse(rel: str, size: int) -> Callable[[Path], None]:
    """A file of ``size`` bytes that takes no disk (the size check comes before any read)."""

    def prepare(root: Path) -> None:
        with open(root / rel, "wb") as f:
            f.truncate(size)

    return prepare


def _not_regular(name: str, what: str) -> str:
    return f"Error: {name}: is not a regular file (a pipe, socket or device); give the saved {what}"


DEEP = "---\ntitle: " + "[" * 30000 + "]" * 30000 + "\n---\n# Title\n\nText.\n"
GERMAN = (
    "Test Cloud eröffnet ein neues Rechenzentrum in Mexiko und erweitert seine Präsenz in "
    "Lateinamerika auf drei Regionen mit sechs Verfügbarkeitszonen, teilte das Unternehmen mit.\n"
)

INTAKE: list[Case] = [
    Case(
        "draft-article-fifo",
        fifo("article.txt"),
        ("announce", "draft", "article.txt"),
        (_not_regular("article.txt", "article"),),
    ),
    Case(
        "draft-article-device",
        noop,
        ("announce", "draft", "/dev/zero"),
        (_not_regular("/dev/zero", "article"),),
    ),
    Case(
        "draft-article-too-large",
        sparse("big.txt", 17 * 2**20),
        ("announce", "draft", "big.txt"),
        (
            "Error: big.txt: larger than 16 MiB; not a plausible article (nothing was read past "
            "the limit)",
        ),
    ),
    Case(
        "draft-deep-front-matter",
        write("deep.md", DEEP),
        ("announce", "draft", "deep.md"),
        (
            "Error: deep.md: the front matter is nested 30000 levels deep (at most 20); it should "
            "hold the title and the date only",
        ),
    ),
    Case(
        "draft-unsupported-language",
        write("de.txt", GERMAN),
        ("announce", "draft", "de.txt"),
        (
            "Error: de.txt: the article is in German, which cloudmap does not read (it reads en, "
            "fr, es, pt, zh, ja, ko); translate it or record it by hand with `cloudmap announce "
            "add`",
        ),
    ),
    Case(
        "check-docs-page-fifo",
        fifo("page.html"),
        ("check-docs", "page.html"),
        (_not_regular("page.html", "page"),),
    ),
    Case(
        "check-docs-page-device",
        noop,
        ("check-docs", "/dev/zero"),
        (_not_regular("/dev/zero", "page"),),
    ),
    Case(
        "check-docs-colspan-bomb",
        write(
            "bomb.html",
            '<table><tr><th>Region ID</th></tr><tr><td colspan="300000000">'
            'mx-central-1</td><td colspan="300000000">x</td></tr></table>',
        ),
        ("check-docs", "bomb.html", "--provider", "testcloud"),
        (),
        code=3,
    ),  # read in linear time; the page lacks the fixture's other regions
    Case(
        "check-docs-page-too-large",
        sparse("huge.html", 17 * 2**20),
        ("check-docs", "huge.html"),
        (
            "Error: huge.html: larger than 16 MiB; not a plausible page (nothing was read past the "
            "limit)",
        ),
    ),
    Case(
        "geo-rebuild-source-fifo",
        fifo("atlas.json"),
        ("geo", "rebuild", "--source", "atlas.json"),
        (_not_regular("--source atlas.json", "world-atlas file"),),
    ),
    Case(
        "geo-rebuild-source-device",
        noop,
        ("geo", "rebuild", "--source", "/dev/zero"),
        (_not_regular("--source /dev/zero", "world-atlas file"),),
    ),
]


def all_cases() -> list[Case]:
    return [
        *_catalog_cases(),
        *CATALOG_CASES_MORE,
        *_grid_cases(),
        *_grid_more(),
        *FILES,
        *GEO,
        *OUTPUTS,
        *GUARD,
        *EDITS,
        *INTAKE,
    ]


def copy_project(src: Path, dest: Path, geo: Path) -> Path:
    shutil.copytree(src, dest)
    for name in ("countries-10m.geojson", "countries-50m.geojson"):
        shutil.copy(geo / name, dest / "geo" / name)
    return dest
