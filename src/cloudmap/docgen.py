"""Regenerate the generated parts of the docs: ``python -m cloudmap.docgen``.

docs/catalog-format.md's field tables come from cloudmap.schema and cloudmap.gridschema, docs/exports.md's from
cloudmap.export.SCHEMA; tests fail when either is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(root: Path) -> list[str]:
    from cloudmap import gridschema, schema
    from cloudmap.export import update_doc

    out = []
    for rel, update in (
        ("docs/catalog-format.md", schema.update_doc),
        ("docs/catalog-format.md", gridschema.update_doc),
        ("docs/exports.md", update_doc),
    ):
        changed = update(root / rel)
        out.append(f"{rel}: {'updated' if changed else 'up to date'}")
    return out


if __name__ == "__main__":
    for line in main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()):
        print(line)
