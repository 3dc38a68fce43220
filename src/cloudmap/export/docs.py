"""Generate the field tables of docs/exports.md from the export schema."""

from __future__ import annotations

from pathlib import Path

from cloudmap.errors import CloudmapError
from cloudmap.export.schema import CSV_EXTRA, SCHEMA, TITLES

DOC_BEGIN = "<!-- schema:begin (generated from cloudmap.export.SCHEMA; do not edit by hand) -->"
DOC_END = "<!-- schema:end -->"


def schema_markdown() -> str:
    """The per-layer field tables of docs/exports.md, generated from SCHEMA."""
    parts = []
    for name, fields in SCHEMA.items():
        parts.append(f"### `{name}`: {TITLES[name]}\n")
        parts.append("| field | type | meaning |")
        parts.append("|-------|------|---------|")
        parts += [f"| `{f.name}` | {f.type} | {f.doc} |" for f in fields]
        parts.append("")
    parts.append("### `regions.csv`: the `regions` fields, then\n")
    parts.append("| field | type | meaning |")
    parts.append("|-------|------|---------|")
    parts += [f"| `{f.name}` | {f.type} | {f.doc} |" for f in CSV_EXTRA]
    return "\n".join(parts)


def update_doc(path: Path) -> bool:
    """Rewrite the generated block of ``path`` (docs/exports.md); True if it changed."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(DOC_BEGIN)
    _, sep2, tail = rest.partition(DOC_END)
    if not sep or not sep2:
        raise CloudmapError(f"{path}: markers {DOC_BEGIN!r} ... {DOC_END!r} not found")
    new = f"{head}{DOC_BEGIN}\n\n{schema_markdown()}\n\n{DOC_END}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8", newline="\n")
    return new != text
