"""Statements: the units of comparison, one claim each, with their comparable details.

A statement is a sentence, split further at semicolons when both sides carry a verb.
Cut-off sentences (a truncated last line), questions and lines without a verb
(headlines, bylines) are not statements. Each statement keeps its numbers, dates, entities, the
named actor of its main verb, and whether that verb is negated.

Context: a statement that sets background rather than reporting the story's news
("Since taking office, ...", "Last year ...", "had previously ...") is marked
``context``; it is still aligned, and reports show it apart.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .extract.speakers import NameIndex
from .extract.timex import Timex, find_timexes
from .features import (
    DateMention,
    Number,
    dates_in,
    is_bound,
    main_verb,
    negated,
    numbers_in,
    vague_numbers_in,
    weekdays_in,
)
from .names import TITLE_WORDS
from .normalize import Normalized
from .pipeline import Analyzed
from .slots import slot_of

_CONTEXT = re.compile(
    r"^(?:Since\b|Earlier\b|Previously\b|Last (?:year|month|week)\b|Back in\b|In (?:the )?(?:past|recent (?:years|months))\b|Following\b|Over the (?:past|last)\b)"
    r"|\b(?:had (?:previously|already|earlier|long)|has long|earlier this (?:year|month)|in recent (?:years|months))\b",
)
# common nouns that name a doer worth comparing ("the county council" vs "the state police")
_AGENT_NOUNS = frozenset(
    [
        "council",
        "police",
        "government",
        "ministry",
        "department",
        "agency",
        "army",
        "military",
        "navy",
        "court",
        "commission",
        "committee",
        "authority",
        "authorities",
        "company",
        "firm",
        "office",
        "administration",
        "board",
        "union",
        "mayor",
        "governor",
        "president",
        "minister",
        "officials",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "prosecutors",
        "investigators",
        "guard",
        "coastguard",
        "service",
        "regulator",
        "inspectors",
    ]
)
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
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
        "as",
        "that",
        "this",
        "these",
        "those",
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
        "it",
        "its",
        "their",
        "his",
        "her",
        "they",
        "he",
        "she",
        "we",
        "our",
        "you",
        "your",
        "i",
        "not",
        "also",
        "than",
        "then",
        "there",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "while",
        "after",
        "before",
        "over",
        "under",
        "about",
        "said",
        "says",
    ]
)


@dataclass(frozen=True)
class Statement:
    """One claim with the features alignment and the conflict rules read: plain data, every
    offset into the article's original text, so it is stored in the article's analysis
    record (:mod:`storylens.analysis`) and compared with no parse."""

    id: str
    article: str
    start: int  # original offsets
    end: int
    text: str
    context: bool
    words: frozenset[str]
    entities: frozenset[str]
    numbers: tuple[Number, ...]
    dates: tuple[DateMention, ...]
    weekdays: tuple[str, ...]
    actor: str | None
    actor_span: tuple[int, int] | None  # original offsets
    negated: bool
    quote_share: float  # share of the statement inside a direct quote
    verb: str = ""  # lemma of the main verb
    people: frozenset[str] = frozenset()  # named people and named objects, lower case
    index: int = 0  # place among its article's statements, from 0
    headline: bool = False  # the article's first line, a title rather than a sentence
    tokens: tuple[str, ...] = ()  # lower-case words, for runs of shared wording
    persons: tuple[NameMention, ...] = ()  # people named, as written (original offsets)
    verb_span: tuple[int, int] | None = None  # the main verb, with its negation (original)
    passive: bool = False  # the actor is the subject of a passive verb
    reported: bool = False  # the main verb is what someone said ("X said it was ...")
    not_only: bool = False  # "not only ... but also": a negation that affirms
    times: tuple[Timex, ...] = ()  # time expressions in the statement (original offsets)


@dataclass(frozen=True)
class NameMention:
    """A person named in a statement: ``text`` is ``article.text[start:end]``; ``name`` is
    the fullest form of it the article uses; ``given`` and ``surname`` are the proper
    nouns of ``text`` without titles or descriptions ("Constable Ada Fenn": "Ada",
    "Fenn"; ``given`` is "" for a surname alone)."""

    text: str
    start: int
    end: int
    name: str
    given: str = ""
    surname: str = ""


def _content_words(span: Any) -> frozenset[str]:
    return frozenset(
        t.lemma_.lower() for t in span if t.is_alpha and t.lower_ not in _STOP and len(t) > 2
    )


class _Ents:
    """A document's entities, looked up by token range in log time.

    spaCy's ``Span.ents`` rebuilds every entity of the document on each call, which made
    statement extraction grow with the square of an article's length.
    """

    def __init__(self, doc: Any) -> None:
        self.ents = list(doc.ents)
        self.starts = [e.start for e in self.ents]

    def within(self, span: Any) -> list[Any]:
        i = bisect.bisect_left(self.starts, span.start)
        out = []
        while i < len(self.ents) and self.ents[i].start < span.end:
            if self.ents[i].end <= span.end:
                out.append(self.ents[i])
            i += 1
        return out


def _people(span: Any, names: NameIndex, ents: _Ents) -> frozenset[str]:
    """Who or what the clause is about by name: surnames of the people it names, and the
    proper nouns of its main verb's object ("arrested Ilse Marro"), lower case, so two
    arrests of different people do not read as one fact."""
    out = set()
    for ent in ents.within(span):
        if ent.label_ == "PERSON":
            name = names.resolve_name(ent.text) or ent.text
            words = [w for w in name.replace("\u2019s", "").replace("'s", "").split() if w]
            if words:
                out.add(words[-1].lower())
    for child in main_verb(span).children:
        if child.dep_ in ("dobj", "nsubjpass") and child.pos_ == "PROPN" and child.is_alpha:
            out.add(child.lower_)  # the head of the name: "Marro" in "Ilse Marro"
    return frozenset(out)


def _entities(span: Any, names: NameIndex, ents: _Ents) -> frozenset[str]:
    out = set()
    for ent in ents.within(span):
        if ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"):
            name = names.resolve_name(ent.text) if ent.label_ in ("PERSON", "ORG") else ent.text
            if name:
                out.add(name.lower().removeprefix("the ").removeprefix("u.s. "))
    return frozenset(out)


def _actor(span: Any, names: NameIndex, ents: _Ents) -> tuple[str | None, Any]:
    """The named subject of the main verb, pronouns resolved to the nearest earlier person."""
    root = main_verb(span)
    for child in root.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ in ("he", "she"):
                m = names.previous(child.idx, ("PERSON",))
                return (m.name if m else None), child
            for ent in ents.within(span):
                if ent.start <= child.i < ent.end and ent.label_ in (
                    "PERSON",
                    "ORG",
                    "GPE",
                    "NORP",
                ):
                    return names.resolve_name(ent.text), ent
            sub = span.doc[child.left_edge.i : child.i + 1]
            for ent in ents.within(sub):
                if ent.label_ in ("PERSON", "ORG"):
                    return names.resolve_name(ent.text), ent
            lemma = child.lemma_.lower()
            for prep in child.children:  # "a spokesperson for Harlow Steel" speaks for Harlow Steel
                if prep.dep_ == "prep" and prep.lower_ in ("for", "of"):
                    for ent in ents.within(span.doc[prep.i : prep.right_edge.i + 1]):
                        if ent.label_ in ("ORG", "PERSON", "GPE"):
                            return names.resolve_name(ent.text), ent
            titled = names.titles.get(lemma)
            if titled is not None:
                return titled, child
            if lemma in _AGENT_NOUNS:
                words = [t for t in sub if t.pos_ not in ("DET", "PRON", "PUNCT")]
                if words:
                    return " ".join(t.text for t in words).lower(), span.doc[
                        words[0].i : child.i + 1
                    ]
            return None, child
    return None, None


# Cutting "X did A, and Y did B" in two: off, as it measured worse out of fold on
# claims_train (base embedder, python benchmarks/train_claims.py --embedder
# all-MiniLM-L6-v2 with and without): pair F1 at precision 0.80 0.458 against 0.469,
# best F1 0.565 against 0.578; the shorter clauses match less surely than the sentence.
SPLIT_COORDINATED = False


def _clauses(sent: Any) -> list[Any]:
    """A sentence, split at semicolons when each side has a verb (and, with
    ``SPLIT_COORDINATED``, at "and"/"but" joining two clauses with subjects of their own)."""
    parts, start = [], sent.start
    for tok in sent:
        if tok.text == ";" and tok.i > start:
            parts.append(sent.doc[start : tok.i + 1])
            start = tok.i + 1
    parts.append(sent.doc[start : sent.end])
    if not (len(parts) > 1 and all(any(t.pos_ in ("VERB", "AUX") for t in p) for p in parts)):
        parts = [sent]
    if SPLIT_COORDINATED:
        parts = [c for p in parts for c in _coordinated(p)]
    return [p for p in parts if len(p) > 0]


_QUOTES = frozenset('"“”')


def _coordinated(part: Any) -> list[Any]:
    """ "The dam burst at noon, and 300 people fled": two claims, each with its own subject
    and verb, cut before the conjunction (outside quotation marks, each side four words
    or more)."""
    root = part.root
    for cc in root.children:
        if cc.dep_ != "cc" or cc.lower_ not in ("and", "but"):
            continue
        conj = next((c for c in root.children if c.dep_ == "conj" and c.i > cc.i), None)
        if conj is None or conj.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in conj.children):
            continue
        if sum(1 for t in part.doc[part.start : cc.i] if t.text in _QUOTES) % 2:
            continue  # inside a quotation
        cut = cc.i - 1 if cc.i - 1 >= part.start and part.doc[cc.i - 1].text == "," else cc.i
        first, second = part.doc[part.start : cut], part.doc[cc.i + 1 : part.end]
        if len(first) >= 4 and len(second) >= 4:
            return [first, *_coordinated(second)]
    return [part]


_WORD = re.compile(r"[^\W_]+")
# lines a page carries around the story: time stamps, bylines, credits, share prompts
_BOILERPLATE = re.compile(
    r"(?i:(?:published|updated|last updated|posted)(?:\s*:|\s+(?:at|on)\b|\s+\d))"
    r"|(?i:(?:photo|photos|image|images|video|credit|copyright|follow us|share this|related"
    r"|advertisement)\s*:)"
    r"|©|\([cC]\)\s"
)
# the lower-case words a byline may hold besides names ("By Mira Tal and Ode Lenz, staff writers")
_BYLINE_WORDS = frozenset(
    [
        "and",
        "of",
        "for",
        "the",
        "staff",
        "writer",
        "writers",
        "reporter",
        "reporters",
        "correspondent",
        "editor",
        "news",
        "contributor",
        "contributors",
        "in",
        "with",
    ]
)
_HEADLINE_MAX_WORDS = 25
_BOILERPLATE_MAX_WORDS = 14


def _is_boilerplate(text: str, n_words: int) -> bool:
    """A time stamp, byline, credit or share prompt: short, and opening with its label
    ("UPDATED: 06:55 GMT", "By Mira Tal, Staff Writer", "Photo: ...")."""
    if n_words > _BOILERPLATE_MAX_WORDS:
        return False
    if _BOILERPLATE.match(text):
        return True
    words = _WORD.findall(text)
    return (
        len(words) >= 2
        and words[0] in ("By", "BY")
        and words[1][:1].isupper()
        and all(w[:1].isupper() or w.lower() in _BYLINE_WORDS for w in words[1:])
    )


def _first_line(text: str) -> int | None:
    """End of the article's first line when it reads as a headline: short, no closing stop,
    and followed by more text on later lines."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    if end < 0:
        return None
    line = text[start:end].rstrip()
    if not line or line[-1] in '.!?:;"”' or len(line.split()) > _HEADLINE_MAX_WORDS:
        return None
    return start + len(line)


def _is_question(words: list[Any]) -> bool:
    """A clause ending in a question mark (before any closing quotes)."""
    tail = [t.text for t in words if t.text not in ('"', "”", "'", "’", ")")]
    return bool(tail) and tail[-1].endswith("?")


_TITLES = TITLE_WORDS  # one list of titles for the story's names and the statements' persons
_REPORTING_VERBS = frozenset(
    [
        "say",
        "tell",
        "add",
        "report",
        "state",
        "announce",
        "confirm",
        "write",
        "note",
        "claim",
        "insist",
        "deny",
        "argue",
    ]
)


def _numbers(
    doc: Any, norm: Normalized, text_norm: str, s_char: int, dates: list[DateMention]
) -> tuple[Number, ...]:
    """The statement's numbers with their slots, in original offsets."""
    found = [
        n
        for n in numbers_in(text_norm, s_char) + vague_numbers_in(text_norm, s_char)
        if not any(d.start <= n.start < d.end for d in dates)
    ]
    out = []
    for n in sorted(found, key=lambda n: n.start):
        span = norm.span(n.start, n.end)
        out.append(
            replace(
                n,
                start=span.start,
                end=span.end,
                slot=slot_of(doc, n.start, n.end, n.noun),
                bound=is_bound(norm.text[max(0, n.start - 16) : n.start]),
            )
        )
    return tuple(out)


def _persons(
    clause: Any, norm: Normalized, names: NameIndex, ents: _Ents
) -> tuple[NameMention, ...]:
    out = []
    for ent in ents.within(clause):
        if ent.label_ != "PERSON":
            continue
        proper = [
            t.text
            for t in ent
            if t.pos_ == "PROPN"
            and t.text[:1].isupper()
            and t.lower_.rstrip(".") not in _TITLES
            and t.text not in ("’s", "'s")
        ]
        span = norm.span(ent.start_char, ent.end_char)
        out.append(
            NameMention(
                span.text,
                span.start,
                span.end,
                names.resolve_name(ent.text) or ent.text,
                given=proper[0] if len(proper) > 1 else "",
                surname=proper[-1] if proper else "",
            )
        )
    return tuple(out)


def _verb(clause: Any, norm: Normalized) -> tuple[tuple[int, int] | None, bool, bool, bool]:
    """The main verb's span (with its negation), and whether it is passive, reported
    speech, or a "not only" that affirms."""
    verb = main_verb(clause)
    if not (clause.start <= verb.i < clause.end):
        return None, False, False, False
    parts = [verb] + [c for c in verb.children if c.dep_ in ("neg", "aux", "auxpass")]
    start = min(t.idx for t in parts)
    end = max(t.idx + len(t.text) for t in parts)
    span = norm.span(start, end)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    reported = verb.dep_ == "ccomp" and verb.head.lemma_.lower() in _REPORTING_VERBS
    not_only = any(
        c.dep_ == "neg" and c.i + 1 < len(c.doc) and c.doc[c.i + 1].lower_ == "only"
        for c in verb.children
    ) or any(
        t.lower_ == "not" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "only"
        for t in clause
    )
    return (span.start, span.end), passive, reported, not_only


def statements_of(result: Analyzed, timexes: Sequence[Timex] | None = None) -> list[Statement]:
    """The statements of one analysed article, in text order (``timexes``: the article's
    time expressions, when already found)."""
    norm, doc = result.norm, result.doc
    names = NameIndex.from_doc(doc)
    ents = _Ents(doc)
    truncated_at = next((r.start for r in norm.repairs if r.kind == "truncated"), None)
    inside = [False] * (len(norm.text) + 1)
    for q in result.quotes:
        if q.direct:
            s = norm.from_original(q.content.start)
            e = norm.from_original(q.content.end)
            for i in range(s, min(e, len(inside))):
                inside[i] = True
    out: list[Statement] = []
    first_line = _first_line(norm.text)
    if timexes is None:
        timexes = find_timexes(result)
    for sent in doc.sents:
        for clause in _clauses(sent):
            words = [t for t in clause if not t.is_space]
            if not words:
                continue
            s_char, e_char = words[0].idx, words[-1].idx + len(words[-1].text)
            headline = first_line is not None and e_char <= first_line and len(words) >= 3
            if not headline and (
                len(words) < 4 or not any(t.pos_ in ("VERB", "AUX") for t in words)
            ):
                continue
            if _is_question(words) or _is_boilerplate(norm.text[s_char:e_char], len(words)):
                continue  # "Is the economy in a recession?" asks; "UPDATED: 10:15" is no claim
            span = norm.span(s_char, e_char)
            if truncated_at is not None and span.end > truncated_at:
                continue  # a cut-off line is not a fact
            actor, actor_obj = _actor(clause, names, ents)
            actor_span = None
            if actor_obj is not None:
                a_start = (
                    actor_obj.start_char if hasattr(actor_obj, "start_char") else actor_obj.idx
                )
                a_end = (
                    actor_obj.end_char
                    if hasattr(actor_obj, "end_char")
                    else actor_obj.idx + len(actor_obj.text)
                )
                a = norm.span(a_start, a_end)
                actor_span = (a.start, a.end)
            text_norm = norm.text[s_char:e_char]
            dates = dates_in(text_norm, s_char)
            share = sum(1 for i in range(s_char, e_char) if inside[i]) / max(1, e_char - s_char)
            verb_span, passive, reported, not_only = _verb(clause, norm)
            out.append(
                Statement(
                    id=f"{result.article.id}#{len(out) + 1}",
                    article=result.article.id,
                    start=span.start,
                    end=span.end,
                    text=span.text,
                    context=bool(_CONTEXT.search(text_norm)),
                    words=_content_words(clause),
                    entities=_entities(clause, names, ents),
                    people=_people(clause, names, ents),
                    numbers=_numbers(doc, norm, text_norm, s_char, dates),
                    dates=tuple(dates),
                    weekdays=tuple(weekdays_in(text_norm)),
                    actor=actor,
                    actor_span=actor_span,
                    negated=negated(clause),
                    quote_share=share,
                    verb=main_verb(clause).lemma_.lower(),
                    index=len(out),
                    headline=headline,
                    tokens=tuple(_WORD.findall(text_norm.lower())),
                    persons=_persons(clause, norm, names, ents),
                    verb_span=verb_span,
                    passive=passive,
                    reported=reported,
                    not_only=not_only,
                    times=tuple(t for t in timexes if span.start <= t.start and t.end <= span.end),
                )
            )
    return out
