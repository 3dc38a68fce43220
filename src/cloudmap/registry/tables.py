"""Where each provider's machine-readable region list lives in a registry package, and how to read
it without importing the package: botocore's endpoints.json and partitions.json, the Azure CLI's
region pair table, Google's Vertex AI and BigQuery region sets, Huawei's SDK region classes,
Tencent's SDK enumeration, and the Alibaba Cloud SDK core's endpoint data."""

from __future__ import annotations

__all__ = ["SOURCES", "RegionTable", "RegistryRegion", "Source", "read_table"]

import ast
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from cloudmap.errors import CloudmapError
from cloudmap.registry.packages import Package


@dataclass(frozen=True)
class RegistryRegion:
    """A region id a package lists, its name there (None when the table has none) and the part
    of the table it is in (an AWS partition, a Huawei service, ...)."""

    id: str
    name: str | None
    group: str


@dataclass(frozen=True)
class RegionTable:
    """One package's region list: the package (version, release date), the files read, the
    regions."""

    provider: str
    package: Package
    files: tuple[str, ...]
    regions: tuple[RegistryRegion, ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.regions)


@dataclass(frozen=True)
class Source:
    """A distribution holding a provider's region list, the files read and how."""

    provider: str
    dist: str
    files: tuple[str, ...]
    read: Callable[[Package, tuple[str, ...]], list[RegistryRegion]]


def _aws(pkg: Package, files: tuple[str, ...]) -> list[RegistryRegion]:
    """Both botocore tables: the legacy endpoints.json and partitions.json (which lists new
    regions first: me-west-1 and sa-west-1 came in 1.43.126 there only). Pseudo-regions such as
    aws-global are dropped by each partition's own regionRegex."""
    out: dict[str, RegistryRegion] = {}
    for rel in files:
        doc = json.loads(pkg.read_text(rel))
        for part in doc.get("partitions", []):
            pid = str(part.get("id") or part.get("partition"))
            pattern = re.compile(str(part.get("regionRegex", ".*")))
            for rid, info in (part.get("regions") or {}).items():
                if pattern.match(rid) and rid not in out:
                    name = (info or {}).get("description")
                    out[rid] = RegistryRegion(rid, str(name) if name else None, pid)
    return list(out.values())


def _literal(pkg: Package, rel: str, name: str) -> object:
    """The literal assigned to ``name`` at the top of a module (``set([...])`` accepted)."""
    tree = ast.parse(pkg.read_text(rel))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = node.value
            if isinstance(value, ast.Call) and value.args:
                value = value.args[0]
            return ast.literal_eval(value)
    raise CloudmapError(
        f"{pkg.dist} {pkg.version}: {name} not found in {rel} (the package "
        "changed shape: update cloudmap.registry)"
    )


def _azure(pkg: Package, files: tuple[str, ...]) -> list[RegistryRegion]:
    """The backup module's geo-replication pair table: every programmatic region name, public
    cloud and sovereign clouds alike, as a key or a value."""
    table = _literal(pkg, files[0], "secondary_region_map")
    if not isinstance(table, dict):
        raise CloudmapError(f"{pkg.dist} {pkg.version}: secondary_region_map is not a mapping")
    ids = sorted({str(k) for k in table} | {str(v) for v in table.values()})
    return [RegistryRegion(i, None, "backup pairs") for i in ids]


def _google(name: str, group: str) -> Callable[[Package, tuple[str, ...]], list[RegistryRegion]]:
    def read(pkg: Package, files: tuple[str, ...]) -> list[RegistryRegion]:
        ids = _literal(pkg, files[0], name)
        if not isinstance(ids, set | list | tuple | frozenset):
            raise CloudmapError(f"{pkg.dist} {pkg.version}: {name} is not a collection")
        return [RegistryRegion(str(i), None, group) for i in sorted(map(str, ids))]

    return read


def _huawei(cls: str) -> Callable[[Package, tuple[str, ...]], list[RegistryRegion]]:
    def read(pkg: Package, files: tuple[str, ...]) -> list[RegistryRegion]:
        for node in ast.walk(ast.parse(pkg.read_text(files[0]))):
            if isinstance(node, ast.ClassDef) and node.name == cls:
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and any(
                            isinstance(t, ast.Name) and t.id == "static_fields"
                            for t in stmt.targets
                        )
                        and isinstance(stmt.value, ast.Dict)
                    ):
                        keys = [k.value for k in stmt.value.keys if isinstance(k, ast.Constant)]
                        return [RegistryRegion(str(k), None, cls) for k in sorted(map(str, keys))]
        raise CloudmapError(
            f"{pkg.dist} {pkg.version}: {cls}.static_fields not found (the "
            "package changed shape: update cloudmap.registry)"
        )

    return read


_TENCENT_ID = r"[a-z]{2}-[a-z]+(?:-[a-z0-9]+)*"


def _tencent(pkg: Package, files: tuple[str, ...]) -> list[RegistryRegion]:
    """The region enumeration the WAF models document for every field in "腾讯云标准地域格式"
    (Tencent Cloud standard region format): the ids after "枚举值" (enumerated values)."""
    names: dict[str, str] = {}
    for node in ast.walk(ast.parse(pkg.read_text(files[0]))):
        if not isinstance(node, ast.ClassDef | ast.FunctionDef):
            continue
        doc = ast.get_docstring(node, clean=False) or ""
        text = re.sub(r"<[^>]+>", "\n", doc)
        if "腾讯云标准地域格式" not in text or "枚举值" not in text:
            continue
        body = text.split("枚举值", 1)[1]
        for m in re.finditer(rf"^\s*({_TENCENT_ID})\s*[：:]\s*([^\n]*)", body, flags=re.M):
            names.setdefault(m.group(1), m.group(2).strip() or m.group(1))
    if not names:
        raise CloudmapError(
            f"{pkg.dist} {pkg.version}: no region enumeration found (the "
            "package changed shape: update cloudmap.registry)"
        )
    return [RegistryRegion(i, names[i], "standard regions") for i in sorted(names)]


def _alibaba(pkg: Package, files: tuple[str, ...]) -> list[RegistryRegion]:
    """The SDK core's endpoint data: its region list and every region with a regional endpoint
    of some product (a list kept by hand and stale: see the provider's staleness note)."""
    doc = json.loads(pkg.read_text(files[0]))
    ids = {str(r) for r in doc.get("regions") or []}
    for product in (doc.get("regional_endpoints") or {}).values():
        ids.update(str(r) for r in product)
    return [RegistryRegion(i, None, "endpoints") for i in sorted(ids)]


SOURCES: dict[str, tuple[Source, ...]] = {
    "alibaba-cloud": (
        Source(
            "alibaba-cloud",
            "aliyun-python-sdk-core",
            ("aliyunsdkcore/data/endpoints.json",),
            _alibaba,
        ),
    ),
    "aws": (
        Source(
            "aws",
            "botocore",
            ("botocore/data/partitions.json", "botocore/data/endpoints.json"),
            _aws,
        ),
    ),
    "azure": (
        Source("azure", "azure-cli", ("azure/cli/command_modules/backup/custom.py",), _azure),
    ),
    "google-cloud": (
        Source(
            "google-cloud",
            "google-cloud-aiplatform",
            ("google/cloud/aiplatform/constants/base.py",),
            _google("SUPPORTED_REGIONS", "Vertex AI"),
        ),
        Source(
            "google-cloud",
            "bigframes",
            ("bigframes/constants.py",),
            _google("BIGQUERY_REGIONS", "BigQuery"),
        ),
    ),
    "huawei-cloud": (
        Source(
            "huawei-cloud",
            "huaweicloudsdkecs",
            ("huaweicloudsdkecs/v2/region/ecs_region.py",),
            _huawei("EcsRegion"),
        ),
        Source(
            "huawei-cloud",
            "huaweicloudsdkvpc",
            ("huaweicloudsdkvpc/v3/region/vpc_region.py",),
            _huawei("VpcRegion"),
        ),
        Source(
            "huawei-cloud",
            "huaweicloudsdkobs",
            ("huaweicloudsdkobs/v1/region/obs_region.py",),
            _huawei("ObsRegion"),
        ),
    ),
    "tencent-cloud": (
        Source(
            "tencent-cloud",
            "tencentcloud-sdk-python-waf",
            ("tencentcloud/waf/v20180125/models.py",),
            _tencent,
        ),
    ),
}


def read_table(source: Source, pkg: Package) -> RegionTable:
    """The region list of ``source`` in one version of its package."""
    regions = source.read(pkg, source.files)
    return RegionTable(source.provider, pkg, source.files, tuple(regions))
