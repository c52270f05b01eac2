"""Conflict rules on made-up statements, including the false positives they must avoid."""

from __future__ import annotations

from storylens.compare import compare_articles
from storylens.features import dates_in, numbers_in, same_quantity
from storylens.model import Article


def _conflicts(a: str, b: str) -> list:
    report = compare_articles(
        [Article(id="a", text=a, outlet="A"), Article(id="b", text=b, outlet="B")]
    )
    for c in report.conflicts:
        for v in c.values:
            text = a if v.article == "a" else b
            assert 0 <= v.start <= v.end <= len(text)
    return list(report.conflicts)


def test_number_conflict_on_the_same_count() -> None:
    found = _conflicts(
        "Storms injured 14 people in the port town of Vellin on Monday.",
        "Storms injured 9 people in the port town of Vellin on Monday.",
    )
    assert [c.kind for c in found] == ["number"]
    assert {v.value for v in found[0].values} == {"14", "9"}
    assert found[0].explanation == "A gives 14 people, B gives 9"  # outlets, not ids


def test_date_conflict_and_same_date_written_two_ways() -> None:
    found = _conflicts(
        "The Vellin harbour wall was last repaired on March 3, engineers said.",
        "The Vellin harbour wall was last repaired on March 13, engineers said.",
    )
    assert "date" in [c.kind for c in found]
    same = _conflicts(
        "The Vellin harbour wall was last repaired on May 3, engineers said.",
        "The Vellin harbour wall was last repaired on 3 May, engineers said.",
    )
    assert not [c for c in same if c.kind == "date"]


def test_negation_conflict_needs_the_same_verb() -> None:
    found = _conflicts(
        "The Vellin ferry passed its safety inspection last month.",
        "The Vellin ferry did not pass its safety inspection last month.",
    )
    assert [c.kind for c in found] == ["negation"]


def test_actor_conflict() -> None:
    found = _conflicts(
        "The harbour council closed the Vellin ferry terminal on Sunday.",
        "The coast guard closed the Vellin ferry terminal on Sunday.",
    )
    assert [c.kind for c in found] == ["actor"]


def test_not_conflicts_units_rounding_formats() -> None:
    assert not same_quantity(numbers_in("25 percent")[0], numbers_in("$25")[0])  # different units
    assert same_quantity(
        numbers_in("about 10,000 troops")[0], numbers_in("9,800 troops")[0]
    )  # rounded
    assert same_quantity(numbers_in("10,000 troops")[0], numbers_in("10000 troops")[0])
    assert same_quantity(numbers_in("25 percent")[0], numbers_in("25%")[0])
    rounded = _conflicts(
        "About 10,000 soldiers were sent to the Vellin border.",
        "Some 9,800 soldiers were sent to the Vellin border.",
    )
    assert not [c for c in rounded if c.kind == "number"]
    units = _conflicts(
        "Fuel prices in Vellin rose 25 percent this year.",
        "Fuel prices in Vellin rose $25 this year.",
    )
    assert not [c for c in units if c.kind == "number"]
    d1, d2 = dates_in("on May 3")[0], dates_in("on 3 May")[0]
    assert (d1.month, d1.day) == (d2.month, d2.day)


def test_extra_detail_is_not_a_conflict() -> None:
    found = _conflicts(
        "Rescuers pulled survivors from the Vellin river on Monday.",
        "Rescuers pulled 12 survivors from the Vellin river on Monday.",
    )
    assert not [c for c in found if c.kind == "number"]


def test_years_and_times_are_not_counts() -> None:
    assert numbers_in("in 2019 at 10:30 a.m.") == []


def test_a_record_span_is_a_rounded_number() -> None:
    """Found on a real story: one outlet's "40-year high" is another's "41-year high"."""
    forty, forty_one = numbers_in("a 40-year high")[0], numbers_in("a 41-year high")[0]
    assert forty.approximate and same_quantity(forty, forty_one)
    found = _conflicts(
        "Bread prices in Tarsk reached a 40-year high of 12% in June.",
        "Bread prices in Tarsk are running at a 41-year high of 12%.",
    )
    assert not [c for c in found if c.kind == "number"]
    assert not numbers_in("14 years of records")[0].approximate
