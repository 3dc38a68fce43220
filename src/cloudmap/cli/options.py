"""What the commands' grammars share: value types, the common options, and how a command is
declared (with its help and an example)."""

from __future__ import annotations

__all__ = [
    "Formatter",
    "as_of",
    "command",
    "date_arg",
    "edit_options",
    "filters",
    "formats_arg",
    "grams_arg",
    "milliseconds_arg",
    "number_arg",
    "output",
    "provider",
]

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any


class Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def date_arg(text: str) -> dt.date:
    from cloudmap.dates import parse_day

    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def number_arg(text: str) -> float:
    from cloudmap.reader import parse_number

    try:
        return parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; write decimal degrees, e.g. -100.3185") from None


def grams_arg(text: str) -> float:
    from cloudmap.reader import parse_number

    try:
        value = parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; write grams per kWh, e.g. 300") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: write grams per kWh, 0 or more")
    return value


def milliseconds_arg(text: str) -> float:
    from cloudmap.reader import parse_number

    try:
        value = parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; write milliseconds, e.g. 50") from None
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r}: write a round-trip time from 1 to 1000 ms")
    return value


def filters(p: Any) -> None:
    """The region filters of compare, coverage and cleanest (cloudmap.View.where)."""
    p.add_argument(
        "--max-carbon",
        type=grams_arg,
        metavar="G",
        help="only regions whose grid "
        "carbon (their country's, gCO2e/kWh, one dataset for all) is at most G",
    )
    p.add_argument(
        "--exclude-jurisdiction",
        action="append",
        default=[],
        metavar="CC",
        help="leave out regions whose operator or host falls under this country's "
        "law, and those whose operator is unknown (repeatable, or CC,CC)",
    )
    p.add_argument(
        "--partition",
        action="append",
        default=[],
        metavar="NAME",
        help="only regions in this partition: commercial, government, china, "
        "sovereign (repeatable)",
    )


def formats_arg(text: str) -> tuple[str, ...]:
    from cloudmap.export import FORMATS

    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    for f in wanted or [text]:
        if f not in FORMATS:
            raise argparse.ArgumentTypeError(
                f"{f!r} is not an export format; choose from {', '.join(FORMATS)}"
            )
    return tuple(wanted)


def command(sub: Any, name: str, help_: str, example: str, func: Callable[..., int]) -> Any:
    p = sub.add_parser(
        name,
        help=help_,
        description=help_,
        formatter_class=Formatter,
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


def as_of(p: Any) -> None:
    p.add_argument(
        "--as-of",
        type=date_arg,
        metavar="DATE",
        help="date (YYYY-MM-DD; default: the catalog's review date, never the clock)",
    )


def output(p: Any, *, csv: bool = False) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON")
    if csv:
        group.add_argument("--csv", action="store_true", help="print CSV")


def provider(
    p: Any, what: str = "providers to include: an id, a comma-separated list, or all"
) -> None:
    p.add_argument(
        "--provider",
        metavar="NAME",
        help=f"{what} (default: the lead provider, alibaba-cloud here; all for every provider)",
    )


def edit_options(p: Any, *, announcement: bool = True) -> None:
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
