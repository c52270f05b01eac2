"""Format readers: bytes in, Articles or Rejections out. Nothing here raises for bad data."""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterator
from typing import Any

from ..dates import published_from_html, published_or_raw
from ..errors import RejectedInput
from ..model import Article, Rejection
from .clean import check_article, checked
from .decode import decode_bytes

log = logging.getLogger(__name__)

# Inputs larger than this are refused unread: no news article is 50 MB of text, and
# reading a 200 MB file into memory to find that out is the failure we avoid.
MAX_BYTES = 50 * 1024 * 1024
# A JSONL corpus may be large; each record is still capped like a file.
MAX_CORPUS_BYTES = 4 * 1024 * 1024 * 1024

_JSONL_EXT = {".jsonl", ".ndjson", ".json"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_TEXT_EXT = {".txt", ".text", ".md", ""}
_HTML_SNIFF = re.compile(
    rb"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p[\s>])", re.IGNORECASE
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:]+)""", re.IGNORECASE)
_RECORD_FIELDS = ("outlet", "url", "title", "published")


def content_id(text: str) -> str:
    """A stable id from the text: the same words give the same id whatever the file is called."""
    canon = " ".join(text.split())
    return "a-" + hashlib.sha256(canon.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _opt_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RejectedInput(
            "record", f"field {key!r} must be a string or null, not {type(value).__name__}"
        )
    return value.strip() or None


def article_from_record(record: Any, origin: str) -> Article:
    """Build an Article from a JSONL record; raises :class:`RejectedInput` when unusable.

    The article has passed :func:`storylens.ingest.clean.check_article` (storable text,
    the size limit).
    """
    if not isinstance(record, dict):
        raise RejectedInput(
            "record", f"each line must be a JSON object, not {type(record).__name__}"
        )
    meta = {key: _opt_str(record, key) for key in _RECORD_FIELDS}
    meta["published"] = published_or_raw(meta["published"])
    text = record.get("text")
    html = record.get("html")
    for key, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise RejectedInput("record", f'"{key}" must be a string, not {type(value).__name__}')
    if isinstance(text, str) and text.strip():
        body = text
    elif isinstance(html, str) and html.strip():
        extracted = html_to_article(html, origin, url=meta["url"])
        body = extracted.text
        for key in ("outlet", "title", "published"):
            meta[key] = meta[key] or getattr(extracted, key)
    elif text is None and html is None:
        raise RejectedInput(
            "missing_text", 'the record has neither "text" nor "html"; add the article body'
        )
    else:
        raise RejectedInput("empty", "the record's text is empty")
    raw_id = record.get("id")
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        article_id = content_id(body)
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        article_id = str(raw_id).strip()
    else:
        raise RejectedInput(
            "record", f'"id" must be a string or an integer, not {type(raw_id).__name__}'
        )
    return check_article(Article(id=article_id, text=body, origin=origin, **meta))


def html_to_article(html: str, origin: str, url: str | None = None) -> Article:
    """Main text and metadata of an HTML page through trafilatura (scripts are never run)."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
        raise RejectedInput(
            "html", f"the HTML could not be parsed ({type(exc).__name__}: {exc})"
        ) from exc
    if doc is None:
        raise RejectedInput(
            "html", "no article text found in the HTML (is it a page with an article body?)"
        )
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    title = data.get("title") or None
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1 :]  # the title is kept in its own field
    if not text.strip():
        raise RejectedInput("html", "the HTML holds no article text")
    # the page's own metadata keeps the time and zone; trafilatura's date only the day
    published = published_from_html(html) or published_or_raw(data.get("date") or None)
    return Article(
        id=content_id(text),
        text=text,
        outlet=data.get("sitename") or data.get("hostname") or None,
        url=url or data.get("url") or None,
        title=title,
        published=published,
        origin=origin,
    )


def _kind(path: str, data: bytes, hint: str | None) -> str:
    ext = (hint if hint is not None else os.path.splitext(path)[1]).lower()
    if ext in _JSONL_EXT:
        return "jsonl"
    if ext in _HTML_EXT:
        return "html"
    head = data[:2048].lstrip(codecs.BOM_UTF8)
    if _HTML_SNIFF.match(head):
        return "html"
    if head.lstrip().startswith(b"{"):
        first = head.lstrip().split(b"\n", 1)[0]
        if b'"text"' in first or b'"html"' in first or b'"id"' in first:
            return "jsonl"
    return "text"


def iter_bytes(
    data: bytes, origin: str, hint: str | None, max_bytes: int = MAX_BYTES
) -> Iterator[Article | Rejection]:
    """Articles from one input's bytes; ``hint`` is a file extension or None to sniff."""
    kind = _kind(origin, data, hint)
    if kind != "jsonl" and len(data) > max_bytes:
        yield Rejection(
            origin,
            "too_large",
            f"{len(data)} bytes is over the {max_bytes}-byte limit for one article",
        )
        return
    if kind == "jsonl":
        yield from iter_jsonl_lines(iter(data.split(b"\n")), origin, max_bytes)
        return
    yield checked(_one_document(data, origin, kind))


def _one_document(data: bytes, origin: str, kind: str) -> Article | Rejection:
    try:
        if kind == "html":
            m = _META_CHARSET.search(data[:4096])
            text = decode_bytes(data, declared=m.group(1).decode("ascii") if m else None)
            return html_to_article(text, origin)
        text = decode_bytes(data)
        return Article(id=content_id(text), text=text, origin=origin)
    except RejectedInput as exc:
        return Rejection(origin, exc.reason, exc.detail)
    except Exception as exc:  # a reader bug on one input must not stop the batch
        log.exception("%s: reading failed", origin)
        return Rejection(origin, "unreadable", f"could not be read ({type(exc).__name__}: {exc})")


def iter_jsonl_lines(
    lines: Iterator[bytes], origin: str, max_bytes: int
) -> Iterator[Article | Rejection]:
    """One Article or Rejection per non-blank line; ``origin:N`` names line N."""
    for number, raw in enumerate(lines, 1):
        item = _record_from_line(raw, f"{origin}:{number}", max_bytes)
        if item is not None:
            yield checked(item)


def article_from_line(
    raw: bytes, origin: str, max_bytes: int = MAX_BYTES
) -> Article | Rejection | None:
    """One JSONL line read as :func:`iter_jsonl_lines` reads it (``origin``: its
    ``path:N``): an Article, the Rejection that says why not, or None for a blank line.
    For engines that hand out lines one at a time (:mod:`storylens.frames`)."""
    item = _record_from_line(raw, origin, max_bytes)
    return None if item is None else checked(item)


def _record_from_line(raw: bytes, origin: str, max_bytes: int) -> Article | Rejection | None:
    """One JSONL line: an Article, a Rejection, or None for a blank line.

    A line longer than ``max_bytes`` may come as its first ``max_bytes + 1`` bytes only
    (a file is read that way, so one huge line is never held whole).
    """
    if len(raw) > max_bytes:
        return Rejection(
            origin, "too_large", f"the record is over the {max_bytes}-byte limit for one line"
        )
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Rejection(
            origin,
            "encoding",
            f"the line is not valid UTF-8 (byte {exc.start}); JSONL must be UTF-8",
        )
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejection(
            origin,
            "json",
            f"invalid JSON ({exc.msg} at column {exc.colno}); is the line truncated?",
        )
    except RecursionError:
        return Rejection(origin, "json", "the JSON is nested too deeply to read")
    try:
        return article_from_record(record, origin)
    except RejectedInput as exc:
        return Rejection(origin, exc.reason, exc.detail)
    except Exception as exc:  # a reader bug on one record must not stop the batch
        log.exception("%s: reading the record failed", origin)
        return Rejection(origin, "record", f"could not be read ({type(exc).__name__}: {exc})")
