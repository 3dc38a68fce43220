"""The validation stage: run every check on data/ and seeds/, collect all problems, raise once."""

from __future__ import annotations

__all__ = ["load_validated"]

from pathlib import Path

from cloudmap.catalog import Catalog, load_catalog


def load_validated(root: Path, *, full: bool = True) -> Catalog:
    """Load the catalog under ``root``; ``full`` adds the gazetteer, spatial and market checks.

    Raises ``ValidationError`` listing every problem found (all stages, in file order).
    """
    if not full:
        return load_catalog(root)
    from cloudmap import gazetteer, world

    return load_catalog(
        root,
        extra_checks=[
            gazetteer.check_cities,
            lambda c: world.check_regions(c, root=root),
            lambda c: world.check_markets(root, c),
        ],
    )
