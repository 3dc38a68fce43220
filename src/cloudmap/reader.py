"""Check parsed YAML against the record specs of cloudmap.schema and turn it into clean values.

Every problem is collected (unknown keys with a "did you mean", wrong types, missing keys, bad
values) with its file, line, record id and field; nothing is raised here.
"""

from __future__ import annotations

__all__ = [
    "MAX_NUMBER",
    "Clean",
    "Reader",
    "check_url",
    "describe",
    "has_control",
    "parse_number",
    "parse_total",
]

import difflib
import math
import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pycountry

from cloudmap.dates import parse_date
from cloudmap.errors import Problem
from cloudmap.schema import ENUMS, ID_HINT, ID_RE, MAX_ZONES, RECORDS, Key, Record
from cloudmap.yamlio import LineMap

# Bidirectional overrides and isolates reorder what a terminal or a page shows: never in data.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# RFC 3986 characters (plus non-ASCII IRI characters, RFC 3987), no spaces/quotes/brackets.
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%\u00a0-\U0010ffff]+$")
_BAD_URL_CHARS = frozenset("\"'<>\\`{}|^ ")
# Spaces of every width, format characters and unassigned/private code points: invisible, or
# not characters at all, anywhere in a URL (host included).
_NOT_IN_URLS = frozenset({"Zs", "Zl", "Zp", "Cf", "Co", "Cn", "Cs"})


@dataclass
class Clean:
    """A record's checked values (every spec key present; None when absent or invalid)."""

    values: dict[str, Any]
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    ok: bool = True

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def describe(value: object) -> str:
    """How a message names a value of the wrong type."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


# Characters that change what text says or how it reads without showing, refused everywhere:
# bidi embeddings, overrides and isolates ("Trojan Source"), the Unicode line/paragraph
# separators (a line break that is not one), word joiners and invisible operators, the
# byte-order mark, Hangul fillers and tag characters ("ASCII smuggling").
_ALWAYS = (
    "\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u115f\u1160\u3164\uffa0"
    "\U000e0000-\U000e007f"
)
# Format marks that free text in some scripts needs (Arabic, Hebrew and Persian direction marks,
# the Thai/Khmer/Lao word-break hint, Mongolian's vowel separator, the soft hyphen), allowed in
# notes and summaries but not in one-line fields (names, titles, cities), where an invisible
# character would make equal-looking strings differ. Zero-width (non-)joiners are allowed
# everywhere: Persian, Indic scripts and emoji need them.
_LINE_ONLY = "\u00ad\u061c\u180e\u200b\u200e\u200f"
_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_ALWAYS}{_LINE_ONLY}]")
_IN_TEXT = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_ALWAYS}]")


def has_control(text: str, *, newlines: bool = False) -> str | None:
    """The first control (Unicode Cc) or refused invisible character in ``text`` (as
    ``U+XXXX``), else None. ``newlines``: free text (line breaks and the script marks in
    _LINE_ONLY allowed)."""
    m = (_IN_TEXT if newlines else _IN_LINE).search(text)
    return f"U+{ord(m.group()):04X}" if m else None


def char_kind(code: str) -> str:
    """``control`` or ``invisible``, for messages about ``has_control``'s finding."""
    return "control" if unicodedata.category(chr(int(code[2:], 16))) == "Cc" else "invisible"


def check_url(url: str) -> str | None:
    """Why ``url`` is not an acceptable source URL (absolute http/https, RFC 3986), or None."""
    bad = sorted({c for c in url if c in _BAD_URL_CHARS})
    hidden = has_control(url) or next(
        (f"U+{ord(c):04X}" for c in url if unicodedata.category(c) in _NOT_IN_URLS), None
    )
    if bad or hidden:
        shown = " ".join(repr(c) for c in bad) or hidden
        return f"{url!r} is not an http(s) URL (it contains {shown}; percent-encode it)"
    if not _URL_CHARS.match(url):
        return f"{url!r} is not an http(s) URL"
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # raises on a bad port
    except ValueError:
        return f"{url!r} is not an http(s) URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL"
    del port
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return f"{url!r} is not an http(s) URL (a % must start an escape like %20)"
    return None


_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


def parse_number(text: str) -> float:
    """A number typed by a person (a command option): ASCII decimal digits, optionally a sign,
    a point and an exponent, finite and at most MAX_NUMBER in size; ``ValueError`` otherwise
    (``inf``, ``nan``, ``1e400``, ``1_000``, other scripts' digits)."""
    s = text.strip()
    if not _DECIMAL.match(s):
        raise ValueError(f"{text!r} is not a plain decimal number")
    value = float(s)
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise ValueError(f"{text!r} is larger than any real figure (over 10^15)")
    return value


def parse_total(value: object) -> tuple[int, bool] | None:
    """A claimed total: ``(n, False)`` for an exact whole number, ``(n, True)`` for ``"N+"``
    (more than N, as "over N" is written), None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (value, False) if value >= 0 else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]+\+", value.strip()):
        return int(value.strip()[:-1]), True
    return None


def _country_hint(code: str) -> str:
    try:
        match = pycountry.countries.lookup(code)
    except LookupError:
        return " (use the two-letter code, e.g. MX)"
    return f" (did you mean {match.alpha_2}, {match.name}?)"


# Codes in common use that ISO 3166-1 leaves to users: Kosovo's XK (EU, IMF, Unicode CLDR).
USER_ASSIGNED = frozenset({"XK"})

# Larger than any figure a catalog holds (investments run to 10**11): beyond it, a typo, and
# floats lose whole units (int(1e300) is exact nowhere else in the code).
MAX_NUMBER = 1e15
_YAML_BOOL_HINT = " (quote it: YAML reads NO, no, yes, on, off as true/false)"


_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# An ISO 3166-1 alpha-2 code, or one extended by hyphenated upper-case parts (US-VA, AU-NSW-ACT).
_CODE_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})*$")


class Reader:
    """Checks records of one file against their specs, collecting problems."""

    def __init__(self, file: str, records: Mapping[str, Record] = RECORDS) -> None:
        self.file = file
        self.records = records  # the specs nested record types are looked up in
        self.problems: list[Problem] = []

    def add(self, line: int, id_: str, fld: str, msg: str) -> None:
        self.problems.append(Problem(self.file, line, id_, fld, msg))

    # ------------------------------------------------------------------ records

    def record(self, node: Any, spec: Record, *, line: int, id_: str, where: str) -> Clean | None:
        """Check a mapping against ``spec``; None (with a problem) if it is not a mapping."""
        if not isinstance(node, LineMap):
            self.add(line, id_, where, f"expected a mapping ({spec.name}), got {describe(node)}")
            return None
        own = node.get("id")
        if isinstance(own, str) and own.strip() and "id" in spec.names:
            id_ = own.strip()
        before = len(self.problems)
        for key, kline in node.duplicates:
            self.add(kline, id_, str(key), "key given twice (keep one)")
        for key in node:
            if not isinstance(key, str) or key not in spec.names:
                self.add(
                    node.line_of(str(key)),
                    id_,
                    spec.prefix + str(key),
                    self._unknown(str(key), spec),
                )
        clean = Clean({}, node.line, {str(k): v for k, v in node.key_lines.items()})
        for k in spec.keys:
            raw = node.get(k.name)
            kline = node.line_of(k.name)
            if raw is None:
                if k.required and not (k.nullable and k.name in node):
                    self.add(kline, id_, spec.prefix + k.name, self._missing(k))
                clean.values[k.name] = None
                continue
            clean.values[k.name] = self.value(raw, k, line=kline, id_=id_, prefix=spec.prefix)
        clean.ok = len(self.problems) == before
        return clean

    @staticmethod
    def _unknown(key: str, spec: Record) -> str:
        close = difflib.get_close_matches(key, spec.names, n=1, cutoff=0.7)
        if close:
            return f"unknown key (did you mean {close[0]!r}?)"
        return f"unknown key in a {spec.name} (allowed: {', '.join(spec.names)})"

    @staticmethod
    def _missing(k: Key) -> str:
        if k.name == "sources":
            return "missing: cite at least one URL"
        if k.type == "date":
            return "missing (required; write YYYY-MM-DD)"
        if k.nullable:
            return "missing (required; write null if it is not published)"
        return "missing (required)"

    # ------------------------------------------------------------------ values

    def value(self, raw: Any, k: Key, *, line: int, id_: str, prefix: str = "") -> Any:
        """A checked value of key ``k`` (None, with a problem, if invalid)."""
        t, fld = k.type, prefix + k.name
        if t.startswith("list of "):
            return self._list(raw, k, t.removeprefix("list of "), line=line, id_=id_, fld=fld)
        if t.startswith("map of "):
            return self._map(raw, k, t.removeprefix("map of "), line=line, fld=fld)
        if t in self.records:
            return self.record(raw, self.records[t], line=line, id_=id_, where=fld)
        return self.scalar(raw, t, k.choices, line=line, id_=id_, fld=fld)

    def _map(self, raw: Any, k: Key, inner: str, *, line: int, fld: str) -> dict[str, Any]:
        """A mapping from names (``provider:region``, a provider id, ...) to values of type
        ``inner``; each entry's problems name its key as the record id. Entries with problems
        are left out."""
        if not isinstance(raw, LineMap):
            self.add(line, "-", fld, f"expected a mapping, got {describe(raw)}")
            return {}
        for key, kline in raw.duplicates:
            self.add(kline, str(key), fld, "key given twice (keep one)")
        out: dict[str, Any] = {}
        for key, item in raw.items():
            name = key.strip() if isinstance(key, str) else ""
            kline = raw.line_of(str(key))
            if not name or has_control(name):
                self.add(kline, "-", fld, f"{describe(key)} is not a usable key")
                continue
            before = len(self.problems)
            value = self.value(item, Key(k.name, inner, k.doc), line=kline, id_=name)
            if value is not None and len(self.problems) == before:
                out[name] = value
        return out

    def _list(self, raw: Any, k: Key, inner: str, *, line: int, id_: str, fld: str) -> list[Any]:
        if not isinstance(raw, list):
            self.add(line, id_, fld, f"expected a list, got {describe(raw)}")
            return []
        if inner == "source" and not raw and k.required:
            self.add(line, id_, fld, "missing: cite at least one URL")
        out = []
        for item in raw:
            if inner in self.records:
                clean = self.record(item, self.records[inner], line=line, id_=id_, where=fld)
                if clean is not None and clean.ok:
                    out.append(clean)
            else:
                value = self.scalar(item, inner, k.choices, line=line, id_=id_, fld=fld)
                if value is not None:
                    out.append(value)
        return out

    def scalar(
        self, raw: Any, t: str, choices: tuple[str, ...], *, line: int, id_: str, fld: str
    ) -> Any:
        add = self.add
        if t in (
            "line",
            "text",
            "id",
            "url",
            "country",
            "currency",
            "enum",
            "kind",
            "color",
            "code",
        ):
            if not isinstance(raw, str) or not raw.strip():
                hint = _YAML_BOOL_HINT if isinstance(raw, bool) else ""
                add(line, id_, fld, f"expected non-empty text, got {describe(raw)}{hint}")
                return None
            text = raw.strip()
            bad = has_control(text, newlines=t == "text")
            if bad:
                add(line, id_, fld, f"contains the {char_kind(bad)} character {bad}; remove it")
                return None
            return self._text(text, t, choices or ENUMS.get(t, ()), line=line, id_=id_, fld=fld)
        if t == "date":
            try:
                return parse_date(raw)
            except ValueError as exc:
                add(line, id_, fld, str(exc))
                return None
        if t == "year":
            if isinstance(raw, bool) or not isinstance(raw, int) or not 1900 <= raw <= 2199:
                add(line, id_, fld, f"expected a year (1900..2199), got {describe(raw)}")
                return None
            return raw
        if t == "share":
            if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 1:
                add(
                    line,
                    id_,
                    fld,
                    f"expected a fraction from 0 to 1 (0.25 = 25%), got {describe(raw)}",
                )
                return None
            return float(raw)
        if t in ("int", "count"):
            if isinstance(raw, bool) or not isinstance(raw, int) or (t == "count" and raw < 0):
                what = "a whole number (0 or more)" if t == "count" else "a whole number"
                add(line, id_, fld, f"expected {what}, got {describe(raw)}")
                return None
            return raw
        if t in ("number", "amount", "lat", "lon"):
            if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
                add(line, id_, fld, f"expected a number, got {describe(raw)}")
                return None
            if not math.isfinite(raw):
                add(line, id_, fld, f"expected a finite number, got {describe(raw)}")
                return None
            if abs(raw) > MAX_NUMBER:
                add(
                    line,
                    id_,
                    fld,
                    f"{describe(raw)} is larger than any real figure (over 10^15); a typo?",
                )
                return None
            if t == "amount" and raw <= 0:
                add(line, id_, fld, f"expected an amount greater than 0, got {describe(raw)}")
                return None
            return float(raw)
        if t == "bool":
            if not isinstance(raw, bool):
                add(line, id_, fld, f"expected true or false, got {describe(raw)}")
                return None
            return raw
        if t == "zonecount":
            if raw == "unknown":
                return raw
            if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_ZONES:
                add(
                    line,
                    id_,
                    fld,
                    f"expected a whole number (0..{MAX_ZONES}) or unknown, got {describe(raw)}",
                )
                return None
            return raw
        if t == "total":
            total = parse_total(raw)
            if total is None:
                add(line, id_, fld, f'expected a whole number or "N+", got {describe(raw)}')
            return total
        raise AssertionError(f"unknown type {t!r} in cloudmap.schema")

    def _text(
        self, text: str, t: str, choices: tuple[str, ...], *, line: int, id_: str, fld: str
    ) -> str | None:
        add = self.add
        if t == "id" and not ID_RE.match(text):
            add(line, id_, fld, f"{text!r}: {ID_HINT}")
            return None
        if t == "code" and not _CODE_RE.match(text):
            add(
                line,
                id_,
                fld,
                f"{text!r} is not a code (ISO 3166 letters, e.g. FR, US-VA, AU-NSW-ACT)",
            )
            return None
        if t == "color" and not _COLOR_RE.match(text):
            add(line, id_, fld, f"{text!r} is not a colour; write #rrggbb (e.g. #ff6a00)")
            return None
        if t == "url":
            why = check_url(text)
            if why:
                add(line, id_, fld, why)
                return None
        if t == "country" and (
            text != text.upper()
            or (pycountry.countries.get(alpha_2=text) is None and text not in USER_ASSIGNED)
        ):
            add(line, id_, fld, f"{text!r} is not an ISO 3166-1 alpha-2 code{_country_hint(text)}")
            return None
        if t == "currency" and (
            text != text.upper() or pycountry.currencies.get(alpha_3=text) is None
        ):
            add(line, id_, fld, f"{text!r} is not an ISO 4217 currency code (e.g. CNY, USD)")
            return None
        if choices and text not in choices:
            add(line, id_, fld, f"{text!r} is not one of {', '.join(choices)}")
            return None
        return text
