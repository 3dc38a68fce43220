"""Cross-checks the Tencent Cloud catalog against the region and zone lists in Tencent's Python SDK."""

from __future__ import annotations

import inspect
import re
from functools import cache

import pytest

from cloudmap.catalog import Catalog
from cloudmap.validate import load_catalog
from conftest import REPO, need_package

# The lists live in the API documentation that Tencent's SDK ships as docstrings:
# - tencentcloud-sdk-python-waf: every field documented as "腾讯云标准地域格式" (Tencent Cloud
#   standard region format) enumerates the region ids after "枚举值" (enumerated values);
# - tencentcloud-sdk-python-cvm: the Zone field lists every zone after "全网可用区名称如下"
#   (zone names across the whole network).
# Pinned by the maintainer (see REPORT.md): tencentcloud-sdk-python-waf==3.1.191,
# tencentcloud-sdk-python-cvm==3.1.178 (both pull tencentcloud-sdk-python-common).
need_package("tencentcloud-sdk-python-waf", "pip install 'tencentcloud-sdk-python-waf==3.1.191'")
need_package("tencentcloud-sdk-python-cvm", "pip install 'tencentcloud-sdk-python-cvm==3.1.178'")
waf = pytest.importorskip("tencentcloud.waf.v20180125.models")
cvm = pytest.importorskip("tencentcloud.cvm.v20170312.models")

PROVIDER = "tencent-cloud"
ID = r"[a-z]{2}-[a-z]+(?:-[a-z0-9]+)*"

# In the SDK's region enumeration but deliberately not catalogued, each with the reason.
SDK_ONLY_REGIONS = {
    "ap-tianjin": "database-only location; never in the CVM regions-and-zones table",
    "ap-shenzhen": "database-only location; never in the CVM regions-and-zones table",
    "ap-qingyuan": "product-specific location; never in the CVM regions-and-zones table",
    "ap-taipei": "database/media-only location; never in the CVM regions-and-zones table",
    "ap-guangzhou-open": "special-purpose id (Guangzhou Open); no zones in the CVM table",
    "ap-qingyuan-xinan": "special-purpose id (Qingyuan Xinan); no zones in the CVM table",
    "ap-shanghai-wxp-ops": "operations id of a Shanghai wireless-city project; not a public region",
    "ap-osaka": "no Tencent zone table or announcement found; revisit when one appears",
    "ap-johorbahru": "no Tencent zone table or announcement found; revisit when one appears",
}
# Edge-computing regions end in "-ec" ("ap-wuhan-ec"): edge zones are not regions here.
EDGE = re.compile(r"-ec$")

# Catalogued but absent from the SDK's region enumeration, each with the reason.
CATALOG_ONLY_REGIONS = {
    "ap-zhongwei": "new region in the current CVM table, not yet in the SDK enumeration",
}

# Catalogued zones that the SDK's CVM zone list (older than the current CVM table) lacks.
CATALOG_ONLY_ZONES = {
    "ap-beijing-2": "older zone, retired from the CVM table; the SDK list already omits it",
    "ap-shanghai-1": "older zone, retired from the CVM table; the SDK list already omits it",
    "ap-beijing-8": "new zone in the current CVM table",
    "ap-shanghai-9": "new zone in the current CVM table",
    "ap-guangzhou-5": "zone in the current CVM table, missing from the SDK list",
    "ap-zhongwei-1": "new region in the current CVM table",
    "ap-jakarta-3": "new zone in the current CVM table",
    "me-saudi-arabia-1": "Saudi region (2025) newer than the SDK list",
    "me-saudi-arabia-2": "Saudi region (2025) newer than the SDK list",
    "ap-beijing-fsi-1": "finance zone missing from the SDK list",
    "ap-beijing-fsi-2": "new finance zone in the current CVM table",
    "ap-shanghai-fsi-1": "finance zone missing from the SDK list",
    "ap-shanghai-adc-1": "autonomous-driving industry cloud, not in the SDK list",
    "ap-shanghai-adc-2": "autonomous-driving industry cloud, not in the SDK list",
    "ap-shanghai-adc-3": "autonomous-driving industry cloud, not in the SDK list",
    "ap-shanghai-adc-4": "autonomous-driving industry cloud, not in the SDK list",
    "na-toronto-1": "Toronto, no longer in the CVM table (closed in the catalog)",
    "eu-moscow-1": "Moscow, closed (dropped from the CVM table in 2023)",
}


@cache
def catalog() -> Catalog:
    return load_catalog(REPO)


def catalog_regions() -> dict[str, object]:
    return {r.id: r for r in catalog().regions if r.provider == PROVIDER}


def catalog_zones() -> set[str]:
    return {z.id for r in catalog_regions().values() for z in r.zones}


def _docstrings(module) -> list[str]:
    """Every class and property docstring of an SDK models module."""
    docs = []
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if cls.__module__ != module.__name__:
            continue
        docs.append(inspect.getdoc(cls) or "")
        for _, member in inspect.getmembers(cls):
            if isinstance(member, property) and member.__doc__:
                docs.append(member.__doc__)
    return docs


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "\n", text)


@cache
def sdk_region_lists() -> tuple[frozenset[str], ...]:
    """Each "standard region format" enumeration in the WAF models, as a set of region ids."""
    lists = []
    for doc in _docstrings(waf):
        text = _plain(doc)
        if "腾讯云标准地域格式" not in text or "枚举值" not in text:
            continue
        body = text.split("枚举值", 1)[1]
        ids = re.findall(rf"^\s*({ID})\s*[：:]", body, flags=re.M)
        if ids:
            lists.append(frozenset(ids))
    return tuple(lists)


@cache
def sdk_zones() -> frozenset[str]:
    """The zone ids listed after "全网可用区名称如下" in the CVM models."""
    zones: set[str] = set()
    for doc in _docstrings(cvm):
        text = _plain(doc)
        if "全网可用区名称如下" not in text:
            continue
        body = text.split("全网可用区名称如下", 1)[1]
        zones.update(re.findall(rf"^\s*({ID}-\d+)\b", body, flags=re.M))
    return frozenset(zones)


def sdk_regions() -> frozenset[str]:
    lists = sdk_region_lists()
    return lists[0] if lists else frozenset()


def test_the_sdk_ships_one_region_enumeration():
    lists = sdk_region_lists()
    assert lists, "no 'standard region format' enumeration found in the WAF models"
    assert len(set(lists)) == 1, "the SDK's region enumerations disagree with each other"
    assert "ap-guangzhou" in lists[0] and "na-siliconvalley" in lists[0]


def test_the_sdk_ships_a_zone_list():
    zones = sdk_zones()
    assert "ap-guangzhou-3" in zones and "sa-saopaulo-1" in zones
    assert all(re.fullmatch(rf"{ID}-\d+", z) for z in zones)


def test_every_sdk_region_is_catalogued_or_explained():
    sdk = {r for r in sdk_regions() if not EDGE.search(r)}
    missing = sdk - set(catalog_regions())
    assert missing == set(SDK_ONLY_REGIONS), (
        f"unexplained SDK regions: {sorted(missing - set(SDK_ONLY_REGIONS))}; "
        f"explained but now catalogued or gone from the SDK: {sorted(set(SDK_ONLY_REGIONS) - missing)}"
    )


def test_every_catalogued_region_is_in_the_sdk_or_explained():
    extra = set(catalog_regions()) - sdk_regions()
    assert extra == set(CATALOG_ONLY_REGIONS), (
        f"unexplained catalog regions: {sorted(extra - set(CATALOG_ONLY_REGIONS))}; "
        f"explained but now in the SDK: {sorted(set(CATALOG_ONLY_REGIONS) - extra)}"
    )


def test_edge_regions_are_not_catalogued():
    edge = {r for r in sdk_regions() if EDGE.search(r)}
    assert edge, "the SDK enumeration lists edge ('-ec') regions"
    assert not edge & set(catalog_regions())


def test_every_sdk_zone_is_catalogued_under_its_region():
    regions = catalog_regions()
    for zone in sorted(sdk_zones()):
        region_id = zone.rsplit("-", 1)[0]
        assert region_id in regions, f"{zone}: region {region_id} not catalogued"
        assert zone in {z.id for z in regions[region_id].zones}, f"{zone} missing from {region_id}"


def test_catalogued_zones_absent_from_the_sdk_are_explained():
    extra = catalog_zones() - sdk_zones()
    assert extra == set(CATALOG_ONLY_ZONES), (
        f"unexplained catalog zones: {sorted(extra - set(CATALOG_ONLY_ZONES))}; "
        f"explained but now in the SDK: {sorted(set(CATALOG_ONLY_ZONES) - extra)}"
    )


def test_sold_out_sdk_zones_are_catalogued():
    """Zones the SDK marks sold out (售罄) stay in the catalog (as closed or live), never dropped."""
    text = "\n".join(_plain(d) for d in _docstrings(cvm) if "全网可用区名称如下" in d)
    sold_out = set(re.findall(rf"({ID}-\d+)\s*（售罄）", text))
    assert sold_out, "the SDK marks some zones sold out"
    assert sold_out <= catalog_zones()
