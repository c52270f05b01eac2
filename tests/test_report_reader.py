"""The reader's view of a story (summary, differences, what one outlet alone reports, what
each outlet leaves out) and its timeline, on a made-up story built by hand."""

from __future__ import annotations

import pytest

from report_fixture import OUTLETS, TEXTS, THRESHOLDS, story
from storylens.extract.timex import Timex
from storylens.model import Article, Fact, StatementRef, StoryReport
from storylens.report.summary import MAX_SUMMARY, MIN_SUMMARY, outlet_names, summarize
from storylens.report.text import is_boilerplate, is_fragment, that_clause
from storylens.report.timeline import build_timeline, read_value


@pytest.fixture(scope="module")
def ferry() -> StoryReport:
    return story()


def _exact(cites: list[dict]) -> None:
    for c in cites:
        assert TEXTS[c["article"]][c["start"] : c["end"]] == c["text"]
        assert c["outlet"] == OUTLETS[c["article"]]


def test_summary_tells_what_most_outlets_carry_cited_to_each(ferry: StoryReport) -> None:
    summary = summarize(ferry, THRESHOLDS)
    facts = [s.fact for s in summary.statements]
    assert MIN_SUMMARY <= len(facts) <= MAX_SUMMARY
    assert facts == ["f1", "f2", "f12", "f3"]  # the shared facts, in the story's order
    by_id = {f.id: f for f in ferry.facts}
    for s in summary.statements:
        d = s.to_dict()
        _exact(d["cites"])
        carried = {st.article for st in by_id[s.fact].statements}
        assert {c["article"] for c in d["cites"]} == carried  # every outlet carrying it
        assert s.text in TEXTS[d["cites"][0]["article"]]  # extractive: an article's sentence
    assert summary.statements[0].outlets == ["Penmoor Gazette", "Coastline Daily", "Harbour Radio"]
    assert summary.statements[1].disputed and not summary.statements[3].certain


def test_summary_tops_up_from_single_outlet_facts_only_when_too_few_are_shared() -> None:
    text = "Ada Rill opened the Corran library on Monday. " * 1 + "It has ten thousand books."
    art = Article("x", text, outlet="Corran Post")
    lone = StoryReport(
        "s",
        "t",
        (art,),
        (
            Fact("f1", "unique", (StatementRef("x", 0, 45, text[:45]),)),
            Fact("f2", "unique", (StatementRef("x", 46, len(text), text[46:]),)),
        ),
    )
    statements = summarize(lone, THRESHOLDS).statements
    assert [s.fact for s in statements] == ["f1", "f2"]
    assert all(s.outlets == ["Corran Post"] for s in statements)


def test_differences_sit_beside_their_fact_with_reason_and_certainty(ferry: StoryReport) -> None:
    diffs = summarize(ferry, THRESHOLDS).differences
    assert [(d.fact.fact, d.kind, d.certain) for d in diffs] == [
        ("f2", "number", True),
        ("f3", "actor", False),  # 0.4 is under the model's 'match'
    ]
    number = diffs[0].to_dict()
    assert number["fact"]["text"] == "Forty passengers were taken ashore by lifeboat crews."
    assert "Thirty-eight" in number["reason"]
    for v in number["values"]:
        assert TEXTS[v["article"]][v["start"] : v["end"]] == v["value"]


def test_only_one_outlet_ranked_without_fragments_bylines_or_boilerplate(
    ferry: StoryReport,
) -> None:
    only = summarize(ferry, THRESHOLDS).only_one
    facts = [u.statement.fact for u in only]
    # f4 byline, f5 fragment, f8 photo credit, f10 newsroom boilerplate: out
    assert set(facts) == {"f6", "f7", "f9", "f11"}
    scores = [u.importance for u in only]
    assert scores == sorted(scores, reverse=True)
    for u in only:
        _exact(u.to_dict()["cites"])


def test_not_reported_as_sentences_with_outlet_names(ferry: StoryReport) -> None:
    gaps = summarize(ferry, THRESHOLDS).not_reported
    assert [(g.sentence, g.certain) for g in gaps] == [
        (
            "Coastline Daily may not report that the divers searched the bay until noon for a "
            "missing deckhand.",
            False,  # a possible omission: less certain
        ),
        (
            "Harbour Radio does not report that the harbour board closed the north channel "
            "after the grounding.",
            True,
        ),
    ]
    assert gaps[1].statement.outlets == ["Penmoor Gazette", "Coastline Daily"]


def test_outlet_names_keep_two_articles_of_one_outlet_apart() -> None:
    arts = (Article("a", "x", outlet="Bay Post"), Article("b", "y", outlet="Bay Post"))
    assert outlet_names(StoryReport("s", "t", arts)) == {"a": "Bay Post (a)", "b": "Bay Post (b)"}
    assert outlet_names(StoryReport("s", "t", (Article("c", "z", title="A title"),))) == {
        "c": "A title"
    }


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("No he won't.", True),
        ("‘No, President Vell, the harbour is ours.", True),  # cut inside a quotation
        ("the rest of the crew followed.", True),
        ("Who will pay for the repairs?", True),
        ("The ferry Saltwind ran aground off Penmoor harbour on Tuesday.", False),
        ("“We will reopen the channel soon,” the harbour master said.", False),
        ("Penmoor’s harbour board met late into the night.", False),
    ],
)
def test_fragments(text: str, fragment: bool) -> None:
    assert is_fragment(text) is fragment


@pytest.mark.parametrize(
    "text, boilerplate",
    [
        ("By Mara Quill", True),
        ("Photo: Penmoor Lifeboat Station.", True),
        ("Reporting by Ada Rill; editing by Tom Venn.", True),
        ("The Gazette reached out to the operator for comment.", True),
        ("Sign up for our morning newsletter.", True),
        ("By noon the channel had reopened to fishing boats.", False),
        ("Captain Ilse Varga said the tide had fallen faster than forecast.", False),
    ],
)
def test_boilerplate(text: str, boilerplate: bool) -> None:
    assert is_boilerplate(text) is boilerplate


def test_that_clause_lowers_only_common_first_words() -> None:
    assert that_clause("The tug arrived.") == "the tug arrived"
    assert that_clause("Captain Varga left.") == "Captain Varga left"
    assert that_clause("Responding to calls, crews left.") == "responding to calls, crews left"
    assert that_clause("Lifeboat crews left.", frozenset({"lifeboat"})) == "lifeboat crews left"
    assert that_clause("NATO ships left.", frozenset({"nato"})) == "NATO ships left"


@pytest.mark.parametrize(
    "value, label, precision",
    [
        ("2031-06-03", "3 June 2031", "day"),
        ("2031-06-03TMO", "3 June 2031, morning", "time"),
        ("2031-06", "June 2031", "month"),
        ("2031", "2031", "year"),
        ("2031-Q2", "Q2 2031", "quarter"),
        ("2031-SU", "summer 2031", "season"),
        ("197", "the 1970s", "decade"),
        ("XXXX-05-02", "2 May (year not given)", "day"),
    ],
)
def test_timex_values_read_as_periods(value: str, label: str, precision: str) -> None:
    when = read_value(value)
    assert when is not None and (when.label, when.precision) == (label, precision)


@pytest.mark.parametrize("value", ["P3M", "PRESENT_REF", "XXXX-WXX-2", "XXXX", "2031-13"])
def test_values_that_name_no_period_are_not_placed(value: str) -> None:
    assert read_value(value) is None


def test_timeline_places_facts_on_resolved_dates_else_the_article_date(
    ferry: StoryReport,
) -> None:
    entries = build_timeline(ferry, THRESHOLDS)
    placed = {e.statement.fact: e for e in entries}
    # "Tuesday morning" in articles of 2031-06-03 (a Tuesday); "Tuesday" agrees with it
    assert placed["f1"].when.label == "3 June 2031, morning"
    assert placed["f1"].basis == "text" and not placed["f1"].other_dates
    assert {m.text for m in placed["f1"].mentions} == {"Tuesday morning", "Tuesday"}
    # "on Thursday" after "is expected to": the Thursday after publication
    assert placed["f9"].when.value == "2031-06-05"
    # no date in the text: the article's publication date
    assert placed["f2"].basis == "published" and placed["f2"].when.value == "2031-06-03"
    # an undated article's fact with no date of its own is left off
    assert "f11" not in placed
    keys = [e.when.key[:4] for e in entries]
    assert keys == sorted(keys) and entries[0].statement.fact == "f7"  # built in 2004
    for e in entries:
        for m in e.mentions:
            assert TEXTS[m.article][m.start : m.end] == m.text


def test_timeline_keeps_other_outlets_dates_where_they_differ() -> None:
    texts = {
        "p": "The Orrin council met on Thursday evening to vote on the budget.",
        "q": "The Orrin council met on Sunday to vote on the budget.",
    }
    arts = tuple(Article(k, v, outlet=k.upper(), published="2031-06-03") for k, v in texts.items())
    refs = tuple(StatementRef(k, 0, len(v), v) for k, v in texts.items())
    entries = build_timeline(StoryReport("s", "t", arts, (Fact("f1", "agreed", refs),)), THRESHOLDS)
    assert len(entries) == 1
    assert entries[0].when.value.startswith("2031-05-29")  # the Thursday before
    assert [(o.outlet, o.text) for o in entries[0].other_dates] == [("Q", "Sunday")]


def test_timeline_reads_the_time_expressions_statements_carry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import storylens.report.timeline as timeline

    text = "The Orrin council met on Thursday evening to vote on the budget."
    art = Article("p", text, outlet="P", published="2031-06-03")
    start = text.index("Thursday evening")
    carried = Timex(start, start + 16, "Thursday evening", "TIME", "2031-05-29TEV")
    ref = StatementRef("p", 0, len(text), text, times=(carried,))

    def no_second_tagging(*_: object) -> list[Timex]:
        raise AssertionError("the article was tagged again")

    monkeypatch.setattr(timeline, "tag_text", no_second_tagging)
    entries = build_timeline(StoryReport("s", "t", (art,), (Fact("f1", "unique", (ref,)),)))
    (mention,) = entries[0].mentions
    assert (mention.start, mention.end, mention.value) == (start, start + 16, "2031-05-29TEV")
    assert text[mention.start : mention.end] == mention.text


def test_summary_skips_a_fact_that_repeats_one_already_chosen() -> None:
    texts = {
        "p": "The Orrin dam opened its gates on Monday. The Orrin dam opened its gates on Monday!",
        "q": "The Orrin dam opened its gates on Monday. The Orrin dam opened its gates on Monday!",
    }
    arts = tuple(Article(k, v, outlet=k.upper()) for k, v in texts.items())

    def refs(start: int, end: int) -> tuple[StatementRef, ...]:
        return tuple(StatementRef(k, start, end, v[start:end]) for k, v in texts.items())

    facts = (Fact("f1", "agreed", refs(0, 41)), Fact("f2", "agreed", refs(42, 84)))
    chosen = summarize(StoryReport("s", "t", arts, facts), THRESHOLDS).statements
    assert [s.fact for s in chosen] == ["f1"]


def test_possibly_different_events_show_under_where_they_differ_with_both_dates() -> None:
    import json

    import jsonschema

    from storylens.model import Report
    from storylens.report import load_schema, render

    texts = {
        "p": "The Orrin council met on Thursday to vote on the budget.",
        "q": "The Orrin council met on Sunday to vote on the budget.",
    }
    arts = tuple(
        Article(k, v, outlet=k.upper() + " Post", published="2031-06-03") for k, v in texts.items()
    )
    facts = tuple(
        Fact(f"f{n}", "unique", (StatementRef(k, 0, len(v), v),))
        for n, (k, v) in enumerate(texts.items(), 1)
    )
    day = {"p": "Thursday", "q": "Sunday"}
    apart = {
        "statements": [
            {"article": k, "start": 0, "end": len(v), "text": v} for k, v in texts.items()
        ],
        "dates": list(day.values()),
        "values": ["2031-05-29", "2031-06-01"],
        "spans": [[texts[k].index(d), texts[k].index(d) + len(d)] for k, d in day.items()],
        "score": 0.61,
    }
    story = StoryReport("s", "t", arts, facts, extra={"possibly_different_events": [apart]})

    (event,) = summarize(story, THRESHOLDS).separate_events
    assert [(d.outlet, d.value, d.resolved) for d in event.dates] == [
        ("P Post", "Thursday", "2031-05-29"),
        ("Q Post", "Sunday", "2031-06-01"),
    ]
    for d in event.dates:
        assert texts[d.article][d.start : d.end] == d.value

    report = Report((story,))
    markdown = render(report, "md")
    differ = markdown.split("## Where they differ", 1)[1].split("## Timeline", 1)[0]
    assert "Possibly different events (1)" in differ
    assert "P Post “Thursday”" in differ and "Q Post “Sunday”" in differ
    html = render(report, "html")
    differ = html.split("Where they differ", 1)[1].split("<h2>Timeline", 1)[0]
    assert "Possibly different events (1)" in differ
    assert "&ldquo;Thursday&rdquo;" in differ and "&ldquo;Sunday&rdquo;" in differ
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, load_schema())
    assert (
        data["stories"][0]["summary"]["possibly_different_events"][0]["dates"][1]["value"]
        == "Sunday"
    )
