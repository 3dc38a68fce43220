"""The formats of the grid and jurisdiction files: data/grid.yaml (grid zones, their figures and
where each region draws from), data/jurisdiction.yaml (operators, partitions, jurisdictions) and
data/provider-energy.yaml (providers' own figures), as record specs like cloudmap.schema's; the
reader checks the files against them and docs/catalog-format.md's grid tables come from them.
"""

from __future__ import annotations

__all__ = [
    "BASES",
    "CSV_COLUMNS",
    "DOC_BEGIN",
    "DOC_END",
    "ENERGY_FILE",
    "ENERGY_FILE_NAME",
    "FILES",
    "GASES",
    "GRID_CSV",
    "GRID_FILE",
    "GRID_FILE_NAME",
    "GRID_RECORDS",
    "JURISDICTION_FILE",
    "JURISDICTION_FILE_NAME",
    "METHODS",
    "UNITS",
    "markdown",
    "update_doc",
]

from pathlib import Path

from cloudmap import schema
from cloudmap.schema import RECORDS, Key, Record

GRID_FILE_NAME = "data/grid.yaml"
JURISDICTION_FILE_NAME = "data/jurisdiction.yaml"
ENERGY_FILE_NAME = "data/provider-energy.yaml"
GRID_CSV = "geo/grid-carbon.csv"
# Every file the grid and jurisdiction facts are read from (each optional: a project without
# data/grid.yaml has no grid zones, one without data/jurisdiction.yaml no operators).
FILES = (GRID_FILE_NAME, JURISDICTION_FILE_NAME, ENERGY_FILE_NAME, GRID_CSV)
# geo/grid-carbon.csv's columns (written by cloudmap.gridbuild, see geo/GRID-PROVENANCE.md)
CSV_COLUMNS = (
    "zone",
    "dataset",
    "year",
    "g_per_kwh",
    "gas",
    "method",
    "basis",
    "source_file",
    "source_key",
)

METHODS = ("life-cycle", "direct")  # life-cycle: upstream and supply chain counted; direct: stack
GASES = ("CO2e", "CO2")
BASES = ("generation", "consumption")  # what the kWh are: generated in the zone, or consumed
UNITS = ("country", "state", "province", "nga-state")

_DATE = "`YYYY`, or `<=YYYY` when only a bound is known"

GRID_DATASET = Record(
    "grid dataset",
    "A published series of annual grid carbon intensities; listed in order of preference.",
    (
        Key("id", "id", "dataset id, e.g. `ember-owid` (geo/grid-carbon.csv's `dataset`)", True),
        Key(
            "file",
            "line",
            "`geo/grid-carbon.csv` when its figures are that file's rows (rebuilt by `cloudmap "
            "grid rebuild`); null when they are written by hand in zones' `figures`",
            True,
            nullable=True,
        ),
        Key("name", "line", "publisher and title", True),
        Key("gas", "enum", "what is counted: all greenhouse gases (CO2e) or CO2 only", True, GASES),
        Key(
            "method",
            "enum",
            "life-cycle (upstream and supply chain included) or direct (at the plants)",
            True,
            METHODS,
        ),
        Key("basis", "enum", "electricity generated in the zone, or consumed there", True, BASES),
        Key("licence", "line", "the figures' licence", True),
        Key(
            "sources", "list of source", "where the series and its definitions are published", True
        ),
    ),
)
GRID_FIGURE = Record(
    "grid figure",
    "One hand-written annual figure of a zone.",
    (
        Key("dataset", "id", "id of a `datasets` entry whose `file` is null", True),
        Key("year", "date", f"the year it describes: {_DATE}", True),
        Key("g_per_kwh", "number", "grams per kWh, 0 or more (gas as the dataset says)", True),
        Key("source_row", "line", "the row or label of the source table it is read from"),
    ),
    "figures.",
)
GRID_ZONE = Record(
    "grid zone",
    "A grid zone finer than a country (or a country zone with hand-written figures).",
    (
        Key("id", "code", "zone id: ISO 3166-2 based, e.g. `US-VA`, `AU-NSW-ACT`", True),
        Key("name", "line", "English name", True),
        Key("country", "country", "the country it lies in", True),
        Key("unit", "enum", "what kind of area it is", True, UNITS),
        Key(
            "parent",
            "code",
            "the country zone whose figure stands in (labelled as the country's) when the zone "
            "has none; null for a country zone",
            True,
            nullable=True,
        ),
        Key("subdivisions", "list of code", "ISO 3166-2 codes of the areas it covers"),
        Key(
            "geonames_admin1",
            "list of line",
            "GeoNames first-level division codes (`CC.code`, e.g. `US.VA`) of those areas: a "
            "region's GeoNames city must lie in one of them",
        ),
        Key("figures", "list of grid figure", "hand-written figures (the CSV's rows add to them)"),
        Key("notes", "text", "caveats and unknowns, e.g. why there is no figure"),
        Key("sources", "list of source", "sources for the zone and its figures", True),
    ),
)
GRID_ASSIGNMENT = Record(
    "grid assignment",
    "Which zone a region in a country with sub-national zones draws from, keyed "
    '`"provider:region-id"`.',
    (
        Key(
            "zone",
            "code",
            "a zone of the region's country; null when the evidence places the region in none",
            True,
            nullable=True,
        ),
        Key(
            "geonames_admin1",
            "line",
            "the GeoNames admin1 code (`CC.code`) of the region's city, when it has one",
        ),
        Key("reason", "text", "why there is no zone (required when `zone` is null)"),
        Key("evidence", "list of source", "what places the region (required with a zone)"),
        Key("notes", "text", "caveats"),
    ),
)
GRID = Record(
    "grid file",
    "`data/grid.yaml`: grid datasets, zones and the zone of each region in split countries.",
    (
        Key(
            "comparable",
            "id",
            "the dataset every ranking, filter and average compares regions by: each region's "
            "country figure from it (one method for all regions)",
            True,
        ),
        Key("datasets", "list of grid dataset", "the datasets, in order of preference", True),
        Key("zones", "list of grid zone", "zones finer than a country, and their countries", True),
        Key("assignments", "map of grid assignment", "per `provider:region-id`: its zone"),
    ),
)
PARTITION = Record(
    "partition",
    "A partition of the closed list.",
    (
        Key("id", "id", "partition id, e.g. `commercial`", True),
        Key("meaning", "text", "what it means", True),
    ),
)
OPERATOR = Record(
    "operator",
    "Who operates a provider's regions (its default), or one region (an override).",
    (
        Key(
            "operator",
            "line",
            "the operating company; null (overrides only) when a partner runs it but no "
            "citable source names it",
            True,
            nullable=True,
        ),
        Key("reason", "text", "why the operator is null"),
        Key(
            "jurisdictions",
            "list of country",
            "where the operator and its controlling group are incorporated or headquartered "
            "(from the closed `jurisdictions` list; the host country is added by the reader)",
            True,
        ),
        Key("partition", "id", "its partition (from `partitions`)", True),
        Key("notes", "text", "caveats"),
        Key("sources", "list of source", "sources", True),
    ),
)
JURISDICTION = Record(
    "jurisdiction file",
    "`data/jurisdiction.yaml`: operators, partitions and jurisdictions.",
    (
        Key("partitions", "list of partition", "the closed list of partitions", True),
        Key("jurisdictions", "list of country", "the closed list of jurisdiction codes", True),
        Key("defaults", "map of operator", "per provider id: its default operator", True),
        Key("overrides", "map of operator", "per `provider:region-id`: a different operator"),
    ),
)
METHOD_PERIOD = Record(
    "method period",
    "The method of a provider's series from a year on.",
    (
        Key("since", "year", "first year it applies to", True),
        Key("method", "enum", "life-cycle or direct", True, METHODS),
        Key("column", "line", "the column title the publisher uses", True),
    ),
    "methods.",
)
ENERGY_DATASET = Record(
    "energy dataset",
    "A provider's published series of per-region figures.",
    (
        Key("id", "id", "dataset id", True),
        Key("provider", "id", "the provider publishing it", True),
        Key("name", "line", "title", True),
        Key("measures", "text", "what each value measures", True),
        Key("methods", "list of method period", "the intensity's method by year", True),
        Key("licence", "line", "licence", True),
        Key("sources", "list of source", "sources", True),
    ),
)
ENERGY_FIGURE = Record(
    "energy figure",
    "One year of a provider's figures for one region.",
    (
        Key("year", "year", "the year described", True),
        Key("dataset", "id", "id of a `datasets` entry", True),
        Key(
            "cfe_share",
            "share",
            "carbon-free energy share as the provider counts it",
            True,
            nullable=True,
        ),
        Key(
            "grid_g_per_kwh",
            "number",
            "the grid's intensity as the provider states it (gCO2e/kWh, 0 or more)",
            True,
            nullable=True,
        ),
        Key("source", "source", "the row it is read from", True),
    ),
)
ENERGY = Record(
    "provider energy file",
    "`data/provider-energy.yaml`: providers' own per-region figures, apart from grid figures.",
    (
        Key("datasets", "list of energy dataset", "the published series", True),
        Key("figures", "map of list of energy figure", "per `provider:region-id`: its rows", True),
    ),
)

GRID_RECORDS: dict[str, Record] = {
    **RECORDS,
    **{
        r.name: r
        for r in (
            GRID_DATASET,
            GRID_FIGURE,
            GRID_ZONE,
            GRID_ASSIGNMENT,
            GRID,
            PARTITION,
            OPERATOR,
            JURISDICTION,
            METHOD_PERIOD,
            ENERGY_DATASET,
            ENERGY_FIGURE,
            ENERGY,
        )
    },
}
GRID_FILE, JURISDICTION_FILE, ENERGY_FILE = GRID, JURISDICTION, ENERGY

DOC_BEGIN = "<!-- grid fields: generated from cloudmap.gridschema; do not edit by hand -->"
DOC_END = "<!-- end of generated grid fields -->"


def markdown() -> str:
    """The field tables of the grid and jurisdiction files' records, as Markdown."""
    own = {k: v for k, v in GRID_RECORDS.items() if k not in RECORDS}
    return schema.markdown(own, DOC_BEGIN, DOC_END)


def update_doc(path: Path) -> bool:
    """Rewrite the generated grid tables in ``path`` (docs/catalog-format.md); True if changed."""
    own = {k: v for k, v in GRID_RECORDS.items() if k not in RECORDS}
    return schema.update_doc(path, own, DOC_BEGIN, DOC_END)
