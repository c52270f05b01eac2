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

The found quote and the article being read live in :mod:`.quote_core`, the rule-found
attributions of step 4 in :mod:`.quote_rules`, and the layout ones (labels, transcript
turns, headlines) in :mod:`.quote_labels`.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from ..model import Quote
from ..normalize import Normalized
from .cues import CUE_VERBS, RELATIVE_PRONOUNS, SPEECH_VERBS
from .indirect import AttributionModel, TakenSpans, content_shapes, find_indirect
from .marks import QuoteMarks
from .quote_core import (
    _DASH_SPEAKER,
    _Article,
    _closing_mark,
    _Found,
    _opening_mark,
    _span,
    _tok_span,
)
from .quote_labels import (
    _headline_quote,
    _inside_label,
    _labelled,
    _transcript_turns,
)
from .quote_rules import (
    _according,
    _as_reported,
    _aside_statement,
    _block_after_colon,
    _in_a_poll,
    _relative_report,
)
from .speakers import resolve_speaker
from .syntax import (
    OPENING_MARKS,
    SUBJECTS,
    agent_of,
    noun_phrase,
    quoted,
    subject_of,
)

__all__ = ["extract_quotes", "rule_spans"]


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
