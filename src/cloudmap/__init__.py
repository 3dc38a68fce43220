"""cloudmap: a sourced, time-aware open map of cloud providers' physical footprint.

>>> import cloudmap
>>> project = cloudmap.load_project()          # validated catalog, countries, markets
>>> project.regions("2025-05-15")              # a GeoDataFrame (EPSG:4326)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from cloudmap.catalog import load_catalog
from cloudmap.dates import PartialDate, parse_date
from cloudmap.errors import CloudmapError, Problem, ValidationError
from cloudmap.model import Announcement, Catalog, Market, Provider, Region, Site, Zone
from cloudmap.project import Project, load_project

try:
    __version__ = version("cloudmap")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "Announcement",
    "Catalog",
    "CloudmapError",
    "Market",
    "PartialDate",
    "Problem",
    "Project",
    "Provider",
    "Region",
    "Site",
    "ValidationError",
    "Zone",
    "__version__",
    "load_catalog",
    "load_project",
    "parse_date",
]
