"""Text repair for scraped articles, with an offset map back to the original.

``normalize`` runs these stages, in order, over the original text:

0. encoding: mojibake (UTF-8 read as Windows-1252, ``â€œWe will rebuildâ€``) repaired
   with ftfy, each repaired character mapped to the original characters it came from
   (:mod:`storylens.encoding`), and a ``mojibake`` repair recorded;
1. characters: drop BOM, zero-width characters and soft hyphens, and what cannot be
   stored or encoded (lone surrogates, NUL); turn CR/CRLF into LF, tabs and no-break
   spaces into spaces; PTB-style quote pairs (two backticks, two apostrophes, which
   open after a space or bracket and close otherwise) into curly double quotes;
   collapse runs of spaces; cut a run of more than :data:`MAX_MARK_RUN` marks
   (characters neither letters, digits nor spaces, like a row of quotation marks) to
   its first :data:`MAX_MARK_RUN`, the last one mapped over the rest of the run (the
   tokenizer's affix search is quadratic in the length of such a run).
2. lines: a line that ends without closing punctuation and is followed by a line
   starting in lower case was broken mid-sentence (a link removed by the scraper):
   the break becomes a space and a ``joined_line`` repair is recorded. Blank lines
   and other breaks are kept as paragraph breaks.
3. flags (nothing is changed): a last line that stops mid-sentence is ``truncated``;
   a line that stops mid-sentence before a new paragraph, or a gap such as
   "using to conduct" or "the ." where link text was dropped, is ``dropped_text``.

Every character of the normalised text remembers the original characters it came
from, so any span found later maps back exactly: ``to_original``. Each stage is linear
in the length of the text. Changes made only so the text can be analysed at all
(dropped unstorable characters, cut runs of marks) are listed in ``Normalized.cleaned``,
apart from the ``repairs`` a report shows.

:meth:`Normalized.piece` gives a stretch of the repaired text with the same map, so a
long article can be analysed piece by piece with every offset still exact.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field

from .encoding import EncodingRepair, repair_encoding
from .model import Repair, Span

_DELETE = {"\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"}
# NUL and lone surrogates: nothing downstream (the store, the embedder) can take them
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]+")
# Marks kept of a longer run: "!!!!" and "----" rules stay as they are, a flood is cut.
# The tokenizer takes 0.21 s for a run of 1,000 marks and 25 s for 10,000 (quadratic);
# runs of 16 cost it nothing measurable (benchmarks/robustness.py, quote_flood).
MAX_MARK_RUN = 16
_MARK_RUN = re.compile(
    rf"[^\w\s\x00\ud800-\udfff{''.join(sorted(_DELETE))}]{{{MAX_MARK_RUN + 1},}}"
)
_SPACES = {
    "\t",
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u2007",
    "\u2002",
    "\u2003",
    "\u3000",
    "\x0b",
    "\x0c",
}
# closing punctuation after which a line break is a real break
_TERMINAL = set(".!?:;\"”’'»)]…—–-|*")
# words a sentence does not end on: a last line ending in one was cut off
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "about",
        "as",
        "than",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "this",
        "these",
        "those",
        "its",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "not",
        "no",
        "said",
        "says",
        "told",
    ]
)
_DROPPED_GAP = re.compile(
    r"(?<=\b(?:of|by) )(?:using|employing|utilizing|utilising)\s+to\s+[a-z]+"  # "the practice of using to conduct"
    r"|(?<=\bfor )(?:using|employing|utilizing|utilising)\s+to\s+[a-z]+"
    r"|\b(?:the|a|an|of|to|by|with|from|at|on|in)\s+[.,;:](?=\s|$)",  # "according to ."
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Normalized:
    """The repaired text of one article and the way back to its original."""

    original: str
    text: str
    starts: array = field(repr=False)  # original start of each normalised character
    ends: array = field(repr=False)  # original end (exclusive) of each normalised character
    repairs: tuple[Repair, ...] = ()
    # changes made only so the text can be analysed: "unstorable", "mark_run"
    cleaned: tuple[Repair, ...] = ()
    # for a piece: where the piece's text ends in the original (None: the original's end)
    tail: int | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` to the original text."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if start == end:
            if start < n:
                pos = self.starts[start]
            else:
                pos = len(self.original) if self.tail is None else self.tail
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def piece(self, start: int, end: int) -> Normalized:
        """The repaired text's ``[start, end)`` as a Normalized of its own over the same
        original: spans found in the piece map to the original exactly, and the piece
        holds the repairs that fall inside it."""
        lo = self.starts[start] if start < len(self.text) else len(self.original)
        hi = self.ends[end - 1] if end > start else lo
        return Normalized(
            original=self.original,
            text=self.text[start:end],
            starts=self.starts[start:end],
            ends=self.ends[start:end],
            repairs=tuple(r for r in self.repairs if lo <= r.start < hi),
            cleaned=tuple(r for r in self.cleaned if lo <= r.start < hi),
            tail=hi if end < len(self.text) else self.tail,
        )

    def span(self, start: int, end: int) -> Span:
        """A :class:`Span` in original offsets for normalised ``[start, end)``."""
        s, e = self.to_original(start, end)
        return Span(s, e, self.original[s:e])

    def from_original(self, pos: int) -> int:
        """The normalised index of the first character at or after original ``pos``."""
        import bisect

        return bisect.bisect_left(self.starts, pos)


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts = array("l")
        self.ends = array("l")
        self.cleaned: list[Repair] = []

    def add(self, ch: str, start: int, end: int) -> None:
        self.chars.append(ch)
        self.starts.append(start)
        self.ends.append(end)


_OPENS_BEFORE = " \t\n\r([{\u2014\u2013-/\u00a0"


def _clean_characters(repaired: EncodingRepair) -> _Builder:
    """Stage 1: character-level cleaning with one map entry per output character.

    Works on the text after mojibake repair (stage 0); its map turns every position
    back into original offsets.
    """
    b = _Builder()
    source, at, to = repaired.text, repaired.starts, repaired.ends
    i, n = 0, len(source)
    # runs found up front, so the loop below looks each position up in O(1)
    unstorable = {m.start(): m.end() for m in _UNSTORABLE.finditer(source)}
    mark_runs = {m.start(): m.end() for m in _MARK_RUN.finditer(source)}
    while i < n:
        ch = source[i]
        if ch in _DELETE:
            i += 1
            continue
        if i in unstorable:
            end = unstorable[i]
            b.cleaned.append(
                Repair("unstorable", at[i], to[end - 1], "lone surrogate or NUL left out")
            )
            i = end
            continue
        if i in mark_runs:
            end = mark_runs[i]
            for k in range(i, i + MAX_MARK_RUN):
                b.add(source[k], at[k], to[k])
            b.ends[-1] = to[end - 1]
            b.cleaned.append(
                Repair(
                    "mark_run",
                    at[i],
                    to[end - 1],
                    f"a run of {end - i} marks cut to {MAX_MARK_RUN}",
                )
            )
            i = end
            continue
        if ch == "\r":
            end = i + 2 if source.startswith("\r\n", i) else i + 1
            b.add("\n", at[i], to[end - 1])
            i = end
            continue
        if ch == "`" and source.startswith("``", i):
            b.add("\u201c", at[i], to[i + 1])
            i += 2
            continue
        if ch == "'" and source.startswith("''", i):
            # the NYT writes both marks as two apostrophes: an opening one follows a
            # space, a line start or an opening bracket or dash
            opening = i == 0 or source[i - 1] in _OPENS_BEFORE
            b.add("\u201c" if opening else "\u201d", at[i], to[i + 1])
            i += 2
            continue
        if ch in _SPACES:
            ch = " "
        if ch == " " and b.chars and b.chars[-1] == " ":
            b.ends[-1] = to[i]  # fold the run into one space
            i += 1
            continue
        if ch == "\n" and b.chars and b.chars[-1] == " ":
            # trailing space before a line break: drop it, keep the break
            b.chars.pop()
            b.starts.pop()
            b.ends.pop()
        b.add(ch, at[i], to[i])
        i += 1
    return b


def _line_ends_open(line: str) -> bool:
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] not in _TERMINAL


def _last_word(line: str) -> str:
    words = re.findall(r"[\w’']+|,", line)
    return words[-1].lower() if words else ""


def _is_heading(line: str) -> bool:
    """A short title-case line ("Wall Street Weighs In") is a heading, not a cut sentence."""
    words = re.findall(r"[A-Za-z][\w’'-]*", line)
    if not words or len(words) > 12:
        return False
    capital = sum(1 for w in words if w[0].isupper() or w.lower() in _FUNCTION_WORDS)
    return capital == len(words) and sum(1 for w in words if w[0].isupper()) >= len(words) / 2


def _looks_cut(line: str, last: bool) -> bool:
    """A line that stops mid-sentence.

    Any line ending on a comma or a function word ("and", "the") was cut. A last
    line is also cut when it is a long run of words ending in a lower-case word;
    a line inside the article is also cut when a lone word trails its last comma
    ("... with Mexican coordination, Digital"), the mark of link text dropped mid-sentence.
    Tuned on the seeds and checked for noise on the ECB+, PolNeAR and recession texts.
    """
    if not _line_ends_open(line):
        return False
    word = _last_word(line)
    if word == "," or word in _FUNCTION_WORDS:
        return not (_is_heading(line) and word in ("in", "on", "out", "up", "off", "down"))
    if _is_heading(line):
        return False
    if last:
        tail = line.rstrip().rsplit(" ", 1)[-1]
        return len(line.split()) >= 10 and tail.isalpha() and tail.islower()
    return bool(re.search(r",\s+[A-Z][\w’']*\s*$", line)) and len(line.split()) >= 8


def normalize(original: str) -> Normalized:
    """Repair ``original`` and keep the map back to it (see the module docstring)."""
    repaired = repair_encoding(original)
    b = _clean_characters(repaired)
    text = "".join(b.chars)
    repairs: list[Repair] = list(repaired.repairs)

    # Stage 2: join lines broken mid-sentence.
    chars = list(text)
    lines = text.split("\n")
    pos = 0
    line_starts = []
    for line in lines:
        line_starts.append(pos)
        pos += len(line) + 1
    for k in range(len(lines) - 1):
        line, nxt = lines[k], lines[k + 1]
        if not line.strip() or not nxt.strip():
            continue
        first = nxt.lstrip()[0]
        continues = first.islower() or (
            first in "\"\u201c\u2018'" and re.search(r"(,|\bsaid|\bsays)\s*$", line) is not None
        )
        if _line_ends_open(line) and continues:
            brk = line_starts[k] + len(line)
            chars[brk] = " "
            repairs.append(
                Repair("joined_line", b.starts[brk], b.ends[brk], "line broken mid-sentence joined")
            )
    text = "".join(chars)

    # Stage 3: flags on the repaired lines.
    joined_lines = text.split("\n")
    content = [(i, ln) for i, ln in enumerate(joined_lines) if ln.strip()]
    pos = 0
    starts_of = []
    for ln in joined_lines:
        starts_of.append(pos)
        pos += len(ln) + 1
    if len(content) > 1:
        last_idx, last_line = content[-1]
        if _looks_cut(last_line, last=True):
            s = starts_of[last_idx] + (len(last_line) - len(last_line.lstrip()))
            e = starts_of[last_idx] + len(last_line.rstrip())
            repairs.append(
                Repair("truncated", b.starts[s], b.ends[e - 1], "text ends mid-sentence")
            )
        for idx, line in content[1:-1]:
            if _looks_cut(line, last=False):
                e = starts_of[idx] + len(line.rstrip())
                words = line.rstrip().rsplit(" ", 1)
                s = e - len(words[-1])
                repairs.append(
                    Repair(
                        "dropped_text",
                        b.starts[s],
                        b.ends[e - 1],
                        "line stops mid-sentence before a new paragraph",
                    )
                )
    for m in _DROPPED_GAP.finditer(text):
        repairs.append(
            Repair(
                "dropped_text",
                b.starts[m.start()],
                b.ends[m.end() - 1],
                "words missing here (dropped link text?)",
            )
        )
    repairs.sort(key=lambda r: (r.start, r.end, r.kind))
    return Normalized(
        original=original,
        text=text,
        starts=b.starts,
        ends=b.ends,
        repairs=tuple(repairs),
        cleaned=tuple(b.cleaned),
    )


def truncated_from(norm: Normalized) -> int | None:
    """Normalised offset where a truncated last line begins, if the text was cut off."""
    for r in norm.repairs:
        if r.kind == "truncated":
            return norm.from_original(r.start)
    return None


__all__ = ["MAX_MARK_RUN", "Normalized", "normalize", "truncated_from"]
