"""The validation stage: run every check on data/ and seeds/, collect all problems, raise once."""

from __future__ import annotations

__all__ = ["load_validated"]

from pathlib import Path

from cloudmap.catalog import Catalog, load_catalog


def load_validated(root: Path, *, full: bool = True) -> Catalog:
    """Load the catalog under ``root``; ``full`` adds the gazetteer and spatial checks.

    Raises ``ValidationError`` listing every problem found.
    """
    from cloudmap import gazetteer

    checks = [gazetteer.check_cities] if full else []
    return load_catalog(root, extra_checks=checks)
