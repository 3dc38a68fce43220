"""What each command does: load the project, make one library call, format the answer."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudmap.errors import CloudmapError

if TYPE_CHECKING:
    from cloudmap.project import Project, View

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def load(args: argparse.Namespace) -> Project:
    """The project of ``--root`` (or the current folder, or the packaged snapshot), validated
    with every check `cloudmap validate` runs: every command reads the same checked catalog."""
    from cloudmap.project import load_project

    return load_project(args.root)


def at(args: argparse.Namespace, project: Project | None = None) -> View:
    """The view a command works on: ``--as-of`` (default: the review date), ``--provider``
    (default: the lead provider) and the region filters, where the command has them."""
    project = project or load(args)
    view = project.at(getattr(args, "as_of", None), getattr(args, "provider", None))
    return filtered(args, view)


def filtered(args: argparse.Namespace, view: View) -> View:
    """The view with ``--max-carbon``, ``--exclude-jurisdiction`` and ``--partition``."""
    if not hasattr(args, "max_carbon"):
        return view
    if args.max_carbon is None and not args.exclude_jurisdiction and not args.partition:
        return view
    return view.where(
        max_carbon=args.max_carbon,
        exclude_jurisdictions=args.exclude_jurisdiction,
        partitions=args.partition,
    )


def _default_out(args: argparse.Namespace, root: Path, rel: str) -> Path:
    """``--out``, else ``rel`` inside ``--root`` when one is given, else ``rel`` here."""
    if args.out is not None:
        return Path(args.out)
    return (root / rel) if args.root else Path(rel)


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

    data = at(args).stats()
    if args.json:
        _json(data)
    else:
        print(stats_text(data), end="")
    return EXIT_OK


def cmd_reconcile(args: argparse.Namespace) -> int:
    from cloudmap.report import reconcile_text

    rows = at(args).reconcile()
    if args.json:
        _json(rows)
    else:
        print(reconcile_text(rows), end="")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    view = at(args)
    out = _default_out(args, view.catalog.root, "site/data")
    paths = view.export(out, args.format)
    print(f"Wrote {len(paths)} files to {out} (as of {view.on.isoformat()}):")
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
    if args.compare:
        d1, d2 = args.compare
        view = filtered(args, project.at(d2, args.provider))
        df = view.coverage_change(
            d1,
            market=args.market,
            country=args.country,
            changed_only=not (args.country or args.market),
        )
        if not (args.json or args.csv):
            keep = ["market"] if args.market else []
            df = df[[c for c in keep + _COMPARE_COLUMNS if c in df.columns]]
    else:
        df = at(args, project).coverage(market=args.market, country=args.country)
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

    result = at(args).compare(market=args.market, country=args.country)
    if args.json:
        _json(result)
    elif args.csv:
        from cloudmap.csvtext import safe_csv

        print(safe_csv(compare_csv(result)), end="")  # compare_csv's cells, under the one rule
    else:
        print(compare_text(result), end="")
    return EXIT_OK


def cmd_cleanest(args: argparse.Namespace) -> int:
    from cloudmap.cleanest import cleanest_text

    result = at(args).cleanest(args.near, within_ms=args.within_ms)
    if args.json:
        _json(result)
    else:
        print(cleanest_text(result), end="")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from cloudmap.diff import format_text

    project = load(args)
    view = project.at(args.end, args.provider)
    if args.start is not None and args.start > view.on:
        raise CloudmapError(f"--from {args.start} is after --to {view.on}")
    if args.base is not None:
        try:
            report = view.diff_base(args.base, args.start)
        except CloudmapError as exc:
            if type(exc) is not CloudmapError or not str(exc).startswith("base "):
                raise
            raise CloudmapError(f"--{exc}") from None  # the library names the base; add the flag
    elif args.start is None:
        raise CloudmapError("give --from DATE, or --base REV|PATH to compare with another version")
    else:
        report = view.diff(args.start)
    if args.json:
        _json(report)
    else:
        print(format_text(report), end="")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    view = at(args)
    out = _default_out(args, view.catalog.root, "site")
    result = view.build(out, self_contained=args.self_contained)
    print(
        f"Wrote {result.index} ({result.bytes / 1e6:.2f} MB, as of {result.on.isoformat()}"
        f"{', self-contained' if result.self_contained else ''}) and {out / 'data'}/"
    )
    return EXIT_OK


def cmd_snapshot(args: argparse.Namespace) -> int:
    from cloudmap.snapshot import snapshot

    view = at(args)
    size = (390, 844) if args.phone else (1600, 900)
    out = snapshot(view, out=Path(args.out), size=size, phone=args.phone, compare=args.compare)
    print(f"Wrote {out} (map as of {view.on.isoformat()})")
    return EXIT_OK


def cmd_geo_rebuild(args: argparse.Namespace) -> int:
    from cloudmap.geobuild import rebuild, source_scale
    from cloudmap.paths import resolve_root

    root = resolve_root(args.root)
    if args.action == "markets":
        return _geo_markets(root)
    if not args.source:  # a usage error, as argparse reports them
        print(
            "Error: geo rebuild needs --source PATH: world-atlas@2.0.2's countries-50m.json or "
            "countries-10m.json (see geo/PROVENANCE.md)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        name = f"geo/{source_scale(Path(args.source))[0].output_name}"
        info = rebuild(Path(args.source), root / name)
    except CloudmapError as exc:  # the library names the file; the option is the CLI's
        if type(exc) is CloudmapError and str(exc).startswith(f"{args.source}:"):
            raise CloudmapError(f"--source {exc}") from None
        raise
    print(f"Wrote {name}: {info['features']} features, sha256 {info['sha256']}")
    return EXIT_OK


def _geo_markets(root: Path) -> int:
    """geo/markets-10m.geojson.gz from the project's (validated) markets and 1:10m countries."""
    import hashlib

    from cloudmap.export.markets import MARKETS_FILE, rebuild_markets
    from cloudmap.fsutil import atomic_write
    from cloudmap.project import load_project

    project = load_project(root, full=False)
    markets = [tuple(sorted(m.countries)) for m in project.catalog.markets.values()]
    data = rebuild_markets(root, project.countries_layer, markets)
    atomic_write(root / MARKETS_FILE, data, mode=0o644)
    digest = hashlib.sha256(data).hexdigest()
    print(f"Wrote {MARKETS_FILE}: {len(set(markets))} markets, sha256 {digest}")
    return EXIT_OK


def cmd_grid_rebuild(args: argparse.Namespace) -> int:
    from cloudmap.gridbuild import CODECARBON_VERSION, installed_source, rebuild
    from cloudmap.gridschema import GRID_CSV
    from cloudmap.paths import resolve_root

    root = resolve_root(args.root)
    source = Path(args.source) if args.source else installed_source()
    if source is None:
        raise CloudmapError(
            f"codecarbon is not installed: pass --source with its {CODECARBON_VERSION} wheel "
            f"(pip download --no-deps codecarbon=={CODECARBON_VERSION})"
        )
    info = rebuild(source, root / GRID_CSV)
    print(f"Wrote {GRID_CSV}: {info['rows']} rows, sha256 {info['sha256']}")
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

    return _done(
        add_announcement(
            edit_root(args),
            date=args.date,
            title=args.title,
            source=args.source,
            supports=args.supports,
            summary=args.summary,
            publisher=args.publisher,
            claims=args.claim,
            markets=args.market,
            sites=args.site,
            id=args.id,
            provider=args.provider,
            investment=args.investment,
            target=args.target,
        )
    )


def cmd_region_add(args: argparse.Namespace) -> int:
    from cloudmap.edit import add_region

    return _done(
        add_region(
            edit_root(args),
            id=args.id,
            name=args.name,
            city=args.city,
            country=args.country,
            lat=args.lat,
            lon=args.lon,
            launched=args.launched,
            announced=args.announced,
            zones=args.zones,
            source=args.source,
            supports=args.supports,
            location_source=args.location_source,
            announcements=args.announcement,
            kind=args.kind,
            precision=args.precision,
            provider=args.provider,
            site=args.site,
            notes=args.notes,
        )
    )


def cmd_region_update(args: argparse.Namespace) -> int:
    from cloudmap.edit import update_region

    return _done(
        update_region(
            edit_root(args),
            args.region,
            source=args.source,
            supports=args.supports,
            name=args.name,
            city=args.city,
            country=args.country,
            kind=args.kind,
            lat=args.lat,
            lon=args.lon,
            precision=args.precision,
            location_source=args.location_source,
            announced=args.announced,
            launched=args.launched,
            closure_announced=args.closure_announced,
            closed=args.closed,
            notes=args.notes,
            announcements=args.announcement,
        )
    )


def cmd_region_close(args: argparse.Namespace) -> int:
    from cloudmap.edit import close_region

    return _done(
        close_region(
            edit_root(args),
            args.region,
            date=args.date,
            source=args.source,
            announced=args.announced,
            supports=args.supports,
            announcements=args.announcement,
        )
    )


def cmd_region_add_zone(args: argparse.Namespace) -> int:
    from cloudmap.edit import add_zone

    return _done(
        add_zone(
            edit_root(args),
            args.region,
            zone=args.zone,
            opened=args.opened,
            source=args.source,
            supports=args.supports,
            notes=args.notes,
            announcements=args.announcement,
        )
    )


def stderr(text: str) -> None:
    print(text, file=sys.stderr)
