"""cloudmap: a sourced, time-aware open map of cloud providers' physical footprint.

>>> import cloudmap
>>> project = cloudmap.load_project()          # validated catalog, countries, markets
>>> view = project.at("2025-05-15")            # the footprint that day (lead provider)
>>> view.regions()                             # a GeoDataFrame (EPSG:4326)
>>> view.map()                                 # a folium.Map
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from cloudmap.dates import PartialDate, parse_date
from cloudmap.errors import CloudmapError, Problem, ValidationError
from cloudmap.grid import GridData
from cloudmap.gridfacts import CarbonFigure, Jurisdiction, ProviderEnergy, RegionFilter, RegionGrid
from cloudmap.model import Announcement, Catalog, Market, Provider, Region, Site, Zone
from cloudmap.project import Project, View, load_project
from cloudmap.validate import load_catalog

try:
    __version__ = version("cloudmap")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "Announcement",
    "CarbonFigure",
    "Catalog",
    "CloudmapError",
    "GridData",
    "Jurisdiction",
    "Market",
    "PartialDate",
    "Problem",
    "Project",
    "Provider",
    "ProviderEnergy",
    "Region",
    "RegionFilter",
    "RegionGrid",
    "Site",
    "ValidationError",
    "View",
    "Zone",
    "__version__",
    "load_catalog",
    "load_project",
    "parse_date",
]
