"""The package stays readable: no module of src/cloudmap grows past 500 lines (issue #13)."""

from __future__ import annotations

from conftest import REPO


def test_no_module_exceeds_500_lines():
    sizes = {
        p.relative_to(REPO).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in (REPO / "src" / "cloudmap").rglob("*.py")
    }
    assert len(sizes) > 40
    assert {k: v for k, v in sizes.items() if v > 500} == {}
