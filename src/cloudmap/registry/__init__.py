"""Registry packages as evidence: each provider's machine-readable region list, read from the
pinned or newest release of a package on PyPI, compared with the catalog (`cloudmap
check-registry`)."""

from __future__ import annotations

__all__ = [
    "Change",
    "Evidence",
    "Package",
    "ProviderReport",
    "RegionTable",
    "RegistryRegion",
    "RegistryReport",
    "TableDiff",
    "check_registry",
    "diff_tables",
    "download_latest",
    "read_table",
    "wheels_in",
]

from cloudmap.registry.check import (
    Change,
    Evidence,
    ProviderReport,
    RegistryReport,
    TableDiff,
    check_registry,
    diff_tables,
)
from cloudmap.registry.packages import Package, download_latest, wheels_in
from cloudmap.registry.tables import RegionTable, RegistryRegion, read_table
