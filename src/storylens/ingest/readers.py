"""Format readers: bytes in, Articles or Rejections out. Nothing here raises for bad data."""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..dates import published_from_html, published_or_raw
from ..errors import RejectedInput
from ..model import Article, Rejection

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
    return "a-" + hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 50)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode article bytes, or raise :class:`RejectedInput` saying what is wrong.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; a charset
    declared by the document (HTML ``<meta charset>``) is honoured. Anything else is
    refused rather than guessed, with a hint for converting it.
    """
    if not data.strip():
        raise RejectedInput(
            "empty", "the input holds no text; check the file or drop it from the batch"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RejectedInput(
                "encoding",
                f"starts with a UTF-16 mark but does not decode as UTF-16 ({exc.reason})",
            ) from exc
    if _looks_binary(data):
        raise RejectedInput(
            "binary", "the input looks binary (NUL or control bytes), not text, HTML or JSONL"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if declared:
            try:
                return data.decode(declared)
            except (LookupError, UnicodeDecodeError):
                pass
        guess = _guess_encoding(data)
        hint = (
            f"; it looks like {guess}: convert it with `iconv -f {guess} -t UTF-8`" if guess else ""
        )
        raise RejectedInput("encoding", f"not valid UTF-8 (byte {exc.start}){hint}") from exc


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with trafilatura's requests
        return None
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


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
    """Build an Article from a JSONL record; raises :class:`RejectedInput` when unusable."""
    if not isinstance(record, dict):
        raise RejectedInput(
            "record", f"each line must be a JSON object, not {type(record).__name__}"
        )
    meta = {key: _opt_str(record, key) for key in _RECORD_FIELDS}
    meta["published"] = published_or_raw(meta["published"])
    text = record.get("text")
    html = record.get("html")
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
    return Article(id=article_id, text=body, origin=origin, **meta)


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
        yield from _iter_jsonl(data, origin, max_bytes)
        return
    try:
        if kind == "html":
            m = _META_CHARSET.search(data[:4096])
            text = decode_bytes(data, declared=m.group(1).decode("ascii") if m else None)
            yield html_to_article(text, origin)
        else:
            text = decode_bytes(data)
            yield Article(id=content_id(text), text=text, origin=origin)
    except RejectedInput as exc:
        yield Rejection(origin, exc.reason, exc.detail)


def _iter_jsonl(data: bytes, origin: str, max_bytes: int) -> Iterator[Article | Rejection]:
    for number, raw in enumerate(data.split(b"\n"), 1):
        item = _record_from_line(raw, f"{origin}:{number}", max_bytes)
        if item is not None:
            yield item


def _record_from_line(raw: bytes, origin: str, max_bytes: int) -> Article | Rejection | None:
    """One JSONL line: an Article, a Rejection, or None for a blank line."""
    if not raw.strip():
        return None
    if len(raw) > max_bytes:
        return Rejection(
            origin, "too_large", f"the record is {len(raw)} bytes, over the {max_bytes}-byte limit"
        )
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
    try:
        return article_from_record(record, origin)
    except RejectedInput as exc:
        return Rejection(origin, exc.reason, exc.detail)


def iter_path(path: str, max_bytes: int = MAX_BYTES) -> Iterator[Article | Rejection]:
    """Articles from a file or, recursively and in sorted order, a folder."""
    p = Path(path)
    if p.is_dir():
        for child in sorted(p.rglob("*")):
            if child.is_file() and not any(
                part.startswith(".") for part in child.relative_to(p).parts
            ):
                yield from iter_path(str(child), max_bytes)
        return
    if not p.exists():
        yield Rejection(path, "missing", "no such file or folder; check the path")
        return
    try:
        size = p.stat().st_size
        ext = p.suffix.lower()
        limit = MAX_CORPUS_BYTES if ext in _JSONL_EXT else max_bytes
        if size > limit:
            yield Rejection(
                path, "too_large", f"{size} bytes is over the {limit}-byte limit; split the input"
            )
            return
        if ext in _JSONL_EXT:
            yield from _iter_jsonl_file(p, path, max_bytes)
            return
        data = p.read_bytes()
    except OSError as exc:
        yield Rejection(path, "unreadable", f"{exc.strerror or exc}; check permissions")
        return
    yield from iter_bytes(
        data, path, hint=None if p.suffix.lower() not in _TEXT_EXT else ".txt", max_bytes=max_bytes
    )


def _iter_jsonl_file(p: Path, origin: str, max_bytes: int) -> Iterator[Article | Rejection]:
    """Stream a JSONL file line by line so a large corpus is never held in memory whole."""
    with p.open("rb") as f:
        for number, raw in enumerate(f, 1):
            item = _record_from_line(raw, f"{origin}:{number}", max_bytes)
            if item is not None:
                yield item
