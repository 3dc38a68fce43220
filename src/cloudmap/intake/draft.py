"""`cloudmap announce draft`: from an article to a proposed catalog change — what it says, how it
compares with the catalog on its date, and the commands that would record it."""

from __future__ import annotations

__all__ = ["Draft", "draft", "draft_command", "fetch", "proposal_text"]

import argparse
import datetime as dt
import json
import shlex
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudmap.countries import get_name
from cloudmap.errors import CloudmapError

if TYPE_CHECKING:
    from cloudmap.dates import PartialDate
    from cloudmap.intake.article import Article
    from cloudmap.intake.extract import Extraction
    from cloudmap.model import Catalog, Region

FETCH_TIMEOUT_S = 20
MAX_BYTES = 20 * 1024 * 1024
ZONE_WINDOW = dt.timedelta(days=120)


def fetch(url: str) -> bytes:
    """The bytes at an http(s) URL, or CloudmapError saying why not (offline, refused...)."""
    from cloudmap.reader import check_url

    why = check_url(url)
    if why:
        raise CloudmapError(why)
    req = urllib.request.Request(url, headers={"User-Agent": "cloudmap (announce draft)"})
    try:
        with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT_S) as resp:
            data: bytes = resp.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CloudmapError(
            f"{url}: cannot be fetched ({reason}); save the page and pass the file instead"
        ) from None
    if len(data) > MAX_BYTES:
        raise CloudmapError(f"{url}: larger than {MAX_BYTES // 2**20} MiB; not an article")
    return data


def read_source(source: str) -> Article:
    """The article at a path, a URL (fetched), or ``-`` (standard input)."""
    from cloudmap.intake.article import read_article

    if source == "-":
        return read_article("<stdin>", data=sys.stdin.buffer.read())
    if source.startswith(("http://", "https://")):
        return read_article(source, data=fetch(source))
    return read_article(Path(source))


@dataclass(frozen=True)
class Draft:
    """A proposed change: the extraction, its reconciliation and the commands, as the JSON."""

    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.data


def _markets(catalog: Catalog) -> list[Any]:
    from cloudmap.intake.markets import MarketName

    return [
        MarketName(m.name, m.m49, tuple(m.countries), tuple(m.aliases))
        for _, m in sorted(catalog.markets.items())
    ]


def _reconcile(
    catalog: Catalog, provider: str, on: dt.date | None, ex: Extraction
) -> dict[str, Any]:
    """The claims against the catalog on the article's date: a match, or the residual with
    candidate explanations (zones near that date whose dates are bounds or unknown, announced
    sites in the named countries, regions excluded from the totals)."""
    from cloudmap.footprint import footprint

    claims = {"regions": ex.regions, "zones": ex.zones}
    if on is None:
        return {"as_of": None, "result": "no date", "checks": [], "candidates": []}
    if all(v is None for v in claims.values()):
        return {"as_of": on.isoformat(), "result": "no totals", "checks": [], "candidates": []}
    fp = footprint(catalog, on, provider=provider)
    have = {"regions": len(fp.regions), "zones": len(fp.zones)}
    checks: list[dict[str, Any]] = [
        {"what": k, "claimed": v, "catalog": have[k], "difference": have[k] - v}
        for k, v in claims.items()
        if v is not None
    ]
    match = all(c["difference"] == 0 for c in checks)
    candidates: list[str] = []
    if not match:
        short = any(c["difference"] < 0 for c in checks)
        candidates = _candidates(catalog, provider, on, ex, short=short)
        if fp.zones_unknown and short:
            candidates.append(f"{len(fp.zones_unknown)} counted regions have no known zone count")
    return {
        "as_of": on.isoformat(),
        "result": "match" if match else "differs",
        "checks": checks,
        "candidates": sorted(set(candidates)),
    }


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
    add = ["announce", "add", "--date", date, "--title", title, "--source", source,
           "--provider", provider]  # fmt: skip
    if ex.regions is not None:
        add += ["--claim", f"regions={ex.regions}"]
    if ex.zones is not None:
        add += ["--claim", f"zones={ex.zones}"]
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
    provider: str = "alibaba-cloud",
    source: str | None = None,
    fallback_date: dt.date | None = None,
    name: str | None = None,
) -> Draft:
    """The proposal for one article: ``--json``'s contract (docs/announce-draft.md). ``name``
    is how messages name the article (its path or URL)."""
    from cloudmap.intake.extract import extract

    if provider not in catalog.providers:
        known = ", ".join(sorted(catalog.providers))
        raise CloudmapError(f"no provider {provider!r} in the catalog (known: {known})")
    ex = extract(
        article.text,
        title=article.title,
        fallback_date=article.date or fallback_date,
        markets=_markets(catalog),
    )
    name = name or source or "the article"
    if ex.language is None:
        raise CloudmapError(f"{name}: no text in a language cloudmap reads (en, fr, es, pt, zh, "
                            "ja, ko)")  # fmt: skip
    if ex.regions is None and ex.zones is None and not ex.sites and not ex.investment:
        raise CloudmapError(
            f"{name}: found no region or zone totals, data-centre sites or investment figures "
            f"(language: {ex.language}); is it about a cloud footprint? Nothing to propose"
        )
    date = ex.date.isoformat() if ex.date else "<DATE>"
    title = (article.title or "").strip() or f"Announcement of {date}"
    commands, _ = _commands(catalog, provider, ex, date=date, title=title,
                            source=source or "<SOURCE-URL>")  # fmt: skip
    out = ex.to_json()
    out["provider"] = provider
    out["title"] = title
    out["source"] = source
    out["reconcile"] = _reconcile(catalog, provider, ex.date, ex)
    out["commands"] = commands
    return Draft(out)


def proposal_text(d: Draft) -> str:
    """The proposal for people: what the article says, how it compares, what to run."""
    j = d.data
    lines = [f"Article ({j['language']}, {j['date'] or 'undated'}): {j['title']}"]
    c = j["claims"]
    if c["regions"] is not None or c["zones"] is not None:
        lines.append(f"  totals: {c['regions'] if c['regions'] is not None else '?'} regions, "
                     f"{c['zones'] if c['zones'] is not None else '?'} zones")  # fmt: skip
    for s in j["sites"]:
        place = f"{s['city']}, " if s["city"] else ""
        lines.append(f"  site: {place}{get_name(s['country'], s['country'])} ({s['country']}): "
                     f"{s['event']}")  # fmt: skip
    for inv in j["investment"]:
        conv = "".join(f" (~{x['amount']:,} {x['currency']})" for x in inv["converted"])
        lines.append(f"  investment: {inv['amount']:,} {inv['currency']}{conv}")
    if j["markets"]:
        lines.append("  markets: " + ", ".join(j["markets"]))
    rec = j["reconcile"]
    if rec["checks"]:
        parts = ", ".join(f"{x['what']} claimed {x['claimed']}, catalog {x['catalog']}"
                          + (f" ({x['difference']:+d})" if x["difference"] else "")
                          for x in rec["checks"])  # fmt: skip
        lines.append(f"Against the catalog on {rec['as_of']}: {rec['result'].upper()}: {parts}")
        lines += [f"  could explain it: {x}" for x in rec["candidates"]]
    lines.append("To record it (review, fill the <...> parts, then run):")
    lines += [f"  {cmd}" for cmd in j["commands"]]
    return "\n".join(lines) + "\n"


def draft_command(args: argparse.Namespace, root: Path | None) -> int:
    """The CLI: read, draft, print; with --write, record the announcement (validated, atomic)."""
    from cloudmap.cli.commands import load
    from cloudmap.edit import add_announcement

    project = load(argparse.Namespace(root=args.root))
    fallback = None
    if args.date:
        try:
            fallback = dt.date.fromisoformat(args.date)
        except ValueError:
            raise CloudmapError(f"--date {args.date}: not a date; write YYYY-MM-DD") from None
    article = read_source(args.article)
    source = args.source or (args.article if args.article.startswith("http") else None)
    d = draft(project.catalog, article, provider=args.provider, source=source,
              fallback_date=fallback, name=args.article)  # fmt: skip
    if args.json:
        print(json.dumps(d.to_json(), indent=2, ensure_ascii=False))
    else:
        print(proposal_text(d), end="")
    if not args.write:
        return 0
    assert root is not None
    if d.data["date"] is None:
        raise CloudmapError("the article states no date: pass --date YYYY-MM-DD to record it")
    if not source:
        raise CloudmapError("--write needs the article's URL: pass --source URL")
    from cloudmap.intake.extract import extract

    ex = extract(article.text, title=article.title, fallback_date=article.date or fallback,
                 markets=_markets(project.catalog))  # fmt: skip
    _, add = _commands(project.catalog, args.provider, ex, date=d.data["date"],
                       title=d.data["title"], source=source)  # fmt: skip
    opts = _announce_options(add)
    done = add_announcement(root, **opts)
    for line in done:
        print(line, file=sys.stderr if args.json else sys.stdout)
    return 0


def _announce_options(argv: list[str]) -> dict[str, Any]:
    """`announce add` arguments as keyword arguments of cloudmap.edit.add_announcement."""
    opts: dict[str, Any] = {"claims": [], "markets": [], "sites": [], "investment": []}
    keys = {"--claim": "claims", "--market": "markets", "--site": "sites",
            "--investment": "investment"}  # fmt: skip
    it = iter(argv[2:])
    for flag in it:
        value = next(it)
        if flag in keys:
            opts[keys[flag]].append(value)
        else:
            opts[flag.removeprefix("--")] = value
    return opts
