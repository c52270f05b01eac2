"""Named features of a statement pair: what the same-claim model reads.

Each feature is a number computed from two statements of different articles, their
sentence vectors and the story they belong to. The names are the model's vocabulary
(``data/claims-model.json`` stores a weight per name), so a feature is never renamed
or changed without refitting the model (``python benchmarks/train_claims.py``).

Stage one reads the statements alone (:func:`pair_features`); stage two
(:func:`graph_features`) reads stage one's probabilities over the whole story:
agreement through a third outlet (A matches C and C matches B), the sentences
before and after (a claim told over two sentences matches in step), and how the
pair ranks among each statement's other matches.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..features import same_quantity
from ..statements import Statement

# Stage one of a format-2 model adds these after PAIR_FEATURES: the cross-encoder's logit
# (storylens.align.cross) and whether it read the pair (see storylens.align.model).
CROSS_FEATURES: tuple[str, ...] = ("cross", "cross_scored")

# Stage one: one number per name, in this order.
PAIR_FEATURES: tuple[str, ...] = (
    "cosine",  # sentence-vector cosine
    "rare_overlap",  # share of the pair's word weight (rare in the story) that both use
    "word_jaccard",
    "entity_jaccard",
    "shared_entities",  # count, at most 3
    "people_shared",  # named people both mention, at most 3
    "people_disjoint",  # both name people, none in common
    "numbers_agree",  # a quantity both give
    "numbers_same_slot",  # both count the same thing (agreeing or not)
    "numbers_unrelated",  # both give numbers, none agree or count the same thing
    "same_verb",  # same main verb, not be/have/say
    "actor_same",
    "actor_differ",
    "shared_run",  # longest run of words both use, in words (at most 12)
    "shared_run_share",  # that run over the shorter statement's length
    "min_words",
    "max_words",
    "length_ratio",
    "quoted_both",  # product of the two quote shares
    "quoted_any",
    "lead",  # the earlier of the two places in their articles, from 0 (first) to 1 (last)
    "place_gap",  # how far apart their places are
    "first_index",  # the smaller statement index, at most 10
    "rank_best",  # rank of the pair by cosine among the better-placed statement's options
    "rank_worst",
    "margin_best",  # cosine minus the best cosine in the other article (<= 0)
    "margin_worst",
    "neighbours",  # cosine of the statements before or after, in step
    "context_any",  # either is background
    "negation_differs",
    "headline_any",
)

# Stage two: stage one's probability and what the rest of the story says of the pair.
GRAPH_FEATURES: tuple[str, ...] = (
    "p",
    "via_third",  # best min(p(a,c), p(c,b)) over statements c of a third article
    "steps_best",  # best p of the statements before or after, in step
    "steps_worst",
    "below_best_a",  # p minus a's best p in b's article (<= 0)
    "below_best_b",
    "mutual_best",
    "second_a",  # a's second-best p in b's article
    "second_b",
)

_RUNS = (1, 2, 3, 4, 6, 8, 12)


def word_weights(statements: Sequence[Statement]) -> dict[str, float]:
    """Inverse statement frequency of each content word and name within one story.

    In a story about inflation nearly every statement says "inflation" and "Fed"; a
    word that few statements use ("injured", "Twelve", "Harlow") says more about which
    claim a statement makes.
    """
    df = Counter(w for s in statements for w in s.words | s.entities)
    n = max(1, len(statements))
    return {w: math.log(1 + n / c) for w, c in df.items()}  # smoothed: tiny stories too


def _terms(s: Statement) -> frozenset[str]:
    inside = {w for e in s.entities if " " in e for w in e.split()}
    return (s.words - inside) | s.entities


def weighted_overlap(a: Statement, b: Statement, idf: dict[str, float]) -> float:
    """Share of the two statements' word weight that they have in common.

    A name counts once: "federal reserve" stands for its words, so a statement that
    only names the Fed does not share three rare terms with every other that does.
    """
    wa, wb = _terms(a), _terms(b)
    union = sum(idf.get(w, 0.0) for w in wa | wb)
    return sum(idf.get(w, 0.0) for w in wa & wb) / union if union else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _grams(tokens: Sequence[str]) -> list[set[tuple[str, ...]]]:
    return [
        {tuple(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}
        if len(tokens) >= k
        else set()
        for k in _RUNS
    ]


def _shared_run(ga: list[set[tuple[str, ...]]], gb: list[set[tuple[str, ...]]]) -> int:
    """The longest of the run lengths in ``_RUNS`` that both statements contain."""
    best = 0
    for k, xa, xb in zip(_RUNS, ga, gb, strict=True):
        if not xa or not xb or xa.isdisjoint(xb):
            break
        best = k
    return best


class Story:
    """Per-story tables the pair features read: word weights, places, n-grams, cosines."""

    def __init__(self, statements: Sequence[Statement], vectors: np.ndarray) -> None:
        self.statements = statements
        self.vectors = vectors
        self.idf = word_weights(statements)
        ids = list(dict.fromkeys(s.article for s in statements))
        self.article = np.array([ids.index(s.article) for s in statements], dtype=np.int64)
        self.n_articles = len(ids)
        counts = Counter(s.article for s in statements)
        self.place = np.array(
            [s.index / max(1, counts[s.article] - 1) for s in statements], dtype=np.float32
        )
        self.grams = [_grams(s.tokens) for s in statements]
        # best cosine of each statement in each article (-1 for its own)
        n = len(statements)
        self.best_cos = np.full((n, self.n_articles), -1.0, dtype=np.float32)
        for start in range(0, n, 512):
            block = vectors[start : start + 512] @ vectors.T
            for a in range(self.n_articles):
                cols = self.article == a
                if cols.any():
                    self.best_cos[start : start + 512, a] = block[:, cols].max(axis=1)
        for i in range(n):
            self.best_cos[i, self.article[i]] = -1.0

    def ranks(self, i: np.ndarray, j: np.ndarray, cos: np.ndarray) -> np.ndarray:
        """Rank of each j among the statements of its article by cosine to i (0: best)."""
        out = np.zeros(len(i), dtype=np.float32)
        for a in range(self.n_articles):
            cols = np.nonzero(self.article == a)[0]
            rows = np.nonzero(self.article[j] == a)[0]
            if not len(rows):
                continue
            sims = self.vectors[i[rows]] @ self.vectors[cols].T  # (pairs, statements of a)
            out[rows] = (sims > cos[rows, None] + 1e-6).sum(axis=1)
        return out


def pair_features(story: Story, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Stage-one features of the pairs (i[k], j[k]), as rows in ``PAIR_FEATURES`` order."""
    st, vec = story.statements, story.vectors
    m = len(i)
    out = np.zeros((m, len(PAIR_FEATURES)), dtype=np.float32)
    if m == 0:
        return out
    cos = np.einsum("ij,ij->i", vec[i], vec[j]).astype(np.float32)
    rank_ij = story.ranks(i, j, cos)
    rank_ji = story.ranks(j, i, cos)
    margin_ij = cos - story.best_cos[i, story.article[j]]
    margin_ji = cos - story.best_cos[j, story.article[i]]
    n = len(st)
    for k in range(m):
        a, b = st[i[k]], st[j[k]]
        nums = bool(a.numbers and b.numbers)
        agree = nums and any(same_quantity(x, y) for x in a.numbers for y in b.numbers)
        same_noun = nums and any(x.slot and x.slot == y.slot for x in a.numbers for y in b.numbers)
        run = _shared_run(story.grams[i[k]], story.grams[j[k]])
        la, lb = len(a.tokens), len(b.tokens)
        steps = 0.0
        for d in (-1, 1):
            x, y = i[k] + d, j[k] + d
            if (
                0 <= x < n
                and 0 <= y < n
                and st[x].article == a.article
                and st[y].article == b.article
            ):
                steps = max(steps, float(vec[x] @ vec[y]))
        out[k] = (
            cos[k],
            weighted_overlap(a, b, story.idf),
            _jaccard(a.words, b.words),
            _jaccard(a.entities, b.entities),
            min(3, len(a.entities & b.entities)),
            min(3, len(a.people & b.people)),
            bool(a.people and b.people and not a.people & b.people),
            agree,
            same_noun,
            nums and not agree and not same_noun,
            bool(a.verb and a.verb == b.verb and a.verb not in ("be", "have", "say")),
            bool(a.actor and b.actor and a.actor == b.actor),
            bool(a.actor and b.actor and a.actor != b.actor),
            run,
            run / max(1, min(la, lb)),
            min(la, lb),
            max(la, lb),
            min(la, lb) / max(1, la, lb),
            a.quote_share * b.quote_share,
            max(a.quote_share, b.quote_share),
            min(story.place[i[k]], story.place[j[k]]),
            abs(story.place[i[k]] - story.place[j[k]]),
            min(10, a.index, b.index),
            min(rank_ij[k], rank_ji[k]),
            max(rank_ij[k], rank_ji[k]),
            max(margin_ij[k], margin_ji[k]),
            min(margin_ij[k], margin_ji[k]),
            steps,
            a.context or b.context,
            a.negated != b.negated,
            a.headline or b.headline,
        )
    return out


def graph_features(story: Story, i: np.ndarray, j: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Stage-two features of the pairs from stage one's probabilities ``p`` over the story.

    Pairs not scored (not candidates) count as probability 0. Each statement has a bounded
    number of candidates, so the work per pair is bounded too.
    """
    art = story.article
    m = len(i)
    out = np.zeros((m, len(GRAPH_FEATURES)), dtype=np.float32)
    if not m:
        return out
    links: dict[int, dict[int, float]] = {}
    for x, y, q in zip(i.tolist(), j.tolist(), p.tolist(), strict=True):
        links.setdefault(x, {})[y] = q
        links.setdefault(y, {})[x] = q
    top: dict[tuple[int, int], list[float]] = {}
    for x, row in links.items():
        for y, q in row.items():
            kept = top.setdefault((x, int(art[y])), [0.0, 0.0])
            if q > kept[0]:
                kept[0], kept[1] = q, kept[0]
            elif q > kept[1]:
                kept[1] = q
    for k, (x, y, q) in enumerate(zip(i.tolist(), j.tolist(), p.tolist(), strict=True)):
        ax, ay = int(art[x]), int(art[y])
        lx, ly = links[x], links[y]
        small, large = (lx, ly) if len(lx) <= len(ly) else (ly, lx)
        via = max(
            (min(q1, large[c]) for c, q1 in small.items() if c in large and art[c] not in (ax, ay)),
            default=0.0,
        )
        steps = [
            links.get(x + d, {}).get(y + d, 0.0)
            if 0 <= x + d < len(art)
            and art[x + d] == ax
            and 0 <= y + d < len(art)
            and art[y + d] == ay
            else 0.0
            for d in (-1, 1)
        ]
        best_x, second_x = top[(x, ay)]
        best_y, second_y = top[(y, ax)]
        out[k] = (
            q,
            via,
            max(steps),
            min(steps),
            q - best_x,
            q - best_y,
            q >= best_x and q >= best_y,
            second_x,
            second_y,
        )
    return out
