"""The Azure catalog's region ids agree with the region pair table the Azure CLI ships on PyPI."""

from __future__ import annotations

import ast
from functools import cache
from importlib import metadata
from pathlib import Path

from cloudmap.validate import load_catalog
from conftest import REPO, need_package

# The Azure CLI (PyPI `azure-cli`) carries Microsoft's table of geo-replication pairs for Azure
# Backup, keyed by programmatic region name across the public cloud, Azure operated by 21Vianet,
# Azure Government (incl. Secret and Top Secret) and the partner sovereign clouds. The test reads
# that source file from the installed distribution; nothing of the CLI is imported.
DISTRIBUTION = "azure-cli"
TABLE_FILE = "azure/cli/command_modules/backup/custom.py"
TABLE_NAME = "secondary_region_map"

# Names in the CLI table that are deliberately not catalog regions, with the reason.
NOT_REGIONS = {
    "centraluseuap": "EUAP canary region for early validation, not a customer region",
    "eastus2euap": "EUAP canary region for early validation, not a customer region",
    "bleufrancecentral": "Bleu, a French partner-branded sovereign cloud on Azure technology, not an Azure region",
    "bleufrancesouth": "Bleu, a French partner-branded sovereign cloud on Azure technology, not an Azure region",
    "deloscloudgermanycentral": "Delos Cloud, a German partner-branded sovereign cloud, not an Azure region",
    "deloscloudgermanynorth": "Delos Cloud, a German partner-branded sovereign cloud, not an Azure region",
    "usnateast": "air-gapped government region whose name and location Microsoft does not publish",
    "usnatwest": "air-gapped government region whose name and location Microsoft does not publish",
    "taiwannorthwest": "pair of the announced Taiwan North; no public description found",
    "malaysiasouth": "no public description found (not in Microsoft's region lists)",
    "northeastus5": "internal or unannounced region code; not in any Microsoft region list",
    "southcentralus2": "internal or unannounced region code; not in any Microsoft region list",
    "southeastus": "internal or unannounced region code; not in any Microsoft region list",
    "southeastus3": "internal or unannounced region code; not in any Microsoft region list",
    "southeastus5": "internal or unannounced region code; not in any Microsoft region list",
    "southwestus": "internal or unannounced region code; not in any Microsoft region list",
}

# Catalog regions absent from the CLI table, with the reason: Microsoft lists them as nonpaired
# (paired region 'N/A' in the Learn region list), so a pair table has no entry for them.
NONPAIRED = {
    "austriaeast",
    "belgiumcentral",
    "chilecentral",
    "denmarkeast",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "mexicocentral",
    "newzealandnorth",
    "polandcentral",
    "qatarcentral",
    "spaincentral",
}


@cache
def pair_table() -> dict[str, str]:
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        need_package(DISTRIBUTION, "pip install --no-deps 'azure-cli==2.91.0'")
    path = Path(dist.locate_file(TABLE_FILE))
    assert path.is_file(), f"{TABLE_FILE} not found in the installed {DISTRIBUTION}"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == TABLE_NAME
        ):
            table = ast.literal_eval(node.value)
            assert isinstance(table, dict) and table, f"{TABLE_NAME} is not a non-empty dict"
            return table
    raise AssertionError(f"{TABLE_NAME} not found in {TABLE_FILE}")


@cache
def catalog_ids() -> frozenset[str]:
    catalog = load_catalog(REPO)
    ids = frozenset(r.id for r in catalog.regions if r.provider == "azure")
    assert ids, "no azure regions in the catalog"
    return ids


def table_names() -> set[str]:
    table = pair_table()
    return set(table) | set(table.values())


def test_every_region_name_the_cli_knows_is_in_the_catalog_or_explained():
    missing = table_names() - catalog_ids() - set(NOT_REGIONS)
    assert not missing, f"region names in the Azure CLI but not in the catalog: {sorted(missing)}"


def test_every_catalog_region_is_in_the_cli_table_or_nonpaired():
    missing = catalog_ids() - table_names() - NONPAIRED
    assert not missing, f"catalog regions the Azure CLI does not know: {sorted(missing)}"


def test_the_listed_differences_are_still_differences():
    # An exception that no longer applies must be removed, so the lists cannot go stale.
    names, ids = table_names(), catalog_ids()
    stale_not_regions = {n for n in NOT_REGIONS if n not in names or n in ids}
    stale_nonpaired = {n for n in NONPAIRED if n in names or n not in ids}
    assert not stale_not_regions, f"no longer needed in NOT_REGIONS: {sorted(stale_not_regions)}"
    assert not stale_nonpaired, f"no longer needed in NONPAIRED: {sorted(stale_nonpaired)}"


def test_pairs_point_at_regions_of_the_same_cloud():
    # A public region never pairs with a China, Government or sovereign one, and vice versa:
    # checks that the catalog's kinds agree with the CLI's pairing.
    catalog = load_catalog(REPO)
    kind = {r.id: r.kind for r in catalog.regions if r.provider == "azure"}
    public = {"region"}
    bad = [
        (a, b)
        for a, b in pair_table().items()
        if a in kind and b in kind and ((kind[a] in public) != (kind[b] in public))
    ]
    assert not bad, f"pairs across cloud boundaries: {bad}"
