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


def _today() -> dt.date:
    return dt.date.today()


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
    on = args.as_of or _today()
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
    return None


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
    p.add_argument("--as-of", type=_date, metavar="DATE", help="date (YYYY-MM-DD; default today)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = _command(
        sub,
        "reconcile",
        "compare each announcement's headline totals with the catalog",
        "cloudmap reconcile --json",
        cmd_reconcile,
    )
    p.add_argument("--json", action="store_true", help="print JSON")

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
