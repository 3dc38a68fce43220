"""Rows of any provider's region table in a docs page: Alibaba's endpoint and region tables of any
product (English, Chinese, Japanese), and the region pages of AWS, Azure, Google Cloud, Huawei
Cloud and Tencent Cloud. A region is found by its id (or, where a page prints names only, by its
name), its zones by their ids, its lifecycle by the label printed beside it."""

from __future__ import annotations

__all__ = [
    "LIFECYCLE_LABELS",
    "Cell",
    "DocRow",
    "DocStatus",
    "RegionIndex",
    "parse_docs_table",
    "parse_tables",
    "read_rows",
]

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from cloudmap.errors import CloudmapError

if TYPE_CHECKING:
    from cloudmap.model import Catalog

DocStatus = Literal["live", "closing", "closed", "announced", "unknown"]

# Labels the providers print beside a region (in its name cell, a status column or an icon's alt
# text), lower-cased, and what they mean; None: a label that is not a lifecycle (sold out, access
# restricted, opt-in). A label not listed here is reported as unknown, never guessed.
LIFECYCLE_LABELS: dict[str, DocStatus | None] = {
    # closing: announced, not yet gone
    "closing down": "closing",
    "being decommissioned": "closing",
    "to be decommissioned": "closing",
    "decommissioning": "closing",
    "service to be discontinued": "closing",
    "to be discontinued": "closing",
    "being discontinued": "closing",
    "closing": "closing",
    "end of service announced": "closing",
    "关停中": "closing",
    "關停中": "closing",
    "即将关停": "closing",
    "即將關停": "closing",
    "下线中": "closing",
    "下線中": "closing",
    "即将下线": "closing",
    "即將下線": "closing",
    "停服中": "closing",
    "即将停服": "closing",
    "即將停服": "closing",
    "サービス終了予定": "closing",
    "提供終了予定": "closing",
    "終了予定": "closing",
    "廃止予定": "closing",
    "閉鎖予定": "closing",
    "서비스 종료 예정": "closing",
    "종료 예정": "closing",
    # closed: gone
    "decommissioned": "closed",
    "discontinued": "closed",
    "closed": "closed",
    "retired": "closed",
    "shut down": "closed",
    "offline": "closed",
    "已关停": "closed",
    "已關停": "closed",
    "已下线": "closed",
    "已下線": "closed",
    "已停服": "closed",
    "已关闭": "closed",
    "已關閉": "closed",
    "已停止服务": "closed",
    "サービス終了": "closed",
    "提供終了": "closed",
    "廃止": "closed",
    "서비스 종료": "closed",
    # announced: coming, not yet open
    "coming soon": "announced",
    "upcoming": "announced",
    "opening soon": "announced",
    "即将开服": "announced",
    "即將開服": "announced",
    "即将开放": "announced",
    "即將開放": "announced",
    "即将上线": "announced",
    "即將上線": "announced",
    "開設予定": "announced",
    "近日公開": "announced",
    "출시 예정": "announced",
    "오픈 예정": "announced",
    # live, when a status column says so
    "available": "live",
    "generally available": "live",
    "open": "live",
    "可用": "live",
    "提供中": "live",
    "사용 가능": "live",
    # printed, but not a lifecycle
    "sold out": None,
    "售罄": None,
    "已售罄": None,
    "restricted": None,
    "access restricted": None,
    "not required": None,
    "required": None,
    "opt-in required": None,
}
_LABEL_RX = re.compile(
    "|".join(
        (r"\b" + re.escape(k) + r"\b") if k.isascii() else re.escape(k)
        for k in sorted(LIFECYCLE_LABELS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)
# An id token: lower-case letters, digits and hyphens, not part of a host name or a longer word.
_TOKEN = re.compile(r"(?<![\w.-])([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?![\w.-]|\.[a-z])")
_GENERIC_ID = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)+")
_ID_HEADER = re.compile(
    r"region\s*id|region\s*code|^\s*code\s*$|programmatic|api\s*name|地域\s*id|地域id|"
    r"リージョン\s*id|区域\s*id|id\s+d[ae]\s+(?:la\s+)?regi",
    re.I,
)
_NAME_HEADER = re.compile(r"region|地域|区域|リージョン|regi[oó]n|regi[aã]o|name|名称|名", re.I)
_STATUS_HEADER = re.compile(r"status|lifecycle|状态|狀態|ステータス|状況|상태", re.I)
_NOT_STATUS_HEADER = re.compile(r"opt-?in|endpoint|zone", re.I)
MAX_COLSPAN = 1000  # the HTML standard's own cap on colspan
MAX_ROWSPAN = 65534  # and on rowspan
CELLS_PER_BYTE = 4  # a table may hold at most this many cells per byte of the page, plus a floor
MIN_CELL_BUDGET = 200_000


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, and the alt texts of its images (icons that mark a status)."""

    text: str
    alts: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocRow:
    """One region of a table: id, name as printed (labels removed), zone ids, the lifecycle label
    as printed and what it means (``live`` when the table prints no label, ``unknown`` for a
    label cloudmap does not know)."""

    region_id: str
    name: str
    zone_ids: tuple[str, ...]
    label: str | None
    status: DocStatus | None


def _shape(token: str) -> str:
    """A token's shape: letters -> a, digits -> 9 ("us-east-1" -> "a-a-9", "eastus2" -> "a9")."""
    return re.sub(r"[0-9]+", "9", re.sub(r"[a-z]+", "a", token))


def _compact(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class RegionIndex:
    """What a provider's catalog knows, to recognise its regions and zones in a table."""

    provider: str
    regions: frozenset[str]
    zones: Mapping[str, str] = field(default_factory=dict)  # zone id -> region id
    names: Mapping[str, str] = field(default_factory=dict)  # compacted name -> region id
    shapes: frozenset[str] = frozenset()
    zone_shapes: frozenset[str] = frozenset()
    ids_from_names: bool = False  # the provider's ids are its names compacted (Azure)

    @classmethod
    def from_catalog(cls, catalog: Catalog, provider: str) -> RegionIndex:
        regions = [r for r in catalog.regions if r.provider == provider]
        zones = {z.id: r.id for r in regions for z in r.zones if z.id}
        names = {_compact(r.name): r.id for r in regions if r.name}
        same = sum(1 for r in regions if r.name and _compact(r.name) == r.id)
        return cls(
            provider,
            frozenset(r.id for r in regions),
            zones,
            names,
            frozenset(_shape(r.id) for r in regions),
            frozenset(_shape(z) for z in zones),
            bool(regions) and same * 2 >= len(regions),
        )


# --------------------------------------------------------------------------- tables


def parse_tables(html: str) -> list[list[list[Cell]]]:
    """Every table of the page as a grid of cells, rowspan and colspan expanded (capped as the
    HTML standard caps them, and in all to a budget proportional to the page's size, so a
    200-byte page cannot ask for a billion cells)."""
    import lxml.etree
    import lxml.html

    if not html or not html.strip():
        raise CloudmapError("the documentation page is empty")
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError) as e:
        raise CloudmapError(f"the documentation page is not HTML: {e}") from None
    budget = [max(MIN_CELL_BUDGET, CELLS_PER_BYTE * len(html))]
    return [g for g in (_grid(t, budget) for t in doc.iter("table")) if g]


def _cell(el: object) -> Cell:
    """The cell's text (its elements' texts separated: "<li>a</li><li>b</li>" -> "a b", a line
    break is a space) and its images' alt texts."""
    for br in el.iter("br"):  # type: ignore[attr-defined]
        br.tail = " " + (br.tail or "")
    text = re.sub(r"\s+", " ", " ".join(el.itertext())).strip()  # type: ignore[attr-defined]
    alts = tuple(
        str(img.get("alt")).strip()
        for img in el.iter("img")  # type: ignore[attr-defined]
        if img.get("alt") and str(img.get("alt")).strip()
    )
    return Cell(text, alts)


def _span(cell: object, attr: str, cap: int) -> int:
    raw = str(cell.get(attr, "1") or "1").strip()  # type: ignore[attr-defined]
    return min(cap, max(1, int(raw))) if raw.isdigit() and len(raw) <= 9 else 1


def _grid(table: object, budget: list[int]) -> list[list[Cell]]:
    grid: list[list[Cell]] = []
    pending: dict[int, tuple[int, Cell]] = {}  # column -> (rows left, cell)

    def spend(n: int) -> None:
        budget[0] -= n
        if budget[0] < 0:
            raise CloudmapError(
                "the page's tables span more cells than a page of its size can hold "
                "(colspan/rowspan values out of proportion); not a docs page cloudmap reads"
            )

    def carry(row: list[Cell], col: int) -> int:
        while col in pending:
            left, value = pending[col]
            row.append(value)
            spend(1)
            if left - 1 <= 0:
                del pending[col]
            else:
                pending[col] = (left - 1, value)
            col += 1
        return col

    for tr in table.iter("tr"):  # type: ignore[attr-defined]
        row: list[Cell] = []
        col = 0
        for cell in (c for c in tr if getattr(c, "tag", None) in ("td", "th")):
            col = carry(row, col)
            value = _cell(cell)
            across, down = _span(cell, "colspan", MAX_COLSPAN), _span(cell, "rowspan", MAX_ROWSPAN)
            spend(across)
            for _ in range(across):
                row.append(value)
                if down > 1:
                    pending[col] = (down - 1, value)
                col += 1
        carry(row, col)
        grid.append(row)
    return grid


# --------------------------------------------------------------------------- rows


def _labels(cells: Sequence[Cell]) -> list[str]:
    found = []
    for c in cells:
        for text in (c.text, *c.alts):
            found += [m.group() for m in _LABEL_RX.finditer(text)]
    return found


def _strip_labels(name: str) -> str:
    rest = _LABEL_RX.sub("", name)
    rest = re.sub(r"\s*[-–—]\s*(?=[)）])", "", rest)  # "(Fuzhou - Local Region - <label>)"
    rest = re.sub(r"[(（]\s*[)）]", "", rest)  # "(<label>)" left empty
    rest = re.sub(r"\s*[-–—]\s*$", "", rest.strip())
    return re.sub(r"\s+", " ", rest).strip()


def _meaning(label: str) -> DocStatus:
    status = LIFECYCLE_LABELS.get(label.lower().strip(), "unknown")
    return "live" if status is None else status


def _identify(cell: Cell, index: RegionIndex | None) -> tuple[str | None, str | None]:
    """(region id, zone id) a cell names: a known id, a known zone, a token shaped like the
    provider's ids or zones, or (for a provider whose ids are its names) a name."""
    for m in _TOKEN.finditer(cell.text):
        tok = m.group(1)
        if index is None:
            if _GENERIC_ID.fullmatch(tok):
                return tok, None
            continue
        if tok in index.regions:
            return tok, None
        if tok in index.zones:
            return index.zones[tok], tok
        if "-" in tok and not index.ids_from_names:
            shape = _shape(tok)
            parent = re.sub(r"-?[a-z0-9]$", "", tok)
            if parent in index.regions and shape in index.zone_shapes:
                return parent, tok  # a new zone of a known region
            if shape in index.shapes:
                return tok, None
            if shape in index.zone_shapes:
                return re.sub(r"-?[a-z0-9]$", "", tok), tok
    if index is not None and index.names:
        name = _compact(_strip_labels(cell.text))
        if name in index.names:
            return index.names[name], None
        if index.ids_from_names and name and _shape(name) in index.shapes and len(name) >= 4:
            return name, None
    return None, None


def _pick_column(
    rows: Sequence[Sequence[Cell]], header: Sequence[Cell], index: RegionIndex | None
) -> int | None:
    hinted = [i for i, h in enumerate(header) if _ID_HEADER.search(h.text)]
    if index is None:
        return hinted[0] if hinted else None
    known = index.regions | frozenset(index.zones) | frozenset(index.names)
    best: tuple[int, int] | None = None
    width = max((len(r) for r in rows), default=0)
    for col in range(width):
        hits = 0
        for r in rows:
            if col < len(r):
                rid, _ = _identify(r[col], index)
                if (
                    rid is not None and (rid in index.regions or _compact(r[col].text) in known)
                ) or (
                    rid is not None
                    and any(t.group(1) in known for t in _TOKEN.finditer(r[col].text))
                ):
                    hits += 1
        if hits and (best is None or hits > best[0]):
            best = (hits, col)
    if best is not None:
        return best[1]
    return hinted[0] if hinted else None


def read_rows(
    tables: Sequence[Sequence[Sequence[Cell]]], index: RegionIndex | None
) -> list[DocRow]:
    """The region rows of the tables, in page order; a region on several rows (one per zone,
    or one per table) is one DocRow with all its zones. ``index``: the provider's catalog (None:
    only a column headed "Region ID" or the like is read, with Alibaba-style ids)."""
    out: dict[str, DocRow] = {}
    for grid in tables:
        header, body = grid[0], grid[1:]
        col = _pick_column(body, header, index)
        if col is None:
            continue
        name_col = next(
            (
                i
                for i, h in enumerate(header)
                if i != col
                and _NAME_HEADER.search(h.text)
                and not re.search(r"\bid\b|code", h.text, re.I)
            ),
            None,
        )
        status_col = next(
            (
                i
                for i, h in enumerate(header)
                if _STATUS_HEADER.search(h.text) and not _NOT_STATUS_HEADER.search(h.text)
            ),
            None,
        )
        for row in body:
            if col >= len(row):
                continue
            rid, zone = _identify(row[col], index)
            if rid is None:
                continue
            name_cell = row[name_col] if name_col is not None and name_col < len(row) else row[col]
            name = _strip_labels(
                _TOKEN.sub("", name_cell.text) if name_cell is row[col] else name_cell.text
            )
            found = _labels([row[col]] if name_cell is row[col] else [row[col], name_cell])
            label = found[0] if found else None
            if label is None and status_col is not None and status_col < len(row):
                status_text = row[status_col].text.strip()
                label = status_text or None
            if label is None:
                unknown_alt = next(
                    (a for a in (*row[col].alts, *name_cell.alts) if not _LABEL_RX.search(a)), None
                )
                label = unknown_alt
            zones = [zone] if zone else []
            if index is not None:
                zones += [
                    z
                    for c in row
                    for t in _TOKEN.finditer(c.text)
                    if (z := t.group(1)) in index.zones and index.zones[z] == rid
                ]
            zone_rx = re.compile(rf"(?<![\w.-]){re.escape(rid)}-?[a-z0-9](?![\w.-])")
            zones += [z.group() for c in row for z in zone_rx.finditer(c.text)]
            status: DocStatus = "live" if label is None else _meaning(label)
            zones_t = tuple(dict.fromkeys(zones))
            if rid in out:
                prev = out[rid]
                out[rid] = DocRow(
                    rid,
                    prev.name or name,
                    tuple(dict.fromkeys((*prev.zone_ids, *zones_t))),
                    prev.label or label,
                    prev.status if prev.label else status,
                )
            else:
                out[rid] = DocRow(rid, name, zones_t, label, status)
    return list(out.values())


def parse_docs_table(html: str, index: RegionIndex | None = None) -> list[DocRow]:
    """Every region row of every table on the page (read_rows over parse_tables)."""
    return read_rows(parse_tables(html), index)
