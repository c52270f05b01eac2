"""Conflicts: two matched statements that give different values for the same slot.

Only statements the same-claim model matched (two statements of one fact, linked
directly) are compared, and only by these rules, each a small function that sees the
pair and returns what it found or nothing (``RULES``, in this order):

- ``number``: both count the same thing (the same slot: :mod:`storylens.slots`) once
  each, and no rounding, bound or vagueness reconciles the counts ("24 dead" / "five
  dead"; not "about 10,000" / "9,800", not "at least five" / "5", not "more than 30
  hours" / "40 hours"; lengths across units: "200 feet" / "150 metres", and a length
  restated in brackets is one); a part of a count ("40 hurt, 15 of them ...") is a reading
  the other count must miss too; never a running total ("so far", "this season"), a count of
  two different doers' acts, or a number in a modifier against a plain count
  ("two-goal games" / "9 goals");
- ``date``: both date what they tell, and none of one side's dates can be the other's
  ("in 1967" / "in 1957", "Thursday" / "Sunday"; "May 3" / "3 May" agree);
- ``name``: each names one person with the same surname but another given name
  ("Loretta Sanchez" / "Linda T. Sánchez"; not "Boehner" / "John A. Boehner", not
  "Comedian Ella Dorn" / "Ella Dorn");
- ``actor``: the same act with another named doer, both active and neither a part of
  the other ("the council closed" / "the coast guard closed"; not a dateline, an
  appositive, a passive agent, or two pronouns);
- ``negation``: one says it happened, the other that it did not, with the same verb
  and no "not only ... but also" (less sure when a side is what someone said).

Each conflict carries a confidence (the pair's probability times how sure the rule
is) and a one-line reason that quotes both values; each value is the article's exact
text with its offsets (a resolved name goes in ``resolved``).

Two statements that the model matched less than confidently and that date their news
to days that cannot be the same are not a conflict but possibly two events of one
kind (:func:`dates_disagree`): ``compare`` keeps them apart and says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .extract.timex import Timex, same_time
from .features import METRES, Number, quantities_differ
from .model import Conflict, ConflictKind, ConflictValue
from .statements import NameMention, Statement

# How sure each rule is that a hit is a real disagreement, before the pair's own
# probability: counts and dates are read off the text; names, doers and negation
# depend on the parse.
CERTAINTY: dict[str, float] = {
    "number": 0.95,
    "date": 0.9,
    "name": 0.85,
    "actor": 0.6,
    "negation": 0.7,
}
# a doer named by a pronoun ("He designated ...") rests on the pronoun's antecedent,
# which is a guess: such a difference is shown, but as the least sure kind
PRONOUN_CERTAINTY = 0.45
# whether it happened, when one side is what someone is reported to have said: kept,
# as accounts that disagree, but below LOW_CONFIDENCE whatever the pair's probability
REPORTED_CERTAINTY = 0.45
# conflicts less sure than this are the "less certain" ones the reports show only on
# request: those resting on a pronoun's antecedent or on reported speech, and any
# other whose pair the model matched at little over its threshold
LOW_CONFIDENCE = 0.5
_NOT_ACTS = frozenset(["be", "have", "do", "say", "tell", "add", "report", "state", "make", "get"])
_VAGUE_TIMES = ("PRESENT_REF", "PAST_REF", "FUTURE_REF")


@dataclass(frozen=True)
class Pair:
    """What a rule sees: two matched statements, their articles' texts and outlets."""

    a: Statement
    b: Statement
    score: float
    texts: Mapping[str, str]
    outlets: Mapping[str, str]

    def value(
        self, s: Statement, start: int, end: int, resolved: str | None = None
    ) -> ConflictValue:
        return ConflictValue(s.article, self.texts[s.article][start:end], start, end, resolved)

    def outlet(self, s: Statement) -> str:
        return self.outlets.get(s.article, s.article)


@dataclass(frozen=True)
class Finding:
    values: tuple[ConflictValue, ConflictValue]
    explanation: str
    certainty: float | None = None  # when the rule knows better than its kind's default


Rule = Callable[[Pair], Finding | None]


def fold(name: str) -> str:
    """A name for comparison: accents, case and periods dropped ("F.B.I." -> "fbi")."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.replace(".", "").lower().split())


# "injuring 30, 12 of them in Dorsa": a part of a count the statement gives too
_PART_OF = re.compile(r"\s+of\s+(?:them|those|whom|which|these|the|her|his|their|its)\b", re.I)


# "900 kilometres (560 miles)": the same length said again in other units
_RESTATED = re.compile(r"\s*[A-Za-z.-]*\s*\(\s*$")


def _same_slot(x: Number, n: Number) -> bool:
    """Counts of one thing: the same slot and unit, or two lengths in any units (their
    slots, "foot" and "metre", name the units: the same-claim model reads slots as they
    are, so lengths share one only here)."""
    if x.unit in METRES:
        return n.unit in METRES
    return n.slot == x.slot and n.unit == x.unit


def _counts(s: Statement, x: Number, texts: Mapping[str, str]) -> list[Number]:
    """The statement's counts of what ``x`` counts: the one whole count first, then its
    parts ("40 injured, 15 of them ..."); empty when it gives no single whole count. A
    count restated in brackets ("900 kilometres (560 miles)") is one count."""
    text = texts[s.article]
    same: list[Number] = []
    for n in s.numbers:
        if not _same_slot(x, n):
            continue
        if same and _RESTATED.match(text[same[-1].end : n.start]):
            continue
        same.append(n)
    parts = [n for n in same if _PART_OF.match(text, n.end)]
    wholes = [n for n in same if n not in parts]
    return [wholes[0], *parts] if len(wholes) == 1 else []


# a count over a span of time or events ("so far", "a total of", "through 14 games",
# "this season") is not the count of one event: two such counts differ by design
_CUMULATIVE = re.compile(
    r"\b(?:so far|thus far|to date|in total|a total of|in all|altogether|all told|"
    r"through \w+ (?:games|matches|races|weeks|months)|(?:his|her|their|its) (?:last|first) "
    r"\w+ (?:games|matches|races)|this (?:season|year)|career)\b",
    re.IGNORECASE,
)


def _compound(s: Statement, n: Number, texts: Mapping[str, str]) -> bool:
    """A number inside a hyphenated modifier ("a three-point play", "an 8-year deal")."""
    after = texts[s.article][n.end : n.end + 2]
    return len(after) == 2 and after[0] in "-‐‑" and after[1].isalpha()


def number_rule(pair: Pair) -> Finding | None:
    a, b = pair.a, pair.b
    if _CUMULATIVE.search(a.text) or _CUMULATIVE.search(b.text):
        return None
    if a.actor and b.actor and not _same_doer(a, b):
        return None  # the Harlow club's offer and the Quill club's offer are two offers
    for x in a.numbers:
        if not x.slot and x.unit not in METRES:
            continue
        ours, others = _counts(a, x, pair.texts), _counts(b, x, pair.texts)
        if not ours or not others:
            continue
        # the other side's count may be the whole or a part of it: it must be neither
        if not all(quantities_differ(m, t) for m in ours for t in others):
            continue
        mine, theirs = ours[0], others[0]
        if _compound(a, mine, pair.texts) != _compound(b, theirs, pair.texts):
            continue  # "two-goal games" and "9 goals" count different things
        va = pair.value(a, mine.start, mine.end)
        vb = pair.value(b, theirs.start, theirs.end)
        what = " (length)" if x.unit in METRES else f" ({x.slot})"
        return Finding(
            (va, vb), f"{pair.outlet(a)} gives {va.value}{what}, {pair.outlet(b)} gives {vb.value}"
        )
    return None


# "officials said Saturday": the day of the telling, not of what is told
_TOLD_ON = re.compile(
    r"\b(?:said|says|told|announced|reported|confirmed|added|stated)\s+(?:on\s+|late\s+|early\s+)?$",
    re.IGNORECASE,
)


def _dates(s: Statement) -> list[Timex]:
    return [
        t
        for t in s.times
        if t.type in ("DATE", "TIME")
        and t.value not in _VAGUE_TIMES
        and not _TOLD_ON.search(s.text[: max(0, t.start - s.start)])
    ]


def dates_disagree(a: Statement, b: Statement) -> tuple[Timex, Timex] | None:
    """The first dates of two statements when no date of one can be a date of the other."""
    da, db = _dates(a), _dates(b)
    if not da or not db or len(da) > 2 or len(db) > 2:
        return None
    if any(same_time(x.value, y.value) is not False for x in da for y in db):
        return None
    return da[0], db[0]


def date_rule(pair: Pair) -> Finding | None:
    found = dates_disagree(pair.a, pair.b)
    if found is None:
        return None
    x, y = found
    va = pair.value(pair.a, x.start, x.end, x.value)
    vb = pair.value(pair.b, y.start, y.end, y.value)
    return Finding(
        (va, vb), f"{pair.outlet(pair.a)} dates it {va.value}, {pair.outlet(pair.b)} {vb.value}"
    )


def name_rule(pair: Pair) -> Finding | None:
    for pa in pair.a.persons:
        if not pa.given:
            continue
        surname = fold(pa.surname)
        ours = [p for p in pair.a.persons if fold(p.surname) == surname]
        theirs = [p for p in pair.b.persons if fold(p.surname) == surname]
        if len(ours) != 1 or len(theirs) != 1 or not theirs[0].given:
            continue
        if not _given_names_differ(pa, theirs[0]):
            continue
        va = pair.value(pair.a, pa.start, pa.end)
        vb = pair.value(pair.b, theirs[0].start, theirs[0].end)
        return Finding(
            (va, vb), f"{pair.outlet(pair.a)} names {va.value}, {pair.outlet(pair.b)} {vb.value}"
        )
    return None


def _given(mention: NameMention) -> list[str]:
    """The words of a written name before its surname, initials and titles out
    ("Comedian Ella Dorn" -> ["comedian", "ella"])."""
    words = fold(mention.text).split()
    if words and words[-1] == fold(mention.surname):
        words = words[:-1]
    return [w for w in words if len(w) > 1]


# short forms of given names that do not begin as the full name does ("Bill" William)
_SHORT_FORMS: dict[str, frozenset[str]] = {
    "bill": frozenset(["william"]),
    "billy": frozenset(["william"]),
    "bob": frozenset(["robert"]),
    "bobby": frozenset(["robert"]),
    "dick": frozenset(["richard"]),
    "rick": frozenset(["richard", "eric", "frederick"]),
    "jim": frozenset(["james"]),
    "jimmy": frozenset(["james"]),
    "jack": frozenset(["john"]),
    "ted": frozenset(["edward", "theodore"]),
    "ned": frozenset(["edward"]),
    "tony": frozenset(["anthony", "antony"]),
    "chuck": frozenset(["charles"]),
    "hank": frozenset(["henry"]),
    "harry": frozenset(["henry", "harold"]),
    "peggy": frozenset(["margaret"]),
    "maggie": frozenset(["margaret"]),
    "betty": frozenset(["elizabeth"]),
    "beth": frozenset(["elizabeth"]),
    "liz": frozenset(["elizabeth"]),
    "mike": frozenset(["michael"]),
    "dave": frozenset(["david"]),
    "joe": frozenset(["joseph"]),
    "larry": frozenset(["lawrence", "laurence"]),
    "jerry": frozenset(["gerald", "jerome"]),
    "steve": frozenset(["steven", "stephen"]),
    "andy": frozenset(["andrew"]),
    "kate": frozenset(["katherine", "catherine", "kathryn"]),
    "sue": frozenset(["susan", "suzanne"]),
    "peg": frozenset(["margaret"]),
}


def _one_given_name(x: str, y: str) -> bool:
    """The same given name, or one a short form of the other ("J." / "John", "Bill" /
    "William")."""
    return (
        x.startswith(y)
        or y.startswith(x)
        or y in _SHORT_FORMS.get(x, ())
        or x in _SHORT_FORMS.get(y, ())
    )


def _given_names_differ(a: NameMention, b: NameMention) -> bool:
    """No word before the surname of one is, begins, or is a short form of a word of the
    other's ("Brendan" / "Brenton A." differ; "Ella" / "Comedian Ella", "J." / "John" and
    "Bill" / "William" do not)."""
    ga, gb = _given(a), _given(b)
    if not ga or not gb:
        return False
    return not any(_one_given_name(x, y) for x in ga for y in gb)


def _spelling(name: str) -> str:
    """A folded name with hyphens and British "-is-" spellings evened out
    ("Co-operation" / "Cooperation", "Organisation" / "Organization")."""
    return re.sub(r"is(ation|e|ed|ing)\b", r"iz\1", fold(name).replace("-", ""))


def _same_doer(a: Statement, b: Statement) -> bool:
    fa, fb = _spelling(a.actor or ""), _spelling(b.actor or "")
    if not fa or not fb or fa in fb or fb in fa:
        return True
    # an appositive or a second name for the same doer: each names the other
    return fa in {_spelling(e) for e in b.entities} or fb in {_spelling(e) for e in a.entities}


_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "its"])


def actor_rule(pair: Pair) -> Finding | None:
    a, b = pair.a, pair.b
    if not (a.actor and b.actor and a.actor_span and b.actor_span) or a.headline or b.headline:
        return None
    if a.verb != b.verb or a.verb in _NOT_ACTS or a.passive or b.passive:
        return None
    if a.reported or b.reported or _same_doer(a, b):
        return None
    va = pair.value(a, *a.actor_span, resolved=a.actor)
    vb = pair.value(b, *b.actor_span, resolved=b.actor)
    if all(v.value.lower() in _PRONOUNS for v in (va, vb)):
        return None  # "He" against "he": two guesses at antecedents, not two accounts
    pronoun = any(v.value.lower() in _PRONOUNS for v in (va, vb))
    verb = a.verb or "did it"
    return Finding(
        (va, vb),
        f"who did it ({verb}): {pair.outlet(a)} says {_quoted(va)}, {pair.outlet(b)} {_quoted(vb)}",
        PRONOUN_CERTAINTY if pronoun else None,
    )


def _quoted(value: ConflictValue) -> str:
    """'“He” (Trump)': the article's words, and what they stand for when that differs."""
    shown = f"\u201c{value.value}\u201d"
    if value.resolved and fold(value.resolved) not in fold(value.value):
        shown += f" ({value.resolved})"
    return shown


def negation_rule(pair: Pair) -> Finding | None:
    a, b = pair.a, pair.b
    if a.negated == b.negated or a.verb != b.verb or not a.verb_span or not b.verb_span:
        return None
    if a.not_only or b.not_only or a.verb in _NOT_ACTS - {"be", "have"}:
        return None
    if a.verb in ("be", "have") and (a.actor is None or a.actor != b.actor):
        return None
    va = pair.value(a, *a.verb_span)
    vb = pair.value(b, *b.verb_span)
    neg, pos = (pair.outlet(a), pair.outlet(b)) if a.negated else (pair.outlet(b), pair.outlet(a))
    # "two officials said it had not passed" against "it had passed, records show":
    # accounts that disagree, though one side is what someone said
    return Finding(
        (va, vb),
        f"{pos} says it happened, {neg} that it did not ({va.value!r} / {vb.value!r})",
        REPORTED_CERTAINTY if a.reported or b.reported else None,
    )


RULES: tuple[tuple[ConflictKind, Rule], ...] = (
    ("number", number_rule),
    ("date", date_rule),
    ("name", name_rule),
    ("actor", actor_rule),
    ("negation", negation_rule),
)


def find_conflicts(
    fact_id: str,
    links: Sequence[tuple[Statement, Statement, float]],
    texts: Mapping[str, str],
    outlets: Mapping[str, str] | None = None,
) -> list[Conflict]:
    """Conflicts between the directly matched statements of one fact, one per kind and pair."""
    out: list[Conflict] = []
    for a, b, score in links:
        if a.article == b.article:
            continue
        pair = Pair(a, b, score, texts, outlets or {})
        for kind, rule in RULES:
            found = rule(pair)
            if found is not None:
                certainty = CERTAINTY[kind] if found.certainty is None else found.certainty
                out.append(
                    Conflict(kind, fact_id, found.values, found.explanation, score * certainty)
                )
    return out
