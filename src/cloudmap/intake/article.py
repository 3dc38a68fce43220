"""Reading an article (plain text, Markdown or HTML) into clean text, a title and a date."""

from __future__ import annotations

__all__ = ["Article", "ArticleKind", "read_article"]

import codecs
import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from cloudmap.errors import CloudmapError

ArticleKind = Literal["text", "markdown", "html"]

_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_MD_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>])", re.I
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_MD_SNIFF = re.compile(
    r"^(?:#{1,6} \S|[-*] \S|\d+\. \S|> \S|---\s*$)|\[[^\]]+\]\([^)]+\)|\*\*\S", re.M
)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


@dataclass(frozen=True)
class Article:
    """An article's readable text, its title and date when the document states them, and what it was."""

    text: str
    title: str | None
    date: dt.date | None
    kind: ArticleKind


def read_article(source: str | Path, *, data: bytes | None = None) -> Article:
    """Read a file (or ``data``, bytes the caller already has, named by ``source``) as an Article.

    The kind comes from the name's suffix (``.html``/``.htm``, ``.md``/``.markdown``), else from
    the content. HTML goes through trafilatura (boilerplate removed, title and date from the
    page's metadata); Markdown is rendered with markdown-it-py and read back as text (title: the
    front matter's or the first heading; date: the front matter's). A file is read with
    cloudmap.outside.read_input (size cap, deadline, no pipes or devices). Control characters
    (but line breaks and tabs) and invisible marks are dropped from the text and the title.
    Raises CloudmapError for a missing file, empty or binary input, bytes that do not decode and
    front matter nested too deeply.
    """
    name = str(source)
    if data is None:
        from cloudmap.outside import read_input

        data = read_input(Path(source), what="article")
    if not data.strip():
        raise CloudmapError(f"{name}: the article is empty")
    suffix = PurePosixPath(name.split("?", 1)[0].split("#", 1)[0]).suffix.lower()
    is_html = suffix in _HTML_SUFFIXES or (
        suffix not in _MD_SUFFIXES and bool(_HTML_SNIFF.match(data[:2048]))
    )
    text = _visible(_decode(name, data, html=is_html))  # controls go before any parsing
    if is_html:
        art = _from_html(name, text)
    elif suffix in _MD_SUFFIXES or (suffix not in {".txt", ".text"} and _MD_SNIFF.search(text)):
        art = _from_markdown(name, text)
    else:
        art = Article(text=_tidy(text), title=None, date=None, kind="text")
    title = _visible(art.title) if art.title is not None else None
    return dataclasses.replace(art, text=_visible(art.text), title=title or None)


# Invisible characters news pages carry (soft hyphens, zero-width spaces, direction marks, BOMs,
# word joiners, tag characters): dropped, so a title copied into a seed or a command is what it
# looks like (validation refuses them in one-line fields).
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\U000e0000-\U000e007f\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]"
)


def _visible(text: str) -> str:
    """``text`` in NFC without invisible or control characters (line separators, form feeds and
    carriage returns become line breaks; an escape sequence loses its ESC and stays inert)."""
    text = unicodedata.normalize("NFC", text).replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return _INVISIBLE.sub("", text)


def _decode(name: str, data: bytes, *, html: bool) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or the charset an HTML page declares."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CloudmapError(
                f"{name}: UTF-16 byte-order mark but the bytes do not decode"
            ) from None
    if b"\x00" in data:
        raise CloudmapError(
            f"{name}: binary data (NUL bytes), not a text, Markdown or HTML article"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        declared = _META_CHARSET.search(data[:4096]) if html else None
        if declared is not None:
            label = declared.group(1).decode("ascii")
            try:
                return data.decode(codecs.lookup(label).name)
            except (LookupError, UnicodeDecodeError):
                raise CloudmapError(
                    f"{name}: the page declares charset {label!r} but its bytes do not decode as that"
                ) from None
        raise CloudmapError(
            f"{name}: not valid UTF-8 (byte {e.start}: {data[e.start : e.start + 1]!r}); "
            "convert it to UTF-8 first"
        ) from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f\v")
    if controls > max(8, len(text) // 100):
        raise CloudmapError(f"{name}: binary data (control characters), not a text article")
    return text


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _from_html(name: str, html: str) -> Article:
    import trafilatura

    # No extensive date search and a fixed upper bound: the date comes from the page's own
    # metadata, never from the clock (htmldate's default upper bound is today).
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": "2100-12-31",
        },
    )
    if doc is None:
        fields: dict[str, Any] = {}
    elif isinstance(doc, dict):
        fields = doc
    else:  # trafilatura's Document (slotted)
        fields = {k: getattr(doc, k, None) for k in ("text", "title", "date")}
    body = str(fields.get("text") or "")
    if not body.strip():
        raise CloudmapError(f"{name}: no article text found in the HTML")
    title = str(fields.get("title") or "").strip() or None
    return Article(text=_tidy(body), title=title, date=_parse_date(fields.get("date")), kind="html")


# Front matter holds a title and a date: a document nested deeper than this is not front matter
# (and would exhaust the YAML parser's recursion, issue 20).
MAX_FRONT_MATTER_DEPTH = 20
MAX_FRONT_MATTER_BYTES = 64 * 1024


def _front_matter(name: str, text: str) -> object:
    """The front matter's YAML value, or None when it does not parse; CloudmapError when it is
    too large or nested too deeply to be a title and a date (checked before parsing)."""
    import yaml

    if len(text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise CloudmapError(
            f"{name}: the front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB; "
            "it should hold the title and the date only"
        )
    depth = _nesting(text)
    if depth > MAX_FRONT_MATTER_DEPTH:
        raise CloudmapError(
            f"{name}: the front matter is nested {depth} levels deep (at most "
            f"{MAX_FRONT_MATTER_DEPTH}); it should hold the title and the date only"
        )
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return None


def _nesting(text: str) -> int:
    """An upper bound of the YAML nesting depth: open brackets plus block indentation steps and
    list dashes, counted line by line without parsing."""
    deepest = 0
    flow = 0
    for line in text.split("\n"):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        dashes = len(re.match(r"(?:-\s+)*", body).group().split("-")) - 1  # type: ignore[union-attr]
        for ch in body:
            if ch in "[{":
                flow += 1
                deepest = max(deepest, flow)
            elif ch in "]}":
                flow = max(0, flow - 1)
        deepest = max(deepest, flow + indent // 2 + dashes)
    return deepest


def _from_markdown(name: str, text: str) -> Article:
    from markdown_it import MarkdownIt

    title: str | None = None
    date: dt.date | None = None
    front = _FRONT_MATTER.match(text)
    if front:
        meta = _front_matter(name, front.group(1))
        if isinstance(meta, dict):
            if isinstance(meta.get("title"), str):
                title = meta["title"].strip() or None
            date = _parse_date(meta.get("date"))
        text = text[front.end() :]
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type != "inline":
            continue
        parts: list[str] = []
        for child in tok.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type == "softbreak":
                parts.append(" ")
            elif child.type == "hardbreak":
                parts.append("\n")
        plain = "".join(parts).strip()
        opening = tokens[i - 1] if i else None
        if (
            title is None
            and opening is not None
            and opening.type == "heading_open"
            and opening.tag == "h1"
        ):
            title = plain or None
        blocks.append(plain)
    return Article(
        text=_tidy("\n\n".join(b for b in blocks if b)), title=title, date=date, kind="markdown"
    )
