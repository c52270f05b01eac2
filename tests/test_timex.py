"""Time expressions: types and values on made-up sentences, offsets, speed on pathological input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.extract.timex import Timex, find_timexes, parse_published, same_time, tag_text
from storylens.model import Article

# 2014-03-25 is a Tuesday
PUBLISHED = "2014-03-25"

CASES = [
    # (sentence, expression, type, value)
    ("The Pellmouth council met on Tuesday.", "Tuesday", "DATE", "2014-03-25"),
    ("The ferry board met on Monday to vote.", "Monday", "DATE", "2014-03-24"),
    ("The harbour master will speak on Thursday.", "Thursday", "DATE", "2014-03-27"),
    ("The vote was held yesterday.", "yesterday", "DATE", "2014-03-24"),
    ("The report comes out tomorrow.", "tomorrow", "DATE", "2014-03-26"),
    ("Turnout rose today in Dunmore.", "today", "DATE", "2014-03-25"),
    ("Ferry fares fell last year.", "last year", "DATE", "2013"),
    ("The mayor hopes to finish next year.", "next year", "DATE", "2015"),
    ("The ferry ran behind schedule last week.", "last week", "DATE", "2014-W12"),
    ("Tolls went up last month.", "last month", "DATE", "2014-02"),
    ("Prices climbed over the past three months.", "the past three months", "DURATION", "P3M"),
    ("The mayor is in Pellmouth now.", "now", "DATE", "PRESENT_REF"),
    ("The strike lasted two weeks.", "two weeks", "DURATION", "P2W"),
    ("Repairs took nearly two years.", "nearly two years", "DURATION", "P2Y"),
    ("The crossing takes 5 1/2 hours.", "5 1/2 hours", "DURATION", "PT5H30M"),
    ("They signed a 10-year lease.", "10-year", "DURATION", "P10Y"),
    ("The council meets every week.", "every week", "SET", "P1W"),
    ("The ferry sails daily.", "daily", "SET", "P1D"),
    ("The market opens each Thursday.", "each Thursday", "SET", "XXXX-WXX-4"),
    ("The terminal opened on March 3.", "March 3", "DATE", "2014-03-03"),
    ("The terminal opened on March 3, 2012.", "March 3, 2012", "DATE", "2012-03-03"),
    ("The plan dates from Oct. 23, 1998.", "Oct. 23, 1998", "DATE", "1998-10-23"),
    ("The works began in July 2013.", "July 2013", "DATE", "2013-07"),
    ("The dock was built in 1998.", "1998", "DATE", "1998"),
    ("Trade boomed in the 1990s.", "the 1990s", "DATE", "199"),
    ("The filing is dated 2014-03-20.", "2014-03-20", "DATE", "2014-03-20"),
    ("The log covers 1998-W32.", "1998-W32", "DATE", "1998-W32"),
    ("The ship docked at 1998-08-07T10:00 sharp.", "1998-08-07T10:00", "TIME", "1998-08-07T10:00"),
    ("The storm hit at 10 a.m. on Monday.", "10 a.m. on Monday", "TIME", "2014-03-24T10:00"),
    ("The storm hit this morning.", "this morning", "TIME", "2014-03-25TMO"),
    ("Two boats sank last night.", "last night", "TIME", "2014-03-24TNI"),
    ("Profit rose in the third quarter.", "the third quarter", "DATE", "2013-Q3"),
    ("The mill closed three years ago.", "three years ago", "DATE", "2011"),
    ("The ferry was sold recently.", "recently", "DATE", "PAST_REF"),
    ("The island may need a bridge in the future.", "the future", "DATE", "FUTURE_REF"),
    ("The pier reopens this summer.", "this summer", "DATE", "2014-SU"),
    ("Crowds came on Christmas Day.", "Christmas Day", "DATE", "2013-12-25"),
    ("The talks ran from March 3 to March 7.", "March 7", "DATE", "2014-03-07"),
    # a past-tense verb right before a weekday outweighs a future cue after it
    ("The ferry board said Thursday that fares will rise.", "Thursday", "DATE", "2014-03-20"),
    # a reporting period: "the year ended ..." is a year long, and its end lies behind
    ("Tolls rose in the year ended June 30.", "the year", "DURATION", "P1Y"),
    ("Tolls rose in the year ended June 30.", "June 30", "DATE", "2013-06-30"),
    ("Fares have doubled since May.", "May", "DATE", "2013-05"),
    # a month without a cue: ahead only when it is at most three months away
    ("The pier reopens in May.", "May", "DATE", "2014-05"),
    ("The pier closed in July.", "July", "DATE", "2013-07"),
    ("Sales fell earlier this month.", "earlier this month", "DATE", "2014-03"),
    # anaphora: counted from the last date told in full, not from the article's date
    ("The yard opened on May 22, 1995, and the following year it built a ferry.",
     "the following year", "DATE", "1996"),
    ("The dock flooded in 2009. That year the ferry stopped.", "That year", "DATE", "2009"),
    # "a year earlier" is the quarter a year back, unless the nine months were named last
    ("Third-quarter profit rose to $5 million from $4 million a year earlier.",
     "a year earlier", "DATE", "2012-Q3"),
    ("Third-quarter profit rose. For the nine months, profit rose from a year earlier.",
     "a year earlier", "DATE", "2013"),
    ("The crossing took 2 1/2 years.", "2 1/2 years", "DURATION", "P2Y6M"),
    ("The engine failed a minute and a half later.", "a minute and a half", "DURATION", "PT1M30S"),
    ("The regatta is held each July.", "each July", "SET", "XXXX-07"),
    # a quarter named in the article's own quarter can be the one reported on
    ("First-quarter tolls rose to $5 million from $4 million a year earlier.",
     "a year earlier", "DATE", "2013-Q1"),
    # a day or week told relative to a date
    ("The hearing is set for the week of March 31.", "the week of March 31", "DATE", "2014-W14"),
    ("The crew walked out the day before last Tuesday's vote.", "day before last Tuesday",
     "DATE", "2014-03-17"),
    ("The ferry sails the night after March 3.", "night after March 3", "TIME", "2014-03-04TNI"),
    # a plural shared by two weekdays makes both of them recurring
    ("Ferries leave on Monday and Tuesday nights.", "Monday", "SET", "XXXX-WXX-1TNI"),
    ("Ferries leave on Monday and Tuesday nights.", "Tuesday nights", "SET", "XXXX-WXX-2TNI"),
    # "one day" after a modal is some time ahead, not a day long
    ("The island will one day need a bridge.", "one day", "DATE", "FUTURE_REF"),
    ("The repairs took one day.", "one day", "DURATION", "P1D"),
    ("The post-1998 harbour rules were dropped.", "post-1998", "DATE", "1998"),
    # the bare second day of "April 24 and 25" is a date in the same month
    ("The regatta runs on April 24 and 25.", "25", "DATE", "2014-04-25"),
    ("Traffic slows through the first two quarters of 2015.",
     "the first two quarters of 2015", "DATE", "2015-H1"),
    ("The ferry sank within weeks of its launch.", "weeks", "DURATION", "PXW"),
    ("Most boats turned back in the first hours of the storm.", "the first hours",
     "DURATION", "PTXH"),
    # the latest fiscal year is the last one that is over
    ("Sales rose in the latest fiscal year.", "the latest fiscal year", "DATE", "2013"),
    # "planning to" points ahead, as "will" does
    ("Dockers are planning to march on Thursday.", "Thursday", "DATE", "2014-03-27"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expression", "kind", "value"), CASES)
def test_types_and_values_against_a_fixed_publication_date(
    sentence: str, expression: str, kind: str, value: str
) -> None:
    found = {t.text: t for t in tag_text(sentence, PUBLISHED)}
    assert expression in found, f"{expression!r} not found in {sentence!r}: {list(found)}"
    timex = found[expression]
    assert (timex.type, timex.value) == (kind, value)
    assert sentence[timex.start : timex.end] == expression


def test_ranges_give_both_ends() -> None:
    texts = [t.text for t in tag_text("The talks ran from March 3 to March 7.", PUBLISHED)]
    assert texts == ["March 3", "March 7"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Residents may object to the plan.",  # "may" in lower case is a verb
        'The mayor spoke on "This Week" about the ferry.',  # a title in quotation marks
        "Hundreds will march to the harbour.",
        "Ms. May spoke for the ferry workers.",
        "About three-quarters of the fleet is old.",  # a fraction, not three quarters of a year
        "Tickets cost $5 a day.",  # a rate TimeBank leaves unmarked
        "The western showed a high noon duel on the pier.",
        'The ferry was late." Now, the mayor says, it is early.',  # a discourse marker
        "After weeks of overtime the crews rested.",
    ],
)
def test_words_that_are_not_time_expressions(sentence: str) -> None:
    assert tag_text(sentence, PUBLISHED) == []


def test_a_number_after_a_date_that_counts_something_is_no_day() -> None:
    found = [(t.text, t.value) for t in tag_text("On March 3 and 4 people walked out.", PUBLISHED)]
    assert found == [("March 3", "2014-03-03")]
    found = [(t.text, t.value) for t in tag_text("The fair is on April 30 and 31.", PUBLISHED)]
    assert found == [("April 30", "2014-04-30")]  # no April 31


def test_without_publication_date_relative_values_stay_unknown() -> None:
    found = {t.text: t.value for t in tag_text("The ferry left on Tuesday, March 3, last year.")}
    assert found["Tuesday, March 3"] == "XXXX-03-03"
    assert found["last year"] == "XXXX"
    assert {t.value for t in tag_text("It left on Friday.")} == {"XXXX-WXX-5"}


def test_offsets_are_exact_on_text_with_repaired_lines() -> None:
    # a line broken mid-sentence (joined by the normaliser), runs of spaces, PTB quotes
    text = (
        "Dunmore  council said it met last\nweek, and ``will meet again\non Friday,'' "
        "after   three\tdays of talks.\n\nThe vote is set for\nMarch 30, 2014."
    )
    found = tag_text(text, PUBLISHED)
    assert [t.text for t in found] == [
        "last\nweek",
        "Friday",
        "three\tdays",
        "March 30, 2014",
    ]
    for t in found:
        assert text[t.start : t.end] == t.text
    assert [t.value for t in found] == ["2014-W12", "2014-03-28", "P3D", "2014-03-30"]


def test_find_timexes_reads_the_analysed_article_without_a_second_tagging_path() -> None:
    from storylens.pipeline import analyze

    text = "The Pellmouth ferry resumed on Monday after two weeks of repairs.\nIt sails daily."
    article = Article(id="pellmouth-1", text=text, published=PUBLISHED)
    (result,) = analyze([article], extract=False)
    assert find_timexes(result) == tag_text(text, PUBLISHED)
    assert [(t.text, t.value) for t in find_timexes(result)] == [
        ("Monday", "2014-03-24"),
        ("two weeks", "P2W"),
        ("daily", "P1D"),
    ]


def test_timex_is_frozen_and_serialisable() -> None:
    (t,) = tag_text("It sank on Monday.", PUBLISHED)
    assert isinstance(t, Timex)
    assert t.to_dict() == {
        "start": 11,
        "end": 17,
        "text": "Monday",
        "type": "DATE",
        "value": "2014-03-24",
    }
    with pytest.raises(AttributeError):
        t.value = "x"  # type: ignore[misc]


def test_parse_published() -> None:
    assert str(parse_published("2014-03-25T08:00:00Z")) == "2014-03-25"
    assert str(parse_published("Tue, 25 Mar 2014 10:00:00 GMT")) == "2014-03-25"
    assert str(parse_published("March 25, 2014")) == "2014-03-25"
    assert parse_published("March 2014") is None  # no day: not guessed
    assert parse_published("yesterday") is None
    assert parse_published("2014-02-30") is None
    assert parse_published(None) is None


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("2014-03-25", "2014-03-25", True),  # "Tuesday" and "March 25" in one article
        ("2014-03-27", "2014-03-30", False),  # "Thursday" against "Sunday" for one meeting
        ("2014-03", "2014-03-25", True),
        ("2014", "2013-12-31", False),
        ("2014-W13", "2014-03-25", True),
        ("2014-W13-WE", "2014-03-25", False),
        ("2014-Q1", "2014-03-25", True),
        ("2014-SU", "2014-07-04", True),
        ("201", "2014-03-25", True),
        ("20", "1999", False),
        ("2014-03-25TMO", "2014-03-25T09:30", True),
        ("2014-03-25TEV", "2014-03-25T09:30", False),
        ("XXXX-WXX-2", "2014-03-25", True),
        ("XXXX-WXX-4", "2014-03-25", False),
        ("XXXX-03-25", "XXXX-WXX-2", True),
        ("XXXX-03-25", "XXXX-04-25", False),
        ("P3M", "2014-03", None),
        ("PRESENT_REF", "2014-03-25", None),
        ("not a value", "2014", None),
    ],
)
def test_same_time(first: str, second: str, expected: bool | None) -> None:
    assert same_time(first, second) is expected
    assert same_time(second, first) is expected


@pytest.mark.parametrize(
    "unit",
    [
        "the ",  # optional determiners in front of every rule
        "a ",
        "1 ",
        "last ",
        "nearly ",
        "twenty-one ",
        "1998 ",
        "Monday ",
        "March ",
        "10:",
        "9 a.m. and March 3, ",  # clock times looking for their day
    ],
)
def test_linear_on_pathological_input(unit: str) -> None:
    """Long runs of what rules start with cost time in proportion to their length."""

    def seconds(n: int) -> float:
        text = unit * n + "weeks ago"
        best = float("inf")
        for _ in range(3):  # the fastest of three: other work on the machine only adds
            started = time.perf_counter()
            tag_text(text, PUBLISHED)
            best = min(best, time.perf_counter() - started)
        return best

    tag_text(unit * 10, PUBLISHED)  # compiled patterns are not what is timed
    small, large = seconds(2_000), seconds(8_000)
    # the ratio is what shows backtracking (quadratic would be 16x); the bound is only a
    # sanity check, loose enough for a loaded machine (8,000 expressions in 50 kB)
    assert large < 10 * max(small, 0.01), f"not linear: {small:.3f} s then {large:.3f} s for 4x"
    assert large < 30.0, f"{unit!r} x 8000 took {large:.2f} s"


_PIECES = list("0123456789 -/:.,'\n") + [
    "Monday", "March", "May", "last", "next", "the", "week", "years", "ago", "a.m.", "quarter",
    "third", "1998", "every", "now", "`", "''", "\u00a0", "\u200b", "\r\n",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_never_crashes_and_offsets_hold(text: str) -> None:
    for t in tag_text(text, PUBLISHED):
        assert text[t.start : t.end] == t.text
        assert t.type in ("DATE", "TIME", "DURATION", "SET")
        assert t.value
