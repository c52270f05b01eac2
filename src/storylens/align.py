"""Cross-outlet alignment: which statements in different articles tell the same fact.

``align`` scores each statement against its nearest neighbours in every other
article (embedding cosine from all-MiniLM-L6-v2, plus the share of content words
and named entities they have in common, minus a penalty when both give numbers and
none agree), keeps pairs above ``MATCH`` that are also mutual best matches (or
clearly above the threshold), and joins them into facts with a union-find. Each
article contributes its best statement per fact.

Thresholds were set on the seed pair and checked on the recession story
(benchmarks/compare_speed.py prints the aligned facts).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .features import same_quantity
from .statements import Statement

MATCH = 0.55  # pair score to call two statements the same fact (seeds + demo runs)
# With many outlets every article has a mutual best match on the story's topic, so the
# bar rises: at 0.55 most matches among the recession story's 36 outlets were statements
# on one topic, not one fact (python benchmarks/recession_report.py).
MATCH_MANY = 0.62
MANY = 5  # articles from which MATCH_MANY applies
STRONG = 0.70  # above this a pair need not be a mutual best match
# Two facts merge only when their statements stay alike: mean group_similarity at least
# GROUP_MIN. Set on the recession story (python benchmarks/recession_report.py), where a
# mean cosine of 0.55 let the largest "facts" grow into topic blobs ("the Fed raised
# rates" with "the Federal Reserve is in a tough spot"), and checked on the demo story,
# whose three injury counts must stay one fact.
GROUP_MIN = 0.55
NEIGHBOURS = 12  # nearest statements (in any other article) scored per statement


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    score: float


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def pair_score(
    cos: float, a: Statement, b: Statement, idf: dict[str, float] | None = None
) -> float:
    """Similarity of two statements: meaning, shared words and names, and agreeing numbers.

    With ``idf`` (the story's :func:`word_weights`), shared words count by how rare they
    are in the story, so two statements that share only its topic ("inflation", "the
    Fed") do not pass for one fact.
    """
    if idf is not None:
        shared = 0.45 * weighted_overlap(a, b, idf)
    else:
        shared = 0.3 * _jaccard(a.words, b.words) + 0.15 * _jaccard(a.entities, b.entities)
    score = 0.55 * cos + shared + 0.1
    if a.verb and a.verb == b.verb and a.verb not in ("be", "have", "say"):
        score += 0.05  # same main verb: "designated" / "designated"
    elif a.actor and b.actor and a.actor != b.actor:
        score -= 0.05  # different doers of different acts
    if a.people and b.people and not a.people & b.people:
        score -= 0.1  # each names people and none in common: two arrests, not one
    if a.numbers and b.numbers:
        agree = any(same_quantity(x, y) for x in a.numbers for y in b.numbers)
        counted = any(x.noun and x.noun == y.noun for x in a.numbers for y in b.numbers)
        if agree:
            score += 0.06
        elif counted:
            score += 0.04  # the same thing counted differently: one fact, maybe a conflict
        else:
            score -= 0.06  # numbers about different things: likely different events
    return score


def candidate_pairs(statements: Sequence[Statement], vectors: np.ndarray) -> list[Pair]:
    """Scored pairs between articles, from each statement's ``NEIGHBOURS`` nearest statements.

    Similarities are computed in blocks of rows (memory stays flat); the Python work
    per statement is bounded by ``NEIGHBOURS``, so it grows linearly with the number of
    statements while the matrix product grows with its square (numpy, small constant).
    """
    n = len(statements)
    if n < 2:
        return []
    articles = np.array([s.article for s in statements])
    idf = word_weights(statements)
    k = min(NEIGHBOURS, n - 1)
    best: dict[tuple[int, str], tuple[float, int]] = {}
    scored: dict[tuple[int, int], float] = {}
    for start in range(0, n, 512):
        block = vectors[start : start + 512] @ vectors.T
        rows = np.arange(block.shape[0])
        block[
            articles[start : start + 512, None] == articles[None, :]
        ] = -2.0  # never the same article
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        for row in rows:
            i = start + int(row)
            for j in top[row]:
                j = int(j)
                sim = float(block[row, j])
                if sim <= -1.0:
                    continue
                key = (min(i, j), max(i, j))
                if key not in scored:
                    scored[key] = pair_score(sim, statements[i], statements[j], idf)
                sc = scored[key]
                art = statements[j].article
                if sc > best.get((i, art), (-1.0, -1))[0]:
                    best[(i, art)] = (sc, j)
    bar = MATCH_MANY if len(set(articles.tolist())) >= MANY else MATCH
    pairs = []
    for (i, j), sc in scored.items():
        if sc < bar:
            continue
        mutual = (
            best.get((i, statements[j].article), (0, -1))[1] == j
            and best.get((j, statements[i].article), (0, -1))[1] == i
        )
        if mutual or sc >= STRONG:
            pairs.append(Pair(i, j, sc))
    return pairs


def word_weights(statements: Sequence[Statement]) -> dict[str, float]:
    """Inverse statement frequency of each content word and name within one story.

    In a story about inflation nearly every statement says "inflation" and "Fed"; a
    word that few statements use ("injured", "Twelve", "Harlow") says more about which
    fact a statement tells.
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


def group_similarity(cos: float, a: Statement, b: Statement, idf: dict[str, float]) -> float:
    """How alike two statements of a growing fact are: meaning, rare shared words, and a
    number they agree on ("9.1 percent" / "9.1%")."""
    score = 0.6 * cos + 0.4 * weighted_overlap(a, b, idf)
    if a.numbers and b.numbers and any(same_quantity(x, y) for x in a.numbers for y in b.numbers):
        score += 0.1
    return score


def group_facts(
    statements: Sequence[Statement], pairs: Sequence[Pair], vectors: np.ndarray | None = None
) -> list[list[int]]:
    """Union pairs into facts (best pairs first), one statement per article per fact.

    Two growing facts merge only when their statements are, on average, still alike
    (:func:`group_similarity` at least ``GROUP_MIN``): without it, chains of loose
    matches in a large story join statements that only share a topic.
    """
    idf = word_weights(statements)
    parent = list(range(len(statements)))
    members: dict[int, dict[str, int]] = {
        i: {statements[i].article: i} for i in range(len(statements))
    }

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in sorted(pairs, key=lambda p: -p.score):
        ra, rb = find(p.a), find(p.b)
        if ra == rb:
            continue
        if set(members[ra]) & set(members[rb]):
            continue  # would put two statements of one article in a fact
        if vectors is not None and len(members[ra]) + len(members[rb]) > 2:
            a_idx = list(members[ra].values())
            b_idx = list(members[rb].values())
            sims = vectors[a_idx] @ vectors[b_idx].T
            alike = [
                group_similarity(float(sims[x, y]), statements[a], statements[b], idf)
                for x, a in enumerate(a_idx)
                for y, b in enumerate(b_idx)
            ]
            if sum(alike) / len(alike) < GROUP_MIN:
                continue
        parent[rb] = ra
        members[ra].update(members.pop(rb))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(statements)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: min(g))
