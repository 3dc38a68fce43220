"""extract(): the JSON contract and each extractor on the local forms of the brief."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from cloudmap.intake import Extraction, MarketName, detect_language, extract
from cloudmap.intake.money import find_money, parse_number
from cloudmap.intake.places import find_places

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "intake_quality", REPO / "bench" / "intake_quality.py"
)
assert _spec and _spec.loader
bench = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("intake_quality", bench)
_spec.loader.exec_module(bench)
MARKETS = bench.markets()


def test_json_has_exactly_the_stable_keys():
    out = extract("Alibaba Cloud opened a second data centre in Dubai.", markets=MARKETS).to_json()
    assert list(out) == [
        "language",
        "date",
        "claims",
        "sites",
        "investment",
        "markets",
        "others",
        "provider",
    ]
    assert list(out["claims"]) == ["regions", "zones", "target"]
    assert out["sites"] == [{"country": "AE", "city": "Dubai", "event": "opened"}]


def test_extraction_is_frozen_and_options_are_keyword_only():
    e = extract("Nothing here.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.language = "fr"  # type: ignore[misc]
    with pytest.raises(TypeError):
        extract("text", "title")  # type: ignore[misc]


def test_empty_or_letterless_text_gives_nulls_and_the_fallback_date():
    e = extract("  2025 — 123 ", fallback_date=dt.date(2025, 1, 2))
    assert e == Extraction(None, dt.date(2025, 1, 2), None, None, (), (), ())


def test_deterministic():
    text = (REPO / "tests/fixtures/intake/corpus/en/02-apsara-2025.md").read_text(encoding="utf-8")
    assert extract(text, markets=MARKETS).to_json() == extract(text, markets=MARKETS).to_json()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Alibaba Cloud a ouvert un centre de données à Dubaï.", "fr"),
        ("Alibaba Cloud abrió un centro de datos en Dubái.", "es"),
        ("A Alibaba Cloud abriu um centro de dados em Dubai.", "pt"),
        ("阿里云在迪拜开设第二个数据中心。", "zh"),
        ("阿里雲在杜拜開設第二個資料中心。", "zh"),
        ("アリババクラウドはドバイに2つ目のデータセンターを開設した。", "ja"),
        ("東京と大阪のデータセンターを増設した。", "ja"),
        ("알리바바 클라우드가 두바이에 두 번째 데이터센터를 열었다.", "ko"),
        ("Alibaba Cloud opened a second data centre in Dubai.", "en"),
    ],
)
def test_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "regions", "zones"),
    [
        ("Le réseau compte 87 zones de disponibilité dans 29 régions.", 29, 87),
        ("La red suma 89 zonas de disponibilidad en 30 regiones.", 30, 89),
        ("현재 29개 지역에서 91개 가용 영역을 운영한다.", 29, 91),
        ("インフラは29リージョン、92アベイラビリティーゾーンとなった。", 29, 92),
        ("阿里云在全球拥有29个地域、92个可用区。", 29, 92),
        ("The network spans 91 availability zones in 29 regions.", 29, 91),
        ("阿里雲在全球擁有29個地域、92個可用區。", 29, 92),
        ("A rede soma 91 zonas de disponibilidade em 29 regiões.", 29, 91),
        ("The Paris region opened with 2 availability zones.", None, None),
        ("Worldwide, the company now runs 92 availability zones.", None, 92),
    ],
)
def test_headline_totals_in_every_local_form(text, regions, zones):
    e = extract(text)
    assert (e.regions, e.zones) == (regions, zones)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("380.000", "380000"),
        ("52,7", "52.7"),
        ("3,800", "3800"),
        ("52.7", "52.7"),
        ("1 000", "1000"),
        ("1,234.5", "1234.5"),
        ("1.234,5", "1234.5"),
        ("380", "380"),
    ],
)
def test_numbers_in_any_locale(raw, value):
    assert parse_number(raw) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Alibaba investira 380 milliards de yuans.", "fr"),
        ("Alibaba will invest RMB 380 bn.", "en"),
        ("阿里巴巴将投资3800亿元。", "zh"),
        ("알리바바는 3800억 위안을 투자한다.", "ko"),
        ("Alibaba invertirá 380.000 millones de yuanes.", "es"),
        ("Alibaba invertirá 380 mil millones de yuanes.", "es"),
        ("A Alibaba vai investir 380 bilhões de yuans.", "pt"),
        ("アリババは3800億元を投資する。", "ja"),
        ("阿里巴巴將投資3,800億元人民幣。", "zh"),
    ],
)
def test_investment_380_billion_yuan(text, lang):
    assert [(m.amount, m.currency) for m in find_money(text, lang)] == [
        (Decimal(380 * 10**9), "CNY")
    ]
    inv = extract(text).to_json()["investment"]
    assert inv == [{"amount": 380_000_000_000, "currency": "CNY", "converted": []}]


def test_conversion_is_attached_to_its_amount():
    e = extract(
        "Alibaba said it will invest more than RMB 380 bn (about US$53 bn) over three years."
    )
    assert e.to_json()["investment"] == [
        {
            "amount": 380_000_000_000,
            "currency": "CNY",
            "converted": [{"amount": 53_000_000_000, "currency": "USD"}],
        }
    ]
    e = extract("阿里巴巴将投资超过3800亿元（约合527亿美元）。")
    assert e.to_json()["investment"][0]["converted"] == [
        {"amount": 52_700_000_000, "currency": "USD"}
    ]


def test_revenue_is_not_investment():
    assert extract("Cloud revenue rose 18% to US$4.15 billion in the quarter.").investment == ()


@pytest.mark.parametrize(
    ("text", "lang", "country", "city"),
    [
        ("Alibaba ouvre un centre au Mexique.", "fr", "MX", None),
        ("Alibaba abre un centro en México.", "es", "MX", None),
        ("알리바바가 멕시코에 센터를 연다.", "ko", "MX", None),
        ("アリババがメキシコにセンターを開設。", "ja", "MX", None),
        ("阿里云在墨西哥开设数据中心。", "zh", "MX", None),
        ("Alibaba ouvre un centre à Dubaï.", "fr", "AE", "Dubai"),
        ("Alibaba abre un centro en Querétaro.", "es", "MX", "Santiago de Querétaro"),
        ("阿里雲在雪梨關閉地域。", "zh", "AU", "Sydney"),
        ("La región de Bombay cerrará.", "es", "IN", "Mumbai"),
    ],
)
def test_localised_places(text, lang, country, city):
    places = [(p.country, p.city) for p in find_places(text, lang)]
    assert (country, city) in places


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        (
            "Alibaba Cloud will close its regions in Sydney and Mumbai.",
            {("AU", "Sydney", "closing"), ("IN", "Mumbai", "closing")},
        ),
        ("Alibaba Cloud closed its Sydney region in 2024.", {("AU", "Sydney", "closed")}),
        ("Alibaba Cloud plans to open a data centre in Brazil.", {("BR", None, "planned")}),
        (
            "Alibaba Cloud will add capacity in Japan and Malaysia.",
            {("JP", None, "expanding"), ("MY", None, "expanding")},
        ),
        ("Alibaba Cloud opened a data centre in Dubai.", {("AE", "Dubai", "opened")}),
        (
            "At its summit held in Paris, Alibaba Cloud said it will open a region in Mexico.",
            {("MX", None, "planned")},
        ),
        ("Alibaba opened an office in Paris.", set()),
    ],
)
def test_site_events(text, sites):
    got = {(s.country, s.city, s.event) for s in extract(text, markets=MARKETS).sites}
    assert got == sites


def test_markets_named_as_markets_are_not_sites():
    e = extract(
        "Alibaba will build data centres across Japan, South Korea, Southeast Asia, the Middle East, Europe and the Americas.",
        markets=MARKETS,
    )
    assert e.sites == ()
    assert e.markets == (
        "Japan",
        "South Korea",
        "Southeast Asia",
        "Middle East",
        "Europe",
        "Americas",
    )


def test_market_names_are_localised_by_babel_and_aliases():
    assert extract("Alibaba renforce sa présence en Asie du Sud-Est.", markets=MARKETS).markets == (
        "Southeast Asia",
    )
    assert extract("阿里云在中东扩大布局。", markets=MARKETS).markets == ("Middle East",)
    assert extract("阿里云在中东扩大布局。", markets=()).markets == ()
    custom = [MarketName("Latin America", "419", ("MX", "BR"), ())]
    assert extract("Alibaba Cloud se expande en Latinoamérica.", markets=custom).markets == (
        "Latin America",
    )


def test_dates():
    assert extract("On Oct. 14, 2025, Alibaba Cloud opened a data centre.").date == dt.date(
        2025, 10, 14
    )
    assert extract(
        "In February 2025 Alibaba Cloud opened a region.", fallback_date=dt.date(2025, 3, 10)
    ).date == dt.date(2025, 3, 10)
    assert extract("In February 2025 Alibaba Cloud opened a region.").date is None
    assert extract(
        "アリババクラウドは2025年10月14日、ドバイでデータセンターを開設した。"
    ).date == dt.date(2025, 10, 14)
    assert extract("Alibaba", title="Le 24 février 2025, Alibaba annonce").date == dt.date(
        2025, 2, 24
    )
