"""Attributions found by rule: "according to X", "as X reported", polls, a block after a
colon, relative reports and aside frames ("All of this, Okafor said, could be undone")."""

from __future__ import annotations

from typing import Any

from .cues import CUE_VERBS, RELATIVE_PRONOUNS, SPEECH_VERBS
from .quote_core import (
    _Article,
    _Found,
)
from .syntax import (
    CLOSING_MARKS,
    OPENING_MARKS,
    SUBJECTS,
    noun_phrase,
    quoted,
    subject_of,
)


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
