"""What the grid and jurisdiction tables say about one region on a date: its grid zone, the
carbon figure to show (its zone's own, else its country's, marked so), the comparable figure
every ranking uses, the provider's own figures, its operator, partition and jurisdictions; the
filters that select regions by them; and the zone-weighted carbon figure of a set of regions.

The comparison rule (README, "Grid and jurisdiction"): figures of different methods, gases or
bases are never compared. Every ranking, filter and average uses ``carbon``: the region's
country figure from the one ``comparable`` dataset of data/grid.yaml (Ember's life-cycle CO2e
per country), the same method for every region. ``figure``, the finest figure known (a US
state's, a Chinese province's), is shown beside it with its own method, gas and dataset; it
only breaks ties between regions of one country whose zone figures come from the same dataset.
"""

from __future__ import annotations

__all__ = [
    "CARBON_BANDS",
    "NO_FILTER",
    "CarbonFigure",
    "CarbonMean",
    "GridPopup",
    "Jurisdiction",
    "ProviderEnergy",
    "RegionFilter",
    "RegionGrid",
    "carbon_band",
    "carbon_mean",
    "country_carbon",
    "make_filter",
    "place_grid",
    "popup",
    "rank_key",
    "zone_weight",
]

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from cloudmap.countries import get_name
from cloudmap.errors import CloudmapError
from cloudmap.grid import GridData, GridFigure, OperatorRule
from cloudmap.gridschema import GRID_FILE_NAME, JURISDICTION_FILE_NAME
from cloudmap.model import Region, Source


@dataclass(frozen=True)
class CarbonFigure:
    """An annual grid carbon intensity as shown for a region."""

    g_per_kwh: float
    year: int
    year_qualifier: str | None  # "no later than" when only a bound of the year is known
    zone: str  # the zone whose figure it is (the region's zone, or its country)
    level: str  # "zone": its zone's own figure; "country": its country's, standing in
    dataset: str
    method: str  # life-cycle or direct
    gas: str  # CO2e or CO2
    basis: str  # generation or consumption
    source_url: str


@dataclass(frozen=True)
class ProviderEnergy:
    """The provider's own published figures for the region (kept apart from grid figures)."""

    cfe_share: float | None  # carbon-free energy share, as the provider counts it
    grid_g_per_kwh: float | None  # the grid's intensity as the provider states it
    year: int
    method: str | None
    dataset: str
    source_url: str


@dataclass(frozen=True)
class Jurisdiction:
    """Who operates the region and whose law governs the operator."""

    operator: str | None  # the operating company when not the provider itself, else None
    operator_unknown: str | None  # why the operator is unknown (a partner no source names)
    partition: str | None  # commercial, government, china, sovereign; None: not recorded
    jurisdictions: tuple[str, ...]  # the operator's and its group's, and the host country
    complete: bool  # False: the operator is unknown, so other jurisdictions may apply
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class RegionGrid:
    """The grid and jurisdiction facts of one region (or announced site) on a date."""

    region: str  # provider:region-id
    zone: str | None
    zone_name: str | None
    zone_reason: str | None  # why there is no zone
    figure: CarbonFigure | None  # the finest figure known: the zone's own, else the country's
    carbon: CarbonFigure | None  # the comparable figure (the country's, one dataset for all)
    energy: ProviderEnergy | None
    jurisdiction: Jurisdiction


def _figure(f: GridFigure, level: str) -> CarbonFigure:
    return CarbonFigure(
        f.g_per_kwh,
        f.year.effective.year,
        f.year.qualifier,
        f.zone,
        level,
        f.dataset,
        f.method,
        f.gas,
        f.basis,
        f.source_url,
    )


def country_carbon(grid: GridData, country: str) -> CarbonFigure | None:
    """The country's comparable figure: from the dataset ``comparable`` names, or None."""
    found = grid.figure(country, grid.comparable) if grid.comparable else None
    return _figure(found, "country") if found is not None else None


def _jurisdiction(grid: GridData, provider: str, key: str | None, country: str) -> Jurisdiction:
    default = grid.defaults.get(provider)
    rule: OperatorRule | None = grid.overrides.get(key) if key else None
    rule = rule or default
    if rule is None:
        why = (
            f"{JURISDICTION_FILE_NAME} has no default operator for {provider}"
            if grid.has_jurisdiction
            else f"the project has no {JURISDICTION_FILE_NAME}"
        )
        return Jurisdiction(None, why, None, (country,), False, ())
    own = default.operator if default is not None else None
    operator = None if rule.operator is None or rule.operator == own else rule.operator
    codes = tuple(sorted({*rule.jurisdictions, country}))
    return Jurisdiction(
        operator, rule.reason, rule.partition, codes, rule.operator is not None, rule.sources
    )


def _energy(grid: GridData, key: str, on: dt.date) -> ProviderEnergy | None:
    """The latest year of the provider's figures before the view's year (a year's figures are
    published after it ends)."""
    rows = [f for f in grid.energy.get(key, ()) if f.year < on.year]
    if not rows:
        return None
    f = max(rows, key=lambda f: (f.year, f.dataset))
    ds = grid.energy_datasets[f.dataset]
    return ProviderEnergy(
        f.cfe_share, f.grid_g_per_kwh, f.year, ds.method(f.year), f.dataset, f.source.url
    )


def place_grid(
    grid: GridData, provider: str, key: str, country: str, on: dt.date, *, site: bool = False
) -> RegionGrid:
    """The facts of region ``key`` (``provider:id``) in ``country`` on ``on``; ``site``: an
    announced site (no zone assignment or override of its own: its country's zone, its
    provider's default operator)."""
    zone_id: str | None = None
    reason: str | None = None
    found = None if site else grid.assignments.get(key)
    if not grid.has_grid:
        reason = f"the project has no {GRID_FILE_NAME}"
    elif found is not None:
        zone_id, reason = found.zone, found.reason
    elif country in grid.split_countries:
        reason = (
            f"an announced site in {country}, which has sub-national zones, is placed in none"
            if site
            else f"no assignment in {GRID_FILE_NAME}"
        )
    else:
        zone_id = country
    zone = grid.zone(zone_id) if zone_id is not None else None
    own = grid.own_figure(zone.id) if zone is not None else None
    figure: CarbonFigure | None = None
    if own is not None:
        figure = _figure(own, "zone")
    else:
        stand_in = grid.own_figure(country) if grid.has_grid else None
        figure = _figure(stand_in, "country") if stand_in is not None else None
    return RegionGrid(
        key,
        zone.id if zone is not None else None,
        zone.name if zone is not None else None,
        reason if zone is None else None,
        figure,
        country_carbon(grid, country),
        None if site else _energy(grid, key, on),
        _jurisdiction(grid, provider, None if site else key, country),
    )


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class RegionFilter:
    """Regions (and announced sites) a view keeps: a value unknown never passes a filter."""

    max_carbon: float | None = None  # the comparable figure (g/kWh) at most this
    exclude_jurisdictions: tuple[str, ...] = ()  # no such jurisdiction, and all of them known
    partitions: tuple[str, ...] = ()  # in one of these partitions

    @property
    def active(self) -> bool:
        return bool(self.max_carbon is not None or self.exclude_jurisdictions or self.partitions)

    def passes(self, facts: RegionGrid) -> bool:
        if self.max_carbon is not None and (
            facts.carbon is None or facts.carbon.g_per_kwh > self.max_carbon
        ):
            return False
        j = facts.jurisdiction
        if self.exclude_jurisdictions and (
            not j.complete or set(j.jurisdictions) & set(self.exclude_jurisdictions)
        ):
            return False
        return not self.partitions or j.partition in self.partitions

    def describe(self) -> str:
        """The filters in words, e.g. ``grid carbon <= 300 g/kWh, no CN jurisdiction``."""
        parts = []
        if self.max_carbon is not None:
            parts.append(f"grid carbon <= {self.max_carbon:g} g/kWh")
        if self.exclude_jurisdictions:
            parts.append(f"no {'/'.join(self.exclude_jurisdictions)} jurisdiction")
        if self.partitions:
            parts.append(f"partition {' or '.join(self.partitions)}")
        return ", ".join(parts)


NO_FILTER = RegionFilter()


def _codes(value: str | Sequence[str] | None) -> list[str]:
    items = [value] if isinstance(value, str) else list(value or ())
    return [p.strip() for item in items for p in str(item).split(",") if p.strip()]


def make_filter(
    grid: GridData,
    *,
    max_carbon: float | None = None,
    exclude_jurisdictions: str | Sequence[str] | None = None,
    partitions: str | Sequence[str] | None = None,
) -> RegionFilter:
    """A checked filter: a figure of 0 or more, ISO alpha-2 codes, known partitions
    (``CloudmapError`` naming the bad value otherwise)."""
    if max_carbon is not None and not 0 <= max_carbon < 1e6:
        raise CloudmapError(f"maximum grid carbon {max_carbon:g}: give grams per kWh, 0 or more")
    codes = []
    for code in _codes(exclude_jurisdictions):
        if get_name(code.upper()) is None:
            raise CloudmapError(f"{code!r} is not an ISO 3166-1 alpha-2 country code (e.g. CN)")
        codes.append(code.upper())
    wanted = []
    for p in _codes(partitions):
        if p.lower() not in grid.partitions:
            known = (
                ", ".join(grid.partitions) or f"none: the project has no {JURISDICTION_FILE_NAME}"
            )
            raise CloudmapError(f"unknown partition {p!r} (known: {known})")
        wanted.append(p.lower())
    return RegionFilter(max_carbon, tuple(sorted(set(codes))), tuple(sorted(set(wanted))))


# --------------------------------------------------------------------------- comparing


def rank_key(facts: RegionGrid) -> tuple[float, int, str, float, str]:
    """How regions rank from cleanest: by the comparable figure (unknown last); among regions
    of one country (equal comparable figures), those with a sub-national zone figure first,
    ordered by it within its dataset (so only figures of one dataset are compared); then by key.
    """
    inf = float("inf")
    c = facts.carbon.g_per_kwh if facts.carbon is not None else inf
    f = facts.figure
    if f is not None and f.level == "zone" and "-" in f.zone:  # a sub-national zone's own
        return c, 0, f.dataset, f.g_per_kwh, facts.region
    return c, 1, "", inf, facts.region


class CarbonMean(TypedDict):
    """A zone-weighted mean of the comparable figure over a set of regions."""

    g_per_kwh: float | None  # None: no weighed zone has a figure
    dataset: str | None  # the comparable dataset
    method: str | None
    gas: str | None
    zones: int  # zones weighed (their region has a figure)
    zones_without_figure: int  # zones whose region has none (left out of the mean)
    weighted_as_one: list[str]  # regions whose zone count is unknown, weighed as one zone


def zone_weight(region: Region, on: dt.date) -> tuple[int, bool]:
    """A live region's weight: its live zones; one when its zone count is not known and none
    is (a live region has at least one). Second: whether it was weighed as one that way."""
    n = len(region.live_zones(on))
    if n == 0 and not region.zones_known(on):
        return 1, True
    return n, False


def carbon_mean(
    regions: Iterable[Region], on: dt.date, facts: Mapping[str, RegionGrid], grid: GridData
) -> CarbonMean:
    """The zone-weighted mean of the regions' comparable figures on ``on`` (one decimal)."""
    total = weight = missing = 0.0
    as_one: list[str] = []
    methods = set()
    for r in regions:
        w, one = zone_weight(r, on)
        if one:
            as_one.append(r.key)
        c = facts[r.key].carbon
        if c is None:
            missing += w
            continue
        total += w * c.g_per_kwh
        weight += w
        methods.add((c.dataset, c.method, c.gas))
    ds = grid.datasets.get(grid.comparable) if grid.comparable else None
    return {
        "g_per_kwh": round(total / weight, 1) if weight else None,
        "dataset": ds.id if ds else None,
        "method": ds.method if ds else None,
        "gas": ds.gas if ds else None,
        "zones": int(weight),
        "zones_without_figure": int(missing),
        "weighted_as_one": sorted(as_one),
    }


# --------------------------------------------------------------------------- for the map

# Map shading of the comparable figure: (upper bound inclusive, label); the last is open-ended.
CARBON_BANDS: tuple[tuple[float, str], ...] = (
    (100.0, "≤100 g"),
    (250.0, "100–250 g"),
    (400.0, "250–400 g"),
    (550.0, "400–550 g"),
    (float("inf"), ">550 g"),
)
NO_FIGURE = "no figure"


def carbon_band(g_per_kwh: float | None) -> str:
    """The shading band of a comparable figure (g/kWh), or ``no figure``."""
    if g_per_kwh is None:
        return NO_FIGURE
    return next(label for upper, label in CARBON_BANDS if g_per_kwh <= upper)


class GridPopup(TypedDict):
    """What a map shows of a region's grid and jurisdiction (plain values, JSON-ready)."""

    zone: str | None
    zone_name: str | None
    zone_reason: str | None  # why there is no zone
    carbon: float | None  # the comparable figure: shade and compare by this one
    carbon_year: int | None
    carbon_band: str  # CARBON_BANDS label, or "no figure"
    figure: float | None  # the finest figure, with its own method: shown, never compared
    figure_level: str | None  # "zone", or "country" (the country's figure stands in)
    figure_zone: str | None
    figure_year: str | None  # "2023", or "≤2024" for a bound
    figure_method: str | None
    figure_gas: str | None
    figure_dataset: str | None
    cfe_share: float | None  # the provider's own carbon-free energy share
    cfe_year: int | None
    operator: str | None  # None: the provider itself (unless operator_unknown)
    operator_unknown: str | None
    partition: str | None
    jurisdictions: list[str]
    jurisdictions_complete: bool


def popup(g: RegionGrid) -> GridPopup:
    """The region's facts as the map shows them (``View.grid_popups`` holds every region's)."""
    c, f, e, j = g.carbon, g.figure, g.energy, g.jurisdiction
    year = None
    if f is not None:
        year = f"≤{f.year}" if f.year_qualifier else str(f.year)
    return {
        "zone": g.zone,
        "zone_name": g.zone_name,
        "zone_reason": g.zone_reason,
        "carbon": c.g_per_kwh if c else None,
        "carbon_year": c.year if c else None,
        "carbon_band": carbon_band(c.g_per_kwh if c else None),
        "figure": f.g_per_kwh if f else None,
        "figure_level": f.level if f else None,
        "figure_zone": f.zone if f else None,
        "figure_year": year,
        "figure_method": f.method if f else None,
        "figure_gas": f.gas if f else None,
        "figure_dataset": f.dataset if f else None,
        "cfe_share": e.cfe_share if e else None,
        "cfe_year": e.year if e else None,
        "operator": j.operator,
        "operator_unknown": j.operator_unknown,
        "partition": j.partition,
        "jurisdictions": list(j.jurisdictions),
        "jurisdictions_complete": j.complete,
    }
