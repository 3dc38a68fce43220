"""The command line: parse arguments, call one library function, report errors as exit codes."""

from __future__ import annotations

__all__ = ["main"]

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cloudmap.errors import CloudmapError, ValidationError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


# --------------------------------------------------------------------------- helpers


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _on(args: argparse.Namespace, catalog: Any) -> dt.date:
    """--as-of, else the catalog's review date (never the clock: outputs stay reproducible)."""
    return args.as_of or catalog.default_as_of


def _dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False)


def _root(args: argparse.Namespace) -> Path:
    from cloudmap.paths import resolve_root

    return resolve_root(args.root)


def _load(args: argparse.Namespace, *, full: bool = False) -> Any:
    """Load the catalog; ``full`` adds the gazetteer and spatial checks of ``cloudmap validate``."""
    from cloudmap.validate import load_validated

    return load_validated(_root(args), full=full)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


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


# --------------------------------------------------------------------------- validate


def cmd_validate(args: argparse.Namespace) -> int:
    catalog = _load(args, full=True)
    n_zones = sum(len(r.zones) for r in catalog.regions)
    print(
        f"OK: {len(catalog.regions)} regions, {n_zones} zones, {len(catalog.sites)} announced "
        f"sites, {len(catalog.announcements)} announcements; no problems found"
    )
    return EXIT_OK


# --------------------------------------------------------------------------- stats


def cmd_stats(args: argparse.Namespace) -> int:
    from cloudmap.analysis import stats

    catalog = _load(args)
    on = _on(args, catalog)
    data = stats(catalog, on)
    _add_market_stats(args, catalog, on, data)
    if args.json:
        print(_dump_json(data))
        return EXIT_OK
    print(
        f"As of {data['as_of']}: {data['regions']} regions, {data['zones']} zones, "
        f"{data['countries']} countries (counting rules: data/<provider>.yaml)"
    )
    print("\nBy country:")
    for cc, v in data["by_country"].items():
        print(f"  {cc}  {v['regions']:3d} regions {v['zones']:4d} zones")
    print("\nBy kind (all live regions, counted or not):")
    for kind, v in data["by_kind"].items():
        print(f"  {kind:15s} {v['regions']:3d} regions {v['zones']:4d} zones")
    if data.get("markets"):
        print("\nBy market:")
        for m in data["markets"]:
            print(
                f"  {m['name']:15s} {m['countries_targeted']:3d} countries targeted, "
                f"{m['countries_hosting']:3d} hosting, {m['live_zones']:4d} live zones"
            )
    return EXIT_OK


def _add_market_stats(args: argparse.Namespace, catalog: Any, on: dt.date, data: dict) -> None:
    from cloudmap.world import market_stats

    data["markets"] = [
        {
            k: m[k]
            for k in (
                "name",
                "countries_targeted",
                "countries_hosting",
                "live_regions",
                "live_zones",
            )
        }
        for m in market_stats(catalog, on, _root(args))
    ]


# --------------------------------------------------------------------------- reconcile


def cmd_reconcile(args: argparse.Namespace) -> int:
    from cloudmap.analysis import reconcile

    rows = reconcile(_load(args))
    if args.json:
        print(_dump_json(rows))
        return EXIT_OK
    for row in rows:
        parts = ", ".join(
            f"{c['what']} claimed {c['claimed']}, catalog {c['catalog']}"
            + (f" ({c['difference']:+d})" if c["difference"] else "")
            for c in row["checks"]
        )
        print(f"{row['announcement']} (as of {row['as_of']}): {row['result'].upper()}: {parts}")
        if row["result"] != "match":
            if row.get("note"):
                print(f"  why: {row['note']}")
            for ev in row.get("nearby_events", []):
                print(f"  nearby dated event: {ev}")
    return EXIT_OK


# --------------------------------------------------------------------------- export


def _formats(text: str) -> tuple[str, ...]:
    from cloudmap.export import FORMATS

    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    for f in wanted or [text]:
        if f not in FORMATS:
            raise argparse.ArgumentTypeError(
                f"{f!r} is not an export format; choose from {', '.join(FORMATS)}"
            )
    return tuple(wanted)


def cmd_export(args: argparse.Namespace) -> int:
    from cloudmap.export import write_exports

    catalog = _load(args)
    on = _on(args, catalog)
    paths = write_exports(catalog, on=on, out=args.out, root=_root(args), formats=args.format)
    print(f"Wrote {len(paths)} files to {args.out} (as of {on.isoformat()}):")
    for path in paths:
        print(f"  {path.name}")
    return EXIT_OK


# --------------------------------------------------------------------------- coverage

_COMPARE_COLUMNS = [
    "iso_a2",
    "name",
    "nearest_region_from",
    "nearest_region_to",
    "rtt_est_ms_from",
    "rtt_est_ms_to",
    "delta_ms",
    "share_50ms_from",
    "share_50ms_to",
]


def cmd_coverage(args: argparse.Namespace) -> int:
    from cloudmap import coverage
    from cloudmap.world import load_markets

    catalog = _load(args)
    countries = [args.country] if args.country else None
    markets = None
    if args.market:
        known = load_markets(_root(args))
        if args.market not in known:
            names = ", ".join(sorted(known))
            raise CloudmapError(f"unknown market {args.market!r}; known markets: {names}")
        markets = {args.market: known[args.market]}
    if args.compare:
        d1, d2 = args.compare
        df = coverage.compare(
            catalog,
            d1,
            d2,
            markets=markets,
            countries=countries,
            changed_only=not (countries or markets),
        )
        if not (args.json or args.csv):
            keep = [
                c for c in (["market"] if markets else []) + _COMPARE_COLUMNS if c in df.columns
            ]
            df = df[keep]
    elif markets:
        df = coverage.market_coverage(catalog, _on(args, catalog), markets)
    else:
        df = coverage.country_coverage(catalog, _on(args, catalog), countries=countries)
    if args.json:
        print(_dump_json({**df.attrs, "rtt": coverage.RTT_NOTE, "rows": coverage.records(df)}))
    elif args.csv:
        print(df.to_csv(index=False, lineterminator="\n"), end="")
    else:
        print(coverage.format_text(df), end="")
    return EXIT_OK


# --------------------------------------------------------------------------- edits and diffs


def _edit_root(args: argparse.Namespace) -> Path:
    """The project folder an edit changes (never the packaged snapshot)."""
    from cloudmap.paths import resolve_root, snapshot_root

    root = resolve_root(args.root)
    if root == snapshot_root():
        raise CloudmapError("no project folder to change: run inside one (with data/, seeds/, "
                            "geo/) or pass --root DIR")  # fmt: skip
    return root


def _done(lines: list[str]) -> int:
    for line in lines:
        print(line)
    return EXIT_OK


def cmd_announce_add(args: argparse.Namespace) -> int:
    from cloudmap.edit import add_announcement

    return _done(add_announcement(
        _edit_root(args), date=args.date, title=args.title, source=args.source,
        supports=args.supports, summary=args.summary, publisher=args.publisher,
        claims=args.claim, markets=args.market, sites=args.site, id=args.id,
        provider=args.provider,
    ))  # fmt: skip


def cmd_region_add(args: argparse.Namespace) -> int:
    from cloudmap.edit import add_region

    return _done(add_region(
        _edit_root(args), id=args.id, name=args.name, city=args.city, country=args.country,
        lat=args.lat, lon=args.lon, launched=args.launched, announced=args.announced,
        zones=args.zones, source=args.source, supports=args.supports,
        location_source=args.location_source, announcements=args.announcement, kind=args.kind,
        precision=args.precision, provider=args.provider, site=args.site, notes=args.notes,
    ))  # fmt: skip


def cmd_region_update(args: argparse.Namespace) -> int:
    from cloudmap.edit import update_region

    return _done(update_region(
        _edit_root(args), args.region, source=args.source, supports=args.supports,
        name=args.name, city=args.city, country=args.country, kind=args.kind, lat=args.lat,
        lon=args.lon, precision=args.precision, location_source=args.location_source,
        announced=args.announced, launched=args.launched,
        closure_announced=args.closure_announced, closed=args.closed, notes=args.notes,
        announcements=args.announcement,
    ))  # fmt: skip


def cmd_region_close(args: argparse.Namespace) -> int:
    from cloudmap.edit import close_region

    return _done(close_region(
        _edit_root(args), args.region, date=args.date, source=args.source,
        announced=args.announced, supports=args.supports, announcements=args.announcement,
    ))  # fmt: skip


def cmd_region_add_zone(args: argparse.Namespace) -> int:
    from cloudmap.edit import add_zone

    return _done(add_zone(
        _edit_root(args), args.region, zone=args.zone, opened=args.opened, source=args.source,
        supports=args.supports, notes=args.notes, announcements=args.announcement,
    ))  # fmt: skip


def cmd_diff(args: argparse.Namespace) -> int:
    from cloudmap.catalog import load_catalog
    from cloudmap.diff import diff, format_text

    root = _root(args)
    end = args.end or load_catalog(root).default_as_of
    report = diff(root, start=args.start, end=end, base=args.base)
    if args.json:
        print(_dump_json(report))
    else:
        print(format_text(report), end="")
    return EXIT_OK


def _edit_options(p: argparse.ArgumentParser, *, announcement: bool = True) -> None:
    p.add_argument("--source", required=True, metavar="URL", help="where the change is stated")
    p.add_argument(
        "--supports",
        metavar="TEXT",
        help="what the source supports (default: describes what was given)",
    )
    if announcement:
        p.add_argument(
            "--announcement",
            action="append",
            default=[],
            metavar="ID",
            help="id of a seeds/ record reporting it (repeatable)",
        )


# --------------------------------------------------------------------------- geo


def cmd_geo_rebuild(args: argparse.Namespace) -> int:
    from cloudmap.geobuild import rebuild, source_scale

    # The source's sha256 picks the scale: geo/countries-50m.geojson or geo/countries-10m.geojson
    name = f"geo/{source_scale(Path(args.source))[0].output_name}"
    info = rebuild(Path(args.source), _root(args) / name)
    print(f"Wrote {name}: {info['features']} features, sha256 {info['sha256']}")
    return EXIT_OK


# --------------------------------------------------------------------------- build, snapshot


def cmd_build(args: argparse.Namespace) -> int:
    from cloudmap.site import build_site

    index = build_site(_root(args), on=args.as_of, out=Path(args.out),
                       self_contained=args.self_contained)
    size = index.stat().st_size
    # The date the build used (--as-of, or the catalog's own), as recorded in its exports.
    on = json.loads((index.parent / "data" / "regions.geojson").read_text("utf-8"))["as_of"]
    print(
        f"Wrote {index} ({size / 1e6:.2f} MB, as of {on}"
        f"{', self-contained' if args.self_contained else ''}) and {index.parent / 'data'}/"
    )
    return EXIT_OK


def cmd_snapshot(args: argparse.Namespace) -> int:
    from cloudmap.site import snapshot

    on = args.as_of or _load(args).default_as_of
    out = snapshot(_root(args), on=on, out=Path(args.out))
    print(f"Wrote {out} (map as of {on.isoformat()})")
    return EXIT_OK


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cloudmap",
        formatter_class=_Formatter,
        description="A sourced, time-aware open map of cloud providers' physical footprint.",
        epilog="Example:\n  cloudmap build            # writes site/index.html and site/data/",
    )
    from cloudmap import __version__

    parser.add_argument("--version", action="version", version=f"cloudmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    _command(
        sub,
        "validate",
        "check data/ and seeds/ (schema, ISO codes, dates, places) and report "
        "every problem as file:line: id: field: message",
        "cloudmap validate --root .",
        cmd_validate,
    )

    p = _command(
        sub,
        "stats",
        "live regions, zones and countries as of a date",
        "cloudmap stats --as-of 2025-05-15 --json",
        cmd_stats,
    )
    p.add_argument("--as-of", type=_date, metavar="DATE", help="date (YYYY-MM-DD; default: the catalog's review date)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = _command(
        sub,
        "reconcile",
        "compare each announcement's headline totals with the catalog",
        "cloudmap reconcile --json",
        cmd_reconcile,
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = _command(
        sub,
        "export",
        "write the map layers as of a date as GeoJSON, GeoPackage, CSV and KML for GIS tools "
        "(schema: docs/exports.md)",
        "cloudmap export --format geojson,gpkg --as-of 2025-05-15 --out exports",
        cmd_export,
    )
    p.add_argument(
        "--format",
        type=_formats,
        default=("geojson", "gpkg", "csv", "kml"),
        metavar="LIST",
        help="comma-separated formats from geojson, gpkg, csv, kml (default: all)",
    )
    p.add_argument("--as-of", type=_date, metavar="DATE", help="date (YYYY-MM-DD; default: the catalog's review date)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("site/data"),
        metavar="DIR",
        help="folder to write into (default: site/data)",
    )

    p = _command(
        sub,
        "coverage",
        "distance and estimated round-trip time from every country or "
        "market to the nearest live region (RTT estimated from distance)",
        "cloudmap coverage --market Americas --compare 2024-06-30 2025-05-15",
        cmd_coverage,
    )
    p.add_argument("--as-of", type=_date, metavar="DATE", help="date (YYYY-MM-DD; default: the catalog's review date)")
    p.add_argument("--market", metavar="NAME", help="one expansion market (data/markets.yaml)")
    p.add_argument("--country", metavar="CC", help="one country (ISO 3166-1 alpha-2)")
    p.add_argument(
        "--compare",
        nargs=2,
        type=_date,
        metavar=("DATE1", "DATE2"),
        help="the change between two dates",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV")

    # Edits of data/ and seeds/ (cloudmap.edit): comments and order kept, whole catalog validated
    # before anything is written. Dates take the catalog grammar (2025-02-19, 2025-02, <=2025).
    from cloudmap.schema import KINDS, PRECISIONS

    group = sub.add_parser(
        "announce", help="record announcements in seeds/ (see docs/keeping-current.md)",
        description="record announcements in seeds/ (see docs/keeping-current.md)",
        formatter_class=_Formatter,
        epilog="Example:\n  cloudmap announce add --date 2025-09-24 --title 'Apsara Conference "
        "2025' --source URL --site BR --site FR",
    )  # fmt: skip
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = _command(actions, "add", "record an announcement as seeds/<id>.yaml; each --site also "
                 "adds an announced site to data/<provider>.yaml",
                 "cloudmap announce add --date 2025-09-24 --title 'Apsara Conference 2025' "
                 "--source https://example.com/apsara --claim regions=29 --claim zones=91 "
                 "--market Europe --site BR --site FR:Paris", cmd_announce_add)  # fmt: skip
    p.add_argument("--date", required=True, metavar="DATE", help="date of the announcement")
    p.add_argument("--title", required=True, metavar="TEXT", help="short title")
    _edit_options(p, announcement=False)
    p.add_argument("--summary", metavar="TEXT", help="summary in our own words (default: title)")
    p.add_argument("--publisher", metavar="TEXT", help="who published it")
    p.add_argument(
        "--claim",
        action="append",
        default=[],
        metavar="KEY=N",
        help="headline total claimed: regions=N, zones=N or countries=N (repeatable)",
    )
    p.add_argument(
        "--market",
        action="append",
        default=[],
        metavar="NAME",
        help="expansion market named (data/markets.yaml; repeatable)",
    )
    p.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="CC[:CITY]",
        help="an announced site, e.g. BR or JP:Tokyo (repeatable)",
    )
    p.add_argument("--id", metavar="ID", help="record id (default: <date>-<slug of title>)")
    p.add_argument("--provider", metavar="ID", help="provider (needed if data/ has several)")

    group = sub.add_parser(
        "region", help="add, update or close a region, or add a zone, in data/<provider>.yaml",
        description="add, update or close a region, or add a zone, in data/<provider>.yaml",
        formatter_class=_Formatter,
        epilog="Example:\n  cloudmap region close ap-southeast-2 --date 2024-10-01 --source URL",
    )  # fmt: skip
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = _command(actions, "add", "append a region to data/<provider>.yaml",
                 "cloudmap region add --id na-south-2 --name 'Mexico (Monterrey)' --city "
                 "Monterrey --country MX --lat 25.6751 --lon -100.3185 --launched 2026-09-01 "
                 "--zones a,b --source https://example.com/monterrey", cmd_region_add)  # fmt: skip
    p.add_argument("--id", required=True, metavar="ID", help="the provider's region id")
    p.add_argument("--name", required=True, metavar="TEXT", help="official English name")
    p.add_argument("--city", required=True, metavar="TEXT", help="city (GeoNames spelling)")
    p.add_argument("--country", required=True, metavar="CC", help="ISO 3166-1 alpha-2 code")
    p.add_argument("--lat", required=True, type=float, metavar="LAT", help="WGS84 latitude")
    p.add_argument("--lon", required=True, type=float, metavar="LON", help="WGS84 longitude")
    p.add_argument("--launched", metavar="DATE", help="launch date")
    p.add_argument("--announced", metavar="DATE", help="announcement date")
    p.add_argument(
        "--zones",
        action="append",
        default=[],
        metavar="LIST",
        help="zone ids or suffixes, comma-separated (they open with the region)",
    )
    _edit_options(p)
    p.add_argument(
        "--location-source",
        metavar="TEXT",
        help="source of the coordinates (default: the --source URL)",
    )
    p.add_argument("--kind", choices=KINDS, default="region", help="default: region")
    p.add_argument("--precision", choices=PRECISIONS, default="metro", help="default: metro")
    p.add_argument("--provider", metavar="ID", help="provider (needed if data/ has several)")
    p.add_argument("--site", metavar="ID", help="announced site that became this region")
    p.add_argument("--notes", metavar="TEXT", help="free text (unknowns, caveats)")

    p = _command(actions, "update", "change fields of a region and cite the source",
                 "cloudmap region update na-south-1 --name 'Mexico (Querétaro)' --source "
                 "https://example.com/regions", cmd_region_update)  # fmt: skip
    p.add_argument("region", metavar="ID", help="region id")
    for opt in ("name", "city", "country", "notes"):
        p.add_argument(f"--{opt}", metavar="TEXT")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--lat", type=float, metavar="LAT")
    p.add_argument("--lon", type=float, metavar="LON")
    p.add_argument("--precision", choices=PRECISIONS)
    p.add_argument(
        "--location-source",
        metavar="TEXT",
        help="source of the coordinates (default with --lat/--lon: the --source URL)",
    )
    for opt in ("announced", "launched", "closure-announced", "closed"):
        p.add_argument(f"--{opt}", metavar="DATE", help="a date, or null to clear it")
    _edit_options(p)

    p = _command(actions, "close", "record a region's closure (its zones close with it)",
                 "cloudmap region close ap-southeast-2 --date 2024-10-01 --announced 2024-06 "
                 "--source https://example.com/closure", cmd_region_close)  # fmt: skip
    p.add_argument("region", metavar="ID", help="region id")
    p.add_argument("--date", required=True, metavar="DATE", help="the day service ended")
    p.add_argument("--announced", metavar="DATE", help="when the closure was announced")
    _edit_options(p)

    p = _command(actions, "add-zone", "add a zone to a region",
                 "cloudmap region add-zone ap-southeast-7 --zone ap-southeast-7c --opened "
                 "2026-01 --source https://example.com/bangkok", cmd_region_add_zone)  # fmt: skip
    p.add_argument("region", metavar="ID", help="region id")
    p.add_argument("--zone", required=True, metavar="ZONE", help="zone id or suffix (c)")
    p.add_argument("--opened", metavar="DATE", help="opening date (default: null, unknown)")
    p.add_argument("--notes", metavar="TEXT", help="free text (unknowns, caveats)")
    _edit_options(p)

    p = _command(sub, "diff", "what opened, closed, was announced or changed market coverage "
                 "between two dates, or against another version of the catalog",
                 "cloudmap diff --from 2024-06-30 --to 2025-05-15", cmd_diff)  # fmt: skip
    p.add_argument(
        "--from",
        dest="start",
        type=_date,
        metavar="DATE",
        help="first date (with --base: default --to)",
    )
    p.add_argument("--to", dest="end", type=_date, metavar="DATE", help="second date "
                   "(default: the catalog's review date)")  # fmt: skip
    p.add_argument("--base", metavar="REV|PATH", help="compare with a git revision of the "
                   "project folder, or another project folder, instead of this catalog")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")

    p = _command(
        sub,
        "geo",
        "rebuild geo/countries-50m.geojson or geo/countries-10m.geojson from world-atlas "
        "(see geo/PROVENANCE.md)",
        "cloudmap geo rebuild --source node_modules/world-atlas/countries-50m.json",
        cmd_geo_rebuild,
    )
    p.add_argument("action", choices=["rebuild"], help="what to do (rebuild)")
    p.add_argument(
        "--source",
        required=True,
        metavar="PATH",
        help="world-atlas@2.0.2's countries-50m.json or countries-10m.json (the output follows)",
    )

    p = _command(
        sub,
        "build",
        "write the map site: DIR/index.html (the interactive map) and DIR/data/ (GIS downloads)",
        "cloudmap build --as-of 2025-05-15 --out site",
        cmd_build,
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="date (YYYY-MM-DD; default: the catalog's review date, see docs/catalog-format.md)",
    )
    p.add_argument(
        "--out",
        default="site",
        metavar="DIR",
        help="output folder (default: site); replaced whole, only if an earlier build wrote it",
    )
    p.add_argument(
        "--self-contained",
        action="store_true",
        help="inline every JS/CSS asset "
        "(from node_modules/: run npm ci) and draw countries instead of web tiles, so "
        "index.html works offline",
    )

    p = _command(
        sub,
        "snapshot",
        "render a PNG of the map with headless Chromium (offline)",
        "cloudmap snapshot --out docs/map.png",
        cmd_snapshot,
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="date (YYYY-MM-DD; default: the catalog's review date)",
    )
    p.add_argument(
        "--out", default="site/map.png", metavar="PNG", help="output file (default: site/map.png)"
    )

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(
            f"Error: {n} problem{'s' if n != 1 else ''} found; nothing was written", file=sys.stderr
        )
        return EXIT_ERROR
    except CloudmapError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Error: interrupted; nothing was written", file=sys.stderr)
        return EXIT_ERROR
