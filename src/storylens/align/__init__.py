"""Cross-outlet alignment: which statements of different articles make the same claim.

``align`` runs, for the statements of one story and their sentence vectors:

1. candidates: for each statement, its nearest statements by cosine in every other
   article (a bounded number per statement, so the work grows with the statements,
   not with their pairs);
2. stage one: the fitted model (:mod:`storylens.align.model`) scores each candidate
   pair from its named features (:func:`storylens.align.features.pair_features`) and,
   for the pairs a screening stage finds undecided, the logit of a cross-encoder that
   reads the two statements together (:mod:`storylens.align.cross`);
3. stage two: the model scores each pair again with what the rest of the story says
   of it (agreement through a third outlet, neighbouring sentences in step, rank
   among each statement's matches: :func:`storylens.align.features.graph_features`);
4. pairs that carry one quotation in the same words take the probability measured
   for such pairs where the model's is lower (:mod:`storylens.align.quotes`);
5. facts: pairs at or above the model's ``match`` threshold are covered by cliques
   (every two statements of different articles in a fact are a match), best pairs
   first. A statement may sit in several facts (a sentence that makes two claims),
   and a fact may hold several statements of one article (a claim told over two
   sentences). Each fact keeps its pairs' probabilities; its confidence is the
   lowest of them, and its core claim the statement best matched to the others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..statements import Statement
from .cross import ReadMemo, read_key
from .features import GRAPH_FEATURES, PAIR_FEATURES, Story, graph_features, pair_features
from .model import READS_PER_STATEMENT, ClaimsModel, load_claims_model

# Nearest statements kept per statement: with three outlets, the 8 nearest in each other
# article (on claims_train they hold 95% of the annotated same-claim pairs: the
# "candidates reach" line of benchmarks/train_claims.py); with more outlets, the 24
# nearest over all of them, so the work per statement stays bounded.
PER_ARTICLE_MAX = 8
PER_STATEMENT = 24


@dataclass(frozen=True)
class Match:
    """Two statements (indices into the story's statements) and how likely one claim."""

    a: int
    b: int
    p: float


@dataclass(frozen=True)
class FactGroup:
    members: tuple[int, ...]  # statement indices, in story order
    links: tuple[Match, ...]  # the matched pairs within the fact
    confidence: float  # the lowest probability among its links (1.0 for a lone statement)
    core: int  # the statement that states the claim best matched by the others


@dataclass(frozen=True)
class Alignment:
    matches: tuple[Match, ...]  # every scored candidate pair, with its final probability
    facts: tuple[FactGroup, ...]
    model: ClaimsModel

    def probability(self) -> dict[tuple[int, int], float]:
        return {(m.a, m.b): m.p for m in self.matches} | {(m.b, m.a): m.p for m in self.matches}


def candidate_pairs(story: Story) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with i < j, different articles: each statement's nearest statements.

    With few articles, the ``PER_ARTICLE_MAX`` nearest in each other article; with many,
    the ``PER_STATEMENT`` nearest in all other articles together, so a statement's
    candidates stay bounded however many outlets tell the story.
    """
    n = len(story.statements)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2 or story.n_articles < 2:
        return empty, empty
    art = story.article
    per_article = (story.n_articles - 1) * PER_ARTICLE_MAX <= PER_STATEMENT
    members = [np.nonzero(art == a)[0] for a in range(story.n_articles)]
    rows_i: list[np.ndarray] = []
    rows_j: list[np.ndarray] = []
    for start in range(0, n, 512):
        block = story.vectors[start : start + 512] @ story.vectors.T
        own = art[start : start + 512]
        block[own[:, None] == art[None, :]] = -np.inf  # never the same article
        if per_article:
            for cols in members:
                k = min(PER_ARTICLE_MAX, len(cols))
                sims = block[:, cols]
                top = (
                    np.argpartition(-sims, k - 1, axis=1)[:, :k]
                    if k < len(cols)
                    else np.tile(np.arange(len(cols)), (len(sims), 1))
                )
                keep = np.isfinite(np.take_along_axis(sims, top, axis=1))
                rows = np.nonzero(keep)
                rows_i.append(start + rows[0])
                rows_j.append(cols[top[rows]])
        else:
            k = min(PER_STATEMENT, n - 1)
            top = np.argpartition(-block, k - 1, axis=1)[:, :k]
            keep = np.isfinite(np.take_along_axis(block, top, axis=1))
            rows = np.nonzero(keep)
            rows_i.append(start + rows[0])
            rows_j.append(top[rows])
    i = np.concatenate(rows_i)
    j = np.concatenate(rows_j)
    pairs = np.unique(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1), axis=0)
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)


class PairReader(Protocol):
    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


def pairs_in_band(
    p0: np.ndarray, cosine: np.ndarray, band: tuple[float, float], min_cosine: float
) -> np.ndarray:
    """Indices of the candidate pairs worth a read: screening probability in ``band`` and
    cosine at least ``min_cosine`` (a model's ``cross_band`` and ``cross_min_cosine``)."""
    lo, hi = band
    return np.nonzero((p0 >= lo) & (p0 <= hi) & (cosine >= min_cosine))[0]


# Which band pairs a binding read budget reads first: "likeliest" (highest screening
# probability; what compare does) or "unsure" (nearest 0.5), which train_claims.py can
# try (--read-order). Out of fold on claims_train "unsure" did as well or better at every
# budget, but with it in compare `python benchmarks/claims_eval.py --split claims` found 5-7
# fewer same-claim pairs (131 and 133 of 371, against 138).
READ_ORDERS = ("likeliest", "unsure")


def pairs_to_read(
    p0: np.ndarray,
    cosine: np.ndarray,
    band: tuple[float, float],
    min_cosine: float,
    statements: int,
    per_statement: float = READS_PER_STATEMENT,
    order: str = "likeliest",
) -> np.ndarray:
    """Indices of the candidate pairs the cross-encoder reads: those in the band
    (:func:`pairs_in_band`), the likeliest first (``order``, one of
    :data:`READ_ORDERS`), at most ``per_statement`` reads a statement of the story.
    ``train_claims.py`` fits with the same rule."""
    if order not in READ_ORDERS:
        raise ValueError(f"order must be one of {', '.join(READ_ORDERS)}, not {order!r}")
    read = pairs_in_band(p0, cosine, band, min_cosine)
    budget = math.ceil(per_statement * statements)
    if len(read) > budget:
        key = -p0[read] if order == "likeliest" else np.abs(p0[read] - 0.5)
        read = np.sort(read[np.argsort(key, kind="stable")[:budget]])
    return read


def cross_features(
    story: Story,
    i: np.ndarray,
    j: np.ndarray,
    x: np.ndarray,
    model: ClaimsModel,
    reader: PairReader | None = None,
    memo: ReadMemo | None = None,
) -> np.ndarray:
    """The ``cross`` and ``cross_scored`` columns: the cross-encoder's logit (and 1) for
    the pairs it reads (statement ``i`` first); for pairs in the band that the read
    budget left unread, the logit the model expects at their screening probability
    (``ClaimsModel.expected_cross``, and 1); the model's fill value (and 0) for the rest.
    With ``memo``, a pair it knows is not read again, and each new read goes into it."""
    assert model.screen is not None
    out = np.zeros((len(i), 2), dtype=np.float32)
    out[:, 0] = model.cross_fill
    if not len(i):
        return out
    p0 = model.screen.prob(x)
    cosine = x[:, PAIR_FEATURES.index("cosine")]
    band = pairs_in_band(p0, cosine, model.cross_band, model.cross_min_cosine)
    read = pairs_to_read(
        p0,
        cosine,
        model.cross_band,
        model.cross_min_cosine,
        len(story.statements),
        model.reads_per_statement,
    )
    if model.cross_expect is not None:
        unread = np.setdiff1d(band, read, assume_unique=True)
        out[unread, 0] = model.expected_cross(p0[unread])
        out[unread, 1] = 1.0
    if not len(read):
        return out
    texts = [(story.statements[i[k]].text, story.statements[j[k]].text) for k in read]
    keys = [read_key(a, b) for a, b in texts] if memo is not None else []
    if memo is None:
        todo = list(range(len(read)))
    else:  # each pair not read before, once (two pairs of one story may share both texts)
        done = memo.known.keys() | memo.made.keys()
        first = {k: n for n, k in reversed(list(enumerate(keys))) if k not in done}
        todo = sorted(first.values())
    if todo:
        if reader is None:
            from .cross import load_cross_encoder

            reader = load_cross_encoder()
        logits = reader.score([texts[n] for n in todo])
        out[read[todo], 0] = logits
        if memo is not None:
            for n, logit in zip(todo, logits.tolist(), strict=True):
                a, b = story.statements[i[read[n]]], story.statements[j[read[n]]]
                memo.made[keys[n]] = (a.article, b.article, float(logit))
    if memo is not None:
        for n, key in enumerate(keys):
            found = memo.known.get(key)
            out[read[n], 0] = found if found is not None else memo.made[key][2]
    out[read, 1] = 1.0
    return out


def score_pairs(
    story: Story,
    i: np.ndarray,
    j: np.ndarray,
    model: ClaimsModel,
    reader: PairReader | None = None,
    memo: ReadMemo | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage-one features, stage-one and final probabilities of the pairs (``reader``:
    the cross-encoder to use in place of the shipped one, for a format-2 model;
    ``memo``: reads made before, and where to keep the new ones)."""
    x = pair_features(story, i, j)
    if model.screen is not None:
        x = np.hstack([x, cross_features(story, i, j, x, model, reader, memo)])
    p1 = model.pairs.prob(x)
    g = graph_features(story, i, j, p1)
    p2 = model.graph.prob(np.hstack([x, g]))
    return x, p1, p2


def cover_facts(
    n: int, article: Sequence[int], matches: Sequence[Match], threshold: float
) -> list[FactGroup]:
    """Cliques of matches at or above ``threshold`` that cover every such match, best first;
    then each statement in no clique as a fact of its own."""
    strong = sorted((m for m in matches if m.p >= threshold), key=lambda m: (-m.p, m.a, m.b))
    link = {}
    for m in strong:
        link[(m.a, m.b)] = m.p
        link[(m.b, m.a)] = m.p
    neighbours: dict[int, set[int]] = {}
    for m in strong:
        neighbours.setdefault(m.a, set()).add(m.b)
        neighbours.setdefault(m.b, set()).add(m.a)
    covered: set[tuple[int, int]] = set()
    groups: list[FactGroup] = []
    in_fact: set[int] = set()
    for m in strong:
        if (m.a, m.b) in covered:
            continue
        members = [m.a, m.b]
        pool = (neighbours[m.a] | neighbours[m.b]) - set(members)
        for c in sorted(pool, key=lambda c: -sum(link.get((c, x), 0.0) for x in members)):
            if all((c, x) in link for x in members if article[x] != article[c]) and any(
                article[x] != article[c] for x in members
            ):
                members.append(c)
        members.sort()
        links = tuple(
            Match(x, y, link[(x, y)])
            for k, x in enumerate(members)
            for y in members[k + 1 :]
            if article[x] != article[y]
        )
        for lk in links:
            covered.add((lk.a, lk.b))
            covered.add((lk.b, lk.a))
        in_fact.update(members)
        strength = {x: sum(lk.p for lk in links if x in (lk.a, lk.b)) for x in members}
        core = max(members, key=lambda x: (strength[x], -x))
        groups.append(FactGroup(tuple(members), links, min(lk.p for lk in links), core))
    for x in range(n):
        if x not in in_fact:
            groups.append(FactGroup((x,), (), 1.0, x))
    groups.sort(key=lambda g: g.members)
    return groups


def align(
    statements: Sequence[Statement],
    vectors: np.ndarray,
    model: ClaimsModel | None = None,
    linked: Mapping[tuple[int, int], float] | None = None,
    reader: PairReader | None = None,
    memo: ReadMemo | None = None,
) -> Alignment:
    """Score the story's candidate pairs and cover the matches with facts.

    ``linked``: pairs ``(a, b)``, ``a < b``, known to be one claim by other evidence
    (a shared quotation: :func:`storylens.align.quotes.quote_links`) with their
    probability, which a pair takes where it is above the model's (and which adds the
    pair where it was no candidate). ``reader``: a cross-encoder in place of the
    shipped one (tests). ``memo``: the cross-encoder's reads made before (a stored
    story's, :mod:`storylens.store.reads`), and where the new ones go.
    """
    model = model or load_claims_model()
    story = Story(statements, vectors)
    i, j = candidate_pairs(story)
    _, _, p = score_pairs(story, i, j, model, reader, memo)
    scored = {
        (min(int(a), int(b)), max(int(a), int(b))): float(q)
        for a, b, q in zip(i, j, p, strict=True)
    }
    for pair, q in (linked or {}).items():
        scored[pair] = max(scored.get(pair, 0.0), q)
    matches = tuple(Match(a, b, q) for (a, b), q in scored.items())
    facts = cover_facts(len(statements), story.article.tolist(), matches, model.match)
    return Alignment(matches, tuple(facts), model)


__all__ = [
    "GRAPH_FEATURES",
    "PAIR_FEATURES",
    "Alignment",
    "FactGroup",
    "Match",
    "ReadMemo",
    "Story",
    "align",
    "candidate_pairs",
    "cover_facts",
    "cross_features",
    "READS_PER_STATEMENT",
    "READ_ORDERS",
    "pairs_in_band",
    "pairs_to_read",
    "score_pairs",
]
