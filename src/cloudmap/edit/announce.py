"""The announcement edit command: record an announcement (and its announced sites)."""

from __future__ import annotations

__all__ = ["add_announcement", "check_markets", "site_id"]

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedSeq

from cloudmap.edit.common import (
    _CLAIM_KEYS,
    country_code,
    date_node,
    defaults,
    locked,
    parse_option_date,
    quote_of,
    records,
    slug,
    used_ids,
)
from cloudmap.edit.session import Session, provider_id
from cloudmap.edit.yamlfiles import append, put, quote_style, styled
from cloudmap.errors import CloudmapError
from cloudmap.schema import ID_HINT, ID_RE


def _claims(items: Sequence[str]) -> dict[str, int | str]:
    """``regions=30`` -> 30; ``regions=30+`` ("more than 30", as "over 30" is written) -> "30+"."""
    out: dict[str, int | str] = {}
    for item in items:
        key, _, value = item.partition("=")
        key, value = key.strip(), value.strip()
        more = value.endswith("+")
        number = value[:-1] if more else value
        if key not in _CLAIM_KEYS or not (number.isascii() and number.isdigit()):
            raise CloudmapError(
                f'claim {item!r}: write regions=N, zones=N or countries=N (N+ for "more than N")'
            )
        out[key] = f"{int(number)}+" if more else int(number)
    return out


def check_markets(root: Path, names: Sequence[str]) -> list[str]:
    """The market names as data/markets.yaml spells them (unchecked if it does not exist)."""
    if not names or not (root / "data" / "markets.yaml").is_file():
        return list(names)
    from cloudmap.catalog import read_markets

    markets, _, _ = read_markets(root)
    known = {" ".join(n.split()).casefold(): n for n in markets}
    for m in markets.values():
        for alias in m.aliases:
            known.setdefault(" ".join(alias.split()).casefold(), m.name)
    out = []
    for name in names:
        key = " ".join(name.split()).casefold()
        if key not in known:
            close = difflib.get_close_matches(name, list(known.values()), n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"defined: {', '.join(sorted(known.values()))}"
            )
            raise CloudmapError(f"market {name!r} is not defined in data/markets.yaml ({hint})")
        out.append(known[key])
    return out


def _investment(item: str) -> dict[str, Any]:
    """``380e9:CNY`` -> ``{amount: 380000000000, currency: CNY}``."""
    from cloudmap.reader import parse_number

    amount_text, _, currency = item.partition(":")
    try:
        amount = parse_number(amount_text)
    except ValueError as exc:
        raise CloudmapError(
            f"investment {item!r}: {exc}; write AMOUNT:CURRENCY, e.g. 380e9:CNY"
        ) from None
    if amount <= 0 or not currency.strip():
        raise CloudmapError(
            f"investment {item!r}: write AMOUNT:CURRENCY with an amount above 0, e.g. 380e9:CNY"
        )
    value: int | float = int(amount) if amount == int(amount) else amount
    return {"amount": value, "currency": currency.strip().upper()}


def _check_country(spec: str, cc: str) -> None:
    from cloudmap.reader import Reader

    rd = Reader("-")
    rd.scalar(cc, "country", (), line=0, id_="-", fld="site")
    if rd.problems:
        raise CloudmapError(f"site {spec!r}: {rd.problems[0].message}")


def site_id(country: str, city: str | None, year: int, used: Iterable[str]) -> str:
    taken = set(used)
    cc = slug(country) or "site"
    candidates = [f"{cc}-{year}"]
    if city:
        candidates.append(f"{cc}-{slug(city)}-{year}")
    for sid in candidates:
        if sid not in taken:
            return sid
    n = 2
    while f"{candidates[-1]}-{n}" in taken:
        n += 1
    return f"{candidates[-1]}-{n}"


@locked
def add_announcement(
    session: Session,
    *,
    date: str,
    title: str,
    source: str,
    supports: str | None = None,
    summary: str | None = None,
    publisher: str | None = None,
    claims: Sequence[str] = (),
    markets: Sequence[str] = (),
    sites: Sequence[str] = (),
    id: str | None = None,
    provider: str | None = None,
    investment: Sequence[str] = (),
    target: bool = False,
) -> list[str]:
    """Record an announcement as ``seeds/<id>.yaml``; each ``COUNTRY[:CITY]`` in ``sites`` also
    becomes an announced site in the provider file, each ``AMOUNT:CURRENCY`` in ``investment`` an
    investment claim; ``target``: the claimed totals are a goal, not a count. Returns what was
    done, one line each."""
    root = session.root
    d = parse_option_date("date", date)
    title = title.strip()
    if id is not None:
        aid = id.strip()
    else:
        title_slug = slug(title)
        if not title_slug:
            raise CloudmapError(f"cannot make an id from the title {title!r}; give an id")
        aid = f"{d.iso}-{title_slug}"
    if not ID_RE.match(aid):
        raise CloudmapError(f"id {aid!r}: {ID_HINT}")
    totals = _claims(claims)
    market_names = check_markets(root, [m.strip() for m in markets if m.strip()])
    f = session.provider(provider)
    pid = provider_id(f)
    used = set(used_ids(f))
    planned = []
    site_records = []
    for spec in sites:
        code, _, city_text = spec.partition(":")
        cc, city = country_code(code), city_text.strip() or None
        _check_country(spec, cc)
        sid = site_id(cc, city, d.effective.year, used)
        used.add(sid)
        planned.append({"country": cc, "site": sid})
        place = f"{cc} ({city})" if city else cc
        site_records.append(
            {
                "id": sid,
                "country": cc,
                "city": city,
                "announced": date_node(d),
                "location": None,
                "region": None,
                "announcements": [aid],
                "sources": [{"url": source.strip(), "supports": f"announced site in {place}"}],
            }
        )
    given = ["date", "title"]
    given += ["headline totals"] if totals else []
    given += ["markets"] if market_names else []
    given += ["planned sites"] if planned else []
    record: dict[str, Any] = {"id": aid, "date": date_node(d), "provider": pid, "title": title}
    if publisher:
        record["publisher"] = publisher.strip()
    record["sources"] = [{"url": source.strip(), "supports": supports or ", ".join(given)}]
    record["summary"] = (summary or title).strip()
    claim_map: dict[str, Any] = {}
    money = [_investment(item) for item in investment]
    if totals:
        claim_map["totals"] = totals
        if target:
            claim_map["target"] = True
    if planned:
        claim_map["planned"] = planned
    if market_names:
        claim_map["markets"] = market_names
    if money:
        claim_map["investment"] = money
    if claim_map:
        record["claims"] = claim_map
    seeds = sorted((root / "seeds").glob("*.yaml"))
    like = [session.open(f"seeds/{seeds[-1].name}").doc] if seeds else []
    quote = (
        quote_style(*(s.get("id") for s in like if isinstance(s, dict))) if like else quote_of(f)
    )
    rel = f"seeds/{aid}.yaml"
    session.create(rel, styled(record, [*like, defaults("seed")], quote))
    done = [f"Added announcement {aid} as {rel}"]
    if site_records:
        sites_seq = f.doc.get("sites")
        site_like = [
            *reversed(records(f, "sites")),
            defaults("site"),
            *reversed(records(f, "regions")),
        ]
        nodes = [styled(s, site_like, quote_of(f)) for s in site_records]
        if isinstance(sites_seq, CommentedSeq) and sites_seq:
            for node in nodes:
                append(sites_seq, node)
        else:
            put(f.doc, "sites", CommentedSeq(nodes), ("provider", "regions", "sites"))
        done += [
            f"Added announced site {s['id']} ({s['country']}) to {f.rel}" for s in site_records
        ]
    session.commit()
    return done
