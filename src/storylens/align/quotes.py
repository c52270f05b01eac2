"""Statements that carry one quotation across outlets are one claim.

A cross-outlet quote group (:func:`storylens.quotegroups.group_quotes`) says that two
articles quote the same words of the same speaker. The statements that hold those
quotes are then the same claim, whatever their cosine: :func:`quote_links` gives each
such pair of statements a probability, which :func:`storylens.align.align` takes when
it is higher than the model's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model import QuoteGroup
from ..statements import Statement

# Wording classes of a quote group that tell the same quotation (the differences are
# punctuation, a cut, or a word or two). On claims_train, 111 of the 112 pairs of
# statements holding the two sides of such a group are annotated the same claim
# ("quote links" of python benchmarks/train_claims.py); groups whose wording is
# "different" (27 of 78) or "paraphrase" (16 of 29) are not evidence enough.
SAME_WORDS = frozenset({"identical", "punctuation", "truncated", "minor"})
QUOTE_LINK_P = 0.99


def holders(statements: Sequence[Statement], article: str, start: int, end: int) -> list[int]:
    """The statements of ``article`` that hold a quote at ``[start, end)``: they overlap
    it by at least half of the shorter of the two."""
    out = []
    for k, s in enumerate(statements):
        if s.article != article:
            continue
        overlap = min(s.end, end) - max(s.start, start)
        if overlap > 0 and 2 * overlap >= min(s.end - s.start, end - start):
            out.append(k)
    return out


def quote_pairs(
    statements: Sequence[Statement], groups: Iterable[QuoteGroup]
) -> Iterable[tuple[str, int, int]]:
    """(wording, a, b) for every two statements of different articles holding the two
    sides of one quote group (a < b)."""
    for group in groups:
        held = sorted(
            {k for v in group.variants for k in holders(statements, v.article, v.start, v.end)}
        )
        for x in held:
            for y in held:
                if x < y and statements[x].article != statements[y].article:
                    yield group.wording, x, y


def quote_links(
    statements: Sequence[Statement], groups: Iterable[QuoteGroup]
) -> dict[tuple[int, int], float]:
    """(a, b) with a < b -> the probability that the two statements are one claim,
    for the statements that carry one quotation in the same words."""
    return {
        (a, b): QUOTE_LINK_P
        for wording, a, b in quote_pairs(statements, groups)
        if wording in SAME_WORDS
    }
