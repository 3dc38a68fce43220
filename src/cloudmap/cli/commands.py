"""What each command does: load the project, make one library call, format the answer."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cloudmap.errors import CloudmapError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def load(args: argparse.Namespace) -> Any:
    """The project of ``--root`` (or the current folder, or the packaged snapshot), validated
    with every check `cloudmap validate` runs: every command reads the same checked catalog."""
    from cloudmap.project import load_project

    project = load_project(args.root)
    provider = getattr(args, "provider", None)
    return project.select(provider) if provider else project


def _default_out(args: argparse.Namespace, project: Any, rel: str) -> Path:
    """``--out``, else ``rel`` inside ``--root`` when one is given, else ``rel`` here."""
    if args.out is not None:
        return Path(args.out)
    return (project.root / rel) if args.root else Path(rel)


def cmd_validate(args: argparse.Namespace) -> int:
    project = load(args)
    c = project.catalog
    n_zones = sum(len(r.zones) for r in c.regions)
    providers = f"{len(c.providers)} provider{'s' if len(c.providers) != 1 else ''}, "
    print(
        f"OK: {providers if len(c.providers) > 1 else ''}{len(c.regions)} regions, {n_zones} "
        f"zones, {len(c.sites)} announced sites, {len(c.announcements)} announcements; no "
        "problems found"
    )
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from cloudmap.report import stats_text

    project = load(args)
    data = project.stats(args.as_of)
    if args.json:
        _json(data)
    else:
        print(stats_text(data), end="")
    return EXIT_OK


def cmd_reconcile(args: argparse.Namespace) -> int:
    from cloudmap.report import reconcile_text

    rows = load(args).reconcile()
    if args.json:
        _json(rows)
    else:
        print(reconcile_text(rows), end="")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    project = load(args)
    on = project.on(args.as_of)
    out = _default_out(args, project, "site/data")
    paths = project.export(out, args.format, on=on)
    print(f"Wrote {len(paths)} files to {out} (as of {on.isoformat()}):")
    for path in paths:
        print(f"  {path.name}")
    return EXIT_OK


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
    from cloudmap.report import coverage_text

    project = load(args)
    catalog = project.catalog
    provider = args.provider if args.provider and "," not in args.provider else "all"
    countries = [args.country] if args.country else None
    markets = None
    if args.market:
        m = project.market(args.market)
        markets = {m.name: m.countries}
    if args.compare:
        d1, d2 = args.compare
        df = coverage.compare(
            catalog,
            d1,
            d2,
            provider=provider,
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
        df = coverage.market_coverage(catalog, project.on(args.as_of), markets, provider=provider)
    else:
        df = coverage.country_coverage(
            catalog, project.on(args.as_of), countries=countries, provider=provider
        )
    if args.json:
        _json({**df.attrs, "rtt": coverage.RTT_NOTE, "rows": coverage.records(df)})
    elif args.csv:
        from cloudmap.csvtext import safe_frame

        print(safe_frame(df).to_csv(index=False, lineterminator="\n"), end="")
    else:
        print(coverage_text(df), end="")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from cloudmap.compare import compare_csv, compare_text

    project = load(args)
    result = project.compare(args.as_of, market=args.market, country=args.country)
    if args.json:
        _json(result)
    elif args.csv:
        from cloudmap.csvtext import safe_csv

        print(safe_csv(compare_csv(result)), end="")  # compare_csv's cells, under the one rule
    else:
        print(compare_text(result), end="")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from cloudmap.diff import diff, format_text

    project = load(args)
    report = diff(project.catalog, start=args.start, end=project.on(args.end), base=args.base)
    if args.json:
        _json(report)
    else:
        print(format_text(report), end="")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    project = load(args)
    out = _default_out(args, project, "site")
    result = project.build(out, on=args.as_of, self_contained=args.self_contained)
    print(
        f"Wrote {result.index} ({result.bytes / 1e6:.2f} MB, as of {result.on.isoformat()}"
        f"{', self-contained' if result.self_contained else ''}) and {out / 'data'}/"
    )
    return EXIT_OK


def cmd_snapshot(args: argparse.Namespace) -> int:
    from cloudmap.snapshot import snapshot

    project = load(args)
    on = project.on(args.as_of)
    size = (390, 844) if args.phone else (1600, 900)
    out = snapshot(project, on=on, out=Path(args.out), size=size, phone=args.phone,
                   compare=args.compare)  # fmt: skip
    print(f"Wrote {out} (map as of {on.isoformat()})")
    return EXIT_OK


def cmd_geo_rebuild(args: argparse.Namespace) -> int:
    from cloudmap.geobuild import rebuild, source_scale
    from cloudmap.paths import resolve_root

    root = resolve_root(args.root)
    name = f"geo/{source_scale(Path(args.source))[0].output_name}"
    info = rebuild(Path(args.source), root / name)
    print(f"Wrote {name}: {info['features']} features, sha256 {info['sha256']}")
    return EXIT_OK


# --------------------------------------------------------------------------- edits


def edit_root(args: argparse.Namespace) -> Path:
    """The project folder an edit changes (never the packaged snapshot)."""
    from cloudmap.paths import resolve_root, snapshot_root

    root = resolve_root(args.root)
    if root == snapshot_root():
        raise CloudmapError(
            "no project folder to change: run inside one (with data/, seeds/, geo/) or pass "
            "--root DIR"
        )
    return root


def _done(lines: list[str]) -> int:
    for line in lines:
        print(line)
    return EXIT_OK


def cmd_announce_add(args: argparse.Namespace) -> int:
    from cloudmap.edit import add_announcement

    return _done(add_announcement(
        edit_root(args), date=args.date, title=args.title, source=args.source,
        supports=args.supports, summary=args.summary, publisher=args.publisher,
        claims=args.claim, markets=args.market, sites=args.site, id=args.id,
        provider=args.provider, investment=args.investment,
    ))  # fmt: skip


def cmd_announce_draft(args: argparse.Namespace) -> int:
    from cloudmap.intake.draft import draft_command

    return int(draft_command(args, edit_root(args) if args.write else None))


def cmd_check_docs(args: argparse.Namespace) -> int:
    from cloudmap.intake.checkdocs import check_docs_command

    return int(check_docs_command(args, load(args)))


def cmd_region_add(args: argparse.Namespace) -> int:
    from cloudmap.edit import add_region

    return _done(add_region(
        edit_root(args), id=args.id, name=args.name, city=args.city, country=args.country,
        lat=args.lat, lon=args.lon, launched=args.launched, announced=args.announced,
        zones=args.zones, source=args.source, supports=args.supports,
        location_source=args.location_source, announcements=args.announcement, kind=args.kind,
        precision=args.precision, provider=args.provider, site=args.site, notes=args.notes,
    ))  # fmt: skip


def cmd_region_update(args: argparse.Namespace) -> int:
    from cloudmap.edit import update_region

    return _done(update_region(
        edit_root(args), args.region, source=args.source, supports=args.supports,
        name=args.name, city=args.city, country=args.country, kind=args.kind, lat=args.lat,
        lon=args.lon, precision=args.precision, location_source=args.location_source,
        announced=args.announced, launched=args.launched,
        closure_announced=args.closure_announced, closed=args.closed, notes=args.notes,
        announcements=args.announcement,
    ))  # fmt: skip


def cmd_region_close(args: argparse.Namespace) -> int:
    from cloudmap.edit import close_region

    return _done(close_region(
        edit_root(args), args.region, date=args.date, source=args.source,
        announced=args.announced, supports=args.supports, announcements=args.announcement,
    ))  # fmt: skip


def cmd_region_add_zone(args: argparse.Namespace) -> int:
    from cloudmap.edit import add_zone

    return _done(add_zone(
        edit_root(args), args.region, zone=args.zone, opened=args.opened, source=args.source,
        supports=args.supports, notes=args.notes, announcements=args.announcement,
    ))  # fmt: skip


def stderr(text: str) -> None:
    print(text, file=sys.stderr)
