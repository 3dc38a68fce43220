"""Country names, flags and ISO codes: the one place cloudmap names a country."""

from __future__ import annotations

__all__ = ["country_name", "flag", "get_name", "iso3"]

import functools
import re

import pycountry

from cloudmap.errors import NotFound

# Names that read badly in a legend: pycountry's inverted or official forms.
_SHORT_NAMES = {
    "BN": "Brunei",
    "BQ": "Caribbean Netherlands",
    "CD": "DR Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "MF": "Saint Martin",
    "PS": "Palestine",
    "RU": "Russia",
    "SH": "Saint Helena",
    "SX": "Sint Maarten",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
    "XK": "Kosovo",  # user-assigned code (EU, IMF, Unicode CLDR); not in ISO 3166-1
}


def _normalise(cc: object) -> str:
    return cc.strip().upper() if isinstance(cc, str) else ""


@functools.cache
def country_name(cc: str) -> str:
    """A short English name for an ISO 3166-1 alpha-2 code (also Kosovo's user-assigned XK).

    The rule: a short form for names that are inverted or official ("Russia", "DR Congo"), else
    pycountry's ``common_name`` where it has one ("South Korea", "Taiwan", "Vietnam"), else
    pycountry's ``name``. Raises ``LookupError`` for anything else.
    """
    code = _normalise(cc)
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        raise NotFound(f"{cc!r} is not an ISO 3166-1 alpha-2 code")
    return str(getattr(country, "common_name", None) or country.name)


def get_name(cc: str, default: str | None = None) -> str | None:
    """country_name, or ``default`` for an unknown code (never raises)."""
    try:
        return country_name(cc)
    except LookupError:
        return default


@functools.cache
def iso3(cc: str) -> str | None:
    """The alpha-3 code of an alpha-2 code (``XKX`` for Kosovo), or None."""
    code = _normalise(cc)
    if code == "XK":
        return "XKX"
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return str(country.alpha_3) if country is not None else None


def flag(cc: str) -> str:
    """The flag emoji of a two-letter code: its letters as Unicode regional indicator symbols."""
    code = _normalise(cc)
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError(f"{cc!r} is not a two-letter country code")
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code)
