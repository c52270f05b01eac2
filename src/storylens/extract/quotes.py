"""Quotes and attributions with their speakers.

``extract_quotes`` runs a cascade over one parsed article:

1. direct quotes: quoted stretches (see :mod:`.marks`) of four or more words, or shorter
   ones standing next to a speech verb;
2. their frame: the nearest verb of saying outside quotes in the same sentence (or a
   sentence introducing the quote with a colon) and its subject as the source; else a
   "-- Name" after the quote; else the previous quote's speaker when the quote continues
   that speaker's paragraph run;
3. quotes split around one frame ("...," she said. "...") are merged into one covering
   span, as news style means one statement;
4. indirect attributions: cue verbs with a clausal complement ("X said (that) ...",
   "X told reporters ..."), an infinitive ("vowed to ..."), or an object for verbs of
   stance ("criticised the plan"), and "according to X";
5. speakers resolved to canonical names within the article (:mod:`.speakers`).

All spans are reported in the original text through the normaliser's offset map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model import Quote, Span
from ..normalize import Normalized
from .cues import ATTITUDE_VERBS, CUE_VERBS, NO_SOURCE_VERBS, SPEECH_VERBS
from .marks import QuoteMarks, find_quotes
from .speakers import NameIndex, resolve_speaker

_QUOTE_CHARS = re.compile(
    "[\"\u201c\u201d\u201e\u00ab\u00bb\u2018]|(?:^|(?<=[\\s(\\[\u2014\u2013-]))'(?=\\w)"
)
_DASH_SPEAKER = re.compile(
    r"\s*(?:--|[\u2014\u2015\u2013])\s*([A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){0,3})"
)
_SUBJECTS = ("nsubj", "nsubjpass")
_NP_LEFT = ("compound", "det", "amod", "poss", "nmod", "nummod", "case", "quantmod")
_STANCE_VERBS = frozenset(
    {
        "describe",
        "call",
        "criticize",
        "criticise",
        "praise",
        "blast",
        "slam",
        "question",
        "accuse",
        "deny",
        "cite",
        "reject",
        "yell",
        "chant",
        "shout",
    }
)
_OBJECT_VERBS = ATTITUDE_VERBS - {
    "believe",
    "think",
    "know",
    "feel",
    "hope",
    "fear",
    "worry",
    "see",
    "expect",
    "understand",
    "realize",
    "doubt",
}


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


def _np_span(tok: Any) -> Any:
    """The noun phrase of ``tok``: its left modifiers and name parts, plus an apposition."""
    doc = tok.doc
    left = tok.i
    stack = [tok]
    while stack:
        t = stack.pop()
        for child in t.lefts:
            if child.dep_ in _NP_LEFT or child.dep_ == "punct" and child.text in "-":
                left = min(left, child.left_edge.i)
                stack.append(child)
    right = tok.i
    for child in tok.rights:
        if child.dep_ in ("flat", "compound", "appos") or (
            child.dep_ == "punct" and child.i == right + 1 and child.text == ","
        ):
            right = max(right, child.right_edge.i if child.dep_ == "appos" else child.i)
    while right > tok.i and doc[right].is_punct:
        right -= 1
    return doc[left : right + 1]


def _subject(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            return child
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
        for child in verb.head.children:
            if child.dep_ in _SUBJECTS:
                return child
    return None


def _agent(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


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

    def paragraph(self, pos: int) -> int:
        return self.text.count("\n\n", 0, pos) * 1000 + self.text.count("\n", 0, pos)

    def tok_inside(self, tok: Any) -> bool:
        return self.inside[tok.idx]

    def sents_over(self, start: int, end: int) -> list[Any]:
        return [s for s in self.sents if s.start_char < end and s.end_char > start]


def _frame_for(art: _Article, q: QuoteMarks) -> tuple[Any, Any] | None:
    """Cue verb and source for a direct quote, from the sentences around it."""
    sents = art.sents_over(q.start, q.end)
    if sents:
        last = sents[-1]
        # "...,” Kelly stated." is often split off as its own sentence
        nxt = [s for s in art.sents if s.start_char >= last.end_char][:1]
        if (
            nxt
            and nxt[0].start_char - q.end < 3
            and "\n" not in art.text[q.end : nxt[0].start_char]
            and nxt[0].end_char - nxt[0].start_char < 120
            and not art.inside[nxt[0].start_char]
        ):
            sents = sents + nxt
    best: tuple[int, Any, Any] | None = None
    for sent in sents:
        for tok in sent:
            if tok.pos_ not in ("VERB", "AUX") or art.tok_inside(tok):
                continue
            if tok.lemma_.lower() not in SPEECH_VERBS and tok.lemma_.lower() not in ("according",):
                continue
            subj = _subject(tok) or _agent(tok)
            if subj is None or art.tok_inside(subj):
                continue
            dist = min(abs(tok.idx - q.end), abs(q.start - tok.idx - len(tok.text)))
            if best is None or dist < best[0]:
                best = (dist, tok, _np_span(subj))
    if best is not None and best[0] < 250:
        return best[1], best[2]
    # "Sheinbaum said:" introducing the quote
    before = [s for s in art.sents if s.end_char <= q.start]
    if before:
        prev = before[-1]
        if prev.text.rstrip().endswith(":") and q.start - prev.end_char < 3:
            for tok in reversed(list(prev)):
                if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in CUE_VERBS:
                    subj = _subject(tok)
                    if subj is not None:
                        return tok, _np_span(subj)
    m = _DASH_SPEAKER.match(art.text, q.end)
    if m:
        span = art.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if span is not None:
            return None, span
    return None


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


def _next_paragraph(art: _Article, prev_end: int, start: int) -> bool:
    """A quote opening the paragraph right after the previous quote's paragraph."""
    if start == 0 or art.text[start - 1] != "\n":
        return False
    gap = art.text[prev_end:start]
    breaks = [i for i, ch in enumerate(gap) if ch == "\n"]
    return bool(breaks) and "\n" not in gap[: breaks[0]] and gap[breaks[0] :].strip() == ""


def _words_between(art: _Article, start: int, end: int) -> int:
    """Words outside quotes between two positions."""
    return (
        sum(1 for i in range(start, end) if not art.inside[i] and art.text[i] == " ")
        if end > start
        else 0
    )


def _direct_quotes(art: _Article) -> list[_Found]:
    found: list[_Found] = []
    for q in art.marks:
        words = art.text[q.start : q.end].split()
        if _embedded(art, q):
            continue  # part of a sentence ("called it “a disgrace”"): the indirect pass takes it
        frame = _frame_for(art, q)
        standalone = (
            q.start == 0
            or art.text[q.start - 1] == "\n"
            or art.text[q.start - 2 : q.start] in (": ", ", ")
        )
        if len(words) < 4 and not (frame and standalone):
            continue  # a scare quote or a title: left to the indirect pass
        para = art.paragraph(q.start)
        cue, source = frame if frame else (None, None)
        prev = found[-1] if found else None
        if (
            prev is not None
            and prev.direct
            and (
                (cue is not None and prev.cue is not None and cue.i == prev.cue.i)
                or (
                    frame is None
                    and "\n" not in art.text[prev.end : q.start]
                    and _words_between(art, prev.end, q.start) <= 15
                )
                or (frame is None and _next_paragraph(art, prev.end, q.start))
            )
        ):
            prev.end = q.end
            prev.unbalanced = prev.unbalanced or q.unbalanced
            continue
        if frame is None and prev is not None and prev.direct and prev.source is not None:
            # a quote paragraph continuing the previous speaker's quote
            gap = art.text[prev.end : q.start]
            if gap.strip() == "" or (
                q.start > 0 and art.text[q.start - 1] == "\n" and prev.paragraph + 2 >= para
            ):
                cue, source = None, prev.source
        found.append(
            _Found(q.start, q.end, cue, source, True, q.unbalanced, para, continues=q.continues)
        )
    # the opening paragraphs of a multi-paragraph quote take the speaker named at its end
    for k in range(len(found) - 2, -1, -1):
        f, nxt = found[k], found[k + 1]
        if f.source is None and f.continues and nxt.source is not None:
            f.source, f.cue = nxt.source, nxt.cue
    return found


def _clause_tokens(head: Any) -> list[Any]:
    """The subtree of ``head`` without a conjoined verb of saying ("... and said B") and its "and"."""
    cut: set[int] = set()
    for t in head.subtree:
        if (
            t.dep_ == "conj"
            and t.pos_ == "VERB"
            and t.lemma_.lower() in CUE_VERBS
            and t.i != head.i
        ):
            cut.update(x.i for x in t.subtree)
            for sib in t.head.children:
                if sib.dep_ == "cc" and sib.i < t.i:
                    cut.add(sib.i)
    toks = [t for t in head.subtree if t.i not in cut]
    while toks and (toks[-1].is_punct and toks[-1].text not in "\"”’'" or toks[-1].dep_ == "cc"):
        toks.pop()
    return toks


def _content_of(verb: Any, art: _Article) -> tuple[int, int] | None:
    """Character span of what ``verb`` attributes: its clause, infinitive or object."""
    lemma = verb.lemma_.lower()
    for dep in ("ccomp", "xcomp"):
        for child in verb.children:
            if child.dep_ == dep and child.i != verb.i:
                toks = [
                    t
                    for t in _clause_tokens(child)
                    if not (
                        t.dep_ == "mark"
                        and t.head.i == child.i
                        and t.lower_ in ("that", "whether", "if")
                    )
                ]
                if toks:
                    return toks[0].idx, toks[-1].idx + len(toks[-1].text)
    # otherwise: what follows the verb in its clause (object, predicate, quoted words)
    rights = [
        c
        for c in verb.rights
        if c.dep_ not in ("punct", "cc", "conj", "advcl", "mark", "relcl", "npadvmod")
        and not (
            c.dep_ == "prep"
            and c.lower_ in ("on", "at", "in", "during", "after", "before", "since", "while")
            and not _QUOTE_CHARS.search(art.text[c.idx : c.right_edge.idx + len(c.right_edge.text)])
        )
    ]
    if not rights:
        return None
    toks = [t for c in rights for t in _clause_tokens(c)]
    start, last = min(t.idx for t in toks), max(toks, key=lambda t: t.idx)
    end = last.idx + len(last.text)
    if end < len(art.text) and art.text[end] in '\u201d"' and art.inside[end - 1]:
        end += 1
    has_quote = bool(_QUOTE_CHARS.search(art.text[start:end]))
    has_object = any(c.dep_ in ("dobj", "obj", "oprd", "attr") for c in rights)
    if has_quote or (has_object and (lemma in _OBJECT_VERBS or lemma in _STANCE_VERBS)):
        return start, end
    return None


def _indirect(art: _Article, taken: list[_Found]) -> list[_Found]:
    found: list[_Found] = []
    covered = [(f.start, f.end) for f in taken]

    def overlaps(s: int, e: int) -> bool:
        return any(min(e, b) - max(s, a) > 0.5 * (e - s) for a, b in covered)

    for tok in art.doc:
        lemma = tok.lemma_.lower()
        if art.tok_inside(tok):
            continue
        if lemma == "accord" and tok.lower_ == "according":
            item = _according(tok, art)
            if item and not overlaps(item.start, item.end):
                found.append(item)
                covered.append((item.start, item.end))
            continue
        if tok.pos_ != "VERB" or lemma not in CUE_VERBS:
            continue
        span = _content_of(tok, art)
        if span is None or span[1] - span[0] < 2 or overlaps(*span):
            continue
        subj = None if lemma in NO_SOURCE_VERBS else (_subject(tok) or _agent(tok))
        if subj is not None and span[0] <= subj.idx < span[1]:
            subj = None
        if subj is None and lemma not in SPEECH_VERBS:
            continue
        source = _np_span(subj) if subj is not None else None
        direct = bool(_QUOTE_CHARS.search(art.text[span[0] : span[1]]))
        found.append(_Found(span[0], span[1], tok, source, direct, False, art.paragraph(span[0])))
        covered.append(span)
    return found


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
    text = art.text
    if p_start - s_start < 3:
        start, end = p_end, s_end
    elif s_end - p_end < 3:
        start, end = s_start, p_start
    else:
        start, end = s_start, s_end
    while start < end and text[start] in " ,;:\n":
        start += 1
    while end > start and text[end - 1] in " ,.;:\n":
        end -= 1
    if end - start < 10:
        return None
    cue = art.doc[tok.i : to.i + 1]
    direct = bool(_QUOTE_CHARS.search(text[start:end]))
    return _Found(start, end, cue, _np_span(pobj), direct, False, art.paragraph(start))


def _span(norm: Normalized, start: int, end: int) -> Span:
    return norm.span(start, end)


def _tok_span(norm: Normalized, obj: Any) -> Span | None:
    if obj is None:
        return None
    if hasattr(obj, "start_char"):
        return norm.span(obj.start_char, obj.end_char)
    return norm.span(obj.idx, obj.idx + len(obj.text))


_LABEL = re.compile(r"^([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}): (\S.{8,})$", re.MULTILINE)


def _inside_label(art: _Article, f: _Found) -> bool:
    """A quote inside a "Name: ..." line belongs to that line's attribution."""
    line_start = art.text.rfind("\n", 0, f.start) + 1
    m = _LABEL.match(art.text, line_start)
    return m is not None and f.cue is None and m.start(2) <= f.start


def _labelled(art: _Article, taken: list[_Found]) -> list[_Found]:
    """Short lines of the form "Name: what they said", as in headlines ("Cruz: Trump Would ...")."""
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
        if source is None or not any(e.label_ == "PERSON" for e in source.ents):
            continue
        cue = art.doc.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
        direct = bool(_QUOTE_CHARS.search(art.text[body_start:body_end]))
        found.append(
            _Found(body_start, body_end, cue, source, direct, False, art.paragraph(body_start))
        )
    return found


def extract_quotes(doc: Any, norm: Normalized, article_id: str) -> list[Quote]:
    """Quotes and attributions of one article (see the module docstring for the rules)."""
    art = _Article(doc, norm)
    direct = _direct_quotes(art)
    direct = [f for f in direct if not _inside_label(art, f)] + _labelled(art, direct)
    indirect = _indirect(art, direct)
    found = sorted(direct + indirect, key=lambda f: f.start)
    speakers: list[tuple[int, str]] = []
    quotes: list[Quote] = []
    for f in found:
        name, _kind = resolve_speaker(f.source, art.names, speakers)
        if name and f.source is not None:
            speakers.append((f.source.start_char, name))
        content = _span(norm, f.start, f.end)
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


__all__ = ["extract_quotes"]
