"""The report as Markdown for reading in a terminal or pasting into a note.

A story reads top down as a reader asks: the summary (what the outlets agree on), where
they differ, the timeline, what only one outlet reports, what each outlet does not
report; then the details (every fact with its offsets, quotes, sourcing, repairs). What
the same-claim model is not sure of goes under a "Less certain" heading of its section.
"""

from __future__ import annotations

from ..model import Report, StoryReport
from .summary import (
    Difference,
    NotReported,
    Statement,
    Summary,
    Thresholds,
    outlet_names,
    summarize,
)
from .timeline import TimelineEntry, build_timeline

_STATUS_ORDER = ("agreed", "partial", "conflicting", "unique")
_MAX_TEXT = 220
ONLY_ONE_SHOWN = 10  # single-outlet facts listed before the rest go under "More"


def _clip(text: str, limit: int = _MAX_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str, limit: int = _MAX_TEXT) -> str:
    """Plain text safe inside Markdown: no raw HTML, no table breaks, no emphasis."""
    return (
        _clip(text, limit)
        .replace("\\", "\\\\")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("`", "\\`")
    )


def _cited(s: Statement) -> str:
    marks = []
    if not s.certain:
        marks.append("less certain match")
    if s.disputed:
        marks.append("outlets differ: see below")
    tail = f" _({'; '.join(marks)})_" if marks else ""
    return f"{_md(s.text, 400)} — *{_md(', '.join(s.outlets))}*{tail}"


def _summary_lines(summary: Summary) -> list[str]:
    lines = ["## Summary", ""]
    if summary.statements:
        lines += [f"- {_cited(s)}" for s in summary.statements]
    else:
        lines.append("No statement reads as a whole sentence.")
    lines.append("")
    certain = [d for d in summary.differences if d.certain]
    unsure = [d for d in summary.differences if not d.certain]
    lines += [f"## Where they differ ({len(certain)})", ""]
    if not summary.differences:
        lines.append("The outlets give no conflicting values.")
    lines += _differences(certain)
    if unsure:
        lines += ["", f"### Less certain ({len(unsure)})", ""]
        lines += _differences(unsure)
    if summary.separate_events:
        lines += ["", f"### Possibly different events ({len(summary.separate_events)})", ""]
        lines += _separate_lines(summary)
    lines.append("")
    return lines


def _separate_lines(summary: Summary) -> list[str]:
    """Alike statements kept as two facts because their dates cannot be the same day."""
    lines = []
    for e in summary.separate_events:
        sides = " · ".join(
            f"{_md(d.outlet)} “{_md(d.value, 60)}”: {_md(c.text, 160)}"
            for c, d in zip(e.statements, e.dates, strict=True)
        )
        lines.append(f"- {sides} (dated to different days, so told as two facts)")
    return lines


def _differences(items: list[Difference]) -> list[str]:
    """Each fact once, its conflicts beneath it."""
    lines: list[str] = []
    by_fact: dict[str, list[Difference]] = {}
    for d in items:
        by_fact.setdefault(d.fact.fact, []).append(d)
    for group in by_fact.values():
        fact = group[0].fact
        lines.append(f"- **{_md(fact.text, 300)}** — *{_md(', '.join(fact.outlets))}*")
        for d in group:
            values = " · ".join(f"{_md(v.outlet)}: “{_md(v.value, 80)}”" for v in d.values)
            lines.append(f"  - {d.kind}: {_md(d.reason)} ({values}; confidence {d.confidence:.2f})")
    return lines


def _timeline_lines(entries: list[TimelineEntry], summary: Summary) -> list[str]:
    key = {s.fact for s in summary.statements}
    shown = [e for e in entries if e.basis == "text" or e.statement.fact in key]
    rest = [e for e in entries if e not in shown]
    lines = ["## Timeline", ""]
    if not entries:
        lines += ["No fact could be dated: no date in the text and no publication date.", ""]
        return lines
    for e in shown:
        when = e.when.label + (" (published)" if e.basis == "published" else "")
        line = f"- **{_md(when)}** — {_cited(e.statement)}"
        if e.mentions:
            line += " — “" + "”, “".join(dict.fromkeys(_md(m.text, 60) for m in e.mentions)) + "”"
        for o in e.other_dates:
            line += f"; {_md(o.outlet)} dates it “{_md(o.text, 60)}”"
        lines.append(line)
    if rest:
        days = sorted({e.when.label for e in rest})
        lines.append(
            f"- {len(rest)} more fact(s) carry no date of their own and sit on their article's "
            f"publication date ({_md(', '.join(days))})."
        )
    lines.append("")
    return lines


def _only_one_lines(summary: Summary) -> list[str]:
    items = summary.only_one
    lines = [f"## Only one outlet reports ({len(items)})", ""]
    if not items:
        return lines + ["No fact is reported by one outlet alone.", ""]
    for n, u in enumerate(items[:ONLY_ONE_SHOWN], 1):
        lines.append(f"{n}. **{_md(u.statement.outlets[0])}**: {_md(u.statement.text, 400)}")
    if len(items) > ONLY_ONE_SHOWN:
        lines += ["", f"### More reported by one outlet ({len(items) - ONLY_ONE_SHOWN})", ""]
        for u in items[ONLY_ONE_SHOWN:]:
            lines.append(f"- **{_md(u.statement.outlets[0])}**: {_md(u.statement.text)}")
    lines.append("")
    return lines


def _not_reported_lines(summary: Summary, outlets: list[str]) -> list[str]:
    lines = ["## What each outlet does not report", ""]
    if not summary.not_reported:
        return lines + ["No outlet leaves out a fact the others confidently share.", ""]
    for outlet in outlets:
        mine = [n for n in summary.not_reported if n.outlet == outlet]
        if not mine:
            continue
        lines += [f"### {_md(outlet)}", ""]
        sure = [n for n in mine if n.certain]
        unsure = [n for n in mine if not n.certain]
        lines += [_gap(n) for n in sure]
        if unsure:
            lines += ["", f"#### Less certain ({len(unsure)})", ""]
            lines += [_gap(n) for n in unsure]
        lines.append("")
    return lines


def _gap(n: NotReported) -> str:
    return f"- {_md(n.sentence, 400)} — *{_md(', '.join(n.statement.outlets))}*"


def _details_lines(story: StoryReport, names: dict[str, str], confident: float) -> list[str]:
    lines = ["## Details: every fact", ""]
    for status in _STATUS_ORDER:
        facts = [f for f in story.facts if f.status == status]
        if not facts:
            continue
        sure = [f for f in facts if f.confidence >= confident]
        unsure = [f for f in facts if f.confidence < confident]
        lines += [f"### {status.capitalize()} ({len(facts)})", ""]
        for group, title in ((sure, None), (unsure, "Less certain")):
            if not group:
                continue
            if title:
                lines += ["", f"#### {title} ({len(group)})", ""]
            for fact in group:
                tag = " _(context)_" if fact.context else ""
                score = f" _(confidence {fact.confidence:.2f})_" if fact.confidence < 1 else ""
                lines.append(f"- **{fact.id}**{tag}{score}")
                for s in fact.statements:
                    lines.append(
                        f"  - {_md(names.get(s.article, s.article))} [{s.start}:{s.end}]: {_md(s.text)}"
                    )
        lines.append("")
    return lines


def _quotes_lines(story: StoryReport, names: dict[str, str]) -> list[str]:
    if not story.quotes:
        return []
    lines = [f"## Quotes across outlets ({len(story.quotes)})", ""]
    for q in story.quotes:
        lines.append(f"- **{_md(q.speaker or 'unknown speaker')}**: {q.wording}")
        for v in q.variants:
            kind = "direct" if v.direct else "indirect"
            lines.append(
                f"  - {_md(names.get(v.article, v.article))} ({kind}) [{v.start}:{v.end}]: “{_md(v.text)}”"
            )
        changes = [op for op in q.diff if op["op"] != "equal"]
        if changes:
            diff = "; ".join(f"{_md(op['a']) or '∅'} → {_md(op['b']) or '∅'}" for op in changes)
            lines.append(f"  - diff: {diff}")
    lines.append("")
    return lines


def _sourcing_lines(story: StoryReport, names: dict[str, str]) -> list[str]:
    if not story.sources:
        return []
    lines = [
        "## Sourcing",
        "",
        "| outlet | source | kind | role | quotes | note |",
        "|---|---|---|---|---|---|",
    ]
    for src in story.sources:
        note = "did not respond" if src.non_response else (src.via or "")
        outlet = names.get(src.article, src.article)
        lines.append(
            f"| {_md(outlet)} | {_md(src.name)} | {src.kind} | {_md(src.role or '')} | {src.quotes} | {_md(note)} |"
        )
    lines.append("")
    diffs = story.extra.get("sourcing_differences", [])
    if diffs:
        lines += ["Sourcing differences:", ""]
        lines += [f"- {_md(d['note'])}" for d in diffs]
        lines.append("")
    return lines


def render_story(story: StoryReport, thresholds: Thresholds | None = None) -> str:
    thresholds = thresholds or Thresholds.of_model()
    names = outlet_names(story)
    summary = summarize(story, thresholds)
    lines = [f"# {_md(story.title)}", ""]
    outlets = [
        names[a.id] + (f" ({a.published[:10]})" if a.published else "") for a in story.articles
    ]
    lines.append("Outlets: " + _md(", ".join(outlets), 1000))
    counts = {s: sum(1 for f in story.facts if f.status == s) for s in _STATUS_ORDER}
    lines.append("Facts: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    lines.append("")
    lines += _summary_lines(summary)
    lines += _timeline_lines(build_timeline(story, thresholds), summary)
    lines += _only_one_lines(summary)
    lines += _not_reported_lines(summary, [names[a.id] for a in story.articles])
    lines += _details_lines(story, names, thresholds.confident)
    lines += _quotes_lines(story, names)
    lines += _sourcing_lines(story, names)
    if story.repairs:
        lines += ["## Text repairs", ""]
        for article, r in story.repairs:
            lines.append(
                f"- {_md(names.get(article, article))}: {r.kind} [{r.start}:{r.end}] {_md(r.detail)}"
            )
        lines.append("")
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    thresholds = Thresholds.of_model() if report.stories else None
    parts = [render_story(s, thresholds) for s in report.stories]
    if report.rejected:
        parts.append(
            "## Rejected inputs\n\n"
            + "\n".join(f"- {_md(r.origin)}: {r.reason}: {_md(r.detail)}" for r in report.rejected)
        )
    return "\n\n---\n\n".join(parts) + "\n"
