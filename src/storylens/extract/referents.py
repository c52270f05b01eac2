"""Who a source phrase that is not a name stands for, or that it stands for nobody.

:func:`storylens.extract.speakers.resolve_speaker` hands the phrases it cannot settle by
name to these rules:

- "he" and "she": the speaker of the quote they continue. "He added" and "she
  continued" keep the previous speaker of a fitting gender; "he said" does too, unless a
  person of fitting gender became the subject of a sentence after that speaker was last
  quoted ("Grayson said ... Murphy has made schools his priority. He said ..."). Gender
  comes from the article itself (:func:`genders_of`): titles ("Mr.", "Ms.",
  "spokeswoman") and the pronouns that follow a person's mentions;
- "it" and "this": the previous speaker when that was an organisation or a document in
  the same or the previous paragraph, else nobody;
- "which", "who", "that": the antecedent of the relative clause ("the report, which
  said", "Okafor, who said");
- "one", "some", "others" alone: nobody; "one of the officials": the officials;
- a dateline read as a subject ("MARROW FALLS, Vt. — Mayor Ivan Kolb said", "VELLIN --
  President Okafor"): whoever is named after it, else nobody;
- a common noun that names no person, group, organisation, document or outlet
  ("Another criticism", "the migration crisis"): nobody.

Nobody means the quote keeps its content and its source span, with no speaker, and the
article's sources leave it out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .cues import (
    DOCUMENT_NOUNS,
    FEMALE_WORDS,
    GROUP_NOUNS,
    MALE_WORDS,
    ORG_NOUNS,
    OUTLET_WORDS,
    PERSON_NOUNS,
    PRONOUNS_FEMALE,
    PRONOUNS_GROUP,
    PRONOUNS_INDEFINITE,
    PRONOUNS_MALE,
    PRONOUNS_THING,
    QUANTITY_NOUNS,
    RELATIVE_PRONOUNS,
    TEXT_NOUNS,
)

if TYPE_CHECKING:
    from .speakers import Mention, NameIndex

# verbs that carry on the last speaker's words: "He added", "she continued"
CONTINUING_VERBS = frozenset({"add", "continue", "go", "conclude", "finish", "elaborate"})
# A common noun outside the lists of cues (PERSON_NOUNS ...) that does not end like an
# agent noun names no one: "Another criticism", "the migration crisis".
_AGENT = re.compile(r"(?:er|or|ist|ian|[^m]ant|[^m]ent|ee|eer|ive|man|men|ary|iff|crat|at)$")
# a dateline at a line's start: "MARROW FALLS, Vt. —", "VELLIN (AP) --", "KESTREL BAY, Ore. -"
_DATELINE = re.compile(
    r"[ \t]*[A-Z][A-Z.'’ -]*[A-Z.](?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?)?"
    r"[ \t]*(?:\([^)\n]{1,30}\)[ \t]*)?(?:—|–|--|-[ \t])"
)


# a dateline's place as a name: "MARROW FALLS, Vt", "KESTREL BAY, Ore"
_DATELINE_NAME = re.compile(r"[A-Z][A-Z.'’ -]+,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?")


def not_a_source(name: str) -> bool:
    """A name no source can have: a pronoun, a relative pronoun, an indefinite ("one")
    or a dateline's place. The last check on an article's sources, whatever found them."""
    lower = name.strip().lower()
    return (
        not lower
        or lower in PRONOUNS_MALE
        or lower in PRONOUNS_FEMALE
        or lower in PRONOUNS_THING
        or lower in RELATIVE_PRONOUNS
        or lower in PRONOUNS_INDEFINITE
        or lower in PRONOUNS_GROUP
        or lower in ("it", "its", "him")
        or bool(_DATELINE_NAME.fullmatch(name.strip()))
    )


def genders_of(doc: Any, mentions: list[Mention]) -> dict[str, str]:
    """Each person's gender as the article shows it: ``m`` or ``f``, where it shows it.

    A title or gendered noun just before a mention, in its role or in apposition ("Mr.
    Reyner", "spokeswoman Mara Velt", "his wife, Jane") counts three votes; a gendered
    pronoun counts one for the person named in its sentence or the one before, when
    that is the only person named there. A gender needs twice the votes of the other.
    """
    votes: dict[str, list[int]] = {}
    for m in mentions:
        if m.kind != "PERSON":
            continue
        tally = votes.setdefault(m.name, [0, 0])
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        before = span.start - 1
        if before > 0 and doc[before].text == ",":
            before -= 1  # "his wife, Jane Reyner"
        near = [doc[before].lower_.rstrip(".")] if before >= 0 else []
        near += [t.lower_ for t in span.root.children if t.dep_ == "appos"]
        if m.role:
            near += [w.lower().rstrip(".") for w in m.role.split()]
        tally[0] += 3 * sum(w in MALE_WORDS for w in near)
        tally[1] += 3 * sum(w in FEMALE_WORDS for w in near)
    persons = [m for m in mentions if m.kind == "PERSON"]
    k = -1
    for tok in doc:
        lower = tok.lower_
        if lower not in PRONOUNS_MALE and lower not in PRONOUNS_FEMALE:
            continue
        while k + 1 < len(persons) and persons[k + 1].end <= tok.idx:
            k += 1
        sent = tok.sent
        window = doc[sent.start - 1].sent.start_char if sent.start > 0 else 0
        named = set()
        for j in range(k, -1, -1):
            if persons[j].start < window:
                break
            named.add(persons[j].name)
        if len(named) == 1:  # one person in reach: the pronoun is theirs
            votes.setdefault(named.pop(), [0, 0])[0 if lower in PRONOUNS_MALE else 1] += 1
    out = {}
    for name, (male, female) in votes.items():
        if male >= 2 * female and male > 0:
            out[name] = "m"
        elif female >= 2 * male and female > 0:
            out[name] = "f"
    return out


def person_pronoun(
    source: Any, index: NameIndex, speakers: list[tuple[int, str]], cue: Any | None = None
) -> str | None:
    """The person "he" or "she" stands for (see the module docstring)."""
    root = source.root
    gender = "m" if root.lower_ in PRONOUNS_MALE else "f"
    pos = source.start_char

    def fits(name: str) -> bool:
        return index.genders.get(name) in (None, gender)

    said = next(
        ((p, n) for p, n in reversed(speakers) if p < pos and n and index.is_person(n) and fits(n)),
        None,
    )
    verb = cue if cue is not None else root.head
    continuing = getattr(getattr(verb, "root", verb), "lemma_", "") in CONTINUING_VERBS
    if said is not None and not continuing:
        subject = _subject_since(source, index, said[0], fits)
        if subject is not None:
            return subject
    if said is not None:
        return said[1]
    m = index.previous(pos, ("PERSON",), fits)
    if m is not None:
        return m.name
    # no one of that gender: the article's genders are evidence, not proof
    last = next((n for p, n in reversed(speakers) if p < pos and n and index.is_person(n)), None)
    return last


def _subject_since(source: Any, index: NameIndex, since: int, fits: Any) -> str | None:
    """A person of fitting gender made the subject of a main clause, outside quotation
    marks, after ``since`` and before the pronoun."""
    text = source.doc.text
    for m in reversed(index.mentions_between(since + 1, source.start_char)):
        if m.kind == "PERSON" and m.subject and fits(m.name) and not _quoted(text, m.start):
            return m.name
    return None


def _quoted(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside quotation marks in its paragraph."""
    line = text[text.rfind("\n", 0, pos) + 1 : pos]
    return line.count("“") > line.count("”") or line.count('"') % 2 == 1


def thing_pronoun(source: Any, index: NameIndex, speakers: list[tuple[int, str]]) -> str | None:
    """The organisation or document "it" stands for: the previous speaker, when that is
    not a person and was quoted in the same or the previous paragraph."""
    pos = source.start_char
    earlier = [(p, n) for p, n in speakers if p < pos and n]
    if not earlier:
        return None
    p, name = earlier[-1]
    if index.is_person(name) or source.doc.text.count("\n", p, pos) > 2:
        return None
    return name


def relative_antecedent(source: Any) -> Any | None:
    """The noun phrase a relative pronoun stands for ("the report, which said" ->
    "the report"), as a span, or ``None``."""
    root = source.root
    verb = root.head
    if verb.dep_ != "relcl" or verb.head.i >= root.i:
        return None
    head = verb.head
    return source.doc[head.left_edge.i : head.i + 1]


def indefinite_group(source: Any) -> str | None:
    """ "one of the officials" -> "officials", "a majority of voters" -> "voters"; "One"
    or "Others" alone -> ``None``."""
    obj = _of_object(source.root)
    if obj is None:
        return None
    words = source.doc[obj.left_edge.i : obj.i + 1].text
    return re.sub(r"^(?:the|his|her|their|its)\s+", "", words, flags=re.IGNORECASE)


def _of_object(root: Any) -> Any | None:
    for prep in root.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                    return obj
    return None


def is_indefinite(source: Any) -> bool:
    """ "one", "others" (names nobody alone) or a quantity of a group ("a majority of
    voters"), but not "the group" itself."""
    root = source.root
    if root.lower_ in PRONOUNS_INDEFINITE:
        return True
    return root.lemma_.lower() in QUANTITY_NOUNS and _of_object(root) is not None


def dateline_end(source: Any) -> int | None:
    """Where the dateline ends, when the source starts inside one at the start of its line
    ("MARROW FALLS, Vt. — Kolb said": the source "MARROW FALLS, Vt"), else ``None``."""
    text = source.doc.text
    line_start = text.rfind("\n", 0, source.start_char) + 1
    m = _DATELINE.match(text, line_start)
    return m.end() if m is not None and source.start_char < m.end() else None


def after_dateline(source: Any, end: int) -> Any | None:
    """Who speaks after a dateline the parser took for the subject: the rest of the source
    ("VELLIN -- President Okafor"), else the first person or organisation named between
    the dateline and the verb ("MARROW FALLS, Vt. — Mayor Ivan Kolb said")."""
    doc = source.doc
    rest = doc.char_span(end, source.end_char, alignment_mode="contract")
    if rest is not None and len(rest) > 0 and any(t.is_alpha for t in rest):
        return rest
    verb = source.root.head
    for tok in doc[source.end : max(source.end, verb.i)]:
        if tok.ent_type_ in ("PERSON", "ORG") and tok.ent_iob_ == "B":
            ent = next(e for e in doc.ents if e.start == tok.i)
            return ent
    return None


def names_someone(root: Any) -> bool:
    """Whether a common noun can be a source: a person or group, an organisation, a
    document or an outlet (``cues`` lists), or a word shaped like an agent noun."""
    lemma = root.lemma_.lower()
    if lemma in ORG_NOUNS or lemma in DOCUMENT_NOUNS or lemma in OUTLET_WORDS:
        return True
    if lemma in PERSON_NOUNS or lemma in GROUP_NOUNS or lemma in TEXT_NOUNS:
        return True
    return not lemma.endswith("ment") and bool(_AGENT.search(lemma))


__all__ = [
    "CONTINUING_VERBS",
    "genders_of",
    "after_dateline",
    "dateline_end",
    "indefinite_group",
    "is_indefinite",
    "names_someone",
    "not_a_source",
    "person_pronoun",
    "relative_antecedent",
    "thing_pronoun",
]
