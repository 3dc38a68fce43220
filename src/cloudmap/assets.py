"""The map's front-end assets: their CDN URLs and their pinned npm copies in node_modules/."""

from __future__ import annotations

__all__ = [
    "ASSETS",
    "Asset",
    "asset_url",
    "find_node_modules",
    "inline",
    "inline_url",
    "local_path",
]

import base64
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cloudmap.errors import CloudmapError

CDN = "https://cdn.jsdelivr.net/npm/"
NODE_MODULES_ENV = "CLOUDMAP_NODE_MODULES"


@dataclass(frozen=True)
class Asset:
    """One JS or CSS file of an npm package, pinned to the version in package.json."""

    package: str
    version: str
    path: str  # inside the package

    @property
    def kind(self) -> str:
        return "css" if self.path.endswith(".css") else "js"

    @property
    def url(self) -> str:
        """The CDN URL (jsDelivr mirrors the npm registry file for file)."""
        return f"{CDN}{self.package}@{self.version}/{self.path}"


# In load order. The versions are the ones folium 0.20 loads; package.json pins the same.
ASSETS: tuple[Asset, ...] = (
    Asset("leaflet", "1.9.3", "dist/leaflet.css"),
    Asset("leaflet", "1.9.3", "dist/leaflet.js"),
    Asset("leaflet.markercluster", "1.1.0", "dist/MarkerCluster.css"),
    Asset("leaflet.markercluster", "1.1.0", "dist/leaflet.markercluster.js"),
    Asset("leaflet.fullscreen", "3.0.0", "Control.FullScreen.css"),
    Asset("leaflet.fullscreen", "3.0.0", "Control.FullScreen.js"),
    Asset("leaflet-minimap", "3.6.1", "dist/Control.MiniMap.min.css"),
    Asset("leaflet-minimap", "3.6.1", "dist/Control.MiniMap.min.js"),
)

VERSIONS = {a.package: a.version for a in ASSETS}


def asset_url(package: str, path: str) -> str:
    """The CDN URL of a file of one of the pinned packages (``VERSIONS``)."""
    return Asset(package, VERSIONS[package], path).url


_URL_RE = re.compile(r"^https://cdn\.jsdelivr\.net/npm/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)$")
_CSS_URL_RE = re.compile(r"url\((['\"]?)(?!data:|#|https?:)([^)'\"]+)\1\)")


def find_node_modules(*candidates: Path | None) -> Path | None:
    """The first folder holding the pinned packages: $CLOUDMAP_NODE_MODULES, then each
    candidate's node_modules/, then ./node_modules; None when none has them."""
    env = os.environ.get(NODE_MODULES_ENV)
    options = [Path(env)] if env else []
    options += [c / "node_modules" for c in candidates if c is not None]
    options.append(Path.cwd() / "node_modules")
    for folder in options:
        if all((folder / a.package / a.path).is_file() for a in ASSETS):
            return folder
    return None


def local_path(url: str, node_modules: Path) -> Path | None:
    """The node_modules copy of a jsDelivr npm URL, or None if the URL is not one or the file
    is missing (used to serve CDN requests offline in tests and snapshots)."""
    m = _URL_RE.match(url.split("?", 1)[0].split("#", 1)[0])
    if m is None:
        return None
    package, _version, rel = m.groups()
    path = (node_modules / package / rel).resolve()
    base = (node_modules / package).resolve()
    if base not in path.parents or not path.is_file():
        return None
    return path


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_url(url: str, node_modules: Path | None) -> str:
    """The text of a CDN asset for inlining into a self-contained page, from ``node_modules``.
    Raises CloudmapError naming the fix when it cannot be had."""
    m = _URL_RE.match(url)
    if m is None:
        raise CloudmapError(
            f"a self-contained page inlines every script and style, and {url} is not a pinned "
            "npm package's file; remove the element that loads it"
        )
    package, version, rel = m.groups()
    return inline(Asset(package, version, rel), node_modules)


def inline(asset: Asset, node_modules: Path | None) -> str:
    """The asset's text for inlining: CSS with its images as data: URIs; never contains a
    closing </script> or </style> tag. Raises CloudmapError naming the fix if it is missing."""
    if node_modules is None:
        raise CloudmapError(
            f"a self-contained page inlines the front-end assets from node_modules/ ({asset.package} "
            f"{asset.version} not found): run npm ci in the project folder, or set "
            f"{NODE_MODULES_ENV}=/path/to/node_modules"
        )
    path = node_modules / asset.package / asset.path
    if not path.is_file():
        raise CloudmapError(
            f"a self-contained page needs {path} ({asset.package} {asset.version}): run npm ci"
        )
    text = path.read_text(encoding="utf-8")
    if asset.kind == "css":
        folder = path.parent

        def repl(m: re.Match[str]) -> str:
            ref = folder / m.group(2)
            return f"url({_data_uri(ref)})" if ref.is_file() else m.group(0)

        text = _CSS_URL_RE.sub(repl, text)
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)
