"""The catalog against a provider's official region table (any product's endpoint or region
table, any of the six providers): ids missing on either side, zones, and lifecycle labels that
disagree, each with the command that would fix it. Pure: values in, a DocsCheck out."""

from __future__ import annotations

__all__ = [
    "DocsCheck",
    "LabelDiff",
    "MissingRegion",
    "PageRegion",
    "UnknownLabel",
    "ZoneRef",
    "check_docs",
    "check_docs_page",
    "guess_provider",
]

import datetime as dt
import shlex
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from cloudmap.errors import CloudmapError
from cloudmap.intake.docs_table import Cell, DocRow, RegionIndex, read_rows

if TYPE_CHECKING:
    from cloudmap.model import Catalog

_LIVE = ("new", "expanded", "live", "closing")


@dataclass(frozen=True)
class PageRegion:
    region: str
    name: str
    zones: tuple[str, ...]


@dataclass(frozen=True)
class MissingRegion:
    region: str
    status: str | None
    kind: str


@dataclass(frozen=True)
class ZoneRef:
    region: str
    zone: str


@dataclass(frozen=True)
class LabelDiff:
    region: str
    label: str | None
    page: str
    catalog: str | None


@dataclass(frozen=True)
class UnknownLabel:
    region: str
    label: str


@dataclass(frozen=True)
class DocsCheck:
    """The comparison of one page with the catalog (``to_json``: check-docs --json)."""

    source: str
    provider: str
    as_of: dt.date
    page_regions: int
    page_zones: int
    partial: bool
    missing_in_catalog: tuple[PageRegion, ...]
    missing_on_page: tuple[MissingRegion, ...]
    zones_missing_in_catalog: tuple[ZoneRef, ...]
    zones_not_on_page: tuple[ZoneRef, ...]
    labels_disagree: tuple[LabelDiff, ...]
    unknown_labels: tuple[UnknownLabel, ...]
    commands: tuple[str, ...]

    @property
    def drift(self) -> bool:
        """True when the page and the catalog differ in anything reported."""
        return bool(
            self.missing_in_catalog
            or self.missing_on_page
            or self.zones_missing_in_catalog
            or self.zones_not_on_page
            or self.labels_disagree
            or self.unknown_labels
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, dt.date):
                out[key] = value.isoformat()
            elif isinstance(value, tuple):
                out[key] = [
                    {k: list(v) if isinstance(v, tuple) else v for k, v in item.items()}
                    if isinstance(item, dict)
                    else item
                    for item in value
                ]
            else:
                out[key] = value
        return out


def guess_provider(catalog: Catalog, tables: list[list[list[Cell]]]) -> str | None:
    """The provider whose catalog ids (or names) the tables list most (alibaba-cloud first on a
    tie, then by id); None when no table names a known region of any provider."""
    best: tuple[int, int, str] | None = None
    for i, pid in enumerate(sorted(catalog.providers, key=lambda p: (p != "alibaba-cloud", p))):
        index = RegionIndex.from_catalog(catalog, pid)
        known = sum(1 for r in read_rows(tables, index) if r.region_id in index.regions)
        if known and (best is None or known > best[0]):
            best = (known, -i, pid)
    return best[2] if best else None


def check_docs_page(
    catalog: Catalog,
    page: str,
    *,
    provider: str | None = None,
    on: dt.date,
    partial: bool = False,
    html: str | None = None,
) -> DocsCheck:
    """Read a saved page (or an http(s) URL, or ``html`` already read) and compare it with the
    catalog on ``on``. The provider is the one whose region ids the page lists, unless given.
    Raises CloudmapError when the page cannot be read or holds no region table."""
    from cloudmap.intake.docs_table import parse_tables

    if html is None:
        html = _read_page(page)
    tables = parse_tables(html)
    if provider is None:
        provider = guess_provider(catalog, tables)
        if provider is None:
            raise CloudmapError(
                f"{page}: no region table found (no table on the page lists a region id or name "
                "of a catalog provider); if it is one provider's region table, name that provider"
            )
    elif provider not in catalog.providers:
        known = ", ".join(sorted(catalog.providers))
        raise CloudmapError(f"no provider {provider!r} in the catalog (known: {known})")
    rows = read_rows(tables, RegionIndex.from_catalog(catalog, provider))
    if not rows:
        raise CloudmapError(
            f"{page}: no region table of {provider} found (no table lists its region ids or names)"
        )
    return check_docs(catalog, rows, provider=provider, on=on, source=page, partial=partial)


def _read_page(source: str) -> str:
    import codecs
    import re

    from cloudmap.outside import read_input

    data = read_input(source, what="page")
    if not data.strip():
        raise CloudmapError(f"{source}: is empty")
    if b"\0" in data:
        raise CloudmapError(f"{source}: binary data, not an HTML page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", data[:4096])
        if declared is not None:
            try:
                return data.decode(codecs.lookup(declared.group(1).decode("ascii")).name)
            except (LookupError, UnicodeDecodeError):
                pass
        raise CloudmapError(f"{source}: not UTF-8 text; save the page as UTF-8 HTML") from None


def check_docs(
    catalog: Catalog,
    rows: list[DocRow],
    *,
    provider: str,
    on: dt.date,
    source: str,
    partial: bool = False,
) -> DocsCheck:
    """The comparison; ``partial``: the page lists only some regions, so catalog regions missing
    from it are not reported."""
    if provider not in catalog.providers:
        known = ", ".join(sorted(catalog.providers))
        raise CloudmapError(f"no provider {provider!r} in the catalog (known: {known})")
    mine = {r.id: r for r in catalog.regions if r.provider == provider}
    page = {row.region_id: row for row in rows}
    q = shlex.quote
    src = q(source) if source.startswith(("http://", "https://")) else "<SOURCE-URL>"
    missing: list[PageRegion] = []
    zones_missing: list[ZoneRef] = []
    zones_gone: list[ZoneRef] = []
    labels: list[LabelDiff] = []
    unknown: list[UnknownLabel] = []
    commands: list[str] = []
    # A page that prints no lifecycle label at all says nothing about lifecycles: an unlabelled
    # row is "live" only on a page that does label some rows.
    labelled = any(row.label is not None for row in rows)
    for rid in sorted(page):
        row = page[rid]
        region = mine.get(rid)
        if row.status == "unknown" and row.label:
            unknown.append(UnknownLabel(rid, row.label))
        if region is None:
            missing.append(PageRegion(rid, row.name, row.zone_ids))
            zones = ",".join(row.zone_ids) or "<ZONE-IDS>"
            when = "--announced <DATE>" if row.status == "announced" else "--launched <DATE>"
            commands.append(
                f"cloudmap region add --id {rid} --name {q(row.name or '<NAME>')} --city <CITY> "
                f"--country <CC> --lat <LAT> --lon <LON> {when} --zones {zones} --source {src} "
                f"--provider {provider}"
            )
            continue
        listed = {z.id for z in region.zones if z.id}
        for zid in row.zone_ids:
            if zid not in listed and not region.zones_by_count:
                zones_missing.append(ZoneRef(rid, zid))
                commands.append(
                    f"cloudmap region add-zone {provider}:{rid} --zone {zid} "
                    f"--opened <DATE> --source {src}"
                )
        if row.zone_ids:
            for zid in sorted(listed - set(row.zone_ids)):
                z = next(z for z in region.zones if z.id == zid)
                if z.is_live(on) and region.is_live(on):
                    zones_gone.append(ZoneRef(rid, zid))
        _compare_status(provider, region, row, on, labelled, src, labels, commands)
    missing_on_page = tuple(
        MissingRegion(r.id, r.status(on), r.kind)
        for r in sorted(mine.values(), key=lambda r: r.id)
        if r.id not in page and r.status(on) in _LIVE and not partial
    )
    return DocsCheck(
        source=source,
        provider=provider,
        as_of=on,
        page_regions=len(page),
        page_zones=sum(len(r.zone_ids) for r in rows),
        partial=partial,
        missing_in_catalog=tuple(missing),
        missing_on_page=missing_on_page,
        zones_missing_in_catalog=tuple(zones_missing),
        zones_not_on_page=tuple(zones_gone),
        labels_disagree=tuple(labels),
        unknown_labels=tuple(unknown),
        commands=tuple(commands),
    )


def _compare_status(
    provider: str,
    region: Any,
    row: DocRow,
    on: dt.date,
    labelled: bool,
    src: str,
    labels: list[LabelDiff],
    commands: list[str],
) -> None:
    """A lifecycle label against the catalog's status on ``on``, with the fixing command."""
    status = region.status(on)
    rid = region.id
    who = f"{provider}:{rid}"
    if row.status == "closing" and status in _LIVE and region.closure_announced is None:
        labels.append(LabelDiff(rid, row.label, "closing", status))
        commands.append(f"cloudmap region update {who} --closure-announced <DATE> --source {src}")
    elif row.status == "closed" and status in _LIVE:
        labels.append(LabelDiff(rid, row.label, "closed", status))
        commands.append(f"cloudmap region close {who} --date <DATE> --source {src}")
    elif row.status == "announced" and status in _LIVE:
        labels.append(LabelDiff(rid, row.label, "announced", status))
    elif row.status in ("live", "closing") and status == "announced":
        labels.append(LabelDiff(rid, row.label, row.status, status))
        if row.label is not None or labelled:
            commands.append(f"cloudmap region update {who} --launched <DATE> --source {src}")
    elif labelled and row.status == "live" and status == "closing":
        labels.append(LabelDiff(rid, row.label, "live", status))
    elif labelled and row.status in ("live", "closing", "announced") and status == "closed":
        labels.append(LabelDiff(rid, row.label, str(row.status), status))
