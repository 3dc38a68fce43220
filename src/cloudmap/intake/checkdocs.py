"""`cloudmap check-docs`: the catalog against a provider's official region/zone table (Alibaba's
ECS "Regions and zones" or OSS "Regions and endpoints"): ids missing on either side and lifecycle
labels that disagree, each with the command that would fix it."""

from __future__ import annotations

__all__ = ["check_docs", "check_docs_command", "check_docs_text"]

import argparse
import json
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudmap.errors import CloudmapError
from cloudmap.intake.docs_table import LIFECYCLE_LABELS

if TYPE_CHECKING:
    import datetime as dt

    from cloudmap.intake.docs_table import DocRow
    from cloudmap.model import Catalog

_LIVE = ("new", "expanded", "live", "closing")


def _read_page(source: str) -> str:
    if source.startswith(("http://", "https://")):
        from cloudmap.intake.draft import fetch

        data = fetch(source)
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except IsADirectoryError:
            raise CloudmapError(f"{source}: is a folder; give the saved page (HTML)") from None
        except OSError as exc:
            raise CloudmapError(f"{source}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise CloudmapError(f"{source}: is empty")
    if b"\0" in data:
        raise CloudmapError(f"{source}: binary data, not an HTML page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CloudmapError(f"{source}: not UTF-8 text; save the page as UTF-8 HTML") from None


def check_docs(
    catalog: Catalog,
    rows: list[DocRow],
    *,
    provider: str,
    on: dt.date,
    source: str,
    partial: bool = False,
) -> dict[str, Any]:
    """The comparison as plain data (``--json``); ``partial``: the page lists only some regions,
    so catalog regions missing from it are not reported."""
    if provider not in catalog.providers:
        known = ", ".join(sorted(catalog.providers))
        raise CloudmapError(f"no provider {provider!r} in the catalog (known: {known})")
    mine = {r.id: r for r in catalog.regions if r.provider == provider}
    page = {row.region_id: row for row in rows}
    q = shlex.quote
    src = q(source) if source.startswith(("http://", "https://")) else "<SOURCE-URL>"
    missing_in_catalog, zones_missing, zones_not_on_page, labels, commands = [], [], [], [], []
    # A page that prints no lifecycle label at all says nothing about lifecycles: an unlabelled
    # row is "live" only on a page that does label some rows.
    labelled = any(row.label is not None for row in rows)
    for rid in sorted(page):
        row = page[rid]
        region = mine.get(rid)
        if region is None:
            missing_in_catalog.append(
                {"region": rid, "name": row.name, "zones": list(row.zone_ids)}
            )
            zones = ",".join(row.zone_ids) or "a"
            commands.append(
                f"cloudmap region add --id {rid} --name {q(row.name)} --city <CITY> --country <CC> "
                f"--lat <LAT> --lon <LON> --launched <DATE> --zones {zones} --source {src} "
                f"--provider {provider}"
            )
            continue
        listed = {z.id for z in region.zones if z.id}
        for zid in row.zone_ids:
            if zid not in listed and not region.zones_by_count:
                zones_missing.append({"region": rid, "zone": zid})
                commands.append(f"cloudmap region add-zone {provider}:{rid} --zone {zid} "
                                f"--opened <DATE> --source {src}")  # fmt: skip
        if row.zone_ids:
            for zid in sorted(listed - set(row.zone_ids)):
                z = next(z for z in region.zones if z.id == zid)
                if z.is_live(on) and region.is_live(on):
                    zones_not_on_page.append({"region": rid, "zone": zid})
        status = region.status(on)
        if row.status == "closing" and status in _LIVE and region.closure_announced is None:
            labels.append({"region": rid, "label": row.label, "page": "closing", "catalog": status})
            commands.append(f"cloudmap region update {provider}:{rid} --closure-announced "
                            f"<DATE> --source {src}")  # fmt: skip
        elif row.label is not None and _gone(row.label) and status in _LIVE:
            labels.append({"region": rid, "label": row.label, "page": "closed", "catalog": status})
            commands.append(f"cloudmap region close {provider}:{rid} --date <DATE> --source {src}")
        elif labelled and row.status == "live" and status == "closing":
            labels.append({"region": rid, "label": None, "page": "live", "catalog": status})
        elif labelled and row.status is not None and status == "closed":
            labels.append(
                {"region": rid, "label": row.label, "page": row.status, "catalog": status}
            )
    missing_on_page = [
        {"region": r.id, "status": r.status(on), "kind": r.kind}
        for r in sorted(mine.values(), key=lambda r: r.id)
        if r.id not in page and r.status(on) in _LIVE and not partial
    ]
    return {
        "source": source,
        "provider": provider,
        "as_of": on.isoformat(),
        "page_regions": len(page),
        "page_zones": sum(len(r.zone_ids) for r in rows),
        "partial": partial,
        "missing_in_catalog": missing_in_catalog,
        "missing_on_page": missing_on_page,
        "zones_missing_in_catalog": zones_missing,
        "zones_not_on_page": zones_not_on_page,
        "labels_disagree": labels,
        "commands": commands,
    }


def _gone(label: str) -> bool:
    """Whether a printed label is a known "already closed" label (an unknown status text, such
    as "Available", says nothing about a closure)."""
    key = label.lower().strip()
    return key in LIFECYCLE_LABELS and LIFECYCLE_LABELS[key] is None


def check_docs_text(r: dict[str, Any]) -> str:
    lines = [f"{r['source']}: {r['page_regions']} regions, {r['page_zones']} zones on the page; "
             f"catalog {r['provider']} as of {r['as_of']}"]  # fmt: skip
    for item in r["missing_in_catalog"]:
        lines.append(f"  on the page, not in the catalog: region {item['region']} ({item['name']})")
    for item in r["zones_missing_in_catalog"]:
        lines.append(f"  on the page, not in the catalog: zone {item['zone']} of {item['region']}")
    for item in r["missing_on_page"]:
        lines.append(f"  in the catalog ({item['status']}, {item['kind']}), not on the page: "
                     f"region {item['region']}")  # fmt: skip
    for item in r["zones_not_on_page"]:
        lines.append(f"  in the catalog, not on the page: zone {item['zone']} of {item['region']}")
    for item in r["labels_disagree"]:
        label = f" ({item['label']})" if item["label"] else ""
        lines.append(f"  status differs: {item['region']}: page says {item['page']}{label}, "
                     f"catalog says {item['catalog']}")  # fmt: skip
    if len(lines) == 1:
        lines.append("  the catalog agrees with the page")
    if r["labels_disagree"] and not any("--closure-announced" in c or " close " in c
                                        for c in r["commands"]):  # fmt: skip
        lines.append("  (a status difference has no single fix: check the catalog's closure "
                     "sources against the page)")  # fmt: skip
    if r["commands"]:
        lines.append("To fix the catalog (review, fill the <...> parts, then run):")
        lines += [f"  {c}" for c in r["commands"]]
    return "\n".join(lines) + "\n"


def check_docs_command(args: argparse.Namespace, project: Any) -> int:
    from cloudmap.intake.docs_table import parse_docs_table

    html = _read_page(args.page)
    rows = parse_docs_table(html)
    if not rows:
        raise CloudmapError(
            f"{args.page}: no region table found (expected the ECS 'Regions and zones' or OSS "
            "'Regions and endpoints' page)"
        )
    result = check_docs(project.catalog, rows, provider=args.provider, on=project.default_date,
                        source=args.page, partial=args.partial)  # fmt: skip
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(check_docs_text(result), end="")
    return 0
