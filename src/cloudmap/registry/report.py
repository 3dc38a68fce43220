"""What the registry check reports: each provider's known differences (registry/known.yaml),
the evidence of a change (the package version and its release day), the changes, and the
reports per provider and in all (cloudmap.registry.check makes them)."""

from __future__ import annotations

__all__ = [
    "RANK",
    "Change",
    "ChangeKind",
    "Evidence",
    "Known",
    "ProviderReport",
    "RegistryReport",
    "TableDiff",
    "TableInfo",
    "diff_tables",
    "known",
]

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cloudmap.registry.packages import Package
from cloudmap.registry.tables import RegionTable, RegistryRegion

ChangeKind = Literal["added", "launched", "removed", "renamed", "name", "stale"]
# What changes a headline total first (watch ranks by it), then the rest.
RANK: dict[str, int] = {
    "added": 0,
    "launched": 0,
    "removed": 0,
    "renamed": 1,
    "name": 2,
    "stale": 3,
}


@dataclass(frozen=True)
class Known:
    """A provider's known differences (registry/known.yaml)."""

    complete: bool = True
    staleness: str | None = None
    kinds: tuple[str, ...] = ()
    listing_means_launched: bool = True
    compare_names: bool = False
    ignore: Mapping[str, str] = field(default_factory=dict)
    left_out_groups: Mapping[str, str] = field(default_factory=dict)
    group_kinds: Mapping[str, str] = field(default_factory=dict)
    not_in_catalog: Mapping[str, str] = field(default_factory=dict)
    not_in_table: Mapping[str, str] = field(default_factory=dict)
    # ids a table lists while the catalog, on evidence, has them as announced (a listing is not a
    # launch where tables name regions before they open); stale once the catalog records a launch
    listed_before_launch: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def known() -> dict[str, Known]:
    """Every provider's known differences, as registry/known.yaml states them."""
    import importlib.resources

    import yaml

    text = (importlib.resources.files("cloudmap.registry") / "known.yaml").read_text("utf-8")
    out = {}
    for pid, raw in (yaml.safe_load(text) or {}).items():
        values = dict(raw)
        if "kinds" in values:
            values["kinds"] = tuple(values["kinds"])
        out[str(pid)] = Known(**values)
    return out


@dataclass(frozen=True)
class Evidence:
    """The package version a change is seen in, and the day it was released (or built): the
    change happened no later than that day."""

    dist: str
    version: str
    released: dt.date | None
    released_from: str
    url: str

    @classmethod
    def of(cls, pkg: Package) -> Evidence:
        return cls(pkg.dist, pkg.version, pkg.released, pkg.released_from, pkg.url)

    def bound(self) -> str:
        """The "no later than" date for a catalog field (``<=2026-11-06``), or ``<DATE>``."""
        return f"<={self.released.isoformat()}" if self.released else "<DATE>"

    def to_json(self) -> dict[str, Any]:
        return {
            "dist": self.dist,
            "version": self.version,
            "released": self.released.isoformat() if self.released else None,
            "released_from": self.released_from,
            "url": self.url,
        }


@dataclass(frozen=True)
class Change:
    """One difference between a registry table and the catalog. ``headline``: recording it
    changes the provider's headline totals (a counted region appears, launches or closes)."""

    kind: ChangeKind
    provider: str
    region: str
    name: str | None
    detail: str
    evidence: Evidence
    command: str | None
    headline: bool = False
    old: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "provider": self.provider,
            "region": self.region,
            "name": self.name,
            "old": self.old,
            "detail": self.detail,
            "headline": self.headline,
            "evidence": self.evidence.to_json(),
            "command": self.command,
        }


@dataclass(frozen=True)
class TableInfo:
    """What was read: a package version, its release date, the files, how many ids."""

    dist: str
    version: str
    released: dt.date | None
    released_from: str
    origin: str
    files: tuple[str, ...]
    regions: int

    def to_json(self) -> dict[str, Any]:
        return {
            "dist": self.dist,
            "version": self.version,
            "released": self.released.isoformat() if self.released else None,
            "released_from": self.released_from,
            "origin": self.origin,
            "files": list(self.files),
            "regions": self.regions,
        }


@dataclass(frozen=True)
class TableDiff:
    """Ids a newer version of a provider's tables added, removed or renamed against an older."""

    base: tuple[str, ...]  # "dist version" of the older tables
    added: tuple[RegistryRegion, ...] = ()
    removed: tuple[RegistryRegion, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (old id, new id): same name, new id

    def to_json(self) -> dict[str, Any]:
        return {
            "base": list(self.base),
            "added": [r.id for r in self.added],
            "removed": [r.id for r in self.removed],
            "renamed": [list(p) for p in self.renamed],
        }


@dataclass(frozen=True)
class ProviderReport:
    provider: str
    tables: tuple[TableInfo, ...]
    changes: tuple[Change, ...]
    staleness: str | None = None
    since_base: TableDiff | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "tables": [t.to_json() for t in self.tables],
            "staleness": self.staleness,
            "changes": [c.to_json() for c in self.changes],
            "since_base": self.since_base.to_json() if self.since_base else None,
        }


@dataclass(frozen=True)
class RegistryReport:
    """The check over every provider read; ``drift``: some change was found."""

    origin: str  # "installed", "latest" or the folder of wheels read
    as_of: dt.date
    providers: tuple[ProviderReport, ...]

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for p in self.providers for c in p.changes)

    @property
    def drift(self) -> bool:
        return bool(self.changes) or any(
            p.since_base and (p.since_base.added or p.since_base.removed) for p in self.providers
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "as_of": self.as_of.isoformat(),
            "drift": self.drift,
            "providers": [p.to_json() for p in self.providers],
        }


def diff_tables(old: Sequence[RegionTable], new: Sequence[RegionTable]) -> TableDiff:
    """What ``new`` lists that ``old`` did not, and the reverse; a removed id and an added id of
    the same name are a rename."""
    before = {r.id: r for t in old for r in t.regions}
    after = {r.id: r for t in new for r in t.regions}
    added = [after[i] for i in sorted(set(after) - set(before))]
    removed = [before[i] for i in sorted(set(before) - set(after))]
    renamed = []
    for r in list(removed):
        twin = next((a for a in added if a.name and a.name == r.name), None)
        if twin is not None:
            renamed.append((r.id, twin.id))
            added.remove(twin)
            removed.remove(r)
    base = tuple(dict.fromkeys(f"{t.package.dist} {t.package.version}" for t in old))
    return TableDiff(base, tuple(added), tuple(removed), tuple(renamed))
