"""The catalog's typed records (regions, zones, sites, providers, announcements, markets) and
their as-of-date views; built by cloudmap.catalog, never from raw YAML."""

from __future__ import annotations

__all__ = [
    "NEW_WINDOW",
    "Announcement",
    "Catalog",
    "Location",
    "Market",
    "Provider",
    "ProviderStyle",
    "Region",
    "Site",
    "Source",
    "Zone",
]

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cloudmap.dates import PartialDate
from cloudmap.errors import NotFound
from cloudmap.schema import LIVE_STATUSES

NEW_WINDOW = dt.timedelta(days=365)
_UNSET = object()


def frozen(value: Any) -> Any:
    """A read-only copy: mappings become MappingProxyType, lists tuples, all the way down (the
    records hand out their containers, so a caller cannot change a loaded catalog)."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value


def _freeze(obj: Any, *names: str) -> None:
    for name in names:
        object.__setattr__(obj, name, frozen(getattr(obj, name)))


@dataclass(frozen=True)
class Source:
    url: str
    supports: str


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    precision: str
    source: str
    line: int = 0


@dataclass(frozen=True)
class Zone:
    """A zone; ``id`` is None for zones counted by ``zone_count`` (ids not public)."""

    id: str | None
    opened: PartialDate | None
    closed: PartialDate | None
    notes: str | None = None
    line: int = 0

    def is_live(self, on: dt.date) -> bool:
        """Open on ``on`` (given that its region is live)."""
        return (self.opened is None or self.opened.effective <= on) and not (
            self.closed is not None and self.closed.effective <= on
        )


def _exact_within(d: PartialDate | None, on: dt.date) -> bool:
    """Known (not only bounded) to have happened in the 12 months up to ``on``."""
    return d is not None and not d.no_later_than and on - NEW_WINDOW < d.effective <= on


@dataclass(frozen=True)
class Region:
    """One provider region (or local, partner, government, sovereign or industry region)."""

    provider: str
    id: str
    name: str | None  # None: the provider publishes no English name
    city: str | None  # None: not disclosed
    country: str
    kind: str
    location: Location
    announced: PartialDate | None
    launched: PartialDate | None
    closure_announced: PartialDate | None
    closed: PartialDate | None
    zones: tuple[Zone, ...]
    announcements: tuple[str, ...]
    sources: tuple[Source, ...]
    notes: str | None
    file: str
    line: int
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    zones_by_count: bool = False  # zones given as zone_count (anonymous), not listed by id
    zones_unknown: bool = False  # zone_count: unknown (the provider publishes no count)
    zones_since: PartialDate | None = None  # undated zones are known only from this date
    # status(on) per day asked (the record is immutable; builds ask the same days many times)
    _statuses: dict[dt.date, str | None] = field(
        default_factory=dict, init=False, compare=False, repr=False, hash=False
    )

    @property
    def label(self) -> str:
        """The name readers see: the official name, or the id when none is published."""
        return self.name or self.id

    @property
    def key(self) -> str:
        """The region's id across providers: ``provider:id``."""
        return f"{self.provider}:{self.id}"

    def line_of(self, key: str) -> int:
        """The line of ``key`` in the region's YAML mapping (the region's first line if absent)."""
        return self.key_lines.get(key, self.line)

    def status(self, on: dt.date) -> str | None:
        """Lifecycle status on a date: new, expanded, live, closing, announced, closed, or None
        (not announced yet). ``new``: launched in the 12 months up to ``on``; ``expanded``: an
        older region with a zone opened in those 12 months. "No later than" dates cannot show
        either (the event may be older)."""
        found = self._statuses.get(on, _UNSET)
        if found is _UNSET:
            found = self._statuses[on] = self._status(on)
        return found  # type: ignore[return-value]

    def _status(self, on: dt.date) -> str | None:
        if self.closed is not None and self.closed.effective <= on:
            return "closed"
        if self.launched is not None and self.launched.effective <= on:
            if self.closure_announced is not None and self.closure_announced.effective <= on:
                return "closing"
            if _exact_within(self.launched, on):
                return "new"
            if any(_exact_within(z.opened, on) and z.opened != self.launched for z in self.zones):
                return "expanded"
            return "live"
        if self.announced is not None and self.announced.effective <= on:
            return "announced"
        return None

    def is_live(self, on: dt.date) -> bool:
        return self.status(on) in LIVE_STATUSES

    def live_zones(self, on: dt.date) -> tuple[Zone, ...]:
        """Zones known to be open on ``on``. Before ``zones_since`` only dated zones are known."""
        if not self.is_live(on):
            return ()
        known = self.zones_since is None or self.zones_since.effective <= on
        return tuple(z for z in self.zones if z.is_live(on) and (known or z.opened is not None))

    def zones_known(self, on: dt.date) -> bool:
        """Whether the region's full zone count on ``on`` is known (see ``zones_since``)."""
        return not self.zones_unknown and (
            self.zones_since is None or self.zones_since.effective <= on
        )

    def bounded(self) -> bool:
        """Whether the launch date is only a "no later than" bound."""
        return self.launched is not None and self.launched.no_later_than


@dataclass(frozen=True)
class Site:
    """An announced site (data centre) that has no region id yet."""

    provider: str
    id: str
    country: str
    city: str | None
    announced: PartialDate
    location: Location | None
    region: str | None
    announcements: tuple[str, ...]
    sources: tuple[Source, ...]
    notes: str | None
    file: str
    line: int
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        """The line of ``key`` in the site's YAML mapping (the site's first line if absent)."""
        return self.key_lines.get(key, self.line)

    @property
    def key(self) -> str:
        return f"{self.provider}:site:{self.id}"


@dataclass(frozen=True)
class ProviderStyle:
    """How the map and tables show a provider (its file's ``style``)."""

    short: str
    shape: str
    color: str


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    style: ProviderStyle
    count_region_kinds: tuple[str, ...]
    count_zone_kinds: tuple[str, ...]
    counting_note: str
    sources: tuple[Source, ...]
    file: str
    reviewed: PartialDate | None = None  # when the file was last checked against its sources
    # region id -> why the provider's own headline totals leave it out (counting.exclude)
    exclude: Mapping[str, str] = field(default_factory=dict)
    line: int = 1
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    lead: bool = False  # commands default to the lead providers, and the map opens on them

    def __post_init__(self) -> None:
        _freeze(self, "exclude", "sources", "count_region_kinds", "count_zone_kinds")


@dataclass(frozen=True)
class Announcement:
    id: str
    date: PartialDate
    provider: str
    title: str
    publisher: str | None
    sources: tuple[Source, ...]
    summary: str
    claims: Mapping[str, Any]
    file: str
    line: int
    notes: str | None = None
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    claim_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        _freeze(self, "claims", "sources")

    def line_of(self, key: str) -> int:
        """The line of a top-level key, or of ``claims.<key>``."""
        if key.startswith("claims."):
            return self.claim_lines.get(key.removeprefix("claims."), self.line_of("claims"))
        return self.key_lines.get(key, self.line)

    @property
    def claims_as_of(self) -> dt.date:
        raw = self.claims.get("as_of")
        return raw.effective if isinstance(raw, PartialDate) else self.date.effective


@dataclass(frozen=True)
class Market:
    """A market named in announcements, defined as an explicit list of ISO alpha-2 codes."""

    id: str
    name: str
    definition: str
    countries: tuple[str, ...]
    sources: tuple[Source, ...]
    announcements: tuple[str, ...]  # ids of seeds/ records whose claims.markets name it
    m49: str | None = None
    notes: str | None = None
    line: int = 0
    aliases: tuple[str, ...] = ()
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Catalog:
    """Every provider's regions and sites, the announcement records and the markets."""

    root: Path
    providers: Mapping[str, Provider]
    regions: tuple[Region, ...]
    sites: tuple[Site, ...]
    announcements: Mapping[str, Announcement]
    markets: Mapping[str, Market] = field(default_factory=dict)
    seed_files: frozenset[str] = frozenset()  # every seeds/*.yaml stem, valid or not
    # (provider, id) of every region and site record found, valid or not, and every provider id
    # (or provider file stem): references are checked against these, so one bad record does not
    # cascade into "no such region" problems elsewhere
    declared: frozenset[tuple[str, str]] = frozenset()
    declared_providers: frozenset[str] = frozenset()
    declared_markets: frozenset[str] = frozenset()  # "*": data/markets.yaml is unreadable

    def __post_init__(self) -> None:
        for name in ("providers", "announcements", "markets"):  # shallow: the records are frozen
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        _freeze(self, "regions", "sites")

    @cached_property
    def derived(self) -> dict[Any, Any]:
        """Figures computed from this (immutable) catalog, kept for its lifetime so one build
        computes each once, e.g. the nearest live region of every city per date and provider
        (cloudmap.coverage). Private to the modules that fill it."""
        return {}

    @cached_property
    def _by_id(self) -> dict[str, Region]:
        out: dict[str, Region] = {}
        for r in self.regions:
            out.setdefault(r.id, r)  # a bare id means the first provider's region
            out[r.key] = r
        return out

    def get(self, region_id: str, default: Region | None = None) -> Region | None:
        """The region with this id (``provider:id``, or a bare id), or ``default``."""
        return self._by_id.get(region_id.strip().lower(), default)

    def lookup(self, region_id: str) -> Region:
        """The region with this id; ``NotFound`` (a LookupError) naming the id otherwise."""
        region = self.get(region_id)
        if region is None:
            raise NotFound(f"no region {region_id!r} in the catalog")
        return region

    @cached_property
    def dates(self) -> tuple[dt.date, ...]:
        """Every effective date in the catalog, sorted (useful for timelines)."""
        out: set[dt.date] = set()
        for r in self.regions:
            for d in (r.announced, r.launched, r.closure_announced, r.closed):
                if d is not None:
                    out.add(d.effective)
            out.update(z.opened.effective for z in r.zones if z.opened)
            out.update(z.closed.effective for z in r.zones if z.closed)
        out.update(s.announced.effective for s in self.sites)
        return tuple(sorted(out))

    @cached_property
    def default_as_of(self) -> dt.date:
        """The date commands use when no --as-of is given: the latest ``provider.reviewed`` date
        (or, when no file has one, the latest dated event), or the latest announcement's date if
        later (news recorded since the last review). Never a scheduled event past the review
        date (a launch or closure set for later is not the present) and never the clock, so
        outputs are reproducible."""
        days = [p.reviewed.effective for p in self.providers.values() if p.reviewed is not None]
        if not days:  # nothing says when the data was checked: its latest dated event
            days = list(self.dates[-1:])
        days += [a.date.effective for a in self.announcements.values()]
        return max(days) if days else dt.date(1970, 1, 1)

    def counted(self, region: Region) -> tuple[bool, bool]:
        """Whether the region counts in headline totals as (a region, a holder of zones)."""
        p = self.providers[region.provider]
        if region.id in p.exclude:
            return False, False
        return region.kind in p.count_region_kinds, region.kind in p.count_zone_kinds

    def sites_as_of(self, on: dt.date) -> tuple[Site, ...]:
        """Announced sites known on ``on`` whose region (if any) had not launched by then."""
        out = []
        for s in self.sites:
            if s.announced.effective > on:
                continue
            region = self.get(f"{s.provider}:{s.region}") if s.region else None
            if region is not None and region.status(on) is not None:
                continue
            out.append(s)
        return tuple(out)

    def select(self, providers: tuple[str, ...] | None) -> Catalog:
        """The same catalog restricted to some providers (None: all of them)."""
        if providers is None:
            return self
        keep = set(providers)
        return Catalog(
            self.root,
            {k: v for k, v in self.providers.items() if k in keep},
            tuple(r for r in self.regions if r.provider in keep),
            tuple(s for s in self.sites if s.provider in keep),
            {k: a for k, a in self.announcements.items() if a.provider in keep},
            self.markets,
            self.seed_files,
            self.declared,
            self.declared_providers,
            self.declared_markets,
        )
