"""The report as JSON-ready data, versioned by ``schema-v1.json`` beside this module."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..model import Report, StoryReport
from .summary import summarize
from .timeline import build_timeline

SCHEMA_VERSION = "1"


def story_to_dict(story: StoryReport) -> dict[str, Any]:
    """One story: every offset indexes the article's original text."""
    return {
        "id": story.id,
        "title": story.title,
        "articles": [a.meta() for a in story.articles],
        "summary": summarize(story).to_dict(),
        "timeline": [e.to_dict() for e in build_timeline(story)],
        "facts": [f.to_dict() for f in story.facts],
        "quotes": [q.to_dict() for q in story.quotes],
        "conflicts": [c.to_dict() for c in story.conflicts],
        "sources": [
            {
                "article": s.article,
                "name": s.name,
                "kind": s.kind,
                "role": s.role,
                "quotes": s.quotes,
                "via": s.via,
                "non_response": s.non_response.to_dict() if s.non_response else None,
            }
            for s in story.sources
        ],
        "sourcing_differences": story.extra.get("sourcing_differences", []),
        "article_quotes": story.extra.get("article_quotes", []),
        "omissions": [o.to_dict() for o in story.omissions],
        "repairs": [
            {"article": article, "kind": r.kind, "start": r.start, "end": r.end, "detail": r.detail}
            for article, r in story.repairs
        ],
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "stories": [story_to_dict(s) for s in report.stories],
        "rejected": [r.to_dict() for r in report.rejected],
    }


def load_schema() -> dict[str, Any]:
    """The JSON Schema the output of :func:`report_to_dict` follows."""
    text = (
        resources.files(__package__)
        .joinpath(f"schema-v{SCHEMA_VERSION}.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)
