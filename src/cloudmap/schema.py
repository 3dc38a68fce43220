"""The data contract: kinds, statuses, precisions, the CRS, and every catalog file's fields.

The record specs below are the single source of truth for the YAML formats of ``data/`` and
``seeds/``: ``cloudmap.reader`` validates files against them (unknown keys and wrong types are
errors) and ``docs/catalog-format.md``'s field tables are generated from them (``markdown``).
"""

from __future__ import annotations

__all__ = [
    "CRS",
    "ID_RE",
    "KINDS",
    "MAX_ZONES",
    "PRECISIONS",
    "RECORDS",
    "SHAPES",
    "STATUSES",
    "STATUS_LABELS",
    "Key",
    "PartialDate",
    "Record",
    "markdown",
    "parse_date",
    "update_doc",
]

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cloudmap.dates import PartialDate, parse_date

CRS = "EPSG:4326"

# region: a public region; local-region: a smaller region the provider lists as a region;
# partner-region: operated by a local partner under the provider's brand (AWS/Azure China,
# Alibaba's Riyadh); government: restricted public-sector regions (GovCloud); sovereign:
# sovereign-cloud regions; industry-cloud: finance/industry-only or joint-venture clouds.
KINDS = (
    "region",
    "local-region",
    "partner-region",
    "government",
    "sovereign",
    "industry-cloud",
)
PRECISIONS = ("facility", "metro", "admin-area", "country")
# Marker shapes the map can draw; each provider picks one (with a colour) in its file's `style`.
SHAPES = ("circle", "square", "diamond", "hexagon", "triangle", "pentagon", "star", "cross")
# Lifecycle status of a region or site as of a date, in display order. "expanded": live, not new,
# and a zone opened in the last 12 months (a new region and an expanded one are different news).
MAX_ZONES = 30  # more zones than any provider runs in one region: a typo, not data
STATUSES = ("new", "expanded", "live", "closing", "announced", "closed")
STATUS_LABELS = {
    "new": "Opened in the last 12 months",
    "expanded": "New zone in the last 12 months",
    "live": "Live",
    "closing": "Closing (closure announced)",
    "announced": "Announced",
    "closed": "Closed",
}
LIVE_STATUSES = frozenset({"new", "expanded", "live", "closing"})

# One id grammar for region, zone, site, market, provider and announcement ids.
ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
ID_HINT = "use lowercase letters, digits and hyphens (not at either end)"


# --------------------------------------------------------------------------- the specs


@dataclass(frozen=True)
class Key:
    """One key of a record.

    ``type`` is a value type (``line``: one line of text; ``text``: free text, newlines allowed;
    ``id``; ``url``; ``date``; ``country``: ISO 3166-1 alpha-2; ``currency``: ISO 4217; ``int``;
    ``count``: a whole number >= 0; ``number`` (finite); ``amount``: a number > 0; ``bool``; ``total``: a whole number or ``"N+"``;
    ``lat``; ``lon``; ``enum``), the name of another Record, or ``list of <type>``.
    """

    name: str
    type: str
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    nullable: bool = False  # required keys only: must be written, but may be null


@dataclass(frozen=True)
class Record:
    name: str
    doc: str
    keys: tuple[Key, ...]
    # How problems name a key of this record: "" (the key itself) or a prefix such as "claims."
    prefix: str = ""

    def key(self, name: str) -> Key | None:
        return next((k for k in self.keys if k.name == name), None)

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys)


_DATE = "`YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `<=DATE` (no later than); null if unknown"

SOURCE = Record(
    "source",
    "One source: a URL and what it supports.",
    (
        Key("url", "url", "http(s) URL (RFC 3986; no spaces, quotes or angle brackets)", True),
        Key("supports", "text", "what this source supports, in our own words", True),
    ),
)
LOCATION = Record(
    "location",
    "A point with its precision and where it comes from.",
    (
        Key("lat", "lat", "WGS84 latitude, decimal degrees (-90..90)", True),
        Key("lon", "lon", "WGS84 longitude, decimal degrees (-180..180)", True),
        Key("precision", "enum", "how precise the point is", True, PRECISIONS),
        Key("source", "line", "where the coordinates come from (GeoNames id, or a URL)", True),
    ),
)
ZONE = Record(
    "zone",
    "An availability zone of a region.",
    (
        Key("id", "id", "the provider's zone id: the region id + a 1-2 letter/digit suffix", True),
        Key(
            "opened",
            "date",
            f"when it opened: {_DATE} (null: with its region, or from the region's `zones_since`)",
        ),
        Key("closed", "date", f"when it closed: {_DATE}"),
        Key("notes", "text", "caveats and unknowns"),
    ),
)
EXCLUDE = Record(
    "exclusion",
    "A region the provider's own headline totals leave out.",
    (
        Key("region", "id", "region id", True),
        Key("reason", "text", "why (the evidence)", True),
    ),
    "counting.exclude.",
)
COUNTING = Record(
    "counting",
    'What the provider\'s headline totals ("N regions, M zones") count.',
    (
        Key("regions", "list of kind", "kinds counted as regions", True, KINDS),
        Key("zones", "list of kind", "kinds whose zones are counted", True, KINDS),
        Key("note", "text", "the rule in words, with its evidence", True),
        Key("exclude", "list of exclusion", "single regions the provider's totals leave out"),
    ),
    "counting.",
)
STYLE = Record(
    "style",
    "How the map and tables show a provider: no two providers may look alike.",
    (
        Key("short", "line", "short name where tables and marker labels have little room", True),
        Key("shape", "enum", "marker shape", True, SHAPES),
        Key("color", "color", "marker outline colour, `#rrggbb`", True),
    ),
    "style.",
)
PROVIDER = Record(
    "provider",
    "The provider a file describes.",
    (
        Key("id", "id", "provider id, e.g. `alibaba-cloud`", True),
        Key("name", "line", "display name", True),
        Key("style", "style", "how the map draws its regions", True),
        Key(
            "lead",
            "bool",
            "the lead provider: commands default to it and the map opens on it (when no "
            "provider is the lead, they default to every provider)",
        ),
        Key("reviewed", "date", "when the file was last checked against its sources"),
        Key("counting", "counting", "the counting rule of headline totals", True),
        Key("sources", "list of source", "sources for provider-level facts"),
    ),
)
REGION = Record(
    "region",
    "One region (or local, partner, government, sovereign or industry region).",
    (
        Key("id", "id", "the provider's region id", True),
        Key(
            "name",
            "line",
            "official English name, as in the provider's docs; null when none is published "
            "(readers then show the id)",
            True,
            nullable=True,
        ),
        Key(
            "city",
            "line",
            "city or metro it is named after or located in (GeoNames spelling); null when not "
            "disclosed",
            True,
            nullable=True,
        ),
        Key("country", "country", "ISO 3166-1 alpha-2 code (Hong Kong is HK)", True),
        Key("kind", "enum", "what kind of region", True, KINDS),
        Key("location", "location", "where it is", True),
        Key("announced", "date", f"when it was announced: {_DATE}"),
        Key("launched", "date", f"when it opened: {_DATE} (null: not launched)"),
        Key("closure_announced", "date", f"when its closure was announced: {_DATE}"),
        Key("closed", "date", f"first day without service: {_DATE}"),
        Key("zones", "list of zone", "its zones, where zone ids are public"),
        Key(
            "zone_count",
            "zonecount",
            f"number of zones when the ids are not public (0..{MAX_ZONES}; `unknown` when not "
            "published)",
        ),
        Key(
            "zones_since",
            "date",
            f"from when the zones without an `opened` date (or `zone_count`) are known to "
            f"exist: {_DATE}; before it the region's zone count is unknown (null: since launch)",
        ),
        Key("announcements", "list of id", "ids of `seeds/` records that report it"),
        Key("sources", "list of source", "a source for every non-obvious fact", True),
        Key("notes", "text", "caveats and unknowns"),
    ),
)
SITE = Record(
    "site",
    "An announced site (data centre) that has no region id yet.",
    (
        Key("id", "id", "stable slug, never reused, e.g. `br-2025`", True),
        Key("country", "country", "ISO 3166-1 alpha-2 code", True),
        Key("city", "line", "city, if announced"),
        Key("announced", "date", f"when it was announced: {_DATE}", True),
        Key("location", "location", "a point, if known (else drawn at the country's label point)"),
        Key("region", "id", "the region id it became, once known"),
        Key("announcements", "list of id", "ids of `seeds/` records that report it"),
        Key("sources", "list of source", "sources", True),
        Key("notes", "text", "caveats and unknowns"),
    ),
)
PROVIDER_FILE = Record(
    "provider file",
    "`data/<provider>.yaml`: one provider's regions and announced sites.",
    (
        Key("provider", "provider", "the provider", True),
        Key("regions", "list of region", "its regions"),
        Key("sites", "list of site", "announced sites without a region id"),
    ),
)
TOTALS = Record(
    "totals",
    "Headline totals as claimed.",
    (
        Key("regions", "total", 'regions claimed (a number, or `"N+"` for more than N)'),
        Key("zones", "total", "zones claimed"),
        Key("countries", "total", "countries claimed"),
    ),
    "claims.totals.",
)
PLACE = Record(
    "place",
    "A place an announcement names: a region (and zone), or a country (and city, site).",
    (
        Key("region", "id", "region id"),
        Key("zone", "id", "zone id"),
        Key("country", "country", "ISO 3166-1 alpha-2 code"),
        Key("city", "line", "city"),
        Key("site", "id", "id of a `sites:` record"),
    ),
    "claims.",
)
INVESTMENT = Record(
    "investment",
    "An investment figure.",
    (
        Key("amount", "amount", "the amount, in units of `currency`", True),
        Key("currency", "currency", "ISO 4217 code, e.g. CNY", True),
        Key("years", "count", "over how many years"),
        Key("usd", "amount", "the US dollar value the source gives, if any"),
        Key("note", "text", "what the figure covers"),
    ),
    "claims.investment.",
)
REVENUE = Record(
    "revenue",
    "A revenue figure.",
    (
        Key("segment", "line", "business segment", True),
        Key("period_end", "date", "last day of the period", True),
        Key("amount", "amount", "the amount", True),
        Key("currency", "currency", "ISO 4217 code", True),
        Key("yoy_growth", "number", "year-on-year growth as a fraction (0.18 = 18%)"),
    ),
    "claims.revenue.",
)
CLAIMS = Record(
    "claims",
    "Machine-readable claims of an announcement (every key optional).",
    (
        Key("as_of", "date", "the date the totals describe (default: the record's date)"),
        Key("totals", "totals", "headline footprint totals"),
        Key("target", "bool", "true: the totals are a target or plan, not a count"),
        Key("opened", "list of place", "regions/zones/sites opened"),
        Key("expanding", "list of place", "places getting more capacity"),
        Key("closing", "list of place", "closures announced"),
        Key("closed", "list of place", "regions/zones closed"),
        Key("planned", "list of place", "planned regions or data centres"),
        Key("markets", "list of line", "expansion markets named (defined in data/markets.yaml)"),
        Key("investment", "list of investment", "investment figures"),
        Key("revenue", "list of revenue", "revenue figures"),
    ),
    "claims.",
)
SEED = Record(
    "announcement",
    "`seeds/<id>.yaml`: one announcement (the evidence).",
    (
        Key("id", "id", "equals the file name without `.yaml`", True),
        Key("date", "date", f"when it was made: {_DATE}", True),
        Key("provider", "id", "provider id", True),
        Key("title", "line", "short title", True),
        Key("publisher", "line", "who made it"),
        Key("sources", "list of source", "where it is reported", True),
        Key("summary", "text", "a summary in our own words", True),
        Key("claims", "claims", "what it claims, machine-readable"),
        Key("notes", "text", "caveats, residuals, unknowns"),
    ),
)
MARKET = Record(
    "market",
    "An expansion market, as an explicit list of countries.",
    (
        Key("id", "id", "market id", True),
        Key("name", "line", "the name announcements use", True),
        Key("definition", "text", "how the country list is defined", True),
        Key("m49", "line", "UN M49 code when the market is an M49 group, e.g. `'035'`"),
        Key("countries", "list of country", "ISO alpha-2 codes, sorted", True),
        Key("aliases", "list of line", "other names news uses for it (any language)"),
        Key("sources", "list of source", "sources for the definition", True),
        Key("notes", "text", "caveats"),
    ),
)
MARKETS_FILE = Record(
    "markets file",
    "`data/markets.yaml`: the markets announcements name.",
    (Key("markets", "list of market", "the markets", True),),
)

RECORDS: dict[str, Record] = {
    r.name: r
    for r in (
        SOURCE,
        LOCATION,
        ZONE,
        EXCLUDE,
        COUNTING,
        STYLE,
        PROVIDER,
        REGION,
        SITE,
        PROVIDER_FILE,
        TOTALS,
        PLACE,
        INVESTMENT,
        REVENUE,
        CLAIMS,
        SEED,
        MARKET,
        MARKETS_FILE,
    )
}
# "list of kind" and friends: element types that are a choice among constants.
ENUMS = {"kind": KINDS}


# --------------------------------------------------------------------------- docs


def _type_text(key: Key, records: Mapping[str, Record]) -> str:
    t = key.type
    if t.startswith("map of "):
        inner = Key(key.name, t.removeprefix("map of "), key.doc, choices=key.choices)
        return f"mapping of names to {_type_text(inner, records)}"
    if t.startswith("list of "):
        return f"list of {_type_name(t.removeprefix('list of '), records)}"
    if t == "enum":
        return " \\| ".join(f"`{c}`" for c in key.choices)
    return _type_name(t, records)


def _required_text(k: Key) -> str:
    if not k.required:
        return ""
    return "yes (may be null)" if k.nullable else "yes"


def _type_name(t: str, records: Mapping[str, Record]) -> str:
    if t in records:
        return f"[{t}](#{t.replace(' ', '-')})"
    return {
        "line": "text (one line)",
        "text": "text",
        "id": "id",
        "url": "URL",
        "date": "date",
        "country": "ISO alpha-2",
        "currency": "ISO 4217",
        "count": "whole number ≥ 0",
        "int": "whole number",
        "number": "number",
        "amount": "number > 0",
        "bool": "true/false",
        "total": 'whole number or "N+"',
        "zonecount": "whole number ≥ 0 or `unknown`",
        "lat": "number",
        "lon": "number",
        "kind": "kind",
        "code": "code (`FR`, `US-VA`)",
        "year": "year (1900..2199)",
        "share": "fraction 0..1",
    }.get(t, t)


DOC_BEGIN = "<!-- fields: generated from cloudmap.schema; do not edit by hand -->"
DOC_END = "<!-- end of generated fields -->"


def markdown(
    records: Mapping[str, Record] = RECORDS, begin: str = DOC_BEGIN, end: str = DOC_END
) -> str:
    """The field tables of every record, as Markdown (docs/catalog-format.md embeds them)."""
    out = [begin, ""]
    known = {**RECORDS, **records}  # record types link to their tables
    for rec in records.values():
        out += [f"### {rec.name}", "", rec.doc, "", "| key | type | required | meaning |"]
        out.append("|---|---|---|---|")
        for k in rec.keys:
            out.append(f"| `{k.name}` | {_type_text(k, known)} | {_required_text(k)} | {k.doc} |")
        out.append("")
    out.append(end)
    return "\n".join(out) + "\n"


def update_doc(
    path: Path,
    records: Mapping[str, Record] = RECORDS,
    begin: str = DOC_BEGIN,
    end: str = DOC_END,
) -> bool:
    """Rewrite the generated field tables in ``path`` (docs/catalog-format.md) between ``begin``
    and ``end``; True if changed."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(begin)
    _, sep2, tail = rest.partition(end)
    if not sep or not sep2:
        raise ValueError(f"{path}: markers {begin!r} ... {end!r} not found")
    new = head + markdown(records, begin, end).rstrip("\n") + tail
    if new != text:
        path.write_text(new, encoding="utf-8", newline="\n")
    return new != text
