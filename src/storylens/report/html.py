"""The report as one standalone HTML page: articles side by side, coloured by fact status.

Everything is escaped by Jinja2's autoescape; the page loads nothing from anywhere
(inline CSS and script, both allowed only by a per-page nonce in its
Content-Security-Policy), has no inline event handlers, and reads fully without
JavaScript: the script only adds click-to-highlight of a fact's matching sentences.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlparse

import jinja2

from ..model import Report, StoryReport


@dataclass(frozen=True)
class Segment:
    text: str
    fact: str | None = None
    status: str | None = None
    context: bool = False


def _segments(text: str, refs: list[tuple[int, int, str, str, bool]]) -> list[Segment]:
    """Cut an article's original text at its statements' offsets."""
    out, pos = [], 0
    for start, end, fact, status, context in sorted(refs):
        if start < pos:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], fact, status, context))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links are kept; anything else (javascript:, data:) is shown as text only."""
    if not url:
        return None
    return url if urlparse(url.strip()).scheme in ("http", "https") else None


def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: (
            resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
        )
    )
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_url"] = _safe_url
    return env


def story_view(story: StoryReport) -> dict[str, object]:
    """What the template needs for one story, computed here so the template stays simple."""
    refs: dict[str, list[tuple[int, int, str, str, bool]]] = {a.id: [] for a in story.articles}
    for fact in story.facts:
        for s in fact.statements:
            refs.setdefault(s.article, []).append((s.start, s.end, fact.id, fact.status, s.context))
    columns = [
        {
            "article": a,
            "segments": _segments(a.text, refs.get(a.id, [])),
            "outlet": a.outlet or a.id,
        }
        for a in story.articles
    ]
    outlets = {a.id: a.outlet or a.id for a in story.articles}
    counts = {
        s: sum(1 for f in story.facts if f.status == s)
        for s in ("agreed", "partial", "unique", "conflicting")
    }
    return {
        "story": story,
        "columns": columns,
        "outlets": outlets,
        "counts": counts,
        "differences": story.extra.get("sourcing_differences", []),
        "omissions": [o for o in story.omissions if o.facts],
    }


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML document."""
    nonce = secrets.token_urlsafe(16)
    template = _environment().get_template("report.html")
    return template.render(
        nonce=nonce,
        stories=[story_view(s) for s in report.stories],
        rejected=report.rejected,
    )
