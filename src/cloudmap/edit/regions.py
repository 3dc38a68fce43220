"""The region edit commands: add a region, update fields, close it, add a zone."""

from __future__ import annotations

__all__ = ["add_region", "add_zone", "close_region", "update_region"]

from collections.abc import Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cloudmap.edit.common import (
    _FIELDS,
    REGION_KEYS,
    add_announcements,
    add_source,
    country_code,
    date_node,
    date_or_null,
    defaults,
    find_region,
    line_of,
    locked,
    parse_option_date,
    quote_of,
    records,
    used_ids,
    zone_id,
)
from cloudmap.edit.session import Session
from cloudmap.edit.yamlfiles import append, put, styled
from cloudmap.errors import CloudmapError


@locked
def add_region(
    session: Session,
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
    f = session.provider(provider)
    rid, source = id.strip(), source.strip()
    launched_d = parse_option_date("launched", launched) if launched else None
    announced_d = parse_option_date("announced", announced) if announced else None
    if launched_d is None and announced_d is None:
        raise CloudmapError(
            "give a launch date (launched), or an announcement date (announced) for a region "
            "not launched yet"
        )
    used = used_ids(f)
    if rid in used:
        raise CloudmapError(
            f"id {rid} is already used at {used[rid]}; ids must be unique within a provider (pick "
            f"another id, or change that region with `cloudmap region update {rid}`)"
        )
    zone_ids = [zone_id(rid, z) for part in zones for z in part.split(",") if z.strip()]
    given = ["region id", "name", "city", "country"]
    given += ["coordinates"] if location_source is None else []
    given += ["announcement date"] if announced_d else []
    given += ["launch date"] if launched_d else []
    given += ["zone ids"] if zone_ids else []
    record: dict[str, Any] = {
        "id": rid,
        "name": name.strip(),
        "city": city.strip(),
        "country": country_code(country),
        "kind": kind,
        "location": {
            "lat": lat,
            "lon": lon,
            "precision": precision,
            "source": location_source or source,
        },
        "announced": date_node(announced_d),
        "launched": date_node(launched_d),
        "closure_announced": None,
        "closed": None,
        "zones": [{"id": z, "opened": date_node(launched_d), "closed": None} for z in zone_ids],
        "announcements": list(dict.fromkeys(a.strip() for a in announcements if a.strip())),
        "sources": [{"url": source, "supports": supports or ", ".join(given)}],
    }
    if notes:
        record["notes"] = notes
    regions = f.doc.get("regions")
    like = [*reversed(records(f, "regions")), defaults("region")]
    node = styled(record, like, quote_of(f))
    if isinstance(regions, CommentedSeq) and regions:
        append(regions, node)
    else:  # no regions yet (or `regions: []`): a new block list
        put(f.doc, "regions", CommentedSeq([node]), ("provider", "regions", "sites"))
    done = [f"Added region {rid} to {f.rel}"]
    if site is not None:
        sm = next((s for s in records(f, "sites") if str(s.get("id")) == site.strip()), None)
        if sm is None:
            raise CloudmapError(f"site {site}: no announced site with that id in {f.rel}")
        linked = sm.get("region")
        if linked not in (None, "") and str(linked) != rid:
            raise CloudmapError(
                f"site {site.strip()}: already linked to region {linked}; nothing was written"
            )
        if str(sm.get("country", "")).upper() != record["country"]:
            raise CloudmapError(
                f"site {site.strip()}: is in {sm.get('country')}, region {rid} in "
                f"{record['country']}; link a site in the region's country (nothing was written)"
            )
        sm["region"] = styled(
            rid, [sm.get("region"), *(s.get("region") for s in records(f, "sites"))], quote_of(f)
        )
        done.append(f"Linked announced site {site.strip()} to region {rid}")
    session.commit()
    return done


@locked
def update_region(
    session: Session,
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
    f, m = find_region(session, region_id)
    rid = str(m["id"])
    quote = quote_of(f)
    changed: set[str] = set()
    texts = {
        "name": name,
        "city": city,
        "country": country_code(country) if country else None,
        "kind": kind,
        "notes": notes,
    }
    same: list[str] = []  # given, but already so
    for key, value in texts.items():
        if value is not None:
            if m.get(key) is not None and str(m.get(key)) == value.strip():
                same.append(key)
                continue
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
            d = date_or_null(key, value)
            if (None if m.get(key) is None else str(m.get(key))) == (None if d is None else d.text):
                same.append(key)
                continue
            put(m, key, date_node(d), REGION_KEYS)
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
        add_announcements(f, m, announcements)
        changed.add("announcements")
    if not changed and same:
        return [
            f"No change: region {rid} already has the {', '.join(same)} given; nothing was written"
        ]
    if not changed:
        raise CloudmapError(
            "nothing to update: give at least one of name, city, country, kind, lat, lon, "
            "precision, location source, announced, launched, closure announced, closed, notes, "
            "announcement"
        )
    fields = [v for k, v in _FIELDS.items() if k in changed]
    default = f"{', '.join(label for _, label in fields)} of {rid}"
    add_source(f, m, source.strip(), supports or default)
    session.commit()
    return [f"Updated region {rid} in {f.rel}: {', '.join(name for name, _ in fields)}"]


@locked
def close_region(
    session: Session,
    region_id: str,
    *,
    date: str,
    source: str,
    announced: str | None = None,
    supports: str | None = None,
    announcements: Sequence[str] = (),
) -> list[str]:
    """Set a region's ``closed`` date (and ``closure_announced``); its zones close with it."""
    f, m = find_region(session, region_id)
    rid = str(m["id"])
    closed = parse_option_date("date", date)
    notice = parse_option_date("announced", announced) if announced else None
    if m.get("closed") is not None:
        raise CloudmapError(
            f"region {rid} is already closed ({m['closed']}); to change the date: "
            f"cloudmap region update {rid} --closed DATE --source URL"
        )
    put(m, "closed", date_node(closed), REGION_KEYS)
    if notice is not None:
        put(m, "closure_announced", date_node(notice), REGION_KEYS)
    default = f"closed {closed}" + (f"; closure announced {notice}" if notice else "")
    add_announcements(f, m, announcements)
    add_source(f, m, source.strip(), supports or default)
    session.commit()
    return [f"Closed region {rid} in {f.rel} (closed {closed})"]


@locked
def add_zone(
    session: Session,
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
    f, m = find_region(session, region_id)
    rid = str(m["id"])
    zid = zone_id(rid, zone)
    opened_d = parse_option_date("opened", opened) if opened else None
    for r in records(f, "regions"):  # zone ids are unique within a provider (its own file)
        for z in r.get("zones") or []:
            if isinstance(z, dict) and str(z.get("id")) == zid:
                raise CloudmapError(
                    f"zone {zid} is already listed in region {r.get('id')} ({f.rel}:{line_of(z)})"
                )
    record: dict[str, Any] = {"id": zid, "opened": date_node(opened_d), "closed": None}
    if notes:
        record["notes"] = notes
    zones = m.get("zones")
    like = [
        *reversed(zones or []),
        *(z for r in records(f, "regions") for z in r.get("zones") or []),
    ]
    node = styled(record, like, quote_of(f))
    if isinstance(zones, CommentedSeq) and zones:
        append(zones, node)
    else:
        put(m, "zones", CommentedSeq([node]), REGION_KEYS)
    default = f"zone {zid}" + (f" opened {opened_d}" if opened_d else "")
    add_announcements(f, m, announcements)
    add_source(f, m, source.strip(), supports or default)
    session.commit()
    return [f"Added zone {zid} to region {rid} in {f.rel}"]
