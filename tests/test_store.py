"""The store, the same suite on SQLite and on PostgreSQL.

PostgreSQL runs when ``STORYLENS_TEST_PG_URL`` is set (``scripts/ci-postgres.sh``
prints one); each test gets its own schema there. No models are loaded: the
articles get hand-made features, and go through the real clusterer.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storylens.cluster import ArticleFeatures, StoryClusterer
from storylens.cluster.clusterer import Assignment, Merge, StoryState
from storylens.errors import InputError, StoreError, VectorSpaceError
from storylens.ingestion import ingest
from storylens.model import Article, Rejection
from storylens.store import SCHEMA_VERSION, content_hash, open_store
from storylens.store import schema as tables

PG_URL = os.environ.get("STORYLENS_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need STORYLENS_TEST_PG_URL (see scripts/ci-postgres.sh)")
    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{name}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


TOPICS = ["ferry", "orchard", "tunnel"]
DIM = 32  # made-up topic vectors: any size will do
FAKE_EMBEDDER = "made-up-topic-vectors"


def _vector(word: str) -> np.ndarray:
    rng = np.random.default_rng(int(hashlib.sha1(word.encode()).hexdigest()[:8], 16))
    v = rng.normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def fake_featurize(articles: Sequence[Article], timer: Any = None) -> list[ArticleFeatures]:
    """Features without models: the vector of the first topic word the text names."""
    out = []
    for a in articles:
        topic = next((t for t in TOPICS if t in a.text), "other")
        words = {w.strip(".,").lower(): 1 for w in a.text.split() if len(w) > 3}
        out.append(
            ArticleFeatures(
                id=a.id, vector=_vector(topic), space="en", embedder=FAKE_EMBEDDER, terms=words
            )
        )
    return out


def made_up(n: int, topic: str, start: int = 0) -> list[Article]:
    return [
        Article(
            id=f"{topic}-{i}",
            text=f"The {topic} in Ostvale made news again, report {i} says.\r\nÉtude № {i}: “ok”.",
            outlet=f"Outlet {i % 3}",
            title=f"The {topic} story" if i % 2 else None,
            published="2031-05-0" + str(1 + i % 5),
            origin=f"made-up:{i}",
        )
        for i in range(start, start + n)
    ]


def _counts(db: str) -> dict[str, int]:
    with open_store(db) as store:
        return {name: store.count(name) for name in tables.metadata.tables}


def test_migrations_are_recorded_once(db: str) -> None:
    with open_store(db) as store:
        assert store.count("schema_migrations") == SCHEMA_VERSION
    with open_store(db) as store:  # reopening applies nothing again
        assert store.count("schema_migrations") == SCHEMA_VERSION


def test_newer_schema_is_refused(db: str) -> None:
    with open_store(db) as store, store.engine.begin() as conn:
        conn.execute(tables.migrations.insert().values(version=999, name="future", applied_at="x"))
    with pytest.raises(StoreError, match="upgrade storylens"):
        open_store(db)


def test_ingest_twice_changes_nothing(db: str) -> None:
    articles = made_up(6, "ferry") + made_up(5, "orchard")
    with open_store(db) as store:
        first = ingest(store, articles, analyze=False, featurizer=fake_featurize)
    assert first.to_dict() == {"new": 11, "duplicate": 0, "rejected": 0}
    before = _counts(db)
    with open_store(db) as store:
        again = ingest(store, articles, analyze=False, featurizer=fake_featurize)
        assert again.to_dict() == {"new": 0, "duplicate": 11, "rejected": 0}
        stored = {a.id: a for a in store.articles()}
    assert _counts(db) == before
    # the original text comes back exactly, line endings and all; the language is filled in
    for a in articles:
        assert stored[a.id] == replace(a, language="en")


def test_same_text_other_id_is_a_duplicate_and_changed_text_is_rejected(db: str) -> None:
    (a,) = made_up(1, "tunnel")
    copy = Article(id="copy", text=a.text)
    changed = Article(id=a.id, text=a.text + " Updated.", origin="later.jsonl:1")
    bad = Rejection("empty.txt", "empty", "the file is empty; give it some text")
    with open_store(db) as store:
        counts = ingest(store, [a, copy, bad], analyze=False, featurizer=fake_featurize)
        assert counts.to_dict() == {"new": 1, "duplicate": 1, "rejected": 1}
        counts = ingest(store, [changed, bad], analyze=False, featurizer=fake_featurize)
        assert counts.to_dict() == {"new": 0, "duplicate": 0, "rejected": 2}
        assert [r.reason for r in store.rejections()] == ["empty", "id_conflict"]
        assert store.count("articles") == 1


def test_stories_follow_the_clusterer_and_resume_exactly(db: str) -> None:
    articles = [a for trio in zip(*(made_up(8, t) for t in TOPICS), strict=True) for a in trio]
    one_go = StoryClusterer()
    expected = [one_go.add(f).story for f in fake_featurize(articles)]
    with open_store(db) as store:
        ingest(store, articles[:10], analyze=False, featurizer=fake_featurize)
    with open_store(db) as store:  # a new process: the clusterer is restored from the store
        ingest(store, articles[10:], analyze=False, featurizer=fake_featurize)
        members = store.memberships()
        assert [members[a.id][0] for a in articles] == [one_go.resolve(s) for s in expected]
        listed = store.stories()
        assert sorted(s.size for s in listed) == [8, 8, 8]
        ferry = store.story(members["ferry-0"][0])
        assert ferry.title == "The ferry in Ostvale made news again, report 0 says."
        assert [a.id for a in store.story_articles(ferry.id)] == [f"ferry-{i}" for i in range(8)]
        assert store.stories(limit=2) == listed[:2]
        assert store.stories(since="2999-01-01") == []
        created = [h for h in store.history() if h["event"] == "created" and h["level"] == "story"]
        assert len(created) == 3


def test_analysis_rows_are_replaced_and_judged_by_format_and_versions(db: str) -> None:
    from storylens.store.analyses import (
        analysis_row,
        analysis_rows,
        put_analyses,
        stale_analyses,
    )

    a, b = made_up(2, "ferry")
    with open_store(db) as store:
        ingest(store, [a, b], analyze=False, featurizer=fake_featurize)
        assert store.count("article_analyses") == 0  # --no-analyze: no record
        assert stale_analyses(store, [a.id, b.id], 1, {"quotes": "6"}) == {a.id, b.id}
        put_analyses(store, [analysis_row(a.id, 1, {"quotes": "5"}, "{}", b"\x00" * 4)])
        put_analyses(store, [analysis_row(a.id, 1, {"quotes": "6"}, '{"x":1}', b"\x01" * 4)])
        (row,) = analysis_rows(store, [a.id, b.id]).values()
        assert (row.article_id, row.payload, row.vectors) == (a.id, '{"x":1}', b"\x01" * 4)
        assert row.is_current(1, {"quotes": "6"}) and not row.is_current(2, {"quotes": "6"})
        assert stale_analyses(store, [a.id, b.id], 1, {"quotes": "6"}) == {b.id}
        assert stale_analyses(store, [a.id], 1, {"quotes": "7"}) == {a.id}
        assert store.count("article_analyses") == 1
        with pytest.raises(StoreError, match="every article"):
            put_analyses(store, [analysis_row("nobody", 1, {}, "{}", b"")])


def test_pair_reads_load_by_story_and_a_key_is_kept_once(db: str) -> None:
    from storylens.store.reads import put_reads, story_reads

    a, b, c = made_up(3, "ferry")
    net = "n1"
    with open_store(db) as store:
        ingest(store, [a, b, c], analyze=False, featurizer=fake_featurize)
        assert story_reads(store, [a.id, b.id], net) == {}
        put_reads(store, {"k1": (a.id, b.id, 1.5), "k2": (b.id, c.id, -0.25)}, net)
        # the same key again (another view, another process): kept once, first value
        put_reads(store, {"k1": (a.id, b.id, 9.0), "k3": (c.id, a.id, 0.5)}, net)
        assert store.count("pair_reads") == 3
        assert story_reads(store, [a.id, b.id], net) == {"k1": 1.5}
        assert story_reads(store, [a.id, b.id, c.id], net) == {"k1": 1.5, "k2": -0.25, "k3": 0.5}
        assert story_reads(store, [c.id], net) == {}
        with pytest.raises(StoreError, match="every article"):
            put_reads(store, {"k4": ("nobody", a.id, 0.0)}, net)
        assert store.count("pair_reads") == 3
        # another network (a retrained cross-encoder): the old reads are not its own
        assert story_reads(store, [a.id, b.id, c.id], "n2") == {}
        put_reads(store, {"k5": (a.id, c.id, 2.0)}, "n2")
        assert store.count("pair_reads") == 1
        assert story_reads(store, [a.id, c.id], "n2") == {"k5": 2.0}
        assert story_reads(store, [a.id, c.id], net) == {}


class MergingClusterer:
    """A trivial clusterer: one story per topic word; 'both' joins the first two stories."""

    def __init__(self) -> None:
        self.stories: dict[str, StoryState] = {}
        self.story_of: list[str] = []
        self.topic_of: list[str] = []
        self.parent: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.story_of)

    def resolve(self, story: str) -> str:
        while story in self.parent:
            story = self.parent[story]
        return story

    def add(self, f: ArticleFeatures) -> Assignment:
        merges: tuple[Merge, ...] = ()
        if f.id.startswith("both"):
            into, gone = (self.resolve(s) for s in ("s-ferry", "s-orchard"))
            self.parent[gone] = into
            self.stories[into].size += self.stories.pop(gone).size
            merges = (Merge("story", into, gone, f.id, 0.9, "matched both"),)
            story = into
        else:
            story = self.resolve("s-" + f.id.split("-")[0])
        new = story not in self.stories
        if new:
            self.stories[story] = StoryState(story, "t-1", f.id, len(self), entities=None)
        self.stories[story].size += 1
        self.story_of.append(story)
        self.topic_of.append("t-1")
        return Assignment(f.id, story, "t-1", new, len(self) == 1, 0.5, None, merges)


def test_merged_story_ids_still_resolve(db: str) -> None:
    articles = [*made_up(2, "ferry"), *made_up(3, "orchard"), Article("both-1", "ferry orchard")]
    with open_store(db) as store:
        ingest(
            store,
            articles,
            analyze=False,
            featurizer=fake_featurize,
            clusterer=MergingClusterer(),
        )
        assert [s.id for s in store.stories()] == ["s-ferry"]
        assert store.story("s-orchard").id == "s-ferry"
        assert store.story("s-ferry").size == 6
        assert len(store.story_articles("s-orchard")) == 6
        merges = [h for h in store.history("s-orchard") if h["event"] == "merged"]
        assert [(m["story_id"], m["other_id"], m["article_id"]) for m in merges] == [
            ("s-ferry", "s-orchard", "both-1")
        ]
        with pytest.raises(InputError, match="storylens stories"):
            store.story("s-nothing")


def test_content_hash_ignores_whitespace_runs() -> None:
    assert content_hash("a  b\nc") == content_hash("a b c") != content_hash("a b d")


def test_sqlite_is_opened_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    import sqlalchemy as sa

    with open_store(tmp_path / "x.db") as store, store.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_default_target_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYLENS_DB", str(tmp_path / "env.db"))
    with open_store(None) as store:
        assert store.name == str(tmp_path / "env.db")
    monkeypatch.delenv("STORYLENS_DB")
    monkeypatch.chdir(tmp_path)
    with open_store(None) as store:
        assert store.name == "storylens.db"
    assert (tmp_path / "storylens.db").exists()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("{tmp}", "is a folder"),
        ("{tmp}/missing/x.db", "does not exist"),
        ("mysql://u:p@127.0.0.1/db", "unsupported database"),
        ("{tmp}/junk.db", "is it a storylens database"),
        ("postgresql://u:secret@127.0.0.1:9/db", "is the server running"),
    ],
)
def test_open_errors_say_how_to_fix(tmp_path: Path, target: str, message: str) -> None:
    (tmp_path / "junk.db").write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError, match=message) as info:
        open_store(target.format(tmp=tmp_path))
    assert "secret" not in str(info.value)


def test_two_writers_cannot_both_file_the_same_arrival(db: str) -> None:
    from storylens.ingestion import restore_clusterer

    first, second = open_store(db), open_store(db)
    try:
        a, b = restore_clusterer(first), restore_clusterer(second)
        ingest(first, made_up(1, "ferry"), analyze=False, featurizer=fake_featurize, clusterer=a)
        with pytest.raises(StoreError, match="one ingest per store"):
            ingest(
                second, made_up(1, "orchard"), analyze=False, featurizer=fake_featurize, clusterer=b
            )
        assert first.count("articles") == 1 and first.count("story_members") == 1
    finally:
        first.close()
        second.close()


def test_vectors_carry_their_embedders_name_and_a_store_refuses_another(db: str) -> None:
    with open_store(db) as store:
        ingest(store, made_up(3, "ferry"), analyze=False, featurizer=fake_featurize)
        assert store.vector_spaces() == {"en": FAKE_EMBEDDER}
        assert {a["embedder"] for a in store.cluster_state()["articles"]} == {FAKE_EMBEDDER}

    def other_model(articles: Sequence[Article], timer: Any = None) -> list[ArticleFeatures]:
        return [replace(f, embedder="another-model") for f in fake_featurize(articles)]

    before = _counts(db)
    with open_store(db) as store:  # the clusterer restored from the store refuses first
        with pytest.raises(VectorSpaceError, match="another-model") as info:
            ingest(store, made_up(2, "orchard"), analyze=False, featurizer=other_model)
        assert FAKE_EMBEDDER in str(info.value) and "--db" in str(info.value)
        # and the store refuses on its own, whatever clusterer files the article
        with pytest.raises(VectorSpaceError, match=f"made by {FAKE_EMBEDDER}.*new --db"):
            ingest(
                store,
                made_up(1, "tunnel"),
                analyze=False,
                featurizer=other_model,
                clusterer=StoryClusterer(),
            )
    assert _counts(db) == before


def test_a_schema_1_store_has_its_vectors_tagged_on_opening(db: str) -> None:
    import sqlalchemy as sa

    from storylens.store.migrations import SCHEMA1_EMBEDDERS

    with open_store(db) as store:
        ingest(store, made_up(2, "ferry"), analyze=False, featurizer=fake_featurize)
        with store.engine.begin() as conn:  # back to what schema 1 had
            conn.execute(sa.text("ALTER TABLE cluster_features DROP COLUMN embedder"))
            conn.execute(tables.migrations.delete().where(tables.migrations.c.version >= 2))
            conn.execute(tables.meta.delete().where(tables.meta.c.key.startswith("vector_space:")))
    with open_store(db) as store:
        assert store.count("schema_migrations") == SCHEMA_VERSION
        assert store.vector_spaces() == {"en": SCHEMA1_EMBEDDERS["en"]}
        names = {a["embedder"] for a in store.cluster_state()["articles"]}
        assert names == {SCHEMA1_EMBEDDERS["en"]}
