"""One report, three renderings: JSON (with a versioned schema), Markdown and HTML, all
through :func:`render`; the reader's view (summary, differences, timeline) is computed by
:func:`summarize` and :func:`build_timeline` from the report's data."""

from .html import render_html
from .json import SCHEMA_VERSION, load_schema, report_to_dict
from .markdown import render_markdown
from .renderers import MEDIA_TYPES, RENDERERS, render, render_json
from .summary import Summary, summarize
from .timeline import TimelineEntry, build_timeline

__all__ = [
    "MEDIA_TYPES",
    "RENDERERS",
    "SCHEMA_VERSION",
    "Summary",
    "TimelineEntry",
    "build_timeline",
    "load_schema",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "report_to_dict",
    "summarize",
]
