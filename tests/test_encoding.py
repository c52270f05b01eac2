"""Mojibake repair (stage 0 of the normaliser) and publication dates."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.dates import parse_published, published_day, published_from_html
from storylens.encoding import repair_encoding
from storylens.ingest import article_from_record
from storylens.ingest.readers import html_to_article
from storylens.model import Article
from storylens.normalize import normalize
from storylens.pipeline import analyze

# A made-up quote, written in UTF-8 and read back as Windows-1252 (the closing mark's
# last byte, 0x9D, has no Windows-1252 character and was dropped on the way).
MOJIBAKE = (
    "Harbour master Lena Okafor spoke in Vellin on Tuesday.\n"
    "â€œWe will rebuild the east pier before the winter,â€ Okafor said.\n"
    "Itâ€™s the third storm this year, the cafÃ© owners said.\n"
)


def test_mojibake_is_repaired_with_offsets_into_the_original() -> None:
    norm = normalize(MOJIBAKE)
    assert "\u201cWe will rebuild the east pier before the winter,\u201d" in norm.text
    assert "It\u2019s the third storm" in norm.text and "café owners" in norm.text
    fixed = [r for r in norm.repairs if r.kind == "mojibake"]
    assert [MOJIBAKE[r.start : r.end] for r in fixed] == ["â€œ", "â€", "â€™", "Ã©"]
    for i in range(len(norm.text)):
        span = norm.span(i, i + 1)
        assert MOJIBAKE[span.start : span.end] == span.text


def test_direct_quote_in_mojibake_is_found_and_cites_the_original() -> None:
    (result,) = list(analyze([Article(id="m", text=MOJIBAKE)]))
    quote = next(q for q in result.quotes if "rebuild the east pier" in q.content.text)
    assert quote.direct and quote.speaker == "Lena Okafor"
    for span in (quote.content, quote.source, quote.cue):
        assert span is not None and MOJIBAKE[span.start : span.end] == span.text
    assert "We will rebuild the east pier before the winter" in quote.content.text


def test_clean_text_is_left_alone() -> None:
    text = "Café owners said “no” — and meant it. Ça va? Größe, naïve, São Paulo."
    repaired = repair_encoding(text)
    assert repaired.text == text and repaired.repairs == ()


def test_lost_byte_restored_only_when_it_was_lost() -> None:
    assert repair_encoding("the end.â€").text == "the end.\u201d"
    assert repair_encoding("he said â€” then").text == "he said \u2014 then"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aé “”’\nâ€œ™Ã©Â\u00a0\x9dsaid.")), max_size=80))
def test_offset_map_holds_for_any_mixture(text: str) -> None:
    norm = normalize(text)
    for i in range(len(norm.text)):
        span = norm.span(i, i + 1)
        assert text[span.start : span.end] == span.text
    for r in norm.repairs:
        assert 0 <= r.start <= r.end <= len(text)


def test_mojibake_repair_takes_linear_time() -> None:
    # difflib over the whole text, the alignment this replaced, took 0.37 and 3.17 CPU s on
    # 2,000 and 4,000 characters of this; the repair now 0.40 s on 100,000 and 1.32 on
    # 400,000 (benchmarks/results/robustness.md, mojibake)
    unit = "The mayor said â€œwe will rebuildâ€ on Monday. Ã©tÃ© Le maire a déclaré. "
    timings = []
    for n in (25_000, 100_000):
        text = (unit * (n // len(unit) + 1))[:n]
        clock = time.process_time()
        repaired = repair_encoding(text)
        timings.append(time.process_time() - clock)
        assert "\u201cwe will rebuild\u201d" in repaired.text and "été" in repaired.text
        assert len(repaired.starts) == len(repaired.text)
        for k in range(0, len(repaired.text), 997):  # a character is itself or its bytes
            start, end = repaired.starts[k], repaired.ends[k]
            assert text[start:end] == repaired.text[k] or end - start > 1
    assert timings[1] < 8 * timings[0] + 0.5, timings  # 4x the text; quadratic is 16x


def test_a_repair_that_drops_characters_is_recorded() -> None:
    text = "The Orrin ferry Â\x8d left on time."
    repaired = repair_encoding(text)
    covered = {k for r in repaired.repairs for k in range(r.start, r.end)}
    mapped = {k for a, b in zip(repaired.starts, repaired.ends, strict=True) for k in range(a, b)}
    assert covered | mapped == set(range(len(text)))
    assert any(text[r.start : r.end] == "Â\x8d" for r in repaired.repairs)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("given_as", "stored"),
    [
        ("Tue, 25 Mar 2014 10:00:00 GMT", "2014-03-25T10:00:00+00:00"),
        ("Tue, 25 Mar 2014 10:00:00 -0500", "2014-03-25T10:00:00-05:00"),
        ("Sun, 08 Apr 2031 14:30:00 +0100", "2031-04-08T14:30:00+01:00"),
        ("April 8, 2031", "2031-04-08"),
        ("8 April 2031 10:00 CET", "2031-04-08T10:00:00+01:00"),
        ("2031-04-08T23:30:00-05:00", "2031-04-08T23:30:00-05:00"),
        ("2031-04-08T10:00:00Z", "2031-04-08T10:00:00+00:00"),
        ("2031-04-08", "2031-04-08"),
        ("2031-04-08 10:00", "2031-04-08T10:00:00"),
        ("25 mars 2014 à 10h00", "2014-03-25T10:00:00"),
        ("yesterday", None),
        ("2 hours ago", None),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_published_dates_keep_time_and_zone(given_as: str | None, stored: str | None) -> None:
    assert parse_published(given_as) == stored


def test_day_is_the_one_the_outlet_printed() -> None:
    # 23:30 in New York is already the next day in UTC; the local day is kept
    assert str(published_day("Tue, 08 Apr 2031 23:30:00 -0500")) == "2031-04-08"


def test_jsonl_record_dates_are_parsed_and_unreadable_ones_kept() -> None:
    article = article_from_record(
        {"id": "x", "text": "Some text.", "published": "Tue, 25 Mar 2014 10:00:00 GMT"}, "t"
    )
    assert article.published == "2014-03-25T10:00:00+00:00"
    odd = article_from_record({"id": "y", "text": "Some text.", "published": "sometime"}, "t")
    assert odd.published == "sometime"  # never lost, only not understood


PAGE = """<!doctype html><html><head><title>Pier closes</title>
<meta property="article:published_time" content="2031-04-08T09:15:00+02:00">
</head><body><article><h1>Pier closes</h1>
<p>The harbour authority of Vellin closed the east pier on Tuesday after a crane
collapsed onto the walkway, officials said in a statement released that evening.</p>
<p>Repairs are expected to take at least two weeks, according to the authority.</p>
</article></body></html>"""


def test_page_metadata_gives_time_and_zone() -> None:
    assert published_from_html(PAGE) == "2031-04-08T09:15:00+02:00"
    assert html_to_article(PAGE, "page.html").published == "2031-04-08T09:15:00+02:00"


def test_json_ld_date_is_read() -> None:
    page = PAGE.replace(
        '<meta property="article:published_time" content="2031-04-08T09:15:00+02:00">',
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "April 8, 2031"}</script>',
    )
    assert published_from_html(page) == "2031-04-08"
