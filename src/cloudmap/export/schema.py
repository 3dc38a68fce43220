"""The export data contract: the layers, their fields and types, and how a value is written flat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shapely.geometry.base import BaseGeometry

LAYERS = ("regions", "sites", "countries", "markets")
DECIMALS = 6  # coordinate decimals (~0.1 m); RFC 7946 section 11.2 suggests 6 is plenty
LIST_SEPARATOR = ";"

# The field types of docs/exports.md (its type table says how each format writes them).
FieldType = Literal["string", "integer", "number", "boolean", "date", "string list"]
Value = str | int | float | bool | list[str] | None


# --------------------------------------------------------------------------- the schema


@dataclass(frozen=True)
class Field:
    """One property of a layer, as documented in docs/exports.md."""

    name: str
    type: FieldType
    doc: str


def _date_fields(name: str, what: str) -> tuple[Field, ...]:
    return (
        Field(name, "date", f"When {what}; null if unknown or not (yet) happened."),
        Field(
            f"{name}_precision",
            "string",
            f"Precision of `{name}`: `day`, `month` or `year`; null when `{name}` is null.",
        ),
        Field(
            f"{name}_qualifier",
            "string",
            f"`no later than` when only an upper bound of `{name}` is known, else null.",
        ),
    )


_AS_OF = Field("as_of", "date", "The export date: statuses and counts describe this day.")
_COUNTRY = (
    Field("country", "string", "ISO 3166-1 alpha-2 code (Hong Kong is `HK`)."),
    Field("country_iso3", "string", "ISO 3166-1 alpha-3 code."),
    Field(
        "country_name", "string", "Short English country name (`cloudmap.countries.country_name`)."
    ),
)
_PROVENANCE = (
    Field(
        "location_precision",
        "string",
        "How precise the point is: `facility`, `metro`, `admin-area` or `country`.",
    ),
    Field("location_source", "string", "Where the coordinates come from."),
    Field("announcements", "string list", "Ids of the `seeds/` records that report it."),
    Field("source_urls", "string list", "URLs of the sources cited for it."),
    Field("notes", "string", "Caveats and unknowns, or null."),
)

_CARBON = (
    Field(
        "carbon_g_per_kwh",
        "number",
        "The comparable grid carbon figure: the annual carbon intensity of the country's "
        "electricity (gCO2e/kWh, life-cycle), from the one dataset `data/grid.yaml` names "
        "`comparable` (Ember via Our World in Data), the same method everywhere: rank, filter "
        "and average by this column. Null when the dataset has no figure for the country.",
    ),
    Field("carbon_year", "integer", "The year `carbon_g_per_kwh` describes."),
    Field("carbon_dataset", "string", "The dataset of `carbon_g_per_kwh` (`ember-owid`)."),
)
_GRID = (
    Field(
        "grid_zone",
        "string",
        "The grid zone the region draws from: its country (ISO alpha-2), or a sub-national "
        "zone (`US-VA`, `CN-BJ`, `AU-VIC`, `CA-QC`) where `data/grid.yaml` splits the country; "
        "null when the evidence places it in none (`grid_zone_reason` says why).",
    ),
    Field("grid_zone_name", "string", "The zone's English name."),
    Field("grid_zone_reason", "string", "Why `grid_zone` is null, else null."),
    *_CARBON,
    Field(
        "grid_g_per_kwh",
        "number",
        "The finest figure known: the zone's own (a US state's, a Chinese province's) where it "
        "has one, else its country's (`grid_level`). Methods, gases and bases differ by dataset "
        "(`grid_method`, `grid_gas`, `grid_basis`): compare it only with figures of the same "
        "`grid_dataset`.",
    ),
    Field(
        "grid_level",
        "string",
        "`zone`: `grid_g_per_kwh` is the zone's own figure; `country`: the zone has none (or the "
        "region has no zone) and its country's stands in.",
    ),
    Field("grid_year", "integer", "The year `grid_g_per_kwh` describes."),
    Field(
        "grid_year_qualifier",
        "string",
        "`no later than` when only a bound of `grid_year` is known, else null.",
    ),
    Field("grid_method", "string", "`life-cycle` (upstream included) or `direct` (at the plants)."),
    Field("grid_gas", "string", "`CO2e` (all greenhouse gases) or `CO2` (carbon dioxide only)."),
    Field("grid_basis", "string", "`generation` in the zone, or `consumption` there."),
    Field("grid_dataset", "string", "Dataset id of `grid_g_per_kwh` (`data/grid.yaml`)."),
    Field("grid_source_url", "string", "Where that dataset is published."),
    Field(
        "provider_cfe_share",
        "number",
        "The provider's own carbon-free energy share for the region (0-1, as the provider "
        "counts it, its purchases included), for `provider_energy_year`; null if not published.",
    ),
    Field(
        "provider_grid_g_per_kwh",
        "number",
        "The grid intensity the provider states for the region (not a grid dataset's figure).",
    ),
    Field(
        "provider_energy_year",
        "integer",
        "The year of the provider's figures: the latest before the year of `as_of`.",
    ),
    Field("provider_energy_method", "string", "Method of `provider_grid_g_per_kwh` that year."),
    Field("provider_energy_source_url", "string", "Where the provider publishes them."),
    Field(
        "operator",
        "string",
        "The company operating the region when it is not the provider itself (a local "
        "partner, a sovereign-cloud company); null when the provider runs it, or when the "
        "operator is unknown (`operator_unknown`).",
    ),
    Field(
        "operator_unknown",
        "string",
        "Why the operator is unknown (a partner no citable source names), else null.",
    ),
    Field(
        "partition",
        "string",
        "`commercial`, `government`, `china` or `sovereign` (`data/jurisdiction.yaml`).",
    ),
    Field(
        "jurisdictions",
        "string list",
        "ISO alpha-2 codes of the countries whose law governs the operator (where it and its "
        "controlling group are incorporated or headquartered) and of the host country.",
    ),
    Field(
        "jurisdictions_complete",
        "boolean",
        "False when the operator is unknown: other jurisdictions may apply.",
    ),
)

REGION_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "Stable feature id `<provider>:<region id>`."),
    Field("provider", "string", "Provider id, e.g. `alibaba-cloud`."),
    Field("region", "string", "The provider's region id, e.g. `na-south-1`."),
    Field(
        "name",
        "string",
        "Official English name, as in the provider's docs; null if none is published.",
    ),
    Field(
        "city",
        "string",
        "City or metro the region is named after or located in; null if not disclosed.",
    ),
    *_COUNTRY,
    Field(
        "kind",
        "string",
        "`region`, `local-region`, `partner-region`, `government`, `sovereign` or "
        "`industry-cloud` (docs/catalog-format.md).",
    ),
    Field(
        "counted",
        "boolean",
        "Whether it counts in its provider's headline region total (`provider.counting`): "
        "join the live, counted points to `countries` to get `live_regions`.",
    ),
    Field(
        "status",
        "string",
        "Status on `as_of`: `new` (opened in the last 12 months), `expanded` (a zone opened in "
        "the last 12 months), `live`, `closing` (closure announced), `announced` or `closed`.",
    ),
    Field("live_zones", "integer", "Number of zones live on `as_of`."),
    Field(
        "zones_known",
        "boolean",
        "False when the region's zone count on `as_of` is not published (`live_zones` is then "
        "a lower bound).",
    ),
    Field("live_zone_ids", "string list", "Ids of the zones live on `as_of`."),
    *_date_fields("announced", "the region was announced"),
    *_date_fields("launched", "the region launched"),
    *_date_fields("closure_announced", "its closure was announced"),
    *_date_fields("closed", "the region closed"),
    *_GRID,
    *_PROVENANCE,
    _AS_OF,
)

SITE_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "Stable feature id `<provider>:site:<site id>`."),
    Field("provider", "string", "Provider id."),
    Field("site", "string", "The site's slug in the catalog, e.g. `br-2025` (never reused)."),
    *_COUNTRY,
    Field("city", "string", "City, or null if not announced."),
    Field("status", "string", "Always `announced`."),
    *_date_fields("announced", "the site was announced"),
    Field(
        "region",
        "string",
        "Id of the region the site became, once known (not yet announced on `as_of`).",
    ),
    *_PROVENANCE[:2],
    *_PROVENANCE[2:],
    _AS_OF,
)
# A site without a location sits on its country's representative point with this source.
COUNTRY_POINT_SOURCE = "representative point of the country polygon (geo/countries-10m.geojson)"

COUNTRY_FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "string",
        "Stable feature id: the polygon's key (ISO alpha-3, or a slug for polygons "
        "without an ISO code such as `northern-cyprus`).",
    ),
    Field("iso_a2", "string", "ISO 3166-1 alpha-2 code, or null."),
    Field("iso_a3", "string", "ISO 3166-1 alpha-3 code, or null."),
    Field("iso_n3", "string", "ISO 3166-1 numeric code (three digits, as text), or null."),
    Field("name", "string", "Name of the polygon (Natural Earth)."),
    Field(
        "status",
        "string",
        "`hosts` (a live region), `target` (in a market named by an announcement by `as_of`), "
        "`both` or `neither`.",
    ),
    Field(
        "live_regions",
        "integer",
        "Regions live on `as_of` (counted by the provider's counting rules).",
    ),
    Field("live_zones", "integer", "Zones live on `as_of` (counted likewise)."),
    Field(
        "zones_known",
        "boolean",
        "False when a counted region there has no published zone count (a lower bound).",
    ),
    Field("first_launch", "date", "Earliest launch of a counted region there, by `as_of`."),
    Field("markets", "string list", "Names of every market that lists the country."),
    Field(
        "target_markets",
        "string list",
        "Those markets named by an announcement dated on or before `as_of`.",
    ),
    Field(
        "population",
        "integer",
        "Population of its GeoNames cities of 15,000+ people (what coverage is measured on).",
    ),
    Field(
        "nearest_region",
        "string",
        "Live region nearest to the largest share of that population, or null.",
    ),
    Field("serving_share", "number", "That share (0-1)."),
    Field(
        "median_km",
        "integer",
        "Population-weighted median distance to the nearest live region (km).",
    ),
    Field(
        "rtt_est_ms",
        "number",
        "Population-weighted mean round-trip time to the nearest live region, estimated "
        "from distance (ms).",
    ),
    Field(
        "rtt_band",
        "string",
        "`rtt_est_ms` as a map-shading band: `≤20 ms`, `20–50 ms`, `50–100 ms`, "
        "`100–200 ms`, `>200 ms` or `no data`.",
    ),
    Field("share_20ms", "number", "Share (0-1) of the population within an estimated 20 ms."),
    Field("share_50ms", "number", "Share within an estimated 50 ms."),
    Field("share_100ms", "number", "Share within an estimated 100 ms."),
    *_CARBON,
    _AS_OF,
)

MARKET_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "Stable feature id: the market id in `data/markets.yaml`."),
    Field("name", "string", "Market name as announcements use it, e.g. `Southeast Asia`."),
    Field("definition", "string", "How the market's country list was defined."),
    Field("countries", "string list", "ISO alpha-2 codes of its countries."),
    Field("countries_targeted", "integer", "Number of countries it lists."),
    Field("countries_hosting", "integer", "Of those, countries with a live region on `as_of`."),
    Field("live_regions", "integer", "Regions live there on `as_of` (counting rules applied)."),
    Field("live_zones", "integer", "Zones live there on `as_of`."),
    Field(
        "zones_known",
        "boolean",
        "False when a counted region there has no published zone count (a lower bound).",
    ),
    Field(
        "announcements",
        "string list",
        "Ids of `seeds/` records dated on or before `as_of` that name the market.",
    ),
    Field("source_urls", "string list", "URLs of the sources for its definition."),
    _AS_OF,
)

SCHEMA: dict[str, tuple[Field, ...]] = {
    "regions": REGION_FIELDS,
    "sites": SITE_FIELDS,
    "countries": COUNTRY_FIELDS,
    "markets": MARKET_FIELDS,
}
TITLES = {
    "regions": "one point per region, including announced, closing and closed ones",
    "sites": "announced sites (data centres) not yet in the `regions` layer",
    "countries": "country polygons with the provider's footprint and estimated coverage",
    "markets": "expansion markets, dissolved from their countries",
}
CSV_EXTRA = (
    Field("lon", "number", "Longitude, WGS84 decimal degrees."),
    Field("lat", "number", "Latitude, WGS84 decimal degrees."),
)


@dataclass(frozen=True)
class Feature:
    id: str
    properties: dict[str, Value]  # schema order
    geometry: BaseGeometry
    geometry_json: str | None = None  # the GeoJSON geometry text, when cached


@dataclass(frozen=True)
class Layer:
    name: str
    fields: tuple[Field, ...]
    features: tuple[Feature, ...]
    geometry_type: Literal["Point", "MultiPolygon"]


# --------------------------------------------------------------------------- checking features


_PY_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "string": (str,),
    "integer": (int,),
    "number": (float,),
    "date": (str,),
    "string list": (list,),
}


def check_layer(layer: Layer) -> None:
    """Every feature has exactly the schema's properties, typed as the schema says."""
    names = [f.name for f in layer.fields]
    for feat in layer.features:
        if list(feat.properties) != names:
            raise TypeError(
                f"{layer.name} {feat.id}: properties {list(feat.properties)} != schema {names}"
            )
        for fld in layer.fields:
            v = feat.properties[fld.name]
            if v is None and fld.type != "string list":
                continue
            if (isinstance(v, bool) != (fld.type == "boolean")) or not isinstance(
                v, _PY_TYPES[fld.type]
            ):
                raise TypeError(f"{layer.name} {feat.id}: {fld.name}={v!r} is not {fld.type}")
            if fld.type == "string list" and not all(isinstance(x, str) for x in v):  # type: ignore[union-attr]
                raise TypeError(f"{layer.name} {feat.id}: {fld.name}={v!r} is not {fld.type}")


# --------------------------------------------------------------------------- flat values


def flat_value(value: Value) -> str | int | float | None:
    """A value for a format without lists: lists are `;`-joined (a `;` inside an item is
    written %3B, as in a URL)."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(x.replace(";", "%3B") for x in value)
    return value


def cell_text(value: Value) -> str:
    v = flat_value(value)
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)
