"""The map's data: one JSON-ready blob (places with their status history, countries, markets,
estimated RTT) that the page's script draws. Sorted and rounded: deterministic."""

from __future__ import annotations

__all__ = [
    "DEFAULT_PROVIDER",
    "DETAIL_FIELDS",
    "MARKET_COLORS",
    "MARKET_DASHES",
    "PLACE_FIELDS",
    "PROVIDER_SHORT",
    "PROVIDER_STYLES",
    "STATUS_CODES",
    "STATUS_COLORS",
    "default_provider",
    "map_data",
    "script_json",
    "transitions",
]

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cloudmap.compare import RTT_NOTE
from cloudmap.countries import flag, get_name
from cloudmap.dates import PartialDate
from cloudmap.errors import CloudmapError
from cloudmap.mapgeom import COORD_SCALE, country_shapes
from cloudmap.model import NEW_WINDOW, Region, Site
from cloudmap.schema import LIVE_STATUSES, STATUS_LABELS, STATUSES

if TYPE_CHECKING:
    from cloudmap.project import Project

STATUS_CODES = {
    "new": "n",
    "expanded": "e",
    "live": "l",
    "closing": "c",
    "announced": "a",
    "closed": "x",
}
# Marker fills; white text on each is at least 4.5:1 (WCAG AA), announced markers are outlined.
STATUS_COLORS = {
    "new": "#17783a",
    "expanded": "#0b6e75",
    "live": "#1f56b3",
    "closing": "#b3245a",
    "announced": "#7040b8",
    "closed": "#5b6470",
}
# Providers: a marker shape and an outline colour each, so they stay apart in any status colour.
PROVIDER_STYLES = {
    "alibaba-cloud": ("circle", "#ff6a00"),
    "aws": ("square", "#232f3e"),
    "azure": ("diamond", "#0078d4"),
    "google-cloud": ("hexagon", "#34a853"),
    "huawei-cloud": ("triangle", "#c7000b"),
    "tencent-cloud": ("pentagon", "#006eff"),
}
_DEFAULT_STYLE = ("circle", "#444444")
# Short names where tables and marker labels have little room.
PROVIDER_SHORT = {
    "alibaba-cloud": "Alibaba",
    "aws": "AWS",
    "azure": "Azure",
    "google-cloud": "Google",
    "huawei-cloud": "Huawei",
    "tencent-cloud": "Tencent",
}
DEFAULT_PROVIDER = "alibaba-cloud"  # the page opens on it when the catalog has it
# Countries shaded by live zones: (lowest count, colour); zero zones stay unshaded.
ZONE_BINS = ((1, "#fdeccd"), (3, "#f9cf8f"), (6, "#efa954"), (11, "#d07c2e"), (21, "#9c5421"))
RTT_COLORS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")
# Market outlines: a colour-blind-safe qualitative palette (Okabe & Ito; yellow, too pale on a
# light map, dropped), each with its own dash pattern, so no two markets look alike.
MARKET_COLORS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
MARKET_DASHES = ("8 4", "2 4", "12 4 2 4", "6 2", "1 3", "10 3 3 3 3 3", "4 4")
PLACE_FIELDS = ("id", "p", "site", "name", "city", "cc", "lat", "lon", "cnt", "tr", "b")
DETAIL_FIELDS = ("kind", "loc", "approx", "zones", "dates", "src", "notes", "region")
COUNTRY_FIELDS = ("key", "a2", "name", "flag", "markets", "g")


# --------------------------------------------------------------------------- status history


def _candidates(dates: Sequence[PartialDate | None]) -> set[dt.date]:
    """Days a status can change: each event's day, and a year later when "new" wears off."""
    out: set[dt.date] = set()
    for d in dates:
        if d is None:
            continue
        out.add(d.effective)
        if not d.no_later_than:
            out.add(d.effective + NEW_WINDOW)
    return out


def transitions(r: Region, on: dt.date) -> list[list[Any]]:
    """The region's status history up to ``on``: ``[[day, status code, live zones], ...]``, one
    entry per change (status on a day = the last entry on or before it). An entry ends in ``1``
    while the region's zone count is not known (live zones is then a lower bound)."""
    days = _candidates(
        [r.announced, r.launched, r.closure_announced, r.closed, r.zones_since]
        + [d for z in r.zones for d in (z.opened, z.closed)]
    )
    out: list[list[Any]] = []
    last: tuple[Any, ...] | None = None
    for day in sorted(d for d in days if d <= on):
        st = r.status(day)
        state: tuple[Any, ...] = (STATUS_CODES[st] if st else ".", len(r.live_zones(day)))
        if st in LIVE_STATUSES and not r.zones_known(day):
            state += (1,)
        if state != last and not (last is None and state[0] == "."):
            out.append([day.isoformat(), *state])
            last = state
    return out


def _site_transitions(s: Site, region: Region | None, on: dt.date) -> list[list[Any]]:
    if s.announced.effective > on:
        return []
    out: list[list[Any]] = [[s.announced.effective.isoformat(), "a", 0]]
    if region is not None:  # shown until its region appears on the map
        first = next((t for t in transitions(region, on)), None)
        if first is not None and first[0] >= out[0][0]:
            out.append([first[0], ".", 0])
    return out


# --------------------------------------------------------------------------- places


def _dates(items: Sequence[tuple[str, PartialDate | None]]) -> list[list[str]]:
    return [[label, d.human(), d.iso, "b" if d.no_later_than else ""] for label, d in items if d]


def _region_row(project: Project, r: Region, on: dt.date, provider: int) -> list[Any]:
    counted = project.catalog.counted(r)
    zones = [[z.id, _human(z.opened), _human(z.closed), z.notes] for z in r.zones if z.id]
    if r.zones_by_count:
        zones = [[f"{len(r.zones)} zones (ids not published)", None, None, None]]
    loc = r.location
    place = [
        r.id,
        provider,
        0,
        r.label,
        r.city,
        r.country,
        round(loc.lat, 4),
        round(loc.lon, 4),
        int(counted[0]) + 2 * int(counted[1]),
        transitions(r, on),
        1 if r.bounded() else 0,
    ]
    dates = _dates(
        [
            ("Announced", r.announced),
            ("Launched", r.launched),
            ("Closure announced", r.closure_announced),
            ("Closed", r.closed),
        ]
    )
    detail = [r.kind, loc.precision, 0, zones, dates, list(r.sources), r.notes, None]
    return [place, detail]


def _human(d: PartialDate | None) -> str | None:
    return d.human() if d is not None else None


def _site_row(
    project: Project, s: Site, on: dt.date, provider: int, points: dict[str, tuple[float, float]]
) -> list[Any]:
    name = get_name(s.country, s.country) or s.country
    if s.location is not None:
        lat, lon, loc, approx = s.location.lat, s.location.lon, s.location.precision, 0
    elif s.country in points:
        (lon, lat), loc, approx = points[s.country], "country", 1
    else:
        raise CloudmapError(
            f"{s.file}:{s.line}: {s.id}: location: no location and no polygon "
            f"for {s.country} to place it at; add location: {{lat, lon, ...}}"
        )
    region = project.catalog.get(f"{s.provider}:{s.region}") if s.region else None
    title = f"{s.city}, {name}" if s.city else name
    place = [
        s.id,
        provider,
        1,
        f"Announced site: {title}",
        s.city,
        s.country,
        round(lat, 4),
        round(lon, 4),
        0,
        _site_transitions(s, region, on),
        0,
    ]
    dates = _dates([("Announced", s.announced)])
    detail = ["announced site", loc, approx, [], dates, list(s.sources), s.notes, s.region]
    return [place, detail]


def _share_sources(details: list[list[Any]]) -> list[list[str]]:
    """Replace each row's sources by indices into one sorted table (many records cite the same
    page: at 10,000 sites this keeps the page small)."""
    col = DETAIL_FIELDS.index("src")
    table = sorted({(src.url, src.supports) for row in details for src in row[col]})
    index = {entry: i for i, entry in enumerate(table)}
    for row in details:
        row[col] = [index[(src.url, src.supports)] for src in row[col]]
    return [list(entry) for entry in table]


# --------------------------------------------------------------------------- countries


def _countries(project: Project, on: dt.date, market_index: dict[str, int]) -> list[list[Any]]:
    layer = project.map_countries
    shapes, _ = country_shapes(layer)
    member: dict[str, list[int]] = {}
    for m in project.catalog.markets.values():
        for cc in m.countries:
            member.setdefault(cc, []).append(market_index[m.name])
    out = []
    for i, a2 in enumerate(layer.iso_a2):
        out.append(
            [
                layer.keys[i],
                a2,
                (get_name(a2) if a2 else None) or str(layer.columns["name"][i]),
                flag(a2) if a2 else "",
                sorted(member.get(a2, [])) if a2 else [],
                shapes[i],
            ]
        )
    return out


# --------------------------------------------------------------------------- RTT


def _rtt(project: Project, on: dt.date, pids: Sequence[str]) -> dict[str, Any] | None:
    """Estimated RTT per country from each provider's nearest live public region: the page
    shades a country by the best estimate among the providers the user selected.

    ``rows``: ``{cc: [[ms or null per provider], [nearest region id or null per provider]]}``;
    ``bands``: ``[[label, colour, upper ms or null], ...]``."""
    from cloudmap.coverage import RTT_BANDS, RTT_NOTE, country_records

    per: dict[str, list[list[Any]]] = {}
    for i, pid in enumerate(pids):
        for rec in country_records(project.catalog, on, provider=pid):
            ms = rec["rtt_est_ms"]
            if ms is None or ms != ms:  # no city to measure from
                continue
            row = per.setdefault(rec["iso_a2"], [[None] * len(pids), [None] * len(pids)])
            row[0][i] = round(float(ms), 1)
            row[1][i] = rec["nearest_region"]
    if not per:
        return None
    return {
        "note": RTT_NOTE,
        "bands": [
            [label, color, None if upper == float("inf") else upper]
            for (upper, label), color in zip(RTT_BANDS, RTT_COLORS, strict=True)
        ],
        "rows": dict(sorted(per.items())),
    }


# --------------------------------------------------------------------------- comparison


def _launch(iso: str | None, qualifier: str | None) -> str | None:
    if iso is None:
        return None
    return f"<={iso}" if qualifier else iso


def _compare(project: Project, on: dt.date, pids: Sequence[str]) -> list[dict[str, Any]]:
    """Per market, what the comparison panel shows (cloudmap.compare.compare_providers, packed):

    ``providers``: ``[[provider index, live regions, live zones, countries covered, first
    launch, latest launch, [announced ids], regions with no published zone count], ...]``
    (launch dates ``<=``-prefixed when only a bound is known); ``countries``: ``[[cc,
    [[provider index, region id, city, region country, km, ms, 1 if the region is placed only
    at its country], ...]], ...]``; ``without``: countries with no city to measure from."""
    from cloudmap.compare import compare_providers

    index = {pid: i for i, pid in enumerate(pids)}
    out = []
    for name in sorted(project.catalog.markets):
        res = compare_providers(project, on, market=name)
        out.append(
            {
                "name": name,
                "providers": [
                    [
                        index[p["provider"]],
                        p["live_regions"],
                        p["live_zones"],
                        p["countries_covered"],
                        _launch(p["first_launch"], p["first_launch_qualifier"]),
                        _launch(p["latest_launch"], p["latest_launch_qualifier"]),
                        p["announced"],
                        len(p["zones_unknown"]),
                    ]
                    for p in res["providers"]
                ],
                "countries": [
                    [
                        c["iso_a2"],
                        [
                            [
                                index[pid],
                                n["region"],
                                n["city"],
                                n["region_country"],
                                n["median_km"],
                                n["rtt_est_ms"],
                                int(n["location_precision"] == "country"),
                            ]
                            for pid, n in sorted(c["nearest"].items(), key=lambda kv: index[kv[0]])
                        ],
                    ]
                    for c in res["countries"]
                ],
                "without": res.get("without_cities", []),
            }
        )
    return out


# --------------------------------------------------------------------------- the blob


def default_provider(project: Project) -> str | None:
    """The provider the page opens on: DEFAULT_PROVIDER if the catalog has it, else the first;
    None for an empty catalog."""
    ids = sorted(project.catalog.providers)
    if not ids:
        return None
    return DEFAULT_PROVIDER if DEFAULT_PROVIDER in ids else ids[0]


def map_data(
    project: Project, on: dt.date, *, rtt: bool = True, compare: bool = True
) -> dict[str, Any]:
    """Everything the page draws, as plain JSON-ready data (sorted, rounded: deterministic).

    ``rtt`` adds each country's estimated RTT to each provider's nearest live region (the RTT
    shading); ``compare`` adds the comparison panel's figures per market."""
    catalog = project.catalog
    pids = sorted(catalog.providers)
    pindex = {p: i for i, p in enumerate(pids)}
    _, points = country_shapes(project.map_countries)
    rows = [
        _region_row(project, r, on, pindex[r.provider])
        for r in sorted(catalog.regions, key=lambda r: r.key)
    ]
    rows += [
        _site_row(project, s, on, pindex[s.provider], points)
        for s in sorted(catalog.sites, key=lambda s: s.key)
    ]
    tr = PLACE_FIELDS.index("tr")
    rows = [row for row in rows if row[0][tr]]  # never on the map by ``on``: no date known
    details = [detail for _, detail in rows]
    sources = _share_sources(details)
    steps = sorted({t[0] for place, _ in rows for t in place[tr]} | {on.isoformat()})
    names = sorted(catalog.markets)
    market_index = {name: i for i, name in enumerate(names)}
    layer = project.map_countries
    providers = []
    for pid in pids:
        p = catalog.providers[pid]
        shape, color = PROVIDER_STYLES.get(pid, _DEFAULT_STYLE)
        providers.append(
            {
                "id": pid,
                "name": p.name,
                "short": PROVIDER_SHORT.get(pid, p.name),
                "shape": shape,
                "color": color,
                "counting": p.counting_note,
            }
        )
    comparison = _compare(project, on, pids) if compare and catalog.markets and pids else []
    cc = PLACE_FIELDS.index("cc")
    codes = {place[cc] for place, _ in rows}
    codes |= {row[0] for m in comparison for row in m["countries"]}
    codes |= {code for m in comparison for code in m["without"]}
    cc_names = {code: [get_name(code, code), flag(code)] for code in sorted(codes)}
    return {
        "asOf": on.isoformat(),
        "steps": steps,
        "providers": providers,
        "defaultProvider": default_provider(project),
        "statuses": [[s, STATUS_CODES[s], STATUS_LABELS[s], STATUS_COLORS[s]] for s in STATUSES],
        "ccNames": cc_names,
        "placeFields": list(PLACE_FIELDS),
        "places": [place for place, _ in rows],
        "details": {"fields": list(DETAIL_FIELDS), "rows": details, "sources": sources},
        "detailsSrc": None,
        "countryFields": list(COUNTRY_FIELDS),
        "countries": _countries(project, on, market_index),
        "coordScale": COORD_SCALE,
        "zoneBins": [list(b) for b in ZONE_BINS],
        "markets": [
            {
                "name": m.name,
                "id": m.id,
                "definition": m.definition,
                "color": MARKET_COLORS[i % len(MARKET_COLORS)],
                "dash": MARKET_DASHES[i % len(MARKET_DASHES)],
                "countries": [row for row, a2 in enumerate(layer.iso_a2) if a2 in m.countries],
                "named": sorted(
                    catalog.announcements[a].date.effective.isoformat()
                    for a in m.announcements
                    if a in catalog.announcements
                )[:1],
            }
            for i, m in enumerate(catalog.markets[n] for n in names)
        ],
        "rtt": _rtt(project, on, pids) if rtt and pids else None,
        "compare": {"note": RTT_NOTE, "markets": comparison},
    }


def script_json(data: Any) -> str:
    """Canonical JSON that is safe inside <script>: no <, >, & or line separators appear raw."""
    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    for raw, esc in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, esc)
    return text
