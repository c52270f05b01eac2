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
# The stage-one features read off word and name sets, made pair by pair in this order
# (pair_features' row tuple); the others are made over all pairs at once.
_SET_FEATURES = (
    "rare_overlap",
    "word_jaccard",
    "entity_jaccard",
    "shared_entities",
    "people_shared",
    "people_disjoint",
    "numbers_agree",
    "numbers_same_slot",
    "numbers_unrelated",
    "same_verb",
    "actor_same",
    "actor_differ",
    "shared_run",
)


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
    return _overlap(_terms(a), _terms(b), idf)


def _overlap(wa: frozenset[str], wb: frozenset[str], idf: dict[str, float]) -> float:
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
        self.terms = [_terms(s) for s in statements]
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
    """Stage-one features of the pairs (i[k], j[k]), as rows in ``PAIR_FEATURES`` order.

    The columns read off sets of words and names are made pair by pair; the others
    (lengths, places, ranks, margins, neighbours) over all pairs at once.
    """
    st, vec = story.statements, story.vectors
    m = len(i)
    out = np.zeros((m, len(PAIR_FEATURES)), dtype=np.float32)
    if m == 0:
        return out
    col = {name: k for k, name in enumerate(PAIR_FEATURES)}
    cos = np.einsum("ij,ij->i", vec[i], vec[j]).astype(np.float32)
    rank_ij = story.ranks(i, j, cos)
    rank_ji = story.ranks(j, i, cos)
    margin_ij = cos - story.best_cos[i, story.article[j]]
    margin_ji = cos - story.best_cos[j, story.article[i]]
    n = len(st)
    rows = []
    for x, y in zip(i.tolist(), j.tolist(), strict=True):
        a, b = st[x], st[y]
        nums = bool(a.numbers and b.numbers)
        agree = nums and any(same_quantity(p, q) for p in a.numbers for q in b.numbers)
        same_noun = nums and any(p.slot and p.slot == q.slot for p in a.numbers for q in b.numbers)
        run = _shared_run(story.grams[x], story.grams[y])
        rows.append(
            (
                _overlap(story.terms[x], story.terms[y], story.idf),
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
            )
        )
    out[:, [col[name] for name in _SET_FEATURES]] = np.array(rows, dtype=np.float64)
    length = np.array([len(s.tokens) for s in st], dtype=np.float64)
    la, lb = length[i], length[j]
    short, long = np.minimum(la, lb), np.maximum(la, lb)
    quoted = np.array([s.quote_share for s in st], dtype=np.float64)
    index = np.array([s.index for s in st], dtype=np.float64)
    flags = np.array([(s.context, s.negated, s.headline) for s in st], dtype=bool).reshape(-1, 3)
    place_i, place_j = story.place[i], story.place[j]
    steps = np.zeros(m, dtype=np.float32)
    art = story.article
    for d in (-1, 1):
        x, y = i + d, j + d
        ok = (x >= 0) & (x < n) & (y >= 0) & (y < n)
        ok[ok] &= (art[x[ok]] == art[i[ok]]) & (art[y[ok]] == art[j[ok]])
        if ok.any():
            near = np.einsum("ij,ij->i", vec[x[ok]], vec[y[ok]]).astype(np.float32)
            steps[ok] = np.maximum(steps[ok], near)
    out[:, col["cosine"]] = cos
    out[:, col["shared_run_share"]] = out[:, col["shared_run"]] / np.maximum(1, short)
    out[:, col["min_words"]] = short
    out[:, col["max_words"]] = long
    out[:, col["length_ratio"]] = short / np.maximum(1, long)
    out[:, col["quoted_both"]] = quoted[i] * quoted[j]
    out[:, col["quoted_any"]] = np.maximum(quoted[i], quoted[j])
    out[:, col["lead"]] = np.minimum(place_i, place_j)
    out[:, col["place_gap"]] = np.abs(place_i - place_j)
    out[:, col["first_index"]] = np.minimum(10, np.minimum(index[i], index[j]))
    out[:, col["rank_best"]] = np.minimum(rank_ij, rank_ji)
    out[:, col["rank_worst"]] = np.maximum(rank_ij, rank_ji)
    out[:, col["margin_best"]] = np.maximum(margin_ij, margin_ji)
    out[:, col["margin_worst"]] = np.minimum(margin_ij, margin_ji)
    out[:, col["neighbours"]] = steps
    out[:, col["context_any"]] = flags[i, 0] | flags[j, 0]
    out[:, col["negation_differs"]] = flags[i, 1] != flags[j, 1]
    out[:, col["headline_any"]] = flags[i, 2] | flags[j, 2]
    return out


def graph_features(story: Story, i: np.ndarray, j: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Stage-two features of the pairs from stage one's probabilities ``p`` over the story.

    Pairs not scored (not candidates) count as probability 0. Each statement has a bounded
    number of candidates, so the work per pair is bounded too. The pairs ``(i[k], j[k])``
    are distinct; everything is done on arrays of the story's links (each pair both ways).
    """
    art = story.article
    m = len(i)
    out = np.zeros((m, len(GRAPH_FEATURES)), dtype=np.float32)
    if not m:
        return out
    n = len(art)
    i, j = i.astype(np.int64), j.astype(np.int64)
    q = p.astype(np.float32)
    # the links, both ways, sorted by (from, to): CSR rows and a sorted key to look up
    src = np.concatenate([i, j])
    dst = np.concatenate([j, i])
    w = np.concatenate([q, q])
    order = np.lexsort((dst, src))
    src, dst, w = src[order], dst[order], w[order]
    key = src * n + dst
    row = np.searchsorted(src, np.arange(n + 1))

    def lookup(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """p of the links (x, y); 0 where there is none."""
        target = x * n + y
        at = np.minimum(np.searchsorted(key, target), len(key) - 1)
        return np.where(key[at] == target, w[at], np.float32(0.0))

    # via a third article: max over shared neighbours c of min(p(x, c), p(c, y)),
    # walking the neighbours of the side with fewer
    deg = row[1:] - row[:-1]
    side = np.where(deg[i] <= deg[j], i, j)
    other = np.where(side == i, j, i)
    count = deg[side]
    pair = np.repeat(np.arange(m), count)
    first = np.repeat(row[side], count)
    link = first + np.arange(len(pair)) - np.repeat(np.cumsum(count) - count, count)
    c = dst[link]
    near = lookup(other[pair], c)
    keep = (near > 0) & (art[c] != art[i[pair]]) & (art[c] != art[j[pair]])
    via = np.zeros(m, dtype=np.float32)
    np.maximum.at(via, pair[keep], np.minimum(w[link[keep]], near[keep]))
    # the statements before and after, in step
    steps = np.zeros((m, 2), dtype=np.float32)
    for col, d in enumerate((-1, 1)):
        x, y = i + d, j + d
        ok = (x >= 0) & (x < n) & (y >= 0) & (y < n)
        ok[ok] &= (art[x[ok]] == art[i[ok]]) & (art[y[ok]] == art[j[ok]])
        steps[ok, col] = lookup(x[ok], y[ok])
    # each statement's best and second-best p in each other article
    group = src * (int(art.max()) + 1) + art[dst]
    ranked = np.lexsort((-w, group))
    g, v = group[ranked], w[ranked]
    head = np.ones(len(g), dtype=bool)
    head[1:] = g[1:] != g[:-1]
    starts = np.nonzero(head)[0]
    best = v[starts]
    has_second = np.append(starts[1:], len(g)) - starts > 1
    second = np.where(has_second, v[np.minimum(starts + 1, len(v) - 1)], np.float32(0.0))
    groups = g[starts]
    width = int(art.max()) + 1

    def top(x: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at = np.searchsorted(groups, x * width + a)
        return np.maximum(best[at], 0), np.maximum(second[at], 0)

    best_x, second_x = top(i, art[j])
    best_y, second_y = top(j, art[i])
    out[:, 0] = q
    out[:, 1] = via
    out[:, 2] = steps.max(axis=1)
    out[:, 3] = steps.min(axis=1)
    out[:, 4] = q - best_x
    out[:, 5] = q - best_y
    out[:, 6] = (q >= best_x) & (q >= best_y)
    out[:, 7] = second_x
    out[:, 8] = second_y
    return out
