"""The package stays readable: modules under 500 lines (issue #13); README's layout lists the real
modules in data-flow order, and every import follows that order: no cycles, nothing importing a
module listed after it, whether at the top, inside a function or only for type checking."""

from __future__ import annotations

import ast
import re

from conftest import REPO

SRC = REPO / "src" / "cloudmap"


def test_no_module_exceeds_500_lines():
    sizes = {
        p.relative_to(REPO).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in SRC.rglob("*.py")
    }
    assert len(sizes) > 40
    assert {k: v for k, v in sizes.items() if v > 500} == {}


def _readme_order() -> list[str]:
    """The modules README's Layout lists under src/cloudmap/, in order (packages without /)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    lines = block.split("src/cloudmap/", 1)[1].split("\ntests/", 1)[0]
    names = re.sub(r"\([^)]*\)", "", lines.split(":", 1)[1])  # drop the notes in brackets
    return [n.strip().rstrip("/") for n in re.split(r"[,\s]+", names) if n.strip()]


def _units() -> dict[str, list]:
    """Each top-level module or package of src/cloudmap with its files."""
    out: dict[str, list] = {}
    for p in sorted(SRC.rglob("*.py")):
        rel = p.relative_to(SRC).parts
        unit = rel[0].removesuffix(".py")
        if unit in ("__init__", "__main__"):
            continue  # the package's facade and entry point sit above everything
        out.setdefault(unit, []).append(p)
    return out


def _module(path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path) -> set[str]:
    """Every cloudmap module ``path`` imports, anywhere in it."""
    own = _module(path)
    package = own if path.name == "__init__.py" else own.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cloudmap")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            if base.startswith("cloudmap"):
                subs = {f"{base}.{a.name}" for a in node.names}
                modules = {_module(p) for p in SRC.rglob("*.py")}
                # ``from pkg import module`` imports the module; ``from mod import name``, mod
                found |= (subs & modules) or {base}
    return found


def _unit_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] not in ("__init__", "__main__") else None


def test_readme_layout_lists_the_real_modules():
    order = _readme_order()
    assert len(order) == len(set(order)), "a module is listed twice"
    assert sorted(order) == sorted(_units())


def test_every_import_points_down_the_layout():
    rank = {name: i for i, name in enumerate(_readme_order())}
    upward = []
    for unit, files in _units().items():
        for path in files:
            for target in _imports(path):
                other = _unit_of(target)
                if other is None or other == unit or other not in rank:
                    continue
                if rank[other] > rank[unit]:
                    upward.append(f"{path.relative_to(REPO)} imports {target}")
    assert upward == []


def test_no_import_cycles_between_modules():
    modules = {_module(p): p for files in _units().values() for p in files}
    edges = {m: set() for m in modules}
    for m, path in modules.items():
        for target in _imports(path):
            while target and target not in modules:
                target = target.rsplit(".", 1)[0] if "." in target else ""
            if target and target != m:
                edges[m].add(target)
    # peel off modules nothing in the rest imports, then modules that import nothing in the
    # rest: what remains lies on (or between) cycles
    rest = set(modules)
    changed = True
    while changed:
        changed = False
        for m in sorted(rest):
            imported = any(m in edges[o] for o in rest)
            imports = any(t in rest for t in edges[m])
            if not imported or not imports:
                rest.discard(m)
                changed = True
    assert sorted(rest) == []
