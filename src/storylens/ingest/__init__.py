"""Readers that turn files, folders and stdin into :class:`Article` objects.

Supported inputs: plain text (``.txt`` or anything that is not HTML/JSONL), HTML
(``.html``/``.htm``, or text that starts like HTML; article text and metadata via
trafilatura), JSONL corpora with records ``{"id","outlet","url","title","published",
"text"}`` (``"html"`` accepted instead of ``"text"``), folders of these (walked in
sorted order), and ``-`` for stdin.

A bad input never stops the batch: it becomes a :class:`Rejection` with a reason
code (``empty``, ``binary``, ``encoding``, ``json``, ``record``, ``too_large``,
``too_long``, ``html``, ``missing``, ``not_a_file``, ``unreadable``) and the rest goes
on. Every article has passed :func:`check_article` (:mod:`.clean`): text the store can
keep, at most :data:`MAX_CHARS` characters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from ..model import Article, Rejection
from .clean import MAX_CHARS, check_article
from .decode import decode_bytes
from .files import iter_path
from .readers import MAX_BYTES, article_from_record, content_id, iter_bytes

__all__ = [
    "MAX_BYTES",
    "MAX_CHARS",
    "article_from_record",
    "check_article",
    "content_id",
    "decode_bytes",
    "iter_inputs",
    "read_inputs",
]


def iter_inputs(
    paths: Sequence[str], *, stdin: BinaryIO | None = None, max_bytes: int = MAX_BYTES
) -> Iterator[Article | Rejection]:
    """Yield an Article or a Rejection for every input found under ``paths``.

    Ids are unique within one call: a repeated id gets a rejection (``duplicate_id``)
    unless the text is identical, in which case the copy is skipped silently.
    """
    seen: dict[str, bytes] = {}  # id -> digest of its text (not the text: a corpus is large)
    for path in paths:
        if path == "-":
            if stdin is None:
                import sys

                stdin = sys.stdin.buffer
            items: Iterator[Article | Rejection] = iter_bytes(
                stdin.read(max_bytes + 1), "<stdin>", hint=None, max_bytes=max_bytes
            )
        else:
            items = iter_path(path, max_bytes=max_bytes)
        for item in items:
            if isinstance(item, Article):
                digest = hashlib.sha256(item.text.encode("utf-8")).digest()
                previous = seen.get(item.id)
                if previous is not None:
                    if previous != digest:
                        yield Rejection(
                            item.origin,
                            "duplicate_id",
                            f"id {item.id!r} was already used by another article; give each article a unique id",
                        )
                    continue
                seen[item.id] = digest
            yield item


def read_inputs(paths: Sequence[str], **kwargs: object) -> tuple[list[Article], list[Rejection]]:
    """All articles and rejections under ``paths``, as two lists."""
    articles: list[Article] = []
    rejected: list[Rejection] = []
    for item in iter_inputs(paths, **kwargs):  # type: ignore[arg-type]
        (articles if isinstance(item, Article) else rejected).append(item)  # type: ignore[arg-type]
    return articles, rejected
