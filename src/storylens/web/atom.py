"""An Atom feed (RFC 4287) of new and updated stories, newest update first."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .. import __version__
from .catalog import ListedStory

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
FEED_SIZE = 50


def _stamp(value: str | None) -> str:
    """An RFC 3339 time for Atom (the store's times are ISO 8601 UTC already)."""
    if not value:
        return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.isoformat(timespec="seconds")


def render_atom(stories: Sequence[ListedStory], base_url: str, self_url: str) -> bytes:
    """The feed document: one entry per story, its link the story's page on this server."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    base = base_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", f"{base}/feed.atom")
    sub(feed, "title", "storylens: new and updated stories")
    sub(feed, "updated", _stamp(stories[0].story.updated_at if stories else None))
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=f"{base}/", type="text/html")
    sub(feed, "generator", "storylens", version=__version__)
    for listed in stories:
        story = listed.story
        entry = sub(feed, "entry")
        sub(entry, "id", f"{base}/stories/{story.id}")
        sub(entry, "title", story.title)
        sub(entry, "published", _stamp(story.created_at))
        sub(entry, "updated", _stamp(story.updated_at))
        sub(entry, "link", rel="alternate", href=f"{base}/stories/{story.id}", type="text/html")
        author = sub(entry, "author")
        sub(author, "name", ", ".join(listed.outlets) or "storylens")
        outlets = ", ".join(listed.outlets) or "no named outlet"
        sub(
            entry,
            "summary",
            f"{story.size} article(s), {story.accounts} independent account(s): {outlets}.",
        )
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


__all__ = ["FEED_SIZE", "MEDIA_TYPE", "render_atom"]
