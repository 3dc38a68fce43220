"""Rebuild geo/grid-carbon.csv, byte for byte, from the grid figures that the PyPI package
codecarbon 3.3.2 ships (Ember via Our World in Data per country, EPA eGRID2023 per US state,
China's MEE 2023 provincial factors), with the inputs pinned by sha256 (see geo/GRID-PROVENANCE.md).
"""

from __future__ import annotations

__all__ = [
    "CODECARBON_VERSION",
    "COLUMNS",
    "DATASETS",
    "OUTPUT_NAME",
    "SOURCES",
    "Figure",
    "GridSource",
    "RebuildResult",
    "build_rows",
    "installed_source",
    "read_sources",
    "rebuild",
    "render_csv",
]

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypedDict

import pycountry

from cloudmap.errors import CloudmapError
from cloudmap.fsutil import atomic_write
from cloudmap.gridschema import CSV_COLUMNS

CODECARBON_VERSION = "3.3.2"
OUTPUT_NAME = "grid-carbon.csv"
LB_PER_MWH_TO_G_PER_KWH = 0.45359237  # 1 lb = 0.45359237 kg (exact); 1 kg/MWh = 1 g/kWh
MAX_BYTES = 64 * 2**20  # the wheel and each file read from it (the real ones: under 3 MB)
DECIMALS = 1  # figures are written in g/kWh with one decimal (no source is finer than that)

COLUMNS = CSV_COLUMNS


@dataclass(frozen=True)
class GridSource:
    """One pinned data file of the codecarbon package."""

    key: str  # short name used by the builder
    path: str  # path inside the wheel / site-packages
    sha256: str


SOURCES = {
    "countries": GridSource(
        "countries",
        "codecarbon/data/private_infra/global_energy_mix.json",
        "8f1053800210aa07cc6019cc422b0d34f47dd092f6351dd873445c2b8199a107",
    ),
    "us-states": GridSource(
        "us-states",
        "codecarbon/data/private_infra/2023/usa_emissions.json",
        "cb17a01fb1e5571fb9cf79edff093a69ad5ca32a01ef01e4db67de1fbed34318",
    ),
    "cn-provinces": GridSource(
        "cn-provinces",
        "codecarbon/data/private_infra/2023/china_provincial_emissions.json",
        "2e1153208ec484bdbe4066dc9f5debc28bce7c30d5f5a313908243039a1b594c",
    ),
}

# dataset id -> (gas, method, basis); the ids are explained in geo/GRID-PROVENANCE.md
DATASETS = {
    "ember-owid": ("CO2e", "life-cycle", "generation"),
    "epa-egrid2023": ("CO2e", "direct", "generation"),
    "mee-2023": ("CO2", "direct", "consumption"),
}


@dataclass(frozen=True)
class Figure:
    """One row of geo/grid-carbon.csv: a zone's annual grid carbon intensity from one dataset."""

    zone: str
    dataset: str
    year: int
    g_per_kwh: float
    source_file: str
    source_key: str

    def row(self) -> tuple[str, ...]:
        gas, method, basis = DATASETS[self.dataset]
        value = f"{round(self.g_per_kwh, DECIMALS):.{DECIMALS}f}"
        return (
            self.zone,
            self.dataset,
            str(self.year),
            value,
            gas,
            method,
            basis,
            self.source_file,
            self.source_key,
        )


# --------------------------------------------------------------------------- reading the inputs


def installed_source() -> Path | None:
    """The site-packages folder holding an installed codecarbon, or None if it is not installed.

    Only the distribution's files are located; codecarbon itself is never imported.
    """
    try:
        dist = metadata.distribution("codecarbon")
    except metadata.PackageNotFoundError:
        return None
    return Path(str(dist.locate_file("")))


def read_sources(source: Path) -> dict[str, bytes]:
    """The bytes of every pinned input, read from a codecarbon wheel or from a folder holding
    ``codecarbon/data/`` (site-packages, or an unpacked wheel); each checked against its sha256.
    Read with the bounded reader of outside input: a pipe or a device is refused, and so is a
    wheel or a member larger than any real one (a zip bomb is never inflated)."""
    from cloudmap.outside import Limits, read_input

    out: dict[str, bytes] = {}
    if source.is_dir():
        for key, src in SOURCES.items():
            path = source / src.path
            if not path.exists():
                raise CloudmapError(
                    f"{source}: has no {src.path}; pass the folder that holds codecarbon/"
                )
            out[key] = read_input(path, what="codecarbon data file", limits=Limits(MAX_BYTES))
    else:
        what = f"codecarbon {CODECARBON_VERSION} wheel"
        raw = read_input(source, what=what, limits=Limits(MAX_BYTES))
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as wheel:
                members = {info.filename: info for info in wheel.infolist()}
                for key, src in SOURCES.items():
                    info = members.get(src.path)
                    if info is None:
                        raise CloudmapError(f"{source}: has no {src.path} (not codecarbon?)")
                    if info.file_size > MAX_BYTES:
                        raise CloudmapError(
                            f"{source}: {src.path} would inflate to "
                            f"{info.file_size:,} bytes; not codecarbon's"
                        )
                    out[key] = wheel.read(src.path)
        except zipfile.BadZipFile:
            raise CloudmapError(
                f"{source}: not a wheel (zip) file; pass codecarbon-{CODECARBON_VERSION}-"
                "py3-none-any.whl or a folder holding codecarbon/data/"
            ) from None
    for key, data in out.items():
        digest = hashlib.sha256(data).hexdigest()
        if digest != SOURCES[key].sha256:
            raise CloudmapError(
                f"{source}: {SOURCES[key].path} has sha256 {digest}, expected "
                f"{SOURCES[key].sha256} (codecarbon {CODECARBON_VERSION}); another version needs "
                "a review of the figures and new pins in cloudmap.gridbuild.SOURCES"
            )
    return out


# --------------------------------------------------------------------------- rows


def _alpha2(alpha3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        raise CloudmapError(f"global_energy_mix.json: {alpha3!r} is not an ISO 3166-1 alpha-3 code")
    return str(country.alpha_2)


def _subdivision(code: str) -> str:
    known: Any = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    if known is None:
        raise CloudmapError(f"{code!r} is not an ISO 3166-2 code known to pycountry")
    return code


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CloudmapError(f"{where}: expected a number, found {value!r}")
    return float(value)


def _year(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CloudmapError(f"{where}: expected a year, found {value!r}")
    return value


def build_rows(sources: dict[str, bytes]) -> list[Figure]:
    """Every figure of the pinned inputs, sorted by zone then dataset."""
    rows: list[Figure] = []
    countries = json.loads(sources["countries"])
    file = SOURCES["countries"].path.rsplit("/", 1)[1]
    for alpha3, rec in countries.items():
        where = f"{file}: {alpha3}"
        if rec.get("carbon_intensity") is None:
            continue  # no figure for this country in the package
        rows.append(
            Figure(
                _alpha2(alpha3),
                "ember-owid",
                _year(rec.get("year"), f"{where}: year"),
                _number(rec["carbon_intensity"], f"{where}: carbon_intensity"),
                file,
                alpha3,
            )
        )
    states = json.loads(sources["us-states"])
    file = SOURCES["us-states"].path.rsplit("/", 1)[1]
    meta = states.get("_source", {})
    if meta.get("field") != "STC2ERTA" or states.get("_unit", {}).get("emissions") != "lbs/MWh":
        raise CloudmapError(f"{file}: expected eGRID field STC2ERTA in lbs/MWh, found {meta!r}")
    year = _year(meta.get("year"), f"{file}: _source.year")
    for name, rec in states.items():
        if name.startswith("_"):
            continue
        code = rec.get("regionCode")
        zone = "US" if name == "usa" else _subdivision(f"US-{code}")
        lb = _number(rec.get("emissions"), f"{file}: {name}: emissions")
        rows.append(Figure(zone, "epa-egrid2023", year, lb * LB_PER_MWH_TO_G_PER_KWH, file, name))
    provinces = json.loads(sources["cn-provinces"])
    file = SOURCES["cn-provinces"].path.rsplit("/", 1)[1]
    for code, rec in provinces["data"].items():
        where = f"{file}: {code}"
        if rec.get("unit") != "gCO2/kWh":
            raise CloudmapError(f"{where}: expected unit gCO2/kWh, found {rec.get('unit')!r}")
        rows.append(
            Figure(
                _subdivision(code),
                "mee-2023",
                _year(rec.get("year"), f"{where}: year"),
                _number(rec.get("emission_factor"), f"{where}: emission_factor"),
                file,
                code,
            )
        )
    rows.sort(key=lambda f: (f.zone, f.dataset))
    keys = [(f.zone, f.dataset) for f in rows]
    if len(set(keys)) != len(keys):
        raise CloudmapError("two figures for the same zone and dataset in the inputs")
    return rows


def render_csv(rows: list[Figure]) -> bytes:
    """The CSV bytes: a header, one row per figure, LF line ends, no quoting needed (checked)."""
    lines = [",".join(COLUMNS)]
    for figure in rows:
        cells = figure.row()
        for cell in cells:
            if any(c in cell for c in ',"\r\n'):
                raise CloudmapError(f"grid figure {figure.zone}: cell {cell!r} would need quoting")
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


class RebuildResult(TypedDict):
    output: str
    sha256: str  # of the file written
    rows: int
    inputs: dict[str, str]  # path in the package -> sha256


def rebuild(source: Path, out: Path) -> RebuildResult:
    """Write ``out`` (geo/grid-carbon.csv) from a codecarbon wheel or installed folder; returns
    the output's sha256, its row count and the inputs' sha256."""
    rows = build_rows(read_sources(source))
    data = render_csv(rows)
    atomic_write(out, data)
    return {
        "output": str(out),
        "sha256": hashlib.sha256(data).hexdigest(),
        "rows": len(rows),
        "inputs": {SOURCES[k].path: SOURCES[k].sha256 for k in SOURCES},
    }
