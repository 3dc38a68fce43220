"""One project, loaded once: the validated catalog, country polygons and markets, and every stage
(layers, coverage, diff, build, export) as a method taking a date.

    >>> import cloudmap
    >>> project = cloudmap.load_project()        # this folder's project, or the packaged one
    >>> project.regions().query("status == 'live'").plot()
"""

from __future__ import annotations

__all__ = ["Project", "load_project"]

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudmap.catalog import read_catalog
from cloudmap.errors import CloudmapError, NotFound, ValidationError
from cloudmap.geo import JOIN_FILE, MAP_FILE, Countries, read_countries
from cloudmap.model import Catalog
from cloudmap.paths import resolve_root
from cloudmap.validate import validate

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from cloudmap.site import BuildResult

DateLike = dt.date | str | None


def _day(on: DateLike) -> dt.date | None:
    if isinstance(on, dt.datetime):  # a date subclass: compare as its day
        return on.date()
    if on is None or isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(str(on))
    except ValueError:
        raise CloudmapError(f"{on!r} is not a date; write YYYY-MM-DD") from None


@dataclass(frozen=True, eq=False)
class Project:
    """A cloudmap project: its folder, validated catalog (data/ and seeds/, markets included)
    and country polygons (1:10m, for joins and exports). Immutable; build it with
    ``load_project``. Every method that takes ``on`` defaults to the catalog's review date."""

    root: Path
    catalog: Catalog
    countries_layer: Countries = field(repr=False)

    # ------------------------------------------------------------------ basics

    @property
    def providers(self) -> tuple[str, ...]:
        """Provider ids, sorted."""
        return tuple(sorted(self.catalog.providers))

    def on(self, on: DateLike = None) -> dt.date:
        """``on`` as a date, or the catalog's default date (its review date, never the clock)."""
        return _day(on) or self.catalog.default_as_of

    def select(self, providers: str | Sequence[str] | None) -> Project:
        """The project restricted to some providers (``None`` or ``"all"``: every provider)."""
        wanted = self._providers(providers)
        if wanted is None:
            return self
        return Project(self.root, self.catalog.select(wanted), self.countries_layer)

    def _providers(self, providers: str | Sequence[str] | None) -> tuple[str, ...] | None:
        if providers is None:
            return None
        items = [providers] if isinstance(providers, str) else list(providers)
        names = [p.strip().lower() for item in items for p in str(item).split(",") if p.strip()]
        if not names or "all" in names:
            return None
        unknown = [p for p in names if p not in self.catalog.providers]
        if unknown:
            raise CloudmapError(
                f"no provider {unknown[0]!r} in the catalog (known: {', '.join(self.providers)}, "
                "or all)"
            )
        return tuple(sorted(set(names)))

    @cached_property
    def map_countries(self) -> Countries:
        """The 1:50m polygons the web map simplifies and draws."""
        return read_countries(self.root, MAP_FILE)

    # ------------------------------------------------------------------ tables

    def stats(self, on: DateLike = None, *, provider: str | None = None) -> dict[str, Any]:
        """Live regions, zones and countries on ``on``, with breakdowns (``cloudmap stats``)."""
        from cloudmap.footprint import market_stats, stats

        day = self.on(on)
        out = stats(self.catalog, day, provider=provider)
        out["markets"] = market_stats(self.catalog, day, provider=provider)
        return out

    def reconcile(self, *, provider: str | None = None) -> list[dict[str, Any]]:
        """Each announcement's headline totals against the catalog on its date."""
        from cloudmap.footprint import reconcile

        return reconcile(self.catalog, provider=provider)

    def layers(
        self, on: DateLike = None, names: Sequence[str] | None = None, *, simple: bool = False
    ) -> dict[str, Any]:
        """The export layers (``cloudmap.export.Layer``) as of ``on``."""
        from cloudmap.export import LAYERS, build_layers

        return build_layers(self, on=self.on(on), layers=tuple(names or LAYERS))

    def _frame(self, name: str, on: DateLike) -> gpd.GeoDataFrame:
        from cloudmap.export import to_frame

        return to_frame(self.layers(on, (name,))[name])

    def regions(self, on: DateLike = None) -> gpd.GeoDataFrame:
        """Every region with its status on ``on``: the ``regions`` export layer (EPSG:4326)."""
        return self._frame("regions", on)

    def sites(self, on: DateLike = None) -> gpd.GeoDataFrame:
        """Announced sites without a region on ``on``: the ``sites`` export layer."""
        return self._frame("sites", on)

    def countries(self, on: DateLike = None) -> gpd.GeoDataFrame:
        """Country polygons (1:10m) with the footprint and coverage on ``on``: ``countries``."""
        return self._frame("countries", on)

    def markets(self, on: DateLike = None) -> gpd.GeoDataFrame:
        """Expansion markets dissolved from their countries: the ``markets`` export layer."""
        return self._frame("markets", on)

    def coverage(
        self,
        on: DateLike = None,
        *,
        market: str | None = None,
        country: str | Sequence[str] | None = None,
        provider: str | None = None,
    ) -> pd.DataFrame:
        """Nearest live region, distance and estimated RTT per country (or for one market).

        Every millisecond figure is estimated from distance (see docs/latency-model.md).
        """
        from cloudmap import coverage

        day = self.on(on)
        if market is not None:
            m = self.market(market)
            return coverage.market_coverage(
                self.catalog, day, {m.name: m.countries}, provider=provider
            )
        countries = [country] if isinstance(country, str) else country
        return coverage.country_coverage(self.catalog, day, countries=countries, provider=provider)

    def market(self, name: str) -> Any:
        """The market called ``name`` (case-insensitive; ``LookupError`` listing the known)."""
        for m in self.catalog.markets.values():
            if name.strip().casefold() in (m.name.casefold(), m.id):
                return m
        known = ", ".join(sorted(self.catalog.markets))
        raise NotFound(f"unknown market {name!r}; known markets: {known}")

    def diff(self, start: DateLike, end: DateLike = None) -> dict[str, Any]:
        """What opened, closed, was announced or changed coverage between two dates
        (``start`` is required; ``end`` defaults to the review date)."""
        from cloudmap.diff import diff

        first = _day(start)
        if first is None:
            raise CloudmapError("give the start date: project.diff('2025-01-01')")
        return diff(self.catalog, start=first, end=self.on(end))

    def compare(
        self, on: DateLike = None, *, market: str | None = None, country: str | None = None
    ) -> dict[str, Any]:
        """Providers side by side in a market or country (``cloudmap compare``)."""
        from cloudmap.compare import compare_providers

        return compare_providers(self, self.on(on), market=market, country=country)

    # ------------------------------------------------------------------ files

    def export(
        self,
        out: str | Path,
        formats: Sequence[str] | None = None,
        *,
        on: DateLike = None,
    ) -> list[Path]:
        """Write the GIS files (GeoJSON, GeoPackage, CSV, KML) as of ``on`` into ``out``."""
        from cloudmap.export import FORMATS, write_exports

        return write_exports(self, on=self.on(on), out=Path(out), formats=formats or FORMATS)

    def build(
        self,
        out: str | Path = "site",
        *,
        on: DateLike = None,
        self_contained: bool = False,
        node_modules: Path | None = None,
    ) -> BuildResult:
        """Write the map, downloads and changelog into ``out``, atomically."""
        from cloudmap.site import build_site

        return build_site(
            self,
            on=self.on(on),
            out=Path(out),
            self_contained=self_contained,
            node_modules=node_modules,
        )


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
    if problems:
        raise ValidationError(problems)
    return Project(path, catalog, layer)
