"""The seed articles' scraping damage is repaired or flagged (reads ../shared at test time)."""

from __future__ import annotations

from pathlib import Path

from storylens.ingest import read_inputs
from storylens.normalize import normalize
from storylens.pipeline import analyze


def _seeds(seeds_path: Path) -> dict[str, object]:
    articles, rejected = read_inputs([str(seeds_path)])
    assert not rejected
    return {a.id: a for a in articles}


def test_epoch_broken_lines_are_joined(seeds_path: Path) -> None:
    epoch = _seeds(seeds_path)["epoch"]
    norm = normalize(epoch.text)  # type: ignore[attr-defined]
    joined = [r for r in norm.repairs if r.kind == "joined_line"]
    # the six lines broken where a link used to be
    assert len(joined) == 6
    for words in (
        "first reported",
        "Sheinbaum agreed",
        "military action",
        "State Department designated",
    ):
        assert words in norm.text
    assert not [r for r in norm.repairs if r.kind == "truncated"]


def test_fox_cut_off_byline_flagged_and_dropped_link_text_found(seeds_path: Path) -> None:
    fox = _seeds(seeds_path)["fox"]
    text = fox.text  # type: ignore[attr-defined]
    norm = normalize(text)
    cut = [r for r in norm.repairs if r.kind == "truncated"]
    assert [text[r.start : r.end] for r in cut] == ["Digital\u2019s Adam Shaw and"]
    dropped = [text[r.start : r.end] for r in norm.repairs if r.kind == "dropped_text"]
    assert "using to conduct" in dropped


def test_sentences_cite_the_original_and_mark_the_truncated_line(seeds_path: Path) -> None:
    results = {r.article.id: r for r in analyze(list(_seeds(seeds_path).values()), extract=False)}
    for result in results.values():
        for sentence in result.sentences:
            assert result.article.text[sentence.start : sentence.end] == sentence.text
    fox_last = results["fox"].sentences[-1]
    assert fox_last.truncated and fox_last.text.endswith("Adam Shaw and")
    assert not any(s.truncated for s in results["fox"].sentences[:-1])
    # a joined sentence spans the original line break
    assert any("first\nreported" in s.text for s in results["epoch"].sentences)
