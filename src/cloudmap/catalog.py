"""Load and validate data/ and seeds/ into typed records, with as-of-date views."""

from __future__ import annotations

__all__ = [
    "Announcement",
    "Catalog",
    "Location",
    "Provider",
    "Region",
    "Site",
    "Source",
    "Zone",
    "load_catalog",
]

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pycountry

from cloudmap.errors import Problem, ValidationError
from cloudmap.schema import KINDS, PRECISIONS, PartialDate, parse_date
from cloudmap.yamlio import LineMap, load_yaml

NEW_WINDOW = dt.timedelta(days=365)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
_ZONE_SUFFIX_RE = re.compile(r"^-?(?:[a-z]{1,2}|[0-9]{1,2})$")  # cn-hangzhou-b, us-east-1a, x-2


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


@dataclass(frozen=True)
class Region:
    """One provider region (or local / partner region)."""

    provider: str
    id: str
    name: str
    city: str
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
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    zones_by_count: bool = False  # zones given as zone_count (anonymous), not listed by id

    def line_of(self, key: str) -> int:
        """The line of ``key`` in the region's YAML mapping (the region's first line if absent)."""
        return self.key_lines.get(key, self.line)

    def status(self, on: dt.date) -> str | None:
        """Lifecycle status on a date: new, live, closing, announced, closed, or None (unknown yet)."""
        if self.closed is not None and self.closed.effective <= on:
            return "closed"
        if self.launched is not None and self.launched.effective <= on:
            if self.closure_announced is not None and self.closure_announced.effective <= on:
                return "closing"
            if self.latest_opening(on) > on - NEW_WINDOW:
                return "new"
            return "live"
        if self.announced is not None and self.announced.effective <= on:
            return "announced"
        return None

    def is_live(self, on: dt.date) -> bool:
        return self.status(on) in ("new", "live", "closing")

    def latest_opening(self, on: dt.date) -> dt.date:
        """The latest day on or before ``on`` that the region or one of its zones is known to
        have opened. "No later than" bounds are left out: they cannot show that it is new."""
        dates = [self.launched, *(z.opened for z in self.zones)]
        days = [
            d.effective
            for d in dates
            if d is not None and not d.no_later_than and d.effective <= on
        ]
        return max(days) if days else dt.date.min

    def live_zones(self, on: dt.date) -> tuple[Zone, ...]:
        if not self.is_live(on):
            return ()
        return tuple(
            z
            for z in self.zones
            if (z.opened is None or z.opened.effective <= on)
            and not (z.closed is not None and z.closed.effective <= on)
        )


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
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    line_of = Region.line_of


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    count_region_kinds: tuple[str, ...]
    count_zone_kinds: tuple[str, ...]
    counting_note: str
    sources: tuple[Source, ...]
    file: str
    reviewed: PartialDate | None = None  # when the file was last checked against its sources
    # region id -> why the provider's own headline totals leave it out (counting.exclude)
    exclude: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Announcement:
    id: str
    date: PartialDate
    provider: str
    title: str
    publisher: str | None
    sources: tuple[Source, ...]
    summary: str
    claims: dict[str, Any]
    file: str
    line: int
    notes: str | None = None

    @property
    def claims_as_of(self) -> dt.date:
        raw = self.claims.get("as_of")
        return parse_date(raw).effective if raw is not None else self.date.effective


@dataclass
class Catalog:
    """Every provider's regions and sites plus the announcement records."""

    root: Path
    providers: dict[str, Provider]
    regions: tuple[Region, ...]
    sites: tuple[Site, ...]
    announcements: dict[str, Announcement]
    seed_files: frozenset[str] = frozenset()  # every seeds/*.yaml stem, valid or not
    _by_id: dict[str, Region] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {}
        for r in self.regions:
            self._by_id.setdefault(r.id, r)  # a bare id means the first provider's region
            self._by_id[f"{r.provider}:{r.id}"] = r

    def get(self, region_id: str, default: Region | None = None) -> Region | None:
        """The region with this id (``provider:id``, or a bare id), or ``default``."""
        return self._by_id.get(region_id.strip().lower(), default)

    def lookup(self, region_id: str) -> Region:
        """The region with this id; ``LookupError`` naming the id otherwise."""
        region = self.get(region_id)
        if region is None:
            raise LookupError(f"no region {region_id!r} in the catalog")
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
        """The date commands use when no --as-of is given: the latest ``provider.reviewed`` date,
        or the latest dated event if that is later. Never the clock, so outputs are reproducible."""
        days = [p.reviewed.effective for p in self.providers.values() if p.reviewed is not None]
        days += list(self.dates[-1:])
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


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Collects problems while turning LineMaps into records."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, id_: str, fld: str, msg: str) -> None:
        self.problems.append(Problem(self.file, line, id_, fld, msg))

    def mapping(self, node: Any, line: int, id_: str, fld: str) -> LineMap | None:
        if isinstance(node, LineMap):
            own = node.get("id")
            for key, kline in node.duplicates:
                self.add(
                    kline, own if isinstance(own, str) else id_, key, "key given twice (keep one)"
                )
            return node
        self.add(line, id_, fld, f"expected a mapping, got {_describe(node)}")
        return None

    def text(self, m: LineMap, key: str, id_: str, *, required: bool = True) -> str | None:
        value = m.get(key)
        if value is None:
            if required:
                self.add(m.line_of(key), id_, key, "missing (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            hint = (
                " (quote it: YAML reads NO, no, yes, on, off as true/false)"
                if isinstance(value, bool)
                else ""
            )
            self.add(
                m.line_of(key), id_, key, f"expected non-empty text, got {_describe(value)}{hint}"
            )
            return None
        return value.strip()

    def date(self, m: LineMap, key: str, id_: str, *, required: bool = False) -> PartialDate | None:
        value = m.get(key)
        if value is None:
            if required:
                self.add(m.line_of(key), id_, key, "missing (required; write YYYY-MM-DD)")
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.add(m.line_of(key), id_, key, str(exc))
            return None

    def sources(self, m: LineMap, id_: str, *, required: bool = True) -> tuple[Source, ...]:
        raw = m.get("sources")
        if not raw:
            if required:
                self.add(m.line_of("sources"), id_, "sources", "missing: cite at least one URL")
            return ()
        if not isinstance(raw, list):
            self.add(m.line_of("sources"), id_, "sources", "expected a list of {url, supports}")
            return ()
        out = []
        for item in raw:
            sm = self.mapping(item, m.line_of("sources"), id_, "sources")
            if sm is None:
                continue
            url = self.text(sm, "url", id_)
            supports = self.text(sm, "supports", id_)
            if url and not re.match(r"^https?://\S+$", url):
                self.add(sm.line_of("url"), id_, "url", f"{url!r} is not an http(s) URL")
            elif url and supports:
                out.append(Source(url, supports))
        return tuple(out)

    def country(self, m: LineMap, id_: str) -> str | None:
        code = self.text(m, "country", id_)
        if code is None:
            return None
        if pycountry.countries.get(alpha_2=code.upper()) is None or code != code.upper():
            hint = _country_hint(code)
            self.add(
                m.line_of("country"),
                id_,
                "country",
                f"{code!r} is not an ISO 3166-1 alpha-2 code{hint}",
            )
            return None
        return code

    def location(self, node: Any, line: int, id_: str) -> Location | None:
        m = self.mapping(node, line, id_, "location")
        if m is None:
            return None
        lat, lon = m.get("lat"), m.get("lon")
        ok = True
        for key, value, lim in (("lat", lat, 90), ("lon", lon, 180)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.add(m.line_of(key), id_, key, f"expected a number, got {_describe(value)}")
                ok = False
            elif not -lim <= value <= lim:
                swap = (
                    " (lat/lon swapped?)"
                    if key == "lat" and isinstance(lon, int | float) and -90 <= lon <= 90
                    else ""
                )
                self.add(m.line_of(key), id_, key, f"{value} is outside -{lim}..{lim}{swap}")
                ok = False
        precision = self.text(m, "precision", id_)
        if precision is not None and precision not in PRECISIONS:
            self.add(
                m.line_of("precision"),
                id_,
                "precision",
                f"{precision!r} is not one of {', '.join(PRECISIONS)}",
            )
            ok = False
        source = self.text(m, "source", id_)
        if not (ok and precision and source):
            return None
        return Location(float(lat), float(lon), precision, source, m.line)  # type: ignore[arg-type]

    def id_list(self, m: LineMap, key: str, id_: str) -> tuple[str, ...]:
        raw = m.get(key) or []
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            self.add(m.line_of(key), id_, key, "expected a list of ids")
            return ()
        return tuple(raw)


def parse_total(value: object) -> tuple[int, bool] | None:
    """A claimed total: ``(n, False)`` for an exact whole number, ``(n, True)`` for ``"N+"``
    ("more than N" / "N or more"), None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (value, False) if value >= 0 else None
    if isinstance(value, str) and re.fullmatch(r"\d+\+", value.strip()):
        return int(value.strip()[:-1]), True
    return None


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _country_hint(code: str) -> str:
    try:
        match = pycountry.countries.lookup(code)
    except LookupError:
        return " (use the two-letter code, e.g. MX)"
    return f" (did you mean {match.alpha_2}, {match.name}?)"


def _parse_provider_file(
    path: Path, display: str
) -> tuple[Provider | None, list[Region], list[Site], list[Problem]]:
    doc, problems = load_yaml(path, display)
    if problems:
        return None, [], [], problems
    rd = _Reader(display)
    top = rd.mapping(doc, 1, "-", "file")
    if top is None:
        return None, [], [], rd.problems
    pm = rd.mapping(top.get("provider"), top.line_of("provider"), "-", "provider")
    provider = None
    if pm is not None:
        pid = rd.text(pm, "id", "provider")
        name = rd.text(pm, "name", pid or "provider")
        cm = rd.mapping(pm.get("counting"), pm.line_of("counting"), pid or "provider", "counting")
        kinds: dict[str, tuple[str, ...]] = {}
        note = ""
        exclude: dict[str, str] = {}
        if cm is not None:
            for key in ("regions", "zones"):
                value = cm.get(key)
                if not isinstance(value, list) or any(k not in KINDS for k in value):
                    rd.add(
                        cm.line_of(key),
                        pid or "provider",
                        f"counting.{key}",
                        f"expected a list of kinds from {', '.join(KINDS)}",
                    )
                else:
                    kinds[key] = tuple(value)
            note = rd.text(cm, "note", pid or "provider") or ""
            exclude = _parse_exclude(rd, cm, pid or "provider")
        if pid and name and len(kinds) == 2:
            provider = Provider(
                pid,
                name,
                kinds["regions"],
                kinds["zones"],
                note,
                rd.sources(pm, pid, required=False),
                display,
                rd.date(pm, "reviewed", pid),
                exclude,
            )
    pid = provider.id if provider else "?"
    regions = [
        r
        for r in (
            _parse_region(rd, node, top.line_of("regions"), pid)
            for node in _as_list(rd, top, "regions")
        )
        if r
    ]
    sites = [
        s
        for s in (
            _parse_site(rd, node, top.line_of("sites"), pid) for node in _as_list(rd, top, "sites")
        )
        if s
    ]
    return provider, regions, sites, rd.problems


def _parse_exclude(rd: _Reader, cm: LineMap, pid: str) -> dict[str, str]:
    raw = cm.get("exclude")
    if raw is None:
        return {}
    out: dict[str, str] = {}
    if not isinstance(raw, list):
        rd.add(cm.line_of("exclude"), pid, "counting.exclude", "expected a list of {region, reason}")
        return out
    for item in raw:
        em = rd.mapping(item, cm.line_of("exclude"), pid, "counting.exclude")
        if em is None:
            continue
        rid, reason = rd.text(em, "region", pid), rd.text(em, "reason", pid)
        if rid and reason:
            out[rid] = reason
    return out


def _as_list(rd: _Reader, top: LineMap, key: str) -> list[Any]:
    value = top.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        rd.add(top.line_of(key), "-", key, "expected a list")
        return []
    return value


def _parse_region(rd: _Reader, node: Any, line: int, provider: str) -> Region | None:
    m = rd.mapping(node, line, "-", "regions")
    if m is None:
        return None
    before = len(rd.problems)
    rid = rd.text(m, "id", "-") or "-"
    if rid != "-" and not _ID_RE.match(rid):
        rd.add(m.line_of("id"), rid, "id", "use lowercase letters, digits and hyphens")
    name = rd.text(m, "name", rid)
    city = rd.text(m, "city", rid)
    country = rd.country(m, rid)
    kind = rd.text(m, "kind", rid)
    if kind is not None and kind not in KINDS:
        rd.add(m.line_of("kind"), rid, "kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    location = rd.location(m.get("location"), m.line_of("location"), rid)
    dates = {
        k: rd.date(m, k, rid) for k in ("announced", "launched", "closure_announced", "closed")
    }
    zones = []
    raw_zones = m.get("zones") or []
    if not isinstance(raw_zones, list):
        rd.add(m.line_of("zones"), rid, "zones", "expected a list of zones")
        raw_zones = []
    for zn in raw_zones:
        zm = rd.mapping(zn, m.line_of("zones"), rid, "zones")
        if zm is None:
            continue
        zid = rd.text(zm, "id", rid)
        if zid is None:
            continue
        zones.append(
            Zone(
                zid,
                rd.date(zm, "opened", zid),
                rd.date(zm, "closed", zid),
                zm.get("notes"),
                zm.line,
            )
        )
    zone_count = m.get("zone_count")
    if zone_count is not None:
        if isinstance(zone_count, bool) or not isinstance(zone_count, int) or zone_count < 0:
            rd.add(
                m.line_of("zone_count"),
                rid,
                "zone_count",
                f"expected a whole number of zones (0 or more), got {_describe(zone_count)}",
            )
        elif zones:
            rd.add(
                m.line_of("zone_count"),
                rid,
                "zone_count",
                "give either zones (with their ids) or zone_count (ids not public), not both",
            )
        else:
            zones = [Zone(None, None, None, None, m.line_of("zone_count"))] * zone_count
    announcements = rd.id_list(m, "announcements", rid)
    sources = rd.sources(m, rid)
    notes = m.get("notes")
    if len(rd.problems) > before or None in (name, city, country, kind, location):
        return None
    return Region(
        provider,
        rid,
        name,
        city,
        country,
        kind,
        location,  # type: ignore[arg-type]
        dates["announced"],
        dates["launched"],
        dates["closure_announced"],
        dates["closed"],
        tuple(zones),
        announcements,
        sources,
        notes,
        rd.file,
        m.line,
        dict(m.key_lines),
        zone_count is not None,
    )


def _parse_site(rd: _Reader, node: Any, line: int, provider: str) -> Site | None:
    m = rd.mapping(node, line, "-", "sites")
    if m is None:
        return None
    before = len(rd.problems)
    sid = rd.text(m, "id", "-") or "-"
    country = rd.country(m, sid)
    city = rd.text(m, "city", sid, required=False)
    announced = rd.date(m, "announced", sid, required=True)
    loc_node = m.get("location")
    location = rd.location(loc_node, m.line_of("location"), sid) if loc_node is not None else None
    region = rd.text(m, "region", sid, required=False)
    announcements = rd.id_list(m, "announcements", sid)
    sources = rd.sources(m, sid)
    if len(rd.problems) > before or country is None or announced is None:
        return None
    return Site(
        provider,
        sid,
        country,
        city,
        announced,
        location,
        region,
        announcements,
        sources,
        m.get("notes"),
        rd.file,
        m.line,
        dict(m.key_lines),
    )


def _parse_seed(path: Path, display: str) -> tuple[Announcement | None, list[Problem]]:
    doc, problems = load_yaml(path, display)
    if problems:
        return None, problems
    rd = _Reader(display)
    m = rd.mapping(doc, 1, path.stem, "file")
    if m is None:
        return None, rd.problems
    aid = rd.text(m, "id", path.stem) or path.stem
    if aid != path.stem:
        rd.add(m.line_of("id"), aid, "id", f"must equal the file name ({path.stem})")
    date = rd.date(m, "date", aid, required=True)
    provider = rd.text(m, "provider", aid)
    title = rd.text(m, "title", aid)
    publisher = rd.text(m, "publisher", aid, required=False)
    summary = rd.text(m, "summary", aid)
    sources = rd.sources(m, aid)
    claims = m.get("claims") or {}
    if not isinstance(claims, dict):
        rd.add(m.line_of("claims"), aid, "claims", "expected a mapping")
        claims = {}
    cm = claims if isinstance(claims, LineMap) else None
    if cm is not None:
        if "as_of" in cm:
            rd.date(cm, "as_of", aid)
        totals = cm.get("totals")
        if totals is not None and (
            not isinstance(totals, dict)
            or any(
                k not in ("regions", "zones", "countries") or parse_total(v) is None
                for k, v in totals.items()
            )
        ):
            rd.add(
                cm.line_of("totals"),
                aid,
                "claims.totals",
                'expected {regions: N, zones: N} with whole numbers (or "N+" for "more than N")',
            )
        target = cm.get("target")
        if target is not None and not isinstance(target, bool):
            rd.add(
                cm.line_of("target"),
                aid,
                "claims.target",
                "expected true (the totals are a target or plan, not a count) or false",
            )
        markets = cm.get("markets")
        if markets is not None and (
            not isinstance(markets, list) or not all(isinstance(x, str) for x in markets)
        ):
            rd.add(cm.line_of("markets"), aid, "claims.markets", "expected a list of market names")
    if rd.problems or None in (date, provider, title, summary):
        return None, rd.problems
    return Announcement(
        aid,
        date,
        provider,
        title,
        publisher,
        sources,
        summary,
        dict(claims),
        display,
        1,
        m.get("notes") if isinstance(m.get("notes"), str) else None,
    ), []  # type: ignore[arg-type]


# --------------------------------------------------------------------------- checks


def _check(catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, str], Region | Site] = {}
    zone_owner: dict[tuple[str, str], Region] = {}
    region_ids: dict[str, set[str]] = {}
    for r in catalog.regions:
        region_ids.setdefault(r.provider, set()).add(r.id)

    def add(rec: Region | Site, fld: str, msg: str, line: int | None = None) -> None:
        problems.append(Problem(rec.file, line or rec.line_of(fld), rec.id, fld, msg))

    for rec in (*catalog.regions, *catalog.sites):
        if (rec.provider, rec.id) in seen:
            other = seen[rec.provider, rec.id]
            add(rec, "id", f"duplicate id (also at {other.file}:{other.line}); ids must be unique")
        else:
            seen[rec.provider, rec.id] = rec
        for aid in rec.announcements:
            if aid not in catalog.announcements and aid not in catalog.seed_files:
                add(
                    rec,
                    "announcements",
                    f"no announcement {aid!r} in seeds/ (add seeds/{aid}.yaml or fix the id)",
                )
        if rec.provider not in catalog.providers:
            add(rec, "provider", f"unknown provider {rec.provider!r}")
    for r in catalog.regions:
        _check_dates(r, add)
        for z in r.zones:
            if z.id is None:
                continue
            owner = _zone_region(z.id, region_ids.get(r.provider, set()))
            if owner is not None and owner != r.id:
                add(r, "zones", f"zone {z.id} belongs to region {owner}, not {r.id}", z.line)
            elif owner is None:
                add(
                    r,
                    "zones",
                    f"zone id {z.id!r} does not start with its region id {r.id!r}",
                    z.line,
                )
            if (r.provider, z.id) in zone_owner:
                add(
                    r,
                    "zones",
                    f"zone {z.id} is listed twice (also in {zone_owner[r.provider, z.id].id})",
                    z.line,
                )
            zone_owner[r.provider, z.id] = r
            if z.opened and z.closed and z.closed.effective < z.opened.effective:
                add(
                    r,
                    "zones",
                    f"zone {z.id} closed ({z.closed}) before it opened ({z.opened})",
                    z.line,
                )
            if z.opened and r.launched and z.opened.effective < r.launched.start:
                add(
                    r,
                    "zones",
                    f"zone {z.id} opened ({z.opened}) before its region launched ({r.launched})",
                    z.line,
                )
            if z.opened and r.closed and z.opened.effective > r.closed.effective:
                add(
                    r,
                    "zones",
                    f"zone {z.id} opened ({z.opened}) after its region closed ({r.closed})",
                    z.line,
                )
        if r.launched is not None and not r.zones and not r.zones_by_count:
            add(
                r,
                "zones",
                "a launched region needs at least one zone (or zone_count: N when the zone ids "
                "are not public, 0 for a region without availability zones)",
            )
    for p in catalog.providers.values():
        for rid in sorted(p.exclude):
            if rid not in region_ids.get(p.id, set()):
                problems.append(
                    Problem(
                        p.file,
                        0,
                        p.id,
                        "counting.exclude",
                        f"no region {rid!r} in this provider's catalog",
                    )
                )
    for s in catalog.sites:
        if s.region is not None and s.region not in region_ids.get(s.provider, set()):
            add(s, "region", f"no region {s.region!r} in the catalog")
    return problems


def _zone_region(zone_id: str, region_ids: set[str]) -> str | None:
    """The region a zone id names: the longest region id it extends by a zone suffix."""
    for cut in range(min(len(zone_id) - 1, 3), 0, -1):
        region, suffix = zone_id[:-cut], zone_id[-cut:]
        if region.endswith("-"):
            continue
        if region in region_ids and _ZONE_SUFFIX_RE.match(suffix):
            return region
    return None


def _check_dates(r: Region, add: Any) -> None:
    order = [
        ("announced", r.announced),
        ("launched", r.launched),
        ("closure_announced", r.closure_announced),
        ("closed", r.closed),
    ]
    known = [(k, d) for k, d in order if d is not None]
    for (k1, d1), (k2, d2) in itertools.pairwise(known):
        if d2.effective < d1.start:
            add(r, k2, f"{k2} ({d2}) is before {k1} ({d1}); dates must be in lifecycle order")
    if r.closed is not None and r.launched is None:
        add(
            r,
            "closed",
            "a closed region needs a launched date (use <=DATE if only a bound is known)",
        )


# --------------------------------------------------------------------------- entry point


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def load_catalog(root: Path, *, strict: bool = True, extra_checks: Iterable[Any] = ()) -> Catalog:
    """Read every ``data/*.yaml`` provider file and ``seeds/*.yaml`` record under ``root``.

    Collects every problem, then raises one ``ValidationError`` (when ``strict``).
    ``extra_checks`` are callables ``(catalog) -> list[Problem]`` run on the parsed catalog.
    """
    problems: list[Problem] = []
    providers: dict[str, Provider] = {}
    regions: list[Region] = []
    sites: list[Site] = []
    announcements: dict[str, Announcement] = {}
    for path in sorted((root / "seeds").glob("*.yaml")):
        ann, probs = _parse_seed(path, _display(root, path))
        problems += probs
        if ann is not None:
            announcements[ann.id] = ann
    for path in sorted((root / "data").glob("*.yaml")):
        if path.name == "markets.yaml":
            continue
        provider, regs, sts, probs = _parse_provider_file(path, _display(root, path))
        problems += probs
        if provider is not None:
            providers[provider.id] = provider
        regions += regs
        sites += sts
    if not providers and not problems:
        problems.append(
            Problem("data", 0, "-", "file", "no provider file (data/<provider>.yaml) found")
        )
    seed_files = frozenset(p.stem for p in (root / "seeds").glob("*.yaml"))
    catalog = Catalog(root, providers, tuple(regions), tuple(sites), announcements, seed_files)
    problems += _check(catalog)
    for check in extra_checks:
        problems += check(catalog)
    if problems and strict:
        raise ValidationError(problems)
    return catalog
