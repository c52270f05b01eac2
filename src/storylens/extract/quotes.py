"""Quotes and attributions with their speakers.

``extract_quotes`` runs a cascade over one parsed article:

1. direct quotes: quoted stretches (see :mod:`.marks`) of four or more words, or shorter
   ones standing next to a speech verb;
2. their frame: the nearest verb of saying outside quotes in the same sentence (or a
   sentence introducing the quote with a colon) and its subject as the source; else the
   words closing a comma-ended quote ("...,” an angry Reyes retaliated."); else a
   "-- Name" after the quote; else the previous quote's speaker when the quote continues
   that speaker's paragraph run;
3. quotes around one frame ("...," she said. "...") and frameless quotes later in the
   same paragraph (unless a colon introduces them) are merged into one covering span, as
   news style means one statement; a quote inside its cue's clause takes the whole
   clause ("said the plan “would fail” without money"), and one finishing a sentence
   begun before an aside frame takes that sentence ("A quiet winter, she said, “could
   be ...”");
4. "Name: ..." lines (headlines above all), headlines quoting in part, transcript turns
   ("PENCE: ..."), "according to X", "as X reported" and aside frames ("All of this,
   Okafor said, could be undone": the whole sentence) by rule;
5. every other indirect attribution ("X said (that) ...", "vowed to ...", "criticised
   the plan") through the fitted candidate model of :mod:`.indirect`;
6. speakers resolved to canonical names within the article (:mod:`.speakers`).

A content that ends inside a quote runs on to the quote's closing mark, and one chosen
by the model that runs into a rule-found quote stops before it. All spans are reported
in the original text through the normaliser's offset map.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..model import Quote, Span
from ..normalize import Normalized
from .cues import CUE_VERBS, RELATIVE_PRONOUNS, SPEECH_VERBS
from .indirect import AttributionModel, TakenSpans, content_shapes, find_indirect
from .marks import QuoteMarks, find_quotes
from .speakers import NameIndex, resolve_speaker
from .syntax import (
    CLOSING_MARKS,
    OPENING_MARKS,
    SUBJECTS,
    agent_of,
    noun_phrase,
    quoted,
    subject_of,
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


def _frame_for(art: _Article, q: QuoteMarks) -> tuple[Any, Any] | None:
    """Cue verb and source for a direct quote, from the sentences around it."""
    sents = art.sents_over(q.start, q.end)
    if sents:
        last = sents[-1]
        # "...,” Kelly stated." is often split off as its own sentence
        after = art.sent_from(last.end_char)
        nxt = [after] if after is not None else []
        if (
            nxt
            and nxt[0].start_char - q.end < 3
            and "\n" not in art.text[q.end : nxt[0].start_char]
            and nxt[0].end_char - nxt[0].start_char < 120
            and not art.inside[nxt[0].start_char]
            and not any(art.inside[i] for i in range(nxt[0].start_char, nxt[0].end_char))
        ):
            sents = sents + nxt
    best: tuple[int, Any, Any] | None = None
    for sent in sents:
        for tok in sent:
            if tok.pos_ not in ("VERB", "AUX") or art.tok_inside(tok):
                continue
            if tok.lemma_.lower() not in SPEECH_VERBS and tok.lemma_.lower() not in ("according",):
                continue
            subj = subject_of(tok) or agent_of(tok)
            if subj is None and tok.dep_ == "pcomp" and tok.head.dep_ == "prep":
                subj = subject_of(tok.head.head)  # "sings before asking her, “...”"
            if subj is not None and art.tok_inside(subj):
                # "“Safety,” said Okafor": the parser may take a quoted word for a subject
                # as well as the name after the verb
                subj = next(
                    (c for c in tok.children if c.dep_ in SUBJECTS and not art.tok_inside(c)),
                    None,
                )
            if subj is None or art.tok_inside(subj):
                continue
            dist = min(abs(tok.idx - q.end), abs(q.start - tok.idx - len(tok.text)))
            if best is None or dist < best[0]:
                best = (dist, tok, noun_phrase(subj))
    if best is not None and best[0] < 250:
        return best[1], best[2]
    surface = _surface_frame(art, q)
    if surface is not None:
        return surface
    # "Sheinbaum said:" introducing the quote
    prev = art.sent_before(q.start)
    if prev is not None and prev.text.rstrip().endswith(":") and q.start - prev.end_char < 3:
        for tok in reversed(list(prev)):
            if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in CUE_VERBS:
                subj = subject_of(tok)
                if subj is not None:
                    return tok, noun_phrase(subj)
    m = _DASH_SPEAKER.match(art.text, q.end)
    if m:
        span = art.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if span is not None:
            return None, span
    return None


def _surface_frame(art: _Article, q: QuoteMarks) -> tuple[Any, Any] | None:
    """The frame right after a quote that ends in a comma, when no verb of saying framed it.

    Either any verb whose subject opens the words after the quote, in a clause that ends
    a few words on ("“...,” an angry Reyes retaliated."; a relative clause, "“...,”
    which Brandt wrote", is no frame); or, when the parse found no subject (the tagger
    took "Reyes" for a compound of "answers"), one to four name words and a verb of
    saying that ends the sentence or is followed by a comma or a time word.
    """
    if art.text[q.end - 2 : q.end - 1] != ",":
        return None  # the quote must run on into its frame: "...,” Reyes answers."
    doc = art.doc
    window = doc.char_span(q.end, min(len(art.text), q.end + 60), alignment_mode="expand")
    if window is None or len(window) == 0:
        return None
    i = window.start
    while i < len(doc) and (doc[i].is_space or doc[i].idx < q.end):
        i += 1
    if i < len(doc) and doc[i].idx - q.end <= 2:
        for k in range(i, min(len(doc), i + 8)):
            tok = doc[k]
            if tok.is_sent_start and k > i:
                break
            if tok.pos_ == "VERB" and not art.tok_inside(tok):
                subj = subject_of(tok)
                if (
                    subj is not None
                    and i <= subj.i < k
                    and tok.dep_ != "relcl"
                    and subj.lower_ not in RELATIVE_PRONOUNS
                    and _clause_ends(doc, k)
                ):
                    return tok, noun_phrase(subj)
                break
    j = i
    while j < len(doc) and j - i < 4 and (doc[j].pos_ == "PROPN" or doc[j].text.istitle()):
        j += 1
    if j == i or j >= len(doc) or doc[i].idx - q.end > 2:
        return None
    verb = doc[j]
    if verb.lemma_.lower() not in SPEECH_VERBS or art.tok_inside(verb):
        return None
    after = doc[j + 1] if j + 1 < len(doc) else None
    if after is not None and not (
        after.is_punct or after.is_space or after.like_num or after.ent_type_ in ("DATE", "TIME")
    ):
        return None
    return verb, doc[i:j]


def _clause_ends(doc: Any, k: int) -> bool:
    """The verb at ``k`` ends its clause within a few words, at a stop, a comma or a line
    break ("retaliated.", "shot back with a laugh.")."""
    for t in doc[k + 1 : k + 6]:
        if t.text in (".", "!", "?", ";", ",") or t.is_space:
            return True
        if t.pos_ in ("VERB", "AUX") or t.text in ("\u201c", '"'):
            return False
    return k + 1 >= len(doc)


_WORDS = re.compile(r"[A-Za-z][\w'\u2019-]*")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "to",
        "for",
        "with",
        "at",
        "by",
        "from",
        "it",
        "is",
    ]
)
_TITLE_BEFORE = re.compile(
    r"(?:\b(?:of|on|in|from|at|titled|entitled|called|book|show|film|song|album|program"
    r"|programme|column|essay|speech)|['\u2019]s),? $",
    re.IGNORECASE,
)
# ", but “...”", ", and still “...”": one word may stand between the conjunction and the
# quote, and the frame may be a long one ("Pell wrote in a letter to the harbour board,
# and “...”"). Against no word and at most 60 characters, PolNeAR dev direct F1
# 0.8926 -> 0.8940, all 0.7420 -> 0.7425; train direct 0.89599 -> 0.89615, all
# 0.74087 -> 0.74092.
_GOES_ON = re.compile(r", (?:but|and|or) (?:[a-z]+ )?$")
_GOES_ON_GAP = 100  # characters between the two parts, at most
# "“Harbour board votes to raise the levy,” by the Gazette's Ana Pell: ...": a headline
# with its byline names a story, it is nobody's words (PolNeAR train: 13 such quotes
# without a frame, none of them a gold attribution)
_BYLINE = re.compile(r",? by (?:[A-Z]|the [A-Z])")
_TITLE_VERB = re.compile(r" (?:is|was|are|were|has|had|have|will|would|became|becomes|remains)\b")


def _title_case(inner: str) -> bool:
    """Every word capitalised but the small ones: "How to Save a Small Town"."""
    words = _WORDS.findall(inner)
    return (
        bool(words)
        and words[0][0].isupper()
        and all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)
    )


def _title_in_running_text(art: _Article, q: QuoteMarks) -> bool:
    """A title-case quote of two words or more inside a line of running text ("began with
    a Web ad, “Harbour Lights,” in which ..."): a line in title case throughout is a
    headline, whose quotes are somebody's words, and a title holds no sentence ("“The
    Harbour. Our Town.”"). PolNeAR all-attribution F1 dev 0.7465 -> 0.7470, train 0.7518
    -> 0.7520; direct dev 0.9012 -> 0.9026, train 0.8998 -> 0.9004."""
    line_start = art.text.rfind("\n", 0, q.start) + 1
    line_end = art.text.find("\n", q.end)
    line_end = len(art.text) if line_end < 0 else line_end
    raw = art.text[q.start + 1 : q.end - 1].rstrip("'\u2019\u201d\" ")
    if raw.endswith((".", "?", "!")) or ". " in raw:
        return False
    before = art.text[line_start : q.start].rstrip()
    if not before or not (before[-1].isalnum() or before[-1] in ",\u2019'"):
        return False  # opening a sentence it is speech: "“Your Honor,” I said, “...”"
    outside = _WORDS.findall(art.text[line_start : q.start] + " " + art.text[q.end : line_end])
    lower = [w for w in outside if w[0].islower() and w.lower() not in _SMALL_WORDS]
    return len(outside) >= 4 and len(lower) >= 2 and len(_WORDS.findall(raw)) >= 2


def _names_a_thing(art: _Article, q: QuoteMarks) -> bool:
    """A title, not somebody's words.

    Either running on into its sentence ("“American Skin (41 Shots)” was written by
    ...": no closing punctuation inside the marks, and a verb such as "is" or "was"
    right after), or in title case after a word that introduces one ("an episode of
    “The Harbour Hour,”", "his 2019 book, “How to Save a Small Town,”").
    """
    if q.unbalanced:
        return False
    inner = art.text[q.start + 1 : q.end - 1].strip(" ,.'\u2019")
    if (
        not any(ch in inner for ch in '"\u201c\u201d')
        and _title_case(inner)
        and (
            _TITLE_BEFORE.search(art.text, max(0, q.start - 20), q.start)
            or _title_in_running_text(art, q)
        )
    ):
        return True
    last = art.text[q.end - 2 : q.end - 1]
    if not last or last in ".,!?;:\u2026-\u2014\u2013":
        return False
    return _TITLE_VERB.match(art.text, q.end) is not None


def _continues_sentence(art: _Article, q: QuoteMarks) -> bool:
    """The quote opens in lower case after a comma: it finishes a sentence begun before
    the frame ("That, the commission said, “would be helpful ...”")."""
    inner = art.text[q.start + 1 : min(q.end, q.start + 8)].lstrip("'\u2018 ")
    return bool(inner) and inner[0].islower() and art.text[max(0, q.start - 2) : q.start] == ", "


def _embedded(art: _Article, q: QuoteMarks) -> bool:
    """A quote inside running text: preceded by a word that is not a verb of saying."""
    j = q.start - 1
    while j >= 0 and art.text[j] == " ":
        j -= 1
    if j < 0 or not (art.text[j].isalnum() or art.text[j] in "’'"):
        return False
    words = art.text[max(0, j - 30) : j + 1].split()
    prev_word = words[-1].lower() if words else ""
    return not any(
        prev_word.startswith(v)
        for v in ("said", "say", "tell", "told", "add", "wrote", "write", "ask", "declar", "stat")
    )


def _frame_follows(art: _Article, q: QuoteMarks, frame: tuple[Any, Any] | None) -> bool:
    """The quote is closed by its own frame: "Pell “has a plan,” said Reyes"."""
    first = _frame_start(frame)
    if first is None:
        return False
    # the quote's last words may be a quote of their own: "... as, ‘He’s the one,’” Pell said
    last = art.text[q.start + 1 : q.end - 1].rstrip("\u2019'")[-1:]
    return q.end <= first and first - q.end < 4 and bool(last) and last in ",?!"


def _frame_start(frame: tuple[Any, Any] | None) -> int | None:
    """Where a frame with a cue begins: its cue or its source, whichever comes first."""
    if frame is None or frame[0] is None:
        return None
    cue, source = frame
    return int(min(cue.idx, source.start_char))


_FRAME_AFTER_CHARS = 60  # between a quote and the frame that closes its sentence


def _frame_closes_before_more(art: _Article, q: QuoteMarks, frame: tuple[Any, Any] | None) -> bool:
    """ "Pell “has a plan” for the pier, said Reyes. “It starts in May.”": a frame closing
    the sentence a few words after the quote, with a quote opening the next sentence.
    PolNeAR makes one content of the sentence and the quotes that go on after it."""
    first = _frame_start(frame)
    if frame is None or first is None:
        return False
    between = art.text[q.end : first]
    if (
        first < q.end
        or len(between) > _FRAME_AFTER_CHARS
        or not between.endswith(", ")
        or any(ch in between for ch in '.?!;:\n"\u201c\u201d')
    ):
        return False
    end = frame[0].sent.end_char
    gap = art.text[end : end + 8]
    rest = gap.lstrip()
    return (
        (art.text[end - 1 : end] in ".!?" or art.text[end - 2 : end].rstrip().endswith("."))
        and gap.count("\n") <= 2
        and bool(rest)
        and rest[0] in OPENING_MARKS
    )


def _attributed_between(art: _Article, prev: _Found, end: int) -> tuple[Any, Any, Any] | None:
    """The sentence, verb and subject of a second frame between a framed quote and a
    frameless one that would go on it: "“...,” Pell said after the vote. The budget is
    “a mere patch,” she added. “...”".

    A whole sentence between them, other than the one holding the first quote's cue, with
    a verb of saying outside quotation marks and a subject of its own: PolNeAR gives that
    sentence and the quote after it one content of their own. PolNeAR all-attribution F1
    dev 0.74933 -> 0.74945, train 0.75317 -> 0.75336; direct dev 0.90264 -> 0.90278,
    train 0.90110 -> 0.90160. (Only sentences that hold quoted words of their own, as in
    the example: dev 0.74964 / 0.90341, train 0.75326 / 0.90134.)
    """
    cue = prev.cue
    if cue is None or not hasattr(cue, "i"):  # "according to" frames a span
        return None
    for sent in art.sents_over(prev.end, end):
        if sent.start_char < prev.end or sent.end_char > end or sent.start <= cue.i < sent.end:
            continue
        for tok in sent:
            if tok.pos_ != "VERB" or tok.lemma_.lower() not in SPEECH_VERBS:
                continue
            subj = subject_of(tok)
            if subj is not None and not art.tok_inside(tok):
                return sent, tok, subj
    return None


def _next_paragraph(art: _Article, prev_end: int, start: int) -> bool:
    """A quote opening the paragraph right after the previous quote's paragraph."""
    if start == 0 or art.text[start - 1] != "\n":
        return False
    gap = art.text[prev_end:start]
    breaks = [i for i, ch in enumerate(gap) if ch == "\n"]
    return bool(breaks) and "\n" not in gap[: breaks[0]] and gap[breaks[0] :].strip() == ""


def _aside_frame(art: _Article, q: QuoteMarks) -> _Found | None:
    """A sentence quoted in part around an aside frame: "African-Americans, he said, can
    “rock like Jimi.”" attributes the whole sentence to the aside's subject."""
    sents = art.sents_over(q.start, q.end - 1)  # a closing mark split off stays out
    if len(sents) != 1:
        return None
    sent = sents[0]
    for tok in sent:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in SPEECH_VERBS or art.tok_inside(tok):
            continue
        subj = subject_of(tok)
        if subj is None or subj.i > tok.i or tok.i + 1 >= sent.end:
            continue
        left = subj.left_edge.i
        if (
            left - 1 <= sent.start
            or art.doc[left - 1].text != ","
            or art.doc[tok.i + 1].text != ","
        ):
            continue
        start, end = sent.start_char, sent.end_char
        while end > start and art.text[end - 1] in " \n.":
            end -= 1
        return _Found(start, end, tok, noun_phrase(subj), True, q.unbalanced, art.paragraph(start))
    return None


def _take_aside(art: _Article, q: QuoteMarks, found: list[_Found]) -> bool:
    """Add the aside-frame sentence around ``q`` to ``found`` unless it overlaps the last
    one kept; whether it was added."""
    aside = _aside_frame(art, q)
    if aside is None or (found and found[-1].end > aside.start):
        return False
    found.append(aside)
    return True


def _same_frame_goes_on(
    art: _Article, q: QuoteMarks, frame: tuple[Any, Any] | None, found: list[_Found]
) -> bool:
    """ "“I love this harbour,” Pell said, but “when it comes to the levy ...”" (or ",
    and still “...”"): the second part goes on the quote its frame closed; whether it
    was added."""
    prev = found[-1] if found else None
    if frame is None or frame[0] is None or prev is None or not prev.direct:
        return False
    if prev.cue is None or prev.cue.i != frame[0].i or prev.end > frame[0].idx:
        return False
    gap = art.text[prev.end : q.start]
    if "\n" in gap or len(gap) > _GOES_ON_GAP or not _GOES_ON.search(gap):
        return False
    prev.end = q.end
    prev.unbalanced = prev.unbalanced or q.unbalanced
    return True


def _colon_frame(art: _Article, q: QuoteMarks) -> tuple[Any, Any] | None:
    """ "Pell is taking a blunter message to the docks: “...”": the introducing clause's
    subject."""
    colon = art.text.rfind(":", 0, q.start)
    sents = art.sents_over(colon, colon + 1) if colon >= 0 else []
    if not sents:
        return None

    def depth(tok: Any) -> int:
        n = 0
        while tok.head.i != tok.i and n < 50:
            tok, n = tok.head, n + 1
        return n

    # the clause's main verb: the one nearest the parse's root (the parser often roots
    # the sentence inside the quote)
    verbs = [
        t for t in sents[0] if t.idx < colon and t.pos_ in ("VERB", "AUX") and not art.tok_inside(t)
    ]
    for verb in sorted(verbs, key=lambda t: (depth(t), t.i))[:1]:
        subj = subject_of(verb)
        if subj is not None and not art.tok_inside(subj) and subj.pos_ in ("PROPN", "NOUN", "PRON"):
            return verb, noun_phrase(subj)
    return None


def _direct_quotes(art: _Article) -> list[_Found]:
    found: list[_Found] = []
    for q in art.marks:
        words = art.text[q.start : q.end].split()
        frame = _frame_for(art, q)
        if (
            _embedded(art, q)
            and not _frame_follows(art, q, frame)
            and not _frame_closes_before_more(art, q, frame)
        ):
            if _same_frame_goes_on(art, q, frame, found):
                continue
            _take_aside(art, q, found)
            continue  # part of a sentence ("called it “a disgrace”"): the indirect pass takes it
        # "An economic downturn, he said, “could be a good time to borrow ...”"
        if _continues_sentence(art, q) and _take_aside(art, q, found):
            continue
        standalone = (
            q.start == 0
            or art.text[q.start - 1] == "\n"
            or art.text[q.start - 2 : q.start] in (": ", ", ", ". ", "? ", "! ")
        )
        prev = found[-1] if found else None
        short_tail = (
            frame is None
            and standalone
            and prev is not None
            and prev.direct
            and prev.cue is not None
            and not prev.signed
            and "\n" not in art.text[prev.end : q.start]
        )  # "“I would,” Pell said to the screen. “I would, really.”"
        # "... a blunter message to the docks: “Pay now or sink.”"
        after_colon = art.paragraph(q.start) > 0 and art.text[
            max(0, q.start - 3) : q.start
        ].rstrip().endswith(":")
        colon_line = (
            after_colon  # a headline's quote has its own rule
            and art.text[q.end - 2 : q.end - 1] in ".?!"
            and art.text[q.end : q.end + 1] in ("", "\n")
        )
        if len(words) < 4 and not (frame and standalone) and not short_tail and not colon_line:
            continue  # a scare quote or a title: left to the indirect pass
        if _names_a_thing(art, q) or (frame is None and _BYLINE.match(art.text, q.end)):
            continue
        para = art.paragraph(q.start)
        cue, source = frame if frame else (None, None)
        between = (
            _attributed_between(art, prev, q.start)
            if frame is None
            and prev is not None
            and prev.direct
            and "\n" not in art.text[prev.end : q.start]
            else None
        )
        if (
            prev is not None
            and prev.direct
            and not prev.signed  # "“...” ― Ana Pell" ends Pell's statement
            and (
                (cue is not None and prev.cue is not None and cue.i == prev.cue.i)
                # a frameless quote later in the same paragraph goes on the previous one,
                # however long the speaker's description between them (PolNeAR train:
                # a 15-word cap lost 0.035 direct F1, 60 or more words gave the same)
                or (
                    frame is None
                    and "\n" not in art.text[prev.end : q.start]
                    # "... that I had to change my answer: “...”" opens a statement of its own
                    and not art.text[prev.end : q.start].rstrip().endswith(":")
                    and between is None
                )
                or (frame is None and _next_paragraph(art, prev.end, q.start))
            )
        ):
            prev.end = q.end
            prev.unbalanced = prev.unbalanced or q.unbalanced
            continue
        if (
            frame is None
            and prev is not None
            and prev.direct
            and prev.source is not None
            and not prev.signed
        ):
            # a quote paragraph continuing the previous speaker's quote
            gap = art.text[prev.end : q.start]
            if (
                gap.strip() == ""
                or (q.start > 0 and art.text[q.start - 1] == "\n" and prev.paragraph + 2 >= para)
                or ("\n" not in gap and gap.rstrip().endswith(":"))  # "... my answer: “...”"
            ):
                cue, source = None, prev.source
        if between is not None:  # the second frame's sentence and this quote
            sent, verb, subj = between
            speaker = noun_phrase(subj)
            found.append(_Found(sent.start_char, q.end, verb, speaker, True, q.unbalanced, para))
            continue
        if after_colon and source is None:
            cue, source = _colon_frame(art, q) or (None, None)
        signed = frame is not None and frame[0] is None
        if (
            signed
            and prev is not None
            and prev.direct
            and prev.source is None
            and not prev.signed
            and "\n" not in art.text[prev.end : q.start]
        ):
            # "“...” And that’s all. “...” ― Ana Pell": the signature closes both parts
            prev.end, prev.source, prev.signed = q.end, source, True
            continue
        found.append(
            _Found(
                q.start,
                q.end,
                cue,
                source,
                True,
                q.unbalanced,
                para,
                continues=q.continues,
                signed=signed,
            )
        )
    # the opening paragraphs of a multi-paragraph quote take the speaker named at its end
    for k in range(len(found) - 2, -1, -1):
        f, nxt = found[k], found[k + 1]
        if f.source is None and f.continues and nxt.source is not None:
            f.source, f.cue = nxt.source, nxt.cue
    for f in found:
        _widen_to_clause(art, f)
    return found


def _widen_to_clause(art: _Article, f: _Found) -> None:
    """A quote inside its cue verb's clause takes the whole clause as its content.

    "X said the plan "would fail" without money" attributes the whole clause, of
    which the quoted words are a part; so does "Pell "has a plan," said Reyes".
    """
    cue = f.cue
    if cue is None or not hasattr(cue, "lemma_"):
        return
    shapes = content_shapes(cue, art.text)
    span = shapes.get("ccomp") or shapes.get("xcomp") or shapes.get("obj")
    if span is None:
        return
    start, end = span
    if not (start <= f.start < end or start < f.end <= end):
        return
    cue_end = cue.idx + len(cue.text)
    if cue_end <= f.start and art.text[cue_end : f.start].rstrip().endswith(":"):
        return  # "Pell took a message to the docks: “Pay now.”" quotes the message alone
    if cue_end <= f.start:  # "X said the plan “would fail” without money"
        f.start, f.end = max(min(start, f.start), cue_end), max(end, f.end)
    elif ":" not in art.text[start : f.start]:
        # "Pell “has a plan,” said Reyes": only what precedes the quote joins it, and
        # not a frame of its own ("Pell scolded him: “...,” she said")
        f.start = min(start, f.start)


def _by_rule(art: _Article) -> tuple[list[_Found], list[_Found]]:
    """The direct quotes, "Name: ..." lines and "according to X" attributions."""
    direct = _direct_quotes(art)
    turns = _transcript_turns(art)
    if turns:
        direct = [f for f in direct if not any(f.start < t.end and t.start < f.end for t in turns)]
    direct = [f for f in direct if not _inside_label(art, f)] + _labelled(art, direct) + turns
    direct += _headline_quote(art, direct)
    direct.sort(key=lambda f: f.start)
    according: list[_Found] = []
    covered = TakenSpans([(f.start, f.end) for f in direct])
    for tok in art.doc:
        if art.tok_inside(tok):
            continue
        if tok.lower_ == "according":
            item = _according(tok, art)
        elif tok.lower_ == "in" and tok.i == tok.sent.start:
            item = _in_a_poll(tok, art)
        elif tok.text == ":":
            item = _block_after_colon(tok, art)
        elif tok.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ == "as" for c in tok.children
        ):
            item = _as_reported(tok, art)
        elif tok.dep_ == "relcl" and tok.lemma_.lower() in SPEECH_VERBS:
            item = _relative_report(tok, art)
        elif tok.dep_ == "parataxis" or (tok.dep_ == "ROOT" and tok.lemma_.lower() in SPEECH_VERBS):
            item = _aside_statement(tok, art)
            if item and any(f.start < item.end and item.start < f.end for f in direct):
                continue  # "When asked, she said, “...”" frames the quote
        else:
            continue
        if item and not covered.overlaps((item.start, item.end)):
            according.append(item)
            covered.add((item.start, item.end))
    return direct, according


def _token_indices(obj: Any) -> range:
    """The token indices of a cue: one token or a span ("according to")."""
    if hasattr(obj, "start_char"):  # a Span, as in _tok_span
        return range(obj.start, obj.end)
    return range(obj.i, obj.i + 1)


def _indirect(art: _Article, taken: list[_Found], model: AttributionModel | None) -> list[_Found]:
    """Every other indirect cue, through the fitted model of :mod:`.indirect`."""
    found = []
    covered = [(f.start, f.end) for f in taken]
    starts = sorted(s for s, _ in covered)
    by_start = sorted(covered)
    # a cue frames one attribution: PolNeAR gives every cue exactly one content, and a
    # model content of a cue that already frames a quote found by rule matched 33 of
    # 116 times in train. Skipping them: all-attribution F1 train 0.7400 -> 0.7403,
    # dev 0.7413 -> 0.7420; direct unchanged (dev 0.8926, train 0.89605 -> 0.89599).
    framing = {i for f in taken if f.cue is not None for i in _token_indices(f.cue)}
    for c in find_indirect(art.doc, art.text, art.inside, covered, model):
        if c.cue.i in framing:
            continue
        start, end = c.start, c.end
        i = bisect.bisect_right(starts, start)
        k = bisect.bisect_left(by_start, (start, -1))  # the rule contents before ``start``
        if k and by_start[k - 1][0] < start < by_start[k - 1][1] < end:
            # a content that starts inside a rule-found quote and runs out of it splits
            # the quoted words ("smart,” when Okafor blasted him" after "“That makes me
            # smart,”"): PolNeAR all-attribution F1 dev 0.7428 -> 0.7430, train 0.74096
            # -> 0.74103; direct dev 0.8948 -> 0.8954, train 0.89615 -> 0.89612
            continue
        if i < len(starts) and starts[i] < end and starts[i] > c.cue.idx:
            # a content running on into a quote found by rule stops before it
            end = starts[i]
            while end > start and art.text[end - 1] in " \n.,;:-\u2014\u2013":
                end -= 1
            if len(art.text[start:end].split()) < 2:
                continue
        direct = quoted(art.text, start, end)
        found.append(_Found(start, end, c.cue, c.source_span, direct, False, art.paragraph(start)))
    return found


def rule_spans(doc: Any, norm: Normalized) -> tuple[list[bool], list[tuple[int, int]]]:
    """The quoted-text mask and the contents found by rule, in normalised offsets.

    The model's candidates never overlap these; ``benchmarks/train_attribution.py``
    uses them to fit the model on the candidates the extractor can actually choose.
    """
    art = _Article(doc, norm)
    direct, according = _by_rule(art)
    return art.inside, [(f.start, f.end) for f in direct + according]


def _according(tok: Any, art: _Article) -> _Found | None:
    """ "According to X, <content>" or "<content>, according to X"."""
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if to is None or pobj is None:
        return None
    sent = tok.sent
    phrase = list(tok.subtree)
    p_start, p_end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
    s_start, s_end = sent.start_char, sent.end_char
    lead = art.text[s_start:p_start].strip(_LEAD_ONLY)
    tail = art.text[p_end:s_end].strip(_TAIL_ONLY)
    if not lead and not tail:
        # the parser hung the whole sentence on the source ("According to Pell, the
        # levy “hurts” families" with "levy" as an apposition of "Pell"): the phrase
        # ends at the first comma after the source's name
        comma = next((t for t in phrase if t.i > pobj.i and t.text == ","), None)
        if comma is not None:
            p_end = comma.idx
    # what lies outside the phrase decides where the content is; the sentence's own
    # trailing whitespace and closing punctuation do not count (a sentence that ends
    # "..., according to Pell.\n\n" has its phrase at the end, not in mid-sentence)
    if not lead:
        start, end = p_end, s_end
    elif not tail or _loose_tail(sent, p_end):
        start, end = s_start, p_start
    else:
        start, end = s_start, s_end
    return _stretch_found(art, start, end, art.doc[tok.i : to.i + 1], noun_phrase(pobj))


_LOOSE = frozenset({"appos", "npadvmod", "prep"})


def _loose_tail(sent: Any, start: int) -> bool:
    """What follows a mid-sentence "according to" phrase is a loose phrase hung on the
    clause before it, not part of that clause: "... 9,000 riders, according to the port
    office, compared with 12,000", "... by a third, according to Pell - the steepest
    drop". One phrase (an apposition, a bare noun phrase or a prepositional phrase) and
    no finite verb. PolNeAR all-attribution F1 train 0.75336 -> 0.75347 (4 contents
    matched, 2 lost), dev unchanged (0.75055); direct unchanged."""
    words = [t for t in sent if t.idx >= start and not (t.is_punct or t.is_space)]
    tops = [t for t in words if not start <= t.head.idx < sent.end_char or t.head.i == t.i]
    return len(tops) == 1 and tops[0].dep_ in _LOOSE and not any(t.tag_ in _FINITE for t in words)


_OWN_COMPLEMENT = frozenset({"dobj", "ccomp", "xcomp", "dative", "attr", "acomp", "oprd"})


def _block_after_colon(colon: Any, art: _Article) -> _Found | None:
    """ "Okafor added:" closing its paragraph, then a paragraph without quotation marks:
    a block quote whose marks a web page left out. The verb nearest the colon must be
    one of saying, with a subject and no complement of its own ("He explained what
    happened:" introduces no one's words). PolNeAR all-attribution F1 dev 0.7478 ->
    0.7484, train 0.7525 -> 0.7526; direct unchanged."""
    text = art.text
    after = colon.idx + 1
    line_end = text.find("\n", after)
    if line_end < 0 or text[after:line_end].strip():
        return None  # the colon does not close its line
    start = line_end
    while start < len(text) and text[start] in " \n":
        start += 1
    if start >= len(text) or text[start] in OPENING_MARKS + "<(" or art.inside[start]:
        return None
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    doc = art.doc
    for tok in reversed(doc[colon.sent.start : colon.i]):
        if tok.pos_ in ("VERB", "AUX"):
            subj = subject_of(tok)
            if (
                tok.lemma_.lower() not in SPEECH_VERBS
                or subj is None
                or art.tok_inside(tok)
                or any(c.dep_ in _OWN_COMPLEMENT for c in tok.children)
            ):
                return None  # "Pell noted the sparse crowd:" has said what it says
            return _stretch_found(art, start, end, tok, noun_phrase(subj))
    return None


_POLL_WORDS = frozenset({"poll", "survey", "average"})


def _in_a_poll(tok: Any, art: _Article) -> _Found | None:
    """ "In a harbour board survey last month, 61 percent of pilots ...": a poll named at
    the head of its sentence reports the rest of it, as "according to" would. PolNeAR
    train: 20 of the 25 such openings are attributions, against 30 of 109 for a poll
    named later in the sentence, which is left alone. All-attribution F1 train 0.7520 ->
    0.7525, dev 0.7470 -> 0.7476; direct unchanged."""
    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if tok.dep_ != "prep" or pobj is None or pobj.lemma_.lower() not in _POLL_WORDS:
        return None
    last = tok.right_edge
    comma = art.doc[last.i + 1] if last.i + 1 < tok.sent.end else None
    if comma is None or comma.text != ",":
        return None
    source = art.doc[pobj.left_edge.i : pobj.right_edge.i + 1]
    return _stretch_found(art, comma.idx + 1, tok.sent.end_char, tok, source)


# what may stand before an "according to" phrase that opens its sentence, or after one
# that closes it
_LEAD_ONLY = " \n\t(\u2014\u2013-" + OPENING_MARKS
_TAIL_ONLY = " \n\t.,;:!?)" + CLOSING_MARKS


# what a reporting "as" clause holds besides its verb: it has no complement of its own
_AS_FRAME = frozenset(
    {"mark", "nsubj", "nsubjpass", "aux", "auxpass", "advmod", "prt", "npadvmod", "punct", "neg"}
)

_AS_TIME = frozenset({"on", "in", "at", "during", "after", "before", "since", "earlier", "last"})


def _as_reported(tok: Any, art: _Article) -> _Found | None:
    """ "As the harbour board noted, the levy ..." or "..., as Pell reported": a verb of
    saying in an "as" clause with no complement of its own attributes the rest of the
    clause it qualifies, as "according to" does. PolNeAR all-attribution F1 dev 0.7430
    -> 0.7447, train 0.74103 -> 0.74172; direct dev 0.8954 -> 0.8962, train 0.89612 ->
    0.89630. (Attitude verbs as well, tried on a first version of the rule: train
    all-attribution F1 0.7410 against 0.7414 with verbs of saying alone.)

    "As Pell put it" reports too, though "put" is no verb of saying: with it, dev 0.74945
    -> 0.75055 and direct 0.90278 -> 0.90569; train unchanged (0.75336 / 0.90160), where
    4 contents it already matched now have "put" for their cue. When a quotation follows
    the phrase and ends the clause, "it" stands for that quotation alone."""
    put_it = tok.lemma_.lower() == "put" and any(
        c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children
    )
    if (tok.lemma_.lower() not in SPEECH_VERBS and not put_it) or tok.head.pos_ not in (
        "VERB",
        "AUX",
    ):
        return None  # "as wealthy as Pell claims" compares
    subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or any(
        c.dep_ not in _AS_FRAME
        and not (c.dep_ == "prep" and (put_it or c.lower_ in _AS_TIME))
        and not (put_it and c.dep_ == "dobj")
        for c in tok.children
    ):
        return None
    phrase = list(tok.subtree)
    p_start, p_end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
    # the clause the "as" phrase qualifies: its head's, not always the whole sentence
    # ("If, as Pell suggested, the levy fails, ...")
    clause = tok.head
    s_start = clause.left_edge.idx
    s_end = clause.right_edge.idx + len(clause.right_edge.text)
    if put_it:
        after = art.text[p_end : p_end + 3]
        if after.startswith(":"):
            return None  # "as Pell put it: “...”" is the colon quote's frame
        quote = art.mark_at(p_end + len(after) - len(after.lstrip(", ")))
        clause_end = s_start + len(art.text[s_start:s_end].rstrip())
        if quote is not None and quote.end >= clause_end - 1:
            # "seen, as the Gazette put it, “the harbour's fixer.”": the words it stands for
            return _stretch_found(art, quote.start, quote.end, tok, noun_phrase(subj))
    if p_start - s_start < 3:
        start, end = p_end, s_end
    elif s_end - p_end < 3:
        start, end = s_start, p_start
    else:
        start, end = s_start, s_end
    return _stretch_found(art, start, end, tok, noun_phrase(subj))


def _stretch_found(art: _Article, start: int, end: int, cue: Any, source: Any) -> _Found | None:
    """A by-rule content over ``text[start:end]`` without its edge punctuation, if it
    keeps at least ten characters."""
    text = art.text
    while start < end and text[start] in " ,;:\n":
        start += 1
    while end > start and text[end - 1] in " ,.;:\n":
        end -= 1
    if end - start < 10:
        return None
    return _Found(start, end, cue, source, quoted(text, start, end), False, art.paragraph(start))


def _relative_report(tok: Any, art: _Article) -> _Found | None:
    """ "the levy, which Pell said would sink the ferry": a verb of saying in a relative
    clause whose complement holds the relative pronoun reports the whole relative clause,
    pronoun and frame included, as PolNeAR marks it (train: 35 of 43 such clauses are a
    gold content, 26 of them matched by no content before this rule). PolNeAR
    all-attribution F1 train 0.75358 -> 0.75418, dev 0.75073 -> 0.75164; direct dev
    unchanged, train 0.90175 -> 0.90170."""
    comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
    subj = subject_of(tok)
    if comp is None or subj is None:
        return None
    rel = next((t for t in comp.subtree if t.i < tok.i and t.lower_ in RELATIVE_PRONOUNS), None)
    if rel is None:
        return None
    last = tok.right_edge
    return _stretch_found(art, rel.idx, last.idx + len(last.text), tok, noun_phrase(subj))


_FRAME_TAIL = frozenset({"npadvmod", "prep", "advmod", "dative", "dobj", "prt"})


def _aside_statement(tok: Any, art: _Article) -> _Found | None:
    """ "All of this, Okafor said, could be undone": a verb of saying that the parser set
    apart (``parataxis``) between commas inside the sentence it attributes. As with
    "according to" in mid-sentence, the content is the whole sentence, frame included
    (PolNeAR's convention: dev all-attribution F1 0.7175 -> 0.7232, train 0.7280 ->
    0.7314).

    The parser may instead take the verb for the sentence's root, with the opening words
    as a loose noun or a subject ("These ferries, Okafor explained, were built to last");
    :func:`_root_aside` keeps those frames that still sit inside their sentence. With it
    (and phrasal verbs' particles in the frame, "pointed out"): all-attribution F1 dev
    0.7457 -> 0.7465, train 0.7514 -> 0.7515; direct dev 0.9005 -> 0.9012, train
    unchanged. When the parser makes the speaker the object of "as" ("Vellin, as one of
    the engineers pointed out, ..."), that object is the frame's subject: dev 0.7485 ->
    0.7488, train unchanged. An aside inside a relative clause ("the stadium, which,
    Okafor said, is full on game days") attributes that clause: dev 0.7488 -> 0.7493,
    train unchanged (one content there moves, matched before and after)."""
    if tok.lemma_.lower() not in CUE_VERBS:  # saying or attitude
        return None
    if tok.head.pos_ not in ("VERB", "AUX", "ADJ", "NOUN"):
        return None
    doc = art.doc
    # the subject nearest the verb: with the verb taken for the sentence's root, the
    # opening words may be a subject too ("The harbour, as one pilot pointed out, ...")
    subj = next((c for c in reversed(list(tok.lefts)) if c.dep_ in SUBJECTS), None)
    if subj is None:
        return None
    # "All of this, Okafor said, ...": the parser often takes the opening words for the
    # subject and the name for their apposition
    appos = next(
        (c for c in subj.rights if c.dep_ == "appos" and c.right_edge.i == tok.i - 1), None
    )
    if appos is not None:
        subj = appos
    if tok.dep_ == "ROOT":
        # "..., as one pilot pointed out, ..." with the speaker parsed as the object of "as"
        as_prep = next(
            (c for c in doc[subj.i + 1 : tok.i] if c.dep_ == "prep" and c.lower_ == "as"), None
        )
        speaker = next((g for g in as_prep.children if g.dep_ == "pobj"), None) if as_prep else None
        if speaker is not None and speaker.right_edge.i == tok.i - 1:
            subj = speaker
    # the frame: the subject, the verb and what qualifies it ("said on Monday")
    first, last = subj.left_edge.i, tok.i
    if tok.dep_ == "ROOT" and first > 0 and doc[first - 1].lower_ == "as":
        first -= 1  # "..., as one pilot pointed out, ..."
    for child in tok.rights:
        if child.i != last + 1 or child.dep_ not in _FRAME_TAIL:
            break
        last = child.right_edge.i
    sent = tok.sent
    if (
        first - 1 <= sent.start
        or last + 2 >= sent.end
        or doc[first - 1].text != ","
        or doc[last + 1].text != ","
        or any(doc[k].is_punct for k in range(first, last + 1))
    ):
        return None
    if tok.dep_ == "ROOT" and not _root_aside(doc, sent, first, last):
        return None
    head = tok.head
    if tok.dep_ == "parataxis" and head.dep_ == "relcl" and head.left_edge.i < first:
        # "... the stadium, which, Okafor said, is full on game days": the relative clause
        start = head.left_edge.idx
        end = head.right_edge.idx + len(head.right_edge.text)
        return _stretch_found(art, start, end, tok, noun_phrase(subj))
    return _stretch_found(art, sent.start_char, sent.end_char, tok, noun_phrase(subj))


_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_ROOT_FRAME_MAX = 10  # tokens: "Okafor explained earlier in the council meeting"


def _root_aside(doc: Any, sent: Any, first: int, last: int) -> bool:
    """Whether a frame the parser took for the sentence's root still sits inside the
    sentence it attributes ("These ferries, Okafor explained, were built to last"), not
    after it ("The fares were fair, he said, wiping rain off his coat") or after an
    opening phrase ("Earlier in the week, Okafor called for ...")."""
    if last - first >= _ROOT_FRAME_MAX or any(t.dep_ in ("aux", "neg") for t in doc[first:last]):
        return False  # "Pell wouldn't speculate about ...": no aside
    rest = doc[last + 2 : sent.end]
    if any(
        t.lemma_.lower() in SPEECH_VERBS and any(c.dep_ in SUBJECTS for c in t.children)
        for t in rest
    ):
        return False  # "..., he said Thursday, because he said ...": the next one frames the rest
    after = doc[last + 2]
    if after.tag_ in ("VBG", "VBN") and after.lower_ != "including":
        return False  # "..., he said, adding that ...": the content ends at the frame
    left = doc[sent.start : first - 1]
    if any(t.tag_ in _FINITE for t in left):
        return True
    # no verb before the frame: the opening words are the subject of what follows
    return left[0].pos_ not in ("ADP", "ADV", "SCONJ") and any(t.tag_ in _FINITE for t in rest)


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


_LABEL = re.compile(r"^([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}): (\S.{8,})$", re.MULTILINE)


_TURN = re.compile(r"^[\"“]?([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}): (\S.*)$", re.MULTILINE)


_SIGN_OFF = re.compile(r"Follow [^\n]{1,60}? on (?:Twitter|Facebook|Instagram)\b")


def _turn_end(art: _Article, pos: int, labels: set[int]) -> int:
    """A turn runs to its paragraph's end, and on over paragraphs that open with a
    quotation mark and a word (a transcript quoted paragraph by paragraph), up to the
    next label, an aside such as "(CROSSTALK.)" or the reporter's sign-off ("“Follow
    Ana Pell on Twitter @apell")."""
    text = art.text
    end = text.find("\n\n", pos)
    while end >= 0:
        nxt = end + 2
        if (
            nxt in labels
            or not (nxt + 1 < len(text) and text[nxt] in '"“' and text[nxt + 1].isalpha())
            or _SIGN_OFF.match(text, nxt + 1)
        ):
            break
        end = text.find("\n\n", nxt)
    return len(text) if end < 0 else end


def _transcript_turns(art: _Article) -> list[_Found]:
    """Turns of a transcript excerpt: paragraphs led by a speaker's name in capitals
    ("WALLACE: Let's start with ...", "PENCE: Well, look, ..."), one statement each.

    Taken only when two different speakers have two or more turns each; a label is
    kept when it leads two turns or names someone the article writes in ordinary case
    ("JAKE TAPPER:" once, then "TAPPER:"), so one-off rubrics ("UPDATE:", "VIDEO:",
    "BYLINE:") stay out.
    """
    matches = list(_TURN.finditer(art.text))
    uses = Counter(m.group(1).split()[-1] for m in matches)
    if sum(n >= 2 for n in uses.values()) < 2:
        return []
    found = []
    label_starts = {m.start() for m in matches}
    for m in matches:
        label = m.group(1)
        surname = label.split()[-1]
        if uses[surname] < 2 and surname.strip(".'’-").capitalize() not in art.text:
            continue
        start = m.start(2)
        end = _turn_end(art, start, label_starts)
        while end > start and art.text[end - 1] in ' \n"”':
            end -= 1
        source = art.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if source is None or end - start < 2:
            continue
        cue = art.doc.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
        found.append(
            _Found(
                start, end, cue, source, quoted(art.text, start, end), False, art.paragraph(start)
            )
        )
    return found


def _headline_quote(art: _Article, taken: list[_Found]) -> list[_Found]:
    """A headline quoting in part ("Pell Calls Levy ‘A Tax On Breathing’ After Vote"):
    the rest of the headline, attributed to the headline's subject.

    Title case hides the verb from the tagger, so the quote is not framed by the parse;
    PolNeAR attributes the words from the frame verb on ("Levy ‘A Tax ...’ After Vote"),
    or from the quote on when no verb comes before it.
    """
    text = art.text
    line_end = text.find("\n")
    if line_end <= 0 or line_end > 200 or not text[line_end:].strip():
        return []  # a headline stands above a body
    words = text[:line_end].split()
    title_case = sum(w[:1].isupper() for w in words) >= 0.6 * len(words)
    if not (title_case or text.startswith("\n\n", line_end)):
        return []  # a first line in sentence case and not set apart is the lede
    q = next((m for m in art.marks if m.start < line_end), None)
    if q is None or q.start == 0 or q.end > line_end or text[q.start - 1] != " ":
        return []
    if any(f.start < line_end for f in taken):
        return []
    end = line_end
    while end > q.start and text[end - 1] in " .":
        end -= 1
    cue, source = _headline_frame(art, q, line_end)
    start = q.start
    if cue is not None and cue.idx < q.start:  # the frame is a token or none
        # "Okafor Says Sea Wall Was ‘Built To Fail’": what the verb takes, from the
        # word after it; after a colon ("... Heckles Fans: ‘...’") the quote alone.
        # PolNeAR dev direct F1 0.8898 -> 0.8926, train 0.8953 -> 0.8960.
        after = cue.idx + len(cue.text)
        gap = text[after : q.start]
        if ":" not in gap and gap.strip():
            start = after + len(gap) - len(gap.lstrip())
    return [_Found(start, end, cue, source, True, q.unbalanced, art.paragraph(q.start))]


def _headline_frame(art: _Article, q: QuoteMarks, line_end: int) -> tuple[Any, Any]:
    """The verb and subject of a headline quoting in part: its main verb's subject before
    the quote, else a verb of saying after it ("..., Tomas Reyes Says"), else the noun
    phrase the headline opens with and the first verb after it."""
    doc = art.doc
    line = doc.char_span(0, line_end, alignment_mode="expand")
    if line is None:
        return None, None
    root = doc[0].sent.root
    subject = subject_of(root) if root.pos_ in ("VERB", "AUX") else None
    if root.idx < q.start and subject is not None and subject.idx < root.idx:
        return root, noun_phrase(subject)
    for tok in line:
        word = tok.lower_
        if tok.idx >= q.end and (tok.lemma_.lower() in SPEECH_VERBS or word[:-1] in SPEECH_VERBS):
            subject = subject_of(tok)
            if subject is not None and subject.idx >= q.end:
                return tok, noun_phrase(subject)
            names = [t for t in doc[: tok.i] if t.idx >= q.end and not t.is_punct]
            if names and all(t.text[:1].isupper() for t in names):  # "..., Tomas Reyes Says"
                return tok, doc[names[0].i : tok.i]
    chunk = next(iter(doc.noun_chunks), None)  # the first one only: no scan of the body
    if chunk is None or chunk.start != 0 or chunk.end_char > q.start:
        return None, None
    cue = next(
        (t for t in line if chunk.end <= t.i and t.idx < q.start and t.pos_ in ("VERB", "AUX")),
        None,
    )
    return cue, chunk


def _inside_label(art: _Article, f: _Found) -> bool:
    """A quote inside a "Name: ..." line belongs to that line's attribution."""
    line_start = art.text.rfind("\n", 0, f.start) + 1
    m = _LABEL.match(art.text, line_start)
    return m is not None and f.cue is None and m.start(2) <= f.start


def _labelled(art: _Article, taken: list[_Found]) -> list[_Found]:
    """Short lines of the form "Name: what they said", as in headlines ("Pell: Levy Would ...")."""
    found = []
    for m in _LABEL.finditer(art.text):
        body_start, body_end = m.start(2), m.end(2)
        while body_end > body_start and art.text[body_end - 1] in " .":
            body_end -= 1
        if len(art.text[body_start:body_end].split()) > 30:
            continue
        if any(f.start <= body_start < f.end for f in taken):
            continue
        source = art.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if source is None:
            continue
        # in the headline, title case hides names from the tagger: any label but a
        # rubric ("The Latest:", "POLL:", "2016:") is taken as the speaker
        label = m.group(1)
        rubric = (
            label.split()[0] in ("The", "A", "An")
            or label.isupper()
            or any(ch.isdigit() for ch in label)
        )
        headline = m.start() == 0
        if not (headline and not rubric) and not any(e.label_ == "PERSON" for e in source.ents):
            continue
        cue = art.doc.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
        direct = quoted(art.text, body_start, body_end)
        found.append(
            _Found(body_start, body_end, cue, source, direct, False, art.paragraph(body_start))
        )
    return found


def extract_quotes(
    doc: Any, norm: Normalized, article_id: str, *, model: AttributionModel | None = None
) -> list[Quote]:
    """Quotes and attributions of one article (see the module docstring for the rules).

    ``model`` replaces the shipped attribution model (used when refitting it).
    """
    art = _Article(doc, norm)
    direct, according = _by_rule(art)
    indirect = _indirect(art, direct + according, model)
    found = sorted(direct + according + indirect, key=lambda f: f.start)
    speakers: list[tuple[int, str]] = []
    quotes: list[Quote] = []
    for f in found:
        name, _kind = resolve_speaker(f.source, art.names, speakers, f.cue)
        if name and f.source is not None:
            speakers.append((f.source.start_char, name))
        end = _closing_mark(art, f.end)
        content = _span(norm, _opening_mark(art, f.start, end), end)
        if not content.text.strip():
            continue
        quotes.append(
            Quote(
                article=article_id,
                content=content,
                source=_tok_span(norm, f.source),
                speaker=name,
                cue=_tok_span(norm, f.cue),
                direct=f.direct,
                unbalanced=f.unbalanced,
            )
        )
    return quotes


__all__ = ["extract_quotes", "rule_spans"]
