"""The grid and jurisdiction checks against the catalog: every region has a grid zone whose
country is its own (or a stated reason), its GeoNames city lies in a division its zone lists,
every provider has a default operator, and every key of the grid, jurisdiction and
provider-energy files names a region or provider of the catalog."""

from __future__ import annotations

__all__ = ["check_grid", "geonames_id"]

import re

import numpy as np

from cloudmap.errors import Problem
from cloudmap.grid import GridData
from cloudmap.gridschema import ENERGY_FILE_NAME, GRID_FILE_NAME, JURISDICTION_FILE_NAME
from cloudmap.model import Catalog, Region

_GEONAMES = re.compile(r"\bGeoNames (\d+)\b")


def geonames_id(region: Region) -> int | None:
    """The GeoNames id of the region's city: the one its location source names, else the
    gazetteer city of its name in its country nearest its point; None when it has neither."""
    m = _GEONAMES.search(region.location.source)
    if m:
        return int(m.group(1))
    if region.city is None:
        return None
    from cloudmap.gazetteer import cities, haversine_km

    gaz = cities()
    rows = gaz.find(region.country, region.city)
    if not rows:
        return None
    km = haversine_km(region.location.lat, region.location.lon, gaz.lat[rows], gaz.lon[rows])
    return int(gaz.geonameid[rows[int(np.argmin(km))]])


def _unknown_region(catalog: Catalog, key: str) -> str | None:
    """Why ``key`` (provider:region-id) names no region of the catalog, or None if it does."""
    provider, _, rid = key.partition(":")
    if (provider, rid) in catalog.declared or catalog.get(key) is not None:
        return None
    if provider not in catalog.providers and provider not in catalog.declared_providers:
        return f"no provider {provider!r} in the catalog"
    return f"no region {rid!r} in data/{provider}.yaml"


def _check_zones(catalog: Catalog, grid: GridData, full: bool) -> list[Problem]:
    out: list[Problem] = []
    placed: list[tuple[Region, str]] = []  # (region, zone) to check against the gazetteer
    for r in catalog.regions:
        found = grid.assignments.get(r.key)
        if found is None:
            if r.country in grid.split_countries and r.key not in grid.declared:
                out.append(
                    Problem(
                        r.file,
                        r.line_of("country"),
                        r.id,
                        "country",
                        f'{r.country} has sub-national grid zones: add "{r.key}" under assignments '
                        f"in {GRID_FILE_NAME} (its zone and the evidence, or zone: null and the "
                        "reason)",
                    )
                )
            continue
        zone = grid.zone(found.zone) if found.zone is not None else None
        if zone is not None and zone.country != r.country:
            out.append(
                Problem(
                    GRID_FILE_NAME,
                    found.line_of("zone"),
                    r.key,
                    "zone",
                    f"{zone.id} is a zone of {zone.country}; {r.key} is in {r.country}",
                )
            )
        elif zone is not None:
            placed.append((r, zone.id))
    for key, a in grid.assignments.items():
        why = _unknown_region(catalog, key)
        if why is not None:
            out.append(Problem(GRID_FILE_NAME, a.line, key, "assignments", why))
    if full and placed:
        out += _check_admin1(grid, placed)
    return out


def _check_admin1(grid: GridData, placed: list[tuple[Region, str]]) -> list[Problem]:
    """Each placed region's GeoNames city lies in a first-level division its zone lists, and
    the assignment's own ``geonames_admin1`` says the same (the gazetteer is independent data)."""
    from cloudmap.gazetteer import admin1_codes

    ids = {r.key: geonames_id(r) for r, _ in placed}
    codes = admin1_codes(i for i in ids.values() if i is not None)
    out = []
    for r, zone_id in placed:
        gid = ids[r.key]
        code = codes.get(gid) if gid is not None else None
        if code is None:
            continue  # no GeoNames city to check against (a country- or area-level point)
        a = grid.assignments[r.key]
        zone = grid.zone(zone_id)
        assert zone is not None
        city = f"{r.city or 'its city'} (GeoNames {gid})"
        if code not in zone.admin1:
            out.append(
                Problem(
                    GRID_FILE_NAME,
                    a.line_of("zone"),
                    r.key,
                    "zone",
                    f"{r.key}'s city {city} lies in {code}, not in zone {zone_id} "
                    f"({', '.join(zone.admin1) or 'no divisions listed'})",
                )
            )
        elif a.admin1 is not None and a.admin1 != code:
            out.append(
                Problem(
                    GRID_FILE_NAME,
                    a.line_of("geonames_admin1"),
                    r.key,
                    "geonames_admin1",
                    f"{a.admin1}, but GeoNames puts {city} in {code}",
                )
            )
    return out


def _check_operators(catalog: Catalog, grid: GridData) -> list[Problem]:
    out = []
    for pid in sorted(catalog.providers):
        if pid not in grid.defaults and not {pid, JURISDICTION_FILE_NAME} & grid.declared:
            p = catalog.providers[pid]
            out.append(
                Problem(
                    p.file,
                    p.key_lines.get("id", p.line),
                    pid,
                    "id",
                    f"no default operator in {JURISDICTION_FILE_NAME}: add {pid} under defaults "
                    "(operator, jurisdictions, partition, sources)",
                )
            )
    for pid, rule in grid.defaults.items():
        if pid not in catalog.providers and pid not in catalog.declared_providers:
            out.append(
                Problem(
                    JURISDICTION_FILE_NAME,
                    rule.line,
                    pid,
                    "defaults",
                    f"no provider {pid!r} in the catalog",
                )
            )
    for key, rule in grid.overrides.items():
        why = _unknown_region(catalog, key)
        if why is not None:
            out.append(Problem(JURISDICTION_FILE_NAME, rule.line, key, "overrides", why))
    return out


def _check_energy(catalog: Catalog, grid: GridData) -> list[Problem]:
    out = []
    for ds in grid.energy_datasets.values():
        if ds.provider not in catalog.providers and ds.provider not in catalog.declared_providers:
            out.append(
                Problem(
                    ENERGY_FILE_NAME,
                    ds.line,
                    ds.id,
                    "provider",
                    f"no provider {ds.provider!r} in the catalog",
                )
            )
    for key, rows in grid.energy.items():
        why = _unknown_region(catalog, key)
        if why is not None and rows:
            out.append(Problem(ENERGY_FILE_NAME, rows[0].line, key, "figures", why))
    return out


def check_grid(catalog: Catalog, grid: GridData, *, full: bool = True) -> list[Problem]:
    """Every check of the grid, jurisdiction and provider-energy tables against the catalog
    (only for the files the project has); ``full`` adds the gazetteer check of each placed
    region's city."""
    out: list[Problem] = []
    if grid.has_grid:
        out += _check_zones(catalog, grid, full)
    if grid.has_jurisdiction:
        out += _check_operators(catalog, grid)
    out += _check_energy(catalog, grid)
    return out
