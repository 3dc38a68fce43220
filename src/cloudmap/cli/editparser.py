"""The edit commands' grammar: announce add and draft, region add, update, close and add-zone
(they change data/ and seeds/, see docs/keeping-current.md)."""

from __future__ import annotations

__all__ = ["edit_commands"]

from typing import Any

from cloudmap.cli import commands as c
from cloudmap.cli import drift
from cloudmap.cli.options import Formatter, command, edit_options, number_arg


def edit_commands(sub: Any) -> None:
    from cloudmap.schema import KINDS, PRECISIONS

    group = sub.add_parser(
        "announce",
        help="record announcements in seeds/ (see docs/keeping-current.md)",
        description="record announcements in seeds/, or draft one from an article",
        formatter_class=Formatter,
        epilog="Example:\n  cloudmap announce draft article.html",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(
        actions,
        "add",
        "record an announcement as seeds/<id>.yaml; each --site also "
        "adds an announced site to data/<provider>.yaml",
        "cloudmap announce add --date 2025-09-24 --title 'Apsara Conference 2025' "
        "--source https://example.com/apsara --claim regions=29 --claim zones=91 "
        "--market Europe --site BR --site FR:Paris --provider alibaba-cloud",
        c.cmd_announce_add,
    )
    p.add_argument("--date", required=True, metavar="DATE", help="date of the announcement")
    p.add_argument("--title", required=True, metavar="TEXT", help="short title")
    edit_options(p, announcement=False)
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
        "--target",
        action="store_true",
        help="the claimed totals are a goal, not a count (reconcile reports them as a target)",
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
    p.add_argument(
        "--investment",
        action="append",
        default=[],
        metavar="AMOUNT:CUR",
        help="an investment figure, e.g. 380e9:CNY (repeatable)",
    )
    p.add_argument("--id", metavar="ID", help="record id (default: <date>-<slug of title>)")
    p.add_argument("--provider", metavar="ID", help="provider (needed if data/ has several)")

    drift.add_draft_command(actions, command)

    group = sub.add_parser(
        "region",
        help="add, update or close a region, or add a zone, in data/<provider>.yaml",
        description="add, update or close a region, or add a zone, in data/<provider>.yaml",
        formatter_class=Formatter,
        epilog="Example:\n  cloudmap region close ap-southeast-2 --date 2024-10-01 --source URL",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(
        actions,
        "add",
        "append a region to data/<provider>.yaml",
        "cloudmap region add --id na-south-2 --name 'Mexico (Monterrey)' --city "
        "Monterrey --country MX --lat 25.6751 --lon -100.3185 --launched 2026-09-01 "
        "--zones a,b --source https://example.com/monterrey --provider alibaba-cloud",
        c.cmd_region_add,
    )
    p.add_argument("--id", required=True, metavar="ID", help="the provider's region id")
    p.add_argument("--name", required=True, metavar="TEXT", help="official English name")
    p.add_argument("--city", required=True, metavar="TEXT", help="city (GeoNames spelling)")
    p.add_argument("--country", required=True, metavar="CC", help="ISO 3166-1 alpha-2 code")
    p.add_argument("--lat", required=True, type=number_arg, metavar="LAT", help="WGS84 latitude")
    p.add_argument("--lon", required=True, type=number_arg, metavar="LON", help="WGS84 longitude")
    p.add_argument("--launched", metavar="DATE", help="launch date")
    p.add_argument("--announced", metavar="DATE", help="announcement date")
    p.add_argument(
        "--zones",
        action="append",
        default=[],
        metavar="LIST",
        help="zone ids or suffixes, comma-separated (they open with the region)",
    )
    edit_options(p)
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

    p = command(
        actions,
        "update",
        "change fields of a region and cite the source",
        "cloudmap region update alibaba-cloud:na-south-1 --name 'Mexico (Querétaro)' --source "
        "https://example.com/regions",
        c.cmd_region_update,
    )
    p.add_argument("region", metavar="ID", help="region id (provider:id when ambiguous)")
    for opt in ("name", "city", "country", "notes"):
        p.add_argument(f"--{opt}", metavar="TEXT")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--lat", type=number_arg, metavar="LAT")
    p.add_argument("--lon", type=number_arg, metavar="LON")
    p.add_argument("--precision", choices=PRECISIONS)
    p.add_argument(
        "--location-source",
        metavar="TEXT",
        help="source of the coordinates (default with --lat/--lon: the --source URL)",
    )
    for opt in ("announced", "launched", "closure-announced", "closed"):
        p.add_argument(f"--{opt}", metavar="DATE", help="a date, or null to clear it")
    edit_options(p)

    p = command(
        actions,
        "close",
        "record a region's closure (its zones close with it)",
        "cloudmap region close alibaba-cloud:ap-northeast-2 --date 2026-06-30 --announced 2026-03 "
        "--source https://example.com/closure",
        c.cmd_region_close,
    )
    p.add_argument("region", metavar="ID", help="region id (provider:id when ambiguous)")
    p.add_argument("--date", required=True, metavar="DATE", help="the day service ended")
    p.add_argument("--announced", metavar="DATE", help="when the closure was announced")
    edit_options(p)

    p = command(
        actions,
        "add-zone",
        "add a zone to a region",
        "cloudmap region add-zone alibaba-cloud:ap-southeast-7 --zone ap-southeast-7c --opened "
        "2026-01 --source https://example.com/bangkok",
        c.cmd_region_add_zone,
    )
    p.add_argument("region", metavar="ID", help="region id (provider:id when ambiguous)")
    p.add_argument("--zone", required=True, metavar="ZONE", help="zone id or suffix (c)")
    p.add_argument("--opened", metavar="DATE", help="opening date (default: null, unknown)")
    p.add_argument("--notes", metavar="TEXT", help="free text (unknowns, caveats)")
    edit_options(p)
