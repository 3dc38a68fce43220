"""The grid and jurisdiction tables as typed, frozen records: grid datasets, zones and their
annual carbon figures, the zone of each region in a country with sub-national zones, operators
and partitions, and providers' own per-region figures (built by cloudmap.gridread)."""

from __future__ import annotations

__all__ = [
    "EMPTY",
    "Assignment",
    "EnergyDataset",
    "EnergyFigure",
    "GridData",
    "GridDataset",
    "GridFigure",
    "GridZone",
    "MethodPeriod",
    "OperatorRule",
    "Partition",
]

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from cloudmap.countries import get_name
from cloudmap.dates import PartialDate
from cloudmap.gridschema import GRID_FILE_NAME, JURISDICTION_FILE_NAME
from cloudmap.model import Source, frozen


@dataclass(frozen=True)
class GridDataset:
    """A published series of annual grid carbon intensities (``datasets`` of data/grid.yaml)."""

    id: str
    name: str
    file: str | None  # geo/grid-carbon.csv, or None: figures written by hand in zones
    gas: str  # CO2e or CO2
    method: str  # life-cycle or direct
    basis: str  # generation or consumption
    licence: str
    sources: tuple[Source, ...]
    line: int = 0

    @property
    def source_url(self) -> str:
        """The dataset's first source: where its figures are published."""
        return self.sources[0].url if self.sources else ""


@dataclass(frozen=True)
class GridFigure:
    """One zone's annual grid carbon intensity from one dataset."""

    zone: str
    dataset: str
    year: PartialDate  # a year, or "no later than" a year
    g_per_kwh: float
    gas: str
    method: str
    basis: str
    source_url: str  # the dataset's source
    file: str  # where the figure is written (data/grid.yaml or geo/grid-carbon.csv)
    line: int = 0


@dataclass(frozen=True)
class GridZone:
    """A grid zone: a country (id = its ISO alpha-2 code) or a sub-national zone."""

    id: str
    name: str
    country: str
    unit: str  # country, state, province, nga-state
    parent: str | None  # the country zone of a sub-national zone
    subdivisions: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()  # GeoNames admin1 codes (CC.code) of the areas it covers
    notes: str | None = None
    sources: tuple[Source, ...] = ()
    line: int = 0  # 0: a country zone not listed in data/grid.yaml


@dataclass(frozen=True)
class Assignment:
    """The zone a region in a split country draws from (``assignments`` of data/grid.yaml)."""

    region: str  # provider:region-id
    zone: str | None
    admin1: str | None
    reason: str | None  # why zone is None
    evidence: tuple[Source, ...]
    notes: str | None
    line: int
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class Partition:
    id: str
    meaning: str


@dataclass(frozen=True)
class OperatorRule:
    """Who operates a provider's regions (a default, keyed by provider id) or one region (an
    override, keyed ``provider:region-id``), and whose law governs the operator."""

    key: str
    operator: str | None  # None: a partner runs it, but no citable source names it
    reason: str | None
    jurisdictions: tuple[str, ...]  # the operator's and its group's (the host country apart)
    partition: str
    notes: str | None
    sources: tuple[Source, ...]
    line: int
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class MethodPeriod:
    since: int
    method: str
    column: str


@dataclass(frozen=True)
class EnergyDataset:
    """A provider's published per-region series (``datasets`` of data/provider-energy.yaml)."""

    id: str
    provider: str
    name: str
    measures: str
    methods: tuple[MethodPeriod, ...]
    licence: str
    sources: tuple[Source, ...]
    line: int = 0

    def method(self, year: int) -> str | None:
        """The method of the series' intensity in ``year`` (None before its first period)."""
        found = None
        for period in sorted(self.methods, key=lambda p: p.since):
            if period.since <= year:
                found = period.method
        return found


@dataclass(frozen=True)
class EnergyFigure:
    """One year of a provider's own figures for one of its regions."""

    region: str  # provider:region-id
    year: int
    dataset: str
    cfe_share: float | None
    grid_g_per_kwh: float | None
    source: Source
    line: int = 0


@dataclass(frozen=True)
class GridData:
    """Every grid, jurisdiction and provider-energy record of a project (empty tables for the
    files it does not have). Immutable."""

    comparable: str | None = None  # the dataset regions are compared by
    datasets: Mapping[str, GridDataset] = field(default_factory=dict)  # in preference order
    zones: Mapping[str, GridZone] = field(default_factory=dict)  # listed in data/grid.yaml
    figures: Mapping[str, tuple[GridFigure, ...]] = field(default_factory=dict)  # by zone id
    assignments: Mapping[str, Assignment] = field(default_factory=dict)
    partitions: Mapping[str, Partition] = field(default_factory=dict)
    jurisdictions: tuple[str, ...] = ()  # the closed list
    defaults: Mapping[str, OperatorRule] = field(default_factory=dict)  # by provider id
    overrides: Mapping[str, OperatorRule] = field(default_factory=dict)  # by provider:region
    energy_datasets: Mapping[str, EnergyDataset] = field(default_factory=dict)
    energy: Mapping[str, tuple[EnergyFigure, ...]] = field(default_factory=dict)  # by region
    files: frozenset[str] = frozenset()  # which of cloudmap.gridschema.FILES the project has
    # every assignment key and default provider id the files declare, valid or not (and the
    # name of a file that could not be read at all): checks against them keep one bad record
    # from cascading into "missing" elsewhere
    declared: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in (
            "datasets",
            "zones",
            "assignments",
            "partitions",
            "defaults",
            "overrides",
            "energy_datasets",
        ):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        for name in ("figures", "energy", "jurisdictions"):
            object.__setattr__(self, name, frozen(getattr(self, name)))

    @property
    def has_grid(self) -> bool:
        """Whether the project has data/grid.yaml (zones are known at all)."""
        return GRID_FILE_NAME in self.files

    @property
    def has_jurisdiction(self) -> bool:
        return JURISDICTION_FILE_NAME in self.files

    @cached_property
    def split_countries(self) -> frozenset[str]:
        """Countries with sub-national zones: a region there needs an assignment."""
        return frozenset(z.country for z in self.zones.values() if z.parent is not None)

    def zone(self, zone_id: str) -> GridZone | None:
        """The zone with this id: a listed one, or a country's own zone (id = its ISO alpha-2
        code); None for an unknown id."""
        listed = self.zones.get(zone_id)
        if listed is not None:
            return listed
        name = get_name(zone_id) if len(zone_id) == 2 else None
        if name is None:
            return None
        return GridZone(zone_id, name, zone_id, "country", None)

    def own_figure(self, zone_id: str) -> GridFigure | None:
        """The zone's own figure: from the first dataset (in preference order) that has one."""
        mine = {f.dataset: f for f in self.figures.get(zone_id, ())}
        return next((mine[d] for d in self.datasets if d in mine), None)

    def figure(self, zone_id: str, dataset: str) -> GridFigure | None:
        """The zone's figure from one dataset, or None."""
        return next((f for f in self.figures.get(zone_id, ()) if f.dataset == dataset), None)


EMPTY = GridData()
