"""One way to render a report: ``render(report, fmt)`` over one table of renderers.

The CLI (``compare``, ``show``, ``demo``) and the web app (``/stories/{id}/report.{fmt}``)
both call :func:`render`, so a format looks the same wherever it is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..errors import ReportError
from ..model import Report
from .html import render_html
from .json import report_to_dict
from .markdown import render_markdown


def render_json(report: Report) -> str:
    """The versioned report data (``schema-v1.json``), indented, UTF-8 kept as is."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Report], str]] = {
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
}
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def render(report: Report, fmt: str) -> str:
    """``report`` as text in ``fmt`` (one of :data:`RENDERERS`: json, md, html)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ReportError(
            f"unknown report format {fmt!r}: choose one of {', '.join(RENDERERS)}"
        ) from None
    return renderer(report)
