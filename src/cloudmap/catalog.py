"""Read data/ and seeds/ into typed records (cloudmap.model), checking each file against its spec.

``read_catalog`` returns the catalog and every problem found while reading; the checks across
records live in cloudmap.validate (whose ``load_catalog`` reads and validates in one call).
"""

from __future__ import annotations

__all__ = ["MARKETS_FILE", "NOT_PROVIDERS", "misnamed", "project_files", "read_catalog"]

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cloudmap.errors import CloudmapError, Problem
from cloudmap.journal import reading
from cloudmap.model import (
    Announcement,
    Catalog,
    Location,
    Market,
    Provider,
    ProviderStyle,
    Region,
    Site,
    Source,
    Zone,
)
from cloudmap.reader import Clean, Reader
from cloudmap.schema import MARKETS_FILE as MARKETS_SPEC
from cloudmap.schema import PROVIDER_FILE, SEED
from cloudmap.yamlio import CACHE_MIN_BYTES, load_yaml, read_regular

MARKETS_FILE = "data/markets.yaml"


def _sources(items: list[Clean] | None) -> tuple[Source, ...]:
    return tuple(Source(c["url"], c["supports"]) for c in items or ())


def _location(rd: Reader, c: Clean | None, id_: str) -> Location | None:
    if c is None:
        return None
    lat, lon = c["lat"], c["lon"]
    ok = c.ok
    if lat is not None and not -90 <= lat <= 90:
        swap = " (lat/lon swapped?)" if lon is not None and -90 <= lon <= 90 else ""
        rd.add(c.line_of("lat"), id_, "lat", f"{_num(lat)} is outside -90..90{swap}")
        ok = False
    if lon is not None and not -180 <= lon <= 180:
        rd.add(c.line_of("lon"), id_, "lon", f"{_num(lon)} is outside -180..180")
        ok = False
    if not ok or None in (lat, lon, c["precision"], c["source"]):
        return None
    return Location(lat, lon, c["precision"], c["source"], c.line)


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) and abs(x) < 1e15 and "." not in repr(x) else repr(x)


def _zones(rd: Reader, c: Clean, rid: str) -> tuple[tuple[Zone, ...], bool, bool]:
    """(zones, given by zone_count, count unknown)."""
    zones = [
        Zone(z["id"], z["opened"], z["closed"], z["notes"], z.line) for z in c.get("zones", [])
    ]
    count = c["zone_count"]
    if count is None:
        return tuple(zones), False, False
    if c.values.get("zones"):
        rd.add(
            c.line_of("zone_count"),
            rid,
            "zone_count",
            "give either zones (with their ids) or zone_count (ids not public), not both",
        )
        return tuple(zones), False, False
    if count == "unknown":
        return (), True, True
    return (Zone(None, None, None, None, c.line_of("zone_count")),) * count, True, False


def _region(rd: Reader, c: Clean, provider: str, file: str) -> Region | None:
    rid = c["id"] or "-"
    before = len(rd.problems)
    location = _location(rd, c["location"], rid)
    zones, by_count, unknown = _zones(rd, c, rid)
    if not c.ok or len(rd.problems) > before or location is None:
        return None
    return Region(
        provider,
        rid,
        c["name"],
        c["city"],
        c["country"],
        c["kind"],
        location,
        c["announced"],
        c["launched"],
        c["closure_announced"],
        c["closed"],
        zones,
        tuple(c.get("announcements", [])),
        _sources(c["sources"]),
        c["notes"],
        file,
        c.line,
        c.key_lines,
        by_count,
        unknown,
        c["zones_since"],
    )


def _site(rd: Reader, c: Clean, provider: str, file: str) -> Site | None:
    sid = c["id"] or "-"
    before = len(rd.problems)
    location = _location(rd, c["location"], sid)
    if not c.ok or len(rd.problems) > before:
        return None
    return Site(
        provider,
        sid,
        c["country"],
        c["city"],
        c["announced"],
        location,
        c["region"],
        tuple(c.get("announcements", [])),
        _sources(c["sources"]),
        c["notes"],
        file,
        c.line,
        c.key_lines,
    )


def _provider(c: Clean | None, file: str) -> Provider | None:
    if c is None or not c.ok or c["counting"] is None or c["style"] is None:
        return None
    counting: Clean = c["counting"]
    style: Clean = c["style"]
    return Provider(
        c["id"],
        c["name"],
        ProviderStyle(style["short"], style["shape"], style["color"].lower()),
        tuple(counting["regions"]),
        tuple(counting["zones"]),
        counting["note"],
        _sources(c["sources"]),
        file,
        c["reviewed"],
        {e["region"]: e["reason"] for e in counting.get("exclude", [])},
        c.line,
        c.key_lines,
        bool(c["lead"]),
    )


def _declared(doc: Any, stem: str) -> tuple[str, set[tuple[str, str]]]:
    """The provider id (or the file stem) and every (provider, id) a provider file declares,
    read leniently from the parsed YAML (valid or not)."""
    top = doc if isinstance(doc, dict) else {}
    prov = top.get("provider")
    pid = prov.get("id") if isinstance(prov, dict) else None
    pid = pid.strip() if isinstance(pid, str) and pid.strip() else stem
    ids = set()
    for key in ("regions", "sites"):
        items = top.get(key)
        for item in items if isinstance(items, list) else []:
            rid = item.get("id") if isinstance(item, dict) else None
            if isinstance(rid, str):
                ids.add((pid, rid.strip()))
    return pid, ids


def read_provider_file(
    path: Path, display: str
) -> tuple[Provider | None, list[Region], list[Site], list[Problem]]:
    """One ``data/<provider>.yaml``: its provider, regions and sites, and the problems found.

    A large file that read cleanly before is rebuilt from the disk cache (cloudmap.records_cache)
    without parsing or re-checking it; a file with problems is always read afresh."""
    try:
        raw = read_regular(path)
    except OSError:
        raw = b""  # _read_provider_file reports it
    if len(raw) < CACHE_MIN_BYTES:
        return _read_provider_file(path, display)
    import hashlib
    import json

    import numpy as np

    from cloudmap.cache import Entry, cached_value, code_key
    from cloudmap.records_cache import pack_file, unpack_file

    Read = tuple[Provider | None, list[Region], list[Site], list[Problem]]

    def store(read: Read) -> Entry | None:
        provider, regions, sites, problems = read
        if problems or provider is None:
            return None  # a file with problems is read afresh every time
        text = json.dumps(pack_file(provider, regions, sites), separators=(",", ":"))
        data = text.encode("utf-8")
        return Entry(
            {"sha256": hashlib.sha256(data).hexdigest()},
            {"json": np.frombuffer(data, dtype=np.uint8)},
        )

    def load(e: Entry) -> Read | None:
        """Used only if the stored bytes are the ones written (a damaged or edited entry is a
        miss, read afresh and rewritten) and rebuild into records."""
        data = e.arrays["json"].tobytes()
        if hashlib.sha256(data).hexdigest() != e.meta["sha256"]:
            return None
        return (*unpack_file(json.loads(data)), [])

    key = f"{hashlib.sha256(raw).hexdigest()}|{display}|{_code_key(code_key)}"
    return cached_value(
        "records", key, lambda: _read_provider_file(path, display), store=store, load=load
    )


def _code_key(code_key: Callable[..., str]) -> str:
    """The code and libraries a provider file's records depend on."""
    from importlib.metadata import version

    import yaml

    return f"yaml {yaml.__version__}|pycountry {version('pycountry')}|" + code_key(
        "cloudmap.yamlio",
        "cloudmap.reader",
        "cloudmap.schema",
        "cloudmap.catalog",
        "cloudmap.model",
        "cloudmap.dates",
        "cloudmap.countries",
        "cloudmap.records_cache",
    )


def _read_provider_file(
    path: Path, display: str
) -> tuple[Provider | None, list[Region], list[Site], list[Problem]]:
    doc, problems = load_yaml(path, display)
    if problems:
        return None, [], [], problems
    rd = Reader(display)
    top = rd.record(doc, PROVIDER_FILE, line=1, id_="-", where="file")
    if top is None:
        return None, [], [], rd.problems
    provider = _provider(top["provider"], display)
    # a provider block with problems still names its regions' provider (no cascade of errors)
    pid = provider.id if provider else _declared(doc, path.stem)[0]
    regions = [r for c in top.get("regions", []) if (r := _region(rd, c, pid, display))]
    sites = [s for c in top.get("sites", []) if (s := _site(rd, c, pid, display))]
    return provider, regions, sites, rd.problems


def _claims(c: Clean | None) -> dict[str, Any]:
    """Claims as plain values (nested records as dicts)."""
    if c is None:
        return {}

    def plain(v: Any) -> Any:
        if isinstance(v, Clean):
            return {k: plain(x) for k, x in v.values.items() if x is not None}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    return {k: plain(v) for k, v in c.values.items() if v is not None}


def read_seed(path: Path, display: str) -> tuple[Announcement | None, list[Problem]]:
    """One ``seeds/<id>.yaml`` announcement and the problems found."""
    doc, problems = load_yaml(path, display)
    if problems:
        return None, problems
    rd = Reader(display)
    c = rd.record(doc, SEED, line=1, id_=path.stem, where="file")
    if c is None:
        return None, rd.problems
    aid = c["id"] or path.stem
    if c["id"] is not None and c["id"] != path.stem:
        rd.add(c.line_of("id"), aid, "id", f"must equal the file name ({path.stem})")
    if rd.problems or not c.ok:
        return None, rd.problems
    ann = Announcement(
        aid,
        c["date"],
        c["provider"],
        c["title"],
        c["publisher"],
        _sources(c["sources"]),
        c["summary"],
        _claims(c["claims"]),
        display,
        1,
        c["notes"],
        c.key_lines,
        c["claims"].key_lines if c["claims"] is not None else {},
    )
    return ann, []


def read_markets(root: Path) -> tuple[dict[str, Market], list[Problem], dict[str, int]]:
    """data/markets.yaml: markets by name (without their announcements), the problems found,
    and the line of each market's country list. Names of markets with problems map to line 0
    (they exist, so seeds naming them are not reported again); an unreadable file gives a
    ``"*"`` entry (no name can be checked)."""
    path = root / MARKETS_FILE
    if not path.exists() and not path.is_symlink():
        return {}, [], {}  # no markets: a seed naming one is reported by validation
    doc, problems = load_yaml(path, MARKETS_FILE)
    if problems:
        return {}, problems, {"*": 0}
    rd = Reader(MARKETS_FILE)
    top = rd.record(doc, MARKETS_SPEC, line=1, id_="-", where="file")
    out: dict[str, Market] = {}
    lines: dict[str, int] = {}
    items = doc.get("markets") if isinstance(doc, dict) else None
    for item in items if isinstance(items, list) else []:
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name.strip():
            lines[name.strip()] = 0
    for c in top.get("markets", []) if top else []:
        countries = tuple(c.get("countries", []))
        m = Market(
            c["id"],
            c["name"],
            c["definition"],
            countries,
            _sources(c["sources"]),
            (),
            c["m49"],
            c["notes"],
            c.line,
            tuple(c.get("aliases", [])),
            c.key_lines,
        )
        out[m.name] = m
        lines[m.name] = c.line_of("countries")
    return out, rd.problems, lines


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# data/ files that are not provider files: the markets, and the grid and jurisdiction tables
# (read by cloudmap.gridread)
NOT_PROVIDERS = frozenset(
    {"markets.yaml", "grid.yaml", "jurisdiction.yaml", "provider-energy.yaml"}
)


def project_files(root: Path) -> tuple[list[Path], list[Path]]:
    """The provider files (``data/*.yaml`` but NOT_PROVIDERS) and seed files under ``root``,
    sorted."""
    try:
        data = sorted(p for p in (root / "data").glob("*.yaml") if p.name not in NOT_PROVIDERS)
        seeds = sorted((root / "seeds").glob("*.yaml"))
    except OSError as exc:
        raise CloudmapError(f"{root}: cannot list data/ or seeds/ ({exc.strerror})") from None
    return data, seeds


def misnamed(root: Path) -> list[Path]:
    """YAML files in data/ or seeds/ that are not read because of their name (``.yml``,
    ``.YAML``, ...): read_catalog reports each, since ignoring one would drop its records."""
    out = []
    for part in ("data", "seeds"):
        try:
            names = sorted(os.listdir(root / part))
        except OSError:
            continue  # project_files reports an unreadable folder
        for name in names:
            _, dot, ext = name.rpartition(".")
            if dot and ext != "yaml" and ext.lower() in ("yaml", "yml"):
                out.append(root / part / name)
    return out


def _misnamed(root: Path) -> list[Problem]:
    out = []
    for path in misnamed(root):
        part, stem = path.parent.name, path.name.rpartition(".")[0]
        to = f"{stem}.yaml" if stem else f"<{'provider' if part == 'data' else 'id'}>.yaml"
        out.append(
            Problem(
                f"{part}/{path.name}",
                1,
                "-",
                "file",
                f"not read: catalog files end in .yaml; rename it to {to}",
            )
        )
    return out


def read_catalog(root: Path) -> tuple[Catalog, list[Problem]]:
    """Every provider file, seed and market under ``root`` as records, and the problems found
    reading them (records with problems are left out). Read under the project's shared lock,
    after completing any edit a killed process left half done (cloudmap.journal)."""
    root = Path(root)
    with reading(root):  # no edit half done, none under way
        return _read_catalog(root)


def _read_catalog(root: Path) -> tuple[Catalog, list[Problem]]:
    problems: list[Problem] = []
    providers: dict[str, Provider] = {}
    regions: list[Region] = []
    sites: list[Site] = []
    announcements: dict[str, Announcement] = {}
    data_files, seed_files = project_files(root)
    problems += _misnamed(root)
    declared: set[tuple[str, str]] = set()
    declared_providers: set[str] = set()
    for path in seed_files:
        ann, probs = read_seed(path, _display(root, path))
        problems += probs
        if ann is not None:
            announcements[ann.id] = ann
    for path in data_files:
        provider, regs, sts, probs = read_provider_file(path, _display(root, path))
        problems += probs
        raw, _ = load_yaml(path, _display(root, path)) if probs else (None, [])
        if provider is not None:
            declared_providers.add(provider.id)
        if probs:
            pid, ids = _declared(raw, path.stem)
            declared_providers.add(pid)
            declared |= ids
        declared |= {(r.provider, r.id) for r in regs} | {(s.provider, s.id) for s in sts}
        if provider is not None:
            if provider.id in providers:
                problems.append(
                    Problem(
                        provider.file,
                        provider.key_lines.get("id", 1),
                        provider.id,
                        "id",
                        f"provider id also used by {providers[provider.id].file}",
                    )
                )
            providers[provider.id] = provider
        regions += regs
        sites += sts
    if not data_files:
        problems.append(
            Problem("data", 0, "-", "file", "no provider file (data/<provider>.yaml) found")
        )
    markets, market_problems, market_lines = read_markets(root)
    problems += market_problems
    catalog = Catalog(
        root,
        providers,
        tuple(regions),
        tuple(sites),
        announcements,
        markets,
        frozenset(p.stem for p in seed_files),
        frozenset(declared),
        frozenset(declared_providers),
        frozenset(market_lines),
    )
    return catalog, problems
