"""Money amounts in running text ("RMB 380 bn", "380 milliards de yuans", "3800亿元", "3800억 위안")."""

# Scale words come from CLDR's compact number formats (Babel): "milliard(s)", "mil millones",
# "bilhões", "亿", "億", "억", "조", ... Currencies are recognised by their ISO 4217 code, Babel's
# localised symbols and display names (singular and plural), and the short forms news use that
# CLDR lacks (NEWS_FORMS: "RMB", "yuan", "元", "위안", "dollars", "ドル", "달러", ...).

from __future__ import annotations

__all__ = ["NEWS_FORMS", "MoneyMention", "find_money", "parse_number"]

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

# News forms of currency names CLDR does not list (it has "yuan renminbi chinois", "中国人民元",
# "중국 위안화", "dollar des États-Unis"); bare "dollar" is read as the US dollar, as in news
# about cloud spending.
NEWS_FORMS: dict[str, tuple[str, ...]] = {
    "CNY": (
        "RMB",
        "Rmb",
        "yuan",
        "yuans",
        "yuanes",
        "renminbi",
        "元",
        "人民币",
        "人民幣",
        "人民元",
        "위안",
        "위안화",
        "人民币元",
    ),
    "USD": (
        "US$",
        "USD",
        "dollar",
        "dollars",
        "dólar",
        "dólares",
        "美元",
        "美金",
        "ドル",
        "米ドル",
        "달러",
        "미화",
    ),
    "EUR": ("euro", "euros", "欧元", "歐元", "ユーロ", "유로"),
}

# One Babel locale per language for symbols and names (regional locales would make "$" pesos).
_LOCALE = {"en": "en", "fr": "fr", "es": "es", "pt": "pt", "zh": "zh", "ja": "ja", "ko": "ko"}
_SCALE_LOCALES = {
    "en": ("en",),
    "fr": ("fr",),
    "es": ("es",),
    "pt": ("pt", "pt_PT"),
    "zh": ("zh", "zh_Hant"),
    "ja": ("ja",),
    "ko": ("ko",),
}
# Abbreviations common in English-language business news, absent from CLDR's "B"/"M".
_EN_SCALES = {
    "bn": 10**9,
    "billion": 10**9,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "tn": 10**12,
    "trillion": 10**12,
}

_NUMBER = r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"


@dataclass(frozen=True)
class MoneyMention:
    """An amount of money named at [start, end) of the text."""

    start: int
    end: int
    amount: Decimal
    currency: str  # ISO 4217


def parse_number(raw: str) -> Decimal | None:
    """A written number with any locale's separators: a separator followed by exactly three
    digits groups thousands, any other is the decimal mark ("380.000" = 380000 as in Spain,
    "52,7" = 52.7 as in France, "3,800" = 3800, "52.7" = 52.7)."""
    s = re.sub(r"[\u00a0\u202f ]", "", raw)
    seps = [c for c in s if c in ".,"]
    if not seps:
        return Decimal(s)
    groups = re.split(r"[.,]", s)
    if len(set(seps)) == 2:  # "1,234.5" / "1.234,5": the last mark is the decimal one
        head, _, tail = s.rpartition(seps[-1])
        return Decimal(re.sub(r"[.,]", "", head) + "." + tail)
    if all(len(g) == 3 for g in groups[1:]):
        return Decimal("".join(groups))
    if len(seps) == 1:
        return Decimal(groups[0] + "." + groups[1])
    return None


@functools.lru_cache(maxsize=16)
def _scales(lang: str) -> dict[str, int]:
    from babel import Locale

    out: dict[str, int] = {}
    for loc in _SCALE_LOCALES.get(lang, (lang,)):
        data = Locale.parse(loc)._data["compact_decimal_formats"]
        for style in ("long", "short"):
            if style not in data:
                continue
            for forms in data[style].values():
                for mag, pattern in forms.items():
                    zeros = pattern.pattern.count("0")
                    word = pattern.pattern.replace("0", "").replace("'", "").strip()
                    if not zeros or not word or word == "¤":
                        continue
                    out.setdefault(word, int(mag) // 10 ** (zeros - 1))
    if lang == "en":
        out.update(_EN_SCALES)
    return out


@functools.lru_cache(maxsize=16)
def _currencies(lang: str) -> dict[str, str]:
    """Written form -> ISO code (symbols case-sensitive, names folded to lower case)."""
    import pycountry
    from babel import Locale

    loc = Locale.parse(_LOCALE.get(lang, lang))
    extra = [Locale.parse("zh_Hant")] if lang == "zh" else []
    forms: dict[str, str] = {}
    for code, names in NEWS_FORMS.items():
        for n in names:
            forms.setdefault(n, code)
    codes = sorted(c.alpha_3 for c in pycountry.currencies)
    for locale in (loc, *extra):
        symbols = locale._data["currency_symbols"]
        plural = locale._data["currency_names_plural"]
        for code in codes:
            sym = symbols.get(code)
            # a symbol must carry a non-letter ("$", "US$", "R$", "€", "¥", "₩") or be CJK:
            # bare letters ("Le", "K", "R") are ordinary words next to numbers
            if sym and sym != code and any(not c.isalpha() or ord(c) > 0x2E80 for c in sym):
                forms.setdefault(sym, code)
            name = locale.currencies.get(code)
            if name:
                forms.setdefault(name.casefold(), code)
            if code in plural:
                for n in plural[code].values():
                    forms.setdefault(n.casefold(), code)
    for code in codes:
        forms.setdefault(code, code)
    return forms


@functools.lru_cache(maxsize=16)
def _regex(lang: str) -> re.Pattern[str]:
    def alt(words: list[str]) -> str:
        parts = []
        for w in sorted(set(words), key=len, reverse=True):
            e = re.escape(w)
            if w[0].isalpha() and not ord(w[0]) > 0x2E80:
                e = r"(?<![^\W\d_])" + e
            if w[-1].isalpha() and not ord(w[-1]) > 0x2E80:
                e = e + r"(?![^\W\d_])"
            parts.append(e)
        return "|".join(parts)

    cur = alt(list(_currencies(lang)))
    scales = _scales(lang)
    words = [w for w in scales if len(w) > 1 or ord(w) > 0x2E80]
    letters = [w for w in scales if len(w) == 1 and ord(w) < 0x2E80]
    scale = alt(words)
    if letters:
        scale = f"(?:{scale})|(?<=\\d)(?:{'|'.join(map(re.escape, letters))})(?![^\\W\\d_])"
    link = r"(?:\s?(?:de|d[’']|of|em)\s?)"
    return re.compile(
        rf"(?:(?P<pre>{cur})\s?)?(?P<num>{_NUMBER})(?:\s?(?P<scale>{scale}))?"
        rf"(?:{link}?\s?(?P<post>{cur}))?",
        re.IGNORECASE,
    )


def find_money(text: str, lang: str) -> list[MoneyMention]:
    """Amounts with a currency named before or after them, in order."""
    currencies = _currencies(lang)
    scales = _scales(lang)
    lowered = {k.casefold(): v for k, v in scales.items()}
    out: list[MoneyMention] = []
    for m in _regex(lang).finditer(text):
        tag = m.group("pre") or m.group("post")
        if not tag:
            continue
        code = currencies.get(tag) or currencies.get(tag.casefold()) or currencies.get(tag.upper())
        value = parse_number(m.group("num"))
        if code is None or value is None:
            continue
        if m.group("scale"):
            s = m.group("scale")
            value *= scales.get(s) or lowered.get(s.casefold()) or 1
        end = (
            m.end("post")
            if m.group("post")
            else m.end("scale")
            if m.group("scale")
            else m.end("num")
        )
        out.append(MoneyMention(m.start(), end, value, code))
    return out
