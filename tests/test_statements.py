"""Statements: one claim each, offsets into the original text, questions and cut-off lines left out."""

from __future__ import annotations

from storylens.model import Article
from storylens.pipeline import analyze
from storylens.statements import Statement, statements_of


def _statements(text: str) -> list[Statement]:
    result = next(iter(analyze([Article(id="x", text=text)])))
    return statements_of(result)


def test_semicolon_joins_two_claims_and_each_becomes_a_statement() -> None:
    found = _statements(
        "The Orlen dam burst on Friday night; engineers had warned of cracks in March."
    )
    assert [s.text for s in found] == [
        "The Orlen dam burst on Friday night;",
        "engineers had warned of cracks in March.",
    ]


def test_questions_bylines_and_cut_off_lines_are_not_statements() -> None:
    text = (
        "The Orlen dam burst on Friday night.\n"
        "Is the valley safe now?\n"
        "Officials said 40 homes were flooded in the valley.\n"
        "Reporting by Mira Tal and"
    )
    found = _statements(text)
    assert [s.text for s in found] == [
        "The Orlen dam burst on Friday night.",
        "Officials said 40 homes were flooded in the valley.",
    ]


def test_offsets_cite_the_original_text_across_a_joined_line() -> None:
    text = "The Orlen dam, which was\nbuilt in 1961, burst on Friday night after heavy rain."
    found = _statements(text)
    assert len(found) == 1
    s = found[0]
    assert text[s.start : s.end] == s.text
    assert "\n" in s.text  # the original line break is cited as it was given


def test_background_is_marked_as_context() -> None:
    found = _statements(
        "Since 2015, the Orlen dam has supplied water to three towns.\n"
        "The Orlen dam burst on Friday night, flooding 40 homes."
    )
    assert [s.context for s in found] == [True, False]


def test_comparable_details() -> None:
    s = _statements("The Orlen council did not evacuate 1,200 residents before May 3.")[0]
    assert s.negated
    assert [(n.value, n.noun) for n in s.numbers] == [(1200.0, "residents")]
    assert [(d.month, d.day) for d in s.dates] == [(5, 3)]
    assert s.actor is not None and "council" in s.actor.lower()
    assert s.actor_span is not None
