"""Fast YAML reading that remembers the line of every mapping and key (for file:line messages)."""

from __future__ import annotations

__all__ = ["LineMap", "load_yaml"]

import hashlib
from pathlib import Path
from typing import Any

import yaml

from cloudmap.errors import Problem

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineMap(dict):  # type: ignore[type-arg]
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(_Loader):  # type: ignore[misc,valid-type]
    pass


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    out = LineMap()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    out.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in out:
            out.duplicates.append((str(key), line))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = line
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text: cloudmap.schema.parse_date reads them (and reports impossible ones properly).
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)


# Files at least this large are parsed once per content (see cloudmap.cache): PyYAML builds the
# records in Python, which dominates builds of very large catalogs.
CACHE_MIN_BYTES = 32 * 1024


def load_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Parse ``path``; on a syntax error return ``(None, [problem])`` naming the line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display, 1, "-", "file", f"not UTF-8 text ({exc.reason})")]
    if len(raw) < CACHE_MIN_BYTES:
        return _parse(text, display)
    from cloudmap.cache import cached, code_key

    key = hashlib.sha256(raw).hexdigest() + code_key("cloudmap.yamlio") + display
    return cached("yaml", key, lambda: _parse(text, display))


def _parse(text: str, display: str) -> tuple[Any, list[Problem]]:
    try:
        return yaml.load(text, Loader=_LineLoader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(str(x) for x in (exc.problem, exc.context) if x)
        return None, [
            Problem(display, line, "-", "yaml", f"unparseable YAML: {what} (fix the syntax)")
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, "-", "yaml", f"unparseable YAML: {exc}")]
