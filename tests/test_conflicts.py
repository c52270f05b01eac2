"""Conflict rules on made-up statements, including the look-alikes they must not report.

The rules are called directly on two analysed statements (as ``compare`` calls them on
statements the same-claim model matched), so each test is about the rule alone.
"""

from __future__ import annotations

import pytest

from storylens.conflicts import (
    LOW_CONFIDENCE,
    RULES,
    Pair,
    dates_disagree,
    find_conflicts,
    fold,
)
from storylens.features import numbers_in, quantities_differ, same_quantity
from storylens.model import Article, ConflictKind
from storylens.pipeline import analyze
from storylens.report import load_schema
from storylens.statements import Statement, statements_of


def _statement(text: str, article: str, published: str | None = None) -> Statement:
    result = next(iter(analyze([Article(id=article, text=text, published=published)])))
    found = statements_of(result)
    assert len(found) == 1, [s.text for s in found]
    return found[0]


def _kinds(a: str, b: str, published: str | None = None) -> dict[str, tuple[str, str]]:
    sa, sb = _statement(a, "a", published), _statement(b, "b", published)
    texts = {"a": a, "b": b}
    found = find_conflicts("f1", [(sa, sb, 0.9)], texts, {"a": "Outlet A", "b": "Outlet B"})
    for c in found:
        for v in c.values:
            assert texts[v.article][v.start : v.end] == v.value  # the article's exact text
        assert 0 < c.confidence <= 0.9
    return {c.kind: (c.values[0].value, c.values[1].value) for c in found}


def test_kind_is_the_schema_enum() -> None:
    schema = load_schema()
    story = schema["properties"]["stories"]["items"]
    enum = story["properties"]["conflicts"]["items"]["properties"]["kind"]["enum"]
    assert set(enum) == set(ConflictKind.__args__)  # type: ignore[attr-defined]
    assert {kind for kind, _ in RULES} == set(enum)


def test_the_same_count_given_differently() -> None:
    found = _kinds(
        "The storm killed 24 people in the port town of Vellin on Monday.",
        "The storm killed five people in the port town of Vellin on Monday.",
    )
    assert found["number"] == ("24", "five")


def test_deaths_told_in_other_words_are_one_slot() -> None:
    found = _kinds(
        "Twenty-four were dead after the Vellin ferry capsized, officials said.",
        "The confirmed death toll from the Vellin ferry capsizing stands at 11.",
    )
    assert found.get("number", ("", ""))[1] == "11"


def test_vague_counts_conflict_only_when_no_reading_agrees() -> None:
    assert "number" in _kinds(
        "Dozens were injured when the Vellin stand collapsed.",
        "More than 300 were injured when the Vellin stand collapsed.",
    )
    assert "number" not in _kinds(
        "Dozens were injured when the Vellin stand collapsed.",
        "Forty people were injured when the Vellin stand collapsed.",
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "About 10,000 soldiers were sent to the Vellin border.",
            "Some 9,800 soldiers were sent to the Vellin border.",
        ),
        ("At least five people died in the Vellin fire.", "Five people died in the Vellin fire."),
        (
            "Fuel prices in Vellin rose 25 percent this year.",
            "Fuel prices in Vellin rose $25 this year.",
        ),
        (
            "Rescuers pulled survivors from the Vellin river on Monday.",
            "Rescuers pulled 12 survivors from the Vellin river on Monday.",
        ),
        (
            "A 31-year-old woman was hurt in the Vellin crash on Monday.",
            "An 11-year-old girl was hurt in the Vellin crash on Monday.",
        ),
        # a floor or a ceiling the other count satisfies
        (
            "The Vellin jury deliberated for more than 30 hours.",
            "The Vellin jury deliberated for 40 hours.",
        ),
        # a running total is not the count of one event
        (
            "Divers recovered 12 rifles from the Vellin wreck on Monday.",
            "Divers have recovered 31 rifles from the Vellin wreck so far.",
        ),
        # two doers, two offers
        (
            "The Vellin Rovers offered Ilan Moss a seven-year contract.",
            "The Marrow Hawks offered Ilan Moss an 8-year contract.",
        ),
        # a number inside a modifier counts something else
        (
            "Ilan Moss scored two three-point baskets for Vellin.",
            "Ilan Moss scored 11 points for Vellin.",
        ),
    ],
)
def test_not_number_conflicts(a: str, b: str) -> None:
    assert "number" not in _kinds(a, b)


def test_a_floor_the_other_count_falls_below_is_a_conflict() -> None:
    assert "number" in _kinds(
        "At least four people died in the Vellin landslide.",
        "The Vellin landslide killed one person.",
    )


def test_a_count_takes_its_slot_from_its_own_words_not_a_sibling_clause() -> None:
    # "hundreds of homes" is not a death toll because the next clause killed someone
    found = _kinds(
        "The quake destroyed hundreds of homes in Vellin, killed one person and injured dozens.",
        "The quake in Vellin killed four people and injured dozens.",
    )
    assert found["number"] == ("one", "four")
    # "and 12 arrested": arrests, not a second count of the injured
    found = _kinds(
        "Police said 18 people had been injured in the Vellin riots and 12 arrested.",
        "Police said 12 people were injured in the Vellin riots.",
    )
    assert found["number"] == ("18", "12")


def test_a_count_hanging_from_an_of_phrase_counts_what_its_noun_says() -> None:
    assert _kinds(
        "A mother of 12 was killed in the Vellin crash on Monday.",
        "A mother of 13 was killed in the Vellin crash on Monday.",
    )["number"] == ("12", "13")
    # a mother of 12 is one death, not twelve
    assert "number" not in _kinds(
        "A mother of 12 was killed in the Vellin crash on Monday.",
        "Two people were killed in the Vellin crash on Monday.",
    )


def test_a_part_of_a_count_is_a_reading_the_other_count_must_also_miss() -> None:
    assert _kinds(
        "The Vellin blast injured 40 people, 15 of them seriously.",
        "The Vellin blast injured almost 50 people.",
    )["number"] == ("40", "50")
    # "over 17,000 of them in Dorsa" is the count "some 16,800 in Dorsa" gives
    assert "number" not in _kinds(
        "The flood killed more than 23,000 people, over 17,000 of them in Dorsa.",
        "Some 16,800 people were killed in Dorsa by the flood.",
    )


def test_lengths_compare_across_units() -> None:
    assert _kinds(
        "The climber fell about 200 feet from the Vellin ridge on Friday.",
        "The climber fell about 150 metres from the Vellin ridge on Friday.",
    )["number"] == ("200", "150")
    assert _kinds(
        "Vellin lies 1,150 kilometres (700 miles) south of Dorsa.",
        "Vellin lies 1,500 kilometres south of Dorsa.",
    )["number"] == ("1,150", "1,500")
    for a, b in [
        # a length restated in other units is one length, and a rounded conversion agrees
        (
            "Vellin lies 1,150 kilometres (700 miles) south of Dorsa.",
            "Vellin lies about 700 miles south of Dorsa.",
        ),
        (
            "The climber fell 150 metres from the Vellin ridge on Friday.",
            "The climber fell 500 feet from the Vellin ridge on Friday.",
        ),
    ]:
        assert "number" not in _kinds(a, b), (a, b)


def test_temperatures_are_one_slot_on_one_scale() -> None:
    assert _kinds(
        "Firefighters fought the Vellin blaze in temperatures of minus 12 degrees.",
        "Outside temperatures were minus 15 as firefighters fought the Vellin blaze.",
    )["number"] == ("12", "15")
    # a temperature restated on the other scale is one; two scales are not compared
    for a, b in [
        (
            "The temperature in Vellin reached 28 degrees Celsius (82 degrees Fahrenheit).",
            "The temperature in Vellin reached 82 degrees Fahrenheit.",
        ),
        (
            "The temperature in Vellin reached 28 degrees Celsius on Monday.",
            "The temperature in Vellin reached 82 degrees Fahrenheit on Monday.",
        ),
    ]:
        assert "number" not in _kinds(a, b), (a, b)


def test_quantities() -> None:
    assert not same_quantity(numbers_in("25 percent")[0], numbers_in("$25")[0])
    assert same_quantity(numbers_in("about 10,000 troops")[0], numbers_in("9,800 troops")[0])
    assert same_quantity(numbers_in("10,000 troops")[0], numbers_in("10000 troops")[0])
    assert quantities_differ(numbers_in("14 people")[0], numbers_in("9 people")[0])
    assert [n.value for n in numbers_in("seven AK-47 rifles in Week 3")] == [7.0]
    assert same_quantity(numbers_in("100 km")[0], numbers_in("62 miles")[0])
    assert quantities_differ(numbers_in("200 feet")[0], numbers_in("200 metres")[0])
    assert [n.unit for n in numbers_in("seven km, 4 miles, 30 ft, 150m, 9 yards")] == [
        "mi",
        "ft",
        "",
        "yd",
        "km",
    ]


def test_dates_differ_on_the_same_event() -> None:
    found = _kinds(
        "The Vellin harbour wall was rebuilt in 1967, engineers said.",
        "The Vellin harbour wall was rebuilt in 1957, engineers said.",
    )
    assert found["date"] == ("1967", "1957")
    assert "date" not in _kinds(
        "The Vellin harbour wall was last repaired on May 3, engineers said.",
        "The Vellin harbour wall was last repaired on 3 May, engineers said.",
    )


def test_weekdays_resolve_against_the_publication_date() -> None:
    a = _statement("The Vellin council met on Tuesday to vote on the budget.", "a", "2031-03-27")
    b = _statement("The Vellin council met on March 25 to vote on the budget.", "b", "2031-03-27")
    assert dates_disagree(a, b) is None  # the Tuesday before 27 March 2031 is 25 March
    c = _statement("The Vellin council met on Sunday to vote on the budget.", "c", "2031-03-27")
    assert dates_disagree(a, c) is not None


def test_the_day_of_the_telling_is_not_the_day_of_the_event() -> None:
    assert "date" not in _kinds(
        "A bomb destroyed the Vellin bank late on Friday, police said.",
        "A bomb destroyed the Vellin bank, police said Saturday.",
    )


def test_one_person_named_two_ways() -> None:
    found = _kinds(
        "Rep. Lorna Quill of Vellin voted against the harbour bill.",
        "Rep. Lydia M. Quíll of Vellin voted against the harbour bill.",
    )
    assert found["name"] == ("Lorna Quill", "Lydia M. Quíll")
    for a, b in [
        (
            "Speaker Odo Brenn signed the harbour bill.",
            "Speaker Odo R. Brenn signed the harbour bill.",
        ),
        (
            "Constable Tim Varga said the Vellin road was closed.",
            "Tim Varga said the Vellin road was closed.",
        ),
        (
            "Brenn signed the harbour bill on Friday.",
            "Odo Brenn signed the harbour bill on Friday.",
        ),
        # a short form of the same given name
        (
            "Trooper William Orrin said the Vellin road was closed.",
            "Bill Orrin said the Vellin road was closed.",
        ),
        # a description the tagger took into the name
        (
            "Comedian Ella Dorn hosted the Vellin gala on Friday.",
            "Ella Dorn hosted the Vellin gala on Friday.",
        ),
    ]:
        assert "name" not in _kinds(a, b)
    assert fold("F.B.I.") == fold("FBI") and fold("Quíll") == "quill"


def test_another_doer_of_the_same_act() -> None:
    found = _kinds(
        "The harbour council closed the Vellin ferry terminal on Sunday.",
        "The coast guard closed the Vellin ferry terminal on Sunday.",
    )
    assert "actor" in found


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a passive agent is the doer of the same act
        (
            "The Vellin terminal was closed by the coast guard on Sunday.",
            "The harbour council closed the Vellin terminal on Sunday.",
        ),
        # one body spelt the British and the American way
        (
            "The Organisation for Co-operation in Vellin sent eight observers to the vote.",
            "The Organization for Cooperation in Vellin sent eight observers to the vote.",
        ),
        # an appositive names the same doer twice
        (
            "The council's chair, Ines Varo, closed the Vellin terminal on Sunday.",
            "Ines Varo closed the Vellin terminal on Sunday.",
        ),
    ],
)
def test_not_actor_conflicts(a: str, b: str) -> None:
    assert "actor" not in _kinds(a, b)


def test_two_pronouns_are_not_rival_doers() -> None:
    # each "He" is the article's guess at an antecedent; two guesses are no conflict
    texts = {
        "a": "Tomas Reyner led the Vellin board. He closed the harbour on Sunday.",
        "b": "Mayor Ivo Hadley met the Vellin board. He closed the harbour on Sunday.",
    }
    last = {
        k: statements_of(next(iter(analyze([Article(id=k, text=t)]))))[-1] for k, t in texts.items()
    }
    assert {last["a"].actor, last["b"].actor} == {"Tomas Reyner", "Ivo Hadley"}
    found = find_conflicts("f1", [(last["a"], last["b"], 0.9)], texts)
    assert "actor" not in {c.kind for c in found}


def test_whether_it_happened() -> None:
    found = _kinds(
        "The Vellin ferry passed its safety inspection last month.",
        "The Vellin ferry did not pass its safety inspection last month.",
    )
    assert set(found) == {"negation"}
    for a, b in [
        ("No gun has been recovered in Vellin.", "The gun has not been recovered in Vellin."),
        ("No-one has been injured in Vellin.", "The mayor said no-one had been injured in Vellin."),
        (
            "The mayor not only criticised the Vellin plan but also sued.",
            "The mayor criticised the Vellin plan.",
        ),
    ]:
        assert "negation" not in _kinds(a, b), (a, b)


def test_reported_speech_is_a_less_certain_difference() -> None:
    # what someone is said to have said against the outlet's own account: shown only
    # among the less certain items, whatever the pair's probability
    a, b = (
        "The Vellin ferry owner said it did not pass its inspection.",
        ("The Vellin ferry passed its inspection."),
    )
    sa, sb = _statement(a, "a"), _statement(b, "b")
    found = find_conflicts("f1", [(sa, sb, 1.0)], {"a": a, "b": b})
    assert [c.kind for c in found] == ["negation"]
    assert found[0].confidence < LOW_CONFIDENCE


def test_rules_only_see_pairs_of_two_articles() -> None:
    a = _statement("The storm killed 24 people in Vellin on Monday.", "a")
    same = Pair(a, a, 0.9, {"a": "The storm killed 24 people in Vellin on Monday."}, {})
    assert all(rule(same) is None or kind != "number" for kind, rule in RULES)
    assert find_conflicts("f1", [(a, a, 0.9)], same.texts) == []
