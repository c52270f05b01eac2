"""One report, three renderings: JSON (with a versioned schema), Markdown and HTML."""

from .html import render_html
from .json import SCHEMA_VERSION, load_schema, report_to_dict
from .markdown import render_markdown

__all__ = ["SCHEMA_VERSION", "load_schema", "render_html", "render_markdown", "report_to_dict"]
