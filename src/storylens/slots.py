"""What a number counts: the slot two outlets' figures must share to disagree.

"24 dead", "killing four people", "a confirmed death toll of 11" and "five people
confirmed dead" all count deaths; "dozens injured" and "200 wounded" count injuries.
A number's slot is read from the parse around it: the noun it counts, the verb that
noun is the object or subject of, and their modifiers, mapped onto a small table of
classes; otherwise the counted noun's own lemma ("bridges", "troops"), or nothing.
"""

from __future__ import annotations

from typing import Any

# classes of counts that news reports give in many words
SLOT_CLASSES: dict[str, frozenset[str]] = {
    "deaths": frozenset(
        [
            "kill",
            "dead",
            "die",
            "death",
            "fatality",
            "fatal",
            "toll",
            "life",
            "body",
            "killing",
            "slay",
            "murder",
            "perish",
        ]
    ),
    "injuries": frozenset(
        ["injure", "injured", "injury", "wound", "wounded", "hurt", "hospitalize", "casualty"]
    ),
    "arrests": frozenset(["arrest", "detain", "detention", "custody"]),
    "missing": frozenset(["missing", "unaccounted"]),
    "evacuated": frozenset(
        ["evacuate", "evacuation", "evacuee", "displace", "displaced", "homeless"]
    ),
}
_NOUNISH = frozenset(("NOUN", "PROPN"))
_NEAR = frozenset(("amod", "compound", "acomp", "oprd", "attr", "nmod", "advmod", "xcomp", "conj"))


def _lemmas(token: Any) -> list[str]:
    """Lemmas around a number token that say what it counts."""
    out = [token.head.lemma_.lower()]
    head = token.head
    if token.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "pobj", "appos"):
        head = token  # "killed 24", "24 died": the number is the thing counted
    nouns = [head] if head.pos_ in _NOUNISH or head is token else []
    for noun in nouns:
        out.extend(c.lemma_.lower() for c in noun.children if c.dep_ in _NEAR)
        verb = noun.head
        if noun.dep_ == "pobj" and verb.dep_ == "prep":  # "a toll of 11", "death of 3"
            out.append(verb.head.lemma_.lower())
            out.extend(c.lemma_.lower() for c in verb.head.children if c.dep_ in _NEAR)
            verb = verb.head.head
        out.append(verb.lemma_.lower())
        out.extend(c.lemma_.lower() for c in verb.children if c.dep_ in _NEAR)
        for subject in verb.children:  # "the death toll stands at 11", "deaths rose to 11"
            if subject.dep_ in ("nsubj", "nsubjpass") and subject is not noun:
                out.append(subject.lemma_.lower())
                out.extend(c.lemma_.lower() for c in subject.children if c.dep_ in _NEAR)
    if head.pos_ in ("VERB", "ADJ"):
        out.extend(c.lemma_.lower() for c in head.children if c.dep_ in _NEAR)
    return out


def slot_of(doc: Any, start: int, end: int, noun: str) -> str:
    """The slot of the number at normalised offsets [start, end) of ``doc``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    lemmas = _lemmas(span[-1])
    for name, words in SLOT_CLASSES.items():
        if any(w in words for w in lemmas):
            return name
    head = span[-1].head
    if head.pos_ in _NOUNISH and head.i != span[-1].i:
        return head.lemma_.lower()
    return noun
