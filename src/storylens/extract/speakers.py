"""Who is who within one article: canonical names, pronouns, titles and roles.

No coreference model ships offline, so names are resolved by rules:

- a name's canonical form is the longest PERSON (or ORG) name in the article that
  ends with the same word ("Sheinbaum" -> "Claudia Sheinbaum");
- a pronoun ("he", "she") is the nearest earlier speaker, or failing that the
  nearest earlier person;
- "the group", "the foundation" is the nearest earlier organisation;
- "the Vellin president" is the person the article introduced with that title.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from .cues import DOCUMENT_NOUNS, ORG_NOUNS, OUTLET_WORDS, PRONOUNS_GROUP, PRONOUNS_PERSON

_TITLE_WORDS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "rep",
        "gov",
        "president",
        "secretary",
        "minister",
        "senator",
        "representative",
        "governor",
        "mayor",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chief",
        "judge",
        "justice",
        "general",
        "gen",
        "col",
        "lt",
        "sgt",
        "adm",
        "prime",
        "deputy",
        "press",
        "former",
        "vice",
        "lady",
    ]
)
_POSSESSIVE = re.compile(r"(?:[’']s|[’'])$")


def clean_name(text: str) -> str:
    """A name without a possessive, a leading "the", surrounding punctuation or titles."""
    name = _POSSESSIVE.sub("", text.strip(" ,.;:\"“”‘’'"))
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLE_WORDS:
        words = words[1:]
    return " ".join(words)


@dataclass
class Mention:
    start: int  # normalised character offsets
    end: int
    name: str  # canonical
    kind: str  # PERSON or ORG
    role: str | None = None


_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass
class NameIndex:
    """Named people and organisations of one article, in order of appearance."""

    mentions: list[Mention] = field(default_factory=list)
    canonical: dict[str, str] = field(default_factory=dict)  # last word (lower) -> full name
    kinds: dict[str, str] = field(default_factory=dict)  # full name -> PERSON/ORG
    roles: dict[str, str] = field(default_factory=dict)  # full name -> title/role as first given
    titles: dict[str, str] = field(default_factory=dict)  # title head noun -> full name
    # token index -> the speaker-like entity (PERSON, ORG, GPE, NORP) holding it
    entity_at: dict[int, Any] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)  # the mentions' start offsets

    @classmethod
    def from_doc(cls, doc: Any) -> NameIndex:
        index = cls()
        for e in doc.ents:
            if e.label_ in _SPEAKER_LABELS:
                index.entity_at.update((i, e) for i in range(e.start, e.end))
        ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG")]
        for ent in ents:
            name = clean_name(ent.text)
            if not name:
                continue
            key = name.split()[-1].lower()
            known = index.canonical.get(key)
            if known is None or (len(name) > len(known) and known.lower() in name.lower()):
                index.canonical[key] = name
        labels: dict[str, list[str]] = {}
        for ent in ents:
            name = index.resolve_name(ent.text)
            if not name:
                continue
            labels.setdefault(name, []).append(ent.label_)
            role = role_of(ent)
            if role and name not in index.roles:
                index.roles[name] = role
                head = role.split()[-1].lower()
                index.titles.setdefault(head, name)
            index.mentions.append(Mention(ent.start_char, ent.end_char, name, ent.label_, role))
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
        return index

    def resolve_name(self, text: str) -> str:
        name = clean_name(text)
        if not name:
            return ""
        return self.canonical.get(name.split()[-1].lower(), name)

    def previous(self, pos: int, kinds: tuple[str, ...]) -> Mention | None:
        """The last mention of one of ``kinds`` starting before ``pos``."""
        for i in range(bisect.bisect_left(self.starts, pos) - 1, -1, -1):
            if self.mentions[i].kind in kinds:
                return self.mentions[i]
        return None


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
    if words and any(w.pos_ == "NOUN" or w.text.lower() in _TITLE_WORDS for w in words):
        return doc[words[0].i : words[-1].i + 1].text
    for child in head.children:
        if child.dep_ == "appos" and child.i > head.i and child.pos_ in ("NOUN", "PROPN"):
            span = doc[child.left_edge.i : child.right_edge.i + 1].text
            if 1 <= len(span.split()) <= 10 and child.ent_type_ != "PERSON":
                return re.sub(r"^(?:a|an|the)\s+", "", span, flags=re.IGNORECASE).strip(" ,")
    return None


def resolve_speaker(
    source: Any, index: NameIndex, speakers: list[tuple[int, str]]
) -> tuple[str | None, str]:
    """Canonical speaker for a source span (spaCy Span) -> (name or None, kind).

    ``speakers`` holds (position, name) of earlier resolved speakers, for pronouns.
    """
    if source is None:
        return None, "person"
    root = source.root
    # the entity holding the source's head word, when it lies inside the source
    # (entities never overlap, so there is at most one; a lookup, not a scan of the doc)
    ent = index.entity_at.get(root.i)
    if ent is not None and source.start <= ent.start and ent.end <= source.end:
        name = index.resolve_name(ent.text)
        kind = index.kinds.get(name, ent.label_)
        return name, _kind_word(kind)
    lower = root.text.lower()
    if lower in PRONOUNS_PERSON:
        for pos, name in reversed(speakers):
            if pos < source.start_char and index.kinds.get(name) == "PERSON":
                return name, "person"
        m = index.previous(source.start_char, ("PERSON",))
        return (m.name, "person") if m else (None, "person")
    if lower in PRONOUNS_GROUP:
        return None, "person"
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
    words = {w.lower() for w in source.text.split()} - {"the", "a", "an"}
    best_role: tuple[int, str] | None = None
    for name, role in index.roles.items():
        role_words = {w.lower() for w in role.split()}
        if root.text.lower() in role_words and words <= role_words | {root.text.lower()}:
            score = len(words & role_words)
            if best_role is None or score > best_role[0]:
                best_role = (score, name)
    if best_role is not None:
        return best_role[1], "person"
    titled = index.titles.get(lower)
    if titled is not None:
        return titled, "person"
    if root.lemma_.lower() in DOCUMENT_NOUNS:
        # named by its head noun, without what follows it ("a harbour survey last month")
        return _without_article(source.doc[source.start : root.i + 1].text), "document"
    return (_without_article(source.text) or None), "person"


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
