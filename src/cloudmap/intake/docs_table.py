"""Rows of Alibaba Cloud's region tables (ECS "Regions and zones", OSS "Regions and endpoints")."""

from __future__ import annotations

__all__ = ["LIFECYCLE_LABELS", "DocRow", "DocStatus", "parse_docs_table"]

import re
from dataclasses import dataclass
from typing import Literal

from cloudmap.errors import CloudmapError

DocStatus = Literal["live", "closing"]

# Lifecycle labels as Alibaba prints them next to a region's name, and what they mean. A label
# meaning the region is already gone maps to None (the contract has no "closed" status): the
# caller reads ``label``.
LIFECYCLE_LABELS: dict[str, DocStatus | None] = {
    "closing down": "closing",
    "being decommissioned": "closing",
    "to be decommissioned": "closing",
    "decommissioning": "closing",
    "service to be discontinued": "closing",
    "关停中": "closing",
    "關停中": "closing",
    "即将关停": "closing",
    "即將關停": "closing",
    "下线中": "closing",
    "下線中": "closing",
    "停服中": "closing",
    "decommissioned": None,
    "discontinued": None,
    "closed": None,
    "已关停": None,
    "已關停": None,
    "已下线": None,
    "已下線": None,
}
_LABEL_RX = re.compile(
    "|".join(re.escape(k) for k in sorted(LIFECYCLE_LABELS, key=len, reverse=True)), re.IGNORECASE
)
_ID = r"[a-z]{2,3}(?:-[a-z0-9]+)+"
_ID_RX = re.compile(rf"(?<![\w.-])({_ID})(?![\w.-])")
_ID_HEADER = re.compile(
    r"region\s*id|地域\s*id|地域\s*ID|リージョン\s*id|id\s+d[ae]\s+(?:la\s+)?regi", re.I
)
_NAME_HEADER = re.compile(r"region|地域|リージョン|regi[oó]n|regi[aã]o", re.I)


@dataclass(frozen=True)
class DocRow:
    """One region of an official table: id, name as printed (label removed), zone ids, the
    lifecycle label as printed and its meaning (live when the table prints no label)."""

    region_id: str
    name: str
    zone_ids: tuple[str, ...]
    label: str | None
    status: DocStatus | None


def _text(el: object) -> str:
    """The cell's text, its elements' texts separated ("<li>a</li><li>b</li>" -> "a b")."""
    return re.sub(r"\s+", " ", " ".join(el.itertext())).strip()  # type: ignore[attr-defined]


def _grid(table: object) -> list[list[str]]:
    """The table's cells as a grid, rowspan and colspan expanded."""
    rows = [tr for tr in table.iter("tr")]  # type: ignore[attr-defined]
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows left, text)
    for tr in rows:
        row: list[str] = []
        cells = [c for c in tr if getattr(c, "tag", None) in ("td", "th")]
        col = 0
        for cell in cells:
            while col in pending:
                left, value = pending[col]
                row.append(value)
                pending[col] = (left - 1, value)
                if left - 1 <= 0:
                    del pending[col]
                col += 1
            value = _text(cell)
            span = (
                int(cell.get("colspan", "1") or 1) if str(cell.get("colspan", "1")).isdigit() else 1
            )
            down = (
                int(cell.get("rowspan", "1") or 1) if str(cell.get("rowspan", "1")).isdigit() else 1
            )
            for _ in range(max(1, span)):
                row.append(value)
                if down > 1:
                    pending[col] = (down - 1, value)
                col += 1
        while col in pending:
            left, value = pending[col]
            row.append(value)
            pending[col] = (left - 1, value)
            if left - 1 <= 0:
                del pending[col]
            col += 1
        grid.append(row)
    return grid


def _split_label(name: str) -> tuple[str, str | None]:
    m = _LABEL_RX.search(name)
    if not m:
        return name, None
    label = m.group()
    rest = name[: m.start()] + name[m.end() :]
    rest = re.sub(r"\s*[-–—]\s*(?=[)）])", "", rest)  # "(Fuzhou - Local Region - <label>)"
    rest = re.sub(r"[(（]\s*[)）]", "", rest)  # "(<label>)" left empty
    rest = re.sub(r"\s*[-–—]\s*$", "", rest.strip())
    return re.sub(r"\s+", " ", rest).strip(), label


def parse_docs_table(html: str) -> list[DocRow]:
    """Every region row of every table on the page that has a region-id column, in page order
    (a region listed on several rows, one per zone, is one DocRow with all its zones)."""
    import lxml.html

    if not html or not html.strip():
        raise CloudmapError("the documentation page is empty")
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError) as e:
        raise CloudmapError(f"the documentation page is not HTML: {e}") from None
    out: dict[str, DocRow] = {}
    for table in doc.iter("table"):
        grid = _grid(table)
        if not grid:
            continue
        header = grid[0]
        id_col = next((i for i, h in enumerate(header) if _ID_HEADER.search(h)), None)
        if id_col is None:
            continue
        name_col = next(
            (
                i
                for i, h in enumerate(header)
                if i != id_col and _NAME_HEADER.search(h) and not re.search(r"\bid\b", h, re.I)
            ),
            None,
        )
        status_col = next(
            (i for i, h in enumerate(header) if re.search(r"status|状态|狀態", h, re.I)), None
        )
        for row in grid[1:]:
            if id_col >= len(row):
                continue
            m = _ID_RX.search(row[id_col])
            if not m:
                continue
            rid = m.group(1)
            raw_name = row[name_col] if name_col is not None and name_col < len(row) else ""
            name, label = _split_label(raw_name)
            if (
                label is None
                and status_col is not None
                and status_col < len(row)
                and row[status_col]
            ):
                label = row[status_col]
            zone_rx = re.compile(rf"(?<![\w.-]){re.escape(rid)}-?[a-z](?![\w.-])")
            zones = [z.group() for cell in row for z in zone_rx.finditer(cell)]
            status: DocStatus | None = (
                "live" if label is None else LIFECYCLE_LABELS.get(label.lower().strip())
            )
            if rid in out:
                prev = out[rid]
                merged = tuple(dict.fromkeys((*prev.zone_ids, *zones)))
                out[rid] = DocRow(
                    rid,
                    prev.name or name,
                    merged,
                    prev.label or label,
                    prev.status if prev.label else status,
                )
            else:
                out[rid] = DocRow(rid, name, tuple(dict.fromkeys(zones)), label, status)
    return list(out.values())
