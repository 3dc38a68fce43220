"""The footprint as of a date for a selection of providers: statuses, counting, coverage and
markets, each computed at most once, shared by every stage (stats, exports, map, comparison).

``AsOf`` is what stages take; users get it (with the stages as methods) from
``cloudmap.Project.at``, the one place a date is defaulted and a provider name checked.
"""

from __future__ import annotations

__all__ = ["AsOf", "ProviderSelection", "default_selection", "select_providers"]

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cloudmap.dates import parse_day
from cloudmap.errors import CloudmapError, NotFound
from cloudmap.footprint import (
    CountryCount,
    Footprint,
    MarketStats,
    country_counts,
    footprint,
    market_stats,
    target_markets,
)
from cloudmap.grid import EMPTY, GridData
from cloudmap.gridfacts import (
    NO_FILTER,
    GridPopup,
    RegionFilter,
    RegionGrid,
    make_filter,
    place_grid,
    popup,
)
from cloudmap.model import Catalog, Market, Provider, Region, Site
from cloudmap.nearest import ALL_PROVIDERS, COVERAGE_KINDS

if TYPE_CHECKING:
    import pandas as pd

    from cloudmap.geo import Countries

ProviderSelection = str | Sequence[str] | None
ViewKey = tuple[dt.date, tuple[str, ...], RegionFilter]


def default_selection(catalog: Catalog) -> tuple[str, ...]:
    """The providers commands use when none is named: the lead providers (``lead: true`` in
    their files; Alibaba Cloud in this project), else every provider."""
    leads = sorted(pid for pid, p in catalog.providers.items() if p.lead)
    return tuple(leads) if leads else tuple(sorted(catalog.providers))


def select_providers(catalog: Catalog, providers: ProviderSelection) -> tuple[str, ...]:
    """Provider ids, checked and sorted: ``None`` is the default selection, ``"all"`` every
    provider; a name may be a list or comma-separated. ``NotFound`` names an unknown one."""
    if providers is None:
        return default_selection(catalog)
    items = [providers] if isinstance(providers, str) else list(providers)
    names = [p.strip().lower() for item in items for p in str(item).split(",") if p.strip()]
    if not names:
        return default_selection(catalog)
    if ALL_PROVIDERS in names:
        return tuple(sorted(catalog.providers))
    unknown = [p for p in names if p not in catalog.providers]
    if unknown:
        known = ", ".join(sorted(catalog.providers))
        raise NotFound(f"no provider {unknown[0]!r} in the catalog (known: {known}, or all)")
    return tuple(sorted(set(names)))


@dataclass(frozen=True, eq=False)
class AsOf:
    """The footprint of ``providers`` on ``on``: every figure a stage needs, computed on first
    use and kept. Immutable; views of the same project share their sibling views (another date
    or another selection) through one registry, so a build computes each figure once."""

    catalog: Catalog  # the whole project (every provider): the map draws them all
    countries_layer: Countries = field(repr=False)  # 1:10m polygons (joins, exports)
    on: dt.date
    providers: tuple[str, ...]
    map_countries_loader: Callable[[], Countries] = field(repr=False)  # 1:50m, for the web map
    views: dict[ViewKey, AsOf] = field(default_factory=dict, repr=False, compare=False)
    grid: GridData = field(default=EMPTY, repr=False)  # grid, jurisdiction, provider energy
    filters: RegionFilter = NO_FILTER  # the selection keeps only regions passing these

    # ------------------------------------------------------------------ siblings

    def sibling(
        self,
        *,
        on: dt.date | None = None,
        providers: tuple[str, ...] | None = None,
        filters: RegionFilter | None = None,
    ) -> AsOf:
        """The view of another date, selection and/or filters of the same project (shared,
        made once)."""
        key = (
            on or self.on,
            providers if providers is not None else self.providers,
            filters if filters is not None else self.filters,
        )
        found = self.views.get(key)
        if found is None:
            found = self.views[key] = replace(self, on=key[0], providers=key[1], filters=key[2])
        return found

    def where(
        self,
        *,
        max_carbon: float | None = None,
        exclude_jurisdictions: str | Sequence[str] | None = None,
        partitions: str | Sequence[str] | None = None,
    ) -> AsOf:
        """The same view keeping only the regions (and announced sites) whose comparable grid
        carbon is at most ``max_carbon`` g/kWh, none of whose jurisdictions is in
        ``exclude_jurisdictions`` (all of them known), and whose partition is one of
        ``partitions``. A value unknown never passes. Replaces the view's filters."""
        wanted = make_filter(
            self.grid,
            max_carbon=max_carbon,
            exclude_jurisdictions=exclude_jurisdictions,
            partitions=partitions,
        )
        return self.sibling(filters=wanted)

    def only(self, provider: str) -> AsOf:
        """The view of one of the selected providers (same date)."""
        return self.sibling(providers=(provider,))

    @property
    def everyone(self) -> AsOf:
        """The view of every provider of the project (same date)."""
        return self.sibling(providers=tuple(sorted(self.catalog.providers)))

    # ------------------------------------------------------------------ the selection

    @cached_property
    def selected(self) -> Catalog:
        """The catalog of the selected providers (markets and all), holding only the regions
        and announced sites that pass the view's filters."""
        chosen = self.catalog
        if set(self.providers) != set(self.catalog.providers):
            chosen = self.catalog.select(self.providers)
        if not self.filters.active:
            return chosen
        keep = self.filters.passes
        return dataclasses.replace(
            chosen,
            regions=tuple(r for r in chosen.regions if keep(self.grid_of(r))),
            sites=tuple(s for s in chosen.sites if keep(self.site_grid(s))),
        )

    # ------------------------------------------------------------------ grid and jurisdiction

    @cached_property
    def grid_facts(self) -> Mapping[str, RegionGrid]:
        """Every region's grid and jurisdiction facts on the date (every provider), by key;
        computed once per date for all the views of a project."""
        key = ("grid.facts", self.on, id(self.grid))
        found = self.catalog.derived.get(key)
        if found is None or found[0] is not self.grid:
            facts = {
                r.key: place_grid(self.grid, r.provider, r.key, r.country, self.on)
                for r in self.catalog.regions
            }
            found = self.catalog.derived[key] = (self.grid, MappingProxyType(facts))
        return found[1]

    @cached_property
    def grid_popups(self) -> Mapping[str, GridPopup]:
        """Every region's grid and jurisdiction facts as the map shows them (plain values, by
        ``provider:id``): the comparable figure and its shading band, the finest figure with
        its method, the provider's own CFE share, operator, partition and jurisdictions."""
        return {key: popup(g) for key, g in sorted(self.grid_facts.items())}

    def grid_of(self, region: Region) -> RegionGrid:
        """The region's grid zone, carbon figures, the provider's own figures, operator,
        partition and jurisdictions on the view's date."""
        return self.grid_facts[region.key]

    def site_grid(self, site: Site) -> RegionGrid:
        """An announced site's facts: its country's zone and figure, its provider's default
        operator (a site has no assignment or override of its own)."""
        return place_grid(self.grid, site.provider, site.key, site.country, self.on, site=True)

    @property
    def provider_records(self) -> tuple[Provider, ...]:
        return tuple(self.catalog.providers[p] for p in self.providers)

    @property
    def is_all(self) -> bool:
        """Whether every provider of the project is selected."""
        return len(self.providers) == len(self.catalog.providers)

    @cached_property
    def map_countries(self) -> Countries:
        """The 1:50m polygons the web map simplifies and draws."""
        return self.map_countries_loader()

    def market(self, name: str) -> Market:
        """The market called ``name`` (its name or id, any case); ``NotFound`` listing them."""
        wanted = name.strip().casefold()
        for m in self.catalog.markets.values():
            if wanted in (m.name.casefold(), m.id) or wanted in (a.casefold() for a in m.aliases):
                return m
        known = ", ".join(sorted(self.catalog.markets))
        raise NotFound(f"unknown market {name!r}; known markets: {known}")

    # ------------------------------------------------------------------ facts of the date

    def status(self, region: Region) -> str | None:
        """The region's lifecycle status on the view's date."""
        return region.status(self.on)

    @cached_property
    def regions_on(self) -> tuple[Region, ...]:
        """The selected providers' regions that exist on the date (any status), by key."""
        return tuple(
            sorted((r for r in self.selected.regions if r.status(self.on)), key=lambda r: r.key)
        )

    @cached_property
    def sites_on(self) -> tuple[Site, ...]:
        """Announced sites known on the date whose region had not appeared yet."""
        return self.selected.sites_as_of(self.on)

    @cached_property
    def footprint(self) -> Footprint:
        """What counts in headline totals on the date, by the providers' counting rules."""
        return footprint(self.selected, self.on)

    @cached_property
    def country_counts(self) -> Mapping[str, CountryCount]:
        """Per country: counted live regions and zones, and the first counted launch."""
        return country_counts(self.selected, self.on)

    @cached_property
    def market_stats(self) -> tuple[MarketStats, ...]:
        """Per market (by name): its size and the live footprint in it."""
        return tuple(market_stats(self.selected, self.on))

    @cached_property
    def target_markets(self) -> Mapping[str, list[str]]:
        """Per country: the markets listing it that an announcement by the date names."""
        return target_markets(self.selected, self.on)

    @cached_property
    def announced_places(self) -> int:
        """Announced regions and announced sites on the date (the map's "Announced" figure)."""
        regions = sum(1 for r in self.regions_on if r.status(self.on) == "announced")
        return regions + len(self.sites_on)

    # ------------------------------------------------------------------ coverage

    @property
    def measures_from(self) -> str:
        """The provider coverage measures from: the one selected, or ``"all"`` (the nearest
        region of any selected provider; regions then named ``provider:id``)."""
        return self.providers[0] if len(self.providers) == 1 else ALL_PROVIDERS

    @cached_property
    def has_live_public_region(self) -> bool:
        """Whether a region serving the public is live on the date (coverage needs one)."""
        return any(r.kind in COVERAGE_KINDS and r.is_live(self.on) for r in self.selected.regions)

    def country_coverage(self, countries: Sequence[str] | None = None) -> pd.DataFrame:
        """Per country, population-weighted distance and estimated RTT to the nearest live
        region of the selected providers that passes the view's filters
        (``cloudmap.coverage.country_coverage``), with that region's grid carbon and
        jurisdictions."""
        from cloudmap.coverage import country_coverage

        self._check_filtered()
        return self._with_grid(
            country_coverage(
                self.selected, self.on, provider=self.measures_from, countries=countries
            )
        )

    def market_coverage(self, markets: Sequence[Market]) -> pd.DataFrame:
        """Per market, the same figures over all its countries' cities."""
        from cloudmap.coverage import market_coverage

        self._check_filtered()
        return self._with_grid(
            market_coverage(
                self.selected,
                self.on,
                {m.name: m.countries for m in markets},
                provider=self.measures_from,
            )
        )

    def _check_filtered(self) -> None:
        """With filters, say so when no live region passes them (instead of "no live region")."""
        if self.filters.active and not self.has_live_public_region:
            raise CloudmapError(
                f"no live region of {', '.join(self.providers)} passes the filters "
                f"({self.filters.describe()}) on {self.on.isoformat()}"
            )

    def _with_grid(self, df: pd.DataFrame) -> pd.DataFrame:
        """The coverage frame with its nearest region's comparable grid carbon (g/kWh) and
        jurisdictions (``;``-joined), and the filters in ``attrs``."""
        import pandas as pd

        pid = self.measures_from
        facts = [
            self.grid_facts.get(x if pid == ALL_PROVIDERS else f"{pid}:{x}")
            if isinstance(x, str)
            else None
            for x in df["nearest_region"]
        ]
        out = df.copy()
        out["nearest_carbon_g_per_kwh"] = pd.array(
            [f.carbon.g_per_kwh if f and f.carbon else None for f in facts], dtype="Float64"
        )
        out["nearest_jurisdictions"] = [
            ";".join(f.jurisdiction.jurisdictions) if f else None for f in facts
        ]
        out.attrs = {**df.attrs, "filters": self.filters.describe() or None}
        return out

    @cached_property
    def coverage_records(self) -> tuple[Mapping[str, Any], ...]:
        """Every country's coverage row as plain values (no pandas), or () when nothing is
        live to measure from."""
        from cloudmap.coverage import country_records

        if not self.has_live_public_region:
            return ()
        return tuple(country_records(self.selected, self.on, provider=self.measures_from))

    @cached_property
    def coverage_by_country(self) -> Mapping[str, Mapping[str, Any]]:
        return {row["iso_a2"]: row for row in self.coverage_records}


def check_date(on: object) -> dt.date | None:
    """``on`` as a day (a datetime is read as its day), or None; ``CloudmapError`` otherwise."""
    if isinstance(on, dt.datetime):
        return on.date()
    if on is None:
        return None
    try:
        return parse_day(on.isoformat() if isinstance(on, dt.date) else str(on))
    except ValueError as exc:
        raise CloudmapError(str(exc)) from None
