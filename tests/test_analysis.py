"""The analysis as data: records read back exactly, and the comparison from records alone
gives the very report the comparison from the text gives (demo story, seeds)."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storylens.align.embed import statement_embedder_name
from storylens.analysis import (
    RECORD_FORMAT,
    STAGE_VERSIONS,
    ArticleAnalysis,
    analyse_article,
    analyse_articles,
    current_versions,
)
from storylens.cli.compare import demo_corpus
from storylens.compare import compare, compare_articles
from storylens.errors import RecordError, RejectedInput, VectorSpaceError
from storylens.ids import story_id
from storylens.ingest import read_inputs
from storylens.model import Article, Report
from storylens.pipeline import analyze
from storylens.report import report_to_dict


def _report_json(articles: list[Article], **how: Any) -> str:
    story = compare_articles(articles, **how)
    return json.dumps(report_to_dict(Report(stories=(story,))), sort_keys=True)


def _read_back(records: list[ArticleAnalysis]) -> list[ArticleAnalysis]:
    """Each record through JSON text and back, as another process would read it."""
    return [
        ArticleAnalysis.from_dict(json.loads(json.dumps(r.to_dict())), r.article) for r in records
    ]


@pytest.fixture(scope="module")
def demo() -> tuple[list[Article], list[ArticleAnalysis]]:
    articles, rejected = read_inputs([str(demo_corpus())])
    assert not rejected
    return articles, list(analyse_articles(articles))


def test_records_read_back_exactly(demo: tuple[list[Article], list[ArticleAnalysis]]) -> None:
    articles, records = demo
    assert [r.article for r in records] == articles
    for record, again in zip(records, _read_back(records), strict=True):
        assert again == record
        assert np.array_equal(again.vectors, record.vectors)
        payload, vectors = record.to_payload()
        stored = ArticleAnalysis.from_payload(payload, vectors, record.article)
        assert stored == record and np.array_equal(stored.vectors, record.vectors)
        assert pickle.loads(pickle.dumps(record)) == record  # what a process pool ships
        assert len(vectors) == 4 * record.vectors.size  # float32, no JSON around the numbers


def test_records_are_stamped_and_current(
    demo: tuple[list[Article], list[ArticleAnalysis]],
) -> None:
    _, records = demo
    for record in records:
        assert record.format == RECORD_FORMAT
        assert dict(record.versions) == {**STAGE_VERSIONS, "vectors": statement_embedder_name()}
        assert record.embedder == statement_embedder_name()
        assert record.vectors.shape == (len(record.statements), record.vectors.shape[1])
        assert record.is_current()
        bumped = {**current_versions(), "statements": "0"}
        assert not record.is_current(bumped)
        assert not replace(record, format=RECORD_FORMAT + 1).is_current()


def test_every_span_of_a_record_cites_the_original_text(
    demo: tuple[list[Article], list[ArticleAnalysis]],
) -> None:
    _, records = demo
    for record in _read_back(demo[1]):
        text = record.article.text
        spans = [(s.start, s.end, s.text) for s in record.sentences]
        for q in record.quotes:
            spans += [(x.start, x.end, x.text) for x in (q.content, q.source, q.cue) if x]
        for s in record.sources:
            spans += [(m.start, m.end, m.text) for m in s.mentions]
        spans += [(t.start, t.end, t.text) for t in record.timexes]
        for st in record.statements:
            spans.append((st.start, st.end, st.text))
            spans += [(p.start, p.end, p.text) for p in st.persons]
            spans += [(t.start, t.end, t.text) for t in st.times]
            for n in st.numbers:
                assert 0 <= n.start < n.end <= len(text)
        assert spans
        for start, end, cited in spans:
            assert text[start:end] == cited
        for e in record.entities:
            assert 0 <= e.start < e.end <= len(text) and e.text.strip()
    assert any(r.entities for r in records) and any(r.timexes for r in records)


def test_a_record_is_read_only_against_its_own_text(
    demo: tuple[list[Article], list[ArticleAnalysis]],
) -> None:
    articles, records = demo
    payload, vectors = records[0].to_payload()
    edited = replace(articles[0], text=articles[0].text + " And one more sentence.")
    with pytest.raises(RecordError, match="another text"):
        ArticleAnalysis.from_payload(payload, vectors, edited)
    with pytest.raises(RecordError, match="another text"):
        ArticleAnalysis.from_payload(payload, vectors, articles[1])
    future = json.dumps({**json.loads(payload), "format": RECORD_FORMAT + 1})
    with pytest.raises(RecordError, match="record format"):
        ArticleAnalysis.from_payload(future, vectors, articles[0])
    with pytest.raises(RecordError, match="damaged"):
        ArticleAnalysis.from_payload(payload, vectors[:-4], articles[0])
    with pytest.raises(RecordError, match="not JSON"):
        ArticleAnalysis.from_payload(payload[:-3], vectors, articles[0])


def test_compare_from_records_is_the_compare_from_the_text(
    demo: tuple[list[Article], list[ArticleAnalysis]],
) -> None:
    articles, records = demo
    from_text = _report_json(articles)
    assert _report_json(articles, analyses=_read_back(records)) == from_text
    # an article without a record (refused by the analysis) is left out both ways alike
    assert _report_json(articles, analyses=_read_back(records[1:])) == _report_json(
        articles, analyzed=list(analyze(articles[1:]))
    )


def test_compare_from_records_is_the_compare_from_the_text_on_the_seeds(
    seeds_path: Path,
) -> None:
    articles, _ = read_inputs([str(seeds_path)])
    records = _read_back(list(analyse_articles(articles)))
    assert _report_json(articles, analyses=records) == _report_json(articles)


def test_compare_from_records_needs_no_parse(
    demo: tuple[list[Article], list[ArticleAnalysis]], tmp_path: Path
) -> None:
    """In a fresh interpreter, records read from JSON are compared without spaCy."""
    articles, records = demo
    saved = tmp_path / "records.json"
    saved.write_text(
        json.dumps(
            {
                "articles": [
                    {"id": a.id, "text": a.text, "outlet": a.outlet, "title": a.title}
                    for a in articles
                ],
                "records": [r.to_dict() for r in records],
            }
        ),
        encoding="utf-8",
    )
    code = (
        "import json, sys\n"
        "from storylens.model import Article\n"
        "from storylens.analysis import ArticleAnalysis\n"
        "from storylens.compare import compare_articles\n"
        f"d = json.load(open({str(saved)!r}, encoding='utf-8'))\n"
        "arts = [Article(**a) for a in d['articles']]\n"
        "recs = [ArticleAnalysis.from_dict(r, a) for r, a in zip(d['records'], arts)]\n"
        "story = compare_articles(arts, analyses=recs)\n"
        "print(len(story.facts), 'spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    facts, spacy_loaded = out.stdout.split()
    assert int(facts) == len(compare_articles(articles, analyses=records).facts) > 0
    assert spacy_loaded == "False"


def test_records_of_another_embedder_are_refused(
    demo: tuple[list[Article], list[ArticleAnalysis]],
) -> None:
    articles, records = demo
    other = replace(records[0], versions={**records[0].versions, "vectors": "another-model"})
    with pytest.raises(VectorSpaceError, match="analyse the article again"):
        compare_articles(articles, analyses=[other, *records[1:]])


def test_analyse_article_is_a_picklable_function_of_one_article(
    demo: tuple[list[Article], list[ArticleAnalysis]],
) -> None:
    articles, records = demo
    assert pickle.loads(pickle.dumps(analyse_article)) is analyse_article
    assert analyse_article(articles[2]) == records[2]
    with pytest.raises(RejectedInput) as refused:
        analyse_article(Article(id="bad\x00id", text="The ferry sailed on time."))
    assert refused.value.reason == "record"


def test_one_story_id_formula(demo: tuple[list[Article], list[ArticleAnalysis]]) -> None:
    """compare's ids are the clusterer's: the founding article's, as the store has them."""
    from storylens.cluster import cluster_articles

    articles, records = demo
    assert compare_articles(articles, analyses=records).id == story_id(articles[0].id)
    (story,) = {s for _, s in cluster_articles(articles)}
    (report,) = compare(articles).stories
    assert report.id == story == story_id(articles[0].id)
