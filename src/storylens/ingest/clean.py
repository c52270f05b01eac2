"""What every article passes before storylens keeps or analyses it: storable text, a size limit.

The store keeps UTF-8 text and hashes UTF-8 bytes, so two kinds of code point cannot be
kept at all: a lone surrogate (half of a UTF-16 pair: JSON's ``"\\ud800"``, or a file
name that was not UTF-8) cannot be encoded, and PostgreSQL refuses NUL. :func:`check_article`
runs, in order:

1. the id: unstorable characters or more than :data:`MAX_ID_CHARS` characters reject the
   article (``record``), since an id is looked up and put in URLs as given;
2. the size: more than :data:`MAX_CHARS` characters rejects it (``too_long``);
3. the text: each unstorable code point becomes U+FFFD, one for one, so every offset
   into the kept text is the offset into the text as given (the normaliser then leaves
   them out of what is analysed, through its offset map); a text where more than
   :data:`MAX_UNSTORABLE_SHARE` of the characters were unstorable is damaged rather than
   dirty, and is rejected (``encoding``);
4. the metadata fields and the origin are cleaned the same way.

Nothing here raises anything but :class:`storylens.errors.RejectedInput`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import RejectedInput
from ..model import Article, Rejection

# Characters per article: 5 MiB, the largest size measured. Analysis runs in pieces
# (storylens.pipeline), so time grows linearly with length and memory by about 100 bytes
# per character above the models (benchmarks/results/robustness.md, long, on the merged
# code: a 5,242,880-character line peaks at 573 MB in `storylens quotes` and 929 MB in
# `storylens ingest`, against 173 MB and 419 MB for 1,000 characters), so one article at
# the limit stays under 1 GB. No news article comes near it.
MAX_CHARS = 5 * 2**20
MAX_ID_CHARS = 512
# Above this share of unstorable characters a text was decoded from something that was
# not text; below it, a stray surrogate or NUL is replaced and the article kept.
MAX_UNSTORABLE_SHARE = 0.1
REPLACEMENT = "\ufffd"
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate and NUL replaced by U+FFFD, and how many were."""
    cleaned, count = UNSTORABLE.subn(REPLACEMENT, text)
    return cleaned, count


def clean_field(value: str | None) -> str | None:
    return None if value is None else UNSTORABLE.sub(REPLACEMENT, value)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (Python's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}" if code else "\\x00"


def printable(text: str) -> str:
    """A path or origin made storable and printable: undecodable bytes shown as ``\\xNN``."""
    return UNSTORABLE.sub(_escaped, text)


def check_article(article: Article, max_chars: int | None = None) -> Article:
    """The article as storylens keeps it, or :class:`RejectedInput` saying why it cannot be.

    ``max_chars`` defaults to :data:`MAX_CHARS`.
    """
    if max_chars is None:
        max_chars = MAX_CHARS
    if UNSTORABLE.search(article.id) is not None:
        raise RejectedInput(
            "record",
            f"the id {printable(article.id)!r} holds a character that cannot be stored "
            "(a lone surrogate or NUL); give the article a plain id",
        )
    if len(article.id) > MAX_ID_CHARS:
        raise RejectedInput(
            "record",
            f"the id is {len(article.id)} characters long; ids may have at most {MAX_ID_CHARS}",
        )
    if len(article.text) > max_chars:
        raise RejectedInput(
            "too_long",
            f"{len(article.text):,} characters is over the limit of {max_chars:,} per article; "
            "split the text into several articles",
        )
    text, replaced = clean_text(article.text)
    if replaced and replaced > MAX_UNSTORABLE_SHARE * len(text):
        raise RejectedInput(
            "encoding",
            f"{replaced} of {len(text)} characters are lone surrogates or NUL: the text was "
            "decoded from something that is not text; re-export it as UTF-8",
        )
    cleaned = replace(
        article,
        text=text,
        origin=printable(article.origin),
        outlet=clean_field(article.outlet),
        url=clean_field(article.url),
        title=clean_field(article.title),
        published=clean_field(article.published),
        language=clean_field(article.language),
    )
    return article if cleaned == article else cleaned


def checked(item: Article | Rejection, max_chars: int | None = None) -> Article | Rejection:
    """:func:`check_article` for a reader's output: a refused article becomes a Rejection."""
    if isinstance(item, Rejection):
        origin = printable(item.origin)
        return item if origin == item.origin else replace(item, origin=origin)
    try:
        return check_article(item, max_chars)
    except RejectedInput as exc:
        return Rejection(printable(item.origin), exc.reason, exc.detail)


__all__ = [
    "MAX_CHARS",
    "MAX_ID_CHARS",
    "REPLACEMENT",
    "UNSTORABLE",
    "check_article",
    "checked",
    "clean_field",
    "clean_text",
    "printable",
]
