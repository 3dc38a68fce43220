"""What the edit commands share: the catalog's key order, dates and ids as the catalog writes
them, finding records, and adding sources and announcement links in the file's own style."""

from __future__ import annotations

__all__ = ["REGION_KEYS", "add_announcements", "add_source", "date_node", "find_region", "records"]

import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cloudmap.dates import PartialDate, parse_date
from cloudmap.edit.session import Session, YamlFile
from cloudmap.edit.yamlfiles import Plain, append, make_yaml, put, quote_style, styled
from cloudmap.errors import CloudmapError
from cloudmap.schema import ID_HINT, ID_RE  # noqa: F401 - re-exported for the commands

T = TypeVar("T")

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
    "zone_count",
    "announcements",
    "sources",
    "notes",
)
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


# --------------------------------------------------------------------------- argument helpers


def parse_option_date(option: str, text: str) -> PartialDate:
    try:
        return parse_date(text.strip())
    except ValueError as exc:
        raise CloudmapError(f"{option}: {exc}") from None


def date_or_null(option: str, text: str) -> PartialDate | None:
    return None if text.strip().lower() in ("null", "none") else parse_option_date(option, text)


def date_node(d: PartialDate | None) -> Any:
    """A date as the catalog writes it: unquoted, at its precision."""
    if d is None:
        return None
    if d.precision == "day" and not d.no_later_than:
        return d.effective  # written as 2025-02-19
    if d.precision == "year" and not d.no_later_than:
        return int(d.text)  # written as 2025
    return Plain(d.text)  # 2025-02, <=2024-06-30


def country_code(code: str) -> str:
    code = code.strip()
    return code.upper() if len(code) == 2 else code


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text.lower()):
        if out and len(out) + 1 + len(word) > 60:
            break
        out = f"{out}-{word}" if out else word
    return out


def zone_id(region_id: str, zone: str) -> str:
    """A full zone id from a full id or a suffix (``b`` -> ``cn-qingdao-b`` / ``na-south-1b``)."""
    zone = zone.strip()
    if zone.startswith(region_id) or not _ZONE_SUFFIX_RE.match(zone):
        return zone
    if zone.startswith("-") or region_id[-1:].isdigit():
        return region_id + zone
    return f"{region_id}-{zone}"


def line_of(node: Any) -> int:
    return node.lc.line + 1 if hasattr(node, "lc") and node.lc.line is not None else 1


def records(f: YamlFile, key: str) -> list[CommentedMap]:
    items = f.doc.get(key) if isinstance(f.doc, dict) else None
    return [m for m in items or [] if isinstance(m, CommentedMap)]


def used_ids(f: YamlFile) -> dict[str, str]:
    """Region and site ids of one provider file -> where they are (``data/x.yaml:12``); ids are
    unique within a provider."""
    out: dict[str, str] = {}
    for key in ("regions", "sites"):
        for m in records(f, key):
            out.setdefault(str(m.get("id")), f"{f.rel}:{line_of(m)}")
    return out


def find_region(session: Session, region_id: str) -> tuple[YamlFile, CommentedMap]:
    """The provider file and record of a region: ``provider:id``, or an id unique in data/."""
    from cloudmap.edit.session import provider_id

    text = region_id.strip().lower()
    pid, _, rid = text.rpartition(":")
    found, ids = [], []
    for f in session.providers():
        if pid and provider_id(f) != pid:
            continue
        for m in records(f, "regions"):
            if str(m.get("id")) == rid:
                found.append((f, m))
            ids.append(str(m.get("id")))
    if len(found) == 1:
        return found[0]
    if found:
        keys = ", ".join(f"{provider_id(f)}:{rid}" for f, _ in found)
        raise CloudmapError(f"region {rid!r} exists for several providers; say which: {keys}")
    close = difflib.get_close_matches(rid, ids, n=1, cutoff=0.8)
    hint = f"did you mean {close[0]}?" if close else "see `cloudmap stats` for the regions"
    raise CloudmapError(f"no region {text!r} in data/ ({hint})")


def quote_of(f: YamlFile) -> type | None:
    regions = records(f, "regions")
    provider = f.doc.get("provider") if isinstance(f.doc, dict) else None
    return quote_style(
        *(m.get("id") for m in regions[:1]),
        provider.get("id") if isinstance(provider, dict) else None,
    )


def locked(func: Callable[..., T]) -> Callable[..., T]:
    """Run an edit command ``func(session, ...)`` as ``func(root, ...)`` in an edit session:
    under the project's edit lock, files read after the lock is taken."""

    @functools.wraps(func)
    def run(root: Path, *args: Any, **kwargs: Any) -> T:
        from cloudmap.edit.session import edit_session

        with edit_session(Path(root)) as session:
            return func(session, *args, **kwargs)

    return run


@functools.cache
def _default_styles() -> Any:
    return make_yaml().load(_DEFAULTS)


def defaults(key: str) -> Any:
    return _default_styles()[key]


def add_source(f: YamlFile, m: CommentedMap, url: str, supports: str) -> None:
    sources = m.get("sources")
    if isinstance(sources, CommentedSeq) and any(
        isinstance(s, dict) and s.get("url") == url and s.get("supports") == supports
        for s in sources
    ):
        return
    like = [
        *reversed(sources or []),
        *(s for r in records(f, "regions") for s in r.get("sources") or []),
    ]
    node = styled({"url": url, "supports": supports}, like, quote_of(f))
    if isinstance(sources, CommentedSeq) and sources:
        append(sources, node)
    else:
        put(m, "sources", CommentedSeq([node]), REGION_KEYS)


def add_announcements(f: YamlFile, m: CommentedMap, ids: Sequence[str]) -> None:
    new = [a for a in dict.fromkeys(x.strip() for x in ids) if a]
    current = m.get("announcements")
    if isinstance(current, CommentedSeq) and current:
        for aid in new:
            if aid not in current:
                append(current, styled(aid, list(current), quote_of(f)))
    elif new:
        like = [r.get("announcements") for r in records(f, "regions")]
        like.append(defaults("region")["announcements"])
        put(m, "announcements", styled(new, like, quote_of(f)), REGION_KEYS)
