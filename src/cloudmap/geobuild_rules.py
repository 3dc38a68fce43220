"""The ISO rules geobuild applies to Natural Earth's admin-0 features, per scale.

Every rule is documented, with its reason, in geo/README.md. A rule restricted to some scales
(``scales``) applies only there; geobuild checks that each rule applying to a scale is used.
"""

from __future__ import annotations

__all__ = ["ALL", "DE_JURE", "EMPTY", "MERGE", "NO_ID", "SPLITS", "BBox", "Code", "Split"]

from typing import NamedTuple

BBox = tuple[float, float, float, float]  # west, south, east, north
ALL = ("50m", "10m")


class Code(NamedTuple):
    """The codes and key of a feature world-atlas leaves without an ISO numeric id."""

    iso_a2: str | None
    iso_a3: str | None
    iso_n3: str | None
    key: str


class Split(NamedTuple):
    """Parts of ``owner`` (ISO alpha-2 or Natural Earth name) that ISO 3166-1 codes ``iso_a2``.

    A part is moved when its bounds lie inside one of ``boxes``; at each scale in ``scales`` the
    boxes must catch at least one part.
    """

    owner: str
    iso_a2: str
    name: str
    boxes: tuple[BBox, ...]
    scales: tuple[str, ...] = ALL


# Features world-atlas leaves without an ISO numeric id: their codes and key (a lowercase slug
# with no codes where ISO 3166-1 has no code of the territory's own and NE shows it apart from
# the country ISO counts it in), "split" (by part, see SPLITS), or an ISO alpha-2 code to merge
# the feature into (undisputed territory that the ISO 3166 agency counts as part of that code
# and that NE shows apart only as a separately administered dependency). Kosovo gets the
# user-assigned code XK/XKX used by the EU, the IMF and Unicode CLDR.
NO_ID: dict[str, Code | str] = {
    "Kosovo": Code("XK", "XKX", None, "XKX"),
    "N. Cyprus": Code(None, None, None, "northern-cyprus"),
    "Somaliland": Code(None, None, None, "somaliland"),
    "Siachen Glacier": Code(None, None, None, "siachen-glacier"),
    "Indian Ocean Ter.": "split",
    # 1:10m only (these are not separate features at 1:50m)
    "Akrotiri": Code(None, None, None, "akrotiri"),
    "Dhekelia": Code(None, None, None, "dhekelia"),
    "Cyprus U.N. Buffer Zone": Code(None, None, None, "cyprus-un-buffer-zone"),
    "Baikonur": Code(None, None, None, "baikonur"),
    "USNB Guantanamo Bay": Code(None, None, None, "guantanamo-bay"),
    "Spratly Is.": Code(None, None, None, "spratly-islands"),
    "Scarborough Reef": Code(None, None, None, "scarborough-reef"),
    "Serranilla Bank": Code(None, None, None, "serranilla-bank"),
    "Bajo Nuevo Bank": Code(None, None, None, "bajo-nuevo-bank"),
    "Clipperton I.": "FR",
    "Coral Sea Is.": "AU",
}

# Features merged into another feature with the same ISO code (world-atlas gives both id 036).
MERGE = {"Ashmore and Cartier Is.": "AU"}

# Natural Earth admin-0 parts that ISO 3166-1 codes separately.
SPLITS: tuple[Split, ...] = (
    Split("FR", "GF", "French Guiana", ((-55.0, 1.5, -51.0, 6.0),)),
    # east edge -60.9: at 1:10m La Désirade reaches -60.99
    Split("FR", "GP", "Guadeloupe", ((-62.0, 15.7, -60.9, 16.6),)),
    Split("FR", "MQ", "Martinique", ((-61.4, 14.3, -60.7, 15.0),)),
    Split("FR", "RE", "Réunion", ((55.0, -21.5, 56.0, -20.7),)),
    Split("FR", "YT", "Mayotte", ((44.9, -13.1, 45.4, -12.5),)),
    Split(
        "NL",
        "BQ",
        "Caribbean Netherlands",
        ((-68.5, 11.9, -68.0, 12.4), (-63.4, 17.4, -62.9, 17.7)),
    ),
    Split(
        "NO", "SJ", "Svalbard and Jan Mayen", ((-9.5, 70.5, -7.5, 71.5), (10.0, 74.0, 35.0, 81.0))
    ),
    Split("NO", "BV", "Bouvet I.", ((3.0, -54.7, 3.7, -54.2),), ("10m",)),  # not at 1:50m
    Split("NZ", "TK", "Tokelau", ((-173.0, -9.5, -171.0, -8.0),)),
    Split("Indian Ocean Ter.", "CX", "Christmas I.", ((105.4, -10.7, 105.9, -10.3),)),
    Split("Indian Ocean Ter.", "CC", "Cocos (Keeling) Is.", ((96.7, -12.3, 97.0, -12.0),)),
)

# Features left with no polygon at a scale: world-atlas's 1e5 quantization (about 400 m east-west)
# flattens them to a line. At 1:10m Vatican's ring (and Italy's hole for it) has no area, so the
# Vatican is inside Italy's polygon there. Any other empty feature is an error.
EMPTY: dict[str, frozenset[str]] = {"50m": frozenset(), "10m": frozenset({"Vatican"})}

# For the slug keys (no ISO code): the ISO 3166-1 codes a point there may be declared with. Not
# used by the build; the consumer side (world.DE_JURE) must agree for the 1:50m keys.
DE_JURE: dict[str, tuple[str, ...]] = {
    "XKX": ("RS",),
    "northern-cyprus": ("CY",),
    "somaliland": ("SO",),
    "siachen-glacier": ("IN", "PK"),
    "akrotiri": ("GB", "CY"),
    "dhekelia": ("GB", "CY"),
    "cyprus-un-buffer-zone": ("CY",),
    "baikonur": ("KZ",),
    "guantanamo-bay": ("CU",),
    "spratly-islands": ("BN", "CN", "MY", "PH", "TW", "VN"),
    "scarborough-reef": ("CN", "PH", "TW"),
    "serranilla-bank": ("CO",),
    "bajo-nuevo-bank": ("CO",),
}
