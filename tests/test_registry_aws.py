"""data/aws.yaml agrees with the region tables AWS's SDK ships (botocore's partitions.json and
endpoints.json)."""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from cloudmap.registry.check import known
from conftest import REPO, need_package

need_package("botocore", "pip install 'botocore==1.44.8'")

# SDK partition -> the catalog kind its regions must have.
PARTITION_KIND = {
    "aws": "region",
    "aws-cn": "partner-region",  # operated by Sinnet (Beijing) and NWCD (Ningxia)
    "aws-us-gov": "government",  # AWS GovCloud (US)
    "aws-eusc": "sovereign",  # AWS European Sovereign Cloud
}

# SDK partitions whose regions the catalog leaves out on purpose, with the reason.
LEFT_OUT_PARTITIONS = {
    "aws-iso": "classified US region (Top Secret): not public, location not disclosed",
    "aws-iso-b": "classified US region (Secret): not public, location not disclosed",
    "aws-iso-e": "classified European region: not public, location not disclosed",
    "aws-iso-f": "classified US region: not public, location not disclosed",
}

# Legitimate differences between the catalog's launched regions and the SDK, with the reason.
# Empty today: every launched public region is in the SDK and vice versa. Add entries here (never
# silently) when, e.g., an announced region appears in the SDK before its launch or a retired
# region stays listed.
IN_CATALOG_NOT_IN_SDK: dict[str, str] = {}
# Listed before they open (catalogued as announced, with the evidence): registry/known.yaml.
IN_SDK_NOT_IN_CATALOG: dict[str, str] = dict(known()["aws"].listed_before_launch)

# Catalog names that differ from the SDK's description, with the reason.
NAME_DIFFERENCES: dict[str, str] = {}


@cache
def sdk_partitions() -> dict[str, dict[str, str]]:
    """partition id -> {region id: description}, from the installed botocore package: BOTH its
    tables, data/partitions.json (where new regions appear first: me-west-1 and sa-west-1 came
    in 1.43.126 there only) and the legacy data/endpoints.json, read by cloudmap.registry as
    `cloudmap check-registry` reads them. Pseudo-regions such as ``aws-global`` are dropped by
    each partition's own ``regionRegex``."""
    from cloudmap.registry.packages import installed
    from cloudmap.registry.tables import SOURCES, read_table

    (source,) = SOURCES["aws"]
    assert set(source.files) == {"botocore/data/endpoints.json", "botocore/data/partitions.json"}
    out: dict[str, dict[str, str]] = {}
    for r in read_table(source, installed("botocore")).regions:
        out.setdefault(r.group, {})[r.id] = r.name or ""
    return out


@cache
def catalog() -> dict:
    return yaml.safe_load((REPO / "data" / "aws.yaml").read_text(encoding="utf-8"))


def catalog_regions() -> dict[str, dict]:
    return {r["id"]: r for r in catalog()["regions"]}


def sdk_regions() -> dict[str, tuple[str, str]]:
    """region id -> (partition, description) for the partitions the catalog covers."""
    return {
        rid: (part, desc)
        for part, regions in sdk_partitions().items()
        if part in PARTITION_KIND
        for rid, desc in regions.items()
    }


def test_every_sdk_partition_is_covered_or_left_out_with_a_reason():
    parts = set(sdk_partitions())
    unknown = parts - set(PARTITION_KIND) - set(LEFT_OUT_PARTITIONS)
    assert not unknown, (
        f"new SDK partitions {sorted(unknown)}: map them to a kind or leave them out"
    )
    gone = (set(PARTITION_KIND) | set(LEFT_OUT_PARTITIONS)) - parts
    assert not gone, f"partitions {sorted(gone)} are no longer in the SDK: update this test"


def test_launched_regions_are_exactly_the_sdk_regions():
    launched = {rid for rid, r in catalog_regions().items() if r.get("launched") is not None}
    sdk = set(sdk_regions())
    assert launched - sdk == set(IN_CATALOG_NOT_IN_SDK), (
        "launched in the catalog but not in the SDK: "
        f"{sorted(launched - sdk - set(IN_CATALOG_NOT_IN_SDK))}"
    )
    assert sdk - launched == set(IN_SDK_NOT_IN_CATALOG), (
        f"in the SDK but not launched in the catalog: {sorted(sdk - launched)}"
    )


def test_announced_regions_are_not_yet_in_the_sdk():
    announced = {rid for rid, r in catalog_regions().items() if r.get("launched") is None}
    early = (announced & set(sdk_regions())) - set(IN_SDK_NOT_IN_CATALOG)
    assert not early, f"in the SDK, so probably launched: {sorted(early)}"


def test_classified_regions_stay_out_of_the_catalog():
    left_out = {rid for part in LEFT_OUT_PARTITIONS for rid in sdk_partitions().get(part, {})}
    assert left_out, "the SDK lists no classified regions any more: revisit LEFT_OUT_PARTITIONS"
    assert not left_out & set(catalog_regions())


@pytest.mark.parametrize("rid", sorted(sdk_regions()))
def test_kind_follows_the_sdk_partition(rid):
    region = catalog_regions().get(rid)
    if region is None:
        pytest.skip(f"{rid} is not in the catalog ({IN_SDK_NOT_IN_CATALOG.get(rid, 'see above')})")
    partition, _ = sdk_regions()[rid]
    assert region["kind"] == PARTITION_KIND[partition], (rid, partition)


@pytest.mark.parametrize("rid", sorted(sdk_regions()))
def test_name_is_the_sdk_description(rid):
    region = catalog_regions().get(rid)
    if region is None:
        pytest.skip(f"{rid} is not in the catalog")
    _, description = sdk_regions()[rid]
    if rid in NAME_DIFFERENCES:
        assert region["name"] != description, f"{rid}: drop the stale NAME_DIFFERENCES entry"
    else:
        assert region["name"] == description


def test_registry_sources_are_cited():
    """The catalog names the SDK table as a source, so readers can redo this check."""
    urls = {s["url"] for s in catalog()["provider"]["sources"]}
    assert any(u.endswith("botocore/data/endpoints.json") for u in urls)
