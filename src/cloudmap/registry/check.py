"""The registry check: each provider's region list in registry packages against the catalog (ids
added, launched, removed, renamed, renamed in the table), every known difference applied and
checked for staleness, each change with its evidence and the command that would record it."""

from __future__ import annotations

__all__ = [
    "Change",
    "Evidence",
    "Known",
    "ProviderReport",
    "RegistryReport",
    "TableDiff",
    "TableInfo",
    "check_registry",
    "diff_tables",
    "known",
]

import datetime as dt
import re
import shlex
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cloudmap.errors import CloudmapError
from cloudmap.registry.packages import Package, installed, pypi_release_date
from cloudmap.registry.report import (
    RANK,
    Change,
    Evidence,
    Known,
    ProviderReport,
    RegistryReport,
    TableDiff,
    TableInfo,
    diff_tables,
    known,
)
from cloudmap.registry.tables import SOURCES, RegionTable, RegistryRegion, read_table

if TYPE_CHECKING:
    from cloudmap.model import Catalog, Region


def _dists(providers: Sequence[str]) -> list[str]:
    return [s.dist for p in providers for s in SOURCES[p]]


def check_registry(
    catalog: Catalog,
    *,
    providers: Sequence[str] | None = None,
    packages: Mapping[str, Package] | None = None,
    base: Mapping[str, Package] | None = None,
    origin: str = "installed",
    on: dt.date | None = None,
    lookup_dates: bool = False,
) -> RegistryReport:
    """Compare each provider's registry tables with the catalog on ``on`` (default: its review
    date). ``packages``: the versions to read, by distribution name (default: the installed
    ones); ``base``: older versions of the same packages, whose tables the report also compares
    with (``since_base``). ``lookup_dates``: ask PyPI for the release day of a version whose
    date is unknown when it shows drift. Raises CloudmapError for an unknown provider, a package
    missing, or a table that changed shape."""
    chosen = list(providers) if providers else sorted(SOURCES)
    unknown = [p for p in chosen if p not in SOURCES]
    if unknown:
        raise CloudmapError(
            f"no registry table for {', '.join(unknown)} (known: {', '.join(sorted(SOURCES))})"
        )
    on = on or catalog.default_as_of
    reports = []
    for pid in chosen:
        if pid not in catalog.providers:
            raise CloudmapError(f"no provider {pid!r} in the catalog")
        pkgs = [_package(s.dist, packages) for s in SOURCES[pid]]
        if packages is not None and all(p is None for p in pkgs):
            continue  # a folder of wheels without this provider's: not read
        missing = [s.dist for s, p in zip(SOURCES[pid], pkgs, strict=True) if p is None]
        if missing:
            raise CloudmapError(f"{', '.join(missing)} not found among the packages read")
        tables = [read_table(s, p) for s, p in zip(SOURCES[pid], pkgs, strict=True) if p]
        older = None
        if base is not None:
            bpkgs = [_package(s.dist, base) for s in SOURCES[pid]]
            if all(bpkgs):
                older = [read_table(s, p) for s, p in zip(SOURCES[pid], bpkgs, strict=True) if p]
        report = _provider_report(catalog, pid, tables, older, on)
        if lookup_dates and report.changes:
            tables = [_dated(t) for t in tables]
            older = [_dated(t) for t in older] if older is not None else None
            report = _provider_report(catalog, pid, tables, older, on)
        reports.append(report)
    return RegistryReport(origin, on, tuple(reports))


def _package(dist: str, given: Mapping[str, Package] | None) -> Package | None:
    if given is None:
        return installed(dist)
    return given.get(re.sub(r"[-_.]+", "_", dist).lower())


def _dated(t: RegionTable) -> RegionTable:
    if t.package.released is not None and "PyPI" in t.package.released_from:
        return t
    pkg = t.package.with_release(
        *pypi_release_date(t.package.dist, t.package.version, fallback=t.package)
    )
    return RegionTable(t.provider, pkg, t.files, t.regions)


def _provider_report(
    catalog: Catalog,
    pid: str,
    tables: Sequence[RegionTable],
    older: Sequence[RegionTable] | None,
    on: dt.date,
) -> ProviderReport:
    k = known().get(pid, Known())
    listed: dict[str, tuple[RegistryRegion, RegionTable]] = {}
    for t in tables:
        for r in t.regions:
            listed.setdefault(r.id, (r, t))
    early: dict[str, RegionTable] = {}
    for t in older or ():
        for r in t.regions:
            early.setdefault(r.id, t)
    mine = {r.id: r for r in catalog.regions if r.provider == pid}
    provider = catalog.providers[pid]
    counted = {kind for kind in provider.count_region_kinds}
    changes: list[Change] = []

    def ev(rid: str) -> Evidence:
        t = early.get(rid) or listed[rid][1]
        return Evidence.of(t.package)

    def ignored(rid: str, group: str) -> bool:
        return group in k.left_out_groups or any(re.search(p, rid) for p in k.ignore)

    for rid in sorted(listed):
        r, _t = listed[rid]
        region = mine.get(rid)
        if ignored(rid, r.group) or rid in k.not_in_catalog:
            continue
        if region is None:
            kind = k.group_kinds.get(r.group, "region")
            changes.append(
                Change(
                    "added",
                    pid,
                    rid,
                    r.name,
                    f"{rid} ({r.name or 'no name in the table'}) is listed ({r.group}) but not in the catalog",
                    ev(rid),
                    _add_command(catalog, pid, r, kind, ev(rid), k),
                    headline=kind in counted,
                )
            )
        elif (
            k.listing_means_launched
            and region.launched is None
            and region.status(on) != "closed"
            and rid not in k.listed_before_launch
        ):
            changes.append(
                Change(
                    "launched",
                    pid,
                    rid,
                    region.name,
                    f"{rid} is listed, so it launched no later than the release; the catalog has it as announced",
                    ev(rid),
                    f"cloudmap region update {pid}:{rid} --launched {shlex.quote(ev(rid).bound())} --source {ev(rid).url}",
                    headline=region.kind in counted,
                )
            )
        elif k.compare_names and r.name and region.name != r.name and rid not in k.names:
            changes.append(
                Change(
                    "name",
                    pid,
                    rid,
                    r.name,
                    f"{rid} is named {r.name!r} in the table, {region.name!r} in the catalog",
                    ev(rid),
                    f"cloudmap region update {pid}:{rid} --name {shlex.quote(r.name)} --source {ev(rid).url}",
                    old=region.name,
                )
            )
    if k.complete:
        first = Evidence.of(tables[0].package)
        for rid, region in sorted(mine.items()):
            if rid in listed or rid in k.not_in_table or not region.is_live(on):
                continue
            if k.kinds and region.kind not in k.kinds:
                continue
            changes.append(
                Change(
                    "removed",
                    pid,
                    rid,
                    region.name,
                    f"{rid} is live in the catalog but in no table read",
                    first,
                    f"cloudmap region close {pid}:{rid} --date <DATE> --source {first.url}",
                    headline=region.kind in counted,
                )
            )
    changes = _pair_renames(changes)
    changes += _stale(pid, k, listed, mine, on, tables)
    staleness = _staleness(k, listed, mine, on) if not k.complete else None
    since = diff_tables(older, tables) if older is not None else None
    infos = tuple(
        TableInfo(
            t.package.dist,
            t.package.version,
            t.package.released,
            t.package.released_from,
            t.package.origin,
            t.files,
            len(t.regions),
        )
        for t in tables
    )
    changes.sort(key=lambda c: (RANK[c.kind], not c.headline, c.region))
    return ProviderReport(pid, infos, tuple(changes), staleness, since)


def _pair_renames(changes: list[Change]) -> list[Change]:
    """An id added and an id removed under the same name: a rename (recorded by hand)."""
    out = list(changes)
    for gone in [c for c in changes if c.kind == "removed" and c.name]:
        new = next((c for c in out if c.kind == "added" and c.name == gone.name), None)
        if new is None:
            continue
        out.remove(new)
        out.remove(gone)
        out.append(
            Change(
                "renamed",
                new.provider,
                new.region,
                new.name,
                f"{gone.region} is now {new.region} (same name)",
                new.evidence,
                None,
                old=gone.region,
            )
        )
    return out


def _stale(
    pid: str,
    k: Known,
    listed: Mapping[str, tuple[RegistryRegion, RegionTable]],
    mine: Mapping[str, Region],
    on: dt.date,
    tables: Sequence[RegionTable],
) -> list[Change]:
    """Known differences that no longer hold: each should go from registry/known.yaml."""
    first = Evidence.of(tables[0].package)
    out = []
    for rid in sorted(k.not_in_catalog):
        why = (
            "now in the catalog"
            if rid in mine
            else "no longer in the table"
            if rid not in listed
            else None
        )
        if why:
            out.append(
                Change(
                    "stale",
                    pid,
                    rid,
                    None,
                    f"known difference no longer holds: {rid} is {why} (drop it from not_in_catalog in cloudmap/registry/known.yaml)",
                    first,
                    None,
                )
            )
    for rid in sorted(k.not_in_table):
        region = mine.get(rid)
        why = (
            "now in the table"
            if rid in listed
            else "no longer live in the catalog"
            if region is None or not region.is_live(on)
            else None
        )
        if why:
            out.append(
                Change(
                    "stale",
                    pid,
                    rid,
                    None,
                    f"known difference no longer holds: {rid} is {why} (drop it from not_in_table in cloudmap/registry/known.yaml)",
                    first,
                    None,
                )
            )
    for rid in sorted(k.listed_before_launch):
        region = mine.get(rid)
        why = (
            "no longer in the table"
            if rid not in listed
            else "not in the catalog"
            if region is None
            else "launched in the catalog now"
            if region.launched is not None
            else None
        )
        if why:
            out.append(
                Change(
                    "stale",
                    pid,
                    rid,
                    None,
                    f"known difference no longer holds: {rid} is {why} (drop it from listed_before_launch in cloudmap/registry/known.yaml)",
                    first,
                    None,
                )
            )
    groups = {r.group for r, _ in listed.values()}
    for group in sorted(set(k.left_out_groups) - groups):
        out.append(
            Change(
                "stale",
                pid,
                group,
                None,
                f"known difference no longer holds: no table has the part {group} (drop it from left_out_groups)",
                first,
                None,
            )
        )
    return out


def _staleness(k: Known, listed: Mapping[str, Any], mine: Mapping[str, Region], on: dt.date) -> str:
    """The stated staleness, with what the catalog shows: the newest region the table lists
    and the live regions it lacks."""
    dated = [
        (r.launched.effective, str(r.launched), r.id)
        for r in mine.values()
        if r.id in listed and r.launched
    ]
    missing = sorted(r.id for r in mine.values() if r.id not in listed and r.is_live(on))
    newest = max(dated) if dated else None
    said = k.staleness or "the table is not complete"
    if newest:
        said += (
            f"; the newest catalog region it lists launched {newest[1]} ({newest[2]}), and "
            f"it lacks {len(missing)} live catalog regions: {', '.join(missing)}"
        )
    return " ".join(said.split())


def _add_command(
    catalog: Catalog, pid: str, r: RegistryRegion, kind: str, ev: Evidence, k: Known
) -> str:
    """`region add` filled in as far as the table allows: id, name, country (from the name),
    kind, the "no later than" date, the source; ``--site`` when the provider has an announced
    site in that country without a region."""
    q = shlex.quote
    cc = _country_in(r.name) if r.name else None
    site = next(
        (
            s.id
            for s in catalog.sites
            if s.provider == pid and cc and s.country == cc and s.region is None
        ),
        None,
    )
    when = (
        f"--launched {q(ev.bound())}"
        if k.listing_means_launched
        else f"--announced {q(ev.bound())}"
    )
    supports = f"{ev.dist} {ev.version} lists {r.id} ({r.group})"
    return (
        f"cloudmap region add --id {r.id} --name {q(r.name or '<NAME>')} --city <CITY> "
        f"--country {cc or '<CC>'} --lat <LAT> --lon <LON> {when} --zones <ZONE-IDS> "
        f"--kind {kind} --source {ev.url} --supports {q(supports)} --provider {pid}"
        + (f" --site {site}" if site else "")
    )


def _country_in(name: str) -> str | None:
    """The country a table's region name names ("Middle East (Saudi Arabia)" -> SA), if one."""
    from cloudmap.intake.places import country_names, name_regex

    names = country_names("en")
    rx = name_regex(list(names))
    found = [names[m.group()] for m in rx.finditer(name)] if rx else []
    return found[-1] if found else None
