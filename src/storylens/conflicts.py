"""Conflicts between aligned statements, by rules that can be explained in one line.

For two statements of one fact from different articles:

- ``number``: both count the same thing (same unit, same counted noun, or the only
  number on each side) and the values differ beyond rounding;
- ``date``: both give a calendar date and the days differ (weekday names are compared
  only with weekday names);
- ``actor``: the same main verb with named subjects that differ ("Trump designated" vs
  "the State Department designated") and neither name contains the other;
- ``negation``: one states what the other denies, with the same main verb (and, for
  "be"/"have", the same subject).

Only statements matched to each other directly are compared, and questions never are.

Not conflicts (tests keep them so): different units (percent vs dollars), rounded
numbers ("about 10,000" vs "9,800"), one date written two ways ("May 3" / "3 May"),
a number present on one side only (extra detail, not disagreement).
"""

from __future__ import annotations

from collections.abc import Sequence

from .features import Number, same_quantity
from .model import Conflict, ConflictValue
from .statements import Statement


def _value(
    s: Statement, start: int, end: int, norm_offsets: bool, text_of: dict[str, str], maps: dict
) -> ConflictValue:
    if norm_offsets:
        start, end = maps[s.article](start, end)
    return ConflictValue(s.article, text_of[s.article][start:end], start, end)


def _comparable(a: Number, b: Number, a_all: Sequence[Number], b_all: Sequence[Number]) -> bool:
    """Two numbers count the same thing: same unit, each the only one of its unit in its
    statement (several prices or rates in one sentence are ambiguous), and the same
    counted noun (or neither names one)."""
    if a.unit != b.unit:
        return False
    if (
        sum(1 for n in a_all if n.unit == a.unit) != 1
        or sum(1 for n in b_all if n.unit == b.unit) != 1
    ):
        return False
    if a.noun and b.noun:
        return a.noun == b.noun or a.noun.rstrip("s") == b.noun.rstrip("s")
    return not a.noun and not b.noun  # one names what it counts, the other does not: not comparable


def find_conflicts(
    fact_id: str,
    pairs: Sequence[tuple[Statement, Statement, float]],
    text_of: dict[str, str],
    maps: dict,
    names: dict[str, str] | None = None,
) -> list[Conflict]:
    """Conflicts between statements of one fact that were matched to each other directly.

    Only direct matches are compared: a fact grown through a chain of matches can hold
    statements that are related but not about the same thing. ``names`` (article id to
    outlet) words the explanations; ids are used where an outlet is not known.
    """
    out: list[Conflict] = []
    for a, b, score in pairs:
        if a.article != b.article and not (
            a.text.rstrip().endswith("?") or b.text.rstrip().endswith("?")
        ):
            out.extend(_pair_conflicts(fact_id, a, b, text_of, maps, score >= CLOSE, names or {}))
    return out


# pair score above which two statements are close enough for their numbers to be compared
# (set on the recession story, where looser matches paired different prices and rates)
CLOSE = 0.57


def _pair_conflicts(
    fact_id: str,
    a: Statement,
    b: Statement,
    text_of: dict[str, str],
    maps: dict,
    close: bool = True,
    names: dict[str, str] | None = None,
) -> list[Conflict]:
    names = names or {}
    na, nb = names.get(a.article, a.article), names.get(b.article, b.article)
    found: list[Conflict] = []
    for x in a.numbers if close else ():
        match = next((y for y in b.numbers if _comparable(x, y, a.numbers, b.numbers)), None)
        if (
            match is not None
            and not same_quantity(x, match)
            and not any(same_quantity(x, y) for y in b.numbers)
        ):
            va = _value(a, x.start, x.end, True, text_of, maps)
            vb = _value(b, match.start, match.end, True, text_of, maps)
            what = f" {x.noun}" if x.noun else ""
            found.append(
                Conflict(
                    "number",
                    fact_id,
                    (va, vb),
                    f"{na} gives {va.value}{what}, {nb} gives {vb.value}",
                )
            )
            break
    if a.dates and b.dates:
        da = {(d.month, d.day) for d in a.dates}
        db = {(d.month, d.day) for d in b.dates}
        if not da & db:
            da0, db0 = a.dates[0], b.dates[0]
            va = _value(a, da0.start, da0.end, True, text_of, maps)
            vb = _value(b, db0.start, db0.end, True, text_of, maps)
            found.append(
                Conflict(
                    "date",
                    fact_id,
                    (va, vb),
                    f"{na} dates it {va.value}, {nb} {vb.value}",
                )
            )
    if a.actor and b.actor and a.actor_span and b.actor_span and a.verb == b.verb:
        la, lb = a.actor.lower(), b.actor.lower()
        if la not in lb and lb not in la:
            va = ConflictValue(a.article, a.actor, *a.actor_span)
            vb = ConflictValue(b.article, b.actor, *b.actor_span)
            found.append(
                Conflict(
                    "actor",
                    fact_id,
                    (va, vb),
                    f"{na} says {a.actor} did it, {nb} says {b.actor}",
                )
            )
    if (
        a.negated != b.negated
        and a.verb == b.verb
        and (a.verb not in ("be", "have") or (a.actor is not None and a.actor == b.actor))
    ):
        neg, pos = (a, b) if a.negated else (b, a)
        vn = ConflictValue(neg.article, "denies", neg.start, neg.end)
        vp = ConflictValue(pos.article, "affirms", pos.start, pos.end)
        found.append(
            Conflict(
                "negation",
                fact_id,
                (vp, vn),
                f"{names.get(pos.article, pos.article)} states it, "
                f"{names.get(neg.article, neg.article)} states the opposite",
            )
        )
    return found
