"""An article's sources: everyone and everything it attributes information to.

``extract_sources`` gathers, in order:

1. the speakers of the article's quotes and attributions, with their kind
   (person, organisation, outlet) and the role the article gives them;
2. outlets and documents cited without a quote ("in an interview with Fox News",
   "a report issued by ..."), recorded as ``via`` on the person or as sources of their own;
3. anonymous sourcing ("anonymous sources", "officials familiar with ...");
4. non-responses ("did not respond", "declined to comment") of whoever was asked.

Names are merged through the article's canonical names, so "Sheinbaum" and
"Claudia Sheinbaum" are one source. A source is a person, an organisation, a document
or an outlet: never a pronoun, a relative pronoun, an indefinite ("one"), a dateline's
place or a place where the asked officials work (:mod:`.referents`); a quote whose
source is one of these keeps its content and no speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Quote, Source, SourceKind, Span
from ..normalize import Normalized
from .cues import (
    ANONYMOUS_PATTERNS,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    NON_RESPONSE_PATTERN,
    ORG_NOUNS,
    OUTLET_WORDS,
)
from .referents import names_someone, not_a_source
from .speakers import NameIndex, clean_name, common_phrase

_ANONYMOUS = re.compile("|".join(ANONYMOUS_PATTERNS), re.IGNORECASE)
_NON_RESPONSE = re.compile(NON_RESPONSE_PATTERN, re.IGNORECASE)
_VIA = re.compile(
    r"\b(?:[Ii]n|[Dd]uring)\s+an?\s+(?:[\w.-]+\s+){0,3}(interview|appearance|statement|email|post|op-ed|letter)"
    r"\s+(?:with|to|on|in)\s+((?:The\s+)?[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,4})"
)
_UNNAMED = re.compile(
    r"\b(?:officials?|sources?|person|people|aides?|insiders?|diplomats?)\b", re.IGNORECASE
)
_PROVIDED_TO = re.compile(
    r"\b(statement|comments?|remarks)\s+(?:provided|given|sent|emailed)\s+to\b", re.IGNORECASE
)


@dataclass
class _Entry:
    name: str
    kind: SourceKind
    role: str | None = None
    mentions: list[Span] = field(default_factory=list)
    quotes: int = 0
    non_response: Span | None = None
    via: str | None = None


def _kind_of(name: str, index: NameIndex, default: SourceKind = "person") -> SourceKind:
    label = index.kinds.get(name)
    if label == "PERSON":
        return "person"
    if (
        label == "OUTLET"
        or any(w.lower().strip(".’'") in OUTLET_WORDS for w in name.split())
        and label != "PERSON"
    ):
        return (
            "outlet" if label in ("ORG", "OUTLET", None) and _looks_outlet(name) else "organisation"
        )
    if label in ("ORG", "GPE", "NORP"):
        return "organisation"
    last = name.split()[-1].lower()
    if last in DOCUMENT_NOUNS or last.rstrip("s") in DOCUMENT_NOUNS:
        return "document"
    if label is None and (last in ORG_NOUNS or last in GROUP_NOUNS):
        return "organisation"  # "the harbour board", "the city"
    return default


def _looks_outlet(name: str) -> bool:
    words = [w.lower().strip(".’'") for w in name.split()]
    strong = {
        "journal",
        "times",
        "post",
        "news",
        "tribune",
        "herald",
        "gazette",
        "reuters",
        "press",
        "bloomberg",
        "cnn",
        "bbc",
        "nbc",
        "abc",
        "cbs",
        "msnbc",
        "npr",
        "politico",
        "axios",
        "telegraph",
        "guardian",
        "courier",
        "ledger",
        "wire",
    }
    return any(w in strong for w in words)


def extract_sources(
    doc: Any, norm: Normalized, article_id: str, quotes: list[Quote]
) -> list[Source]:
    """Sources of one article (see the module docstring)."""
    index = NameIndex.from_doc(doc)
    entries: dict[str, _Entry] = {}

    def entry(name: str, kind: SourceKind) -> _Entry:
        key = name.lower()
        if key not in entries:
            entries[key] = _Entry(name=name, kind=kind, role=index.roles.get(name))
        return entries[key]

    for quote in quotes:
        if not quote.speaker:
            continue
        kind = _kind_of(quote.speaker, index)
        if not any(c.isupper() for c in quote.speaker) and _UNNAMED.search(quote.speaker):
            kind = "anonymous"  # "two officials familiar with ...", "a person close to ..."
        e = entry(quote.speaker, kind)
        e.quotes += 1
        if quote.source is not None:
            e.mentions.append(quote.source)

    for sent in doc.sents:
        s_text = sent.text
        m = _VIA.search(s_text)
        if m:
            medium, outlet = m.group(1).lower(), clean_name(m.group(2))
            person = _sentence_person(sent, index)
            if person:
                e = entry(person, "person")
                e.via = e.via or f"{medium} with {outlet}"
            if outlet and _looks_outlet(outlet):
                oe = entry(outlet, "outlet")
                oe.mentions.append(
                    norm.span(sent.start_char + m.start(2), sent.start_char + m.end(2))
                )
        if _PROVIDED_TO.search(s_text):
            person = _sentence_person(sent, index)
            if person:
                e = entry(person, "person")
                e.via = e.via or "statement provided to the outlet"
        for am in _ANONYMOUS.finditer(s_text):
            e = entry("anonymous sources", "anonymous")
            e.mentions.append(norm.span(sent.start_char + am.start(), sent.start_char + am.end()))
        nr = _NON_RESPONSE.search(s_text)
        if nr:
            who = _non_responder(sent, sent.start_char + nr.start(), index)
            if who:
                e = entry(who, _kind_of(who, index, "organisation"))
                e.non_response = norm.span(sent.start_char + nr.start(), sent.start_char + nr.end())
        for tok in sent:
            if (
                tok.lower_ in DOCUMENT_NOUNS
                and tok.dep_ in ("nsubj", "dobj")
                and tok.head.lemma_
                in (
                    "issue",
                    "release",
                    "publish",
                    "argue",
                    "say",
                    "suggest",
                    "find",
                    "show",
                    "conclude",
                    "warn",
                    "state",
                )
            ):
                owner = _document_owner(tok, index)
                if owner:
                    e = entry(owner, _kind_of(owner, index, "organisation"))
                    e.via = e.via or tok.lower_
    return [
        Source(
            article=article_id,
            name=e.name,
            kind=e.kind,
            role=e.role,
            mentions=tuple(e.mentions),
            quotes=e.quotes,
            non_response=e.non_response,
            via=e.via,
        )
        for e in entries.values()
        if not not_a_source(e.name)
    ]


def _sentence_person(sent: Any, index: NameIndex) -> str | None:
    for ent in sent.ents:
        if ent.label_ == "PERSON":
            return index.resolve_name(ent.text)
    return None


def _non_responder(sent: Any, pos: int, index: NameIndex) -> str | None:
    """Who did not respond: the subject of the phrase ("the White House", "a spokesman
    for Norrow Lines" -> Norrow Lines, "he" -> the person last named), else the last
    person or organisation named before it in the sentence. A place is never the one
    asked: "Officials in Marrow Falls declined to comment" are the officials."""
    doc = sent.doc
    phrase = doc.char_span(pos, pos + 1, alignment_mode="expand")
    subject = None
    if phrase is not None:
        verb = phrase.root.head if phrase.root.dep_ in ("aux", "neg") else phrase.root
        subject = next((t for t in verb.children if t.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None:
        if subject.lower_ in ("he", "she"):
            gender = "m" if subject.lower_ == "he" else "f"
            prev = index.previous(
                sent.start_char, ("PERSON",), lambda n: index.genders.get(n) in (None, gender)
            )
            return prev.name if prev else None
        if subject.lower_ in ("it", "they"):
            prev = index.previous(sent.start_char, ("ORG",))
            return prev.name if prev else None
        for ent in sent.ents:
            if ent.label_ in ("PERSON", "ORG") and _speaks_for(ent, subject):
                return index.resolve_name(ent.text)
        if subject.pos_ == "PROPN":  # a name the tagger missed
            return index.resolve_name(doc[subject.left_edge.i : subject.i + 1].text) or None
        if subject.pos_ == "NOUN" and names_someone(subject):
            return common_phrase(doc, subject.left_edge.i, subject) or None
    best = None
    for ent in sent.ents:
        if ent.label_ in ("PERSON", "ORG") and ent.end_char <= pos:
            best = index.resolve_name(ent.text)
    return best or None


def _speaks_for(ent: Any, subject: Any) -> bool:
    """Whether a subject stands for the entity: the entity itself ("the White House"), or
    whom its head works for ("a spokesman for Norrow Lines", "Norrow Lines' lawyers"), not
    where it is ("officials in Marrow Falls")."""
    if ent.start <= subject.i < ent.end:
        return True
    head = ent.root
    if head.head.i == subject.i and head.dep_ in ("poss", "compound"):
        return True
    prep = head.head
    return (
        head.dep_ == "pobj"
        and prep.head.i == subject.i
        and prep.lower_ in ("for", "of", "at", "from", "with")
    )


def _document_owner(tok: Any, index: NameIndex) -> str | None:
    """The organisation that issued a document: its subject, or the nearest organisation before it."""
    head = tok.head
    for child in head.children:
        if child.dep_ == "nsubj" and child.i != tok.i:
            for ent in tok.doc.ents:
                if ent.start <= child.i < ent.end and ent.label_ in ("ORG", "PERSON"):
                    return index.resolve_name(ent.text)
    m = index.previous(tok.idx, ("ORG",))
    return m.name if m else None
