"""The drift commands (`announce draft`, `check-docs`, `check-registry`, `watch`): their grammar,
and handlers that load, make one library call and format the answer. Everything printed that
comes from outside (an article, a page, a package) goes through cloudmap.outside.terminal_safe."""

from __future__ import annotations

__all__ = ["add_draft_command", "add_drift_commands"]

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cloudmap.errors import CloudmapError
from cloudmap.outside import terminal_safe

if TYPE_CHECKING:
    from cloudmap.intake.checkdocs import DocsCheck
    from cloudmap.intake.draft import Draft

EXIT_OK, EXIT_ERROR, EXIT_DRIFT = 0, 1, 3

Command = Callable[..., Any]


def _say(text: str, *, err: bool = False) -> None:
    """Print ``text`` with outside text made inert (see terminal_safe)."""
    print(terminal_safe(text), end="", file=sys.stderr if err else sys.stdout)


def _json(data: Any) -> None:
    _say(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _load(args: argparse.Namespace) -> Any:
    from cloudmap.project import load_project

    return load_project(args.root)


# --------------------------------------------------------------------------- announce draft


def add_draft_command(actions: Any, command: Command) -> None:
    """Register `announce draft` under the `announce` group (``command`` is the parser's helper
    that adds --root, the description and the example)."""
    p = command(
        actions,
        "draft",
        "read a news article about any provider (text, Markdown or "
        "HTML; in English, French, Spanish, Portuguese, Chinese, Japanese or Korean) and "
        "propose the catalog change: totals, sites, dates, investment, markets, and the "
        "commands that would record it",
        "cloudmap announce draft article.html --source https://example.com/news --json",
        cmd_announce_draft,
    )
    p.add_argument(
        "article", metavar="PATH|URL|-", help="the article: a file, a URL, or - for standard input"
    )
    p.add_argument("--source", metavar="URL", help="the article's URL (default: the URL read)")
    p.add_argument("--date", metavar="DATE", help="date to use when the article states none")
    p.add_argument(
        "--provider",
        metavar="ID",
        help="provider the article is about (default: "
        "the one its title or opening names, else alibaba-cloud); facts it gives "
        "about other providers are listed apart, never recorded",
    )
    p.add_argument(
        "--write",
        action="store_true",
        help="record the announcement (seeds/) "
        "after full validation; without it nothing is written",
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def proposal_text(d: Draft) -> str:
    """The proposal for people: what the article says, how it compares, what to run."""
    from cloudmap.countries import get_name

    ex = d.extraction
    lines = [
        f"Article ({ex.language}, {ex.date.isoformat() if ex.date else 'undated'}, about "
        f"{d.provider}): {d.title}"
    ]
    if ex.regions is not None or ex.zones is not None:
        what = "target" if ex.target else "totals"
        lines.append(
            f"  {what}: {ex.regions if ex.regions is not None else '?'} regions, "
            f"{ex.zones if ex.zones is not None else '?'} zones"
        )
    for s in ex.sites:
        place = f"{s.city}, " if s.city else ""
        lines.append(f"  site: {place}{get_name(s.country, s.country)} ({s.country}): {s.event}")
    for inv in ex.investment:
        conv = "".join(f" (~{x.to_json()['amount']:,} {x.currency})" for x in inv.converted)
        lines.append(f"  investment: {inv.to_json()['amount']:,} {inv.currency}{conv}")
    if ex.markets:
        lines.append("  markets: " + ", ".join(ex.markets))
    for o in ex.others:
        bits = []
        if o.regions is not None or o.zones is not None:
            bits.append(
                f"{o.regions if o.regions is not None else '?'} regions, "
                f"{o.zones if o.zones is not None else '?'} zones"
            )
        bits += [f"{s.city + ', ' if s.city else ''}{s.country} {s.event}" for s in o.sites]
        lines.append(f"  about {o.provider} (not recorded): " + "; ".join(bits))
    rec = d.reconcile
    if rec.checks:
        parts = ", ".join(
            f"{x.what} claimed {x.claimed}, catalog {x.catalog}"
            + (f" ({x.difference:+d})" if x.difference else "")
            for x in rec.checks
        )
        as_of = rec.as_of.isoformat() if rec.as_of else "?"
        lines.append(f"Against the catalog on {as_of}: {rec.result.upper()}: {parts}")
        if rec.result == "target":
            lines.append("  (a goal, not a count: recorded as a target and not compared)")
        lines += [f"  could explain it: {x}" for x in rec.candidates]
    lines.append("To record it (review, fill the <...> parts, then run):")
    lines += [f"  {cmd}" for cmd in d.commands]
    return "\n".join(lines) + "\n"


def cmd_announce_draft(args: argparse.Namespace) -> int:
    """Read, draft, print; with --write, record the announcement (validated, atomic)."""
    from cloudmap.intake.draft import draft, read_source

    root = None
    if args.write:
        from cloudmap.cli.commands import edit_root

        root = edit_root(args)
    project = _load(args)
    fallback = None
    if args.date:
        try:
            fallback = dt.date.fromisoformat(args.date)
        except ValueError:
            raise CloudmapError(f"--date {args.date}: not a date; write YYYY-MM-DD") from None
    article = read_source(args.article)
    source = args.source or (args.article if args.article.startswith("http") else None)
    d = draft(
        project.catalog,
        article,
        provider=args.provider,
        source=source,
        fallback_date=fallback,
        name=args.article,
    )
    if args.json:
        _json(d.to_json())
    else:
        _say(proposal_text(d))
    if not args.write:
        return EXIT_OK
    if d.announce is None:
        raise CloudmapError("the article states no date: pass --date YYYY-MM-DD to record it")
    if not source:
        raise CloudmapError("--write needs the article's URL: pass --source URL")
    from cloudmap.edit import add_announcement

    assert root is not None
    for line in add_announcement(root, **d.announce):
        _say(line + "\n", err=args.json)
    return EXIT_OK


# --------------------------------------------------------------------------- check-docs


def docs_text(r: DocsCheck) -> str:
    """check-docs for people: what differs, and the commands that would fix it."""
    lines = [
        f"{r.source}: {r.page_regions} regions, {r.page_zones} zones on the page "
        f"({r.provider}); catalog as of {r.as_of.isoformat()}"
    ]
    for item in r.missing_in_catalog:
        lines.append(f"  on the page, not in the catalog: region {item.region} ({item.name})")
    for z in r.zones_missing_in_catalog:
        lines.append(f"  on the page, not in the catalog: zone {z.zone} of {z.region}")
    for m in r.missing_on_page:
        lines.append(f"  in the catalog ({m.status}, {m.kind}), not on the page: region {m.region}")
    for z in r.zones_not_on_page:
        lines.append(f"  in the catalog, not on the page: zone {z.zone} of {z.region}")
    for lab in r.labels_disagree:
        label = f" ({lab.label})" if lab.label else ""
        lines.append(
            f"  status differs: {lab.region}: page says {lab.page}{label}, catalog says "
            f"{lab.catalog}"
        )
    for u in r.unknown_labels:
        lines.append(
            f"  unknown label on the page: {u.region}: {u.label!r} (not read as any "
            "status; check the page)"
        )
    if len(lines) == 1:
        lines.append("  the catalog agrees with the page")
    if r.commands:
        lines.append("To fix the catalog (review, fill the <...> parts, then run):")
        lines += [f"  {c}" for c in r.commands]
    return "\n".join(lines) + "\n"


def cmd_check_docs(args: argparse.Namespace) -> int:
    from cloudmap.intake.checkdocs import check_docs_page

    project = _load(args)
    r = check_docs_page(
        project.catalog,
        args.page,
        provider=args.provider,
        on=project.default_date,
        partial=args.partial,
    )
    if args.json:
        _json(r.to_json())
    else:
        _say(docs_text(r))
    return EXIT_DRIFT if r.drift else EXIT_OK


# --------------------------------------------------------------------------- registration


def add_drift_commands(sub: Any, command: Command) -> None:
    """Register check-docs, check-registry and watch (``command``: the parser's helper)."""
    p = command(
        sub,
        "check-docs",
        "compare the catalog with a provider's official region table "
        "(Alibaba's endpoint and region tables of any product, in English, Chinese or "
        "Japanese; the region pages of AWS, Azure, Google Cloud, Huawei Cloud and Tencent "
        "Cloud): ids missing on either side and lifecycle labels that disagree. Exit codes: "
        "0 the page agrees, 3 differences found, 1 error",
        "cloudmap check-docs ecs-regions-zones.html",
        cmd_check_docs,
    )
    p.add_argument("page", metavar="PATH|URL", help="a saved copy of the page (HTML), or its URL")
    p.add_argument(
        "--provider",
        metavar="NAME",
        help="provider the page documents (default: the one whose region ids the page lists)",
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="the page shows only some regions: do not list catalog regions missing from it",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command(
        sub,
        "check-registry",
        "compare the catalog with each provider's machine-readable "
        "region list in registry packages (botocore's endpoints.json and partitions.json, "
        "the Azure CLI's region table, Google's, Huawei's and Tencent's SDK tables, the "
        "Alibaba Cloud SDK core's endpoint data): ids added, launched, removed or renamed, "
        "with the package version and release date as 'no later than' evidence and the "
        "commands that would record each change. Exit codes: 0 no drift, 3 drift found, "
        "1 error",
        "cloudmap check-registry --provider aws",
        cmd_check_registry,
    )
    p.add_argument(
        "--provider",
        metavar="NAME|all",
        default="all",
        help="one provider, a comma-separated list, or all (default)",
    )
    p.add_argument(
        "--latest",
        action="store_true",
        help="download the newest releases with pip "
        "into a temporary folder (never installing them) and read those; the pinned "
        "installed versions are the base they are compared with",
    )
    p.add_argument(
        "--packages",
        metavar="DIR",
        help="read the packages from the wheels in DIR "
        "(e.g. downloaded elsewhere) instead of the installed ones",
    )
    p.add_argument(
        "--base",
        metavar="DIR",
        help="also report what the packages read added or "
        "removed since the wheels in DIR (an earlier release)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    add_watch_command(sub, command)


def _providers(text: str) -> list[str] | None:
    wanted = [p.strip() for p in text.split(",") if p.strip()]
    return None if not wanted or wanted == ["all"] else wanted


def registry_text(r: Any) -> str:
    """check-registry for people: per provider, what was read, each change with its evidence and
    command, and what changed since the base."""
    lines = [f"Registry tables ({r.origin}) against the catalog as of {r.as_of.isoformat()}"]
    for p in r.providers:
        read = ", ".join(
            f"{t.dist} {t.version} ({_when(t.released, t.released_from)})" for t in p.tables
        )
        lines.append(f"{p.provider}: {read}")
        if p.staleness:
            lines.append(f"  stale table: {p.staleness}")
        for c in p.changes:
            ev = c.evidence
            bound = f"no later than {ev.released.isoformat()}" if ev.released else "date unknown"
            lines.append(f"  {c.kind}: {c.detail} [{bound}: {ev.dist} {ev.version}]")
            if c.command:
                lines.append(f"    {c.command}")
            elif c.kind == "renamed":
                lines.append(
                    f"    rename {c.old} to {c.region} by hand in data/{c.provider}.yaml, "
                    "then run cloudmap validate"
                )
        if not p.changes:
            lines.append("  no drift")
        if p.since_base is not None:
            d = p.since_base
            parts = [
                f"added {', '.join(x.id for x in d.added)}" if d.added else "",
                f"removed {', '.join(x.id for x in d.removed)}" if d.removed else "",
                f"renamed {', '.join(f'{a} -> {b}' for a, b in d.renamed)}" if d.renamed else "",
            ]
            said = "; ".join(x for x in parts if x) or "no change"
            lines.append(f"  since {', '.join(d.base)}: {said}")
    if not r.providers:
        lines.append("  no provider's packages found among those read")
    return "\n".join(lines) + "\n"


def _when(released: dt.date | None, why: str) -> str:
    return f"{released.isoformat()}, {why}" if released else f"release date {why}"


def _registry(args: argparse.Namespace, project: Any, tmp: Any) -> Any:
    """The registry report for check-registry and watch (``tmp``: a folder for downloads)."""
    from pathlib import Path

    from cloudmap.registry import check_registry, download_latest, wheels_in
    from cloudmap.registry.tables import SOURCES

    providers = _providers(getattr(args, "provider", "all") or "all")
    packages = base = None
    origin = "installed"
    if args.packages:
        packages, origin = wheels_in(Path(args.packages)), args.packages
    if getattr(args, "base", None):
        base = wheels_in(Path(args.base))
    if args.latest:
        wanted = [
            s.dist for p in (providers or sorted(SOURCES)) if p in SOURCES for s in SOURCES[p]
        ]
        packages, origin = download_latest(wanted, Path(tmp)), "latest"
        if base is None:
            base = _installed_base(wanted)
    return check_registry(
        project.catalog,
        providers=providers,
        packages=packages,
        base=base,
        origin=origin,
        lookup_dates=True,
    )


def _installed_base(dists: list[str]) -> dict[str, Any]:
    from cloudmap.errors import CloudmapError as _E
    from cloudmap.registry.packages import installed

    out = {}
    for d in dists:
        try:
            pkg = installed(d)
        except _E:
            continue
        out[d.replace("-", "_").replace(".", "_").lower()] = pkg
    return out


def cmd_check_registry(args: argparse.Namespace) -> int:
    import tempfile

    project = _load(args)
    with tempfile.TemporaryDirectory(prefix="cloudmap-registry-") as tmp:
        report = _registry(args, project, tmp)
    if args.json:
        _json(report.to_json())
    else:
        _say(registry_text(report))
    return EXIT_DRIFT if report.drift else EXIT_OK


def add_watch_command(sub: Any, command: Command) -> None:
    p = command(
        sub,
        "watch",
        "one drift report: the registry check, check-docs over a folder "
        "of saved pages and announce draft over a folder of saved articles, ranked by what "
        "changes a headline total first; Markdown for people (default), JSON for machines. "
        "Exit codes: 0 no drift, 3 drift found, 1 error (an input could not be read, or "
        "no network with --latest)",
        "cloudmap watch --pages saved/pages --articles saved/articles",
        cmd_watch,
    )
    p.add_argument(
        "--pages",
        metavar="DIR",
        help="saved docs pages (*.html; a page named *.partial.html lists only some regions)",
    )
    p.add_argument("--articles", metavar="DIR", help="saved news articles (*.txt, *.md, *.html)")
    p.add_argument(
        "--provider",
        metavar="NAME|all",
        default="all",
        help="providers whose registry tables to check (default: all)",
    )
    p.add_argument(
        "--latest",
        action="store_true",
        help="check the newest releases of the "
        "registry packages (downloaded with pip into a temporary folder) against the "
        "pinned ones and the catalog",
    )
    p.add_argument(
        "--packages",
        metavar="DIR",
        help="read the registry packages from the wheels in DIR instead of the installed ones",
    )
    p.add_argument("--no-registry", action="store_true", help="skip the registry check")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")


def cmd_watch(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from cloudmap.watch import watch

    project = _load(args)
    with tempfile.TemporaryDirectory(prefix="cloudmap-watch-") as tmp:
        registry = None if args.no_registry else (lambda: _registry(args, project, tmp))
        report = watch(
            project.catalog,
            registry=registry,
            pages=Path(args.pages) if args.pages else None,
            articles=Path(args.articles) if args.articles else None,
        )
    if args.json:
        _json(report.to_json())
    else:
        _say(report.to_markdown())
    if report.errors:
        return EXIT_ERROR
    return EXIT_DRIFT if report.drift else EXIT_OK
