"""Read data/jurisdiction.yaml and data/provider-energy.yaml into cloudmap.grid's records, each
file checked against its spec (cloudmap.gridschema), with the helpers every grid file's reader
uses (cloudmap.gridread reads data/grid.yaml and the figures, and calls these)."""

from __future__ import annotations

__all__ = ["KEY_HINT", "KEY_RE", "declared", "load", "read_energy", "read_jurisdiction", "sources"]

import re
from pathlib import Path
from typing import Any

from cloudmap.errors import Problem
from cloudmap.grid import EnergyDataset, EnergyFigure, MethodPeriod, OperatorRule, Partition
from cloudmap.gridschema import (
    ENERGY_FILE,
    ENERGY_FILE_NAME,
    GRID_RECORDS,
    JURISDICTION_FILE,
    JURISDICTION_FILE_NAME,
)
from cloudmap.model import Source
from cloudmap.reader import Clean, Reader
from cloudmap.schema import ID_RE
from cloudmap.yamlio import load_yaml

KEY_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
KEY_HINT = 'write "provider:region-id", ids as in data/<provider>.yaml'


def sources(items: list[Clean] | None) -> tuple[Source, ...]:
    return tuple(Source(c["url"], c["supports"]) for c in items or ())


def load(root: Path, rel: str, spec_name: str) -> tuple[Reader, Clean | None, Any]:
    """The file checked against its spec, and its parsed document (None if unreadable)."""
    rd = Reader(rel, GRID_RECORDS)
    doc, problems = load_yaml(root / rel, rel)
    if problems:
        rd.problems += problems
        return rd, None, None
    return rd, rd.record(doc, GRID_RECORDS[spec_name], line=1, id_="-", where="file"), doc


def declared(doc: Any, key: str, *, ids: bool = False) -> frozenset[str]:
    """The names a file declares under ``key`` (valid or not): a mapping's keys, or the ids of
    a list's records. Checks against them keep one bad record from cascading into "missing"."""
    found = doc.get(key) if isinstance(doc, dict) else None
    if ids and isinstance(found, list):
        return frozenset(str(x["id"]).strip() for x in found if isinstance(x, dict) and "id" in x)
    if not ids and isinstance(found, dict):
        return frozenset(str(k).strip() for k in found)
    return frozenset()


# --------------------------------------------------------------------------- jurisdiction


def _rule(
    rd: Reader, key: str, c: Clean, closed: set[str], partitions: set[str], *, default: bool
) -> OperatorRule | None:
    before = len(rd.problems)
    if default and not ID_RE.match(key):
        rd.add(c.line, key, "defaults", f"{key!r} is not a provider id")
    if not default and not KEY_RE.match(key):
        rd.add(c.line, key, "overrides", f"{key!r} is not a region key; {KEY_HINT}")
    if c["operator"] is None:
        if default:
            rd.add(
                c.line_of("operator"),
                key,
                "operator",
                "missing: a provider's default "
                "operator is named (null is for a region whose partner is unknown)",
            )
        elif c["reason"] is None:
            rd.add(c.line_of("operator"), key, "reason", "missing: say why the operator is unknown")
    elif c["reason"] is not None:
        rd.add(c.line_of("reason"), key, "reason", "only for operator: null; remove it")
    for code in c.get("jurisdictions", []):
        if code not in closed:
            rd.add(
                c.line_of("jurisdictions"),
                key,
                "jurisdictions",
                f"{code!r} is not in the closed list ({', '.join(sorted(closed))}); add it "
                "to jurisdictions first",
            )
    if c["partition"] is not None and c["partition"] not in partitions:
        rd.add(
            c.line_of("partition"),
            key,
            "partition",
            f"{c['partition']!r} is not a partition ({', '.join(sorted(partitions))})",
        )
    if len(rd.problems) > before:
        return None
    return OperatorRule(
        key,
        c["operator"],
        c["reason"],
        tuple(c.get("jurisdictions", [])),
        c["partition"],
        c["notes"],
        sources(c["sources"]),
        c.line,
        dict(c.key_lines),
    )


def read_jurisdiction(
    root: Path,
) -> tuple[
    dict[str, Partition],
    tuple[str, ...],
    dict[str, OperatorRule],
    dict[str, OperatorRule],
    frozenset[str],
    list[Problem],
]:
    rd, top, doc = load(root, JURISDICTION_FILE_NAME, JURISDICTION_FILE.name)
    if top is None:  # unreadable: no provider is reported as lacking an operator
        return {}, (), {}, {}, frozenset({JURISDICTION_FILE_NAME}), rd.problems
    partitions: dict[str, Partition] = {}
    for c in top.get("partitions", []):
        if c["id"] in partitions:
            rd.add(c.line_of("id"), c["id"], "id", "partition given twice (keep one)")
        partitions[c["id"]] = Partition(c["id"], c["meaning"])
    closed = top.get("jurisdictions", [])
    for code in sorted({c for c in closed if closed.count(c) > 1}):
        rd.add(top.line_of("jurisdictions"), "-", "jurisdictions", f"{code} listed twice")
    rules: list[dict[str, OperatorRule]] = [{}, {}]
    for n, name in enumerate(("defaults", "overrides")):
        for key, c in (top.get(name) or {}).items():
            rule = _rule(rd, key, c, set(closed), set(partitions), default=name == "defaults")
            if rule is not None:
                rules[n][key] = rule
    return partitions, tuple(closed), rules[0], rules[1], declared(doc, "defaults"), rd.problems


# --------------------------------------------------------------------------- provider energy


def read_energy(
    root: Path,
) -> tuple[dict[str, EnergyDataset], dict[str, tuple[EnergyFigure, ...]], list[Problem]]:
    rd, top, _ = load(root, ENERGY_FILE_NAME, ENERGY_FILE.name)
    if top is None:
        return {}, {}, rd.problems
    datasets: dict[str, EnergyDataset] = {}
    for c in top.get("datasets", []):
        if c["id"] in datasets:
            rd.add(c.line_of("id"), c["id"], "id", "dataset id given twice (keep one)")
            continue
        methods = tuple(
            MethodPeriod(m["since"], m["method"], m["column"]) for m in c.get("methods", [])
        )
        datasets[c["id"]] = EnergyDataset(
            c["id"],
            c["provider"],
            c["name"],
            c["measures"],
            methods,
            c["licence"],
            sources(c["sources"]),
            c.line,
        )
    figures: dict[str, tuple[EnergyFigure, ...]] = {}
    for key, rows in (top.get("figures") or {}).items():
        if not KEY_RE.match(key):
            rd.add(
                rows[0].line if rows else 0,
                key,
                "figures",
                f"{key!r} is not a region key; {KEY_HINT}",
            )
            continue
        mine: list[EnergyFigure] = []
        for c in rows:
            ds = datasets.get(c["dataset"])
            where = c.line_of("dataset")
            if ds is None:
                rd.add(where, key, "dataset", f"no dataset {c['dataset']!r} in datasets")
            elif not key.startswith(f"{ds.provider}:"):
                rd.add(
                    where,
                    key,
                    "dataset",
                    f"{ds.id} is {ds.provider}'s series; the region {key} is not {ds.provider}'s",
                )
            elif ds.method(c["year"]) is None:
                rd.add(
                    c.line_of("year"),
                    key,
                    "year",
                    f"{c['year']} is before {ds.id}'s first method period",
                )
            elif c["grid_g_per_kwh"] is not None and c["grid_g_per_kwh"] < 0:
                rd.add(
                    c.line_of("grid_g_per_kwh"),
                    key,
                    "grid_g_per_kwh",
                    f"{c['grid_g_per_kwh']:g} is below 0; write grams per kWh",
                )
            elif c["cfe_share"] is None and c["grid_g_per_kwh"] is None:
                rd.add(c.line, key, "cfe_share", "no figure in this row (both values null)")
            elif any(f.dataset == ds.id and f.year == c["year"] for f in mine):
                rd.add(c.line_of("year"), key, "year", f"a second {ds.id} row for {c['year']}")
            else:
                src = c["source"]
                mine.append(
                    EnergyFigure(
                        key,
                        c["year"],
                        ds.id,
                        c["cfe_share"],
                        c["grid_g_per_kwh"],
                        Source(src["url"], src["supports"]),
                        c.line,
                    )
                )
        figures[key] = tuple(sorted(mine, key=lambda f: (f.year, f.dataset)))
    return datasets, figures, rd.problems
