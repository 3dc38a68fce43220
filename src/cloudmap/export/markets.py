"""geo/markets-10m.geojson.gz: the catalog's markets dissolved from the 1:10m countries, committed.

Dissolving a market's countries (and writing its polygons on the export grid) is the slowest
step of a first build (about 1.9 of its 5 seconds), and its result depends only on
geo/countries-10m.geojson and the market's countries. So the result is committed next to the
country files, made by this module (``cloudmap geo markets``) and checked byte for byte by a
rebuild test. A build takes a market's polygons from here when the file was made from the very
same 1:10m file (its sha256) and lists the market's countries; otherwise (a market edited in
data/markets.yaml, a rebuilt countries file) it dissolves them itself, with the same result.

Format: a gzip-compressed (mtime 0) GeoJSON FeatureCollection, one feature a line, sorted by
``id`` (the market's ISO alpha-2 codes, sorted, joined by ``+``); each feature's geometry is the
exact GeoJSON text the exports write. A foreign member ``source`` names the countries file and
its sha256. GDAL reads it as ``/vsigzip/geo/markets-10m.geojson.gz``.
"""

from __future__ import annotations

__all__ = ["MARKETS_FILE", "committed_markets", "market_json", "rebuild_markets"]

import functools
import gzip
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cloudmap.geo import Countries

MARKETS_FILE = "geo/markets-10m.geojson.gz"
_FEATURE = re.compile(r'\{"type":"Feature","id":"([A-Z+]+)","properties":(\{[^{}]*\}),"geometry":')


def market_json(layer: Countries, codes: tuple[str, ...]) -> str:
    """The GeoJSON geometry text of the countries ``codes`` of ``layer``, dissolved, on the
    export grid (what the markets export writes)."""
    from cloudmap.export.geometry import dissolve, polygon_json

    parts = [layer.geoms[layer.rows_of[c]] for c in codes if c in layer.rows_of]
    return polygon_json(dissolve(parts), f"market {','.join(codes)}")


def _text(layer: Countries, digest: str, markets: Iterable[tuple[str, ...]]) -> str:
    head = json.dumps({"file": layer.file, "sha256": digest}, sort_keys=True)
    lines = []
    for codes in sorted(set(markets), key="+".join):
        props = json.dumps({"countries": list(codes)}, separators=(",", ":"))
        lines.append(
            f'{{"type":"Feature","id":"{"+".join(codes)}","properties":{props},'
            f'"geometry":{market_json(layer, codes)}}}'
        )
    return (
        f'{{"type":"FeatureCollection","source":{head},"features":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )


def rebuild_markets(root: Path, layer: Countries, markets: Iterable[tuple[str, ...]]) -> bytes:
    """The bytes of ``MARKETS_FILE`` for these markets (each a sorted tuple of ISO alpha-2
    codes) dissolved from ``layer`` (the project's 1:10m countries): the same on every run."""
    from cloudmap.cache import file_key

    digest = file_key(Path(root) / layer.file)
    return gzip.compress(_text(layer, digest, markets).encode("utf-8"), mtime=0)


def committed_markets(root: Path, layer: Countries) -> Mapping[tuple[str, ...], str]:
    """The geometry texts of ``MARKETS_FILE`` by sorted country codes, if it was made from
    ``layer``'s file as it is now; empty if it is missing, stale or not in this format (the
    markets are then dissolved afresh: the file only saves time)."""
    from cloudmap.cache import file_key

    try:
        path = Path(root) / MARKETS_FILE
        if not path.is_file():
            return {}
        return _read(str(path), path.stat().st_mtime_ns, file_key(Path(root) / layer.file))
    except (OSError, ValueError, EOFError, gzip.BadGzipFile):
        return {}


@functools.lru_cache(maxsize=4)
def _read(path: str, _mtime: int, digest: str) -> Mapping[tuple[str, ...], str]:
    lines = gzip.decompress(Path(path).read_bytes()).decode("utf-8").split("\n")
    head = json.loads(lines[0].removesuffix(',"features":[') + "}")
    if head.get("source", {}).get("sha256") != digest or lines[-2:] != ["]}", ""]:
        return {}
    out = {}
    for line in lines[1:-2]:
        m = _FEATURE.match(line)
        if m is None or not line.endswith(("},", "}")):
            raise ValueError("not a markets file")
        codes = tuple(m.group(1).split("+"))
        if json.loads(m.group(2)) != {"countries": list(codes)}:
            raise ValueError("not a markets file")
        out[codes] = line[m.end() : len(line) - (2 if line.endswith(",") else 1)]
    return out
