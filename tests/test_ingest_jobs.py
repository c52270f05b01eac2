"""``ingest --jobs N``: worker processes make the features and records, the parent files
them, and the store ends exactly as with one process (stories, members, records)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import storylens.parallel as parallel
from storylens.cli.compare import demo_corpus
from storylens.ingest import read_inputs
from storylens.ingestion import ingest
from storylens.model import Article, Rejection
from storylens.store import open_store
from storylens.store.analyses import analysis_rows


def _inputs() -> list[Article | Rejection]:
    articles, rejected = read_inputs([str(demo_corpus())])
    assert not rejected and len(articles) >= 4
    copy = replace(articles[1], id="copy-of-second", origin="copy")  # same text: a duplicate
    binary = replace(articles[0], id="binary", text="\x00" * 64 + "a", origin="binary")
    read_error = Rejection("broken.jsonl:3", "record", "not JSON")  # from a reader
    return [articles[0], binary, articles[1], read_error, copy, *articles[2:]]


def _state(db: str) -> dict[str, object]:
    with open_store(db) as store:
        members = store.memberships()
        rows = analysis_rows(store, sorted(members))
        return {
            "members": members,
            "stories": sorted((s.id, s.title, s.topic, s.size) for s in store.stories()),
            "records": {k: (r.payload, r.vectors) for k, r in sorted(rows.items())},
        }


def test_ingest_with_two_workers_stores_what_one_process_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    with open_store(one) as store:
        first = ingest(store, _inputs(), jobs=1)
    monkeypatch.setattr(parallel, "MIN_POOL_ARTICLES", 1)  # the demo is small: pool anyway
    with open_store(two) as store:
        second = ingest(store, _inputs(), jobs=2)
    assert first.to_dict() == second.to_dict() == {"new": 4, "duplicate": 1, "rejected": 2}
    assert [r.origin for r in second.rejections] == ["binary", "broken.jsonl:3"]
    a, b = _state(one), _state(two)
    assert a["members"] == b["members"] and a["stories"] == b["stories"]
    assert a["records"] == b["records"] and len(a["records"]) == 4  # type: ignore[arg-type]
    payload = json.loads(next(iter(b["records"].values()))[0])  # type: ignore[attr-defined]
    assert payload  # a real record, not an empty row


def test_ingest_with_workers_resumes_and_counts_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'again.db'}"
    monkeypatch.setattr(parallel, "MIN_POOL_ARTICLES", 1)
    with open_store(db) as store:
        ingest(store, _inputs()[:3], jobs=2)
        again = ingest(store, _inputs(), jobs=2)
    assert again.to_dict() == {"new": 2, "duplicate": 3, "rejected": 2}


@pytest.mark.parametrize("stage", ["featurising", "analysis"])
def test_an_article_that_breaks_its_chunk_is_rejected_alone_and_the_rest_filed(
    stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The --jobs workers make features and records a chunk at a time; an article that
    breaks a stage for the chunk costs only itself. (The chunk runs in process here, the
    input being small, so the made-up bug reaches it; the workers run the same code.)"""
    import storylens.analysis
    import storylens.cluster

    articles = [a for a in _inputs() if isinstance(a, Article) and a.id != "binary"]
    bad = articles[1].id
    if stage == "featurising":
        real = storylens.cluster.featurize

        def featurize(batch: list[Article], **kwargs: object) -> list[object]:
            if any(a.id == bad for a in batch):
                raise RuntimeError("made-up featurising bug")
            return real(batch, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(storylens.cluster, "featurize", featurize)
    else:
        real_record = storylens.analysis.record_of

        def record_of(result: object, timer: object = None) -> object:
            if result.article.id == bad:  # type: ignore[attr-defined]
                raise RuntimeError("made-up analysis bug")
            return real_record(result, timer)  # type: ignore[arg-type]

        monkeypatch.setattr(storylens.analysis, "record_of", record_of)
    db = f"sqlite:///{tmp_path / 'chunk.db'}"
    with open_store(db) as store:
        counts = ingest(store, articles, jobs=2)  # fewer than MIN_POOL_ARTICLES: in process
        members = store.memberships()
    assert counts.to_dict() == {"new": len(articles) - 2, "duplicate": 1, "rejected": 1}
    (rejection,) = counts.rejections
    assert rejection.origin == articles[1].origin and f"made-up {stage} bug" in rejection.detail
    assert bad not in members and {a.id for a in articles} - {bad, "copy-of-second"} <= set(members)
