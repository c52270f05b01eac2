"""Quotation-mark pairing over repaired text: which stretches are inside quotes.

Rules, in order:

- double marks: curly pairs open and close; a straight ``"`` opens after a space,
  a line start or an opening bracket/dash and closes otherwise;
- single marks ``‘ ’`` (and straight ``'`` at a word edge) count only outside double
  quotes, so apostrophes ("it’s") and nested quotes stay inside their quote;
- a quote still open at the end of a paragraph continues when the next paragraph
  opens with a mark (the newspaper convention for multi-paragraph quotes); otherwise
  it is closed there and recorded as unbalanced;
- a curly ``“`` inside an open quote nests (“he calls “hell” than live ...”) when the
  line holds both closing marks;
- a ``”`` at a line start before a word, or before an ellipsis and a word, opens a
  quote when a closing mark follows (a mistyped opener, common in pasted reader
  comments and in quotes that resume mid-sentence: "” … she answered");
- a ``“`` right after a word or a stop and before a space closes the open quote (a
  mistyped closer: "were “mostly fair.“");
- an inch mark ("6'3\"", "5\u20192\u201d") is no quotation mark;
- any other closing mark with no opening one is recorded as unbalanced and ignored.

Pairing is linear in the length of the text whatever the marks: every look-ahead is
bounded by a window, and a run of line breaks inside an open quote is walked once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# an inch mark ends a height or length ("6'3\"", "5\u20192\u201d"); it is no quotation mark
INCH_BEFORE = "(?<!\\d['\u2019]\\d)(?<!\\d['\u2019]\\d\\d)"
_DOUBLE_QUOTING = re.compile(INCH_BEFORE + '["\u201d]')  # a " or \u201d that is no inch mark


def _inch_mark(text: str, i: int) -> bool:
    return text[i] in '"\u201d' and _DOUBLE_QUOTING.match(text, i) is None


_DOUBLE_OPEN = "\u201c\u201e\u00ab"
# the only characters find_quotes acts on
_MARKS = re.compile("[\n\"'\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb]")
_BLANKS = re.compile("[ \n]*")
_DOUBLE_CLOSE = "\u201d\u00bb"
_OPEN_CONTEXT = " \n\t([{\u2014\u2013-/:;,"


@dataclass(frozen=True)
class QuoteMarks:
    """One quoted stretch ``[start, end)`` including its marks (end may lack a mark)."""

    start: int
    end: int
    unbalanced: bool = False
    continues: bool = False  # the quote carries on into the next paragraph

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - (0 if self.unbalanced else 1)


def _opens_here(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] in _OPEN_CONTEXT or text[i - 1] in _DOUBLE_OPEN


_ELIDED_START = re.compile(r"[ \t]?(?:\u2026|\.\.\.)[ \t]?")


def _misturned_opener(text: str, i: int) -> bool:
    """A ``”`` typed for ``“`` at a line start, before a word (or an ellipsis and a word,
    "” … she answered"), with a closing mark later on."""
    if not (i == 0 or text[i - 1] == "\n"):
        return False
    elided = _ELIDED_START.match(text, i + 1)
    word = elided.end() if elided else i + 1
    return word < len(text) and text[word].isalnum() and _closes_later(text, word)


def _misturned_closer(text: str, i: int) -> bool:
    """A ``“`` typed for ``”``: straight after a word or a stop and before a space, a
    bracket or the end ("were “mostly fair.“")."""
    return (
        i > 0
        and (text[i - 1].isalnum() or text[i - 1] in ".,!?")
        and (i + 1 == len(text) or text[i + 1] in " \t\n)]")
    )


_NEST_WINDOW = 2000  # characters looked ahead for the two closing marks (keeps pairing linear)


def _nested_here(text: str, i: int) -> bool:
    """A ``“`` inside an open quote opens a nested one when, on the same line, its ``”``
    comes before any other ``“`` and a second ``”`` follows for the outer quote."""
    line_end = text.find("\n", i, i + _NEST_WINDOW)
    stop = line_end if line_end >= 0 else i + _NEST_WINDOW
    first = text.find("\u201d", i + 1, stop)
    return (
        first >= 0
        and text.find("\u201c", i + 1, first) < 0
        and text.find("\u201d", first + 1, stop) >= 0
    )


def _closes_later(text: str, pos: int, window: int = 600) -> bool:
    """Whether the next double mark after ``pos`` closes a quote (before a blank-line run of two)."""
    for j in range(pos, min(len(text), pos + window)):
        ch = text[j]
        if _inch_mark(text, j):
            continue
        if ch in _DOUBLE_CLOSE:
            return True
        if ch in _DOUBLE_OPEN:
            return False
        if ch == '"':
            return not _opens_here(text, j)
        if ch == "\n" and text.startswith("\n\n", j) and j > pos:
            return False
    return False


def find_quotes(text: str) -> tuple[list[QuoteMarks], list[int]]:
    """Quoted stretches of ``text`` and the positions of stray closing marks."""
    quotes: list[QuoteMarks] = []
    stray: list[int] = []
    open_at: int | None = None
    single_at: int | None = None
    nested = 0  # curly quotes opened inside the open one
    n = len(text)
    blank_end = 0  # first position after the run of spaces and breaks being walked
    for found in _MARKS.finditer(text):  # every other character changes nothing below
        i, ch = found.start(), found.group()
        if _inch_mark(text, i):
            pass
        elif ch == "\n":
            if open_at is not None:
                if i >= blank_end:  # the end of this run of breaks, found once per run
                    blank_end = _BLANKS.match(text, i + 1).end()  # type: ignore[union-attr]
                nxt = blank_end
                continues = nxt < n and text[nxt] in _DOUBLE_OPEN + '"'
                if not continues and _closes_later(text, nxt):
                    continue  # a break inside one quote (the closing mark comes first): carry on
                quotes.append(QuoteMarks(open_at, i, unbalanced=not continues, continues=continues))
                open_at = None
                nested = 0
            if single_at is not None:
                single_at = None  # an unclosed single mark was an apostrophe or a stray
        elif open_at is None and (
            ch in _DOUBLE_OPEN
            or (ch == '"' and _opens_here(text, i))
            or (ch == "\u201d" and _misturned_opener(text, i))
        ):
            open_at = i
            single_at = None
        elif open_at is not None and ch == "\u201c" and _misturned_closer(text, i):
            quotes.append(QuoteMarks(open_at, i + 1))
            open_at = None
            nested = 0
        elif open_at is not None and ch == "\u201c" and _nested_here(text, i):
            nested += 1
        elif open_at is not None and nested and ch == "\u201d":
            nested -= 1
        elif open_at is not None and (ch in _DOUBLE_CLOSE or ch == '"'):
            quotes.append(QuoteMarks(open_at, i + 1))
            open_at = None
        elif open_at is None and (ch in _DOUBLE_CLOSE or ch == '"'):
            stray.append(i)
        elif open_at is None and single_at is None and ch in "\u2018'" and _opens_here(text, i):
            if i + 1 < n and text[i + 1].isalnum() or (i + 1 < n and text[i + 1] in '\u201c"'):
                single_at = i
        elif open_at is None and single_at is not None and ch in "\u2019'":
            after = text[i + 1] if i + 1 < n else " "
            if not after.isalnum():
                if i - single_at > 12:  # short ones are usually 'scare' marks or abbreviations
                    quotes.append(QuoteMarks(single_at, i + 1))
                single_at = None
    if open_at is not None:
        quotes.append(QuoteMarks(open_at, n, unbalanced=True))
    return quotes, stray
