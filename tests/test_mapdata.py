"""The map's data blob (cloudmap.mapdata) against the catalog: status histories, steps, the
counting rule, the comparison and RTT figures, marker and market colours, country geometry."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest

from browser_support import REPO, need_geo
from cloudmap import mapdata, mapfigures
from cloudmap.project import load_project

LIVE = {"new", "expanded", "live", "closing"}


@pytest.fixture(scope="module")
def project():
    need_geo()
    return load_project(REPO)


@pytest.fixture(scope="module")
def blob(project):
    return mapdata.map_data(project.at())


def _places(blob: dict) -> list[dict]:
    """The places with the fields the page reads as false or null when absent."""
    defaults = {
        "site": False,
        "city": None,
        "countsRegion": False,
        "countsZones": False,
        "bounded": False,
    }
    return [{**defaults, **p} for p in blob["places"]]


def _entry(place: dict, day: str) -> dict | None:
    found = None
    for t in place["history"]:
        if t["on"] <= day:
            found = t
    return found


def _status(blob: dict, place: dict, day: str) -> str | None:
    codes = {s["code"]: s["id"] for s in blob["statuses"]}
    e = _entry(place, day)
    return codes.get(e["status"]) if e else None


# --------------------------------------------------------------------------- history, steps


def test_status_history_gives_each_regions_status_and_zones_on_every_step(project, blob):
    providers = [p["id"] for p in blob["providers"]]
    regions = {(r.provider, r.id): r for r in project.catalog.regions}
    checked = 0
    for place in _places(blob):
        if place["site"]:
            continue
        r = regions[(providers[place["provider"]], place["id"])]
        for day in blob["steps"]:
            d = dt.date.fromisoformat(day)
            assert _status(blob, place, day) == r.status(d), (r.key, day)
            e = _entry(place, day)
            assert (e["zones"] if e else 0) == len(r.live_zones(d)), (r.key, day)
            assert bool(e and e.get("unknown")) == (r.is_live(d) and not r.zones_known(d))
            checked += 1
    assert checked > 10_000


def test_sites_show_from_their_announcement_until_their_region_appears(project, blob):
    providers = [p["id"] for p in blob["providers"]]
    for day in blob["steps"][::5]:
        d = dt.date.fromisoformat(day)
        want = {(s.provider, s.id) for s in project.catalog.sites_as_of(d)}
        got = {
            (providers[p["provider"]], p["id"])
            for p in _places(blob)
            if p["site"] and _status(blob, p, day) == "announced"
        }
        assert got == want, day


def test_steps_are_every_dated_change_then_the_as_of_date(blob):
    steps = blob["steps"]
    assert steps == sorted(set(steps)) and steps[-1] == blob["asOf"]
    days = {t["on"] for p in _places(blob) for t in p["history"]}
    assert set(steps) == days | {blob["asOf"]}


def test_bounded_flag_marks_no_later_than_launch_dates(project, blob):
    providers = [p["id"] for p in blob["providers"]]
    regions = {(r.provider, r.id): r for r in project.catalog.regions}
    bounded = [p for p in _places(blob) if p["bounded"]]
    assert bounded
    for p in _places(blob):
        if not p["site"]:
            assert p["bounded"] == regions[(providers[p["provider"]], p["id"])].bounded()


@pytest.mark.parametrize(
    ("day", "regions", "zones"),
    [("2024-06-27", 30, 89), ("2025-05-24", 29, 87), ("2025-10-28", 29, 92)],
)
def test_counting_from_the_blob_gives_alibabas_headline_totals(project, blob, day, regions, zones):
    """What the page's header computes (countsRegion, countsZones) equals the view's footprint,
    and reproduces the figures Alibaba announced."""
    ali = [p["id"] for p in blob["providers"]].index("alibaba-cloud")
    n_regions = n_zones = 0
    for p in _places(blob):
        s = _status(blob, p, day)
        if p["provider"] != ali or s not in LIVE:
            continue
        n_regions += p["countsRegion"]
        n_zones += _entry(p, day)["zones"] if p["countsZones"] else 0
    fp = project.at(day, "alibaba-cloud").footprint
    assert (n_regions, n_zones) == (len(fp.regions), len(fp.zones)) == (regions, zones)


def test_every_provider_counts_as_footprint_does(project, blob):
    for i, prov in enumerate(blob["providers"]):
        live = [
            p
            for p in _places(blob)
            if p["provider"] == i and _status(blob, p, blob["asOf"]) in LIVE
        ]
        fp = project.at(providers=prov["id"]).footprint
        assert sum(p["countsRegion"] for p in live) == len(fp.regions), prov["id"]
        zones = sum(_entry(p, blob["asOf"])["zones"] for p in live if p["countsZones"])
        assert zones == len(fp.zones), prov["id"]


# --------------------------------------------------------------------------- compare, RTT


def test_comparison_is_compare_providers_per_market(project, blob):
    from cloudmap.compare import compare_providers

    pids = [p["id"] for p in blob["providers"]]
    compare = blob["details"]["compare"]
    assert [m["name"] for m in compare["markets"]] == sorted(project.catalog.markets)
    assert compare["note"] == "estimated from distance"
    for m in compare["markets"]:
        want = compare_providers(project.at(providers="all"), market=m["name"])
        assert [
            [pids[r["provider"]], r["regions"], r["zones"], r["countries"], r["zonesUnknown"]]
            for r in m["providers"]
        ] == [
            [
                p["provider"],
                p["live_regions"],
                p["live_zones"],
                p["countries_covered"],
                len(p["zones_unknown"]),
            ]
            for p in want["providers"]
        ]
        got = {
            c["country"]: {
                pids[n["provider"]]: (n["region"], n["km"], n["ms"], n["rough"])
                for n in c["nearest"]
            }
            for c in m["countries"]
        }
        assert got == {
            c["iso_a2"]: {
                pid: (
                    n["region"],
                    n["median_km"],
                    n["rtt_est_ms"],
                    n["location_precision"] == "country",
                )
                for pid, n in c["nearest"].items()
            }
            for c in want["countries"]
        }
        for cc in got:
            assert cc in blob["countryNames"]


def test_rtt_is_per_provider_with_banded_colours(project, blob):
    from cloudmap.coverage import RTT_BANDS

    rtt = blob["rtt"]
    assert [b["upTo"] for b in rtt["bands"]][:-1] == [u for u, _ in RTT_BANDS][:-1]
    assert rtt["bands"][-1]["upTo"] is None
    i = [p["id"] for p in blob["providers"]].index("aws")
    recs = project.at(providers="aws").country_coverage().set_index("iso_a2")
    for cc in ("DE", "BR", "JP", "ZA"):
        assert rtt["byCountry"][cc]["ms"][i] == round(recs.loc[cc, "rtt_est_ms"], 1)
        assert rtt["byCountry"][cc]["region"][i] == recs.loc[cc, "nearest_region"]


# --------------------------------------------------------------------------- colours, shapes


def _linear(hex_: str) -> list[float]:
    rgb = [int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]


# Colour vision deficiencies at full severity, as linear-RGB matrices (Machado, Oliveira and
# Fernandes 2009, "A Physiologically-based Model for Simulation of Color Vision Deficiency").
CVD = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
}  # fmt: skip


def _lab(hex_: str, vision: str | None = None) -> tuple[float, float, float]:
    lin = _linear(hex_)
    if vision is not None:
        m = CVD[vision]
        lin = [min(max(sum(m[i][j] * lin[j] for j in range(3)), 0.0), 1.0) for i in range(3)]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: str, b: str, vision: str | None = None) -> float:
    """CIE76 distance, as seen with normal vision or the given deficiency."""
    return sum((p - q) ** 2 for p, q in zip(_lab(a, vision), _lab(b, vision), strict=True)) ** 0.5


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""
    la, lb = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] for c in (_linear(a), _linear(b)))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_colour_formulas_match_known_values():
    assert round(_contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(_contrast("#767676", "#ffffff"), 2) == 4.54  # WCAG's classic grey on white
    # the pair the walkthrough measured: "new zone" teal vs "closed" grey of the old palette,
    # ΔE 5 under deuteranopia and 2 under protanopia
    assert 5 <= _delta_e("#0b6e75", "#5b6470", "deuteranopia") < 6
    assert 1.5 <= _delta_e("#0b6e75", "#5b6470", "protanopia") < 2.5


STATUS_FILLS = {**mapdata.STATUS_COLORS, "announced": mapdata.ANNOUNCED_FILL}
# Every background a marker or an outline can lie on: the offline basemap's land and sea, the
# street map's land and water (OpenStreetMap's own colours, before the page greys them), white,
# and every shading colour.
BACKGROUNDS = (
    mapdata.BASEMAP["land"], mapdata.BASEMAP["sea"], "#f2efe9", "#aad3df", "#ffffff",
    *(c for _, c in mapdata.ZONE_BINS), *mapdata.RTT_COLORS, *mapfigures.CARBON_COLORS,
)  # fmt: skip


def test_status_fills_carry_white_digits_and_differ_for_every_vision():
    for status, colour in mapdata.STATUS_COLORS.items():
        if status != "announced":
            assert _contrast(colour, "#ffffff") >= 4.5, status
    for vision in (None, "deuteranopia", "protanopia"):
        for (s, a), (t, b) in itertools.combinations(STATUS_FILLS.items(), 2):
            assert _delta_e(a, b, vision) >= 10, (vision, s, t)


def test_status_colours_meet_3_to_1_against_the_basemap():
    """A marker's status colour (the outline for announced ones) against the land and sea it
    lies on; over shading, its white ring (4.5:1 with every fill, above) sets it apart."""
    for status, colour in mapdata.STATUS_COLORS.items():
        for bg in (mapdata.BASEMAP["land"], mapdata.BASEMAP["sea"], "#f2efe9", "#aad3df"):
            assert _contrast(colour, bg) >= 3, (status, bg)


def test_market_outlines_meet_3_to_1_against_every_background():
    """Each outline is a dark line on a light casing: on every background one of the two
    reaches 3:1, and the line reaches 3:1 against its casing."""
    casing = mapdata.MARKET_CASING
    for colour in mapdata.MARKET_COLORS:
        assert _contrast(colour, casing) >= 3, colour
        for bg in BACKGROUNDS:
            assert max(_contrast(colour, bg), _contrast(casing, bg)) >= 3, (colour, bg)
    assert (
        len(set(mapdata.MARKET_DASHES)) == len(mapdata.MARKET_DASHES) >= len(mapdata.MARKET_COLORS)
    )
    for a, b in itertools.combinations(mapdata.MARKET_COLORS, 2):
        assert _delta_e(a, b) >= 20, (a, b)


def test_shading_steps_stay_apart_for_every_vision():
    for vision in (None, "deuteranopia", "protanopia"):
        for palette in (
            [c for _, c in mapdata.ZONE_BINS],
            mapdata.RTT_COLORS,
            mapfigures.CARBON_COLORS,
        ):
            for a, b in itertools.combinations(palette, 2):
                assert _delta_e(a, b, vision) >= 10, (vision, a, b)


def test_every_provider_is_drawn_as_its_file_says(project, blob):
    looks = [(p["shape"], p["color"]) for p in blob["providers"]]
    assert len(set(looks)) == len(looks)
    assert all(p["short"] and len(p["short"]) <= 8 for p in blob["providers"])
    assert blob["selected"] == ["alibaba-cloud"]
    for p in blob["providers"]:
        style = project.catalog.providers[p["id"]].style
        assert (p["short"], p["shape"], p["color"]) == (style.short, style.shape, style.color)


# --------------------------------------------------------------------------- geometry, JSON


def _rings(blob: dict):
    scale = blob["countries"]["scale"]
    for row in blob["countries"]["items"]:
        for poly in row["shape"]:
            for ring in poly:
                xs = list(itertools.accumulate(ring[0::2]))
                ys = list(itertools.accumulate(ring[1::2]))
                yield row["key"], [x / scale for x in xs], [y / scale for y in ys]


def test_country_rings_stay_on_the_map_and_never_band_across_it(blob):
    n = 0
    for key, xs, ys in _rings(blob):
        n += 1
        assert min(xs) >= -180 and max(xs) <= 180 and min(ys) >= -90 and max(ys) <= 90, key
        assert max(xs) - min(xs) < 180 or key in ("ATA", "RUS", "FJI"), key
        assert len(xs) >= 3
    assert n > 1000


def test_simplification_keeps_shared_borders_shared(blob):
    pts: dict[str, set] = {}
    for key, xs, ys in _rings(blob):
        pts.setdefault(key, set()).update(zip(xs, ys, strict=True))
    for a, b in (("FRA", "ESP"), ("USA", "CAN"), ("CHN", "MNG"), ("BRA", "ARG")):
        assert len(pts[a] & pts[b]) >= 3, (a, b)


def test_blob_is_deterministic(project, blob):
    again = mapdata.map_data(project.at())
    assert mapdata.script_json(again) == mapdata.script_json(blob)


@pytest.mark.parametrize(
    "raw", ["</script>", "</SCRIPT >", "<!--", "a & b", "x\u2028y\u2029z", "'\"`\\1", "{{ 7*7 }}"]
)
def test_script_json_cannot_break_out_and_round_trips(raw):
    text = mapdata.script_json({"k": raw})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"k": raw}


def test_popup_texts_name_no_catalog_field_or_file(blob):
    """What popups show is written for a reader: no field name of the catalog (``zone_count``,
    ``counting.exclude``), no file, no ``<=`` bound syntax; kinds and placements in words."""
    from cloudmap import schema

    fields = {k.name for rec in schema.RECORDS.values() for k in rec.keys if "_" in k.name}
    words = [*sorted(fields), "counting.exclude", "exclude:", ".yaml", "seeds/", "data/", "<="]
    details = blob["details"]
    assert details is not None
    texts = [p["name"] for p in blob["places"]]
    for d in details["places"]:
        texts += [d["kind"], d["placed"], d["notes"] or "", d["excluded"] or ""]
        texts += [x["text"] for x in d["dates"]]
        texts += [z.get("notes") or "" for z in d["zones"]]
        grid = d.get("grid", {})
        texts += [grid.get("zone_reason") or "", grid.get("operator_unknown") or ""]
    texts += [p["rule"] for p in blob["providers"]]

    def pattern(w: str) -> str:  # whole words: "excludes" is English, "exclude:" a field
        return (
            ("(?<![\\w.])" if w[0].isalnum() else "")
            + re.escape(w)
            + ("(?!\\w)" if w[-1].isalnum() else "")
        )

    found = re.compile("|".join(pattern(w) for w in words))
    bad = [(m.group(), t[:80]) for t in texts for m in [found.search(t)] if m]
    assert bad == []
    assert {d["kind"] for d in details["places"]} <= {
        *mapdata.KIND_WORDS.values(),
        "announced site",
    }
    assert {d["placed"] for d in details["places"]} <= set(mapdata.PLACED_AT.values())
    assert mapdata.reader_text("launched <=2024-05; zones known <=2021-12-20") == (
        "launched no later than 2024-05; zones known no later than 2021-12-20"
    )


def test_grid_carbon_is_each_countrys_comparable_figure_and_each_regions_facts(project, blob):
    """The "grid carbon" shading is the comparable country figure (one dataset for every
    country), and each region's popup facts are its view's grid facts (cloudmap.gridfacts)."""
    from cloudmap.gridfacts import country_carbon

    view = project.at()
    carbon = blob["carbon"]
    grid = project.at(providers="all").grid
    assert carbon["dataset"] == grid.datasets[grid.comparable].name
    for cc in ("CN", "US", "FR", "SA", "MX"):
        figure = country_carbon(grid, cc)
        assert figure is not None and carbon["byCountry"][cc] == round(figure.g_per_kwh)
    assert [b["upTo"] for b in carbon["bands"]] == [100, 250, 400, 550, None]
    keys = [
        f"{blob['providers'][p['provider']]['id']}:{p['id']}"
        for p in blob["places"]
        if not p.get("site")
    ]
    popups = project.at(providers="all").grid_popups
    for key, d in zip(keys, blob["details"]["places"], strict=False):
        want = {k: v for k, v in popups[key].items() if v not in (None, [], "")}
        assert d["grid"] == want, key
    assert view.stats()["regions"] > 0
