"""Speakers and sources that are not names, on made-up articles: continuing pronouns,
relative pronouns, "it", "one", datelines and nouns that name no one."""

from __future__ import annotations

from storylens.compare import compare_articles
from storylens.extract.referents import not_a_source
from storylens.model import Article
from storylens.pipeline import Analyzed, analyze

CONTINUED = (
    "The harbour board voted on Tuesday to close the old ferry pier at Kestrel Bay.\n\n"
    "“We had no choice after the storm,” said the board’s chairman, Tomas Reyner. "
    "“The pilings are rotten through.”\n\n"
    "Engineer Paul Dorsey presented his survey of the pier to the board last week.\n\n"
    "He added, “Nobody wants to lose the pier, but nobody wants a collapse either.”\n"
)

GENDERED = (
    "The Marrow Falls council approved the bridge plan on Monday.\n\n"
    "“It will take two summers,” said Ms. Alma Brandt, the council’s spokeswoman.\n\n"
    "“The money is there,” said Mr. Tom Fisk, who runs the town’s road crew.\n\n"
    "She added, “We want the bridge to look the way it did in 1890.”\n"
)

JUNK = (
    "MARROW FALLS, Vt. — Mayor Ivan Kolb said on Monday that the town would rebuild its "
    "covered bridge.\n\n"
    "A report issued by the Vermont Bridge Trust, which said repairs would cost $2 million, "
    "drew protests from residents.\n\n"
    "Another criticism suggests the money was never there. One said the council had moved "
    "too fast.\n\n"
    "It said the bridge would reopen in 2027.\n\n"
    "Officials in Marrow Falls declined to comment on the cost.\n"
)


def _analyzed(text: str) -> Analyzed:
    (result,) = list(analyze([Article(id="x", text=text)]))
    return result


def _speaker(result: Analyzed, words: str) -> str | None:
    return next(q.speaker for q in result.quotes if words in q.content.text)


def test_he_added_keeps_the_speaker_of_the_quote_it_continues() -> None:
    # the chairman is named in apposition to his title; Dorsey is the last man named
    assert _speaker(_analyzed(CONTINUED), "Nobody wants to lose") == "Tomas Reyner"


def test_she_added_skips_a_speaker_of_the_other_gender() -> None:
    result = _analyzed(GENDERED)
    assert _speaker(result, "The money is there") == "Tom Fisk"
    assert _speaker(result, "look the way it did") == "Alma Brandt"


def test_no_pronoun_dateline_or_common_noun_is_a_source() -> None:
    result = _analyzed(JUNK)
    names = {s.name for s in result.sources}
    assert not names & {"It", "it", "which", "One", "one", "Another criticism"}
    assert not any("MARROW FALLS" in n or n == "Marrow Falls" for n in names)
    assert "Vermont Bridge Trust" in names  # "which said" stands for the trust's report
    for q in result.quotes:  # the quotes stay, whoever said them
        assert q.speaker is None or q.speaker[:1].isupper() or q.speaker.islower()
    assert _speaker(result, "the bridge would reopen") is None
    assert _speaker(result, "moved too fast") is None
    assert _speaker(result, "the money was never there") is None
    assert _speaker(result, "the town would rebuild") == "Ivan Kolb"  # not the dateline
    assert _speaker(result, "repairs would cost") == "Vermont Bridge Trust"


def test_names_no_source_can_have() -> None:
    for name in ("It", "which", "one", "Others", "she", "MARROW FALLS, Vt", "KESTREL BAY, Ore"):
        assert not_a_source(name), name
    for name in ("Ivan Kolb", "officials", "Vermont Bridge Trust", "CSB"):
        assert not not_a_source(name), name


def test_officials_of_a_place_did_not_respond_not_the_place() -> None:
    result = _analyzed(JUNK)
    asked = [s for s in result.sources if s.non_response is not None]
    assert [s.name for s in asked] == ["officials"]


def test_a_story_sees_one_speaker_and_one_source_under_two_names() -> None:
    alpha = (
        "The Coastal Safety Bureau closed the Kestrel Bay ferry pier on Tuesday.\n\n"
        "“We will not reopen the pier until every piling is replaced,” said Harbour "
        "Commissioner Ivan D. Kolb.\n\n"
        "The C.S.B. said the repairs would take at least four months.\n"
    )
    beta = (
        "KESTREL BAY, Ore. — The ferry pier here was closed on Tuesday.\n\n"
        "Kolb said the pier would stay shut. “We will not reopen the pier until every "
        "piling is replaced,” he told reporters.\n\n"
        "The CSB, which inspects the harbour every spring, did not respond to a request "
        "for comment.\n"
    )
    story = compare_articles(
        [Article(id="a", text=alpha, outlet="Alpha"), Article(id="b", text=beta, outlet="Beta")]
    )
    (group,) = [g for g in story.quotes if "every piling" in g.variants[0].text]
    assert group.speaker == "Ivan D. Kolb" and len(group.variants) == 2
    assert {(s.article, s.name) for s in story.sources if s.kind == "person"} == {
        ("a", "Ivan D. Kolb"),
        ("b", "Ivan D. Kolb"),
    }
    (diff,) = story.extra["sourcing_differences"]
    assert diff["source"] == "Coastal Safety Bureau"
    assert diff["per_article"] == {"a": "quoted", "b": "did not respond"}
    texts = {"a": alpha, "b": beta}
    for s in story.sources:
        for m in s.mentions:
            assert texts[s.article][m.start : m.end] == m.text
