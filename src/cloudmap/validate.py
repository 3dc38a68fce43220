"""The validation stage: every check across records, files and places, collected, never raised.

``validate`` runs them all on a catalog read by cloudmap.catalog: ids, references, lifecycle
order, zones, dates past the review date, duplicate announcements, market names, notes that
contradict their fields, and (``full``) the gazetteer and point-in-country checks.
"""

from __future__ import annotations

__all__ = ["FUTURE_MARGIN", "check_notes", "load_catalog", "validate"]


import dataclasses
import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudmap.catalog import MARKETS_FILE, read_catalog, read_markets
from cloudmap.dates import PartialDate
from cloudmap.errors import Problem, ValidationError
from cloudmap.model import Catalog, Market, Region, Site
from cloudmap.notecheck import check_notes

if TYPE_CHECKING:
    from cloudmap.geo import Countries

# A date may lie this far past its provider's review date (a launch announced for next week);
# later dates are only scheduled events: a launch once announced, a closure once announced.
FUTURE_MARGIN = dt.timedelta(days=92)
_ZONE_SUFFIX = re.compile(r"^-?(?:[a-z]{1,2}|[0-9]{1,2})$")  # cn-hangzhou-b, us-east-1a, x-2

Add = Callable[[Region | Site, str, str, int | None], None]


def zone_region(zone_id: str, region_ids: set[str]) -> str | None:
    """The region a zone id names: the shortest region id it extends by a zone suffix (the
    longest suffix is tried first, so us-east-1ab names us-east-1, not us-east-1a)."""
    for cut in range(min(len(zone_id) - 1, 3), 0, -1):
        region, suffix = zone_id[:-cut], zone_id[-cut:]
        if region.endswith("-"):
            continue
        if region in region_ids and _ZONE_SUFFIX.match(suffix):
            return region
    return None


def _check_records(catalog: Catalog, problems: list[Problem]) -> None:
    seen: dict[tuple[str, str], Region | Site] = {}
    zone_owner: dict[tuple[str, str], Region] = {}
    region_ids: dict[str, set[str]] = {}
    for r in catalog.regions:
        region_ids.setdefault(r.provider, set()).add(r.id)

    def add(rec: Region | Site, fld: str, msg: str, line: int | None = None) -> None:
        problems.append(Problem(rec.file, line or rec.line_of(fld), rec.id, fld, msg))

    records: list[Region | Site] = [*catalog.regions, *catalog.sites]
    for rec in records:
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
    for r in catalog.regions:
        _check_dates(r, add)
        for z in r.zones:
            if z.id is None:
                continue
            owner = zone_region(z.id, region_ids.get(r.provider, set()))
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
                twice = zone_owner[r.provider, z.id].id
                add(r, "zones", f"zone {z.id} is listed twice (also in {twice})", z.line)
            zone_owner[r.provider, z.id] = r
            if z.opened and z.closed and z.closed.latest < z.opened.start:
                add(
                    r,
                    "zones",
                    f"zone {z.id} closed ({z.closed}) before it opened ({z.opened})",
                    z.line,
                )
            if z.opened and r.launched and z.opened.latest < r.launched.start:
                add(
                    r,
                    "zones",
                    f"zone {z.id} opened ({z.opened}) before its region launched ({r.launched})",
                    z.line,
                )
            if z.opened and r.closed and z.opened.start > r.closed.latest:
                add(
                    r,
                    "zones",
                    f"zone {z.id} opened ({z.opened}) after its region closed ({r.closed})",
                    z.line,
                )
        if r.zones_since is not None:
            if not any(z.opened is None for z in r.zones):
                add(
                    r,
                    "zones_since",
                    "no zone without an opened date (or zone_count) for it to date; remove it",
                )
            elif r.launched is not None and r.zones_since.latest < r.launched.start:
                add(
                    r,
                    "zones_since",
                    f"{r.zones_since} is before the region launched "
                    f"({r.launched}); remove it (undated zones then count from launch)",
                )
        if r.launched is not None and not r.zones and not r.zones_by_count:  # incl. unknown
            add(
                r,
                "zones",
                "a launched region needs at least one zone (or zone_count: N when "
                "the zone ids are not public, 0 for a region without availability zones)",
            )
    for p in catalog.providers.values():
        for rid in sorted(p.exclude):
            if rid not in region_ids.get(p.id, set()):
                problems.append(
                    Problem(
                        p.file,
                        p.key_lines.get("counting", p.line),
                        p.id,
                        "counting.exclude",
                        f"no region {rid!r} in this provider's catalog",
                    )
                )
    _check_styles(catalog, problems)
    by_key = {(r.provider, r.id): r for r in catalog.regions}
    for s in catalog.sites:
        if s.region is None:
            continue
        linked = by_key.get((s.provider, s.region))
        if linked is None and (s.provider, s.region) not in catalog.declared:
            add(s, "region", f"no region {s.region!r} in the catalog")
        elif linked is not None and linked.country != s.country:
            add(
                s,
                "region",
                f"region {s.region} is in {linked.country}, the site in "
                f"{s.country}; a site becomes a region in its own country",
            )
    for rec in records:
        if rec.provider not in catalog.providers and rec.provider not in catalog.declared_providers:
            add(rec, "provider", f"unknown provider {rec.provider!r}")


def _check_styles(catalog: Catalog, problems: list[Problem]) -> None:
    """No two providers look alike on the map: each has its own short name and its own
    (shape, colour) pair."""
    seen_short: dict[str, str] = {}
    seen_look: dict[tuple[str, str], str] = {}
    for pid in sorted(catalog.providers):
        p = catalog.providers[pid]
        line = p.key_lines.get("style", p.line)
        st = p.style
        other = seen_short.setdefault(st.short.casefold(), pid)
        if other != pid:
            msg = f"{st.short!r} is already {other}'s short name; choose another"
            problems.append(Problem(p.file, line, pid, "style.short", msg))
        other = seen_look.setdefault((st.shape, st.color), pid)
        if other != pid:
            msg = (
                f"{st.shape} in {st.color} is how {other} is drawn; choose another shape or colour"
            )
            problems.append(Problem(p.file, line, pid, "style", msg))


def _check_dates(r: Region, add: Add) -> None:
    order = [
        ("announced", r.announced),
        ("launched", r.launched),
        ("closure_announced", r.closure_announced),
        ("closed", r.closed),
    ]
    known = [(k, d) for k, d in order if d is not None]
    for (k1, d1), (k2, d2) in itertools.pairwise(known):
        if d2.latest < d1.start:
            add(r, k2, f"{k2} ({d2}) is before {k1} ({d1}); dates must be in lifecycle order", None)
    if r.closed is not None and r.launched is None:
        add(
            r,
            "closed",
            "a closed region needs a launched date (use <=DATE if only a bound is known)",
            None,
        )


# --------------------------------------------------------------------------- future dates


def _limit(catalog: Catalog, provider: str) -> tuple[dt.date, str] | None:
    """The latest date a record of ``provider`` may carry, and what it is measured from: its
    file's review date, or (a file not reviewed yet) the catalog's latest review date, so a
    file without one cannot bring far-future dates in. None when no file has a review date."""
    p = catalog.providers.get(provider)
    if p is not None and p.reviewed is not None:
        day = p.reviewed.effective
        return day + FUTURE_MARGIN, f"the provider's review date ({day.isoformat()})"
    days = [q.reviewed.effective for q in catalog.providers.values() if q.reviewed is not None]
    if p is None or not days:
        return None
    return max(days) + FUTURE_MARGIN, (
        f"the catalog's latest review date ({max(days).isoformat()}; {p.file} has no "
        "provider.reviewed of its own)"
    )


def _check_future(catalog: Catalog, problems: list[Problem]) -> None:
    def late(d: PartialDate | None, limit: dt.date) -> bool:
        return d is not None and d.first_day > limit

    for r in catalog.regions:
        found = _limit(catalog, r.provider)
        if found is None:
            continue
        limit, basis = found
        fields: list[tuple[str, PartialDate | None, int | None]] = [
            ("announced", r.announced, None),
            ("closure_announced", r.closure_announced, None),
        ]
        if r.announced is None:  # a launch may be scheduled once announced
            fields.append(("launched", r.launched, None))
        if r.closure_announced is None:  # a closure may be scheduled once announced
            fields.append(("closed", r.closed, None))
        fields += [("zones", z.opened, z.line) for z in r.zones]
        fields.append(("zones_since", r.zones_since, None))
        for name, d, line in fields:
            if late(d, limit):
                problems.append(
                    Problem(r.file, line or r.line_of(name), r.id, name, _future_message(d, basis))
                )
    for s in catalog.sites:
        found = _limit(catalog, s.provider)
        if found is not None and late(s.announced, found[0]):
            problems.append(
                Problem(
                    s.file,
                    s.line_of("announced"),
                    s.id,
                    "announced",
                    _future_message(s.announced, found[1]),
                )
            )
    for a in catalog.announcements.values():
        found = _limit(catalog, a.provider)
        if found is not None and late(a.date, found[0]):
            problems.append(
                Problem(a.file, a.line_of("date"), a.id, "date", _future_message(a.date, found[1]))
            )


def _future_message(d: PartialDate | None, basis: str) -> str:
    return (
        f"{d} is more than {FUTURE_MARGIN.days} days after {basis}; a date that far ahead is a "
        "typo, or a plan: record plans as announcements (announced:), and bump provider.reviewed "
        "when you review the file"
    )


# --------------------------------------------------------------------------- announcements


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _check_seeds(catalog: Catalog, problems: list[Problem]) -> None:
    seen: dict[tuple[str, str, str], str] = {}
    known = catalog.declared | {(r.provider, r.id) for r in catalog.regions}
    known |= {(s.provider, s.id) for s in catalog.sites}
    for aid in sorted(catalog.announcements):
        a = catalog.announcements[aid]
        if a.provider not in catalog.providers and a.provider not in catalog.declared_providers:
            names = ", ".join(sorted(catalog.providers)) or "none"
            problems.append(
                Problem(
                    a.file,
                    a.line_of("provider"),
                    a.id,
                    "provider",
                    f"unknown provider {a.provider!r} (known: {names})",
                )
            )
        key = (a.provider, a.date.text, _norm(a.title))
        if key in seen:
            problems.append(
                Problem(
                    a.file,
                    a.line_of("title"),
                    a.id,
                    "title",
                    f"same date and title as seeds/{seen[key]}.yaml: record an announcement once",
                )
            )
        else:
            seen[key] = a.id
        if a.provider not in catalog.providers:
            continue  # its provider file has problems of its own: no reference to check against
        for what in ("opened", "expanding", "closing", "closed", "planned"):
            for place in a.claims.get(what, []):
                site = place.get("site")
                region = place.get("region")
                if site is not None and (a.provider, site) not in known:
                    problems.append(
                        Problem(
                            a.file,
                            a.line_of(f"claims.{what}"),
                            a.id,
                            f"claims.{what}",
                            f"no site {site!r} in data/ for {a.provider}",
                        )
                    )
                if region is not None and (a.provider, region) not in known:
                    problems.append(
                        Problem(
                            a.file,
                            a.line_of(f"claims.{what}"),
                            a.id,
                            f"claims.{what}",
                            f"no region {region!r} in data/ for {a.provider}",
                        )
                    )


def _link_markets(catalog: Catalog, problems: list[Problem]) -> Catalog:
    """Check data/markets.yaml's lists and the market names seeds use; give each market the ids
    of the announcements that name it."""
    markets = dict(catalog.markets)
    _, _, lines = read_markets(catalog.root) if markets else ({}, [], {})
    seen: dict[tuple[str, str], int] = {}
    for m in markets.values():
        line = lines.get(m.name, m.line)
        for fld, value in (("id", m.id), ("name", m.name)):
            if (fld, _norm(value)) in seen:
                problems.append(
                    Problem(
                        MARKETS_FILE,
                        m.line,
                        m.id,
                        fld,
                        f"duplicate {fld} (also at {MARKETS_FILE}:{seen[fld, _norm(value)]})",
                    )
                )
            seen.setdefault((fld, _norm(value)), m.line)
        dupes = sorted({c for c in m.countries if m.countries.count(c) > 1})
        if not m.countries:
            problems.append(
                Problem(
                    MARKETS_FILE,
                    line,
                    m.id,
                    "countries",
                    "no countries: a market is the list of its ISO alpha-2 codes; give at least one",
                )
            )
        elif dupes:
            problems.append(
                Problem(
                    MARKETS_FILE,
                    line,
                    m.id,
                    "countries",
                    f"listed twice: {', '.join(dupes)} (keep one)",
                )
            )
        elif list(m.countries) != sorted(m.countries):
            problems.append(
                Problem(
                    MARKETS_FILE,
                    line,
                    m.id,
                    "countries",
                    "not sorted; write them in alphabetical order",
                )
            )
    _check_aliases(markets, problems)
    if "*" in catalog.declared_markets:
        return catalog  # data/markets.yaml is unreadable (reported): no name can be checked
    known = {_norm(name): name for name in markets}
    for name in catalog.declared_markets:
        known.setdefault(_norm(name), name)  # defined, with problems of its own (reported)
    for alias_owner in markets.values():
        for alias in alias_owner.aliases:
            known.setdefault(_norm(alias), alias_owner.name)
    links: dict[str, set[str]] = {name: set() for name in markets}
    for aid in sorted(catalog.announcements):
        a = catalog.announcements[aid]
        for raw in a.claims.get("markets", []):
            if _norm(raw) in known:
                if known[_norm(raw)] in links:
                    links[known[_norm(raw)]].add(aid)
                continue
            close = difflib.get_close_matches(raw, list(markets), n=1, cutoff=0.6)
            defined = ", ".join(sorted(markets)) or "none"
            hint = f"did you mean {close[0]!r}?" if close else f"defined: {defined}"
            problems.append(
                Problem(
                    a.file,
                    a.line_of("claims.markets"),
                    a.id,
                    "claims.markets",
                    f"unknown market {raw!r} ({hint}; markets are defined in {MARKETS_FILE})",
                )
            )
    linked = {
        n: dataclasses.replace(m, announcements=tuple(sorted(links[n]))) for n, m in markets.items()
    }
    return dataclasses.replace(catalog, markets=linked)


def _check_aliases(markets: dict[str, Market], problems: list[Problem]) -> None:
    """An alias names one market only: never another market's name, id or alias (a seed naming
    it would otherwise land in whichever market was read first)."""
    owner: dict[str, tuple[Market, str]] = {}
    for m in markets.values():
        for word, what in ((m.name, "name"), (m.id, "id")):
            owner.setdefault(_norm(word), (m, what))
    for m in markets.values():
        line = m.key_lines.get("aliases", m.line)
        for alias in m.aliases:
            other, what = owner.setdefault(_norm(alias), (m, "alias"))
            if other is not m:
                problems.append(
                    Problem(
                        MARKETS_FILE,
                        line,
                        m.id,
                        "aliases",
                        f"{alias!r} is the {what} of another market, {other.name} "
                        f"({MARKETS_FILE}:{other.line}); an alias must name this market only",
                    )
                )


# --------------------------------------------------------------------------- entry point


def validate(
    catalog: Catalog, *, countries: Countries | None = None, full: bool = True
) -> tuple[Catalog, list[Problem]]:
    """Every check on ``catalog``: returns it with its markets linked to the announcements that
    name them, and the problems found (sorted; none raised). ``full`` adds the gazetteer check
    and the point-in-country check against ``countries`` (default: geo/countries-10m.geojson of
    the catalog's folder)."""
    problems: list[Problem] = []
    _check_records(catalog, problems)
    _check_future(catalog, problems)
    _check_seeds(catalog, problems)
    catalog = _link_markets(catalog, problems)
    problems += check_notes(catalog)
    if full:
        from cloudmap import gazetteer, geo

        problems += gazetteer.check_cities(catalog)
        layer = countries if countries is not None else geo.read_countries(catalog.root)
        problems += geo.check_points(catalog, layer)
    return catalog, sorted(set(problems))


def load_catalog(
    root: Path | str, *, strict: bool = True, full: bool = False, extra: Iterable[Any] = ()
) -> Catalog:
    """Read and validate the catalog under ``root`` (data/ and seeds/).

    ``full`` adds the gazetteer and point-in-country checks (which need geo/), as
    ``cloudmap.load_project`` always does. Collects every problem, then raises one
    ``ValidationError`` (when ``strict``).
    """
    catalog, problems = read_catalog(Path(root))
    catalog, more = validate(catalog, full=full)
    problems += more
    for check in extra:
        problems += check(catalog)
    if problems and strict:
        raise ValidationError(problems)
    return catalog
