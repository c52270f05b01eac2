"""compare on made-up outlets: statuses, omissions, conflicts with cited values, stories apart."""

from __future__ import annotations

import pytest

from storylens.compare import compare, compare_articles
from storylens.errors import ReportError
from storylens.model import Article, StoryReport

HARBOUR = "A fire broke out at the Vellin harbour warehouse on Monday night."
CREW = "Forty firefighters fought the blaze for six hours before it was under control."
OWNER = "The warehouse belongs to the shipping firm Nordale Freight."
CAUSE = "Investigators believe faulty wiring in the loading bay started the fire."

ARTICLES = [
    Article(
        id="tide",
        outlet="Vellin Tide",
        text=f"{HARBOUR}\n{CREW}\n{OWNER}\nNo one was hurt, the harbour master said.",
    ),
    Article(
        id="gazette",
        outlet="Coast Gazette",
        text=f"{HARBOUR}\n{CREW}\n{CAUSE}\nThe harbour reopened on Wednesday.",
    ),
    Article(
        id="bulletin",
        outlet="Port Bulletin",
        text=f"{HARBOUR}\n{CAUSE.replace('believe', 'think')}\nReporting by Ana Sorel and",
    ),
]


@pytest.fixture(scope="module")
def story() -> StoryReport:
    return compare_articles(ARTICLES)


def _fact(story: StoryReport, words: str):  # type: ignore[no-untyped-def]
    return next(f for f in story.facts if any(words in s.text for s in f.statements))


def test_every_cited_offset_is_the_original_text(story: StoryReport) -> None:
    texts = {a.id: a.text for a in ARTICLES}
    for fact in story.facts:
        for s in fact.statements:
            assert texts[s.article][s.start : s.end] == s.text
    for conflict in story.conflicts:
        for v in conflict.values:
            assert 0 <= v.start < v.end <= len(texts[v.article])


def test_statements_carry_their_time_expressions_in_original_offsets(story: StoryReport) -> None:
    texts = {a.id: a.text for a in ARTICLES}
    carried = {}
    for fact in story.facts:
        for s in fact.statements:
            assert s.times is not None  # the report layer need not tag the article again
            for t in s.times:
                assert s.start <= t.start < t.end <= s.end
                assert texts[s.article][t.start : t.end] == t.text
                carried[(s.article, t.start)] = t.text
    assert carried[("tide", HARBOUR.index("Monday night"))] == "Monday night"
    assert carried[("tide", len(HARBOUR) + CREW.index("six hours") + 1)] == "six hours"


def test_statuses(story: StoryReport) -> None:
    assert _fact(story, "Vellin harbour warehouse").status == "agreed"
    assert _fact(story, "Forty firefighters").status == "partial"
    assert _fact(story, "Nordale Freight").status == "unique"
    cause = _fact(story, "faulty wiring")
    assert {s.article for s in cause.statements} == {"gazette", "bulletin"}


def test_an_article_omits_what_two_others_report(story: StoryReport) -> None:
    omits = {o.article: set(o.facts) for o in story.omissions}
    assert _fact(story, "faulty wiring").id in omits["tide"]
    assert _fact(story, "Forty firefighters").id in omits["bulletin"]
    assert _fact(story, "Nordale Freight").id not in omits["gazette"]  # one outlet is not enough


def test_a_cut_off_byline_is_a_repair_not_a_fact(story: StoryReport) -> None:
    assert not any("Ana Sorel" in s.text for f in story.facts for s in f.statements)
    cut = [r for a, r in story.repairs if a == "bulletin" and r.kind == "truncated"]
    text = ARTICLES[2].text
    assert [text[r.start : r.end] for r in cut] == ["Reporting by Ana Sorel and"]


def test_number_conflict_names_its_values_and_explains_itself() -> None:
    story = compare_articles(
        [
            Article(id="tide", text="Forty firefighters fought the Vellin blaze on Monday."),
            Article(id="gazette", text="Sixty firefighters fought the Vellin blaze on Monday."),
        ]
    )
    [conflict] = story.conflicts
    assert conflict.kind == "number"
    assert {(v.article, v.value) for v in conflict.values} == {
        ("tide", "Forty"),
        ("gazette", "Sixty"),
    }
    assert "tide" in conflict.explanation and "gazette" in conflict.explanation
    fact = next(f for f in story.facts if f.id == conflict.fact)
    assert fact.status == "conflicting"


def test_compare_groups_two_stories_apart() -> None:
    other = [
        Article(
            id="chess",
            text="The Dunmore chess club won the regional cup on Saturday after a tense final round.",
        ),
        Article(
            id="chess2",
            text="Dunmore's chess club took the regional cup on Saturday, winning a tense final.",
        ),
    ]
    report = compare(ARTICLES + other)
    groups = sorted(sorted(a.id for a in s.articles) for s in report.stories)
    assert groups == [["bulletin", "gazette", "tide"], ["chess", "chess2"]]


def test_nothing_to_compare_says_how_to_fix() -> None:
    with pytest.raises(ReportError, match="at least one"):
        compare_articles([])
    with pytest.raises(ReportError, match="no readable articles"):
        compare([])


def test_background_is_kept_apart_from_the_news() -> None:
    story = compare_articles(
        [
            Article(
                id="tide",
                text="Since 2009, Nordale Freight has leased the Vellin warehouse from the port.\n"
                + HARBOUR,
            ),
            Article(id="gazette", text=HARBOUR + "\n" + CREW),
        ]
    )
    background = _fact(story, "Since 2009")
    assert background.context and background.statements[0].context
    assert not _fact(story, "Vellin harbour warehouse").context


@pytest.mark.parametrize(
    "texts",
    [
        ["Headline Only Here", "Another headline"],
        ["x"],
        ["\u201cAn opening quote that never closes. The mayor said 5 people.\n\n\n", "A; b; c."],
        ["Le maire a dit que 12 personnes ont \u00e9t\u00e9 bless\u00e9es.", "The mayor said 12."],
    ],
)
def test_odd_inputs_give_a_report_with_valid_offsets(texts: list[str]) -> None:
    articles = [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]
    story = compare_articles(articles)
    for fact in story.facts:
        for s in fact.statements:
            assert texts[int(s.article[1:])][s.start : s.end] == s.text
    assert {o.article for o in story.omissions} == {a.id for a in articles}
