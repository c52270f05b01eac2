"""The shared pieces of quote extraction: a found quote, the article being read, and
spans in the original text (:mod:`.quotes`)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from ..model import Span
from ..normalize import Normalized
from .marks import QuoteMarks, find_quotes
from .speakers import NameIndex
from .syntax import (
    OPENING_MARKS,
)

_DASH_SPEAKER = re.compile(
    r"\s*(?:--|[\u2014\u2015\u2013])\s*([A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){0,3})"
)


@dataclass
class _Found:
    start: int  # normalised offsets of the content
    end: int
    cue: Any | None  # spaCy token or Span
    source: Any | None  # spaCy Span
    direct: bool
    unbalanced: bool = False
    paragraph: int = 0
    speaker: str | None = None
    continues: bool = False
    signed: bool = False  # closed by a "-- Name" signature


class _Article:
    """Per-article lookups shared by the stages."""

    def __init__(self, doc: Any, norm: Normalized) -> None:
        self.doc = doc
        self.norm = norm
        self.text = norm.text
        self.marks, self.stray = find_quotes(self.text)
        self.inside = [False] * (len(self.text) + 1)
        for q in self.marks:
            for i in range(q.start, q.end):
                self.inside[i] = True
        self.sents = list(doc.sents)
        self.names = NameIndex.from_doc(doc)
        # sorted offsets, so each lookup is a bisection (articles with thousands of quotes)
        self._sent_starts = [s.start_char for s in self.sents]
        self._mark_starts = [q.start for q in self.marks]
        self._sent_ends = [s.end_char for s in self.sents]
        self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        self._blank_ends = [m.end() for m in re.finditer("\n\n", self.text)]

    def mark_at(self, pos: int) -> QuoteMarks | None:
        """The quoted stretch holding ``pos``, if any."""
        i = bisect.bisect_right(self._mark_starts, pos) - 1
        return self.marks[i] if i >= 0 and self.marks[i].start <= pos < self.marks[i].end else None

    def paragraph(self, pos: int) -> int:
        """An ordering key for ``pos``'s paragraph: blank-line breaks, then line breaks, before it."""
        blank = bisect.bisect_right(self._blank_ends, pos)
        return blank * 1000 + bisect.bisect_left(self._newlines, pos)

    def tok_inside(self, tok: Any) -> bool:
        return self.inside[tok.idx]

    def sents_over(self, start: int, end: int) -> list[Any]:
        i = bisect.bisect_right(self._sent_ends, start)
        out = []
        while i < len(self.sents) and self.sents[i].start_char < end:
            out.append(self.sents[i])
            i += 1
        return out

    def sent_from(self, pos: int) -> Any | None:
        """The first sentence starting at ``pos`` or later."""
        i = bisect.bisect_left(self._sent_starts, pos)
        return self.sents[i] if i < len(self.sents) else None

    def sent_before(self, pos: int) -> Any | None:
        """The last sentence ending at ``pos`` or earlier."""
        i = bisect.bisect_right(self._sent_ends, pos)
        return self.sents[i - 1] if i else None


_RUN_ON = 400  # characters a content may run on to close the quote it ends in


def _closing_mark(art: _Article, end: int) -> int:
    """A content ending inside a quote runs on to the quote's closing mark, so the quote
    it shows is closed: "“... recklessness." cut at the last word, or "the businessman's
    “message is working" cut before the quote's second clause ("and we see ...”")."""
    if end <= 0 or not art.inside[end - 1] or not art.inside[end]:
        return end
    q = art.mark_at(end - 1)
    if q is None or q.unbalanced or q.end - end > _RUN_ON:
        return end
    return q.end


def _opening_mark(art: _Article, start: int, end: int) -> int:
    """A content that holds a whole quote but its opening mark starts at the mark:
    "saying “it is overdue.”" gives "“it is overdue.”", not "it is overdue.”"."""
    q = art.mark_at(start)
    if q is None or q.start >= start or q.end > end:
        return start
    if art.text[q.start : start].strip(OPENING_MARKS + " "):
        return start  # words of the quote lie before the content
    return q.start


def _span(norm: Normalized, start: int, end: int) -> Span:
    return norm.span(start, end)


def _tok_span(norm: Normalized, obj: Any) -> Span | None:
    if obj is None:
        return None
    if hasattr(obj, "start_char"):
        return norm.span(obj.start_char, obj.end_char)
    return norm.span(obj.idx, obj.idx + len(obj.text))
