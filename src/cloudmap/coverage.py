"""How far every city, country and market is from a provider's live regions, in km and estimated ms."""

from __future__ import annotations

__all__ = [
    "ALL_PROVIDERS",
    "CITY_COLUMNS",
    "COVERAGE_KINDS",
    "RTT_BANDS",
    "RTT_NOTE",
    "SUMMARY_COLUMNS",
    "THRESHOLDS_MS",
    "city_coverage",
    "clear_memo",
    "compare",
    "country_coverage",
    "country_records",
    "country_rtt_band",
    "format_text",
    "live_regions",
    "market_coverage",
    "nearest_regions",
    "records",
]

import datetime as dt
import hashlib
import importlib.resources
import math
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from cloudmap.catalog import Catalog, Region
from cloudmap.errors import CloudmapError
from cloudmap.gazetteer import EARTH_RADIUS_KM, cities
from cloudmap.latency import model, rtt_floor_ms

# provider=ALL_PROVIDERS: every provider's regions compete, named `<provider>:<region id>`.
ALL_PROVIDERS = "all"
# Kinds whose regions serve users; industry clouds are closed to the general public.
COVERAGE_KINDS = ("region", "local-region", "partner-region")
THRESHOLDS_MS = (20, 50, 100)
# Map shading: (upper bound inclusive, label); the last band is open-ended.
RTT_BANDS: tuple[tuple[float, str], ...] = (
    (20.0, "≤20 ms"),
    (50.0, "20–50 ms"),
    (100.0, "50–100 ms"),
    (200.0, "100–200 ms"),
    (math.inf, ">200 ms"),
)
NO_DATA = "no data"
RTT_NOTE = "estimated from distance"
_EXTRA_NAMES = {"XK": "Kosovo"}  # GeoNames uses XK; ISO 3166-1 has no code for it yet

_lock = threading.Lock()
_cache: dict[str, object] = {}
# nearest_regions compares the points with every region a block of rows at a time: at most this
# many cosines (2 MiB of float64), so memory stays flat however large the catalog.
_BLOCK_CELLS = 1 << 18

CITY_COLUMNS = [
    "geonameid",
    "name",
    "country",
    "lat",
    "lon",
    "population",
    "nearest_region",
    "distance_km",
    "rtt_floor_ms",
    "rtt_est_ms",
]
SUMMARY_COLUMNS = [
    "cities",
    "population",
    "nearest_region",
    "serving_share",
    "median_km",
    "rtt_est_ms",
    *(f"share_{t}ms" for t in THRESHOLDS_MS),
]


# --------------------------------------------------------------------------- regions, distances


def _provider(catalog: Catalog, provider: str | None) -> str:
    """The provider id to measure from, or ALL_PROVIDERS when several providers compete."""
    known = sorted(catalog.providers)
    pid = None if provider is None else provider.strip().lower()
    if pid is None or pid == ALL_PROVIDERS:
        if len(known) == 1:
            return known[0]
        if not known:
            raise CloudmapError("the catalog has no provider; add data/<provider>.yaml")
        if pid == ALL_PROVIDERS:
            return ALL_PROVIDERS
        raise CloudmapError(
            f"the catalog has {len(known)} providers ({', '.join(known)}); "
            f"choose one (provider=...), or provider={ALL_PROVIDERS!r} for the nearest region "
            "of any of them"
        )
    if pid not in catalog.providers:
        raise CloudmapError(f"no provider {provider!r} in the catalog (known: {', '.join(known)})")
    return pid


def _label(region: Region, pid: str) -> str:
    """How results name a region: its id, or ``<provider>:<id>`` when providers compete."""
    return f"{region.provider}:{region.id}" if pid == ALL_PROVIDERS else region.id


def live_regions(
    catalog: Catalog, on: dt.date, *, provider: str | None = None
) -> tuple[Region, ...]:
    """The provider's regions live on ``on`` of a kind that serves users, sorted by id.

    ``provider`` is needed when the catalog has several; ``provider="all"`` takes the regions of
    every provider, sorted by ``<provider>:<id>``. Raises ``CloudmapError`` when there are none
    (nothing to measure from).
    """
    pid = _provider(catalog, provider)
    out = sorted(
        (
            r
            for r in catalog.regions
            if (pid == ALL_PROVIDERS or r.provider == pid)
            and r.kind in COVERAGE_KINDS
            and r.is_live(on)
        ),
        key=lambda r: _label(r, pid),
    )
    if not out:
        who = "no provider has a" if pid == ALL_PROVIDERS else f"{pid} has no"
        raise CloudmapError(
            f"{who} live region on {on.isoformat()} "
            f"(kinds {', '.join(COVERAGE_KINDS)}); try a later --as-of"
        )
    return tuple(out)


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    return np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def nearest_regions(
    lat: np.ndarray,
    lon: np.ndarray,
    region_lat: np.ndarray,
    region_lon: np.ndarray,
    *,
    chunk_rows: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For each point, the index of the nearest region and the great-circle distance to it (km).

    Vectorised: the cosines between the points' and regions' unit vectors, a block of
    ``chunk_rows`` points at a time (default: as many as keep a block to 2**18 cosines, 2 MiB,
    so 34,000 cities x 10,000 regions never builds the 2.7 GB matrix), then the chord to the
    chosen region only. Each cosine is computed the same way whatever the block size, so the
    result does not depend on ``chunk_rows``. Same sphere as ``gazetteer.haversine_km`` (IUGG
    mean radius); against the WGS84 ellipsoid the distance is off by at most ~0.56%. Exact ties
    go to the lower index.
    """
    points = _unit_vectors(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
    targets = _unit_vectors(
        np.asarray(region_lat, dtype=float), np.asarray(region_lon, dtype=float)
    )
    if chunk_rows is None:
        chunk_rows = max(1, _BLOCK_CELLS // max(1, len(targets)))
    elif chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, not {chunk_rows}")
    tx, ty, tz = targets.T.copy()  # contiguous rows: one per coordinate
    idx = np.empty(len(points), dtype=np.intp)
    for start in range(0, len(points), chunk_rows):
        block = points[start : start + chunk_rows]
        # Element-wise rather than a BLAS product, whose rounding may depend on the block's
        # shape: ((x * tx) + (y * ty)) + (z * tz), exactly rounded the same in every block.
        cos = block[:, 0:1] * tx
        cos += block[:, 1:2] * ty
        cos += block[:, 2:3] * tz
        idx[start : start + chunk_rows] = np.argmax(cos, axis=1)  # largest cosine: nearest
    chord = np.linalg.norm(points - targets[idx], axis=1)
    km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))
    return idx, km


# --------------------------------------------------------------------------- cities


@dataclass(frozen=True)
class _Nearest:
    """Per gazetteer row: the nearest live region (index into ``regions``), km and RTTs."""

    regions: tuple[Region, ...]
    labels: tuple[str, ...]  # how results name each region (see _label)
    index: np.ndarray
    km: np.ndarray  # whole km
    rtt_floor: np.ndarray  # 0.1 ms
    rtt_est: np.ndarray  # 0.1 ms, estimated from distance
    attrs: dict[str, Any]


def _nearest(catalog: Catalog, on: dt.date, provider: str | None) -> _Nearest:
    pid = _provider(catalog, provider)
    regions = live_regions(catalog, on, provider=pid)
    gaz = cities()
    idx, km = nearest_regions(
        gaz.lat,
        gaz.lon,
        np.array([r.location.lat for r in regions]),
        np.array([r.location.lon for r in regions]),
    )
    attrs = {"as_of": on.isoformat(), "provider": pid, "live_regions": len(regions)}
    return _Nearest(
        regions,
        tuple(_label(r, pid) for r in regions),
        idx,
        np.rint(km).astype(np.int64),
        np.round(rtt_floor_ms(km), 1),
        np.round(model().rtt_ms(km), 1),
        attrs,
    )


def city_coverage(catalog: Catalog, on: dt.date, *, provider: str | None = None) -> pd.DataFrame:
    """Every gazetteer city (GeoNames, 15,000+ people) with its nearest live region on ``on``.

    Columns: geonameid, name, country, lat, lon, population, nearest_region, distance_km (great
    circle, whole km), rtt_floor_ms (fibre floor), rtt_est_ms (estimated from distance; both
    rounded to 0.1 ms). Sorted by geonameid. ``attrs`` holds as_of, provider, live_regions.
    ``provider`` as in ``country_coverage``.
    """
    near = _nearest(catalog, on, provider)
    gaz = cities()
    ids = np.array(near.labels, dtype=object)
    df = pd.DataFrame(
        {
            "geonameid": gaz.geonameid,
            "name": gaz.name,
            "country": gaz.country,
            "lat": gaz.lat,
            "lon": gaz.lon,
            "population": gaz.population,
            "nearest_region": ids[near.index],
            "distance_km": near.km,
            "rtt_floor_ms": near.rtt_floor,
            "rtt_est_ms": near.rtt_est,
        }
    )
    df.attrs = near.attrs
    return df


# --------------------------------------------------------------------------- aggregation


def _summary(
    pop: np.ndarray, km: np.ndarray, rtt: np.ndarray, region: np.ndarray, n_regions: int
) -> dict[str, Any]:
    """Population-weighted figures for one group of cities (arrays already restricted to it)."""
    if len(pop) == 0:
        return {
            "cities": 0,
            "population": 0,
            "nearest_region": None,
            "serving_share": math.nan,
            "median_km": pd.NA,
            "rtt_est_ms": math.nan,
            **{f"share_{t}ms": math.nan for t in THRESHOLDS_MS},
        }
    total = int(pop.sum())
    w = pop.astype(float) if total > 0 else np.ones(len(pop))  # all-zero populations: unweighted
    w_sum = w.sum()
    served = np.bincount(region, weights=w, minlength=n_regions)
    best = int(np.argmax(served))  # ties -> the region id that sorts first
    order = np.argsort(km, kind="stable")
    cum = np.cumsum(w[order])
    out: dict[str, Any] = {
        "cities": len(pop),
        "population": total,
        "nearest_region": best,
        "serving_share": round(float(served[best] / w_sum), 3),
        "median_km": int(km[order][np.searchsorted(cum, w_sum / 2.0)]),  # weighted median
        "rtt_est_ms": round(float(np.dot(w, rtt) / w_sum), 1),
    }
    for t in THRESHOLDS_MS:
        out[f"share_{t}ms"] = round(float(w[rtt <= t].sum() / w_sum), 3)
    return out


def _country_spans() -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """Gazetteer rows ordered by (country, geonameid), and each country's slice of that order."""
    with _lock:
        if "spans" not in _cache:
            gaz = cities()
            order = np.lexsort((gaz.geonameid, gaz.country.astype(str)))
            codes, starts = np.unique(gaz.country[order].astype(str), return_index=True)
            ends = np.append(starts[1:], len(order))
            _cache["spans"] = (
                order,
                {str(c): (int(s), int(e)) for c, s, e in zip(codes, starts, ends, strict=True)},
            )
        return _cache["spans"]  # type: ignore[return-value]


class _Groups:
    """Nearest-region results ordered by country, ready to summarise any set of countries."""

    def __init__(self, near: _Nearest) -> None:
        order, self.spans = _country_spans()
        self.attrs = near.attrs
        self.region_ids = list(near.labels)
        self.pop = cities().population[order]
        self.km = near.km[order]
        self.rtt = near.rtt_est[order]
        self.region = near.index[order]

    def summarise(self, countries: Iterable[str]) -> dict[str, Any]:
        rows = [np.arange(*self.spans[c]) for c in sorted(set(countries)) if c in self.spans]
        sel = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
        out = _summary(
            self.pop[sel], self.km[sel], self.rtt[sel], self.region[sel], len(self.region_ids)
        )
        if out["nearest_region"] is not None:
            out["nearest_region"] = self.region_ids[out["nearest_region"]]
        return out


def _country_name(code: str) -> str:
    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return _EXTRA_NAMES.get(code, code)
    return str(getattr(c, "common_name", c.name))


def _normalise_countries(codes: Iterable[str], where: str) -> list[str]:
    out = []
    for raw in codes:
        code = str(raw).strip().upper()
        if pycountry.countries.get(alpha_2=code) is None and code not in _EXTRA_NAMES:
            raise CloudmapError(
                f"{where}: {raw!r} is not an ISO 3166-1 alpha-2 country code (e.g. MX)"
            )
        out.append(code)
    return out


def _frame(rows: list[dict[str, Any]], attrs: dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["median_km"] = df["median_km"].astype("Int64")  # whole km; <NA> for a group without cities
    df.attrs = attrs
    return df


# --------------------------------------------------------------------------- per-catalog memo

# One `cloudmap build` asks for the same country frame twice (the map and the exports). Frames
# are kept per catalog object (weakly: they go with it), keyed by (on, provider, countries),
# and dropped if the catalog's regions are replaced.
_MEMO_FRAMES = 64  # per catalog; the oldest goes first
_memo_lock = threading.Lock()


@dataclass
class _Memo:
    regions: tuple[Region, ...]  # the catalog's regions tuple the frames were computed from
    frames: dict[tuple[Any, ...], pd.DataFrame]


_memos: dict[int, tuple[weakref.ref[Catalog], _Memo]] = {}  # id(catalog) -> (catalog, memo)


def _forget(key: int, ref: weakref.ref[Catalog]) -> None:
    """Weakref callback: the catalog is gone, so is its memo (unless already replaced)."""
    entry = _memos.get(key)
    if entry is not None and entry[0] is ref:
        del _memos[key]


def _memo(catalog: Catalog) -> _Memo:
    """The catalog's memo, new if it has none or its regions changed; call under _memo_lock."""
    entry = _memos.get(id(catalog))
    if entry is not None:
        ref, memo = entry
        if ref() is catalog and memo.regions is catalog.regions:
            return memo
    memo = _Memo(catalog.regions, {})
    _memos[id(catalog)] = (weakref.ref(catalog, partial(_forget, id(catalog))), memo)
    return memo


def clear_memo(catalog: Catalog | None = None) -> None:
    """Forget the memoised country frames of ``catalog``, or of every catalog (benchmarks)."""
    with _memo_lock:
        if catalog is None:
            _memos.clear()
        else:
            _memos.pop(id(catalog), None)


# --------------------------------------------------------------------------- countries, markets


def country_coverage(
    catalog: Catalog,
    on: dt.date,
    *,
    provider: str | None = None,
    countries: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per country (ISO alpha-2), population-weighted coverage of its GeoNames cities on ``on``.

    Columns: iso_a2, name, cities, population, nearest_region (the region nearest to the largest
    share of the country's city population), serving_share (that share), median_km
    (population-weighted median distance to the nearest region), rtt_est_ms
    (population-weighted mean, estimated from distance), share_20ms / share_50ms / share_100ms
    (share of city population with an estimated RTT of at most 20 / 50 / 100 ms). Sorted by
    iso_a2. Countries without a city of 15,000+ people are absent; asking for one in
    ``countries`` raises ``CloudmapError``.

    ``provider`` is needed when the catalog has several (``CloudmapError`` otherwise).
    ``provider="all"`` measures from the nearest live region of any provider: region names
    become ``<provider>:<region id>`` (as in the exports' feature ids) and ``attrs["provider"]``
    is ``"all"``; on a one-provider catalog it is the same as leaving ``provider`` out.

    Results are memoised per catalog object; each call returns a fresh copy to change at will.
    """
    pid = _provider(catalog, provider)
    asked = None if countries is None else tuple(countries)
    key = (
        on,
        pid,
        None if asked is None else tuple(sorted({str(c).strip().upper() for c in asked})),
    )
    with _memo_lock:
        frame = _memo(catalog).frames.get(key)
    if frame is None:
        frame = _country_coverage(catalog, on, pid, asked)
        with _memo_lock:
            frames = _memo(catalog).frames
            while len(frames) >= _MEMO_FRAMES:
                del frames[next(iter(frames))]
            frames[key] = frame
    return frame.copy()


def _country_coverage(
    catalog: Catalog, on: dt.date, provider: str, countries: Iterable[str] | None
) -> pd.DataFrame:
    groups = _Groups(_nearest(catalog, on, provider))
    wanted = (
        sorted(groups.spans)
        if countries is None
        else sorted(set(_normalise_countries(countries, "country")))
    )
    rows = []
    for code in wanted:
        if code not in groups.spans:
            raise CloudmapError(
                f"no GeoNames city of 15,000+ people in {code} "
                f"({_country_name(code)}); coverage is measured over cities"
            )
        rows.append({"iso_a2": code, "name": _country_name(code), **groups.summarise([code])})
    return _frame(rows, groups.attrs)


def country_records(
    catalog: Catalog, on: dt.date, *, provider: str | None = None
) -> list[dict[str, Any]]:
    """``records(country_coverage(catalog, on, provider=provider))``, for the build: the figures
    depend only on the live regions' names and places (besides the gazetteer, the latency model
    and this code), so they come from the disk cache (cloudmap.cache) when the same regions
    were measured before."""
    from cloudmap.cache import cached, code_key, file_key
    from cloudmap.gazetteer import _data_file
    from cloudmap.latency import REGIONS_FILE, RTT_FILE

    pid = _provider(catalog, provider)
    regions = live_regions(catalog, on, provider=pid)
    places = [(_label(r, pid), r.location.lat, r.location.lon) for r in regions]
    reference = importlib.resources.files("cloudmap") / "reference"
    parts = [
        hashlib.sha256(repr(places).encode()).hexdigest(),
        file_key(_data_file()),
        *(
            hashlib.sha256((reference / n).read_bytes()).hexdigest()
            for n in (RTT_FILE, REGIONS_FILE)
        ),
        code_key("cloudmap.coverage", "cloudmap.latency", "cloudmap.gazetteer"),
    ]
    return cached(
        "coverage",
        "|".join(parts),
        lambda: records(country_coverage(catalog, on, provider=pid)),
    )


def _market_countries(value: Any) -> Sequence[str]:
    countries = getattr(value, "countries", value)  # a cloudmap.world Market or a plain list
    if isinstance(countries, str):
        return (countries,)
    return tuple(countries)


def market_coverage(
    catalog: Catalog, on: dt.date, markets: Mapping[str, Any], *, provider: str | None = None
) -> pd.DataFrame:
    """Per market, coverage of the cities of all its countries taken together on ``on``.

    ``markets`` maps a market name to its ISO alpha-2 codes, or to an object with a
    ``countries`` attribute (``cloudmap.world.Market``). Columns: market, countries (listed),
    countries_with_cities, then the columns of ``country_coverage`` from cities on. Sorted by
    market name. ``provider`` as in ``country_coverage``.
    """
    groups = _Groups(_nearest(catalog, on, provider))
    rows = []
    for name in sorted(markets):
        codes = sorted(
            set(_normalise_countries(_market_countries(markets[name]), f"market {name!r}"))
        )
        rows.append(
            {
                "market": name,
                "countries": len(codes),
                "countries_with_cities": sum(c in groups.spans for c in codes),
                **groups.summarise(codes),
            }
        )
    return _frame(rows, groups.attrs)


def compare(
    catalog: Catalog,
    d1: dt.date,
    d2: dt.date,
    *,
    provider: str | None = None,
    markets: Mapping[str, Any] | None = None,
    countries: Iterable[str] | None = None,
    changed_only: bool = False,
) -> pd.DataFrame:
    """How coverage changed from ``d1`` to ``d2``, per market (if ``markets``) else per country.

    Columns: the key (market, or iso_a2 and name), population, nearest_region_from/_to,
    median_km_from/_to, rtt_est_ms_from/_to, delta_ms (to - from; negative = closer), and
    share_20ms / share_50ms / share_100ms _from/_to. Sorted by delta_ms (largest improvement
    first), then key. ``changed_only`` keeps rows whose nearest region or RTT changed.
    ``provider`` as in ``country_coverage``.
    """
    if markets is not None:
        key = ["market"]
        a = market_coverage(catalog, d1, markets, provider=provider)
        b = market_coverage(catalog, d2, markets, provider=provider)
    else:
        key = ["iso_a2", "name"]
        a = country_coverage(catalog, d1, provider=provider, countries=countries)
        b = country_coverage(catalog, d2, provider=provider, countries=countries)
    measures = [
        "nearest_region",
        "median_km",
        "rtt_est_ms",
        *(f"share_{t}ms" for t in THRESHOLDS_MS),
    ]
    df = a[[*key, "population", *measures]].merge(
        b[[*key, *measures]], on=key, suffixes=("_from", "_to"), validate="1:1"
    )
    df["delta_ms"] = (df["rtt_est_ms_to"] - df["rtt_est_ms_from"]).round(1)
    if changed_only:
        changed = (df["nearest_region_from"] != df["nearest_region_to"]) | (df["delta_ms"] != 0)
        df = df[changed]
    cols = [*key, "population"]
    for m in measures:
        cols += [f"{m}_from", f"{m}_to"]
        if m == "rtt_est_ms":
            cols.append("delta_ms")
    df = df[cols].sort_values(["delta_ms", key[0]], na_position="last", ignore_index=True)
    df.attrs = {
        "from": d1.isoformat(),
        "to": d2.isoformat(),
        "provider": a.attrs["provider"],
        "live_regions_from": a.attrs["live_regions"],
        "live_regions_to": b.attrs["live_regions"],
    }
    return df


# --------------------------------------------------------------------------- presentation


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def country_rtt_band(rtt_ms: float | None) -> str:
    """The map-shading band of an estimated RTT: ``≤20 ms`` ... ``>200 ms``, or ``no data``."""
    if rtt_ms is None or _missing(rtt_ms):
        return NO_DATA
    for upper, label in RTT_BANDS:
        if rtt_ms <= upper:
            return label
    return RTT_BANDS[-1][1]


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain dicts of Python values (NaN -> None), in column order, for JSON."""
    out = []
    for row in df.to_dict(orient="records"):
        out.append(
            {
                str(k): (None if _missing(v) else v.item() if isinstance(v, np.generic) else v)
                for k, v in row.items()
            }
        )
    return out


_HEADERS = {
    "iso_a2": "cc",
    "name": "name",
    "market": "market",
    "countries": "countries",
    "countries_with_cities": "with cities",
    "cities": "cities",
    "population": "population",
    "nearest_region": "nearest region",
    "serving_share": "served",
    "median_km": "median km",
    "distance_km": "km",
    "rtt_floor_ms": "floor ms*",
    "rtt_est_ms": "RTT ms*",
    "delta_ms": "Δ ms*",
    **{f"share_{t}ms": f"≤{t} ms*" for t in THRESHOLDS_MS},
}


def _header(col: str) -> str:
    for suffix in ("_from", "_to"):
        if col.endswith(suffix):
            return f"{_HEADERS.get(col.removesuffix(suffix), col)} {suffix[1:]}"
    return _HEADERS.get(col, col)


def _cell(col: str, value: Any) -> str:
    if _missing(value):
        return "-"
    base = col.removesuffix("_from").removesuffix("_to")
    if base.startswith("share_") or base == "serving_share":
        return f"{value:.0%}"
    if base == "population":
        return f"{int(value):,}"
    if base in ("rtt_est_ms", "rtt_floor_ms"):
        return f"{value:.1f}"
    if base == "delta_ms":
        return f"{value:+.1f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _who(provider: str) -> str:
    return "all providers" if provider == ALL_PROVIDERS else provider


def format_text(
    df: pd.DataFrame, *, columns: Sequence[str] | None = None, title: str | None = None
) -> str:
    """A plain-text table of a coverage frame; RTT columns are starred and footnoted as
    estimated from distance (never measured)."""
    cols = list(columns) if columns is not None else list(df.columns)
    if title is None:
        a = df.attrs
        if "as_of" in a:
            title = (
                f"Coverage by {_who(a['provider'])} as of {a['as_of']} "
                f"({a['live_regions']} live regions)"
            )
        elif "from" in a:
            title = f"Coverage by {_who(a['provider'])}: {a['from']} -> {a['to']}"
    headers = [_header(c) for c in cols]
    body = [
        [_cell(c, v) for c, v in zip(cols, row, strict=True)]
        for row in df[cols].itertuples(index=False, name=None)
    ]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in cols]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    out = [title] if title else []
    out += [line(headers), line(["-" * w for w in widths]), *(line(r) for r in body)]
    if any(h.endswith("*") or "* " in h for h in headers):
        m = model()
        out.append(
            f"* {RTT_NOTE} (great-circle km to the nearest live region; RTT ~ "
            f"{m.overhead_ms:.1f} ms + {m.inflation:.2f} x km/102, fitted on Azure "
            "inter-region medians): not measured, excludes the user's last mile; "
            "see docs/latency-model.md"
        )
    return "\n".join(out) + "\n"
