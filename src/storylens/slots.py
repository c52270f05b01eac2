"""What a number counts: the slot two outlets' figures must share to disagree.

"24 dead", "killing four people", "a confirmed death toll of 11" and "five people
confirmed dead" all count deaths; "dozens injured" and "200 wounded" count injuries.
A number's slot is read from the parse around it, nearest first: the words that
describe the number itself ("12 arrested"), the noun an of-phrase hangs from ("a
mother of 12", "a toll of 11"), then the noun it counts, the verb that noun is the
object or subject of, and their modifiers, mapped onto a small table of classes;
otherwise the counted noun's own lemma ("bridges", "troops"), or nothing. A verb
coordinated with the number's own ("flattened dozens of barns, killed two")
tells another count and lends it nothing.
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
    # "temperatures of minus 12 degrees", "outside temperatures were minus 15"
    "temperature": frozenset(["temperature", "degree", "celsius", "fahrenheit"]),
    "evacuated": frozenset(
        ["evacuate", "evacuation", "evacuee", "displace", "displaced", "homeless"]
    ),
}
_NOUNISH = frozenset(("NOUN", "PROPN"))
_NEAR = frozenset(("amod", "compound", "acomp", "oprd", "attr", "nmod", "advmod", "xcomp", "conj"))
# around a verb, a coordinated verb is another clause ("flattened dozens, killed two")
_NEAR_VERB = _NEAR - {"conj"}
# what describes the number itself: "12 arrested", "five dead"
_OWN = frozenset(("acl", "amod"))
# nouns that only hold a count ("a total of 11"): the slot is read further out
_TALLIES = frozenset(
    ["total", "number", "count", "tally", "figure", "sum", "estimate", "average", "maximum"]
)


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
        out.extend(c.lemma_.lower() for c in verb.children if c.dep_ in _NEAR_VERB)
        for subject in verb.children:  # "the death toll stands at 11", "deaths rose to 11"
            if subject.dep_ in ("nsubj", "nsubjpass") and subject is not noun:
                out.append(subject.lemma_.lower())
                out.extend(c.lemma_.lower() for c in subject.children if c.dep_ in _NEAR)
    if head.pos_ in ("VERB", "ADJ"):
        out.extend(c.lemma_.lower() for c in head.children if c.dep_ in _NEAR_VERB)
    return out


def _class(lemmas: list[str]) -> str:
    """The first class of ``SLOT_CLASSES`` any of ``lemmas`` belongs to, or ""."""
    for name, words in SLOT_CLASSES.items():
        if any(w in words for w in lemmas):
            return name
    return ""


def _of_owner(token: Any) -> Any:
    """The noun a bare number is the object of "of" under ("a mother of 12"), or None."""
    prep = token.head
    bare = token.dep_ == "pobj" and prep.dep_ == "prep" and prep.lower_ == "of"
    return prep.head if bare and prep.head.pos_ in _NOUNISH else None


def slot_of(doc: Any, start: int, end: int, noun: str) -> str:
    """The slot of the number at normalised offsets [start, end) of ``doc``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    token = span[-1]
    found = _class([c.lemma_.lower() for c in token.children if c.dep_ in _OWN])
    if found:
        return found
    owner = _of_owner(token)
    if owner is not None:
        lemma = owner.lemma_.lower()
        found = _class([lemma, *(c.lemma_.lower() for c in owner.children if c.dep_ in _NEAR)])
        if found or lemma not in _TALLIES:
            return found or lemma
    found = _class(_lemmas(token))
    if found:
        return found
    head = token.head
    if head.pos_ in _NOUNISH and head.i != token.i:
        return _class([head.lemma_.lower()]) or head.lemma_.lower()
    return _class([noun]) or noun
