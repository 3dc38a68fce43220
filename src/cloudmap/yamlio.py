"""Safe, fast YAML reading that remembers the line of every mapping and key (for file:line messages).

Catalog files are untrusted text: only plain data is built (PyYAML's safe loader), anchors and
aliases are refused (an alias chain can expand to gigabytes: "billion laughs"), nesting is
bounded before a tree is built (a document 30,000 levels deep would crash the process), files
are capped in size, and dates stay text for cloudmap.dates to read.
"""

from __future__ import annotations

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "LineMap",
    "load_yaml",
    "parse_yaml",
    "read_regular",
    "read_text",
]

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from cloudmap.errors import Problem

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 64 * 1024 * 1024  # far above any real catalog file (10,000 synthetic sites: ~6 MB)
MAX_DEPTH = 64  # nesting levels; real catalog files have at most 6


class LineMap(dict):  # type: ignore[type-arg]
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(_Loader):  # type: ignore[misc]
    pass


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineMap:
    out = LineMap()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    out.duplicates = []
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(
                None, None, "merge keys (<<) are not allowed in catalog files", key_node.start_mark
            )
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be text", key_node.start_mark
            )
        line = key_node.start_mark.line + 1
        if key in out:
            out.duplicates.append((str(key), line))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = line
    return out


_PLAIN_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_PLAIN_FLOAT = re.compile(
    r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)


class _Refused(yaml.constructor.ConstructorError):
    """Valid YAML that catalog files refuse (reported as it is, not as a syntax error)."""


def _plain_number(loader: Any, node: yaml.ScalarNode, plain: re.Pattern[str], read: Any) -> Any:
    """A number YAML 1.1 reads the way it is written; a number in a form it reads otherwise
    (a leading 0 is octal: ``010`` is 8; ``0x``, ``0b``, ``1_000``, base-60 ``1:30``) is refused
    with its line, so a count is never silently something else."""
    text = str(node.value)
    value = read(loader, node)
    if not plain.match(text):
        digits = text.lstrip("+-").lower()
        why = (
            "0x means hexadecimal"
            if digits.startswith("0x")
            else "0b means binary"
            if digits.startswith("0b")
            else "a colon counts in sixties"
            if ":" in digits
            else "underscores are dropped"
            if "_" in digits
            else "a leading 0 means octal"
        )
        raise _Refused(
            None,
            None,
            f"{text} is read by YAML as {value!r} ({why}); write the number in plain decimal "
            "digits, or quote it if it is text",
            node.start_mark,
        )
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(
    "tag:yaml.org,2002:int",
    lambda loader, node: _plain_number(
        loader, node, _PLAIN_INT, yaml.constructor.SafeConstructor.construct_yaml_int
    ),
)
_LineLoader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: _plain_number(
        loader, node, _PLAIN_FLOAT, yaml.constructor.SafeConstructor.construct_yaml_float
    ),
)
# Dates stay text: cloudmap.dates.parse_date reads them (and reports impossible ones properly).
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda _loader, node: node.value)


class _NotRegular(OSError):
    pass


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (default ``MAX_BYTES``).

    A folder, pipe, socket or device is refused before it is read (a pipe would block forever,
    ``/dev/zero`` would fill memory), and never more than ``limit + 1`` bytes are read, so a file
    that grows while it is read cannot exhaust memory either. Raises OSError (``_NotRegular``
    with a reader-facing message for the refusals).
    """
    limit = MAX_BYTES if limit is None else limit
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise _NotRegular("is a folder, not a file (remove it or rename it)")
    if not stat.S_ISREG(st.st_mode):
        raise _NotRegular("is not a regular file (a pipe, socket or device); remove it")
    if st.st_size > limit:
        raise _NotRegular(f"is larger than {limit // 2**20} MiB; not a catalog file")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between stat and open
            raise _NotRegular("is not a regular file (a pipe, socket or device); remove it")
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise _NotRegular(f"is larger than {limit // 2**20} MiB; not a catalog file")
    return raw


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or ``(None, [problem])`` saying why it cannot be read as UTF-8 text."""

    def fail(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(display, 1, "-", "file", message)]

    try:
        raw = read_regular(path)
    except _NotRegular as exc:
        return fail(str(exc))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return fail("is a symbolic link that loops (fix or remove the link)")
        return fail(f"cannot be read ({exc.strerror or exc})")
    if b"\0" in raw:
        return fail("is binary (it holds NUL bytes), not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return fail(f"not UTF-8 text ({exc.reason})")
    return text, []


# Files at least this large are parsed once per content (see cloudmap.cache): PyYAML builds the
# records in Python, which dominates the load of very large catalogs.
CACHE_MIN_BYTES = 32 * 1024
_MAP = "\u0000m"  # marks an encoded mapping (real mappings only ever become LineMaps)


def _encode(node: Any) -> Any:
    """A parsed tree as JSON data: mappings keep their line, key lines and duplicates."""
    if isinstance(node, LineMap):
        items = [[k, node.key_lines.get(str(k), node.line), _encode(v)] for k, v in node.items()]
        return {_MAP: [node.line, items, [list(d) for d in node.duplicates]]}
    if isinstance(node, list):
        return [_encode(x) for x in node]
    return node


def _decode(data: Any) -> Any:
    if isinstance(data, dict):
        line, items, dups = data[_MAP]
        out = LineMap()
        out.line = line
        out.key_lines = {}
        out.duplicates = [(str(k), int(n)) for k, n in dups]
        for k, kline, v in items:
            out[k] = _decode(v)
            out.key_lines[str(k)] = kline
        return out
    if isinstance(data, list):
        return [_decode(x) for x in data]
    return data


def load_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Read and parse ``path``; on any problem return ``(None, [problem])`` naming the line.

    A large file that parsed cleanly before comes from the disk cache (as JSON data)."""
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    if len(text) < CACHE_MIN_BYTES:
        return parse_yaml(text, display)
    import hashlib

    from cloudmap.cache import Entry, cached_value, code_key

    def store(parsed: tuple[Any, list[Problem]]) -> Entry | None:
        doc, found = parsed
        return None if found else Entry({"doc": _encode(doc)})  # problems: parsed afresh

    def load(e: Entry) -> tuple[Any, list[Problem]] | None:
        """A stored entry is used only if it decodes to a parse tree (else: a miss, rewritten)."""
        doc = _decode(e.meta["doc"])
        if not isinstance(doc, LineMap | list | str | int | float | bool | None):
            return None
        return doc, []

    key = f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}|yaml {yaml.__version__}|"
    key += code_key("cloudmap.yamlio")
    return cached_value("yaml", key, lambda: parse_yaml(text, display), store=store, load=load)


def _refused(text: str) -> tuple[int, str] | None:
    """The line and reason of the first construct catalog files refuse, found in one pass over
    the parser's events (libyaml's parser keeps its own stack, so any depth is safe to scan):
    an anchor or alias, or nesting deeper than MAX_DEPTH (building such a tree recurses once per
    level and crashes the process, SIGSEGV, before any Python error can be raised)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return _line(event), _ALIASES
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return _line(event), (
                    f"nested more than {MAX_DEPTH} levels deep (catalog files nest 6 at most); "
                    "flatten it"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return int(mark.line) + 1 if mark is not None else 1


_ALIASES = (
    "YAML anchors and aliases (&name, *name) are not allowed in catalog files; write the value "
    "out in full"
)


def parse_yaml(text: str, display: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text as a catalog file: plain data, no anchors or aliases."""
    try:
        refused = _refused(text)
        if refused is not None:
            return None, [Problem(display, refused[0], "-", "yaml", refused[1])]
        return yaml.load(text, Loader=_LineLoader), []
    except _Refused as exc:
        mark = exc.problem_mark
        return None, [Problem(display, mark.line + 1 if mark else 1, "-", "yaml", str(exc.problem))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(str(x) for x in (exc.problem, exc.context) if x)
        return None, [
            Problem(display, line, "-", "yaml", f"unparseable YAML: {what} (fix the syntax)")
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, "-", "yaml", f"unparseable YAML: {exc}")]
    except RecursionError:
        return None, [Problem(display, 1, "-", "yaml", "unparseable YAML: nested too deeply")]
