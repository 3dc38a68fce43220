"""A distance-to-RTT model fitted on Azure's published inter-region medians, with its measured error."""

from __future__ import annotations

__all__ = [
    "CV_FOLDS",
    "FIBRE_KM_PER_MS",
    "Evaluation",
    "LatencyModel",
    "cross_validate",
    "estimate_rtt_ms",
    "fit",
    "inflation_by_band",
    "long_tail",
    "model",
    "reference_pairs",
    "reference_regions",
    "rtt_floor_ms",
]

import importlib.resources
import io
import itertools
import threading
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from cloudmap.gazetteer import haversine_km

if TYPE_CHECKING:  # pandas is loaded only where a frame is made (a build needs none)
    import pandas as pd

# Light in optical fibre (refractive index ~1.47) covers ~204 km per ms one way, so the best
# possible round trip over a great-circle distance d is 2 d / 204 = d / 102 ms.
FIBRE_KM_PER_MS = 204.0
CV_FOLDS = 5
# Distance bands (km) for the inflation table; the last is open-ended.
BANDS_KM = (0.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0, np.inf)

RTT_FILE = "azure-rtt-2024-04.csv"
REGIONS_FILE = "azure-region-locations.csv"
SOURCE = (
    'Microsoft Learn, "Azure network round-trip latency statistics" '
    "(monthly P50, 30 days to 2024-04-09)"
)

Scheme = Literal["pair-hash", "region"]

_lock = threading.Lock()
_cache: dict[str, object] = {}


def rtt_floor_ms(distance_km: npt.ArrayLike) -> np.ndarray | float:
    """The fibre floor: the round trip light in fibre needs over ``distance_km`` (d / 102 ms)."""
    return 2.0 * np.asarray(distance_km, dtype=float) / FIBRE_KM_PER_MS


@dataclass(frozen=True)
class LatencyModel:
    """RTT estimated from distance: ``overhead_ms + inflation * fibre floor`` (never below it)."""

    overhead_ms: float  # fixed cost of a round trip (switching, serialisation, last metres)
    inflation: float  # marginal RTT per ms of fibre floor (route length over great circle, etc.)
    n_pairs: int  # region pairs fitted on

    def rtt_ms(self, distance_km: npt.ArrayLike) -> np.ndarray | float:
        """Estimated round-trip time in ms over a great-circle ``distance_km`` (broadcasts)."""
        floor = rtt_floor_ms(distance_km)
        return np.maximum(self.overhead_ms + self.inflation * floor, floor)

    def describe(self) -> str:
        """The model in one line, e.g. ``RTT ~ 6.5 ms + 1.61 x fibre floor (d/102 ms)``."""
        return (
            f"RTT ~ {self.overhead_ms:.1f} ms + {self.inflation:.2f} x fibre floor (d/102 ms), "
            f"estimated from distance; fitted on {self.n_pairs} Azure region pairs"
        )


@dataclass(frozen=True)
class Evaluation:
    """Out-of-sample error of the model: relative error = |estimate - measured| / measured."""

    scheme: str
    n: int  # predictions scored (each pair once for pair-hash, twice for region)
    median_rel_error: float
    p90_rel_error: float
    median_signed_error: float  # > 0: the model overestimates the typical pair


# --------------------------------------------------------------------------- reference data


def _read_reference(name: str) -> pd.DataFrame:
    import pandas as pd

    text = (importlib.resources.files("cloudmap") / "reference" / name).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), comment="#")


def reference_regions() -> pd.DataFrame:
    """The shipped Azure region coordinates (region, lat, lon, origin), sorted by region."""
    return _read_reference(REGIONS_FILE).sort_values("region", ignore_index=True)


def reference_pairs() -> pd.DataFrame:
    """The shipped measurements as unordered region pairs, sorted by (region_a, region_b).

    Columns: region_a < region_b, rtt_ms (mean of the published directions), directions (1 or 2),
    distance_km (great circle on the mean-radius sphere), rtt_floor_ms, fold (0..CV_FOLDS-1,
    from a CRC-32 of ``"region_a|region_b"``: deterministic, no RNG).
    """
    with _lock:
        if "pairs" not in _cache:
            _cache["pairs"] = _build_pairs()
    return _cache["pairs"].copy()  # type: ignore[attr-defined]


def _build_pairs() -> pd.DataFrame:
    import pandas as pd

    raw = _read_reference(RTT_FILE)
    regions = reference_regions().set_index("region")
    unknown = sorted((set(raw["source"]) | set(raw["destination"])) - set(regions.index))
    if unknown:
        raise ValueError(f"{RTT_FILE}: regions without coordinates in {REGIONS_FILE}: {unknown}")
    a = np.minimum(raw["source"].to_numpy(dtype=object), raw["destination"].to_numpy(dtype=object))
    b = np.maximum(raw["source"].to_numpy(dtype=object), raw["destination"].to_numpy(dtype=object))
    pairs = (
        pd.DataFrame({"region_a": a, "region_b": b, "rtt": raw["rtt_ms"].astype(float)})
        .groupby(["region_a", "region_b"], sort=True)["rtt"]
        .agg(rtt_ms="mean", directions="size")
        .reset_index()
    )
    ra, rb = regions.loc[pairs["region_a"]], regions.loc[pairs["region_b"]]
    pairs["distance_km"] = haversine_km(
        ra["lat"].to_numpy(), ra["lon"].to_numpy(), rb["lat"].to_numpy(), rb["lon"].to_numpy()
    )
    pairs["rtt_floor_ms"] = rtt_floor_ms(pairs["distance_km"].to_numpy())
    keys = pairs["region_a"] + "|" + pairs["region_b"]
    pairs["fold"] = [zlib.crc32(k.encode("utf-8")) % CV_FOLDS for k in keys]
    return pairs


# --------------------------------------------------------------------------- fitting


def fit(pairs: pd.DataFrame) -> LatencyModel:
    """Least squares on relative error: minimise sum(((a + b * floor) - rtt) / rtt) ** 2.

    Closed form (weighted linear least squares), so deterministic. Relative error keeps the
    ~500 long intercontinental pairs from drowning the short hops that matter for coverage.
    """
    y = pairs["rtt_ms"].to_numpy(dtype=float)
    floor = pairs["rtt_floor_ms"].to_numpy(dtype=float)
    if len(y) < 2:
        raise ValueError("need at least two measured pairs to fit the latency model")
    design = np.column_stack([np.ones_like(floor), floor]) / y[:, None]
    (a, b), *_ = np.linalg.lstsq(design, np.ones_like(y), rcond=None)
    return LatencyModel(float(a), float(b), len(y))


def model() -> LatencyModel:
    """The model fitted on every shipped pair (once per process; kept in the disk cache, keyed by
    the reference files and this module's code, so that a build needs no CSV parsing)."""
    found = _cache.get("model")
    if found is None:
        fitted = _cached_fit()
        with _lock:
            found = _cache.setdefault("model", fitted)
    return found  # type: ignore[return-value]


def _cached_fit() -> LatencyModel:
    import hashlib

    from cloudmap.cache import Entry, cached, code_key

    h = hashlib.sha256()
    for name in (RTT_FILE, REGIONS_FILE):
        h.update((importlib.resources.files("cloudmap") / "reference" / name).read_bytes())

    def make() -> Entry:
        m = fit(reference_pairs())
        return Entry({"overhead_ms": m.overhead_ms, "inflation": m.inflation, "n_pairs": m.n_pairs})

    def valid(e: Entry) -> bool:
        meta = e.meta
        return (
            isinstance(meta, dict)
            and all(isinstance(meta.get(k), float) for k in ("overhead_ms", "inflation"))
            and type(meta.get("n_pairs")) is int
        )

    entry = cached(
        "latency-model", f"{h.hexdigest()}|{code_key('cloudmap.latency')}", make, valid=valid
    )
    meta = entry.meta
    return LatencyModel(float(meta["overhead_ms"]), float(meta["inflation"]), int(meta["n_pairs"]))


def estimate_rtt_ms(distance_km: npt.ArrayLike) -> np.ndarray | float:
    """Estimated RTT in ms from great-circle distance, with the shipped model."""
    return model().rtt_ms(distance_km)


# --------------------------------------------------------------------------- evaluation


def _out_of_fold(pairs: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    import pandas as pd

    """One row per held-out prediction: the pair, the held-out group, estimate and errors."""
    rows = []
    if scheme == "pair-hash":
        groups = [(f"fold {k}", pairs["fold"] == k) for k in range(CV_FOLDS)]
    elif scheme == "region":
        names = sorted(set(pairs["region_a"]) | set(pairs["region_b"]))
        groups = [(r, (pairs["region_a"] == r) | (pairs["region_b"] == r)) for r in names]
    else:
        raise ValueError(f"scheme {scheme!r}: use 'pair-hash' or 'region'")
    for name, held in groups:
        m = fit(pairs[~held])
        test = pairs[held].copy()
        test["held_out"] = name
        test["estimate_ms"] = m.rtt_ms(test["distance_km"].to_numpy())
        rows.append(test)
    out = pd.concat(rows, ignore_index=True)
    out["signed_error"] = (out["estimate_ms"] - out["rtt_ms"]) / out["rtt_ms"]
    out["rel_error"] = out["signed_error"].abs()
    return out


def cross_validate(
    pairs: pd.DataFrame | None = None, *, scheme: Scheme = "pair-hash"
) -> Evaluation:
    """Error on pairs not fitted on.

    ``pair-hash``: 5 folds fixed by a hash of the pair name. ``region``: leave one region out
    (fit without every pair touching it, score those pairs), which also stops near-duplicate
    regions (Australia Central / Central 2 share coordinates) leaking across folds.
    """
    oof = _out_of_fold(reference_pairs() if pairs is None else pairs, scheme)
    err = oof["rel_error"].to_numpy()
    return Evaluation(
        scheme="5-fold by pair hash" if scheme == "pair-hash" else "leave one region out",
        n=len(err),
        median_rel_error=float(np.median(err)),
        p90_rel_error=float(np.quantile(err, 0.9)),
        median_signed_error=float(np.median(oof["signed_error"])),
    )


def long_tail(pairs: pd.DataFrame | None = None, *, n: int = 15) -> pd.DataFrame:
    """The ``n`` pairs the model misses most out of sample (pair-hash folds), worst first.

    Columns: region_a, region_b, distance_km, rtt_ms (measured), estimate_ms, signed_error.
    Negative errors are routes much slower than their distance suggests (detours).
    """
    oof = _out_of_fold(reference_pairs() if pairs is None else pairs, "pair-hash")
    oof = oof.sort_values(["rel_error", "region_a", "region_b"], ascending=[False, True, True])
    cols = ["region_a", "region_b", "distance_km", "rtt_ms", "estimate_ms", "signed_error"]
    return oof.head(n)[cols].reset_index(drop=True)


def inflation_by_band(
    pairs: pd.DataFrame | None = None, fitted: LatencyModel | None = None
) -> pd.DataFrame:
    """Measured RTT over the fibre floor, by distance band, next to what the model implies.

    Columns: band, pairs, median_km, median_rtt_ms, median_inflation (median of rtt / floor),
    p25_inflation, p75_inflation, model_inflation (the model's rtt / floor at median_km).
    """
    import pandas as pd

    pairs = reference_pairs() if pairs is None else pairs
    fitted = fitted or fit(pairs)
    ratio = pairs["rtt_ms"] / pairs["rtt_floor_ms"]
    rows = []
    for lo, hi in itertools.pairwise(BANDS_KM):
        sel = (pairs["distance_km"] >= lo) & (pairs["distance_km"] < hi)
        if not sel.any():
            continue
        km = float(pairs.loc[sel, "distance_km"].median())
        label = f"{lo:,.0f}-{hi:,.0f} km" if np.isfinite(hi) else f">={lo:,.0f} km"
        rows.append(
            {
                "band": label,
                "pairs": int(sel.sum()),
                "median_km": km,
                "median_rtt_ms": float(pairs.loc[sel, "rtt_ms"].median()),
                "median_inflation": float(ratio[sel].median()),
                "p25_inflation": float(ratio[sel].quantile(0.25)),
                "p75_inflation": float(ratio[sel].quantile(0.75)),
                "model_inflation": float(fitted.rtt_ms(km) / rtt_floor_ms(km)),
            }
        )
    return pd.DataFrame(rows)
