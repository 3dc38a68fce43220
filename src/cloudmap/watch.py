"""One drift report: the registry check, check-docs over a folder of saved pages and announce
draft over a folder of saved articles, ranked by what changes a headline total first, as Markdown
for people and JSON for machines (`cloudmap watch`)."""

from __future__ import annotations

__all__ = ["ArticleResult", "Finding", "WatchReport", "watch"]

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudmap.errors import CloudmapError

if TYPE_CHECKING:
    from cloudmap.intake.checkdocs import DocsCheck
    from cloudmap.intake.draft import Draft
    from cloudmap.model import Catalog
    from cloudmap.registry import RegistryReport

PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")


@dataclass(frozen=True)
class Finding:
    """One thing to look at: where it was found, about which provider, what it is, whether
    recording it changes a headline total, and the command that would record it."""

    source: str  # "registry", "page" or "article"
    where: str
    provider: str
    what: str
    headline: bool
    command: str | None = None
    evidence: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "where": self.where,
            "provider": self.provider,
            "what": self.what,
            "headline": self.headline,
            "command": self.command,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class ArticleResult:
    """What announce draft made of one saved article: a draft, or why there is none."""

    path: str
    draft: Draft | None
    recorded: str | None = None  # the seed that already records it
    note: str | None = None  # "nothing to propose", or the error


@dataclass(frozen=True)
class WatchReport:
    """The whole run; ``drift``: a finding; ``errors``: inputs that could not be read."""

    as_of: dt.date
    registry: RegistryReport | None
    pages: tuple[DocsCheck, ...]
    articles: tuple[ArticleResult, ...]
    findings: tuple[Finding, ...]
    errors: tuple[tuple[str, str], ...]
    pages_dir: str | None = None
    articles_dir: str | None = None

    @property
    def drift(self) -> bool:
        return bool(self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "drift": self.drift,
            "findings": [f.to_json() for f in self.findings],
            "errors": [{"where": w, "error": e} for w, e in self.errors],
            "registry": self.registry.to_json() if self.registry else None,
            "pages": [p.to_json() for p in self.pages],
            "articles": [
                {
                    "path": a.path,
                    "recorded": a.recorded,
                    "note": a.note,
                    "draft": a.draft.to_json() if a.draft else None,
                }
                for a in self.articles
            ],
        }

    def to_markdown(self) -> str:
        """The report for people (the body of the weekly issue)."""
        n, h = len(self.findings), sum(1 for f in self.findings if f.headline)
        read = []
        if self.registry is not None:
            read.append(f"registry packages ({self.registry.origin})")
        if self.pages_dir is not None:
            n_pages = len(self.pages) + sum(
                1 for w, _ in self.errors if w.startswith(self.pages_dir)
            )
            read.append(f"{n_pages} saved page{'s' if n_pages != 1 else ''}")
        if self.articles_dir is not None:
            read.append(
                f"{len(self.articles)} saved article{'s' if len(self.articles) != 1 else ''}"
            )
        lines = [
            f"# cloudmap drift report, catalog as of {self.as_of.isoformat()}",
            "",
            f"Read: {', '.join(read)}. **{n} finding{'s' if n != 1 else ''}**, {h} of them "
            "changing a headline total"
            + (f"; **{len(self.errors)} input(s) could not be read**" if self.errors else "")
            + ".",
        ]
        for title, group in (
            ("Changes a headline total", [f for f in self.findings if f.headline]),
            ("Other findings", [f for f in self.findings if not f.headline]),
        ):
            if not group:
                continue
            lines += ["", f"## {title}", ""]
            for i, f in enumerate(group, 1):
                ev = f" ({f.evidence})" if f.evidence else ""
                lines.append(f"{i}. **{f.provider}** — {f.what}{ev} — *{f.source}: {f.where}*")
                if f.command:
                    lines += ["", "   ```sh", f"   {f.command}", "   ```"]
        if self.errors:
            lines += ["", "## Inputs that could not be read", ""]
            lines += [f"- `{w}`: {e}" for w, e in self.errors]
        if not self.findings and not self.errors:
            lines += [
                "",
                "No drift: the registries, the pages and the articles agree with the catalog.",
            ]
        if self.registry is not None:
            lines += ["", "## Registry tables read", ""]
            for p in self.registry.providers:
                for t in p.tables:
                    when = t.released.isoformat() if t.released else "date unknown"
                    lines.append(
                        f"- {p.provider}: {t.dist} {t.version} ({when}; {t.released_from})"
                    )
                if p.staleness:
                    lines.append(f"  - stale: {p.staleness}")
        return "\n".join(lines) + "\n"


def _registry_findings(report: RegistryReport) -> list[Finding]:
    out = []
    for p in report.providers:
        for c in p.changes:
            ev = c.evidence
            when = f"no later than {ev.released.isoformat()}" if ev.released else "date unknown"
            cmd = c.command
            if c.kind == "renamed":
                cmd = f"# rename {c.old} to {c.region} by hand in data/{c.provider}.yaml"
            out.append(
                Finding(
                    "registry",
                    f"{ev.dist} {ev.version}",
                    c.provider,
                    f"{c.kind}: {c.detail}",
                    c.headline,
                    cmd,
                    when,
                )
            )
        if p.since_base is not None and (p.since_base.added or p.since_base.removed):
            d = p.since_base
            said = "; ".join(
                x
                for x in (
                    f"added {', '.join(r.id for r in d.added)}" if d.added else "",
                    f"removed {', '.join(r.id for r in d.removed)}" if d.removed else "",
                )
                if x
            )
            out.append(
                Finding(
                    "registry",
                    ", ".join(t.dist + " " + t.version for t in p.tables),
                    p.provider,
                    f"new in the registry since {', '.join(d.base)}: {said}",
                    False,
                )
            )
    return out


def _page_findings(r: DocsCheck) -> list[Finding]:
    out: list[Finding] = []
    cmds = list(r.commands)

    def cmd_for(rid: str) -> str | None:
        return next((c for c in cmds if f" {rid} " in f"{c} " or f":{rid} " in f"{c} "), None)

    for m in r.missing_in_catalog:
        out.append(
            Finding(
                "page",
                r.source,
                r.provider,
                f"region {m.region} ({m.name}) is on the page, not in the catalog",
                True,
                cmd_for(m.region),
            )
        )
    for lab in r.labels_disagree:
        label = f" ({lab.label})" if lab.label else ""
        out.append(
            Finding(
                "page",
                r.source,
                r.provider,
                f"{lab.region}: page says {lab.page}{label}, catalog says {lab.catalog}",
                True,
                cmd_for(lab.region),
            )
        )
    for mr in r.missing_on_page:
        out.append(
            Finding(
                "page",
                r.source,
                r.provider,
                f"region {mr.region} ({mr.status}) is in the catalog, not on the page",
                False,
            )
        )
    for z in r.zones_missing_in_catalog:
        out.append(
            Finding(
                "page",
                r.source,
                r.provider,
                f"zone {z.zone} of {z.region} is on the page, not in the catalog",
                True,
                cmd_for(z.zone),
            )
        )
    for z in r.zones_not_on_page:
        out.append(
            Finding(
                "page",
                r.source,
                r.provider,
                f"zone {z.zone} of {z.region} is in the catalog, not on the page",
                False,
            )
        )
    for u in r.unknown_labels:
        out.append(
            Finding(
                "page",
                r.source,
                r.provider,
                f"{u.region}: unknown label {u.label!r} (not read as any status)",
                False,
            )
        )
    return out


def _recorded(catalog: Catalog, d: Draft) -> str | None:
    """The seed that already records the article: same provider and date, and the same source
    URL or title."""
    date = d.extraction.date
    for a in catalog.announcements.values():
        if a.provider != d.provider or date is None or a.date.effective != date:
            continue
        if a.title.strip() == d.title.strip() or (
            d.source and any(s.url == d.source for s in a.sources)
        ):
            return a.id
    return None


def _article_findings(a: ArticleResult) -> list[Finding]:
    d = a.draft
    if d is None or a.recorded:
        return []
    rec = d.reconcile
    headline = rec.result == "differs" or any(
        c.startswith(("cloudmap region add ", "cloudmap region update ")) for c in d.commands[1:]
    )
    what = f"not recorded: {d.title!r} ({d.extraction.date or 'undated'})"
    if rec.checks:
        what += (
            "; totals "
            + ", ".join(f"{c.what} claimed {c.claimed}, catalog {c.catalog}" for c in rec.checks)
            + f" ({rec.result})"
        )
    out = [Finding("article", a.path, d.provider, what, headline, d.commands[0])]
    out += [
        Finding(
            "article",
            a.path,
            d.provider,
            f"then, for {d.title!r}: {c.split(' --', 1)[0]}",
            headline,
            c,
        )
        for c in d.commands[1:]
    ]
    return out


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        raise CloudmapError(f"{folder}: not a folder")
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in suffixes and not p.name.startswith(".")
    )


def watch(
    catalog: Catalog,
    *,
    registry: Callable[[], RegistryReport] | None = None,
    pages: Path | None = None,
    articles: Path | None = None,
    on: dt.date | None = None,
) -> WatchReport:
    """Run the three checks and rank what they find. ``registry`` runs the registry check (the
    caller picks installed, newest or saved packages); a page named ``*.partial.html`` lists
    only some regions. An input that cannot be read is an error of the report, not of the run;
    a registry that cannot be read (no network for the newest releases) raises CloudmapError."""
    from cloudmap.intake.checkdocs import check_docs_page
    from cloudmap.intake.draft import NothingToPropose, draft, read_source

    on = on or catalog.default_as_of
    errors: list[tuple[str, str]] = []
    findings: list[Finding] = []
    reg = registry() if registry is not None else None
    if reg is not None:
        findings += _registry_findings(reg)
    checked = []
    for path in _files(pages, PAGE_SUFFIXES) if pages is not None else []:
        try:
            r = check_docs_page(catalog, str(path), on=on, partial=".partial." in path.name)
        except CloudmapError as exc:
            errors.append((str(path), str(exc)))
            continue
        checked.append(r)
        findings += _page_findings(r)
    results = []
    for path in _files(articles, ARTICLE_SUFFIXES) if articles is not None else []:
        try:
            d = draft(catalog, read_source(str(path)), name=str(path))
        except NothingToPropose:
            results.append(ArticleResult(str(path), None, note="nothing to propose"))
            continue
        except CloudmapError as exc:
            errors.append((str(path), str(exc)))
            results.append(ArticleResult(str(path), None, note=str(exc)))
            continue
        a = ArticleResult(str(path), d, _recorded(catalog, d))
        results.append(a)
        findings += _article_findings(a)
    order = {"registry": 0, "page": 1, "article": 2}
    findings.sort(key=lambda f: (not f.headline, order[f.source], f.provider, f.where))
    return WatchReport(
        on,
        reg,
        tuple(checked),
        tuple(results),
        tuple(findings),
        tuple(errors),
        str(pages) if pages is not None else None,
        str(articles) if articles is not None else None,
    )
