"""One project, loaded once, and its footprint as of a date: ``load_project()`` validates the
catalog, country polygons and markets into an immutable ``Project``; ``project.at(on,
providers)`` is the footprint on that date of those providers, a ``View`` whose methods are every
stage (stats, layers, coverage, comparison, diff, exports, the folium map, the site).

    >>> import cloudmap
    >>> project = cloudmap.load_project()          # this folder's project, or the packaged one
    >>> view = project.at("2025-05-15")            # Alibaba Cloud (the lead provider) on that day
    >>> view.stats()["regions"], view.regions().shape
    >>> m = view.map()                             # a folium.Map
    >>> project.at(providers="all").compare(market="Middle East")
"""

from __future__ import annotations

__all__ = ["DateLike", "Project", "View", "load_project"]

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cloudmap.catalog import read_catalog
from cloudmap.errors import CloudmapError, ValidationError
from cloudmap.footprint import ReconcileRow, reconcile
from cloudmap.geo import JOIN_FILE, MAP_FILE, Countries, read_countries
from cloudmap.grid import EMPTY, GridData
from cloudmap.gridcheck import check_grid
from cloudmap.gridfacts import NO_FILTER
from cloudmap.gridread import read_grid
from cloudmap.model import Catalog
from cloudmap.paths import resolve_root
from cloudmap.validate import validate
from cloudmap.view import AsOf, ProviderSelection, ViewKey, check_date, select_providers

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

    from cloudmap.cleanest import Cleanest
    from cloudmap.compare import Comparison
    from cloudmap.diff import Diff
    from cloudmap.export import Layer
    from cloudmap.site import BuildResult
    from cloudmap.stats import Stats

DateLike = dt.date | str | None


@dataclass(frozen=True, eq=False)
class View(AsOf):
    """The footprint of some providers on one date: what every stage works from. Immutable;
    make it with ``Project.at``. Figures are computed on first use and kept."""

    # ------------------------------------------------------------------ tables

    def stats(self) -> Stats:
        """Live regions, zones and countries by the counting rules, with breakdowns by country,
        kind, status and market (``cloudmap stats``)."""
        from cloudmap.stats import stats

        return stats(self)

    def reconcile(self) -> list[ReconcileRow]:
        """Each announcement of the selected providers with headline totals, against the
        catalog on the announcement's own date (``cloudmap reconcile``)."""
        return [row for p in self.providers for row in reconcile(self.catalog, provider=p)]

    def layers(self, names: Sequence[str] | None = None) -> dict[str, Layer]:
        """The export layers (``cloudmap.export.Layer``): regions, sites, countries, markets."""
        from cloudmap.export import LAYERS, build_layers

        return build_layers(self, tuple(names or LAYERS))

    def _frame(self, name: str) -> gpd.GeoDataFrame:
        from cloudmap.export import to_frame

        return to_frame(self.layers((name,))[name])

    def regions(self) -> gpd.GeoDataFrame:
        """The selected providers' regions with their status: the ``regions`` layer (EPSG:4326)."""
        return self._frame("regions")

    def sites(self) -> gpd.GeoDataFrame:
        """Announced sites without a region yet: the ``sites`` layer."""
        return self._frame("sites")

    def countries(self) -> gpd.GeoDataFrame:
        """Country polygons (1:10m) with the selection's footprint and coverage: ``countries``."""
        return self._frame("countries")

    def markets(self) -> gpd.GeoDataFrame:
        """Expansion markets dissolved from their countries: the ``markets`` layer."""
        return self._frame("markets")

    def coverage(
        self, *, market: str | None = None, country: str | Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Per country (or for one market), the nearest live region of the selected providers,
        its population-weighted distance and estimated RTT (``cloudmap coverage``). Every
        millisecond figure is estimated from distance (docs/latency-model.md)."""
        if market is not None:
            return self.market_coverage([self.market(market)])
        countries = [country] if isinstance(country, str) else country
        return self.country_coverage(None if countries is None else list(countries))

    def coverage_change(
        self,
        since: DateLike,
        *,
        market: str | None = None,
        country: str | Sequence[str] | None = None,
        changed_only: bool = False,
    ) -> pd.DataFrame:
        """How coverage changed from ``since`` to the view's date, per market (``market``) or
        per country (``cloudmap coverage --compare``); largest improvement first."""
        from cloudmap.coverage import compare

        start = check_date(since)
        if start is None:
            raise CloudmapError("give the date to compare with: view.coverage_change('2024-06-30')")
        countries = [country] if isinstance(country, str) else country
        markets = None
        if market is not None:
            m = self.market(market)
            markets = {m.name: m.countries}
        return compare(
            self.selected,
            start,
            self.on,
            provider=self.measures_from,
            markets=markets,
            countries=countries,
            changed_only=changed_only,
        )

    def where(
        self,
        *,
        max_carbon: float | None = None,
        exclude_jurisdictions: str | Sequence[str] | None = None,
        partitions: str | Sequence[str] | None = None,
    ) -> View:
        """The same view keeping only the regions (and announced sites) whose comparable grid
        carbon (``grid_of(region).carbon``) is at most ``max_carbon`` g/kWh, none of whose
        jurisdictions is in ``exclude_jurisdictions`` (all of them known), and whose partition
        is one of ``partitions``; a value unknown never passes. Every stage of the result
        (coverage, compare, cleanest, stats, regions, export) sees only those regions."""
        found = super().where(
            max_carbon=max_carbon,
            exclude_jurisdictions=exclude_jurisdictions,
            partitions=partitions,
        )
        assert isinstance(found, View)
        return found

    def cleanest(self, near: str | tuple[float, float], *, within_ms: float) -> Cleanest:
        """Per provider (as ``compare`` chooses them), the live public regions within an
        estimated ``within_ms`` round trip of ``near`` (``"Mexico City, MX"``, or a
        ``(lat, lon)``) and the cleanest by the comparison rule (``cloudmap cleanest``)."""
        from cloudmap.cleanest import cleanest

        return cleanest(self, near, within_ms=within_ms)

    def compare(self, *, market: str | None = None, country: str | None = None) -> Comparison:
        """Providers side by side in a market, a country or the world (``cloudmap compare``):
        the selected providers, or, when one is selected, it and every other provider."""
        from cloudmap.compare import compare_providers

        return compare_providers(self, market=market, country=country)

    def diff(self, since: DateLike) -> Diff:
        """What opened, closed, was announced or changed market coverage from ``since`` to the
        view's date (``cloudmap diff``)."""
        from cloudmap.diff import diff

        start = check_date(since)
        if start is None:
            raise CloudmapError("give the start date: view.diff('2025-01-01')")
        return diff(self, start)

    def diff_base(self, base: str, since: DateLike = None) -> Diff:
        """What changed from another version of the catalog (a git revision or a project folder)
        as of ``since`` (default: the view's date) to this one (``cloudmap diff --base``)."""
        from cloudmap.diff import diff_base

        return diff_base(self, base, check_date(since))

    # ------------------------------------------------------------------ the map and files

    def map(self, *, self_contained: bool = False, node_modules: Path | None = None) -> folium.Map:
        """The footprint as a ``folium.Map`` (every provider, opening on this view's date and
        providers): shows in a notebook; add layers to it as to any folium map; ``save`` writes
        the page. ``self_contained`` inlines every asset from ``node_modules`` (default: found
        like `cloudmap build --self-contained` finds it) and uses no web tiles."""
        from cloudmap.assets import find_node_modules
        from cloudmap.render import footprint_map

        if self_contained and node_modules is None:
            node_modules = find_node_modules(self.catalog.root)
        return footprint_map(self, self_contained=self_contained, node_modules=node_modules)

    def export(self, out: str | Path, formats: Sequence[str] | None = None) -> list[Path]:
        """Write the GIS files (GeoJSON, GeoPackage, CSV, KML) of the view into ``out``
        (never into the project's own folders)."""
        from cloudmap.export import FORMATS, write_exports

        return write_exports(self, Path(out), formats or FORMATS)

    def build(
        self,
        out: str | Path = "site",
        *,
        self_contained: bool = False,
        node_modules: Path | None = None,
    ) -> BuildResult:
        """Write the site into ``out`` atomically: the map (opening on this view), the GIS
        downloads of every provider, and the changelog."""
        from cloudmap.site import build_site

        return build_site(
            self, out=Path(out), self_contained=self_contained, node_modules=node_modules
        )


@dataclass(frozen=True, eq=False)
class Project:
    """A cloudmap project: its folder, validated catalog (data/ and seeds/, markets included)
    and country polygons (1:10m, for joins and exports). Immutable; make it with
    ``load_project`` and look at it with ``at``."""

    root: Path
    catalog: Catalog
    countries_layer: Countries = field(repr=False)
    grid: GridData = field(default=EMPTY, repr=False)  # grid zones, operators, providers' figures

    @property
    def providers(self) -> tuple[str, ...]:
        """Provider ids, sorted."""
        return tuple(sorted(self.catalog.providers))

    @property
    def default_date(self) -> dt.date:
        """The date views default to: the catalog's review date, never the clock."""
        return self.catalog.default_as_of

    @cached_property
    def _views(self) -> dict[ViewKey, AsOf]:
        return {}

    @cached_property
    def map_countries(self) -> Countries:
        """The 1:50m polygons the web map simplifies and draws."""
        return read_countries(self.root, MAP_FILE)

    def at(self, on: DateLike = None, providers: ProviderSelection = None) -> View:
        """The footprint on ``on`` (a date or ``YYYY-MM-DD``; default: the review date) of
        ``providers`` (a name, a list, or ``"all"``; default: the lead provider, Alibaba Cloud
        in this project, else every provider). The one place a date is defaulted and a provider
        name checked (``NotFound`` names an unknown one). Views are kept: asking twice gives the
        same view, with what it has computed."""
        day = check_date(on) or self.catalog.default_as_of
        selection = select_providers(self.catalog, providers)
        key = (day, selection, NO_FILTER)
        found = self._views.get(key)
        if found is None:
            found = self._views[key] = View(
                self.catalog,
                self.countries_layer,
                day,
                selection,
                lambda: self.map_countries,
                self._views,
                self.grid,
            )
        assert isinstance(found, View)
        return found


def load_project(
    root: str | Path | None = None, *, full: bool = True, countries: Countries | None = None
) -> Project:
    """Load and validate a project: ``root`` (a folder holding data/, seeds/ and geo/), else the
    current folder if it is one, else the data snapshot shipped with the package.

    Raises ``ValidationError`` listing every problem (``cloudmap validate``'s checks; ``full``
    adds the gazetteer and point-in-country checks), ``CloudmapError`` if there is no project.
    """
    path = resolve_root(root)
    catalog, problems = read_catalog(path)
    layer = countries if countries is not None else read_countries(path, JOIN_FILE)
    catalog, more = validate(catalog, countries=layer, full=full)
    problems += more
    grid, more = read_grid(path)
    problems += more + check_grid(catalog, grid, full=full)
    if problems:
        raise ValidationError(problems)
    return Project(path, catalog, layer, grid)
