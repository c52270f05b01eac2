"""The seed story's quotes and sources (EXPECTED.md items 2 and 6), read from ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens.ingest import read_inputs
from storylens.pipeline import analyze


@pytest.fixture(scope="module")
def seeds(seeds_path: Path) -> dict:
    articles, _ = read_inputs([str(seeds_path)])
    return {r.article.id: r for r in analyze(articles)}


def _speaker_of(result, words: str) -> str | None:
    matches = [q for q in result.quotes if words in q.content.text]
    assert matches, f"no quote containing {words!r}"
    return matches[0].speaker


@pytest.mark.parametrize(
    ("article", "words", "speaker"),
    [
        ("fox", "our territory is inalienable", "Claudia Sheinbaum"),
        ("fox", "never accept the presence of the United States Army", "Claudia Sheinbaum"),
        ("fox", "We can collaborate and work together", "Claudia Sheinbaum"),
        ("fox", "most secure border in history", "Anna Kelly"),
        ("fox", "We will make America safe again", "Anna Kelly"),
        ("fox", "In the appropriate context, unilateral action", "Heritage Foundation"),
        ("epoch", "the territory is inviolable", "Claudia Sheinbaum"),
        ("epoch", "We can share information but we will never accept", "Claudia Sheinbaum"),
    ],
)
def test_expected_quotes_have_the_right_speaker(
    seeds: dict, article: str, words: str, speaker: str
) -> None:
    assert _speaker_of(seeds[article], words) == speaker


def test_every_span_cites_the_original(seeds: dict) -> None:
    for result in seeds.values():
        text = result.article.text
        for q in result.quotes:
            for span in (q.content, q.source, q.cue):
                if span is not None:
                    assert text[span.start : span.end] == span.text
        for s in result.sources:
            for span in (*s.mentions, s.non_response):
                if span is not None:
                    assert text[span.start : span.end] == span.text


def test_sources_per_outlet(seeds: dict) -> None:
    fox = {s.name: s for s in seeds["fox"].sources}
    epoch = {s.name: s for s in seeds["epoch"].sources}
    assert fox["Claudia Sheinbaum"].kind == "person" and "President" in (
        fox["Claudia Sheinbaum"].role or ""
    )
    kelly = fox["Anna Kelly"]
    assert kelly.kind == "person" and kelly.role == "White House deputy press secretary"
    assert kelly.via == "statement provided to the outlet" and kelly.quotes >= 2
    assert (
        fox["Heritage Foundation"].kind == "organisation"
        and fox["Heritage Foundation"].via == "report"
    )
    assert epoch["Claudia Sheinbaum"].kind == "person"
    assert epoch["Wall Street Journal"].kind == "outlet"
    assert epoch["anonymous sources"].kind == "anonymous"
    assert epoch["Pete Hegseth"].via == "interview with Fox News"
    assert epoch["White House"].non_response is not None
    assert "did not respond" in epoch["White House"].non_response.text
    assert "White House" not in fox or fox["White House"].non_response is None
