"""The library's Project and its views at their edges: one place defaults the date and checks
provider names, what a notebook passes (datetimes, strings), immutability, unknown names."""

from __future__ import annotations

import datetime as dt

import pytest

from cloudmap.errors import CloudmapError, NotFound
from cloudmap.project import View, load_project
from conftest import REPO


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


def test_a_view_defaults_to_the_review_date_and_the_lead_provider(project):
    view = project.at()
    assert view.on == dt.date(2026, 11, 27) == project.default_date
    assert view.providers == ("alibaba-cloud",)
    assert project.catalog.providers["alibaba-cloud"].lead
    assert project.at(providers="all").providers == project.providers


def test_a_datetime_or_a_string_is_read_as_its_day(project):
    day = project.at(dt.date(2025, 1, 1))
    assert project.at(dt.datetime(2025, 1, 1, 13, 30)) is day
    assert project.at("2025-01-01") is day  # the same view, with what it computed
    assert project.at("2025-01-01").stats() == day.stats()
    with pytest.raises(CloudmapError, match=r"^'1 Jan 2025' is not a date; write YYYY-MM-DD$"):
        project.at("1 Jan 2025")


@pytest.mark.parametrize("call", ["stats", "coverage", "regions", "compare"])
def test_an_unknown_provider_is_the_same_error_for_every_stage(project, call):
    """The one place a provider name is checked is Project.at: no stage returns zeros for it."""
    with pytest.raises(NotFound) as err:
        getattr(project.at(providers="nope"), call)()
    assert str(err.value).startswith("no provider 'nope' in the catalog (known: alibaba-cloud, aws")
    assert str(err.value).endswith(", or all)")


def test_providers_may_be_a_list_or_comma_separated(project):
    a = project.at(providers=["aws", "azure"])
    assert a is project.at(providers="azure, aws") and a.providers == ("aws", "azure")


def test_the_project_cannot_be_changed_through_what_it_hands_out(project):
    with pytest.raises((TypeError, AttributeError)):
        project.catalog.providers.pop("aws")  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        project.catalog.providers["aws"].exclude["x"] = "y"  # type: ignore[index]
    with pytest.raises(AttributeError):
        project.catalog.regions.append(None)  # type: ignore[attr-defined]
    assert project.at(providers="aws").stats()["regions"] > 0


def test_diff_needs_a_start_date(project):
    with pytest.raises(CloudmapError, match="give the start date"):
        project.at().diff(None)
    opened = project.at("2025-12-31").diff("2025-01-01")
    assert (opened["from"]["as_of"], opened["to"]["as_of"]) == ("2025-01-01", "2025-12-31")


def test_coverage_measures_from_the_views_providers(project):
    df = project.at(providers="all").coverage(country="MX")
    assert df.attrs["provider"] == "all"
    assert df.attrs["providers"] == list(project.providers)
    assert df.iloc[0]["nearest_region"].split(":")[0] in project.providers
    one = project.at().coverage(country="MX")
    assert (
        one.attrs["provider"] == "alibaba-cloud" and one.iloc[0]["nearest_region"] == "na-south-1"
    )


def test_unknown_zone_counts_are_reported_not_zero(project):
    view = project.at(providers="huawei-cloud")
    s = view.stats()
    unknown = [
        r for r in view.selected.regions if r.is_live(view.on) and not r.zones_known(view.on)
    ]
    assert unknown and len(s["zones_unknown"]) == sum(
        project.catalog.counted(r)[1] for r in unknown
    )
    by_country = s["by_country"]
    assert sum(v["zones_unknown"] for v in by_country.values()) == len(s["zones_unknown"])


def test_lookups_by_name_raise_not_found(project):
    with pytest.raises(NotFound, match="unknown market 'Atlantis'"):
        project.at().market("Atlantis")
    with pytest.raises(LookupError):  # NotFound is a LookupError too
        project.catalog.lookup("aws:xx-nowhere-1")


def test_views_are_view_objects_with_every_stage(project):
    view = project.at()
    assert isinstance(view, View)
    for stage in (
        "stats",
        "reconcile",
        "layers",
        "regions",
        "sites",
        "countries",
        "markets",
        "coverage",
        "coverage_change",
        "compare",
        "diff",
        "diff_base",
        "map",
        "export",
        "build",
    ):
        assert callable(getattr(view, stage)), stage


def test_the_default_date_is_the_review_date_else_the_latest_event(mini):
    """Never the clock: a catalog without review dates defaults to its latest dated event (a
    synthetic benchmark catalog once rendered an empty map as of 1970); a review date wins over
    a scheduled later event; a later announcement (news since the review) moves it."""
    from cloudmap.validate import load_catalog

    catalog = load_catalog(mini)
    assert all(p.reviewed is None for p in catalog.providers.values())
    assert catalog.default_as_of == catalog.dates[-1]
    path = mini / "data" / "testcloud.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  name: Test Cloud\n", "  name: Test Cloud\n  reviewed: 2025-11-01\n", 1),
        encoding="utf-8",
    )
    catalog = load_catalog(mini)
    seeds = [a.date.effective for a in catalog.announcements.values()]
    assert catalog.default_as_of == max([dt.date(2025, 11, 1), *seeds])
