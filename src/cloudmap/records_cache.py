"""Checked provider files kept as data: a provider file that read without a problem is stored
(in cloudmap.cache, keyed by its bytes, its name and the code that reads it) as plain JSON-able
lists, and rebuilt into the same records next time without parsing YAML or re-running the
per-record checks. Cross-record validation still runs on every load.

Packing is generic over the model's dataclasses: each becomes the list of its fields in
declaration order; fields are rebuilt by name (dates, locations, zones, sources, tuples, maps),
so a field added to a record is packed without code here, and a test round-trips the catalog.
"""

from __future__ import annotations

__all__ = ["pack_file", "unpack_file"]

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

from cloudmap.dates import PartialDate
from cloudmap.model import Location, Provider, ProviderStyle, Region, Site, Source, Zone

_DATES = frozenset(
    {"announced", "launched", "closure_announced", "closed", "opened", "reviewed", "zones_since"}
)
_TUPLES = frozenset({"announcements", "count_region_kinds", "count_zone_kinds"})
_MAPS = frozenset({"key_lines", "exclude"})


def _pack(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return [value.effective.isoformat(), value.text, value.precision, value.no_later_than]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_pack(getattr(value, f.name)) for f in _fields(type(value))]
    if isinstance(value, list | tuple):
        return [_pack(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _pack(v) for k, v in value.items()}
    return value


def _date(v: Any) -> PartialDate | None:
    if v is None:
        return None
    return PartialDate(dt.date.fromisoformat(v[0]), v[1], v[2], bool(v[3]))


def _zones(v: Any) -> tuple[Zone, ...]:
    return tuple(_unpack(Zone, z) for z in v)


def _sources(v: Any) -> tuple[Source, ...]:
    return tuple(_unpack(Source, s) for s in v)


def _converter(name: str) -> Callable[[Any], Any] | None:
    """How a packed field is rebuilt, by its name (None: kept as it is)."""
    if name in _DATES:
        return _date
    if name == "location":
        return lambda v: _unpack(Location, v)
    if name == "style":
        return lambda v: _unpack(ProviderStyle, v)
    if name == "zones":
        return _zones
    if name == "sources":
        return _sources
    if name in _TUPLES:
        return tuple
    if name in _MAPS:
        return dict
    return None


def _fields(cls: Any) -> list[dataclasses.Field[Any]]:
    """The fields that hold data (a leading underscore marks a private memo, not packed)."""
    return [f for f in dataclasses.fields(cls) if not f.name.startswith("_")]


@functools.cache
def _converters(cls: Any) -> tuple[Callable[[Any], Any] | None, ...]:
    return tuple(_converter(f.name) for f in _fields(cls))


def _unpack(cls: Any, values: list[Any]) -> Any:
    convert = _converters(cls)
    if len(convert) != len(values):
        raise ValueError(f"{cls.__name__}: {len(values)} values for {len(convert)} fields")
    return cls(
        *[v if c is None or v is None else c(v) for c, v in zip(convert, values, strict=True)]
    )


def pack_file(provider: Provider, regions: list[Region], sites: list[Site]) -> dict[str, Any]:
    """A provider file's records as JSON-able data."""
    return {
        "provider": _pack(provider),
        "regions": [_pack(r) for r in regions],
        "sites": [_pack(s) for s in sites],
    }


def unpack_file(data: dict[str, Any]) -> tuple[Provider, list[Region], list[Site]]:
    """The records ``pack_file`` packed (ValueError, KeyError or TypeError if malformed)."""
    return (
        _unpack(Provider, data["provider"]),
        [_unpack(Region, r) for r in data["regions"]],
        [_unpack(Site, s) for s in data["sites"]],
    )
