"""The library's Project object at its edges: what a notebook passes (datetimes, no provider),
and what it gets when a figure is unknown."""

from __future__ import annotations

import datetime as dt

import pytest

from cloudmap.errors import CloudmapError, NotFound
from cloudmap.project import load_project
from conftest import REPO


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


def test_a_datetime_is_read_as_its_day(project):
    assert project.stats(dt.datetime(2025, 1, 1, 13, 30)) == project.stats(dt.date(2025, 1, 1))


def test_diff_needs_a_start_date(project):
    with pytest.raises(CloudmapError, match="give the start date"):
        project.diff(None)
    opened = project.diff("2025-01-01", "2025-12-31")
    assert (opened["from"]["as_of"], opened["to"]["as_of"]) == ("2025-01-01", "2025-12-31")


def test_coverage_defaults_to_every_provider(project):
    df = project.coverage(country="MX")
    assert df.attrs["provider"] == "all"
    assert df.attrs["providers"] == list(project.providers)
    assert df.iloc[0]["nearest_region"].split(":")[0] in project.providers


def test_unknown_zone_counts_are_reported_not_zero(project):
    s = project.stats(provider="huawei-cloud")
    unknown = [r for r in project.catalog.regions if r.provider == "huawei-cloud"
               and r.is_live(project.on()) and not r.zones_known(project.on())]  # fmt: skip
    assert unknown and len(s["zones_unknown"]) == sum(
        project.catalog.counted(r)[1] for r in unknown
    )
    by_country = s["by_country"]
    assert sum(v["zones_unknown"] for v in by_country.values()) == len(s["zones_unknown"])


def test_lookups_by_name_raise_not_found(project):
    with pytest.raises(NotFound, match="unknown market 'Atlantis'"):
        project.market("Atlantis")
    with pytest.raises(LookupError):  # NotFound is a LookupError too
        project.catalog.lookup("aws:xx-nowhere-1")


def test_the_default_date_is_the_review_date_else_the_latest_event(mini):
    """Never the clock: a catalog without review dates defaults to its latest dated event (a
    synthetic benchmark catalog once rendered an empty map as of 1970); a review date wins over
    a scheduled later event; a later announcement (news since the review) moves it."""
    from cloudmap.catalog import load_catalog

    catalog = load_catalog(mini)
    assert all(p.reviewed is None for p in catalog.providers.values())
    assert catalog.default_as_of == catalog.dates[-1]
    path = mini / "data" / "testcloud.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  name: Test Cloud\n", "  name: Test Cloud\n"
                                 "  reviewed: 2025-11-01\n", 1), encoding="utf-8")  # fmt: skip
    catalog = load_catalog(mini)
    seeds = [a.date.effective for a in catalog.announcements.values()]
    assert catalog.default_as_of == max([dt.date(2025, 11, 1), *seeds])
