"""The map's data: JSON-ready values with named fields (places with their status history,
countries, markets, estimated RTT, the comparison) that the page's scripts draw. Sorted and
rounded: deterministic. The map carries every provider of the project and opens on the view's
selection; ``cloudmap.render`` puts this data into the folium map's elements."""

from __future__ import annotations

__all__ = [
    "ANNOUNCED_FILL",
    "BASEMAP",
    "HISTORY_FIELDS",
    "KIND_WORDS",
    "MARKET_CASING",
    "MARKET_COLORS",
    "MARKET_DASHES",
    "PLACED_AT",
    "RTT_COLORS",
    "STATUS_CODES",
    "STATUS_COLORS",
    "ZONE_BINS",
    "MapData",
    "counting_rule",
    "map_data",
    "reader_text",
    "script_json",
    "transitions",
    "wire",
]

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any, TypedDict

from cloudmap.compare import RTT_NOTE
from cloudmap.countries import flag, get_name
from cloudmap.dates import PartialDate
from cloudmap.errors import CloudmapError
from cloudmap.mapfigures import RTT_COLORS, carbon_layer, comparison, grid_detail, rtt
from cloudmap.mapgeom import COORD_SCALE, country_shapes
from cloudmap.model import NEW_WINDOW, Catalog, Provider, Region, Site
from cloudmap.schema import KINDS, LIVE_STATUSES, STATUS_LABELS, STATUSES
from cloudmap.view import AsOf

STATUS_CODES = {
    "new": "n",
    "expanded": "e",
    "live": "l",
    "closing": "c",
    "announced": "a",
    "closed": "x",
}
# Marker fills; white text on each is at least 4.5:1 (WCAG AA), announced markers are outlined
# (ANNOUNCED_FILL inside). Every pair of fills stays at least CIE76 10 apart under simulated
# deuteranopia and protanopia (tests/test_mapdata.py computes it).
STATUS_COLORS = {
    "new": "#2b7a0b",
    "expanded": "#0077a8",
    "live": "#2637a8",
    "closing": "#c2185b",
    "announced": "#7040b8",
    "closed": "#686e75",
}
ANNOUNCED_FILL = "#f4effb"
# The offline basemap: land (every country's fill when unshaded) and sea.
BASEMAP = {"land": "#e4e7eb", "sea": "#c9dcea"}
# Countries shaded by live zones: (lowest count, colour); zero zones stay unshaded.
ZONE_BINS = ((1, "#fdeccd"), (3, "#f9cf8f"), (6, "#efa954"), (11, "#d07c2e"), (21, "#9c5421"))
# Estimated RTT, nearest first: darker is closer, as more zones are darker (ColorBrewer YlGnBu,
# one lightness step per band, so the bands stay apart for every kind of colour vision).
# Market outlines: dark lines (3:1 against every light background) on a white casing (3:1
# against every dark one), each market with its own dash pattern, so no two look alike.
MARKET_COLORS = ("#00457a", "#8a2e00", "#005c3d", "#7a1f5c", "#5c4a00", "#3d2a8a", "#000000")
MARKET_CASING = "#ffffff"
MARKET_DASHES = ("8 4", "2 4", "12 4 2 4", "6 2", "1 3", "10 3 3 3 3 3", "4 4")


class MapData(TypedDict):
    """The data every map element reads (see the module docstring)."""

    asOf: str
    steps: list[str]
    providers: list[dict[str, Any]]
    selected: list[str]
    statuses: list[dict[str, str]]
    countryNames: dict[str, dict[str, str]]
    places: list[dict[str, Any]]
    countries: dict[str, Any]
    zoneBins: list[dict[str, Any]]
    colors: dict[str, str]
    markets: list[dict[str, Any]]
    rtt: dict[str, Any] | None
    carbon: dict[str, Any] | None
    details: dict[str, Any] | None


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


def transitions(r: Region, on: dt.date) -> list[dict[str, Any]]:
    """The region's status history up to ``on``, one entry per change: ``{"on": day, "status":
    code, "zones": live zones}`` and ``"unknown": true`` while its zone count is not known (the
    zones figure is then a lower bound). The status on a day is the last entry on or before it."""
    days = _candidates(
        [r.announced, r.launched, r.closure_announced, r.closed, r.zones_since]
        + [d for z in r.zones for d in (z.opened, z.closed)]
    )
    out: list[dict[str, Any]] = []
    last: tuple[Any, ...] | None = None
    for day in sorted(d for d in days if d <= on):
        st = r.status(day)
        unknown = st in LIVE_STATUSES and not r.zones_known(day)
        state = (STATUS_CODES[st] if st else ".", len(r.live_zones(day)), unknown)
        if state != last and not (last is None and state[0] == "."):
            entry: dict[str, Any] = {"on": day.isoformat(), "status": state[0], "zones": state[1]}
            if unknown:
                entry["unknown"] = True
            out.append(entry)
            last = state
    return out


def _site_transitions(s: Site, region: Region | None, on: dt.date) -> list[dict[str, Any]]:
    if s.announced.effective > on:
        return []
    out: list[dict[str, Any]] = [
        {"on": s.announced.effective.isoformat(), "status": "a", "zones": 0}
    ]
    if region is not None:  # shown until its region appears on the map
        first = next(iter(transitions(region, on)), None)
        if first is not None and first["on"] >= out[0]["on"]:
            out.append({"on": first["on"], "status": ".", "zones": 0})
    return out


# --------------------------------------------------------------------------- places


def _dates(items: Sequence[tuple[str, PartialDate | None]]) -> list[dict[str, Any]]:
    return [
        {"label": label, "text": d.human(), "iso": d.iso, "bound": d.no_later_than}
        for label, d in items
        if d
    ]


# What a popup says for a region's kind and for how precisely it is placed (reader's words,
# not the catalog's field values).
KIND_WORDS = {
    "region": "region",
    "local-region": "local region",
    "partner-region": "region run by a partner",
    "government": "government region",
    "sovereign": "sovereign-cloud region",
    "industry-cloud": "industry cloud",
}
PLACED_AT = {
    "facility": "at the data centre's site",
    "metro": "at its city",
    "admin-area": "in its province or state (exact city not published)",
    "country": "in its country only (exact place not published)",
}
_BOUND = re.compile(r"<=(\d{4}(?:-\d{2}){0,2})")


def reader_text(text: str | None) -> str | None:
    """Catalog notes as a reader sees them: a "no later than" bound in words, not as ``<=``."""
    return _BOUND.sub(r"no later than \1", text) if text else text


def _human(d: PartialDate | None) -> str | None:
    return d.human() if d is not None else None


def _region(
    catalog: Catalog, r: Region, on: dt.date, provider: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    as_region, as_zones = catalog.counted(r)
    loc = r.location
    place = {
        "id": r.id,
        "provider": provider,
        "site": False,
        "name": r.label,
        "city": r.city,
        "country": r.country,
        "lat": round(loc.lat, 4),
        "lon": round(loc.lon, 4),
        "countsRegion": as_region,
        "countsZones": as_zones,
        "bounded": r.bounded(),
        "history": transitions(r, on),
    }
    zones: list[dict[str, Any]] = [
        {"id": z.id, "opened": _human(z.opened), "closed": _human(z.closed), "notes": z.notes}
        for z in r.zones
        if z.id
    ]
    if r.zones_by_count and not r.zones_unknown:
        zones = [{"id": None, "count": len(r.zones)}]
    detail = {
        "kind": KIND_WORDS[r.kind],
        "placed": PLACED_AT[loc.precision],
        "zones": zones,
        "dates": _dates(
            [
                ("Announced", r.announced),
                ("Launched", r.launched),
                ("Closure announced", r.closure_announced),
                ("Closed", r.closed),
            ]
        ),
        "sources": [(s.url, s.supports) for s in r.sources],
        "notes": reader_text(r.notes),
        "region": None,
        "excluded": reader_text(catalog.providers[r.provider].exclude.get(r.id)),
    }
    return place, detail


def _with_grid(view: AsOf, key: str, detail: dict[str, Any]) -> dict[str, Any]:
    grid = grid_detail(view, key)
    return {**detail, "grid": grid} if grid is not None else detail


def _site(
    catalog: Catalog, s: Site, on: dt.date, provider: int, points: dict[str, tuple[float, float]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    name = get_name(s.country, s.country) or s.country
    if s.location is not None:
        lat, lon, precision, approximate = (
            s.location.lat,
            s.location.lon,
            s.location.precision,
            False,
        )
    elif s.country in points:
        (lon, lat), precision, approximate = points[s.country], "country", True
    else:
        raise CloudmapError(
            f"{s.file}:{s.line}: {s.id}: location: no location and no polygon "
            f"for {s.country} to place it at; add location: {{lat, lon, ...}}"
        )
    region = catalog.get(f"{s.provider}:{s.region}") if s.region else None
    title = f"{s.city}, {name}" if s.city else name
    place = {
        "id": s.id,
        "provider": provider,
        "site": True,
        "name": f"Announced site: {title}",
        "city": s.city,
        "country": s.country,
        "lat": round(lat, 4),
        "lon": round(lon, 4),
        "countsRegion": False,
        "countsZones": False,
        "bounded": False,
        "history": _site_transitions(s, region, on),
    }
    detail = {
        "kind": "announced site",
        "placed": PLACED_AT["country" if approximate else precision],
        "zones": [],
        "dates": _dates([("Announced", s.announced)]),
        "sources": [(src.url, src.supports) for src in s.sources],
        "notes": reader_text(s.notes),
        "region": s.region,
        "excluded": None,
    }
    return place, detail


def _share_sources(details: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Replace each detail's sources by indices into one sorted table (many records cite the
    same page: at 10,000 sites this keeps the page small)."""
    table = sorted({src for d in details for src in d["sources"]})
    index = {entry: i for i, entry in enumerate(table)}
    for d in details:
        d["sources"] = [index[src] for src in d["sources"]]
    return [{"url": url, "supports": supports} for url, supports in table]


# --------------------------------------------------------------------------- countries


def _countries(view: AsOf, market_index: dict[str, int]) -> dict[str, Any]:
    layer = view.map_countries
    shapes, _ = country_shapes(layer)
    member: dict[str, list[int]] = {}
    for m in view.catalog.markets.values():
        for cc in m.countries:
            member.setdefault(cc, []).append(market_index[m.name])
    items = []
    for i, a2 in enumerate(layer.iso_a2):
        items.append(
            {
                "key": layer.keys[i],
                "iso": a2,
                "name": (get_name(a2) if a2 else None) or str(layer.columns["name"][i]),
                "flag": flag(a2) if a2 else "",
                "markets": sorted(member.get(a2, [])) if a2 else [],
                "shape": shapes[i],
            }
        )
    return {"scale": COORD_SCALE, "items": items}


# --------------------------------------------------------------------------- counting in words


def _kinds(kinds: Sequence[str]) -> str:
    names = {"region": "regions", "local-region": "local regions",
             "partner-region": "partner-run regions", "government": "government regions",
             "sovereign": "sovereign-cloud regions", "industry-cloud": "industry clouds"}  # fmt: skip
    words = [names[k] for k in KINDS if k in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def counting_rule(p: Provider, catalog: Catalog) -> str:
    """The provider's counting rule in plain words, for the page where its totals show."""
    left_out = [k for k in KINDS if k not in p.count_region_kinds]
    text = f"{p.name}'s own totals count its {_kinds(p.count_region_kinds)}"
    if left_out:
        text += f", not its {_kinds(left_out)}"
    if p.exclude:
        names = sorted(
            (r.label if (r := catalog.get(f"{p.id}:{rid}")) is not None else rid)
            for rid in p.exclude
        )
        text += f"; they also leave out {', '.join(names)}"
    return text + ". The header's totals and the Providers panel count this way."


# --------------------------------------------------------------------------- the data


def _compact(place: dict[str, Any]) -> dict[str, Any]:
    """A place without its false and null fields (the page reads a missing one as false or
    null): at 10,000 places the page stays small."""
    return {k: v for k, v in place.items() if v is not None and v is not False}


def map_data(view: AsOf) -> MapData:
    """Everything the page draws, as JSON-ready values (sorted, rounded: deterministic).

    Every provider of the project is on the map; the view's providers are the ones shown first.
    ``details`` holds what only popups and the comparison panel need: a built site moves it to
    a file the page loads once the map is up."""
    catalog, on = view.catalog, view.on
    pids = sorted(catalog.providers)
    pindex = {p: i for i, p in enumerate(pids)}
    _, points = country_shapes(view.map_countries)
    rows = [
        (place, _with_grid(view, r.key, detail))
        for r in sorted(catalog.regions, key=lambda r: r.key)
        for place, detail in [_region(catalog, r, on, pindex[r.provider])]
    ]
    rows += [
        _site(catalog, s, on, pindex[s.provider], points)
        for s in sorted(catalog.sites, key=lambda s: s.key)
    ]
    rows = [row for row in rows if row[0]["history"]]  # never on the map by then: no date known
    steps = sorted({t["on"] for place, _ in rows for t in place["history"]} | {on.isoformat()})
    names = sorted(catalog.markets)
    market_index = {name: i for i, name in enumerate(names)}
    providers = [
        {
            "id": pid,
            "name": p.name,
            "short": p.style.short,
            "shape": p.style.shape,
            "color": p.style.color,
            "rule": counting_rule(p, catalog),
        }
        for pid in pids
        for p in [catalog.providers[pid]]
    ]
    codes = {place["country"] for place, _ in rows}
    details = [detail for _, detail in rows]
    compared = comparison(view, pids) if catalog.markets and pids else []
    codes |= {c["country"] for m in compared for c in m["countries"]}
    codes |= {cc for m in compared for cc in m["without"]}
    codes |= {cc for d in details for cc in d.get("grid", {}).get("jurisdictions", [])}
    blob: MapData = {
        "asOf": on.isoformat(),
        "steps": steps,
        "providers": providers,
        "selected": list(view.providers),
        "statuses": [
            {"id": s, "code": STATUS_CODES[s], "label": STATUS_LABELS[s], "color": STATUS_COLORS[s]}
            for s in STATUSES
        ],
        "countryNames": {
            cc: {"name": get_name(cc, cc) or cc, "flag": flag(cc)} for cc in sorted(codes)
        },
        "places": [_compact(place) for place, _ in rows],
        "countries": _countries(view, market_index),
        "zoneBins": [{"from": lo, "color": color} for lo, color in ZONE_BINS],
        "colors": {**BASEMAP, "announced": ANNOUNCED_FILL, "casing": MARKET_CASING},
        "markets": [
            {
                "name": m.name,
                "id": m.id,
                "definition": m.definition,
                "color": MARKET_COLORS[i % len(MARKET_COLORS)],
                "dash": MARKET_DASHES[i % len(MARKET_DASHES)],
                "countries": [
                    row for row, a2 in enumerate(view.map_countries.iso_a2) if a2 in m.countries
                ],
                "namedOn": min(
                    (
                        catalog.announcements[a].date.effective.isoformat()
                        for a in m.announcements
                        if a in catalog.announcements
                    ),
                    default=None,
                ),
            }
            for i, m in enumerate(catalog.markets[n] for n in names)
        ],
        "rtt": rtt(view, pids) if pids else None,
        "carbon": carbon_layer(view),
        "details": {
            "sources": _share_sources(details),
            "places": details,
            "compare": {"note": RTT_NOTE, "markets": compared},
        },
    }
    return blob


HISTORY_FIELDS = ("on", "status", "zones", "unknown")


def wire(data: MapData) -> dict[str, Any]:
    """``data`` as the page holds it: ``places`` as columns, ``{"count": n, "historyFields":
    HISTORY_FIELDS, "columns": {field: [value per place, null where the place lacks it]}}``,
    each status history entry a list in HISTORY_FIELDS order (trailing empties left out). Field
    names appear once, not once per place: at 10,000 places that halves the page. The page's
    core.js turns the columns back into the records ``map_data`` made."""
    places = data["places"]
    fields = sorted({k for p in places for k in p})
    columns: dict[str, list[Any]] = {f: [p.get(f) for p in places] for f in fields}
    if "history" in columns:
        columns["history"] = [
            [_history_row(h) for h in hist] if hist is not None else None
            for hist in columns["history"]
        ]
    table = {"count": len(places), "historyFields": list(HISTORY_FIELDS), "columns": columns}
    return {**data, "places": table}


def _history_row(entry: dict[str, Any]) -> list[Any]:
    extra = set(entry) - set(HISTORY_FIELDS)
    if extra:
        raise ValueError(f"history entry: fields {sorted(extra)} are not in HISTORY_FIELDS")
    row = [entry.get(f) for f in HISTORY_FIELDS]
    while row and (row[-1] is None or row[-1] is False):
        row.pop()
    return row


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
