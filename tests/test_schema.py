"""The partial-date grammar and its as-of semantics."""

from __future__ import annotations

import datetime as dt

import pytest

from cloudmap.schema import parse_date

D = dt.date


@pytest.mark.parametrize(
    ("raw", "effective", "precision", "bound", "human"),
    [
        ("2025-02-19", D(2025, 2, 19), "day", False, "19 Feb 2025"),
        ("2025-02", D(2025, 2, 1), "month", False, "Feb 2025"),
        ("2025", D(2025, 1, 1), "year", False, "2025"),
        (2025, D(2025, 1, 1), "year", False, "2025"),
        (D(2024, 6, 30), D(2024, 6, 30), "day", False, "30 Jun 2024"),
        ("<=2024-06-30", D(2024, 6, 30), "day", True, "no later than 30 Jun 2024"),
        ("<=2024-02", D(2024, 2, 29), "month", True, "no later than Feb 2024"),
        ("<=2019", D(2019, 12, 31), "year", True, "no later than 2019"),
    ],
)
def test_dates_parse_with_precision_and_effective_day(raw, effective, precision, bound, human):
    d = parse_date(raw)
    assert (d.effective, d.precision, d.no_later_than, d.human()) == (
        effective,
        precision,
        bound,
        human,
    )


def test_iso_drops_the_bound_marker_and_keeps_precision():
    assert parse_date("<=2024-06").iso == "2024-06"
    assert parse_date("<=2024-06").qualifier == "no later than"
    assert parse_date("2024-06").qualifier is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2025-13-01", "'2025-13-01' is not a real date (month must be in 1..12)"),
        ("2025-02-30", "'2025-02-30' is not a real date (day is out of range for month)"),
        ("soon", "'soon' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or <=DATE"),
        (">=2025", "'>=2025' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or <=DATE"),
        (True, "True is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or <=DATE"),
        (
            dt.datetime(2025, 1, 1, 12),
            "datetime.datetime(2025, 1, 1, 12, 0) has a time of day; write a date like 2025-02-19",
        ),
    ],
)
def test_bad_dates_say_what_is_accepted(raw, message):
    with pytest.raises(ValueError) as info:
        parse_date(raw)
    assert str(info.value) == message


def test_catalog_format_doc_tables_are_generated_from_the_schema(tmp_path):
    from cloudmap import schema
    from conftest import REPO

    doc = REPO / "docs" / "catalog-format.md"
    copy = tmp_path / "catalog-format.md"
    copy.write_text(doc.read_text(encoding="utf-8"), encoding="utf-8")
    assert schema.update_doc(copy) is False, "run: python -m cloudmap.docgen"
    text = doc.read_text(encoding="utf-8")
    for rec in schema.RECORDS.values():  # every key of every record is documented
        for key in rec.keys:
            assert f"| `{key.name}` |" in text, (rec.name, key.name)
