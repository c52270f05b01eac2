"""The report as Markdown for reading in a terminal or pasting into a note."""

from __future__ import annotations

from ..model import Report, StoryReport

_STATUS_ORDER = ("conflicting", "agreed", "partial", "unique")
_MAX_TEXT = 220


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _md(text: str) -> str:
    """Plain text safe inside Markdown: no raw HTML, no table breaks."""
    return _clip(text).replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _outlet(story: StoryReport, article_id: str) -> str:
    for a in story.articles:
        if a.id == article_id:
            return f"{a.outlet} ({a.id})" if a.outlet else a.id
    return article_id


def render_story(story: StoryReport) -> str:
    lines = [f"# {_md(story.title)}", ""]
    lines.append("Articles: " + ", ".join(_outlet(story, a.id) for a in story.articles))
    counts = {s: sum(1 for f in story.facts if f.status == s) for s in _STATUS_ORDER}
    lines.append("Facts: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    lines.append("")
    for status in _STATUS_ORDER:
        facts = [f for f in story.facts if f.status == status]
        if not facts:
            continue
        lines.append(f"## {status.capitalize()} ({len(facts)})")
        lines.append("")
        for fact in facts:
            tag = " _(context)_" if fact.context else ""
            lines.append(f"- **{fact.id}**{tag}")
            for s in fact.statements:
                lines.append(f"  - {_outlet(story, s.article)} [{s.start}:{s.end}]: {_md(s.text)}")
        lines.append("")
    if story.conflicts:
        lines.append(f"## Conflicts ({len(story.conflicts)})")
        lines.append("")
        for c in story.conflicts:
            values = "; ".join(
                f"{_outlet(story, v.article)}: {_md(v.value)} [{v.start}:{v.end}]" for v in c.values
            )
            lines.append(f"- **{c.kind}** in {c.fact}: {_md(c.explanation)} — {values}")
        lines.append("")
    if story.quotes:
        lines.append(f"## Quotes across outlets ({len(story.quotes)})")
        lines.append("")
        for q in story.quotes:
            lines.append(f"- **{_md(q.speaker or 'unknown speaker')}**: {q.wording}")
            for v in q.variants:
                kind = "direct" if v.direct else "indirect"
                lines.append(
                    f"  - {_outlet(story, v.article)} ({kind}) [{v.start}:{v.end}]: “{_md(v.text)}”"
                )
            changes = [op for op in q.diff if op["op"] != "equal"]
            if changes:
                diff = "; ".join(f"{_md(op['a']) or '∅'} → {_md(op['b']) or '∅'}" for op in changes)
                lines.append(f"  - diff: {diff}")
        lines.append("")
    if story.sources:
        lines.append("## Sourcing")
        lines.append("")
        lines.append("| article | source | kind | role | quotes | note |")
        lines.append("|---|---|---|---|---|---|")
        for src in story.sources:
            note = "did not respond" if src.non_response else (src.via or "")
            lines.append(
                f"| {_md(src.article)} | {_md(src.name)} | {src.kind} | {_md(src.role or '')} | {src.quotes} | {_md(note)} |"
            )
        lines.append("")
        diffs = story.extra.get("sourcing_differences", [])
        if diffs:
            lines.append("Sourcing differences:")
            lines.append("")
            for d in diffs:
                lines.append(f"- {_md(d['note'])}")
            lines.append("")
    omissions = [o for o in story.omissions if o.facts]
    if omissions:
        lines.append("## Omissions")
        lines.append("")
        for o in omissions:
            lines.append(
                f"- {_outlet(story, o.article)} leaves out {len(o.facts)} fact(s): {', '.join(o.facts)}"
            )
        lines.append("")
    if story.repairs:
        lines.append("## Text repairs")
        lines.append("")
        for article, r in story.repairs:
            lines.append(
                f"- {_outlet(story, article)}: {r.kind} [{r.start}:{r.end}] {_md(r.detail)}"
            )
        lines.append("")
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    parts = [render_story(s) for s in report.stories]
    if report.rejected:
        parts.append(
            "## Rejected inputs\n\n"
            + "\n".join(f"- {_md(r.origin)}: {r.reason}: {_md(r.detail)}" for r in report.rejected)
        )
    return "\n\n---\n\n".join(parts) + "\n"
