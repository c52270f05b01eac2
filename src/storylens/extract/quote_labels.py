"""Quotes by layout: "Name: ..." labels, transcript turns ("PENCE: ...") and headlines
that quote in part."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .cues import SPEECH_VERBS
from .marks import QuoteMarks
from .quote_core import (
    _Article,
    _Found,
)
from .syntax import (
    noun_phrase,
    quoted,
    subject_of,
)

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
