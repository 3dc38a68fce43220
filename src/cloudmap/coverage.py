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
    "compare",
    "country_coverage",
    "country_records",
    "country_rtt_band",
    "csv_text",
    "live_regions",
    "market_coverage",
    "nearest_regions",
    "records",
]

import datetime as dt
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cloudmap.citycover import (
    SUMMARY_COLUMNS,
    THRESHOLDS_MS,
    Groups,
    Nearest,
    country_summaries,
    nearest_cached,
)
from cloudmap.countries import get_name
from cloudmap.errors import CloudmapError
from cloudmap.gazetteer import cities
from cloudmap.latency import model, rtt_floor_ms
from cloudmap.model import Catalog
from cloudmap.nearest import (
    ALL_PROVIDERS,
    COVERAGE_KINDS,
    live_regions,
    nearest_regions,
    provider_id,
    region_label,
)

if TYPE_CHECKING:  # pandas is loaded only where a frame is made (a build needs none)
    import pandas as pd

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


# --------------------------------------------------------------------------- cities


def _nearest(catalog: Catalog, on: dt.date, provider: str | None) -> Nearest:
    """Every city's nearest live region on ``on`` (computed once per catalog, date and
    provider: a build asks for the same figures from the map, the comparison and the exports)."""
    pid = provider_id(catalog, provider)
    key = ("coverage.nearest", on, pid)
    found = catalog.derived.get(key)
    if found is None:
        found = catalog.derived[key] = _measure(catalog, on, pid)
    return found


def _measure(catalog: Catalog, on: dt.date, pid: str) -> Nearest:
    regions = live_regions(catalog, on, provider=pid)
    idx, km = nearest_cached(
        np.array([r.location.lat for r in regions]), np.array([r.location.lon for r in regions])
    )
    attrs = {
        "as_of": on.isoformat(),
        "provider": pid,
        "providers": sorted({r.provider for r in regions}),
        "live_regions": len(regions),
        # regions placed only at their country (the site is not published): rough distances
        "country_precision": sorted(
            region_label(r, pid) for r in regions if r.location.precision == "country"
        ),
    }
    return Nearest(
        regions,
        tuple(region_label(r, pid) for r in regions),
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
    rounded to 0.1 ms). Sorted by geonameid. ``attrs`` holds as_of, provider, providers (those measured), live_regions and
    country_precision (regions placed only at their country: rough distances).
    ``provider`` as in ``country_coverage``.
    """
    import pandas as pd

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


def _country_name(code: str) -> str:
    return get_name(code, code) or code


def _normalise_countries(codes: Iterable[str], where: str) -> list[str]:
    out = []
    for raw in codes:
        code = str(raw).strip().upper()
        if get_name(code) is None:
            raise CloudmapError(
                f"{where}: {raw!r} is not an ISO 3166-1 alpha-2 country code (e.g. MX)"
            )
        out.append(code)
    return out


def _frame(rows: list[dict[str, Any]], attrs: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(rows)
    df["median_km"] = df["median_km"].astype("Int64")  # whole km; <NA> for a group without cities
    df.attrs = attrs
    return df


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

    """
    pid = provider_id(catalog, provider)
    return _country_coverage(catalog, on, pid, None if countries is None else tuple(countries))


def _country_table(
    catalog: Catalog, on: dt.date, provider: str
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Every country's row (in column order) and the attrs, once per catalog, date, provider."""
    key = ("coverage.countries", on, provider)
    found = catalog.derived.get(key)
    if found is None:
        near = _nearest(catalog, on, provider)
        every = {
            code: {"iso_a2": code, "name": _country_name(code), **row}
            for code, row in country_summaries(near).items()
        }
        found = catalog.derived[key] = (every, near.attrs)
    return found


def _country_coverage(
    catalog: Catalog, on: dt.date, provider: str, countries: Iterable[str] | None
) -> pd.DataFrame:
    rows, attrs = _country_rows(catalog, on, provider, countries)
    return _frame(rows, dict(attrs))


def _country_rows(
    catalog: Catalog, on: dt.date, provider: str, countries: Iterable[str] | None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    every, attrs = _country_table(catalog, on, provider)
    wanted = (
        list(every)
        if countries is None
        else sorted(set(_normalise_countries(countries, "country")))
    )
    rows = []
    for code in wanted:
        if code not in every:
            raise CloudmapError(
                f"no GeoNames city of 15,000+ people in {code} "
                f"({_country_name(code)}); coverage is measured over cities"
            )
        rows.append(dict(every[code]))
    return rows, attrs


def country_records(
    catalog: Catalog,
    on: dt.date,
    *,
    provider: str | None = None,
    countries: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """``records(country_coverage(catalog, on, provider=..., countries=...))``: plain dicts for
    the build, or [] when nothing is live to measure from."""
    pid = provider_id(catalog, provider)
    if not any(
        r.is_live(on) and r.kind in COVERAGE_KINDS and (pid == ALL_PROVIDERS or r.provider == pid)
        for r in catalog.regions
    ):
        return []
    rows, _ = _country_rows(catalog, on, pid, None if countries is None else tuple(countries))
    return [{k: None if _missing(v) else v for k, v in row.items()} for row in rows]


def _market_countries(value: Any) -> Sequence[str]:
    countries = getattr(value, "countries", value)  # a cloudmap.model.Market or a plain list
    if isinstance(countries, str):
        return (countries,)
    return tuple(countries)


def market_coverage(
    catalog: Catalog, on: dt.date, markets: Mapping[str, Any], *, provider: str | None = None
) -> pd.DataFrame:
    """Per market, coverage of the cities of all its countries taken together on ``on``.

    ``markets`` maps a market name to its ISO alpha-2 codes, or to an object with a
    ``countries`` attribute (``cloudmap.model.Market``). Columns: market, countries (listed),
    countries_with_cities, then the columns of ``country_coverage`` from cities on. Sorted by
    market name. ``provider`` as in ``country_coverage``.
    """
    groups = Groups(_nearest(catalog, on, provider))
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
        "providers": sorted(set(a.attrs["providers"]) | set(b.attrs["providers"])),
        "country_precision": sorted(
            set(a.attrs["country_precision"]) | set(b.attrs["country_precision"])
        ),
        "live_regions_from": a.attrs["live_regions"],
        "live_regions_to": b.attrs["live_regions"],
    }
    return df


# --------------------------------------------------------------------------- presentation


def _missing(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    pd = sys.modules.get("pandas")  # no pandas loaded: no pandas.NA to meet
    return pd is not None and value is pd.NA


def country_rtt_band(rtt_ms: float | None) -> str:
    """The map-shading band of an estimated RTT: ``≤20 ms`` ... ``>200 ms``, or ``no data``."""
    if rtt_ms is None or _missing(rtt_ms):
        return NO_DATA
    for upper, label in RTT_BANDS:
        if rtt_ms <= upper:
            return label
    return RTT_BANDS[-1][1]


def csv_text(df: pd.DataFrame) -> str:
    """The table as CSV (``cloudmap coverage --csv``)."""
    return str(df.to_csv(index=False, lineterminator="\n"))


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
