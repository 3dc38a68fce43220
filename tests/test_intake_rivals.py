"""Intake for every provider: whose facts are whose, goals as targets, CJK counters, sub-national
names that look like countries, and languages cloudmap does not read."""

from __future__ import annotations

import pytest

from cloudmap.intake import extract
from cloudmap.intake.places import find_places


def _places(text: str, lang: str = "en") -> list[tuple[str, str | None]]:
    return [(p.country, p.city) for p in find_places(text, lang)]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("The new data centre is in Atlanta, Georgia.", "en", [("US", "Atlanta"), ("US", None)]),
        ("It builds in the US state of Georgia.", "en", [("US", None)]),
        ("It builds in Georgia, US.", "en", [("US", None)]),
        (
            "A region in Tbilisi, Georgia, the Caucasus country.",
            "en",
            [("GE", "Tbilisi"), ("GE", None)],
        ),
        ("Data centres in New Mexico and New Jersey.", "en", [("US", None), ("US", None)]),
        ("A campus in Northern Ireland.", "en", [("GB", None)]),
        ("A region in Hong Kong SAR, China.", "en", [("HK", None), ("CN", None)]),
        ("アトランタ（ジョージア州）にデータセンター", "ja", [("US", "Atlanta"), ("US", None)]),
        ("애틀랜타(조지아주)에 데이터센터", "ko", [("US", "Atlanta"), ("US", None)]),
    ],
)
def test_sub_national_names_are_never_read_as_countries(text, lang, want):
    assert _places(text, lang) == want


def test_a_providers_name_is_never_a_place():
    """GeoNames lists "Google" as a former name of Topeka, Kansas."""
    ex = extract("Google Cloud opened a data centre in Mexico.", provider="google-cloud")
    assert [(s.country, s.city) for s in ex.sites] == [("MX", None)]


def test_facts_about_rivals_are_kept_apart():
    text = (
        "Alibaba Cloud opens a region in Mexico\n\nAlibaba Cloud opened a region in Mexico, "
        "bringing its footprint to 87 zones in 29 regions worldwide. Rival AWS, which runs 114 "
        "zones in 36 regions worldwide, plans a region in Chile."
    )
    ex = extract(text, title="Alibaba Cloud opens a region in Mexico")
    assert (ex.provider, ex.regions, ex.zones) == ("alibaba-cloud", 29, 87)
    assert [(s.country, s.event) for s in ex.sites] == [("MX", "opened")]
    (aws,) = ex.others
    assert (aws.provider, aws.regions, aws.zones) == ("aws", 36, 114)
    assert [(s.country, s.event) for s in aws.sites] == [("CL", "planned")]


def test_the_article_is_about_the_provider_its_title_names():
    ex = extract(
        "AWS opens in New Zealand\n\nAmazon Web Services opened its New Zealand region, "
        "with 120 Availability Zones in 38 regions worldwide."
    )
    assert (ex.provider, ex.regions, ex.zones) == ("aws", 38, 120)


@pytest.mark.parametrize(
    ("text", "regions", "zones", "target"),
    [
        (
            "Alibaba Cloud plans to expand its global footprint to 104 availability zones across 32 "
            "regions.",
            32,
            104,
            True,
        ),
        (
            "Alibaba Cloud now runs 87 zones in 29 regions worldwide and aims to reach 40 regions by "
            "2027.",
            29,
            87,
            False,
        ),
        ("阿里云计划到2027年将全球可用区扩展至120个、地域扩展至40个。", None, None, False),
        ("阿里云目标是在全球拥有40个地域、120个可用区。", 40, 120, True),
        ("알리바바 클라우드는 2027년까지 리전 40개, 가용 영역 120개를 목표로 한다.", 40, 120, True),
    ],
)
def test_goals_are_targets_and_a_count_of_today_wins(text, regions, zones, target):
    ex = extract(text)
    assert (ex.regions, ex.zones, ex.target) == (regions, zones, target)


@pytest.mark.parametrize(
    ("text", "regions", "zones"),
    [
        ("阿里云在全球29个地域运营87个可用区。", 29, 87),
        ("腾讯云覆盖全球26个地域、70个可用区。", 26, 70),
        ("AWS는 전 세계 리전 38개, 가용 영역 120개를 운영한다.", 38, 120),
        ("알리바바 클라우드는 전 세계 29곳의 리전과 87개의 가용 영역을 운영한다.", 29, 87),
        ("AWSは世界で38のリージョン、120のアベイラビリティーゾーンを運営する。", 38, 120),
        ("アリババクラウドは世界29か所のリージョンで87のゾーンを運営する。", 29, 87),
    ],
)
def test_totals_with_cjk_counters(text, regions, zones):
    ex = extract(text)
    assert (ex.regions, ex.zones) == (regions, zones)


def test_an_unsupported_language_is_named():
    ex = extract(
        "Alibaba Cloud eröffnet ein neues Rechenzentrum in Frankfurt und erweitert seine "
        "Präsenz in Europa auf drei Regionen mit sechs Verfügbarkeitszonen."
    )
    assert (ex.language, ex.unsupported) == (None, "German")
