"""From an article to a proposed catalog change: what it says, how it compares with the catalog
on its date, and the commands that would record it (the library half of `announce draft`)."""

from __future__ import annotations

__all__ = ["Check", "Draft", "NothingToPropose", "Reconciliation", "draft", "read_source"]

import datetime as dt
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cloudmap.errors import CloudmapError

if TYPE_CHECKING:
    from cloudmap.dates import PartialDate
    from cloudmap.intake.article import Article
    from cloudmap.intake.extract import Extraction
    from cloudmap.model import Catalog, Region

ZONE_WINDOW = dt.timedelta(days=120)


class NothingToPropose(CloudmapError):
    """The article was read but says nothing the catalog records (no totals, sites or money)."""


def read_source(source: str) -> Article:
    """The article at a path, an http(s) URL (fetched) or ``-`` (standard input), read with
    cloudmap.outside.read_input: a size cap, one deadline for the whole read, no pipes or
    devices."""
    from cloudmap.intake.article import read_article
    from cloudmap.outside import read_input

    name = "<stdin>" if source == "-" else source
    return read_article(name, data=read_input(source, what="article"))


@dataclass(frozen=True)
class Check:
    """One claimed total against the catalog."""

    what: str  # "regions" or "zones"
    claimed: int
    catalog: int

    @property
    def difference(self) -> int:
        return self.catalog - self.claimed

    def to_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "claimed": self.claimed,
            "catalog": self.catalog,
            "difference": self.difference,
        }


@dataclass(frozen=True)
class Reconciliation:
    """The claims against the catalog on the article's date; ``result`` is ``match``,
    ``differs``, ``target`` (a goal, not compared), ``no totals`` or ``no date``."""

    as_of: dt.date | None
    result: str
    checks: tuple[Check, ...] = ()
    candidates: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "result": self.result,
            "checks": [c.to_json() for c in self.checks],
            "candidates": list(self.candidates),
        }


@dataclass(frozen=True)
class Draft:
    """A proposed change: what the article says (``extraction``), whose catalog it is compared
    with, the reconciliation, the commands a person reviews and runs, and the keyword arguments
    of cloudmap.edit.add_announcement that record it (None while the date is unknown)."""

    extraction: Extraction
    provider: str
    title: str
    source: str | None
    reconcile: Reconciliation
    commands: tuple[str, ...]
    announce: dict[str, Any] | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """``--json``'s contract (docs/announce-draft.md)."""
        out = self.extraction.to_json()
        out["provider"] = self.provider
        out["title"] = self.title
        out["source"] = self.source
        out["reconcile"] = self.reconcile.to_json()
        out["commands"] = list(self.commands)
        return out


def _markets(catalog: Catalog) -> list[Any]:
    from cloudmap.intake.markets import MarketName

    return [
        MarketName(m.name, m.m49, tuple(m.countries), tuple(m.aliases))
        for _, m in sorted(catalog.markets.items())
    ]


def _reconcile(
    catalog: Catalog, provider: str, on: dt.date | None, ex: Extraction
) -> Reconciliation:
    """The claims against the catalog on the article's date: a match, or the residual with
    candidate explanations (zones near that date whose dates are bounds or unknown, announced
    sites in the named countries, regions excluded from the totals). Totals stated as a goal
    are a target: recorded, never compared."""
    from cloudmap.footprint import footprint

    claims = {"regions": ex.regions, "zones": ex.zones}
    if on is None:
        return Reconciliation(None, "no date")
    if all(v is None for v in claims.values()):
        return Reconciliation(on, "no totals")
    fp = footprint(catalog, on, provider=provider)
    have = {"regions": len(fp.regions), "zones": len(fp.zones)}
    checks = tuple(Check(k, v, have[k]) for k, v in claims.items() if v is not None)
    if ex.target:
        return Reconciliation(on, "target", checks)
    match = all(c.difference == 0 for c in checks)
    candidates: list[str] = []
    if not match:
        short = any(c.difference < 0 for c in checks)
        candidates = _candidates(catalog, provider, on, ex, short=short)
        if fp.zones_unknown and short:
            candidates.append(f"{len(fp.zones_unknown)} counted regions have no known zone count")
    return Reconciliation(
        on, "match" if match else "differs", checks, tuple(sorted(set(candidates)))
    )


def _site_in(catalog: Catalog, provider: str, country: str) -> str | None:
    """The id of the provider's announced site in ``country`` that has no region yet, if one."""
    for site in catalog.sites:
        if site.provider == provider and site.country == country and site.region is None:
            return site.id
    return None


def _amount(value: Any) -> str:
    """A Decimal amount as plain digits (380000000000), never in exponent form."""
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def _candidates(
    catalog: Catalog, provider: str, on: dt.date, ex: Extraction, *, short: bool
) -> list[str]:
    """Dated events that could explain a gap between a claim and the catalog on ``on``.

    The catalog short of the claim: events dated just after ``on`` (they may have come
    earlier), regions left out of the totals, announced sites in the countries the article
    names. The catalog over the claim: events dated just before ``on`` whose date is not a day
    (a month, a year or a bound: they may have come later)."""
    out: list[str] = []
    countries = {s.country for s in ex.sites}

    def near(d: PartialDate | None) -> bool:
        if d is None:
            return False
        if short:
            return on < d.effective <= on + ZONE_WINDOW
        return on - ZONE_WINDOW <= d.effective <= on and (d.no_later_than or d.precision != "day")

    for r in catalog.regions:
        if r.provider != provider:
            continue
        if near(r.launched):
            out.append(f"region {r.id} launched {r.launched}")
        for z in r.zones:
            if z.id and near(z.opened):
                out.append(f"zone {z.id} opened {z.opened}")
        if short and r.id in catalog.providers[provider].exclude and r.is_live(on):
            out.append(f"region {r.id} is left out of the totals (counting.exclude)")
    if short:
        for s in catalog.sites_as_of(on):
            if s.provider == provider and s.country in countries:
                out.append(f"announced site {s.id} in {s.country} has no region yet")
    return sorted(set(out))


def _q(value: object) -> str:
    return shlex.quote(str(value))


def _commands(
    catalog: Catalog,
    provider: str,
    ex: Extraction,
    *,
    date: str,
    title: str,
    source: str,
) -> tuple[list[str], list[str]]:
    """(the commands a person would review and run, the ``announce add`` arguments)."""
    add = [
        "announce",
        "add",
        "--date",
        date,
        "--title",
        title,
        "--source",
        source,
        "--provider",
        provider,
    ]
    if ex.regions is not None:
        add += ["--claim", f"regions={ex.regions}"]
    if ex.zones is not None:
        add += ["--claim", f"zones={ex.zones}"]
    if ex.target and (ex.regions is not None or ex.zones is not None):
        add += ["--target"]
    for m in ex.markets:
        add += ["--market", m]
    for inv in ex.investment:
        add += ["--investment", f"{_amount(inv.amount)}:{inv.currency}"]
    on = ex.date or catalog.default_as_of
    live: dict[str, Region] = {}
    for r in sorted(catalog.regions, key=lambda r: r.id):
        if r.provider == provider and r.is_live(on):
            live.setdefault(r.country, r)
    planned = {s.country for s in ex.sites if s.event == "planned"}
    follow: list[str] = []
    for s in ex.sites:
        where = f"{s.country}:{s.city}" if s.city else s.country
        region = live.get(s.country)
        if s.event == "planned":
            add += ["--site", where]
        elif s.country in planned and region is None:
            continue  # "opened" beside "planned" for a country with no region: the plan wins
        elif s.event == "opened" and region is None:
            follow.append(
                "cloudmap region add --id <REGION-ID> --name <NAME> "
                f"--city {_q(s.city or '<CITY>')} --country {s.country} --lat <LAT> --lon <LON> "
                f"--launched {date} --zones <ZONE-IDS> --source {_q(source)} --provider {provider}"
                + (f" --site {site}" if (site := _site_in(catalog, provider, s.country)) else "")
            )
        elif s.event in ("opened", "expanding") and region is not None:
            follow.append(
                f"cloudmap region add-zone {provider}:{region.id} --zone <ZONE-ID> "
                f"--opened {date} --source {_q(source)}"
            )
        elif s.event in ("closing", "closed") and region is not None:
            flag = "--closure-announced" if s.event == "closing" else "--closed"
            if (region.closure_announced if s.event == "closing" else region.closed) is not None:
                continue  # already recorded
            follow.append(
                f"cloudmap region update {provider}:{region.id} {flag} {date} --source {_q(source)}"
            )
    commands = ["cloudmap " + " ".join(_q(a) for a in add), *follow]
    return commands, add


def draft(
    catalog: Catalog,
    article: Article,
    *,
    provider: str | None = None,
    source: str | None = None,
    fallback_date: dt.date | None = None,
    name: str | None = None,
) -> Draft:
    """The proposal for one article. ``provider``: whose catalog it is compared with (default:
    the provider the article is about, from its title and opening, else alibaba-cloud); facts
    the article gives about other providers are left out of the proposal. ``name`` is how
    messages name the article (its path or URL). Raises CloudmapError for an unknown provider,
    text in no language cloudmap reads, and an article with nothing to propose."""
    from cloudmap.intake.extract import extract
    from cloudmap.intake.language import LANGUAGES

    name = name or source or "the article"
    if provider is not None and provider not in catalog.providers:
        known = ", ".join(sorted(catalog.providers))
        raise CloudmapError(f"no provider {provider!r} in the catalog (known: {known})")
    ex = extract(
        article.text,
        title=article.title,
        fallback_date=article.date or fallback_date,
        markets=_markets(catalog),
        provider=provider,
        providers=tuple(sorted(catalog.providers)),
    )
    if ex.language is None:
        if ex.unsupported is not None:
            raise CloudmapError(
                f"{name}: the article is in {ex.unsupported}, which cloudmap does not read "
                f"(it reads {', '.join(LANGUAGES)}); translate it or record it by hand with "
                "`cloudmap announce add`"
            )
        raise CloudmapError(
            f"{name}: no text in a language cloudmap reads ({', '.join(LANGUAGES)})"
        )
    about = ex.provider or (
        next(iter(catalog.providers))
        if len(catalog.providers) == 1
        else "alibaba-cloud"  # an article that names no provider: the catalog's first
    )
    if about not in catalog.providers:
        known = ", ".join(sorted(catalog.providers))
        raise CloudmapError(
            f"{name}: the article is about {about}, which the catalog does not "
            f"have (known: {known})"
        )
    if ex.regions is None and ex.zones is None and not ex.sites and not ex.investment:
        raise NothingToPropose(
            f"{name}: found no region or zone totals, data-centre sites or investment figures "
            f"of {about} (language: {ex.language}); is it about a cloud footprint? Nothing to "
            "propose"
        )
    date = ex.date.isoformat() if ex.date else "<DATE>"
    title = (article.title or "").strip() or f"Announcement of {date}"
    commands, add = _commands(
        catalog, about, ex, date=date, title=title, source=source or "<SOURCE-URL>"
    )
    return Draft(
        extraction=ex,
        provider=about,
        title=title,
        source=source,
        reconcile=_reconcile(catalog, about, ex.date, ex),
        commands=tuple(commands),
        announce=_announce_options(add) if ex.date else None,
    )


def _announce_options(argv: list[str]) -> dict[str, Any]:
    """`announce add` arguments as keyword arguments of cloudmap.edit.add_announcement."""
    opts: dict[str, Any] = {"claims": [], "markets": [], "sites": [], "investment": []}
    keys = {
        "--claim": "claims",
        "--market": "markets",
        "--site": "sites",
        "--investment": "investment",
    }
    it = iter(argv[2:])
    for flag in it:
        if flag == "--target":
            opts["target"] = True
            continue
        value = next(it)
        if flag in keys:
            opts[keys[flag]].append(value)
        else:
            opts[flag.removeprefix("--")] = value
    return opts
