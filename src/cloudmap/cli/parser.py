"""The command line's grammar: every command with its options, help and an example."""

from __future__ import annotations

__all__ = ["build_parser"]

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cloudmap.cli import commands as c
from cloudmap.cli import drift


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _date(text: str) -> dt.date:
    from cloudmap.dates import parse_day

    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _number(text: str) -> float:
    from cloudmap.reader import parse_number

    try:
        return parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; write decimal degrees, e.g. -100.3185") from None


def _grams(text: str) -> float:
    from cloudmap.reader import parse_number

    try:
        value = parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; write grams per kWh, e.g. 300") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: write grams per kWh, 0 or more")
    return value


def _milliseconds(text: str) -> float:
    from cloudmap.reader import parse_number

    try:
        value = parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; write milliseconds, e.g. 50") from None
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r}: write a round-trip time from 1 to 1000 ms")
    return value


def _filters(p: Any) -> None:
    """The region filters of compare, coverage and cleanest (cloudmap.View.where)."""
    p.add_argument("--max-carbon", type=_grams, metavar="G", help="only regions whose grid "
                   "carbon (their country's, gCO2e/kWh, one dataset for all) is at most G")  # fmt: skip
    p.add_argument("--exclude-jurisdiction", action="append", default=[], metavar="CC",
                   help="leave out regions whose operator or host falls under this country's "
                   "law, and those whose operator is unknown (repeatable, or CC,CC)")  # fmt: skip
    p.add_argument("--partition", action="append", default=[], metavar="NAME",
                   help="only regions in this partition: commercial, government, china, "
                   "sovereign (repeatable)")  # fmt: skip


def _formats(text: str) -> tuple[str, ...]:
    from cloudmap.export import FORMATS

    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    for f in wanted or [text]:
        if f not in FORMATS:
            raise argparse.ArgumentTypeError(
                f"{f!r} is not an export format; choose from {', '.join(FORMATS)}"
            )
    return tuple(wanted)


def _command(sub: Any, name: str, help_: str, example: str, func: Callable[..., int]) -> Any:
    p = sub.add_parser(
        name,
        help=help_,
        description=help_,
        formatter_class=_Formatter,
        epilog=f"Example:\n  {example}",
    )
    p.add_argument(
        "--root",
        metavar="DIR",
        help="project folder holding data/, seeds/, geo/ "
        "(default: the current folder if it has them, else the packaged snapshot)",
    )
    p.set_defaults(func=func)
    return p


def _as_of(p: Any) -> None:
    p.add_argument(
        "--as-of", type=_date, metavar="DATE", help="date (YYYY-MM-DD; default: the catalog's "
        "review date, never the clock)"
    )  # fmt: skip


def _output(p: Any, *, csv: bool = False) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON")
    if csv:
        group.add_argument("--csv", action="store_true", help="print CSV")


def _provider(
    p: Any, what: str = "providers to include: an id, a comma-separated list, or all"
) -> None:
    p.add_argument("--provider", metavar="NAME", help=f"{what} (default: all)")


def _edit_options(p: Any, *, announcement: bool = True) -> None:
    p.add_argument("--source", required=True, metavar="URL", help="where the change is stated")
    p.add_argument(
        "--supports", metavar="TEXT", help="what the source supports (default: describes what "
        "was given)"
    )  # fmt: skip
    if announcement:
        p.add_argument(
            "--announcement", action="append", default=[], metavar="ID",
            help="id of a seeds/ record reporting it (repeatable)",
        )  # fmt: skip


def _read_commands(sub: Any) -> None:
    _command(sub, "validate", "check data/ and seeds/ (schema, ISO codes, dates, places) and "
             "report every problem as file:line: id: field: message",
             "cloudmap validate --root .", c.cmd_validate)  # fmt: skip

    p = _command(sub, "stats", "live regions, zones and countries as of a date",
                 "cloudmap stats --as-of 2025-05-15 --json", c.cmd_stats)  # fmt: skip
    _as_of(p)
    _provider(p, "one provider's figures")
    _output(p)

    p = _command(sub, "reconcile", "compare each announcement's headline totals with the catalog",
                 "cloudmap reconcile --provider aws --json", c.cmd_reconcile)  # fmt: skip
    _provider(p, "one provider's announcements")
    _output(p)

    p = _command(sub, "coverage", "distance and estimated round-trip time from every country or "
                 "market to the nearest live region (RTT estimated from distance)",
                 "cloudmap coverage --market Americas --compare 2024-06-30 2025-05-15",
                 c.cmd_coverage)  # fmt: skip
    _as_of(p)
    p.add_argument("--market", metavar="NAME", help="one expansion market (data/markets.yaml)")
    p.add_argument("--country", metavar="CC", help="one country (ISO 3166-1 alpha-2)")
    p.add_argument("--compare", nargs=2, type=_date, metavar=("DATE1", "DATE2"),
                   help="the change between two dates")  # fmt: skip
    _provider(p, "measure from this provider's regions (several or all: the nearest of any)")
    _filters(p)
    _output(p, csv=True)

    p = _command(sub, "compare", "providers side by side in a market or country: live regions, "
                 "zones, countries covered, launches, announced sites, and the nearest region of "
                 "each provider from each country (RTT estimated from distance)",
                 "cloudmap compare --market 'Middle East'", c.cmd_compare)  # fmt: skip
    _as_of(p)
    p.add_argument("--market", metavar="NAME", help="an expansion market (data/markets.yaml)")
    p.add_argument("--country", metavar="CC", help="one country (ISO 3166-1 alpha-2)")
    _provider(p)
    _filters(p)
    _output(p, csv=True)

    p = _command(sub, "cleanest", "the cleanest live region of each provider within an "
                 "estimated round-trip time of a place, by grid carbon (RTT estimated from "
                 "distance; README, \"Grid and jurisdiction\")",
                 "cloudmap cleanest --near 'Mexico City, MX' --within-ms 50", c.cmd_cleanest)  # fmt: skip
    p.add_argument("--near", required=True, metavar="PLACE", help="a city (NAME, CC as in "
                   "'Mexico City, MX') or LAT,LON")  # fmt: skip
    p.add_argument("--within-ms", required=True, type=_milliseconds, metavar="MS",
                   help="the largest estimated round-trip time")  # fmt: skip
    _as_of(p)
    _provider(p, "providers to compare (one: it and every other)")
    _filters(p)
    _output(p)

    p = _command(sub, "diff", "what opened, closed, was announced or changed market coverage "
                 "between two dates, or against another version of the catalog",
                 "cloudmap diff --from 2024-06-30 --to 2025-05-15", c.cmd_diff)  # fmt: skip
    p.add_argument("--from", dest="start", type=_date, metavar="DATE",
                   help="first date (with --base: default --to)")  # fmt: skip
    p.add_argument("--to", dest="end", type=_date, metavar="DATE",
                   help="second date (default: the catalog's review date)")  # fmt: skip
    p.add_argument("--base", metavar="REV|PATH", help="compare with a git revision of the "
                   "project folder, or another project folder, instead of this catalog")  # fmt: skip
    _provider(p)
    _output(p)

    drift.add_drift_commands(sub, _command)


def _file_commands(sub: Any) -> None:
    p = _command(sub, "export", "write the layers as of a date as GeoJSON, GeoPackage, CSV and "
                 "KML for GIS tools (schema: docs/exports.md)",
                 "cloudmap export --format geojson,gpkg --as-of 2025-05-15 --out exports",
                 c.cmd_export)  # fmt: skip
    p.add_argument("--format", type=_formats, default=("geojson", "gpkg", "csv", "kml"),
                   metavar="LIST", help="comma-separated formats from geojson, gpkg, csv, kml "
                   "(default: all)")  # fmt: skip
    _as_of(p)
    p.add_argument("--out", type=Path, metavar="DIR", help="folder to write into (default: "
                   "site/data of the project folder)")  # fmt: skip
    _provider(p)

    p = _command(sub, "build", "write the map site: DIR/index.html (the interactive map), "
                 "DIR/data/ (GIS downloads) and the changelog",
                 "cloudmap build --as-of 2025-05-15 --out site", c.cmd_build)  # fmt: skip
    _as_of(p)
    p.add_argument("--out", metavar="DIR", help="output folder (default: site/ of the project "
                   "folder); replaced whole, only if an earlier build wrote it")  # fmt: skip
    p.add_argument("--self-contained", action="store_true", help="inline every JS/CSS asset "
                   "(from node_modules/: run npm ci) and draw countries instead of web tiles, so "
                   "index.html works offline")  # fmt: skip
    _provider(p)

    p = _command(sub, "snapshot", "render a PNG of the map with headless Chromium (offline; "
                 "needs npm ci and Debian's chromium)", "cloudmap snapshot --out docs/map.png",
                 c.cmd_snapshot)  # fmt: skip
    _as_of(p)
    p.add_argument("--out", default="site/map.png", metavar="PNG",
                   help="output file (default: site/map.png)")  # fmt: skip
    p.add_argument("--phone", action="store_true", help="a phone-sized screen (390x844, touch)")
    p.add_argument("--compare", metavar="MARKET", help='open the comparison panel on a market, '
                   'e.g. "Middle East"')  # fmt: skip
    _provider(p)

    p = _command(sub, "geo", "rebuild geo/ from world-atlas (see geo/PROVENANCE.md)",
                 "cloudmap geo rebuild --source node_modules/world-atlas/countries-10m.json",
                 c.cmd_geo_rebuild)  # fmt: skip
    p.add_argument("action", choices=["rebuild"], help="what to do (rebuild)")
    p.add_argument("--source", required=True, metavar="PATH",
                   help="world-atlas@2.0.2's countries-50m.json or countries-10m.json")  # fmt: skip

    p = _command(sub, "grid", "rebuild geo/grid-carbon.csv from the codecarbon package's grid "
                 "data (see geo/GRID-PROVENANCE.md)",
                 "cloudmap grid rebuild --source codecarbon-3.3.2-py3-none-any.whl",
                 c.cmd_grid_rebuild)  # fmt: skip
    p.add_argument("action", choices=["rebuild"], help="what to do (rebuild)")
    p.add_argument("--source", metavar="PATH", help="codecarbon 3.3.2's wheel (pip download "
                   "--no-deps codecarbon==3.3.2) or a folder holding codecarbon/data/ (default: "
                   "the installed codecarbon)")  # fmt: skip


def _edit_commands(sub: Any) -> None:
    from cloudmap.schema import KINDS, PRECISIONS

    group = sub.add_parser("announce", help="record announcements in seeds/ (see "
                           "docs/keeping-current.md)", description="record announcements in "
                           "seeds/, or draft one from an article", formatter_class=_Formatter,
                           epilog="Example:\n  cloudmap announce draft article.html")  # fmt: skip
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = _command(actions, "add", "record an announcement as seeds/<id>.yaml; each --site also "
                 "adds an announced site to data/<provider>.yaml",
                 "cloudmap announce add --date 2025-09-24 --title 'Apsara Conference 2025' "
                 "--source https://example.com/apsara --claim regions=29 --claim zones=91 "
                 "--market Europe --site BR --site FR:Paris --provider alibaba-cloud", c.cmd_announce_add)  # fmt: skip
    p.add_argument("--date", required=True, metavar="DATE", help="date of the announcement")
    p.add_argument("--title", required=True, metavar="TEXT", help="short title")
    _edit_options(p, announcement=False)
    p.add_argument("--summary", metavar="TEXT", help="summary in our own words (default: title)")
    p.add_argument("--publisher", metavar="TEXT", help="who published it")
    p.add_argument("--claim", action="append", default=[], metavar="KEY=N", help="headline "
                   "total claimed: regions=N, zones=N or countries=N (repeatable)")  # fmt: skip
    p.add_argument("--target", action="store_true", help="the claimed totals are a goal, not a "
                   "count (reconcile reports them as a target)")  # fmt: skip
    p.add_argument("--market", action="append", default=[], metavar="NAME",
                   help="expansion market named (data/markets.yaml; repeatable)")  # fmt: skip
    p.add_argument("--site", action="append", default=[], metavar="CC[:CITY]",
                   help="an announced site, e.g. BR or JP:Tokyo (repeatable)")  # fmt: skip
    p.add_argument("--investment", action="append", default=[], metavar="AMOUNT:CUR",
                   help="an investment figure, e.g. 380e9:CNY (repeatable)")  # fmt: skip
    p.add_argument("--id", metavar="ID", help="record id (default: <date>-<slug of title>)")
    p.add_argument("--provider", metavar="ID", help="provider (needed if data/ has several)")

    drift.add_draft_command(actions, _command)

    group = sub.add_parser("region", help="add, update or close a region, or add a zone, in "
                           "data/<provider>.yaml", description="add, update or close a region, "
                           "or add a zone, in data/<provider>.yaml", formatter_class=_Formatter,
                           epilog="Example:\n  cloudmap region close ap-southeast-2 --date "
                           "2024-10-01 --source URL")  # fmt: skip
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = _command(actions, "add", "append a region to data/<provider>.yaml",
                 "cloudmap region add --id na-south-2 --name 'Mexico (Monterrey)' --city "
                 "Monterrey --country MX --lat 25.6751 --lon -100.3185 --launched 2026-09-01 "
                 "--zones a,b --source https://example.com/monterrey --provider alibaba-cloud",
                 c.cmd_region_add)  # fmt: skip
    p.add_argument("--id", required=True, metavar="ID", help="the provider's region id")
    p.add_argument("--name", required=True, metavar="TEXT", help="official English name")
    p.add_argument("--city", required=True, metavar="TEXT", help="city (GeoNames spelling)")
    p.add_argument("--country", required=True, metavar="CC", help="ISO 3166-1 alpha-2 code")
    p.add_argument("--lat", required=True, type=_number, metavar="LAT", help="WGS84 latitude")
    p.add_argument("--lon", required=True, type=_number, metavar="LON", help="WGS84 longitude")
    p.add_argument("--launched", metavar="DATE", help="launch date")
    p.add_argument("--announced", metavar="DATE", help="announcement date")
    p.add_argument("--zones", action="append", default=[], metavar="LIST", help="zone ids or "
                   "suffixes, comma-separated (they open with the region)")  # fmt: skip
    _edit_options(p)
    p.add_argument("--location-source", metavar="TEXT",
                   help="source of the coordinates (default: the --source URL)")  # fmt: skip
    p.add_argument("--kind", choices=KINDS, default="region", help="default: region")
    p.add_argument("--precision", choices=PRECISIONS, default="metro", help="default: metro")
    p.add_argument("--provider", metavar="ID", help="provider (needed if data/ has several)")
    p.add_argument("--site", metavar="ID", help="announced site that became this region")
    p.add_argument("--notes", metavar="TEXT", help="free text (unknowns, caveats)")

    p = _command(actions, "update", "change fields of a region and cite the source",
                 "cloudmap region update alibaba-cloud:na-south-1 --name 'Mexico (Querétaro)' --source "
                 "https://example.com/regions", c.cmd_region_update)  # fmt: skip
    p.add_argument("region", metavar="ID", help="region id (provider:id when ambiguous)")
    for opt in ("name", "city", "country", "notes"):
        p.add_argument(f"--{opt}", metavar="TEXT")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--lat", type=_number, metavar="LAT")
    p.add_argument("--lon", type=_number, metavar="LON")
    p.add_argument("--precision", choices=PRECISIONS)
    p.add_argument("--location-source", metavar="TEXT", help="source of the coordinates "
                   "(default with --lat/--lon: the --source URL)")  # fmt: skip
    for opt in ("announced", "launched", "closure-announced", "closed"):
        p.add_argument(f"--{opt}", metavar="DATE", help="a date, or null to clear it")
    _edit_options(p)

    p = _command(actions, "close", "record a region's closure (its zones close with it)",
                 "cloudmap region close alibaba-cloud:ap-northeast-2 --date 2026-06-30 --announced 2026-03 "
                 "--source https://example.com/closure", c.cmd_region_close)  # fmt: skip
    p.add_argument("region", metavar="ID", help="region id (provider:id when ambiguous)")
    p.add_argument("--date", required=True, metavar="DATE", help="the day service ended")
    p.add_argument("--announced", metavar="DATE", help="when the closure was announced")
    _edit_options(p)

    p = _command(actions, "add-zone", "add a zone to a region",
                 "cloudmap region add-zone alibaba-cloud:ap-southeast-7 --zone ap-southeast-7c --opened "
                 "2026-01 --source https://example.com/bangkok", c.cmd_region_add_zone)  # fmt: skip
    p.add_argument("region", metavar="ID", help="region id (provider:id when ambiguous)")
    p.add_argument("--zone", required=True, metavar="ZONE", help="zone id or suffix (c)")
    p.add_argument("--opened", metavar="DATE", help="opening date (default: null, unknown)")
    p.add_argument("--notes", metavar="TEXT", help="free text (unknowns, caveats)")
    _edit_options(p)


def build_parser() -> argparse.ArgumentParser:
    from cloudmap import __version__

    parser = argparse.ArgumentParser(
        prog="cloudmap",
        formatter_class=_Formatter,
        description="A sourced, time-aware open map of cloud providers' physical footprint.",
        epilog="Example:\n  cloudmap build            # writes site/index.html and site/data/",
    )
    parser.add_argument("--version", action="version", version=f"cloudmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _read_commands(sub)
    _file_commands(sub)
    _edit_commands(sub)
    return parser
