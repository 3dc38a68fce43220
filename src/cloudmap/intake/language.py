"""Language identification over the seven intake languages with lingua (deterministic, offline)."""

from __future__ import annotations

__all__ = ["LANGUAGES", "SAMPLE_CHARS", "Lang", "detect_language", "unsupported_language"]

import threading
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from lingua import LanguageDetector

Lang = Literal["en", "fr", "es", "pt", "zh", "ja", "ko"]
LANGUAGES: tuple[Lang, ...] = ("en", "fr", "es", "pt", "zh", "ja", "ko")

# Languages news about cloud footprints is often written in that cloudmap does not read: an
# article in one of them is refused by name instead of being misread as its nearest neighbour.
OTHER_LANGUAGES = (
    "GERMAN",
    "ITALIAN",
    "DUTCH",
    "INDONESIAN",
    "MALAY",
    "TURKISH",
    "VIETNAMESE",
    "POLISH",
    "SWEDISH",
    "DANISH",
    "BOKMAL",
    "FINNISH",
    "CZECH",
    "ROMANIAN",
    "HUNGARIAN",
    "RUSSIAN",
    "UKRAINIAN",
    "ARABIC",
    "HEBREW",
    "THAI",
    "HINDI",
    "GREEK",
    "PERSIAN",
    "CATALAN",
)
UNSUPPORTED_CONFIDENCE = 0.95  # trigram-only models: only a clear answer counts
SAMPLE_CHARS = 8000  # language is decided on the first characters: linear work on long texts
MIN_LETTERS = 100  # below this, trigram statistics are noise: a short text is never refused

_lock = threading.Lock()
_detector: list[LanguageDetector] = []
_wide: list[LanguageDetector] = []


def _get() -> LanguageDetector:
    with _lock:
        if not _detector:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            langs = [
                Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGUAGES
            ]
            _detector.append(LanguageDetectorBuilder.from_languages(*langs).build())
        return _detector[0]


def detect_language(text: str) -> Lang | None:
    """ISO 639-1 code of the text's language among LANGUAGES, or None when it has no letters.

    Kana decide Japanese and Hangul Korean before any statistics (lingua's rules), so a Japanese
    text written mostly in kanji is not taken for Chinese; simplified and traditional Chinese are
    both ``zh``.
    """
    text = text[:SAMPLE_CHARS]
    if not any(c.isalpha() for c in text):
        return None
    found = _get().detect_language_of(text)
    if found is None:
        return None
    code = found.iso_code_639_1.name.lower()
    return code if code in LANGUAGES else None


def _get_wide() -> LanguageDetector:
    with _lock:
        if not _wide:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            langs = [
                Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGUAGES
            ] + [getattr(Language, name) for name in OTHER_LANGUAGES]
            # trigram models only: quick to load, and enough to tell a language apart by name
            _wide.append(
                LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
            )
        return _wide[0]


def unsupported_language(text: str) -> str | None:
    """The English name of the language ``text`` is written in when it is not one of LANGUAGES
    but one of the common others (German, Italian, Indonesian, Russian, Arabic, ...), decided
    with confidence; None otherwise (a supported language, or no clear answer)."""
    text = text[:SAMPLE_CHARS]
    if sum(1 for c in text if c.isalpha()) < MIN_LETTERS:
        return None
    values = _get_wide().compute_language_confidence_values(text)
    if not values:
        return None
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    if code in LANGUAGES or top.value < UNSUPPORTED_CONFIDENCE:
        return None
    return str(top.language.name).title()
