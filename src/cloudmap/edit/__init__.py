"""Edit data/ and seeds/ for the user: round-trip YAML that keeps comments, key order and style,
validate the whole project with the change in a private copy, then write all or nothing, one
edit at a time (under the project's edit lock)."""

from __future__ import annotations

__all__ = ["add_announcement", "add_region", "add_zone", "close_region", "update_region"]

from cloudmap.edit.announce import add_announcement
from cloudmap.edit.regions import add_region, add_zone, close_region, update_region
