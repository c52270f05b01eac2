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
from dataclasses import dataclass, field
from typing import Any

from .extract.speakers import NameIndex
from .features import (
    DateMention,
    Number,
    dates_in,
    main_verb,
    negated,
    numbers_in,
    weekdays_in,
)
from .pipeline import Analyzed

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
    id: str
    article: str
    start: int  # original offsets
    end: int
    text: str
    norm_start: int
    norm_end: int
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
    span: Any = field(default=None, compare=False, repr=False)


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


def _clauses(sent: Any) -> list[Any]:
    """A sentence, split at semicolons when each side has a verb."""
    parts, start = [], sent.start
    for tok in sent:
        if tok.text == ";" and tok.i > start:
            parts.append(sent.doc[start : tok.i + 1])
            start = tok.i + 1
    parts.append(sent.doc[start : sent.end])
    if len(parts) > 1 and all(any(t.pos_ in ("VERB", "AUX") for t in p) for p in parts):
        return [p for p in parts if len(p) > 0]
    return [sent]


def _is_question(words: list[Any]) -> bool:
    """A clause ending in a question mark (before any closing quotes)."""
    tail = [t.text for t in words if t.text not in ('"', "”", "'", "’", ")")]
    return bool(tail) and tail[-1].endswith("?")


def statements_of(result: Analyzed) -> list[Statement]:
    """The statements of one analysed article, in text order."""
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
    for sent in doc.sents:
        for clause in _clauses(sent):
            words = [t for t in clause if not t.is_space]
            if len(words) < 4 or not any(t.pos_ in ("VERB", "AUX") for t in words):
                continue
            if _is_question(words):
                continue  # "Is the economy in a recession?" asks, it does not claim
            s_char, e_char = words[0].idx, words[-1].idx + len(words[-1].text)
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
            out.append(
                Statement(
                    id=f"{result.article.id}#{len(out) + 1}",
                    article=result.article.id,
                    start=span.start,
                    end=span.end,
                    text=span.text,
                    norm_start=s_char,
                    norm_end=e_char,
                    context=bool(_CONTEXT.search(text_norm)),
                    words=_content_words(clause),
                    entities=_entities(clause, names, ents),
                    people=_people(clause, names, ents),
                    numbers=tuple(
                        n
                        for n in numbers_in(text_norm, s_char)
                        if not any(d.start <= n.start < d.end for d in dates)
                    ),
                    dates=tuple(dates),
                    weekdays=tuple(weekdays_in(text_norm)),
                    actor=actor,
                    actor_span=actor_span,
                    negated=negated(clause),
                    quote_share=share,
                    verb=main_verb(clause).lemma_.lower(),
                    span=clause,
                )
            )
    return out
