"""Regenerate the field tables of the given docs: ``python -m cloudmap.export docs/exports.md``."""

from __future__ import annotations

import sys
from pathlib import Path

from cloudmap.export.docs import update_doc

for arg in sys.argv[1:]:
    print(f"{arg}: {'updated' if update_doc(Path(arg)) else 'up to date'}")
