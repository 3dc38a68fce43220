"""Edit data/ and seeds/ for the user: round-trip YAML that keeps comments, key order and style,
validate the whole catalog with the change, then write atomically (or write nothing at all)."""

from __future__ import annotations

__all__ = ["add_announcement", "add_region", "add_zone", "close_region", "update_region"]

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cloudmap.errors import CloudmapError
from cloudmap.schema import PartialDate, parse_date
from cloudmap.yamledit import (
    Plain,
    Session,
    YamlFile,
    append,
    make_yaml,
    put,
    quote_style,
    styled,
)

# Where a key a region lacks goes (the order of docs/catalog-format.md).
REGION_KEYS = (
    "id",
    "name",
    "city",
    "country",
    "kind",
    "location",
    "announced",
    "launched",
    "closure_announced",
    "closed",
    "zones",
    "announcements",
    "sources",
    "notes",
)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
_ZONE_SUFFIX_RE = re.compile(r"^-?[a-z0-9]{1,3}$")
_CLAIM_KEYS = ("regions", "zones", "countries")
# Fields `region update` changes: option -> (name in messages, what a source supports), in order.
_FIELDS = {
    "name": ("name", "name"),
    "city": ("city", "city"),
    "country": ("country", "country"),
    "kind": ("kind", "kind"),
    "coordinates": ("location", "coordinates"),
    "precision": ("location.precision", "location precision"),
    "location_source": ("location.source", "coordinate source"),
    "announced": ("announced", "announcement date"),
    "launched": ("launched", "launch date"),
    "closure_announced": ("closure_announced", "closure announcement date"),
    "closed": ("closed", "closure date"),
    "notes": ("notes", "notes"),
    "announcements": ("announcements", "announcement"),
}

# Collection styles used when the file has no record to copy them from (the documented layout);
# numbers stand for strings, which take the file's quoting.
_DEFAULTS = """\
region:
  announcements: [0]
site:
  announcements: [0]
seed:
  summary: >-
    x
  claims:
    totals: {regions: 0}
    planned: [{country: 0, site: 0}]
    markets: [0]
"""


# --------------------------------------------------------------------------- provider files


class _Session(Session):
    """An edit session that also finds the provider files in data/."""

    def providers(self) -> list[YamlFile]:
        paths = sorted((self.root / "data").glob("*.yaml"))
        files = [self.open(f"data/{p.name}") for p in paths if p.name != "markets.yaml"]
        for f in files:
            if not isinstance(f.doc, CommentedMap):
                raise CloudmapError(f"{f.rel}: expected a mapping (provider:, regions:, sites:)")
        return files

    def provider(self, provider: str | None) -> YamlFile:
        files = self.providers()
        ids = {_provider_id(f): f for f in files}
        if provider is not None:
            if provider in ids:
                return ids[provider]
            known = ", ".join(sorted(ids)) or "none"
            raise CloudmapError(
                f"--provider {provider}: no such provider in data/ (known: {known})"
            )
        if len(files) == 1:
            return files[0]
        if not files:
            raise CloudmapError("no provider file in data/ (create data/<provider>.yaml first)")
        raise CloudmapError(
            f"data/ has several providers ({', '.join(sorted(ids))}); pass --provider"
        )


def _provider_id(f: YamlFile) -> str:
    p = f.doc.get("provider") if isinstance(f.doc, dict) else None
    pid = p.get("id") if isinstance(p, dict) else None
    return str(pid) if pid is not None else Path(f.rel).stem


# --------------------------------------------------------------------------- argument helpers


def _date(option: str, text: str) -> PartialDate:
    try:
        return parse_date(text.strip())
    except ValueError as exc:
        raise CloudmapError(f"{option}: {exc}") from None


def _date_or_null(option: str, text: str) -> PartialDate | None:
    return None if text.strip().lower() in ("null", "none") else _date(option, text)


def _date_node(d: PartialDate | None) -> Any:
    """A date as the catalog writes it: unquoted, at its precision."""
    if d is None:
        return None
    if d.precision == "day" and not d.no_later_than:
        return d.effective  # written as 2025-02-19
    if d.precision == "year" and not d.no_later_than:
        return int(d.text)  # written as 2025
    return Plain(d.text)  # 2025-02, <=2024-06-30


def _country(code: str) -> str:
    code = code.strip()
    return code.upper() if len(code) == 2 else code


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text.lower()):
        if out and len(out) + 1 + len(word) > 60:
            break
        out = f"{out}-{word}" if out else word
    return out


def _zone_id(region_id: str, zone: str) -> str:
    """A full zone id from a full id or a suffix (``b`` -> ``cn-qingdao-b`` / ``na-south-1b``)."""
    zone = zone.strip()
    if zone.startswith(region_id) or not _ZONE_SUFFIX_RE.match(zone):
        return zone
    if zone.startswith("-") or region_id[-1:].isdigit():
        return region_id + zone
    return f"{region_id}-{zone}"


def _line(node: Any) -> int:
    return node.lc.line + 1 if hasattr(node, "lc") and node.lc.line is not None else 1


def _records(f: YamlFile, key: str) -> list[CommentedMap]:
    items = f.doc.get(key) if isinstance(f.doc, dict) else None
    return [m for m in items or [] if isinstance(m, CommentedMap)]


def _used_ids(session: _Session) -> dict[str, str]:
    """Region and site ids in data/ -> where they are (``data/x.yaml:12``)."""
    out: dict[str, str] = {}
    for f in session.providers():
        for key in ("regions", "sites"):
            for m in _records(f, key):
                out.setdefault(str(m.get("id")), f"{f.rel}:{_line(m)}")
    return out


def _find_region(session: _Session, region_id: str) -> tuple[YamlFile, CommentedMap]:
    rid = region_id.strip().lower()
    ids = []
    for f in session.providers():
        for m in _records(f, "regions"):
            if str(m.get("id")) == rid:
                return f, m
            ids.append(str(m.get("id")))
    close = difflib.get_close_matches(rid, ids, n=1, cutoff=0.8)
    hint = f"did you mean {close[0]}?" if close else "see `cloudmap stats` for the regions"
    raise CloudmapError(f"no region {rid!r} in data/ ({hint})")


def _quote(f: YamlFile) -> type | None:
    regions = _records(f, "regions")
    provider = f.doc.get("provider") if isinstance(f.doc, dict) else None
    return quote_style(
        *(m.get("id") for m in regions[:1]),
        provider.get("id") if isinstance(provider, dict) else None,
    )


@functools.cache
def _default_styles() -> Any:
    return make_yaml().load(_DEFAULTS)


def _defaults(key: str) -> Any:
    return _default_styles()[key]


def _add_source(f: YamlFile, m: CommentedMap, url: str, supports: str) -> None:
    sources = m.get("sources")
    if isinstance(sources, CommentedSeq) and any(
        isinstance(s, dict) and s.get("url") == url and s.get("supports") == supports
        for s in sources
    ):
        return
    like = [
        *reversed(sources or []),
        *(s for r in _records(f, "regions") for s in r.get("sources") or []),
    ]
    node = styled({"url": url, "supports": supports}, like, _quote(f))
    if isinstance(sources, CommentedSeq) and sources:
        append(sources, node)
    else:
        put(m, "sources", CommentedSeq([node]), REGION_KEYS)


def _add_announcements(f: YamlFile, m: CommentedMap, ids: Sequence[str]) -> None:
    new = [a for a in dict.fromkeys(x.strip() for x in ids) if a]
    current = m.get("announcements")
    if isinstance(current, CommentedSeq) and current:
        for aid in new:
            if aid not in current:
                append(current, styled(aid, list(current), _quote(f)))
    elif new:
        like = [r.get("announcements") for r in _records(f, "regions")]
        like.append(_defaults("region")["announcements"])
        put(m, "announcements", styled(new, like, _quote(f)), REGION_KEYS)


# --------------------------------------------------------------------------- region commands


def add_region(
    root: Path,
    *,
    id: str,
    name: str,
    city: str,
    country: str,
    lat: float,
    lon: float,
    source: str,
    launched: str | None = None,
    announced: str | None = None,
    zones: Sequence[str] = (),
    supports: str | None = None,
    location_source: str | None = None,
    announcements: Sequence[str] = (),
    kind: str = "region",
    precision: str = "metro",
    provider: str | None = None,
    site: str | None = None,
    notes: str | None = None,
) -> list[str]:
    """Append a region to ``data/<provider>.yaml``; returns what was done, one line each."""
    session = _Session(root)
    f = session.provider(provider)
    rid, source = id.strip(), source.strip()
    launched_d = _date("--launched", launched) if launched else None
    announced_d = _date("--announced", announced) if announced else None
    if launched_d is None and announced_d is None:
        raise CloudmapError(
            "give --launched DATE (or --announced DATE for a region not launched yet)"
        )
    used = _used_ids(session)
    if rid in used:
        raise CloudmapError(
            f"id {rid} is already used at {used[rid]}; ids must be unique (pick another --id, or "
            f"change that region with `cloudmap region update {rid}`)"
        )
    zone_ids = [_zone_id(rid, z) for part in zones for z in part.split(",") if z.strip()]
    given = ["region id", "name", "city", "country"]
    given += ["coordinates"] if location_source is None else []
    given += ["announcement date"] if announced_d else []
    given += ["launch date"] if launched_d else []
    given += ["zone ids"] if zone_ids else []
    record: dict[str, Any] = {
        "id": rid,
        "name": name.strip(),
        "city": city.strip(),
        "country": _country(country),
        "kind": kind,
        "location": {
            "lat": lat,
            "lon": lon,
            "precision": precision,
            "source": location_source or source,
        },
        "announced": _date_node(announced_d),
        "launched": _date_node(launched_d),
        "closure_announced": None,
        "closed": None,
        "zones": [{"id": z, "opened": _date_node(launched_d), "closed": None} for z in zone_ids],
        "announcements": list(dict.fromkeys(a.strip() for a in announcements if a.strip())),
        "sources": [{"url": source, "supports": supports or ", ".join(given)}],
    }
    if notes:
        record["notes"] = notes
    regions = f.doc.get("regions")
    like = [*reversed(_records(f, "regions")), _defaults("region")]
    node = styled(record, like, _quote(f))
    if isinstance(regions, CommentedSeq) and regions:
        append(regions, node)
    else:  # no regions yet (or `regions: []`): a new block list
        put(f.doc, "regions", CommentedSeq([node]), ("provider", "regions", "sites"))
    done = [f"Added region {rid} to {f.rel}"]
    if site is not None:
        sm = next((s for s in _records(f, "sites") if str(s.get("id")) == site.strip()), None)
        if sm is None:
            raise CloudmapError(f"--site {site}: no announced site with that id in {f.rel}")
        sm["region"] = styled(
            rid, [sm.get("region"), *(s.get("region") for s in _records(f, "sites"))], _quote(f)
        )
        done.append(f"Linked announced site {site.strip()} to region {rid}")
    session.commit()
    return done


def update_region(
    root: Path,
    region_id: str,
    *,
    source: str,
    supports: str | None = None,
    name: str | None = None,
    city: str | None = None,
    country: str | None = None,
    kind: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    precision: str | None = None,
    location_source: str | None = None,
    announced: str | None = None,
    launched: str | None = None,
    closure_announced: str | None = None,
    closed: str | None = None,
    notes: str | None = None,
    announcements: Sequence[str] = (),
) -> list[str]:
    """Change the given fields of a region and cite ``source`` for them.

    Dates take ``null`` to clear them. New coordinates take ``source`` as their location source
    unless ``location_source`` is given."""
    session = _Session(root)
    f, m = _find_region(session, region_id)
    rid = str(m["id"])
    quote = _quote(f)
    changed: set[str] = set()
    texts = {
        "name": name,
        "city": city,
        "country": _country(country) if country else None,
        "kind": kind,
        "notes": notes,
    }
    for key, value in texts.items():
        if value is not None:
            put(m, key, styled(value.strip(), [m.get(key)], quote), REGION_KEYS)
            changed.add(key)
    dates = {
        "announced": announced,
        "launched": launched,
        "closure_announced": closure_announced,
        "closed": closed,
    }
    for key, value in dates.items():
        if value is not None:
            d = _date_or_null(f"--{key.replace('_', '-')}", value)
            put(m, key, _date_node(d), REGION_KEYS)
            changed.add(key)
    moved = lat is not None or lon is not None
    loc = {
        "lat": lat,
        "lon": lon,
        "precision": precision,
        "source": location_source or (source.strip() if moved else None),
    }
    if any(v is not None for v in loc.values()):
        location = m.get("location")
        if not isinstance(location, CommentedMap):
            raise CloudmapError(f"region {rid} has no location mapping to update in {f.rel}")
        for part, new in loc.items():
            if new is not None:
                location[part] = styled(new, [location.get(part)], quote)
        changed |= {"coordinates"} if moved else set()
        changed |= {"precision"} if precision is not None else set()
        changed |= {"location_source"} if location_source is not None else set()
    if announcements:
        _add_announcements(f, m, announcements)
        changed.add("announcements")
    if not changed:
        raise CloudmapError(
            "nothing to update: give at least one of --name, --city, --country, --kind, --lat, "
            "--lon, --precision, --location-source, --announced, --launched, "
            "--closure-announced, --closed, --notes, --announcement"
        )
    fields = [v for k, v in _FIELDS.items() if k in changed]
    _add_source(f, m, source.strip(), supports or ", ".join(label for _, label in fields))
    session.commit()
    return [f"Updated region {rid} in {f.rel}: {', '.join(name for name, _ in fields)}"]


def close_region(
    root: Path,
    region_id: str,
    *,
    date: str,
    source: str,
    announced: str | None = None,
    supports: str | None = None,
    announcements: Sequence[str] = (),
) -> list[str]:
    """Set a region's ``closed`` date (and ``closure_announced``); its zones close with it."""
    session = _Session(root)
    f, m = _find_region(session, region_id)
    rid = str(m["id"])
    closed = _date("--date", date)
    notice = _date("--announced", announced) if announced else None
    if m.get("closed") is not None:
        raise CloudmapError(
            f"region {rid} is already closed ({m['closed']}); to change the date: "
            f"cloudmap region update {rid} --closed DATE --source URL"
        )
    put(m, "closed", _date_node(closed), REGION_KEYS)
    if notice is not None:
        put(m, "closure_announced", _date_node(notice), REGION_KEYS)
    default = f"closed {closed}" + (f"; closure announced {notice}" if notice else "")
    _add_announcements(f, m, announcements)
    _add_source(f, m, source.strip(), supports or default)
    session.commit()
    return [f"Closed region {rid} in {f.rel} (closed {closed})"]


def add_zone(
    root: Path,
    region_id: str,
    *,
    zone: str,
    source: str,
    opened: str | None = None,
    supports: str | None = None,
    notes: str | None = None,
    announcements: Sequence[str] = (),
) -> list[str]:
    """Append a zone to a region (``opened: null`` when ``opened`` is not given)."""
    session = _Session(root)
    f, m = _find_region(session, region_id)
    rid = str(m["id"])
    zid = _zone_id(rid, zone)
    opened_d = _date("--opened", opened) if opened else None
    for pf in session.providers():
        for r in _records(pf, "regions"):
            for z in r.get("zones") or []:
                if isinstance(z, dict) and str(z.get("id")) == zid:
                    raise CloudmapError(
                        f"zone {zid} is already listed in region {r.get('id')} ({pf.rel}:{_line(z)})"
                    )
    record: dict[str, Any] = {"id": zid, "opened": _date_node(opened_d), "closed": None}
    if notes:
        record["notes"] = notes
    zones = m.get("zones")
    like = [
        *reversed(zones or []),
        *(z for r in _records(f, "regions") for z in r.get("zones") or []),
    ]
    node = styled(record, like, _quote(f))
    if isinstance(zones, CommentedSeq) and zones:
        append(zones, node)
    else:
        put(m, "zones", CommentedSeq([node]), REGION_KEYS)
    default = f"zone {zid}" + (f" opened {opened_d}" if opened_d else "")
    _add_announcements(f, m, announcements)
    _add_source(f, m, source.strip(), supports or default)
    session.commit()
    return [f"Added zone {zid} to region {rid} in {f.rel}"]


# --------------------------------------------------------------------------- announcements


def _claims(items: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        key, _, value = item.partition("=")
        key = key.strip()
        if key not in _CLAIM_KEYS or not value.strip().isdigit():
            raise CloudmapError(f"--claim {item}: write regions=N, zones=N or countries=N")
        out[key] = int(value)
    return out


def _check_markets(root: Path, names: Sequence[str]) -> list[str]:
    """The market names as data/markets.yaml spells them (unchecked if it does not exist)."""
    if not names or not (root / "data" / "markets.yaml").is_file():
        return list(names)
    from cloudmap.world import load_markets

    known = {" ".join(n.split()).casefold(): n for n in load_markets(root)}
    out = []
    for name in names:
        key = " ".join(name.split()).casefold()
        if key not in known:
            close = difflib.get_close_matches(name, list(known.values()), n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"defined: {', '.join(sorted(known.values()))}"
            )
            raise CloudmapError(f"--market {name!r} is not defined in data/markets.yaml ({hint})")
        out.append(known[key])
    return out


def _site_id(country: str, city: str | None, year: int, used: Iterable[str]) -> str:
    taken = set(used)
    cc = _slug(country) or "site"
    candidates = [f"{cc}-{year}"]
    if city:
        candidates.append(f"{cc}-{_slug(city)}-{year}")
    for sid in candidates:
        if sid not in taken:
            return sid
    n = 2
    while f"{candidates[-1]}-{n}" in taken:
        n += 1
    return f"{candidates[-1]}-{n}"


def add_announcement(
    root: Path,
    *,
    date: str,
    title: str,
    source: str,
    supports: str | None = None,
    summary: str | None = None,
    publisher: str | None = None,
    claims: Sequence[str] = (),
    markets: Sequence[str] = (),
    sites: Sequence[str] = (),
    id: str | None = None,
    provider: str | None = None,
) -> list[str]:
    """Record an announcement as ``seeds/<id>.yaml``; each ``COUNTRY[:CITY]`` in ``sites`` also
    becomes an announced site in the provider file. Returns what was done, one line each."""
    root = Path(root)
    session = _Session(root)
    d = _date("--date", date)
    title = title.strip()
    if id is not None:
        aid = id.strip()
    else:
        slug = _slug(title)
        if not slug:
            raise CloudmapError(f"cannot make an id from the title {title!r}; pass --id")
        aid = f"{d.iso}-{slug}"
    if not _ID_RE.match(aid):
        raise CloudmapError(f"--id {aid!r}: use lowercase letters, digits and hyphens")
    totals = _claims(claims)
    market_names = _check_markets(root, [m.strip() for m in markets if m.strip()])
    f = session.provider(provider)
    pid = _provider_id(f)
    used = set(_used_ids(session))
    planned = []
    site_records = []
    for spec in sites:
        code, _, city_text = spec.partition(":")
        cc, city = _country(code), city_text.strip() or None
        sid = _site_id(cc, city, d.start.year, used)
        used.add(sid)
        planned.append({"country": cc, "site": sid})
        place = f"{cc} ({city})" if city else cc
        site_records.append(
            {
                "id": sid,
                "country": cc,
                "city": city,
                "announced": _date_node(d),
                "location": None,
                "region": None,
                "announcements": [aid],
                "sources": [{"url": source.strip(), "supports": f"announced site in {place}"}],
            }
        )
    given = ["date", "title"]
    given += ["headline totals"] if totals else []
    given += ["markets"] if market_names else []
    given += ["planned sites"] if planned else []
    record: dict[str, Any] = {"id": aid, "date": _date_node(d), "provider": pid, "title": title}
    if publisher:
        record["publisher"] = publisher.strip()
    record["sources"] = [{"url": source.strip(), "supports": supports or ", ".join(given)}]
    record["summary"] = (summary or title).strip()
    claim_map: dict[str, Any] = {}
    if totals:
        claim_map["totals"] = totals
    if planned:
        claim_map["planned"] = planned
    if market_names:
        claim_map["markets"] = market_names
    if claim_map:
        record["claims"] = claim_map
    seeds = sorted((root / "seeds").glob("*.yaml"))
    like = [session.open(f"seeds/{seeds[-1].name}").doc] if seeds else []
    quote = quote_style(*(s.get("id") for s in like if isinstance(s, dict))) if like else _quote(f)
    rel = f"seeds/{aid}.yaml"
    session.create(rel, styled(record, [*like, _defaults("seed")], quote))
    done = [f"Added announcement {aid} as {rel}"]
    if site_records:
        sites_seq = f.doc.get("sites")
        site_like = [
            *reversed(_records(f, "sites")),
            _defaults("site"),
            *reversed(_records(f, "regions")),
        ]
        nodes = [styled(s, site_like, _quote(f)) for s in site_records]
        if isinstance(sites_seq, CommentedSeq) and sites_seq:
            for node in nodes:
                append(sites_seq, node)
        else:
            put(f.doc, "sites", CommentedSeq(nodes), ("provider", "regions", "sites"))
        done += [
            f"Added announced site {s['id']} ({s['country']}) to {f.rel}" for s in site_records
        ]
    session.commit()
    return done
