"""cloudmap: a sourced, time-aware open map of cloud providers' physical footprint."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from cloudmap.catalog import Catalog, Region, Site, load_catalog
from cloudmap.errors import CloudmapError, Problem, ValidationError
from cloudmap.schema import PartialDate, parse_date

try:
    __version__ = version("cloudmap")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "Catalog",
    "CloudmapError",
    "PartialDate",
    "Problem",
    "Region",
    "Site",
    "ValidationError",
    "__version__",
    "load_catalog",
    "parse_date",
]
