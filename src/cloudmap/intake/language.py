"""Language identification over the seven intake languages with lingua (deterministic, offline)."""

from __future__ import annotations

__all__ = ["LANGUAGES", "Lang", "detect_language"]

import threading
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from lingua import LanguageDetector

Lang = Literal["en", "fr", "es", "pt", "zh", "ja", "ko"]
LANGUAGES: tuple[Lang, ...] = ("en", "fr", "es", "pt", "zh", "ja", "ko")

_lock = threading.Lock()
_detector: list[LanguageDetector] = []


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
    if not any(c.isalpha() for c in text):
        return None
    found = _get().detect_language_of(text)
    if found is None:
        return None
    code = found.iso_code_639_1.name.lower()
    return code if code in LANGUAGES else None
