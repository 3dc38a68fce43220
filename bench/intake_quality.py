"""Precision and recall of cloudmap.intake over the hand-written corpus; writes bench/INTAKE.md.

    PYTHONPATH=src python bench/intake_quality.py           # rewrite bench/INTAKE.md
    PYTHONPATH=src python bench/intake_quality.py --check   # exit 1 if it is out of date

Each corpus text (tests/fixtures/intake/corpus/<lang>/<name>.<txt|md|html>) has its expected
JSON, written by hand from the text (<name>.json). Scalars (language, date, each total) count a
true positive when the engine's value equals the expected one, a false positive when it gives a
value that is wrong or not expected, a false negative when an expected value is missed or wrong.
Lists (sites, investment, markets) are compared as sets of items: a site is (country, city,
event), an investment is (amount, currency, its conversions). "sites (country)" is the lenient
view: the set of countries only. Nothing here is timed, so the file is reproducible.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "intake"
CORPUS = FIXTURES / "corpus"
OUT = ROOT / "bench" / "INTAKE.md"
GROUPS = {
    "en": "en",
    "fr": "fr",
    "es": "es",
    "pt": "pt",
    "zh": "zh (simplified)",
    "zht": "zh (traditional)",
    "ja": "ja",
    "ko": "ko",
}
FIELDS = (
    "language",
    "provider",
    "date",
    "claims",
    "target",
    "sites",
    "sites (country)",
    "investment",
    "markets",
)


@dataclass(frozen=True)
class Case:
    """One corpus text and what it says, as written by hand."""

    id: str  # "<language folder>/<stem>"
    path: Path
    about: str
    split: str  # "dev" (the engine was built looking at it) or "held-out" (written after)
    fallback_date: dt.date | None
    expected: dict[str, Any]

    @property
    def group(self) -> str:
        """The corpus folder: a language, or zht for traditional Chinese."""
        return self.id.split("/", 1)[0]


def cases() -> list[Case]:
    """Every corpus case, sorted by id."""
    out = []
    for meta in sorted(CORPUS.glob("*/*.json")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        fb = data.get("fallback_date")
        out.append(
            Case(
                id=f"{meta.parent.name}/{meta.stem}",
                path=meta.with_name(data["source"]),
                about=data.get("about", ""),
                split=data.get("split", "dev"),
                fallback_date=dt.date.fromisoformat(fb) if fb else None,
                expected=data["expected"],
            )
        )
    return out


def markets() -> list[Any]:
    """data/markets.yaml with the aliases proposed in fixtures/intake/market-aliases.yaml."""
    from cloudmap.intake import MarketName

    entries = yaml.safe_load((ROOT / "data" / "markets.yaml").read_text(encoding="utf-8"))[
        "markets"
    ]
    aliases = yaml.safe_load((FIXTURES / "market-aliases.yaml").read_text(encoding="utf-8")) or {}
    return [
        MarketName.from_mapping(
            {**e, "aliases": [*(e.get("aliases") or ()), *aliases.get(e["name"], ())]}
        )
        for e in entries
    ]


def run_case(case: Case, market_list: list[Any] | None = None) -> dict[str, Any]:
    """The engine's JSON for a case: read the file, then extract with the case's fallback date
    (or, when the case gives none, the date the document's metadata carries)."""
    from cloudmap.intake import extract, read_article
    from cloudmap.intake.attribution import provider_names

    article = read_article(case.path)
    return extract(
        article.text,
        title=article.title,
        fallback_date=case.fallback_date or article.date,
        markets=market_list if market_list is not None else markets(),
        providers=tuple(provider_names()),
    ).to_json()


# --- scoring -------------------------------------------------------------------------------


@dataclass
class Score:
    """True positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def _scalar(expected: Any, got: Any) -> Score:
    if got is None and expected is None:
        return Score()
    if got == expected:
        return Score(tp=1)
    return Score(fp=int(got is not None), fn=int(expected is not None))


def _sets(expected: Iterable[Any], got: Iterable[Any]) -> Score:
    e, g = set(expected), set(got)
    return Score(tp=len(e & g), fp=len(g - e), fn=len(e - g))


def _site_items(sites: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    return [(s["country"], s["city"], s["event"]) for s in sites]


def _money(m: dict[str, Any]) -> tuple[float, str]:
    return (float(m["amount"]), m["currency"])


def _investment_items(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(*_money(i), tuple(sorted(_money(c) for c in i["converted"]))) for i in items]


def score_fields(expected: dict[str, Any], got: dict[str, Any]) -> dict[str, Score]:
    """One Score per field of FIELDS for one case."""
    claims = _scalar(expected["claims"]["regions"], got["claims"]["regions"])
    claims.add(_scalar(expected["claims"]["zones"], got["claims"]["zones"]))
    target = Score(
        tp=int(expected["claims"]["target"] and got["claims"]["target"]),
        fp=int(got["claims"]["target"] and not expected["claims"]["target"]),
        fn=int(expected["claims"]["target"] and not got["claims"]["target"]),
    )
    return {
        "language": _scalar(expected["language"], got["language"]),
        "provider": _scalar(expected["provider"], got["provider"]),
        "date": _scalar(expected["date"], got["date"]),
        "claims": claims,
        "target": target,
        "sites": _sets(_site_items(expected["sites"]), _site_items(got["sites"])),
        "sites (country)": _sets(
            {s["country"] for s in expected["sites"]}, {s["country"] for s in got["sites"]}
        ),
        "investment": _sets(
            _investment_items(expected["investment"]), _investment_items(got["investment"])
        ),
        "markets": _sets(expected["markets"], got["markets"]),
    }


def wrong_fields(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """The JSON keys whose value differs from the expected one (lists compared as sets)."""
    out = []
    for key in ("language", "provider", "date", "claims"):
        if expected[key] != got[key]:
            out.append(key)
    if set(_site_items(expected["sites"])) != set(_site_items(got["sites"])):
        out.append("sites")
    if set(_investment_items(expected["investment"])) != set(_investment_items(got["investment"])):
        out.append("investment")
    if set(expected["markets"]) != set(got["markets"]):
        out.append("markets")
    return out


@dataclass
class Report:
    """Scores by field, by language group and field, and each case's wrong fields."""

    by_field: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    by_split: dict[str, dict[str, Score]] = field(default_factory=dict)
    split_n: dict[str, int] = field(default_factory=dict)
    by_group: dict[str, dict[str, Score]] = field(default_factory=dict)
    by_provider: dict[str, dict[str, Score]] = field(default_factory=dict)
    provider_n: dict[str, int] = field(default_factory=dict)
    wrong: dict[str, list[str]] = field(default_factory=dict)
    details: dict[str, list[str]] = field(default_factory=dict)
    splits: dict[str, str] = field(default_factory=dict)
    n: int = 0


def evaluate(all_cases: list[Case] | None = None) -> Report:
    """Run the engine over the corpus and score it."""
    report = Report()
    market_list = markets()
    for case in all_cases if all_cases is not None else cases():
        got = run_case(case, market_list)
        scores = score_fields(case.expected, got)
        group = report.by_group.setdefault(case.group, {f: Score() for f in FIELDS})
        who = case.expected["provider"]
        prov = report.by_provider.setdefault(who, {f: Score() for f in FIELDS})
        report.provider_n[who] = report.provider_n.get(who, 0) + 1
        split = report.by_split.setdefault(case.split, {f: Score() for f in FIELDS})
        report.split_n[case.split] = report.split_n.get(case.split, 0) + 1
        for f, s in scores.items():
            report.by_field[f].add(s)
            group[f].add(s)
            prov[f].add(s)
            split[f].add(s)
        report.n += 1
        wrong = wrong_fields(case.expected, got)
        report.wrong[case.id] = wrong
        report.splits[case.id] = case.split
        report.details[case.id] = [_diff(k, case.expected[k], got[k]) for k in wrong]
    return report


def _diff(key: str, expected: Any, got: Any) -> str:
    if key == "sites":
        e, g = set(_site_items(expected)), set(_site_items(got))
        parts = [f"missed {_fmt_site(s)}" for s in sorted(e - g, key=str)]
        parts += [f"extra {_fmt_site(s)}" for s in sorted(g - e, key=str)]
        return "sites: " + "; ".join(parts)
    if key in ("investment", "markets"):
        return f"{key}: expected {json.dumps(expected, ensure_ascii=False)}, got {json.dumps(got, ensure_ascii=False)}"
    return f"{key}: expected {json.dumps(expected, ensure_ascii=False)}, got {json.dumps(got, ensure_ascii=False)}"


def _fmt_site(s: tuple[str, str | None, str]) -> str:
    return f"{s[0]}{'/' + s[1] if s[1] else ''} {s[2]}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def render(report: Report) -> str:
    """bench/INTAKE.md."""
    lines = [
        "# Intake extraction quality",
        "",
        "Written by `PYTHONPATH=src python bench/intake_quality.py` (a test checks it is current).",
        f"Corpus: {report.n} short texts in `tests/fixtures/intake/corpus/`, written in our own words from the",
        "facts of the announcements in `seeds/`, each with its expected JSON written by hand. Precision",
        "= TP / (TP + FP), recall = TP / (TP + FN); scalars count a wrong value as both an FP and an FN.",
        '"sites" needs country, city and event right; "sites (country)" only the country.',
        "",
        f"Two splits: **dev** ({report.split_n.get('dev', 0)} texts) was written first and the engine was",
        "developed looking at it, so its figures are optimistic; **held-out**",
        f"({report.split_n.get('held-out', 0)} texts) was written after the engine was frozen and has not been",
        "tuned on. Trust the held-out column more; both are small.",
        "",
        "## By field",
        "",
        "| field | TP | FP | FN | precision | recall | dev P / R | held-out P / R |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for f in FIELDS:
        s = report.by_field[f]
        cols = []
        for split in ("dev", "held-out"):
            x = report.by_split.get(split, {}).get(f, Score())
            cols.append(f"{_pct(x.precision())} / {_pct(x.recall())}")
        lines.append(
            f"| {f} | {s.tp} | {s.fp} | {s.fn} | {_pct(s.precision())} | {_pct(s.recall())} | "
            + " | ".join(cols)
            + " |"
        )
    lines += [
        "",
        "## By language (precision / recall)",
        "",
        "| language | texts | " + " | ".join(FIELDS) + " |",
        "|---|---:|" + "---|" * len(FIELDS),
    ]
    counts: dict[str, int] = {}
    for cid in report.wrong:
        counts[cid.split("/", 1)[0]] = counts.get(cid.split("/", 1)[0], 0) + 1
    for g, label in GROUPS.items():
        if g not in report.by_group:
            continue
        cells = [
            f"{_pct(s.precision())} / {_pct(s.recall())}"
            for s in (report.by_group[g][f] for f in FIELDS)
        ]
        lines.append(f"| {label} | {counts[g]} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## By provider the article is about (precision / recall)",
        "",
        "| provider | texts | " + " | ".join(FIELDS) + " |",
        "|---|---:|" + "---|" * len(FIELDS),
    ]
    for who in sorted(report.by_provider, key=lambda p: (p != "alibaba-cloud", p)):
        cells = [
            f"{_pct(s.precision())} / {_pct(s.recall())}"
            for s in (report.by_provider[who][f] for f in FIELDS)
        ]
        lines.append(f"| {who} | {report.provider_n[who]} | " + " | ".join(cells) + " |")
    exact = sum(1 for w in report.wrong.values() if not w)
    lines += [
        "",
        f"## Texts entirely right: {exact} of {report.n}",
        "",
        "What the engine got wrong, text by text:",
        "",
    ]
    for cid, details in report.details.items():
        for d in details:
            lines.append(f"- `{cid}` ({report.splits[cid]}) {d}")
    if exact == report.n:
        lines.append("- nothing")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if bench/INTAKE.md is out of date"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = render(evaluate())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run bench/intake_quality.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
