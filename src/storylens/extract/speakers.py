"""Who is who within one article: canonical names, pronouns, titles and roles.

No coreference model ships offline, so names are resolved by rules:

- a full name is itself in its fullest spelling ("Dana K. Morrow" for "Dana Morrow",
  titles dropped by :func:`storylens.names.name_words`); a surname alone is the
  article's full name with that surname ("Sheinbaum" -> "Claudia Sheinbaum"), and where
  two people share it, the one last named in full;
- a description with a name in apposition is that name ("the board's chairman, Tomas
  Reyner");
- a pronoun, a relative pronoun, "it", "one", a dateline or a noun that names no one is
  settled by :mod:`.referents` ("He added" keeps the speaker it continues);
- "the group", "the foundation" is the nearest earlier organisation;
- "the Vellin president" is the person the article introduced with that title.

Across the articles of a story, :class:`storylens.names.StoryNames` goes on from here.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..names import TITLE_WORDS, could_be_surname, name_key, name_words, surname_key
from . import referents
from .cues import (
    DOCUMENT_NOUNS,
    ORG_NOUNS,
    OUTLET_WORDS,
    PRONOUNS_GROUP,
    PRONOUNS_PERSON,
    PRONOUNS_THING,
    RELATIVE_PRONOUNS,
)


def clean_name(text: str) -> str:
    """A name without a possessive, a leading "the", surrounding punctuation or titles."""
    return " ".join(name_words(text))


@dataclass
class Mention:
    start: int  # normalised character offsets
    end: int
    name: str  # canonical
    kind: str  # PERSON or ORG
    role: str | None = None
    subject: bool = False  # the subject of its sentence's main verb


_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass
class NameIndex:
    """Named people and organisations of one article, in order of appearance."""

    mentions: list[Mention] = field(default_factory=list)
    # folded surname -> the keys of the article's people with it, in order of first use
    full_names: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # full name -> PERSON/ORG
    roles: dict[str, str] = field(default_factory=dict)  # full name -> title/role as first given
    titles: dict[str, str] = field(default_factory=dict)  # title head noun -> full name
    genders: dict[str, str] = field(default_factory=dict)  # person -> "m" or "f", where shown
    # token index -> the speaker-like entity (PERSON, ORG, GPE, NORP) holding it
    entity_at: dict[int, Any] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)  # the mentions' start offsets
    _spelling: dict[str, str] = field(default_factory=dict)  # name key -> fullest spelling
    _uses: Counter[str] = field(default_factory=Counter)  # name key -> mentions
    _org_names: dict[str, str] = field(default_factory=dict)  # last word -> organisation key

    @classmethod
    def from_doc(cls, doc: Any) -> NameIndex:
        index = cls()
        for e in doc.ents:
            if e.label_ in _SPEAKER_LABELS:
                index.entity_at.update((i, e) for i in range(e.start, e.end))
        ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG")]
        index._learn(ents)
        labels: dict[str, list[str]] = {}
        for ent in ents:
            name = index.resolve_name(ent.text)
            if not name:
                continue
            labels.setdefault(name, []).append(ent.label_)
            role = role_of(ent)
            if role and name not in index.roles:
                index.roles[name] = role
                index.titles.setdefault(_title_word(role.split()[-1]), name)
            subject = ent.root.dep_ in ("nsubj", "nsubjpass") and ent.root.head.dep_ == "ROOT"
            index.mentions.append(
                Mention(ent.start_char, ent.end_char, name, ent.label_, role, subject)
            )
        for name, seen in labels.items():
            # the small model often tags a surname alone as ORG: once a PERSON, always a person
            if "PERSON" in seen and (
                seen.count("PERSON") * 3 >= len(seen) or len(name.split()) > 1
            ):
                kind = "PERSON"
            elif any(w.lower() in OUTLET_WORDS for w in name.split()):
                kind = "OUTLET"
            else:
                kind = max(set(seen), key=seen.count)
            index.kinds[name] = kind
        for m in index.mentions:
            m.kind = index.kinds.get(m.name, m.kind)
        index.starts = [m.start for m in index.mentions]  # in text order, as doc.ents are
        index.genders = referents.genders_of(doc, index.mentions)
        return index

    def _learn(self, ents: list[Any]) -> None:
        """Record the written names: each one's fullest spelling, the people's full names
        by surname, and the organisations' by last word ("Journal" -> "Wall Street
        Journal")."""
        labels: dict[str, set[str]] = {}
        for ent in ents:
            name = clean_name(ent.text)
            if not name:
                continue
            key = name_key(name)
            known = self._spelling.get(key)
            if known is None or len(name) > len(known):
                self._spelling[key] = name
            labels.setdefault(key, set()).add(ent.label_)
            self._uses[key] += 1
        for key, seen in labels.items():
            if " " not in key:
                continue
            if "PERSON" in seen:
                self.full_names.setdefault(surname_key(key), []).append(key)
                continue
            last = key.split()[-1]
            known = self._org_names.get(last)
            if known is None or (len(key) > len(known) and known in key):
                self._org_names[last] = key

    def resolve_name(self, text: str) -> str:
        """The article's name for ``text``: a full name in its fullest spelling ("Dana K.
        Morrow" for "Dana Morrow"), a surname alone as the article's full name with that
        surname ("Sheinbaum" -> "Claudia Sheinbaum"). Where two people share the surname,
        the one named in full most often, then first: the story's protagonist, not the
        relative named in passing."""
        name = clean_name(text)
        if not name:
            return ""
        key = name_key(name)
        if " " not in key:
            full = self.full_names.get(key, []) if could_be_surname(name) else []
            if full:
                key = max(full, key=lambda k: (self._uses[k], -full.index(k)))
            else:
                key = self._org_names.get(key, key)
        return self._spelling.get(key, name)

    def knows(self, text: str) -> bool:
        """Whether the article names someone so (a full name, or a surname of one)."""
        key = name_key(clean_name(text))
        return bool(key) and (key in self._spelling or key in self.full_names)

    def is_person(self, name: str) -> bool:
        """Whether the article shows ``name`` to be a person: tagged so, or given a gender."""
        return self.kinds.get(name) == "PERSON" or name in self.genders

    def previous(
        self, pos: int, kinds: tuple[str, ...], fits: Callable[[str], bool] | None = None
    ) -> Mention | None:
        """The last mention of one of ``kinds`` starting before ``pos`` (and passing ``fits``)."""
        for i in range(bisect.bisect_left(self.starts, pos) - 1, -1, -1):
            m = self.mentions[i]
            if m.kind in kinds and (fits is None or fits(m.name)):
                return m
        return None

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        """The mentions starting in ``[start, end)``, in text order."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return self.mentions[lo:hi]


def role_of(ent: Any) -> str | None:
    """The title given with a name: "White House deputy press secretary" Anna Kelly, or an apposition."""
    doc = ent.doc
    head = ent.root
    words: list[Any] = []
    i = ent.start - 1
    while i >= 0:
        tok = doc[i]
        if (
            tok.dep_ in ("compound", "amod", "nmod", "poss")
            and tok.head.i >= ent.start - 1
            and tok.ent_type_ not in ("PERSON",)
        ):
            words.insert(0, tok)
            i -= 1
            continue
        if tok.ent_type_ in ("ORG", "GPE", "NORP") and tok.head.i >= i and tok.head.i < ent.end:
            words.insert(0, tok)
            i -= 1
            continue
        break
    while words and words[0].pos_ in ("DET", "PUNCT", "ADP"):
        words.pop(0)
    if words and any(w.pos_ == "NOUN" or w.text.lower() in TITLE_WORDS for w in words):
        return doc[words[0].i : words[-1].i + 1].text
    for child in head.children:
        if child.dep_ == "appos" and child.i > head.i and child.pos_ in ("NOUN", "PROPN"):
            span = doc[child.left_edge.i : child.right_edge.i + 1].text
            if 1 <= len(span.split()) <= 10 and child.ent_type_ != "PERSON":
                return re.sub(r"^(?:a|an|the)\s+", "", span, flags=re.IGNORECASE).strip(" ,")
    return None


def resolve_speaker(
    source: Any, index: NameIndex, speakers: list[tuple[int, str]], cue: Any | None = None
) -> tuple[str | None, str]:
    """Canonical speaker for a source span (spaCy Span) -> (name or None, kind).

    ``speakers`` holds (position, name) of earlier resolved speakers, for pronouns;
    ``cue`` is the verb of saying, when known ("He added" keeps the last speaker). A
    source that stands for nobody (:mod:`.referents`: "It" with nothing before it,
    "one", a dateline, "Another criticism") gives ``None``.
    """
    if source is None:
        return None, "person"
    root = source.root
    dateline = referents.dateline_end(source)
    if dateline is not None:  # "MARROW FALLS, Vt. — Mayor Ivan Kolb said"
        after = referents.after_dateline(source, dateline)
        if after is None:
            return None, "person"
        return resolve_speaker(after, index, speakers, cue)
    # the entity holding the source's head word, when it lies inside the source
    # (entities never overlap, so there is at most one; a lookup, not a scan of the doc)
    ent = index.entity_at.get(root.i)
    if ent is not None and source.start <= ent.start and ent.end <= source.end:
        name = index.resolve_name(ent.text)
        kind = index.kinds.get(name, ent.label_)
        return name, _kind_word(kind)
    named = _appositive_name(source, root, index)  # "the board's chairman, Tomas Reyner"
    if named is not None:
        return named, "person"
    lower = root.text.lower()
    if lower in PRONOUNS_PERSON or lower in ("his", "hers"):
        return referents.person_pronoun(source, index, speakers, cue), "person"
    if lower in PRONOUNS_GROUP:
        return None, "person"
    if lower in RELATIVE_PRONOUNS and (antecedent := referents.relative_antecedent(source)):
        if antecedent.root.lower_ in RELATIVE_PRONOUNS:
            return None, "person"
        return resolve_speaker(antecedent, index, speakers, cue)
    if lower in PRONOUNS_THING or lower in RELATIVE_PRONOUNS or lower == "its":
        thing = referents.thing_pronoun(source, index, speakers)
        return thing, _kind_word(index.kinds.get(thing or "", "ORG"))
    if referents.is_indefinite(source):
        return referents.indefinite_group(source), "person"
    if root.pos_ == "PROPN":
        name = index.resolve_name(source.text)
        return name, _kind_word(index.kinds.get(name, "PERSON"))
    if lower in ORG_NOUNS:
        if _names_itself(source, root):
            # "the Kestrian government" says which one: not the nearest organisation named
            return index.resolve_name(_without_article(source.text)), "organisation"
        m = index.previous(source.start_char, ("ORG",))
        if m is not None:
            return m.name, "organisation"
    words = {_title_word(w) for w in source.text.split()} - {"the", "a", "an"}
    head = _title_word(root.text)
    best_role: tuple[int, str] | None = None
    for name, role in index.roles.items():
        role_words = {_title_word(w) for w in role.split()}
        if head in role_words and words <= role_words | {head}:
            score = len(words & role_words)
            if best_role is None or score > best_role[0]:
                best_role = (score, name)
    if best_role is not None:
        return best_role[1], "person"
    titled = index.titles.get(head)
    if titled is not None:
        return titled, "person"
    if root.lemma_.lower() in DOCUMENT_NOUNS:
        # named by its head noun, without what follows it ("a harbour survey last month")
        return _without_article(source.doc[source.start : root.i + 1].text), "document"
    if root.text[:1].isupper() and index.knows(root.text):
        # a name the tagger took for a word ("Trump this week said")
        return index.resolve_name(root.text), "person"
    if not referents.names_someone(root):
        return None, "person"
    return (common_phrase(source.doc, source.start, root) or None), "person"


def common_phrase(doc: Any, start: int, root: Any) -> str:
    """A common noun phrase as a source's name: as written from ``start`` to its head,
    without its article, lower-cased where a plain word opens the sentence ("Critics",
    "Federal investigators"; not "New York judges")."""
    phrase = _without_article(doc[start : root.i + 1].text)
    first = doc[start]
    opens = first.is_sent_start
    if first.lower_ in ("the", "a", "an") and first.i < root.i:
        first = doc[first.i + 1]
    if opens and first.is_title and not first.ent_type_ and first.pos_ != "PROPN":
        phrase = phrase[:1].lower() + phrase[1:]
    return phrase


def _appositive_name(source: Any, root: Any, index: NameIndex) -> str | None:
    """The person named in apposition to a description: "the board's chairman, Tomas
    Reyner", "Another critic, Laurence H. Tribe"."""
    for child in root.children:
        if child.dep_ != "appos" or not source.start <= child.i < source.end:
            continue
        ent = index.entity_at.get(child.i)
        if ent is not None and ent.label_ == "PERSON":
            return index.resolve_name(ent.text)
    return None


_ABBREVIATED = {
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "gen": "general",
    "lt": "lieutenant",
    "sgt": "sergeant",
    "capt": "captain",
    "adm": "admiral",
    "prof": "professor",
    "pres": "president",
}


def _title_word(word: str) -> str:
    """A role word for matching: lower case, an abbreviated title spelt out ("Sen." ->
    "senator"), so "the Vermont senator" finds "Vermont Sen. Ada Pell"."""
    lower = word.lower().rstrip(".,")
    return _ABBREVIATED.get(lower, lower)


def _without_article(text: str) -> str:
    """The phrase without its leading article: "the Kestrian government" -> "Kestrian
    government"."""
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)


def _names_itself(source: Any, root: Any) -> bool:
    """A capitalised word before the head other than the article ("the Kestrian
    government", "the Kestrel Bay council"): the phrase names its organisation."""
    return any(t.i < root.i and t.dep_ != "det" and t.text[:1].isupper() for t in source)


def _kind_word(label: str) -> str:
    return {"PERSON": "person", "ORG": "organisation", "OUTLET": "outlet"}.get(
        label, "organisation"
    )
