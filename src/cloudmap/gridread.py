"""Read data/grid.yaml and geo/grid-carbon.csv (and, through cloudmap.jurisread,
data/jurisdiction.yaml and data/provider-energy.yaml) into cloudmap.grid's records, checking each file against its spec (cloudmap.gridschema) and the
files against each other; every problem is located (``file:line: id: field: message``). The
checks against the catalog's regions live in cloudmap.gridcheck."""

from __future__ import annotations

__all__ = ["KEY_RE", "grid_files", "read_grid"]

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from cloudmap.dates import parse_date
from cloudmap.errors import Problem
from cloudmap.grid import (
    Assignment,
    EnergyDataset,
    EnergyFigure,
    GridData,
    GridDataset,
    GridFigure,
    GridZone,
    OperatorRule,
    Partition,
)
from cloudmap.gridschema import (
    CSV_COLUMNS,
    ENERGY_FILE_NAME,
    FILES,
    GRID_CSV,
    GRID_FILE,
    GRID_FILE_NAME,
    JURISDICTION_FILE_NAME,
)
from cloudmap.jurisread import (
    KEY_HINT,
    KEY_RE,
    load,
    read_energy,
    read_jurisdiction,
    sources,
)
from cloudmap.jurisread import (
    declared as declared_names,
)
from cloudmap.reader import Clean, Reader
from cloudmap.yamlio import read_text

_ADMIN1_RE = re.compile(r"^[A-Z]{2}\.[A-Z0-9]+$")
_CODE_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})*$")


def grid_files(root: Path) -> list[Path]:
    """The grid and jurisdiction files ``root`` has (each is optional)."""
    return [root / rel for rel in FILES if (root / rel).exists() or (root / rel).is_symlink()]


# --------------------------------------------------------------------------- data/grid.yaml


def _datasets(rd: Reader, top: Clean) -> dict[str, GridDataset]:
    out: dict[str, GridDataset] = {}
    for c in top.get("datasets", []):
        if c["id"] in out:
            rd.add(c.line_of("id"), c["id"], "id", "dataset id given twice (keep one)")
            continue
        out[c["id"]] = GridDataset(
            c["id"],
            c["name"],
            c["file"],
            c["gas"],
            c["method"],
            c["basis"],
            c["licence"],
            sources(c["sources"]),
            c.line,
        )
        if c["file"] not in (None, GRID_CSV):
            rd.add(
                c.line_of("file"),
                c["id"],
                "file",
                f"{c['file']!r}: figures come from {GRID_CSV} or, with null, from zones' figures",
            )
    comparable = top["comparable"]
    if comparable is not None and comparable not in out:
        rd.add(
            top.line_of("comparable"),
            "-",
            "comparable",
            f"no dataset {comparable!r} (datasets: {', '.join(out) or 'none'})",
        )
    return out


def _zone(rd: Reader, c: Clean) -> GridZone | None:
    zid, country = c["id"], c["country"]
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        rd.add(c.line_of(key), zid, key, message)
        ok = False

    if not (zid == country or zid.startswith(f"{country}-")):
        bad("id", f"{zid!r} does not start with its country's code {country!r} (e.g. {country}-XX)")
    if c["unit"] == "country" and (zid != country or c["parent"] is not None):
        bad("unit", f"a country zone has the country's code as id ({country}) and parent null")
    elif c["unit"] != "country" and c["parent"] != country:
        bad(
            "parent", f"{c['parent']!r}: a {c['unit']} zone's parent is its country zone, {country}"
        )
    for code in c.get("geonames_admin1", []):
        if not _ADMIN1_RE.match(code) or not code.startswith(f"{country}."):
            bad(
                "geonames_admin1",
                f"{code!r} is not a GeoNames admin1 code of {country} "
                f"(write {country}.<code>, e.g. {country}.01)",
            )
    for sub in c.get("subdivisions", []):
        if not sub.startswith(f"{country}-"):
            bad("subdivisions", f"{sub!r} is not an ISO 3166-2 code of {country}")
    if not ok:
        return None
    return GridZone(
        zid,
        c["name"],
        country,
        c["unit"],
        c["parent"],
        tuple(c.get("subdivisions", [])),
        tuple(c.get("geonames_admin1", [])),
        c["notes"],
        sources(c["sources"]),
        c.line,
    )


def _hand_figures(rd: Reader, c: Clean, datasets: dict[str, GridDataset]) -> list[GridFigure]:
    out: list[GridFigure] = []
    for f in c.get("figures", []):
        ds = datasets.get(f["dataset"])
        if f["year"].precision != "year":
            rd.add(
                f.line_of("year"),
                c["id"],
                "figures.year",
                f"{f['year'].text}: write the year the figure describes (YYYY or <=YYYY)",
            )
            continue
        if f["g_per_kwh"] < 0:
            rd.add(
                f.line_of("g_per_kwh"),
                c["id"],
                "figures.g_per_kwh",
                f"{f['g_per_kwh']:g} is below 0; write grams per kWh",
            )
            continue
        if any(g.dataset == f["dataset"] for g in out):
            rd.add(
                f.line_of("dataset"),
                c["id"],
                "figures.dataset",
                f"a second {f['dataset']} figure (keep one)",
            )
            continue
        if ds is None:
            rd.add(
                f.line_of("dataset"),
                c["id"],
                "figures.dataset",
                f"no dataset {f['dataset']!r} in datasets",
            )
            continue
        if ds.file is not None:
            rd.add(
                f.line_of("dataset"),
                c["id"],
                "figures.dataset",
                f"{ds.id}'s figures are the rows of {ds.file}; a hand-written figure names a "
                "dataset with file: null",
            )
            continue
        out.append(
            GridFigure(
                c["id"],
                ds.id,
                f["year"],
                f["g_per_kwh"],
                ds.gas,
                ds.method,
                ds.basis,
                ds.source_url,
                GRID_FILE_NAME,
                f.line,
            )
        )
    return out


def _assignment(
    rd: Reader, key: str, c: Clean, zones: dict[str, GridZone], declared: frozenset[str]
) -> Assignment | None:
    before = len(rd.problems)
    if not KEY_RE.match(key):
        rd.add(c.line, key, "assignments", f"{key!r} is not a region key; {KEY_HINT}")
    zone, admin1 = c["zone"], c["geonames_admin1"]
    if zone is None:
        if c["reason"] is None:
            rd.add(c.line_of("zone"), key, "reason", "missing: say why no zone is assigned")
        if admin1 is not None:
            rd.add(
                c.line_of("geonames_admin1"),
                key,
                "geonames_admin1",
                "given without a zone; remove it or assign the zone",
            )
    else:
        if c["reason"] is not None:
            rd.add(c.line_of("reason"), key, "reason", "only for zone: null; remove it")
        if not c.get("evidence"):
            rd.add(
                c.line_of("evidence"),
                key,
                "evidence",
                "missing: cite what places the region in the zone",
            )
        listed = zones.get(zone)
        if listed is None and zone not in declared:  # (a zone with problems is reported)
            known = ", ".join(sorted(declared)) or "none"
            rd.add(c.line_of("zone"), key, "zone", f"no zone {zone!r} in zones (known: {known})")
        elif listed is not None and admin1 is not None and admin1 not in listed.admin1:
            rd.add(
                c.line_of("geonames_admin1"),
                key,
                "geonames_admin1",
                f"{admin1} is not one of zone {zone}'s divisions "
                f"({', '.join(listed.admin1) or 'none listed'})",
            )
    if len(rd.problems) > before:
        return None
    return Assignment(
        key,
        zone,
        admin1,
        c["reason"],
        sources(c["evidence"]),
        c["notes"],
        c.line,
        dict(c.key_lines),
    )


@dataclass
class _GridYaml:
    comparable: str | None
    datasets: dict[str, GridDataset]
    zones: dict[str, GridZone]
    figures: list[GridFigure]
    assignments: dict[str, Assignment]
    declared: frozenset[str]  # every assignment key, valid or not
    problems: list[Problem]


def _read_grid_yaml(root: Path) -> _GridYaml:
    rd, top, doc = load(root, GRID_FILE_NAME, GRID_FILE.name)
    if top is None:  # unreadable: no region is reported as lacking an assignment
        return _GridYaml(None, {}, {}, [], {}, frozenset({GRID_FILE_NAME}), rd.problems)
    datasets = _datasets(rd, top)
    zones: dict[str, GridZone] = {}
    figures: list[GridFigure] = []
    for c in top.get("zones", []):
        if c["id"] in zones:
            rd.add(c.line_of("id"), c["id"], "id", "zone id given twice (keep one)")
            continue
        zone = _zone(rd, c)
        if zone is not None:
            zones[zone.id] = zone
            figures += _hand_figures(rd, c, datasets)
    for z in zones.values():
        if z.parent is not None and z.parent in zones and zones[z.parent].unit != "country":
            rd.add(z.line, z.id, "parent", f"{z.parent} is not a country zone")
    assignments = {}
    declared = declared_names(doc, "zones", ids=True)
    for key, c in (top.get("assignments") or {}).items():
        found = _assignment(rd, key, c, zones, declared)
        if found is not None:
            assignments[key] = found
    comparable = top["comparable"] if top["comparable"] in datasets else None
    return _GridYaml(
        comparable,
        datasets,
        zones,
        figures,
        assignments,
        declared_names(doc, "assignments"),
        rd.problems,
    )


# --------------------------------------------------------------------------- the CSV


def _read_csv(
    root: Path, datasets: dict[str, GridDataset]
) -> tuple[list[GridFigure], list[Problem]]:
    text, problems = read_text(root / GRID_CSV, GRID_CSV)
    if text is None:
        return [], problems
    out: list[GridFigure] = []
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != CSV_COLUMNS:
        head = ",".join(rows[0]) if rows else "nothing"
        fix = "rebuild it: cloudmap grid rebuild (see geo/GRID-PROVENANCE.md)"
        return [], [
            Problem(
                GRID_CSV,
                1,
                "-",
                "header",
                f"{head!r} is not the header {','.join(CSV_COLUMNS)}; {fix}",
            )
        ]
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows[1:], start=2):
        zid = row[0] if row else "-"

        def add(fld: str, message: str, n: int = n, zid: str = zid) -> None:
            problems.append(Problem(GRID_CSV, n, zid or "-", fld, message))

        if len(row) != len(CSV_COLUMNS):
            add("row", f"{len(row)} cells, expected {len(CSV_COLUMNS)}")
            continue
        cells = dict(zip(CSV_COLUMNS, row, strict=True))
        ds = datasets.get(cells["dataset"])
        if not _CODE_RE.match(zid):
            add("zone", f"{zid!r} is not a zone code (e.g. FR, US-VA)")
        elif ds is None or ds.file != GRID_CSV:
            listed = ", ".join(d.id for d in datasets.values() if d.file == GRID_CSV) or "none"
            add(
                "dataset",
                f"{cells['dataset']!r} is not a dataset of {GRID_CSV} in "
                f"{GRID_FILE_NAME} (listed: {listed})",
            )
        elif (zid, ds.id) in seen:
            add("zone", f"a second {ds.id} figure for {zid} (keep one)")
        else:
            seen.add((zid, ds.id))
            year = _int(cells["year"])
            value = _float(cells["g_per_kwh"])
            if year is None or not 1900 <= year <= 2199:
                add("year", f"{cells['year']!r} is not a year")
            elif value is None:
                add("g_per_kwh", f"{cells['g_per_kwh']!r} is not a figure in g/kWh (0 or more)")
            elif (cells["gas"], cells["method"], cells["basis"]) != (ds.gas, ds.method, ds.basis):
                add(
                    "method",
                    f"{cells['gas']}/{cells['method']}/{cells['basis']} differs from "
                    f"{ds.id}'s {ds.gas}/{ds.method}/{ds.basis} in {GRID_FILE_NAME}",
                )
            else:
                out.append(
                    GridFigure(
                        zid,
                        ds.id,
                        parse_date(str(year)),
                        value,
                        ds.gas,
                        ds.method,
                        ds.basis,
                        ds.source_url,
                        GRID_CSV,
                        n,
                    )
                )
    return out, problems


def _int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[0-9]{4}", text) else None


def _float(text: str) -> float | None:
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- entry point


def read_grid(root: Path) -> tuple[GridData, list[Problem]]:
    """The grid, jurisdiction and provider-energy records of the project at ``root`` and the
    problems found reading them (records with problems are left out). Missing files give
    empty tables."""
    root = Path(root)
    present = frozenset(rel for rel in FILES if (root / rel).exists() or (root / rel).is_symlink())
    problems: list[Problem] = []
    comparable: str | None = None
    datasets: dict[str, GridDataset] = {}
    zones: dict[str, GridZone] = {}
    figures: list[GridFigure] = []
    assignments: dict[str, Assignment] = {}
    declared: frozenset[str] = frozenset()
    if GRID_FILE_NAME in present:
        g = _read_grid_yaml(root)
        comparable, datasets, zones, figures, assignments = (
            g.comparable,
            g.datasets,
            g.zones,
            g.figures,
            g.assignments,
        )
        declared |= g.declared
        problems += g.problems
        if any(d.file == GRID_CSV for d in datasets.values()):
            if GRID_CSV in present:
                rows, found = _read_csv(root, datasets)
                figures += rows
                problems += found
            else:
                problems.append(
                    Problem(
                        GRID_CSV,
                        0,
                        "-",
                        "file",
                        "missing; rebuild it: cloudmap grid rebuild (see geo/GRID-PROVENANCE.md)",
                    )
                )
    by_zone: dict[str, list[GridFigure]] = {}
    for f in figures:
        by_zone.setdefault(f.zone, []).append(f)
    partitions: dict[str, Partition] = {}
    closed: tuple[str, ...] = ()
    defaults: dict[str, OperatorRule] = {}
    overrides: dict[str, OperatorRule] = {}
    if JURISDICTION_FILE_NAME in present:
        partitions, closed, defaults, overrides, named, found = read_jurisdiction(root)
        declared |= named
        problems += found
    energy_datasets: dict[str, EnergyDataset] = {}
    energy: dict[str, tuple[EnergyFigure, ...]] = {}
    if ENERGY_FILE_NAME in present:
        energy_datasets, energy, found = read_energy(root)
        problems += found
    data = GridData(
        comparable,
        datasets,
        zones,
        {z: tuple(fs) for z, fs in sorted(by_zone.items())},
        assignments,
        partitions,
        closed,
        defaults,
        overrides,
        energy_datasets,
        energy,
        present,
        declared,
    )
    return data, problems
