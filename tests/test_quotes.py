"""Quote extraction on made-up articles: every quote form, speakers, and offsets."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.extract.marks import find_quotes
from storylens.model import Article
from storylens.pipeline import analyze


def _quotes(text: str) -> list:
    (result,) = list(analyze([Article(id="t", text=text)]))
    for q in result.quotes:
        for span in (q.content, q.source, q.cue):
            if span is not None:
                assert text[span.start : span.end] == span.text
    return list(result.quotes)


def _direct(text: str) -> list:
    return [q for q in _quotes(text) if q.direct]


def _find(quotes: list, words: str):
    return next(q for q in quotes if words in q.content.text)


def test_curly_quote_with_full_name_resolved_from_surname() -> None:
    text = (
        "Harbour master Lena Okafor closed the port of Vellin on Tuesday.\n"
        "\u201cThe storm surge is higher than anything we have recorded here,\u201d Okafor said.\n"
    )
    q = _find(_quotes(text), "storm surge")
    assert q.direct and q.speaker == "Lena Okafor"
    assert q.source.text == "Okafor" and q.cue.text == "said"


def test_straight_quotes_and_inverted_said() -> None:
    text = 'The ferry will not sail this week.\n"We cannot risk the crossing in these winds," said captain Ivo Brandt.\n'
    q = _find(_quotes(text), "risk the crossing")
    assert q.direct and q.speaker == "Ivo Brandt"


def test_split_quote_is_one_statement_covering_both_parts() -> None:
    text = (
        "Mayor Ana Pell spoke after the vote.\n"
        "\u201cWe waited ten years for this bridge,\u201d Pell said. \u201cNow we have to build it well.\u201d\n"
    )
    quotes = _direct(text)
    assert len(quotes) == 1
    assert "ten years" in quotes[0].content.text and "build it well" in quotes[0].content.text
    assert quotes[0].speaker == "Ana Pell"


def test_pronoun_speaker_goes_to_nearest_person() -> None:
    text = (
        "Teacher Marta Silvano led the protest outside the Vellin school board.\n"
        "\u201cOur classrooms flood every spring and nobody comes to fix them,\u201d she said.\n"
    )
    assert _find(_quotes(text), "classrooms flood").speaker == "Marta Silvano"


def test_colon_introduced_and_dash_forms() -> None:
    text = (
        "Councillor Pieter Vos told the meeting:\n"
        "\u201cThe budget leaves the north district without a single new bus route.\u201d\n"
        "\u201cNobody asked the people who ride these buses every day.\u201d -- Sara Lind\n"
    )
    quotes = _quotes(text)
    assert _find(quotes, "north district").speaker == "Pieter Vos"
    assert _find(quotes, "Nobody asked").speaker == "Sara Lind"


def test_multi_paragraph_quote_keeps_its_speaker() -> None:
    text = (
        "Engineer Tomas Reyes described the collapse.\n"
        "\u201cThe first support gave way just after midnight, and the second one followed within minutes.\n"
        "\u201cBy the time the crews arrived, the whole east span was in the river,\u201d Reyes said.\n"
    )
    quotes = _direct(text)
    assert quotes and all(q.speaker == "Tomas Reyes" for q in quotes)
    assert any("first support" in q.content.text for q in quotes)


def test_unbalanced_mark_is_recorded_not_fatal() -> None:
    text = "Director Hana Ilic said the plan was final.\n\u201cWe will not change course now, whatever the council decides, Ilic said.\n\nThe council meets on Friday."
    quotes = _quotes(text)
    q = _find(quotes, "change course")
    assert q.unbalanced
    assert "council meets" not in q.content.text


def test_indirect_attributions() -> None:
    text = (
        "Port director Elif Demir said that the new cranes would double capacity by 2030.\n"
        "According to the port authority, the expansion will cost 40 million euros.\n"
        "Demir told reporters the unions had agreed to the new shifts.\n"
    )
    quotes = _quotes(text)
    said = _find(quotes, "double capacity")
    assert not said.direct and said.speaker == "Elif Demir"
    assert said.content.text == "that the new cranes would double capacity by 2030"
    according = _find(quotes, "expansion will cost")
    assert according.source is not None and "port authority" in according.source.text
    told = _find(quotes, "unions had agreed")
    assert told.speaker == "Elif Demir" and told.cue.text == "told"


def test_title_resolves_to_person_introduced_with_it() -> None:
    text = (
        "Vellin President Rosa Almeida rejected the loan offer on Monday.\n"
        "The Vellin president said she would not accept conditions on the island's budget.\n"
    )
    assert _find(_quotes(text), "accept conditions").speaker == "Rosa Almeida"


def test_organisation_noun_resolves_to_nearest_organisation() -> None:
    text = (
        "The Coastal Policy Institute published a study of the harbour last month.\n"
        "\u201cWithout new sea walls, the lower town will flood twice a year by 2040,\u201d the institute said.\n"
    )
    assert _find(_quotes(text), "sea walls").speaker == "Coastal Policy Institute"


def test_organisation_noun_with_its_own_name_is_not_the_nearest_organisation() -> None:
    text = (
        "The Harbour Workers Federation called a strike in March.\n"
        "The Kestrian government also said the harbour would reopen on Friday.\n"
    )
    assert _find(_quotes(text), "harbour would reopen").speaker == "Kestrian government"


def test_content_holding_a_whole_quote_starts_at_its_opening_mark() -> None:
    text = "Okafor backed the levy, which was first floated in March, saying \u201cit is overdue.\u201d\n"
    quotes = [q for q in _quotes(text) if "overdue" in q.content.text]
    assert [q.content.text for q in quotes] == ["\u201cit is overdue.\u201d"]
    q = quotes[0]
    assert text[q.content.start : q.content.end] == q.content.text


def test_quote_marks_pairing_rules() -> None:
    text = "He said \u201cyes\u201d and left.\nShe wrote \u201cnever\n\nNew paragraph.\n\nAnother \u201d stray."
    quotes, stray = find_quotes(text)
    assert (quotes[0].start, quotes[0].end) == (8, 13)
    assert quotes[1].unbalanced
    assert stray


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "He said",
                "\u201c",
                "\u201d",
                '"',
                "\u2018",
                "\u2019",
                "Ana Pell",
                "according to",
                "the",
                "plan",
                ",",
                ".",
                "\n",
                "\n\n",
                "she told reporters that",
                "--",
            ]
        ),
        max_size=40,
    )
)
def test_extraction_never_crashes_and_spans_are_exact(parts: list[str]) -> None:
    _quotes(" ".join(parts))


def test_nyt_double_apostrophes_open_and_close() -> None:
    text = (
        "The council met on Monday.\n"
        "''We will rebuild the pier,'' said Mayor Ana Pell. ''It is the heart of the town.''\n"
    )
    quotes = _direct(text)
    assert len(quotes) == 1
    q = quotes[0]
    assert q.content.text.startswith("''We will") and q.content.text.endswith("town.''")
    assert q.speaker == "Ana Pell"


def test_frameless_quote_joins_the_previous_one_across_a_long_description() -> None:
    text = (
        "\u201cThe tide gauges failed twice this winter,\u201d said Ivo Brandt, who has run the "
        "harbour's weather station on the north pier for the past nineteen years. "
        "\u201cWe need new ones before the spring storms.\u201d\n"
    )
    quotes = _direct(text)
    assert len(quotes) == 1
    assert "failed twice" in quotes[0].content.text and "spring storms" in quotes[0].content.text


def test_quote_closed_by_its_frame_starts_with_the_sentence() -> None:
    text = "Pell \u201chas done more for the harbour than anyone,\u201d said Ivo Brandt.\n"
    q = _find(_quotes(text), "done more")
    assert q.direct and q.content.text.startswith("Pell")
    assert q.speaker == "Ivo Brandt"


def test_mixed_quote_takes_its_whole_clause() -> None:
    text = "Harbour master Lena Okafor said the new wall \u201cwill not hold\u201d without more funding.\n"
    q = _find(_quotes(text), "will not hold")
    assert q.direct
    assert q.content.text == "the new wall \u201cwill not hold\u201d without more funding"


def test_headline_label_is_an_attribution() -> None:
    text = "Okafor: Harbour Wall Will Not Survive Another Winter\n\nThe harbour master spoke on Monday.\n"
    q = _find(_quotes(text), "Harbour Wall")
    assert q.source is not None and q.source.text == "Okafor"
    rubric = "The Latest: Harbour Wall Will Not Survive Another Winter\n\nThe harbour closed.\n"
    assert not any("Harbour Wall" in q.content.text for q in _quotes(rubric))


def test_mistyped_closing_mark_at_a_line_start_opens_the_quote() -> None:
    text = (
        "Readers wrote in about the flood.\n"
        "\u201dThe water reached our doors in ten minutes and nobody warned us.\u201d \u2015 Ana Pell\n"
    )
    quotes, stray = find_quotes(text)
    assert not stray
    inner = text[quotes[0].start : quotes[0].end]
    assert inner.startswith("\u201dThe water") and inner.endswith("warned us.\u201d")
    q = _find(_quotes(text), "reached our doors")
    assert q.direct and q.speaker == "Ana Pell"


def test_mistyped_closing_mark_before_an_ellipsis_opens_the_quote() -> None:
    text = (
        "Columnist Ana Pell said on Monday that the mayor had won the room.\n\n"
        "\u201d \u2026 she answered every question with a calm that the council had not seen in years,\u201d"
        " Pell wrote.\n"
    )
    quotes, stray = find_quotes(text)
    assert not stray
    inner = text[quotes[0].start : quotes[0].end]
    assert inner.startswith("\u201d \u2026 she answered") and inner.endswith("in years,\u201d")
    q = _find(_quotes(text), "answered every question")
    assert q.direct and q.speaker == "Ana Pell"
    assert q.content.text.startswith("\u201d \u2026 she answered")


def test_mistyped_opening_mark_after_a_word_closes_the_quote() -> None:
    text = (
        "The harbour board called the levy \u201ca fair price.\u201c Okafor disagreed.\n\n"
        "\u201cIt will sink the small boats first,\u201d Okafor said.\n"
    )
    quotes, stray = find_quotes(text)
    assert [text[q.start : q.end] for q in quotes] == [
        "\u201ca fair price.\u201c",
        "\u201cIt will sink the small boats first,\u201d",
    ]
    assert not any(q.unbalanced for q in quotes)
    q = _find(_quotes(text), "small boats")
    assert q.direct and q.speaker == "Okafor"


def test_inch_marks_are_not_quotation_marks() -> None:
    from storylens.extract.syntax import quoted

    text = (
        "\u201cShe is tall, maybe 5\u201911\u201d, and she never backs down,\u201d Ana Pell said.\n\n"
        "The pilot is 6'1\" tall and weighs 190 pounds.\n"
    )
    quotes, stray = find_quotes(text)
    assert not stray
    assert [text[q.start : q.end] for q in quotes] == [text[: text.index(" Ana")]]
    assert not quoted(text, text.index("The pilot"), text.index(" tall and"))
    q = _find(_quotes(text), "never backs down")
    assert q.direct and q.speaker == "Ana Pell" and q.content.text.endswith("down,\u201d")


def test_content_standing_between_marks_is_direct() -> None:
    from storylens.extract.syntax import quoted

    text = 'Protesters chanted "What curfew?" and kept marching.'
    start = text.index("What")
    assert quoted(text, start, text.index("?"))  # the marks just outside the span count
    assert not quoted(text, 0, text.index(" chanted"))


def test_second_that_clause_stays_in_the_content() -> None:
    text = (
        "Harbour master Lena Okafor said the gauges were \u201cunreliable\u201d and that the "
        "readings taken on Friday did not show whether the wall had moved.\n"
    )
    q = _find(_quotes(text), "unreliable")
    assert q.content.text.endswith("whether the wall had moved")
    assert q.speaker == "Lena Okafor"


def test_nested_curly_quote_does_not_close_the_outer_one() -> None:
    text = "Readers wrote in.\n\u201cI would rather live in what he calls \u201chell\u201d than live under him.\u201d \u2015 Ana Pell\n"
    quotes, stray = find_quotes(text)
    assert not stray and len(quotes) == 1
    assert text[quotes[0].start : quotes[0].end].endswith("under him.\u201d")


def test_signature_closes_its_own_statement_and_the_unsigned_part_before_it() -> None:
    text = (
        "Readers wrote in about the harbour.\n"
        "\u201cThe wall cracked in March and nobody came to look at it.\u201d \u2015 Ana Pell\n"
        "\u201cThe council never answers our letters about the pier.\u201d And that is all we get "
        "from them, \u201cnothing but promises.\u201d \u2015 Ivo Brandt\n"
    )
    quotes = _direct(text)
    pell = _find(quotes, "wall cracked")
    assert pell.speaker == "Ana Pell" and "letters" not in pell.content.text
    brandt = _find(quotes, "never answers")
    assert brandt.speaker == "Ivo Brandt" and brandt.content.text.endswith("promises.\u201d")


def test_transcript_turns_are_one_statement_each_with_the_label_as_speaker() -> None:
    text = (
        "Harbour master Lena Okafor spoke to radio host Ivo Brandt on Sunday. A partial "
        "transcript follows:\n\n"
        '"BRANDT: Will the harbour wall hold through another winter of storms?\n\n'
        '"OKAFOR: Not without the repairs we asked the council for in March.\n\n'
        '"But the council has the money, and it knows the wall is failing.\n\n'
        '"BRANDT: So who is responsible if it breaks?\n\n'
        '"OKAFOR: The council. I have said so in every meeting."\n\n'
        "UPDATE: The council did not respond to a request for comment.\n"
    )
    quotes = _quotes(text)
    turns = [q for q in quotes if q.source is not None and q.source.text.isupper()]
    assert [q.source.text for q in turns] == ["BRANDT", "OKAFOR", "BRANDT", "OKAFOR"]
    assert turns[1].content.text.startswith("Not without")
    assert turns[1].content.text.endswith("the wall is failing.")  # a continued paragraph
    assert turns[0].speaker == "Ivo Brandt" and turns[1].speaker == "Lena Okafor"
    assert not any(
        q.content.text.startswith("The council did not") and q.source and q.source.text == "UPDATE"
        for q in quotes
    )


def test_transcript_turn_stops_at_the_reporters_sign_off() -> None:
    text = (
        "Harbour master Lena Okafor spoke to radio host Ivo Brandt on Sunday. A partial "
        "transcript follows:\n\n"
        '"BRANDT: Will the harbour wall hold through another winter of storms?\n\n'
        '"OKAFOR: Not without the repairs we asked the council for in March.\n\n'
        '"BRANDT: So who is responsible if it breaks?\n\n'
        '"OKAFOR: The council. I have said so in every meeting.\n\n'
        '"Follow Ana Pell on Twitter @apell_harbour."\n'
    )
    turns = [q for q in _quotes(text) if q.source is not None and q.source.text.isupper()]
    assert [q.source.text for q in turns] == ["BRANDT", "OKAFOR", "BRANDT", "OKAFOR"]
    assert turns[3].content.text.endswith("in every meeting.")


def test_paragraph_after_a_closing_colon_frame_is_a_block_quote() -> None:
    text = (
        "The pilots met on Monday.\n\n"
        "Okafor added:\n\n"
        "For a harbour board that promised change, this is the old levy again. It will sink us.\n\n"
        "He explained what happened:\n\n"
        "The pier cracked in March and nobody came to fix it for weeks.\n\n"
        "Pell noted the sparse crowd:\n\n"
        "Only nine pilots came to the meeting about the levy on Monday night.\n"
    )
    quotes = _quotes(text)
    q = _find(quotes, "old levy again")
    assert q.content.text.startswith("For a harbour board") and q.content.text.endswith("sink us")
    assert q.cue.text == "added" and q.speaker == "Okafor" and not q.direct
    assert not any("pier cracked" in q.content.text for q in quotes)
    assert not any("nine pilots" in q.content.text for q in quotes)


def test_sentence_quoted_in_part_around_an_aside_frame() -> None:
    text = (
        "Harbour master Lena Okafor toured the pier on Monday.\n"
        "The new wall, she said, will \u201chold back anything the winter brings.\u201d\n"
    )
    q = _find(_quotes(text), "hold back anything")
    assert q.direct and q.speaker == "Lena Okafor" and q.cue.text == "said"
    assert q.content.text.startswith("The new wall, she said, will")


def test_frame_read_off_the_words_when_the_parse_has_no_subject() -> None:
    # the tagger takes "Brandt" for a compound of "notes": no subject in the parse
    text = (
        "Ivo Brandt runs the port.\n\n"
        "\u201cWe will not sail this week, and probably not next week either,\u201d Brandt notes.\n\n"
        "The board meets on Monday."
    )
    q = _find(_quotes(text), "not sail")
    assert q.speaker == "Ivo Brandt" and q.cue.text == "notes" and q.source.text == "Brandt"
    # a quote ending its sentence is not framed by the next sentence's words
    text = (
        "Ivo Brandt runs the port.\n\n"
        "\u201cWe will not sail this week.\u201d Ferries Stop at noon on Monday."
    )
    assert all(q.cue is None or q.cue.text != "Stop" for q in _quotes(text))


def test_colon_frame_stays_out_of_the_quote_it_introduces() -> None:
    text = (
        "The harbour board met on Monday.\n\n"
        "Mayor Ana Pell scolded the board: \u201cYou knew the wall was failing in March,"
        "\u201d she said. \u201cYou did nothing about it.\u201d\n"
    )
    (q,) = [q for q in _direct(text) if q.content.text.startswith("\u201cYou knew")]
    assert q.content.text.endswith("nothing about it.\u201d")
    assert q.speaker == "Ana Pell" and q.cue.text == "said"


def test_content_ending_inside_a_quote_runs_on_to_its_closing_mark() -> None:
    text = (
        "The harbour board met on Monday.\n\n"
        "Mayor Ana Pell accused the board of \u201cletting the harbour wall rot.\u201d\n"
        "Ivo Brandt said the ferry\u2019s \u201cnew timetable is working and we see more "
        "passengers every week.\u201d\n"
    )
    q = _find(_quotes(text), "letting the harbour")
    assert q.direct and q.content.text.endswith("wall rot.\u201d")
    assert q.content.text.count("\u201c") == q.content.text.count("\u201d")
    q = _find(_quotes(text), "new timetable")
    assert q.content.text.endswith("passengers every week.\u201d")


def test_any_verb_closing_a_quote_with_its_subject_frames_it() -> None:
    text = (
        "Harbour master Lena Okafor and the ferry captain Ivo Brandt disagree.\n"
        "\u201cThe harbour will reopen in spring,\u201d Okafor said.\n"
        "\u201cIt will never reopen,\u201d an angry Brandt retaliated. \u201cNot this year.\u201d\n"
        "\u201cTales of the Harbour,\u201d which Brandt wrote, sold well.\n"
    )
    first = _find(_quotes(text), "reopen in spring")
    assert first.speaker == "Lena Okafor" and "never reopen" not in first.content.text
    second = _find(_quotes(text), "never reopen")
    assert second.speaker == "Ivo Brandt" and second.cue.text == "retaliated"
    assert all(q.source is None or q.source.text != "which" for q in _quotes(text))


def test_title_running_on_into_its_sentence_is_not_a_quote() -> None:
    text = (
        "Singer Ana Pell closed the harbour festival.\n"
        "\u201cWe sang for the fishermen who never came home,\u201d Pell said.\n"
        "\u201cSong of the Harbour Wall\u201d was written by her grandfather in 1952.\n"
    )
    (q,) = _direct(text)
    assert q.content.text.endswith("never came home,\u201d") and q.speaker == "Ana Pell"


def test_verb_after_a_preposition_takes_the_subject_of_its_clause() -> None:
    text = (
        "Singer Ana Pell closed the harbour festival on Sunday.\n"
        "She thanked the crowd before asking the mayor, \u201cWhen will the wall be mended?\u201d\n"
    )
    (q,) = [q for q in _direct(text) if q.content.text.startswith("\u201cWhen")]
    assert q.speaker == "Ana Pell" and q.cue.text == "asking"


def test_short_quote_after_its_frame_joins_the_statement() -> None:
    text = (
        "Mayor Ana Pell watched the vote from the harbour office.\n"
        "\u201cI would,\u201d Pell said to the screen. \u201cI would, really.\u201d\n"
    )
    (q,) = _direct(text)
    assert (
        q.content.text
        == "\u201cI would,\u201d Pell said to the screen. \u201cI would, really.\u201d"
    )
    assert q.speaker == "Ana Pell"


def test_quote_finishing_a_sentence_begun_before_its_aside_frame() -> None:
    text = (
        "Harbour master Lena Okafor spoke after the storm.\n"
        "A quiet winter, she said, \u201ccould be the time to mend the harbour wall.\u201d\n"
        "When asked about the ferry, she said, \u201cThe ferry runs on Monday.\u201d\n"
    )
    q = _find(_quotes(text), "mend the harbour wall")
    assert q.content.text.startswith("A quiet winter, she said,") and q.speaker == "Lena Okafor"
    q = _find(_quotes(text), "ferry runs")
    assert q.content.text == "\u201cThe ferry runs on Monday.\u201d"


def test_model_content_running_into_a_rule_found_quote_stops_before_it(monkeypatch) -> None:
    from dataclasses import replace

    from storylens.extract import quotes as quotes_module
    from storylens.normalize import normalize
    from storylens.pipeline import nlp_pipeline

    text = (
        "Harbour master Lena Okafor explained why the crews will love the wall. "
        "\u201cThere is great danger in the channel,\u201d Okafor told reporters.\n"
    )
    norm = normalize(text)
    doc = nlp_pipeline()(norm.text)
    real = quotes_module.find_indirect

    def run_on(doc, text, inside, taken, model=None):  # a parse that missed the full stop
        out = []
        for c in real(doc, text, inside, taken, model):
            out.append(
                replace(c, end=text.index("channel") + 7) if c.cue.text == "explained" else c
            )
        return out

    monkeypatch.setattr(quotes_module, "find_indirect", run_on)
    found = quotes_module.extract_quotes(doc, norm, "t")
    explained = next(q for q in found if q.cue and q.cue.text == "explained")
    assert explained.content.text == "why the crews will love the wall"
    assert any(q.content.text.startswith("\u201cThere is great danger") for q in found)


def test_aside_frame_holds_when_the_closing_mark_is_split_off() -> None:
    # the parser puts the closing mark of a paragraph's last quote in a sentence of its own
    text = (
        "Harbour master Lena Okafor spoke after the storm.\n\n"
        "So when the council signaled last summer that it would cut the budget, Okafor "
        'said, "we were floored."\n\n'
        "The council did not respond."
    )
    q = _find(_quotes(text), "floored")
    assert q.content.text.startswith("So when the council") and q.content.text.endswith('."')
    assert q.speaker == "Lena Okafor"


def test_headline_quoting_in_part_is_attributed_to_its_subject() -> None:
    text = (
        "Harbour Master Okafor Calls The Sea Wall \u2018A Disgrace To Vellin\u2019 After Storm.\n\n"
        "Harbour master Lena Okafor toured the pier on Monday.\n"
    )
    q = _find(_quotes(text), "A Disgrace")
    # what the verb takes, from the word after it, as PolNeAR's annotators mark it
    assert (
        q.direct and q.content.text == "The Sea Wall \u2018A Disgrace To Vellin\u2019 After Storm"
    )
    assert q.source is not None and "Okafor" in q.source.text
    assert q.cue is not None and q.cue.text == "Calls"
    text = (
        "Okafor Says Sea Wall Was \u2018Built To Fail.\u2019\n\n"
        "Harbour master Lena Okafor toured the pier on Monday.\n"
    )
    q = _find(_quotes(text), "Built To Fail")
    assert q.content.text == "Sea Wall Was \u2018Built To Fail.\u2019"
    # after a colon the quote stands alone
    text = (
        "Okafor Scolds The Council: \u2018Nobody Paid For The Wall.\u2019\n\n"
        "Harbour master Lena Okafor toured the pier on Monday.\n"
    )
    q = _find(_quotes(text), "Nobody Paid")
    assert q.content.text == "\u2018Nobody Paid For The Wall.\u2019"
    text = (
        "Ferry \u2018Will Sail On Monday,\u2019 Captain Ivo Brandt Says.\n\n"
        "Captain Ivo Brandt spoke at the harbour.\n"
    )
    q = _find(_quotes(text), "Will Sail")
    assert q.source is not None and q.source.text.endswith("Ivo Brandt")


def test_quote_after_a_colon_opens_a_statement_of_its_own() -> None:
    text = (
        "Ferry captain Ivo Brandt told the story on Monday.\n"
        "\u201cI said I would never sail in a storm,\u201d Brandt said. The passengers grew "
        "so upset that I had to change my answer: \u201cOf course I will sail tonight.\u201d\n"
    )
    quotes = _direct(text)
    assert [q.content.text for q in quotes] == [
        "\u201cI said I would never sail in a storm,\u201d",
        "\u201cOf course I will sail tonight.\u201d",
    ]
    assert quotes[1].speaker == "Ivo Brandt"


def test_colon_quote_takes_the_subject_of_the_clause_that_introduces_it() -> None:
    text = (
        "Vellin votes on the harbour levy next week.\n\n"
        "Mayor Ana Pell is taking a blunter message to the docks: \u201cPay now or sink.\u201d\n\n"
        "Council leader Tomas Reyes has a plan of his own: \u201cWe will borrow against the "
        "ferry fares and repair the sea wall before the winter storms.\u201d\n\n"
        "Harbour engineer Lin Okafor had a warning for the council:\n\n"
        "\u201cThe wall will not last another winter if nobody pays for it.\u201d\n"
    )
    short = _find(_direct(text), "Pay now")
    # the quote alone, not the clause that introduces it, and its speaker
    assert short.content.text == "\u201cPay now or sink.\u201d"
    assert short.speaker == "Ana Pell"
    long = _find(_direct(text), "borrow against")
    assert long.content.text.startswith("\u201cWe will borrow")
    assert long.speaker == "Tomas Reyes"
    # a colon ending the paragraph before the quote
    assert _find(_direct(text), "another winter").speaker == "Lin Okafor"


def test_a_title_in_quotation_marks_is_not_a_quote() -> None:
    text = (
        "Vellin's mayor took her case to the radio.\n\n"
        "On Tuesday\u2019s episode of \u201cThe Harbour Hour With Dana Reyes,\u201d Mayor Ana "
        "Pell said the levy would pay for the sea wall.\n\n"
        "In his 2019 book, \u201cHow to Save a Small Town,\u201d council leader Tomas Brandt "
        "argued for the same levy.\n"
    )
    contents = [q.content.text for q in _direct(text)]
    assert not any("Harbour Hour" in c or "Small Town" in c for c in contents), contents


def test_a_headline_with_its_byline_is_not_a_quote() -> None:
    # a reading list quotes other papers' headlines, each followed by its byline
    text = (
        "HARBOUR READS\n\n"
        "\u201cVellin will vote on the sea wall levy next spring, after months of delay,\u201d "
        "by the Gazette's Tomas Brandt: the council has set the date.\n\n"
        "\u201cWe will not wait another winter for a wall that keeps failing,\u201d Mayor Ana "
        "Pell said on Monday.\n"
    )
    contents = [q.content.text for q in _direct(text)]
    assert not any("next spring" in c for c in contents), contents
    assert any("another winter" in c for c in contents), contents


def test_second_part_after_the_frame_and_but_goes_on_the_same_quote() -> None:
    text = (
        "Mayor Ana Pell spoke about the harbour levy on Monday.\n\n"
        "\u201cI love this harbour,\u201d Pell said, but \u201cwhen it comes to the levy, the "
        "council has a history of waste.\u201d\n"
    )
    (q,) = _direct(text)
    assert q.content.text.startswith("\u201cI love this harbour,\u201d")
    assert q.content.text.endswith("a history of waste.\u201d")
    assert q.speaker == "Ana Pell"


def test_second_part_after_a_long_frame_and_still_goes_on_the_same_quote() -> None:
    # one word after the conjunction, and a frame of over 60 characters
    text = (
        "Mayor Ana Pell spoke about the harbour levy on Monday.\n\n"
        "The levy \u201cwill pay for the wall,\u201d Pell wrote in a long letter to the "
        "Vellin harbour board members, and still \u201cthe council has a history of "
        "waste.\u201d\n"
    )
    (q,) = _direct(text)
    assert q.content.text.endswith("a history of waste.\u201d"), q.content.text
    assert "will pay for the wall" in q.content.text
    assert q.speaker == "Ana Pell"


def test_aside_frame_without_quotes_attributes_the_whole_sentence() -> None:
    text = (
        "The Vellin ferry has lost money for three years.\n\n"
        "All of this, harbour master Lena Okafor said, could be undone by one more "
        "winter storm.\n\n"
        "The ferry will resume in May, Okafor said.\n"
    )
    quotes = _quotes(text)
    q = _find(quotes, "winter storm")
    assert q.content.text == (
        "All of this, harbour master Lena Okafor said, could be undone by one more winter storm"
    )
    assert q.speaker == "Lena Okafor" and q.cue.text == "said" and not q.direct
    # a frame closing its sentence is no aside: its content stops before it
    assert _find(quotes, "resume in May").content.text == "The ferry will resume in May"


def test_aside_frame_inside_a_relative_clause_attributes_that_clause() -> None:
    text = (
        "The crews met near the ferry terminal on Sunday. The terminal is next to the old "
        "boathouse, which, Okafor said, stays mostly empty in the winter months.\n"
    )
    q = _find(_quotes(text), "mostly empty")
    assert q.content.text == "which, Okafor said, stays mostly empty in the winter months"
    assert q.speaker == "Okafor"


def test_aside_frame_the_parser_takes_for_the_root() -> None:
    # the parser makes "explained" and "pointed" the sentence's root, with the opening
    # words as a loose noun or a second subject; the frame still sits inside its content
    text = (
        "Those pontoons, Okafor explained at the council meeting, were never meant for "
        "winter storms, holding six boats at most.\n\n"
        "The harbour, as one of the pilots pointed out, rarely freezes before January.\n\n"
        "Earlier in the week, Okafor called for a review of the levy, saying it was unfair.\n"
    )
    quotes = _quotes(text)
    q = _find(quotes, "winter storms")
    assert q.content.text == text[: text.index(" at most") + len(" at most")]
    assert q.cue.text == "explained" and q.speaker == "Okafor"
    q = _find(quotes, "rarely freezes")
    assert q.content.text.startswith("The harbour, as one") and q.cue.text == "pointed"
    # an opening phrase is no content: "called for" frames its own object
    assert not any(q.content.text.startswith("Earlier in the week") for q in quotes)
    # the parser may also make the speaker the object of "as"
    text = (
        "Kestrel Bay, as one of the council's surveyors pointed out, seldom sees two floods "
        "in one spring.\n"
    )
    q = _find(_quotes(text), "two floods")
    assert q.content.text == text.strip().rstrip(".")
    assert q.cue.text == "pointed" and q.source.text.startswith("one")


def test_quoted_word_taken_for_a_subject_leaves_the_speaker_after_the_verb() -> None:
    # the parser makes the quoted "Patience" a subject of "said" next to "Okafor"
    text = (
        "The crews want one thing.\n\n"
        '"Patience," said Okafor, a ferry captain. "Patience with the board, with the '
        'weather, with all of it."\n'
    )
    q = _find(_quotes(text), "with the weather")
    assert q.content.text == text[text.index('"Patience,"') : text.rindex('"') + 1]
    assert q.direct and q.cue.text == "said" and q.speaker == "Okafor"


def test_quotes_going_on_after_a_frame_that_closes_a_mixed_sentence() -> None:
    text = (
        "The pilots met on Monday.\n\n"
        'The ferry "did best with commuters" in its first summer, said transport '
        'researcher Lena Beck. "It was their boat more than the tourists\'."\n\n'
        "The vote \"was the first time I thought, 'They might listen,'\" Okafor said "
        'after the meeting. "Now I am not so sure."\n'
    )
    quotes = _quotes(text)
    q = _find(quotes, "their boat")
    assert q.content.text.startswith("The ferry") and q.content.text.endswith("tourists'.\"")
    assert q.direct and q.speaker == "Lena Beck"
    # a quote ending in a quote of its own ("...,'\"") is still closed by its frame
    q = _find(quotes, "not so sure")
    assert q.content.text.startswith("The vote") and q.speaker == "Okafor"


def test_title_case_quote_in_running_text_names_a_thing() -> None:
    text = (
        "The crews have a new campaign.\n\n"
        'Its opening move was a two-minute online clip, "Harbour Lights," in which deckhands '
        'use a paper boat to knock over a toy pier, shouting "no more fees!" A board member '
        "called it unfair.\n\n"
        "Pell spoke last. \u201cYour Honor,\u201d she said, \u201cthe harbour board never "
        "asked us.\u201d\n"
    )
    quotes = _quotes(text)
    assert not any("Harbour Lights" in q.content.text for q in quotes)
    assert _find(quotes, "no more fees").direct
    # opening its sentence, a title-case quote is speech
    q = _find(quotes, "never asked us")
    assert q.content.text.startswith("\u201cYour Honor,\u201d") and q.speaker == "Pell"


def test_poll_opening_its_sentence_reports_the_rest() -> None:
    text = (
        "The ferry vote is close.\n\n"
        "In a harbour board survey last month, the ferry trailed the bridge by 12 points.\n\n"
        "The ferry did better in a survey of pilots than anyone expected.\n"
    )
    quotes = _quotes(text)
    q = _find(quotes, "trailed the bridge")
    assert q.content.text == "the ferry trailed the bridge by 12 points"
    assert q.cue.text == "In" and q.source.text == "a harbour board survey last month"
    assert q.speaker == "harbour board survey"  # a document, named by its head noun
    # a poll named later in its sentence is no attribution by itself
    assert not any(q.cue is not None and q.cue.text == "in" for q in quotes)


def test_cue_that_frames_a_quote_frames_nothing_else() -> None:
    from storylens.extract.indirect import AttributionModel
    from storylens.extract.quotes import extract_quotes
    from storylens.normalize import normalize
    from storylens.pipeline import nlp_pipeline

    text = (
        "\u201cWe will rebuild the pier before the winter storms,\u201d Okafor told the "
        "harbour board members on Monday.\n"
    )
    norm = normalize(text)
    doc = nlp_pipeline()(norm.text)
    every = AttributionModel({}, 0.0, 0.4, 0.4)  # every candidate at p = 0.5, all kept
    quotes = extract_quotes(doc, norm, "t", model=every)
    told = [q for q in quotes if q.cue is not None and q.cue.text == "told"]
    # the quote alone: not also "the harbour board members" as a second content of "told"
    assert [q.content.text for q in told] == [
        "\u201cWe will rebuild the pier before the winter storms,\u201d"
    ]


def test_according_to_keeps_a_content_the_parser_hung_on_the_source() -> None:
    # the parser takes "reeks" for an apposition of "Okafor", so the whole sentence is
    # the "according to" phrase; the content still starts after the source's comma
    text = (
        "The Vellin ferry lost money again.\n\n"
        "According to harbour master Lena Okafor, the plan reeks of \u201cpanic\u201d and "
        "haste.\n\nThe ferry resumes in May.\n"
    )
    q = _find(_quotes(text), "reeks")
    assert q.content.text == "the plan reeks of \u201cpanic\u201d and haste"
    assert q.cue.text == "According to"
    assert q.speaker == "Lena Okafor"


def test_according_to_at_a_paragraph_end_leaves_the_phrase_out_of_the_content() -> None:
    # the sentence runs on past its full stop into the paragraph break; the phrase
    # still closes it, so the content is what precedes the phrase, not the whole sentence
    text = (
        "The Vellin ferry lost money again.\n\n"
        "The ferry carried 41,000 fewer passengers than in 2024, according to the "
        "harbour board.\n\n"
        "The ferry resumes in May.\n"
    )
    q = _find(_quotes(text), "fewer passengers")
    assert q.content.text == "The ferry carried 41,000 fewer passengers than in 2024"
    assert q.cue.text == "according to"
    assert q.source is not None and q.source.text == "the harbour board"


def test_according_to_leaves_out_a_loose_phrase_after_it() -> None:
    text = (
        "The Vellin ferry lost money again.\n\n"
        "The ferry carried 9,000 riders in May, according to the port office, compared "
        "with 12,000 a year earlier.\n\n"
        "Ridership fell by a third, according to the port office - the steepest drop in "
        "a decade.\n\n"
        "The ferry lost money in May, according to the port office, because fuel prices "
        "rose.\n"
    )
    quotes = _quotes(text)
    # a phrase hung on the clause ("compared with ...", "- the steepest drop") is the
    # writer's gloss, not part of what the office reported
    assert _find(quotes, "9,000 riders").content.text == "The ferry carried 9,000 riders in May"
    assert _find(quotes, "by a third").content.text == "Ridership fell by a third"
    # a clause of its own after the phrase stays in the content
    because = _find(quotes, "fuel prices")
    assert because.content.text.startswith("The ferry lost money in May")


def test_no_content_starts_inside_a_rule_quote_and_runs_out_of_it() -> None:
    # the parser makes the quote's clause a complement of "concludes", whose content
    # would begin after the opening mark and run on past the closing one
    text = (
        "The council ran an advert against the mayor.\n\n"
        "The spot concludes with footage of Pell saying during the debate last week, "
        "\u201cThat makes me smart,\u201d when Okafor blasted him for not paying the levy.\n\n"
        "The advert ran twice.\n"
    )
    quotes = _quotes(text)
    assert any(q.content.text == "\u201cThat makes me smart,\u201d" for q in quotes)
    for q in quotes:
        inside = text.index("\u201cThat") < q.content.start < text.index("smart,\u201d") + 7
        assert not (inside and q.content.end > text.index("when")), q.content.text


def test_as_clause_of_saying_attributes_the_rest_of_the_sentence() -> None:
    text = (
        "The Vellin ferry lost money again.\n\n"
        "As the harbour board noted on Monday, the ferry has lost money for six years.\n\n"
        "The levy will pay for the new pier, as Mayor Ana Pell reported.\n"
    )
    quotes = _quotes(text)
    noted = _find(quotes, "six years")
    assert noted.content.text == "the ferry has lost money for six years"
    assert noted.cue.text == "noted" and "harbour board" in noted.source.text
    reported = _find(quotes, "new pier")
    assert reported.content.text == "The levy will pay for the new pier"
    assert reported.speaker == "Ana Pell"


def test_as_clause_that_compares_or_tells_the_time_is_no_attribution() -> None:
    text = (
        "The Vellin ferry lost money again.\n\n"
        "The pier is as old as Okafor claims to be.\n\n"
        "As she spoke to the crew, the storm reached the harbour.\n"
    )
    # neither "as" clause reports the rest of its sentence
    contents = [q.content.text for q in _quotes(text)]
    assert not any("pier is" in c or "storm reached" in c for c in contents), contents


def test_as_someone_put_it_attributes_the_words_it_stands_for() -> None:
    text = (
        "The Vellin ferry lost money again.\n\n"
        "As Mayor Ana Pell put it in a letter to the council, the ferry is "
        "“a boat that sails on borrowed time.”\n\n"
        "The ferry's captain has long been known, as The Harbour Review put it in a "
        "profile last spring, as “the quiet fixer.”\n\n"
        "Or, as the ferry’s captain put it on Monday: “We keep bailing water. The "
        "hull keeps taking more.”\n"
    )
    quotes = _quotes(text)
    letter = _find(quotes, "borrowed time")
    assert letter.content.text.startswith("the ferry is")
    assert letter.cue.text == "put" and letter.speaker == "Ana Pell"
    # the quote after the aside is what "it" stands for, not the sentence around it
    fixer = _find(quotes, "quiet fixer")
    assert fixer.content.text == "“the quiet fixer.”"
    assert fixer.cue.text == "put" and "Harbour Review" in fixer.source.text
    # a colon quote has its own frame, and the aside adds no second content over it
    hull = [q for q in quotes if "bailing water" in q.content.text]
    assert len(hull) == 1 and hull[0].content.text.startswith("“We keep")
    assert not any(q.content.text.startswith("Or,") for q in quotes)


def test_attributed_sentence_between_two_quotes_opens_its_own_content() -> None:
    text = (
        "The council met on Friday.\n\n"
        "“We have argued about the pier for a whole year,” Mayor Ana Pell said "
        "after the vote. The budget is “a mere patch,” she added later. "
        "“Without a new levy, the ferry will stop by June.”\n"
    )
    quotes = _quotes(text)
    first = _find(quotes, "argued about the pier")
    assert first.content.text == "“We have argued about the pier for a whole year,”"
    added = _find(quotes, "new levy")
    assert added.content.text.startswith("The budget is")
    assert added.content.text.endswith("stop by June.”")
    assert added.cue.text == "added" and added.speaker == "Ana Pell" and added.direct


def test_relative_clause_with_a_verb_of_saying_is_reported_whole() -> None:
    text = (
        "The Vellin ferry lost money again.\n\n"
        "Mayor Ana Pell backed the harbour levy, which she said would keep the ferry "
        "sailing through the winter.\n\n"
        "The council also cut the pier budget, which critics say was the town's only plan "
        "for the storms.\n\n"
        "The clerk who spoke to us said nothing more.\n"
    )
    quotes = _quotes(text)
    levy = _find(quotes, "through the winter")
    # the relative pronoun and the frame are part of what is reported
    assert levy.content.text == "which she said would keep the ferry sailing through the winter"
    assert levy.cue.text == "said" and levy.speaker == "Ana Pell"
    budget = _find(quotes, "only plan")
    assert budget.content.text.startswith("which critics say was")
    assert budget.source is not None and budget.source.text == "critics"
    # a relative clause that only holds a verb of saying reports nothing of its own
    assert not any(q.content.text.startswith("who spoke") for q in quotes)


def test_hedged_clause_is_attributed_whole_and_to_no_one() -> None:
    text = (
        "The Vellin ferry lost money again.\n\n"
        "The ferry is expected to resume sailing in May. After the vote, Mayor Pell "
        "seemed to regret the levy.\n"
    )
    quotes = _quotes(text)
    expected = _find(quotes, "resume sailing")
    assert expected.content.text == "The ferry is expected to resume sailing in May"
    assert expected.cue.text == "expected" and expected.speaker is None
    seemed = _find(quotes, "regret")
    assert seemed.content.text == "Mayor Pell seemed to regret the levy"
    assert seemed.source is None and seemed.speaker is None


def test_idioms_of_saying_report_no_one() -> None:
    text = (
        "The levy passed by two votes. That said, the ferry will not run before May, "
        "and Pell said the levy was fair. It goes without saying that the crews dislike "
        "the levy. Needless to say, the harbour board stayed silent.\n"
    )
    contents = {q.content.text: q for q in _quotes(text)}
    assert "the ferry will not run before May" not in contents, contents
    assert not any("crews dislike" in c for c in contents), contents
    assert not any("stayed silent" in c for c in contents), contents
    assert contents["the levy was fair"].speaker == "Pell"


def test_having_said_that_and_that_being_said_report_no_one() -> None:
    text = (
        "The levy is unfair. (Having said that, the pier needs repairs before May.) "
        "That being said, the harbour board will vote on Monday. "
        "Having said that the levy was unfair, Okafor left the meeting.\n"
    )
    from storylens.extract.indirect import iter_candidates
    from storylens.normalize import normalize
    from storylens.pipeline import nlp_pipeline

    norm = normalize(text)
    doc = nlp_pipeline()(norm.text)
    cued = {c.cue.i for c in iter_candidates(doc, norm.text) if c.cue.lower_ == "said"}
    saids = [t.i for t in doc if t.lower_ == "said"]
    assert cued == {saids[2]}  # no candidate for the two idioms
    contents = {q.content.text: q for q in _quotes(text)}
    assert not any("pier needs repairs" in c for c in contents), contents
    assert not any("board will vote" in c for c in contents), contents
    # with a clause of its own, "having said" reports it
    assert contents["that the levy was unfair"].speaker == "Okafor"
