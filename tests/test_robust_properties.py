"""Property: arbitrary unicode, lone surrogates, NULs and long runs of quotation marks go
through ingest, quotes and compare without a crash, with every cited offset exact, in
time within a bound linear in the length of the input (issue 25).

Each example is a JSONL record between two good made-up records; the good ones must
always come out. The default run tries a few examples; --runslow tries many more.
"""

from __future__ import annotations

import functools
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.ingest.clean import UNSTORABLE
from storylens.ingest.readers import iter_bytes
from storylens.ingestion import ingest
from storylens.isolate import compare_isolated
from storylens.model import Article, Rejection
from storylens.pipeline import analyze
from storylens.report import report_to_dict
from storylens.store import open_store
from test_store import fake_featurize

MARKS = "\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb`"
GOOD = [
    {"id": "g1", "text": '"The Orrin dam will hold," engineer Tam Rusk said on Monday.'},
    {"id": "g2", "text": 'Engineer Tam Rusk said the Orrin dam "will hold" through the storm.'},
]
# CPU seconds: a fixed allowance plus a per-character one; a quadratic step in ingest,
# quotes or compare on these inputs (up to 36,000 characters) would overrun it
BOUND_FIXED, BOUND_PER_CHAR = 20.0, 0.001

segments = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=60),  # surrogates included
    st.builds(lambda mark, n: mark * n, st.sampled_from(MARKS), st.integers(1, 3000)),
    st.sampled_from(
        [
            "\x00",
            "\ud800",
            "\udfff",
            "\n",
            "\n\n",
            " said ",
            "The council of Orrin voted on Tuesday. ",
            '"We will rebuild," Mayor Ilse Varro said. ',
        ]
    ),
)
texts = st.lists(segments, min_size=1, max_size=12).map("".join)


def _spans(data: Any) -> list[dict[str, Any]]:
    """Every dict with start, end and text (or value) under ``data``."""
    found = []
    if isinstance(data, dict):
        if {"start", "end"} <= set(data) and ("text" in data or "value" in data):
            found.append(data)
        for value in data.values():
            found += _spans(value)
    elif isinstance(data, list):
        for value in data:
            found += _spans(value)
    return found


@functools.lru_cache(maxsize=1)
def _warm() -> None:
    """Load the models once, so the time bound measures the work, not the loading."""
    articles = [Article(id=str(r["id"]), text=str(r["text"])) for r in GOOD]
    compare_isolated(articles, group=False)


def _check(text: str) -> None:
    _warm()
    started = time.process_time()  # CPU time: what other work on the machine cannot inflate
    record = {"id": "fuzz", "outlet": "Fuzz \ud800 Post", "text": text}
    data = "\n".join(json.dumps(r) for r in (GOOD[0], record, GOOD[1])).encode()
    items = list(iter_bytes(data, "fuzz.jsonl", hint=".jsonl"))
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.id for a in articles if a.id.startswith("g")] == ["g1", "g2"]
    fuzz = next((a for a in articles if a.id == "fuzz"), None)
    if fuzz is None:
        (rejection,) = [i for i in items if isinstance(i, Rejection)]
        assert rejection.reason in ("empty", "encoding"), rejection
    else:  # cleaned one for one: every offset is the offset into the text as given
        given = json.loads(json.dumps(text))  # JSON joins an escaped surrogate pair
        assert fuzz.text == UNSTORABLE.sub("\ufffd", given)
        assert UNSTORABLE.search(fuzz.outlet or "") is None

    # quotes: every span exact into the stored text
    texts = {a.id: a.text for a in articles}
    rejected: list[Rejection] = []
    results = list(analyze(articles, keep_docs=False, on_reject=rejected.append))
    assert rejected == [] and {r.article.id for r in results} == set(texts)
    for r in results:
        for q in r.quotes:
            for span in (q.content, q.source, q.cue):
                if span is not None:
                    assert texts[r.article.id][span.start : span.end] == span.text
        for s in r.sentences:
            assert texts[r.article.id][s.start : s.end] == s.text

    # compare: every cited offset in the report exact
    report = report_to_dict(compare_isolated(articles, group=False))
    assert report["rejected"] == []
    for story in report["stories"]:
        for block in ("facts", "quotes", "conflicts", "article_quotes", "repairs"):
            for span in _spans(story[block]):
                article = span.get("article") or span.get("id")
                if article in texts and "text" in span:
                    assert texts[article][span["start"] : span["end"]] == span["text"]

    # ingest: everything stored, the stored text is the cleaned one
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.db") as store:
        counts = ingest(store, items, featurizer=fake_featurize)
        assert counts.new == len(articles)
        assert {a.id: a.text for a in store.articles()} == texts
    took = time.process_time() - started
    assert took < BOUND_FIXED + BOUND_PER_CHAR * len(text), (len(text), took)


_SETTINGS = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(max_examples=6, **_SETTINGS)  # type: ignore[arg-type]
@given(texts)
def test_hostile_text_through_ingest_quotes_and_compare(text: str) -> None:
    _check(text)


@pytest.mark.slow
@settings(max_examples=150, **_SETTINGS)  # type: ignore[arg-type]
@given(texts)
def test_hostile_text_through_ingest_quotes_and_compare_thoroughly(text: str) -> None:
    _check(text)


@pytest.mark.parametrize(
    "text",
    [
        'The mayor said "' + '"' * 30_000,
        "\ud800" * 50 + " A fire broke out at the Orrin mill, the crew said.",
        "\x00" * 3 + '"We will rebuild," Mayor Ilse Varro said.' + "\udcff",
        "“" * 5000 + "\n" * 5000 + "”" * 5000,
        '"Stop,' + "\n" * 20_000 + '" she said.',
    ],
)
def test_known_hostile_texts(text: str) -> None:
    _check(text)
