"""The command line's grammar: every command with its options, help and an example."""

from __future__ import annotations

__all__ = ["build_parser"]

import argparse
from pathlib import Path
from typing import Any

from cloudmap.cli import commands as c
from cloudmap.cli import drift
from cloudmap.cli.editparser import edit_commands
from cloudmap.cli.options import (
    Formatter,
    as_of,
    command,
    date_arg,
    filters,
    formats_arg,
    milliseconds_arg,
    output,
    provider,
)


def _read_commands(sub: Any) -> None:
    command(
        sub,
        "validate",
        "check data/ and seeds/ (schema, ISO codes, dates, places) and "
        "report every problem as file:line: id: field: message",
        "cloudmap validate --root .",
        c.cmd_validate,
    )

    p = command(
        sub,
        "stats",
        "live regions, zones and countries as of a date",
        "cloudmap stats --as-of 2025-05-15 --json",
        c.cmd_stats,
    )
    as_of(p)
    provider(p, "providers whose figures to give: an id, a comma-separated list, or all")
    output(p)

    p = command(
        sub,
        "reconcile",
        "compare each announcement's headline totals with the catalog",
        "cloudmap reconcile --provider aws --json",
        c.cmd_reconcile,
    )
    provider(p, "providers whose announcements to check: an id, a list, or all")
    output(p)

    p = command(
        sub,
        "coverage",
        "distance and estimated round-trip time from every country or "
        "market to the nearest live region (RTT estimated from distance)",
        "cloudmap coverage --market Americas --compare 2024-06-30 2025-05-15",
        c.cmd_coverage,
    )
    as_of(p)
    p.add_argument("--market", metavar="NAME", help="one expansion market (data/markets.yaml)")
    p.add_argument("--country", metavar="CC", help="one country (ISO 3166-1 alpha-2)")
    p.add_argument(
        "--compare",
        nargs=2,
        type=date_arg,
        metavar=("DATE1", "DATE2"),
        help="the change between two dates",
    )
    provider(p, "measure from this provider's regions (several or all: the nearest of any)")
    filters(p)
    output(p, csv=True)

    p = command(
        sub,
        "compare",
        "providers side by side in a market or country: live regions, "
        "zones, countries covered, launches, announced sites, and the nearest region of "
        "each provider from each country (RTT estimated from distance)",
        "cloudmap compare --market 'Middle East'",
        c.cmd_compare,
    )
    as_of(p)
    p.add_argument("--market", metavar="NAME", help="an expansion market (data/markets.yaml)")
    p.add_argument("--country", metavar="CC", help="one country (ISO 3166-1 alpha-2)")
    provider(p)
    filters(p)
    output(p, csv=True)

    p = command(
        sub,
        "cleanest",
        "the cleanest live region of each provider within an "
        "estimated round-trip time of a place, by grid carbon (RTT estimated from "
        'distance; README, "Grid and jurisdiction")',
        "cloudmap cleanest --near 'Mexico City, MX' --within-ms 50",
        c.cmd_cleanest,
    )
    p.add_argument(
        "--near",
        required=True,
        metavar="PLACE",
        help="a city (NAME, CC as in 'Mexico City, MX') or LAT,LON",
    )
    p.add_argument(
        "--within-ms",
        required=True,
        type=milliseconds_arg,
        metavar="MS",
        help="the largest estimated round-trip time",
    )
    as_of(p)
    provider(p, "providers to compare (one: it and every other)")
    filters(p)
    output(p)

    p = command(
        sub,
        "diff",
        "what opened, closed, was announced or changed market coverage "
        "between two dates, or against another version of the catalog",
        "cloudmap diff --from 2024-06-30 --to 2025-05-15",
        c.cmd_diff,
    )
    p.add_argument(
        "--from",
        dest="start",
        type=date_arg,
        metavar="DATE",
        help="first date (with --base: default --to)",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=date_arg,
        metavar="DATE",
        help="second date (default: the catalog's review date)",
    )
    p.add_argument(
        "--base",
        metavar="REV|PATH",
        help="compare with a git revision of the "
        "project folder, or another project folder, instead of this catalog",
    )
    provider(p)
    output(p)

    drift.add_drift_commands(sub, command)


def _file_commands(sub: Any) -> None:
    p = command(
        sub,
        "export",
        "write the layers as of a date as GeoJSON, GeoPackage, CSV and "
        "KML for GIS tools (schema: docs/exports.md)",
        "cloudmap export --format geojson,gpkg --as-of 2025-05-15 --out exports",
        c.cmd_export,
    )
    p.add_argument(
        "--format",
        type=formats_arg,
        default=("geojson", "gpkg", "csv", "kml"),
        metavar="LIST",
        help="comma-separated formats from geojson, gpkg, csv, kml (default: all)",
    )
    as_of(p)
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder to write into (default: site/data of the project folder)",
    )
    provider(p)

    p = command(
        sub,
        "build",
        "write the map site: DIR/index.html (the interactive map), "
        "DIR/data/ (GIS downloads) and the changelog",
        "cloudmap build --as-of 2025-05-15 --out site",
        c.cmd_build,
    )
    as_of(p)
    p.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (default: site/ of the project "
        "folder); replaced whole, only if an earlier build wrote it",
    )
    p.add_argument(
        "--self-contained",
        action="store_true",
        help="inline every JS/CSS asset "
        "(from node_modules/: run npm ci) and draw countries instead of web tiles, so "
        "index.html works offline",
    )
    provider(
        p,
        "the providers the map opens on (the site carries every provider, and its "
        "downloads every provider's regions)",
    )

    p = command(
        sub,
        "snapshot",
        "render a PNG of the map with headless Chromium (offline; "
        "needs npm ci and Debian's chromium)",
        "cloudmap snapshot --out docs/map.png",
        c.cmd_snapshot,
    )
    as_of(p)
    p.add_argument(
        "--out", default="site/map.png", metavar="PNG", help="output file (default: site/map.png)"
    )
    p.add_argument("--phone", action="store_true", help="a phone-sized screen (390x844, touch)")
    p.add_argument(
        "--compare",
        metavar="MARKET",
        help='open the comparison panel on a market, e.g. "Middle East"',
    )
    provider(p, "the providers the map shows")

    p = command(
        sub,
        "geo",
        "rebuild geo/ from world-atlas, or the markets dissolved from it (see geo/PROVENANCE.md)",
        "cloudmap geo rebuild --source node_modules/world-atlas/countries-10m.json\n"
        "  cloudmap geo markets",
        c.cmd_geo_rebuild,
    )
    p.add_argument(
        "action",
        choices=["rebuild", "markets"],
        help="rebuild: a country file from world-atlas (needs --source); markets: "
        "geo/markets-10m.geojson.gz from the 1:10m countries and data/markets.yaml",
    )
    p.add_argument(
        "--source",
        metavar="PATH",
        help="world-atlas@2.0.2's countries-50m.json or countries-10m.json",
    )

    p = command(
        sub,
        "grid",
        "rebuild geo/grid-carbon.csv from the codecarbon package's grid "
        "data (see geo/GRID-PROVENANCE.md)",
        "cloudmap grid rebuild --source codecarbon-3.3.2-py3-none-any.whl",
        c.cmd_grid_rebuild,
    )
    p.add_argument("action", choices=["rebuild"], help="what to do (rebuild)")
    p.add_argument(
        "--source",
        metavar="PATH",
        help="codecarbon 3.3.2's wheel (pip download "
        "--no-deps codecarbon==3.3.2) or a folder holding codecarbon/data/ (default: "
        "the installed codecarbon)",
    )


def build_parser() -> argparse.ArgumentParser:
    from cloudmap import __version__

    parser = argparse.ArgumentParser(
        prog="cloudmap",
        formatter_class=Formatter,
        description="A sourced, time-aware open map of cloud providers' physical footprint.",
        epilog="Example:\n  cloudmap build            # writes site/index.html and site/data/",
    )
    parser.add_argument("--version", action="version", version=f"cloudmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _read_commands(sub)
    _file_commands(sub)
    edit_commands(sub)
    return parser
