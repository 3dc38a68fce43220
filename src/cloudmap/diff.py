"""Footprint diffs: what opened, closed, was announced or changed market coverage between two
dates, or between another version of the catalog (a git revision or a folder) and this one."""

from __future__ import annotations

__all__ = ["Diff", "compare", "diff", "diff_base", "format_text"]

import contextlib
import datetime as dt
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from cloudmap.catalog import read_catalog
from cloudmap.dates import PartialDate
from cloudmap.errors import CloudmapError, Problem, ValidationError
from cloudmap.footprint import footprint
from cloudmap.model import Catalog, Region, Zone
from cloudmap.view import AsOf

Row = dict[str, Any]  # one change: id, provider, date and what the change needs


class End(TypedDict):
    as_of: str
    catalog: str  # "current", or the base revision or folder


class Total(TypedDict):
    before: int
    after: int
    before_known: NotRequired[bool]  # zones: false when the figure is a lower bound
    after_known: NotRequired[bool]


class MarketChange(TypedDict):
    name: str
    countries_targeted: int
    countries_hosting: Total
    hosting_added: list[str]
    hosting_lost: list[str]
    live_zones: Total
    changed: bool


Diff = TypedDict(
    "Diff",
    {
        "from": End,
        "to": End,
        "totals": dict[str, Total],
        "regions": dict[str, list[Row]],
        "zones": dict[str, list[Row]],
        "sites": dict[str, list[Row]],
        "countries": dict[str, list[str]],
        "markets": list[MarketChange],
    },
)


def _by(d: PartialDate | None, on: dt.date) -> bool:
    """Whether a dated event had happened by ``on`` (by its effective day)."""
    return d is not None and d.effective <= on


def _zone_opened(r: Region, z: Zone, on: dt.date) -> bool:
    return _by(r.launched, on) and (z.opened is None or _by(z.opened, on))


def _zone_closed(r: Region, z: Zone, on: dt.date) -> bool:
    return _by(z.closed, on) or _by(r.closed, on)


def _text(d: PartialDate | None) -> str | None:
    return d.text if d is not None else None


def _order(d: PartialDate | None) -> dt.date:
    return d.effective if d is not None else dt.date.min


def _region_row(r: Region, d: PartialDate | None) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.label,
        "country": r.country,
        "provider": r.provider,
        "date": _text(d),
    }


def _sorted(rows: list[tuple[dt.date, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        row for _, row in sorted(rows, key=lambda x: (x[0], x[1].get("provider", ""), x[1]["id"]))
    ]


def _regions(before: Catalog, b: dt.date, after: Catalog, a: dt.date) -> dict[str, Any]:
    old = {r.key: r for r in before.regions}
    new_ids = {r.key for r in after.regions}
    out: dict[str, list[tuple[dt.date, dict[str, Any]]]] = {
        k: [] for k in ("opened", "closing", "closed", "announced", "removed", "reverted")
    }
    for r in after.regions:
        o = old.get(r.key)

        def was(key: str, o: Region | None = o) -> bool:
            return o is not None and _by(getattr(o, key), b)

        if _by(r.launched, a) and not was("launched"):
            out["opened"].append((_order(r.launched), _region_row(r, r.launched)))
        if _by(r.closed, a) and not was("closed"):
            row = _region_row(r, r.closed) | {"closure_announced": _text(r.closure_announced)}
            out["closed"].append((_order(r.closed), row))
        elif _by(r.closure_announced, a) and not was("closure_announced"):
            row = _region_row(r, r.closure_announced) | {"closes": _text(r.closed)}
            out["closing"].append((_order(r.closure_announced), row))
        if _by(r.announced, a) and not _by(r.launched, a) and not was("announced"):
            out["announced"].append((_order(r.announced), _region_row(r, r.announced)))
    for r in before.regions:
        if r.key not in new_ids and r.status(b) is not None:
            out["removed"].append((dt.date.min, _region_row(r, None) | {"was": r.status(b)}))
    # A new version of the catalog can also undo an event (a closure recorded in error): the
    # region's status moves back, which no event above reports.
    for r in after.regions:
        o = old.get(r.key)
        if o is None:
            continue
        for key in ("closed", "closure_announced", "launched", "announced"):
            if _by(getattr(o, key), b) and not _by(getattr(r, key), a):
                row = _region_row(r, getattr(o, key)) | {"undone": key, "now": r.status(a)}
                out["reverted"].append((_order(getattr(o, key)), row))
                break
    return {k: _sorted(v) for k, v in out.items()}


def _zones(before: Catalog, b: dt.date, after: Catalog, a: dt.date) -> dict[str, Any]:
    old = {(r.provider, z.id): (r, z) for r in before.regions for z in r.zones if z.id}
    new_ids = {(r.provider, z.id) for r in after.regions for z in r.zones if z.id}
    opened, closed, removed = [], [], []
    for r in after.regions:
        for z in r.zones:
            if not z.id:
                continue  # zones counted by zone_count have no id to follow
            o = old.get((r.provider, z.id))
            if _zone_opened(r, z, a) and not (o and _zone_opened(*o, b)):
                d = z.opened or r.launched
                opened.append((_order(d), _zone_row(r, z.id, d)))
            if _zone_opened(r, z, a) and _zone_closed(r, z, a) and not (o and _zone_closed(*o, b)):
                d = z.closed if _by(z.closed, a) else r.closed
                closed.append((_order(d), _zone_row(r, z.id, d)))
    for (pid, zid), (r, z) in old.items():
        if (pid, zid) not in new_ids and _zone_opened(r, z, b) and not _zone_closed(r, z, b):
            removed.append((dt.date.min, _zone_row(r, zid, None)))
    return {"opened": _sorted(opened), "closed": _sorted(closed), "removed": _sorted(removed)}


def _published(fp_b: Any, fp_a: Any) -> list[dict[str, Any]]:
    """Counted regions live at both ends whose zone count became known in between (their
    ``zones_since`` was reached): the zone total grows though no zone opened."""
    unknown_before = {r.key for r in fp_b.zones_unknown}
    live_before = {r.key for r in fp_b.regions}
    still_unknown = {r.key for r in fp_a.zones_unknown}
    out = []
    for r in fp_a.regions:
        if r.key in unknown_before and r.key in live_before and r.key not in still_unknown:
            row = {"id": r.id, "region": r.id, "provider": r.provider, "date": _text(r.zones_since)}
            out.append((_order(r.zones_since), row))
    return _sorted(out)


def _zone_row(r: Region, zid: str, d: PartialDate | None) -> dict[str, Any]:
    return {"id": zid, "region": r.id, "provider": r.provider, "date": _text(d)}


def _sites(before: Catalog, b: dt.date, after: Catalog, a: dt.date) -> list[dict[str, Any]]:
    old = {s.key: s for s in before.sites}
    rows = []
    for s in after.sites:
        o = old.get(s.key)
        if _by(s.announced, a) and not (o is not None and _by(o.announced, b)):
            row = {
                "id": s.id,
                "country": s.country,
                "city": s.city,
                "provider": s.provider,
                "date": s.announced.text,
                "region": s.region,
            }
            rows.append((s.announced.effective, row))
    return _sorted(rows)


def _markets(markets: Mapping[str, Any], fp_before: Any, fp_after: Any) -> list[MarketChange]:
    out: list[MarketChange] = []
    for name in sorted(markets):
        countries = set(markets[name].countries)
        hosting = [sorted(countries & set(fp.countries)) for fp in (fp_before, fp_after)]
        zones = [
            sum(1 for r, _ in fp.zones if r.country in countries) for fp in (fp_before, fp_after)
        ]
        out.append(
            {
                "name": name,
                "countries_targeted": len(countries),
                "countries_hosting": {"before": len(hosting[0]), "after": len(hosting[1])},
                "hosting_added": sorted(set(hosting[1]) - set(hosting[0])),
                "hosting_lost": sorted(set(hosting[0]) - set(hosting[1])),
                "live_zones": {"before": zones[0], "after": zones[1]},
                "changed": hosting[0] != hosting[1] or zones[0] != zones[1],
            }
        )
    return out


def compare(
    before: Catalog,
    before_on: dt.date,
    after: Catalog,
    after_on: dt.date,
    *,
    labels: tuple[str, str] = ("current", "current"),
) -> Diff:
    """What changed from ``before`` as of ``before_on`` to ``after`` as of ``after_on`` (market
    coverage by ``after``'s markets). Lists are sorted by date, then provider and id."""
    b, a = before_on, after_on
    markets = after.markets
    fp_b, fp_a = footprint(before, b), footprint(after, a)
    totals: dict[str, Total] = {
        key: {"before": len(getattr(fp_b, key)), "after": len(getattr(fp_a, key))}
        for key in ("regions", "zones", "countries")
    }
    # zone figures are lower bounds while some counted regions' zone counts are not known
    totals["zones"]["before_known"] = not fp_b.zones_unknown
    totals["zones"]["after_known"] = not fp_a.zones_unknown
    return {
        "from": {"as_of": b.isoformat(), "catalog": labels[0]},
        "to": {"as_of": a.isoformat(), "catalog": labels[1]},
        "totals": totals,
        "regions": _regions(before, b, after, a),
        "zones": {**_zones(before, b, after, a), "counts_published": _published(fp_b, fp_a)},
        "sites": {"announced": _sites(before, b, after, a)},
        "countries": {
            "new": sorted(set(fp_a.countries) - set(fp_b.countries)),
            "lost": sorted(set(fp_b.countries) - set(fp_a.countries)),
        },
        "markets": _markets(markets, fp_b, fp_a),
    }


# --------------------------------------------------------------------------- loading


def _git(cwd: Path, *args: str) -> bytes:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    if proc.returncode != 0:
        raise CloudmapError(proc.stderr.decode("utf-8", "replace").strip() or "git failed")
    return proc.stdout


def _is_project(path: Path) -> bool:
    return all((path / p).is_dir() for p in ("data", "seeds"))


@contextlib.contextmanager
def _base_root(root: Path, base: str) -> Iterator[Path]:
    """A folder holding data/ and seeds/ of ``base``: itself if it is a project folder, else a
    temporary copy read from that git revision of the repository holding ``root``."""
    path = Path(base)
    if path.is_dir() and _is_project(path):
        yield path
        return
    if shutil.which("git") is None:
        raise CloudmapError(f"base {base}: not a project folder, and git is not installed")
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except CloudmapError:
        raise CloudmapError(
            f"base {base}: not a project folder (with data/ and seeds/) nor a git revision "
            f"of {root}"
        ) from None
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    listing = _git(
        top, "ls-tree", "-r", "-z", "--name-only", base, "--", f"{prefix}data", f"{prefix}seeds"
    )
    names = [n for n in listing.decode("utf-8").split("\0") if n.endswith(".yaml")]
    if not any(n.startswith(f"{prefix}data/") for n in names):
        raise CloudmapError(f"base {base}: that revision has no {prefix}data/*.yaml")
    with tempfile.TemporaryDirectory(prefix="cloudmap-base-") as tmp:
        t = Path(tmp)
        for part in ("data", "seeds", "geo"):
            (t / part).mkdir()
        for name in names:
            rel = name[len(prefix) :]
            if rel.count("/") != 1:
                continue  # only data/*.yaml and seeds/*.yaml are catalog files
            (t / rel).write_bytes(_git(top, "show", f"{base}:{name}"))
        yield t


def diff(view: AsOf, since: dt.date) -> Diff:
    """What changed in the view's selection from ``since`` to the view's date."""
    if since > view.on:
        raise CloudmapError(f"the start date {since} is after the end date {view.on}")
    return compare(view.selected, since, view.selected, view.on)


def diff_base(view: AsOf, base: str, since: dt.date | None = None) -> Diff:
    """What changed from another version of the catalog, ``base`` (a git revision of the
    repository holding the project, or a project folder), as of ``since`` (default: the view's
    date) to the view's catalog as of its date; the view's providers only."""
    from cloudmap.validate import validate

    since = since or view.on
    if since > view.on:
        raise CloudmapError(f"the start date {since} is after the end date {view.on}")
    with _base_root(view.catalog.root, base) as base_root:
        before, problems = read_catalog(base_root)
        before, more = validate(before, full=False)
        problems += more
        if problems:
            raise ValidationError([_label(p, base) for p in problems])
    keep = tuple(p for p in view.providers if p in before.providers)
    return compare(before.select(keep), since, view.selected, view.on, labels=(base, "current"))


def _label(p: Problem, base: str) -> Problem:
    return Problem(f"{base}:{p.file}", p.line, p.id, p.field, p.message)


# --------------------------------------------------------------------------- text


def _arrow(v: Mapping[str, Any]) -> str:
    b = f"{v['before']}{'' if v.get('before_known', True) else '+'}"
    a = f"{v['after']}{'' if v.get('after_known', True) else '+'}"
    return b if b == a else f"{b} -> {a}"


def format_text(report: Diff) -> str:
    """The report for people: one section per kind of change, empty ones said to be empty."""
    f, t = report["from"], report["to"]
    src = "" if f["catalog"] == t["catalog"] else f" (catalog {f['catalog']} -> {t['catalog']})"
    tot = report["totals"]
    lines = [
        f"Footprint changes from {f['as_of']} to {t['as_of']}{src}",
        f"Totals: regions {_arrow(tot['regions'])}, zones {_arrow(tot['zones'])}, "
        f"countries {_arrow(tot['countries'])}",
    ]

    def section(title: str, rows: list[dict[str, Any]], fmt: Any) -> None:
        lines.append("")
        lines.append(f"{title}: {len(rows) or 'none'}")
        lines.extend("  " + fmt(r) for r in rows)

    regs, zones = report["regions"], report["zones"]

    def region(r: Mapping[str, Any]) -> str:
        name = f"{r['name']}, " if r["name"] != r["id"] else ""  # no published name: id once
        return f"{r['id']}  {name}{r['country']}  {r['date']}"

    section("Regions opened", regs["opened"], region)
    section(
        "Regions closing (closure announced)",
        regs["closing"],
        lambda r: region(r) + (f" (closes {r['closes']})" if r["closes"] else ""),
    )
    section(
        "Regions closed",
        regs["closed"],
        lambda r: (
            region(r)
            + (f" (closure announced {r['closure_announced']})" if r["closure_announced"] else "")
        ),
    )
    section("Regions announced", regs["announced"], region)
    if regs["removed"]:
        section(
            "Regions no longer in the catalog",
            regs["removed"],
            lambda r: f"{r['id']}  {r['name']}, {r['country']}  (was {r['was']})",
        )
    if regs["reverted"]:
        section(
            "Regions whose recorded event was undone",
            regs["reverted"],
            lambda r: (
                f"{r['id']}  {r['name']}, {r['country']}  ({r['undone']} {r['date']} "
                f"removed; now {r['now'] or 'not announced'})"
            ),
        )
    section("Zones opened", zones["opened"], lambda z: f"{z['id']}  ({z['region']})  {z['date']}")
    section("Zones closed", zones["closed"], lambda z: f"{z['id']}  ({z['region']})  {z['date']}")
    if zones["counts_published"]:
        section(
            "Zone counts that became known (zones_since reached; no zone opened)",
            zones["counts_published"],
            lambda z: f"{z['region']}  {z['date']}",
        )
    if zones["removed"]:
        section(
            "Zones no longer in the catalog",
            zones["removed"],
            lambda z: f"{z['id']}  ({z['region']})",
        )
    section(
        "Sites announced",
        report["sites"]["announced"],
        lambda s: (
            f"{s['id']}  {s['country']}{', ' + s['city'] if s['city'] else ''}  "
            f"{s['date']}" + (f" (now region {s['region']})" if s["region"] else "")
        ),
    )
    rows = [*(r for v in regs.values() for r in v), *(z for v in zones.values() for z in v)]
    if any(str(r.get("date") or "").startswith("<=") for r in rows):
        lines += [
            "",
            '<=DATE: known only as "no later than" that date (first seen in a source, or by '
            "the review date); the catalog counts the event from that",
            f"date, but it may have happened before {f['as_of']}.",
        ]
    c = report["countries"]
    lines += [
        "",
        f"Countries newly hosting a region: {', '.join(c['new']) or 'none'}",
        f"Countries no longer hosting a region: {', '.join(c['lost']) or 'none'}",
    ]
    if report["markets"]:
        changed = [m for m in report["markets"] if m["changed"]]
        lines += [
            "",
            f"Market coverage: {len(changed) or 'none'} of {len(report['markets'])} "
            "markets changed",
        ]
        for m in changed:
            delta = [f"+{cc}" for cc in m["hosting_added"]] + [f"-{cc}" for cc in m["hosting_lost"]]
            lines.append(
                f"  {m['name']}: countries hosting {_arrow(m['countries_hosting'])}"
                + (f" ({' '.join(delta)})" if delta else "")
                + f", live zones {_arrow(m['live_zones'])}"
            )
    return "\n".join(lines) + "\n"
