"""The engine against the hand-written corpus: every field of every text, as expected by hand."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
FIELDS = ("language", "provider", "date", "claims", "sites", "investment", "markets")


def _bench():
    spec = importlib.util.spec_from_file_location(
        "intake_quality", REPO / "bench" / "intake_quality.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("intake_quality", module)
    spec.loader.exec_module(module)
    return module


bench = _bench()
CASES = bench.cases()
KNOWN = yaml.safe_load((bench.FIXTURES / "known-misses.yaml").read_text(encoding="utf-8")) or {}
_results: dict[str, dict] = {}


def _result(case) -> dict:
    if case.id not in _results:
        _results[case.id] = bench.run_case(case, MARKETS)
    return _results[case.id]


MARKETS = bench.markets()


def _params():
    for case in CASES:
        for field in FIELDS:
            reason = (KNOWN.get(case.id) or {}).get(field)
            marks = (
                [pytest.mark.xfail(strict=True, reason=f"known miss: {reason}")] if reason else []
            )
            yield pytest.param(case, field, id=f"{case.id}:{field}", marks=marks)


def _canon(field: str, value):
    if field == "sites":
        return sorted((s["country"], s["city"] or "", s["event"]) for s in value)
    if field == "investment":
        return sorted(
            (
                float(i["amount"]),
                i["currency"],
                tuple(sorted((float(c["amount"]), c["currency"]) for c in i["converted"])),
            )
            for i in value
        )
    if field == "markets":
        return sorted(value)
    return value


@pytest.mark.parametrize(("case", "field"), list(_params()))
def test_field_as_expected(case, field):
    got = _result(case)
    assert _canon(field, got[field]) == _canon(field, case.expected[field])


def test_corpus_size_and_coverage():
    """At least 4 texts per language folder, 32 in all, some HTML and some Markdown, negatives."""
    by_group: dict[str, int] = {}
    for c in CASES:
        by_group[c.group] = by_group.get(c.group, 0) + 1
    assert set(by_group) == {"en", "fr", "es", "pt", "zh", "zht", "ja", "ko"}
    assert min(by_group.values()) >= 4
    assert len(CASES) >= 32
    suffixes = {c.path.suffix for c in CASES}
    assert {".txt", ".md", ".html"} <= suffixes
    negatives = [
        c
        for c in CASES
        if not c.expected["sites"]
        and not c.expected["investment"]
        and c.expected["claims"] == {"regions": None, "zones": None, "target": False}
    ]
    assert len(negatives) >= 5
    assert {c.split for c in CASES} == {"dev", "held-out"}


def test_known_misses_name_real_cases_and_fields():
    ids = {c.id for c in CASES}
    for cid, fields in KNOWN.items():
        assert cid in ids, cid
        assert set(fields) <= set(FIELDS), (cid, fields)


def test_expected_files_have_the_contract_keys():
    for c in CASES:
        assert set(c.expected) == set(FIELDS), c.id
        assert set(c.expected["claims"]) == {"regions", "zones", "target"}
        for s in c.expected["sites"]:
            assert set(s) == {"country", "city", "event"}
            assert s["event"] in {
                "opened",
                "planned",
                "expanding",
                "closing",
                "closed",
                "mentioned",
            }
