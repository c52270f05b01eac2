"""Alignment: the same fact told by several outlets becomes one fact; different events do not."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from storylens import align
from storylens.compare import compare_articles
from storylens.model import Article, StoryReport
from storylens.statements import Statement

RANDOM_DIM = 64  # random unit vectors: any size shows the bound


def _report(*texts: str) -> StoryReport:
    articles = [Article(id=f"o{i}", text=t, outlet=f"Outlet {i}") for i, t in enumerate(texts)]
    report = compare_articles(articles)
    by_id = {a.id: a.text for a in articles}
    for fact in report.facts:
        for s in fact.statements:
            assert by_id[s.article][s.start : s.end] == s.text
    return report


def _fact_of(report: StoryReport, article: str, words: str) -> set[str]:
    for fact in report.facts:
        if any(s.article == article and words in s.text for s in fact.statements):
            return {s.article for s in fact.statements}
    raise AssertionError(f"no statement of {article} with {words!r}")


def test_same_count_told_with_different_words_is_one_fact() -> None:
    report = _report(
        "Valdoria sent 10,000 troops to its northern border on Monday.\n"
        "The ministry of Valdoria said the deployment would last a month.",
        "Valdoria deployed 10,000 soldiers to the northern border on Monday.\n"
        "Fishermen in the bay of Corsa reported a record catch of tuna.",
    )
    assert _fact_of(report, "o0", "10,000 troops") == {"o0", "o1"}
    assert _fact_of(report, "o0", "last a month") == {"o0"}


def test_two_different_arrests_are_not_one_fact() -> None:
    report = _report(
        "Police in Brenna arrested Tomas Vell, a leader of the Iron Hand gang, on Tuesday.",
        "Police in Brenna arrested Ilse Marro, an accountant for the Salt Road gang, in March.",
    )
    assert _fact_of(report, "o0", "Tomas Vell") == {"o0"}


def test_statuses_with_three_outlets() -> None:
    flood = (
        "The river Aske flooded the town of Merrow on Sunday, forcing 300 people from their homes."
    )
    mayor = "Mayor Lina Hart declared a state of emergency in Merrow on Sunday evening."
    report = _report(
        flood + "\n" + mayor + "\nVolunteers filled sandbags outside the Merrow library.",
        flood.replace("forcing", "driving") + "\n" + mayor,
        flood + "\nA school in Merrow will stay closed until Thursday.",
    )
    statuses = {f.statements[0].text.split()[1]: f.status for f in report.facts}
    assert _fact_of(report, "o0", "river Aske") == {"o0", "o1", "o2"}
    assert statuses["river"] == "agreed"
    assert _fact_of(report, "o0", "state of emergency") == {"o0", "o1"}
    assert next(f for f in report.facts if "state of emergency" in f.statements[0].text).status == (
        "partial"
    )
    assert next(f for f in report.facts if "sandbags" in f.statements[0].text).status == "unique"


def test_rare_shared_words_weigh_more_than_the_story_topic() -> None:
    report = _report(
        "Inflation in Tarsk rose again in June.\nTarsk bakers raised bread prices by 8%.",
        "Inflation in Tarsk worried shoppers in June.\nThe central bank of Tarsk met on Friday.",
    )
    statements = [s for f in report.facts for s in f.statements]
    assert statements  # the story parsed
    stub = [_stub(i, "a", {"inflation", "tarsk", "bread"}) for i in range(3)] + [
        _stub(3, "b", {"inflation", "tarsk", "rate"})
    ]
    idf = align.word_weights(stub)
    assert idf["bread"] > idf["inflation"]
    assert align.weighted_overlap(stub[0], stub[3], idf) < len({"inflation", "tarsk"}) / 4


def _stub(n: int, article: str, words: set[str]) -> Statement:
    return Statement(
        id=f"{article}#{n}",
        article=article,
        start=0,
        end=1,
        text="x",
        norm_start=0,
        norm_end=1,
        context=False,
        words=frozenset(words),
        entities=frozenset(),
        numbers=(),
        dates=(),
        weekdays=(),
        actor=None,
        actor_span=None,
        negated=False,
        quote_share=0.0,
    )


@pytest.mark.parametrize("n", [200, 800])
def test_candidate_pairs_score_a_bounded_number_of_neighbours(
    n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python work grows with the number of statements, not with its square."""
    calls = []
    real = align.pair_score

    def counting(cos: float, a: Statement, b: Statement, idf: dict | None = None) -> float:
        calls.append(1)
        return real(cos, a, b, idf)

    monkeypatch.setattr(align, "pair_score", counting)
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(n, RANDOM_DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    statements: Sequence[Statement] = [_stub(i, f"a{i % 20}", {f"w{i}"}) for i in range(n)]
    align.candidate_pairs(statements, vectors)
    assert len(calls) <= n * align.NEIGHBOURS


def test_many_outlets_sharing_only_the_topic_are_mostly_kept_apart() -> None:
    """Five outlets: one shared fact, and one topic sentence each ("inflation", "the bank")."""
    topic = [
        "Inflation in Tarsk has worried the central bank for months.",
        "Many shoppers in Tarsk blame inflation on the central bank.",
        "The central bank of Tarsk says inflation will ease next year.",
        "Inflation remains the central bank's biggest problem in Tarsk.",
        "Economists in Tarsk expect inflation to test the central bank.",
    ]
    rate = [
        "The Tarsk central bank raised its main rate to 7.5% on Thursday.",
        "On Thursday the central bank of Tarsk lifted its key rate to 7.5%.",
        "Tarsk's central bank increased the main interest rate to 7.5% on Thursday.",
        "The central bank in Tarsk put its main rate up to 7.5% on Thursday.",
        "Tarsk's central bank raised its key rate to 7.5% on Thursday.",
    ]
    report = _report(*(f"{r}\n{t}" for r, t in zip(rate, topic, strict=True)))
    shared = next(f for f in report.facts if "7.5%" in f.statements[0].text)
    assert shared.status == "agreed" and len(shared.statements) == 5
    joined = sum(
        len(f.statements)
        for f in report.facts
        if len(f.statements) > 1 and "inflation" in f.statements[0].text.lower()
    )
    # a quality floor: 3 today (the first three read alike); 5 before the bar rose with
    # the number of outlets
    assert joined <= 3
