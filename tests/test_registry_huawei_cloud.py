"""The Huawei Cloud catalog agrees with the region tables shipped in Huawei's official Python SDK."""

from __future__ import annotations

import ast
import datetime as dt
from importlib import metadata
from pathlib import Path

import pytest

from cloudmap.validate import load_catalog
from conftest import need_package

REPO = Path(__file__).resolve().parents[1]
PROVIDER = "huawei-cloud"

# Installed SDK packages whose region module is read: (distribution, module, class).
# ECS is the reference table; VPC and OBS add the regions the ECS table lacks
# (ru-northwest-2 in VPC/EVS, sa-peru-1 in OBS/SWR/Cloud Eye).
SDK_TABLES = (
    ("huaweicloudsdkecs", "huaweicloudsdkecs/v2/region/ecs_region.py", "EcsRegion"),
    ("huaweicloudsdkvpc", "huaweicloudsdkvpc/v3/region/vpc_region.py", "VpcRegion"),
    ("huaweicloudsdkobs", "huaweicloudsdkobs/v1/region/obs_region.py", "ObsRegion"),
)

# Catalogued regions that no SDK table lists, each with the reason it is still catalogued.
NOT_IN_SDK = {
    "sa-argentina-1": "LA-Buenos Aires1: in Huawei OBS's region list (copied by rclone in 2022) and "
    "reported live in April 2024, but never added to an SDK region table",
    "sa-chile-1": "LA-Santiago2: known only from the 2022 OBS region list; possibly closed, but no "
    "closure notice was found, so it stays catalogued",
}

# SDK region ids deliberately left out of the catalog, each with the reason.
NOT_IN_CATALOG: dict[str, str] = {}


def _static_fields(source: str, cls: str) -> set[str]:
    """The keys of ``cls.static_fields`` in the module's source, read without importing it (the
    SDK's import pulls in its HTTP and database clients)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id == "static_fields" for t in stmt.targets
                    )
                    and isinstance(stmt.value, ast.Dict)
                ):
                    return {k.value for k in stmt.value.keys if isinstance(k, ast.Constant)}
    raise AssertionError(f"{cls}.static_fields not found: the SDK's region module changed shape")


def _sdk_regions() -> dict[str, set[str]]:
    tables = {}
    for dist, rel, cls in SDK_TABLES:
        need_package(
            dist,
            "pip install --no-deps 'huaweicloudsdkecs==3.1.219' "
            "'huaweicloudsdkvpc==3.1.219' 'huaweicloudsdkobs==3.1.219'",
        )
        path = Path(str(metadata.distribution(dist).locate_file(rel)))
        tables[dist] = _static_fields(path.read_text(encoding="utf-8"), cls)
    return tables


@pytest.fixture(scope="module")
def sdk() -> dict[str, set[str]]:
    return _sdk_regions()


@pytest.fixture(scope="module")
def catalog():
    cat = load_catalog(REPO)
    return cat, [r for r in cat.regions if r.provider == PROVIDER]


def test_sdk_tables_are_not_empty(sdk):
    for dist, ids in sdk.items():
        assert len(ids) >= 20, f"{dist} lists only {sorted(ids)}: the region module changed shape?"


def test_every_sdk_region_is_catalogued(sdk, catalog):
    _, regions = catalog
    ours = {r.id for r in regions}
    listed = set().union(*sdk.values())
    missing = listed - ours - set(NOT_IN_CATALOG)
    assert not missing, f"SDK regions missing from data/{PROVIDER}.yaml: {sorted(missing)}"
    stale = set(NOT_IN_CATALOG) - listed
    assert not stale, f"NOT_IN_CATALOG names ids the SDK no longer lists: {sorted(stale)}"


def test_only_the_listed_regions_are_missing_from_the_sdk(sdk, catalog):
    _, regions = catalog
    listed = set().union(*sdk.values())
    extra = {r.id for r in regions} - listed
    assert extra == set(NOT_IN_SDK), (
        f"catalogued but in no SDK table: {sorted(extra)}; explained: {sorted(NOT_IN_SDK)}"
    )


def test_sdk_regions_are_launched_and_not_closed(sdk, catalog):
    cat, regions = catalog
    on = cat.default_as_of
    on = on() if callable(on) else on
    assert isinstance(on, dt.date)
    listed = set().union(*sdk.values())
    for r in regions:
        if r.id not in listed:
            continue
        assert r.launched is not None, f"{r.id} is in the SDK but has no launch date"
        assert r.closed is None or r.closed.effective > on, f"{r.id} is in the SDK but closed"
        assert r.is_live(on), f"{r.id} is in the SDK but not live on {on}"


def test_ecs_table_regions_are_counted_or_explained(sdk, catalog):
    """Every region with compute (ECS) is either counted in headline totals or is an industry region."""
    cat, regions = catalog
    by_id = {r.id: r for r in regions}
    for rid in sorted(sdk["huaweicloudsdkecs"]):
        counted_region, _ = cat.counted(by_id[rid])
        assert counted_region or by_id[rid].kind == "industry-cloud", (
            f"{rid} ({by_id[rid].kind}) has ECS but is not counted"
        )
