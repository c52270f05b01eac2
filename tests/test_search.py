"""Full-text search answers exactly what its definition says, on SQLite and PostgreSQL,
and the service's cache of answers never outlives a write to the store.

The reference below ranks every match of a query the plain way (one score per article
from the database's own ranking function, grouped by story in Python) and is compared
with :func:`storylens.store.search` hit for hit: stories, their best articles, order,
scores, snippets, article metadata, the counts and the ``complete`` flag, on queries
matching more articles than the ranking window and fewer. PostgreSQL runs when
``STORYLENS_TEST_PG_URL`` is set (``scripts/ci-postgres.sh``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storylens.ingestion import ingest
from storylens.model import Article
from storylens.store import Match, SearchPage, Store, open_store, search
from test_store import db, fake_featurize  # noqa: F401  (db: the SQLite/PostgreSQL fixture)

# the module, not the function the package exports under the same name
search_module = importlib.import_module("storylens.store.search")
WINDOW = 7  # the ranking window in these tests: some queries match more, some fewer

TOPICS = ["ferry", "orchard", "tunnel"]  # test_store's fake_featurize clusters by these
PLACES = ["Ostvale", "Brindmoor", "Kettleby"]


def made_up(n: int) -> list[Article]:
    """Made-up articles in three stories; every one names the council, a few the weir.
    Their lengths all differ, so no two articles of a story score alike."""
    out = []
    for i in range(n):
        topic, place = TOPICS[i % 3], PLACES[i % 2]
        filler = " ".join(f"word{k}" for k in range(i))
        weir = " The weir at Lowmarsh held, engineers said." if i % 9 == 4 else ""
        out.append(
            Article(
                id=f"art-{i:03d}",
                outlet=f"Outlet {i % 4}",
                title=f"{place} council and the {topic}" if i % 2 else None,
                published=f"2031-06-{1 + i % 28:02d}",
                text=f"The {topic} at {place} was discussed by the council {i} times. "
                f"{filler}.{weir} Residents of {place} asked the council for more.",
            )
        )
    return out


def reference(store: Store, query: str, offset: int, limit: int) -> SearchPage:
    """Every match of ``query`` ranked one by one, then grouped and paged in Python."""
    terms = search_module.terms_of(query)
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            q = search_module._Postgres(terms).tsquery
            scored = conn.execute(
                text(
                    "SELECT id, ts_rank(search, to_tsquery('simple', :q)) FROM articles"
                    " WHERE search @@ to_tsquery('simple', :q) ORDER BY seq DESC"
                ),
                {"q": q},
            ).all()
        else:
            m = search_module._Sqlite(terms).match
            scored = conn.execute(
                text(
                    "SELECT a.id, -bm25(articles_fts, 10.0, 1.0) FROM articles_fts"
                    " JOIN articles a ON a.rowid = articles_fts.rowid"
                    " WHERE articles_fts MATCH :m ORDER BY articles_fts.rowid DESC"
                ),
                {"m": m},
            ).all()
        story_of = dict(conn.execute(text("SELECT article_id, story_id FROM story_members")).all())
    best: dict[str, tuple[float, str]] = {}
    for article_id, score in scored[:WINDOW]:
        story, score = story_of[article_id], float(score)
        # a tie goes to the smaller id (ts_rank ignores length, so PostgreSQL has ties;
        # these articles' lengths all differ, so bm25 has none)
        if story not in best or (-score, article_id) < (-best[story][0], best[story][1]):
            best[story] = (score, article_id)
    ordered = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    found = {a.id: a for a in store.articles([a for _, (_, a) in ordered])}
    hits = []
    for story, (score, article_id) in ordered[offset : offset + limit]:
        a = found[article_id]
        snippet = search_module._snippet(a.title or "", a.text, terms)
        hits.append(Match(story, article_id, score, snippet, _meta(a)))
    return SearchPage(len(scored), len(best), len(scored) <= WINDOW, hits)


def _meta(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published,
        "url": a.url,
    }


@pytest.fixture
def filled(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:  # noqa: F811
    monkeypatch.setattr(search_module, "RANK_WINDOW", WINDOW)
    with open_store(db) as store:
        ingest(store, made_up(24), analyze=False, featurizer=fake_featurize)
        yield store


# council: all 24 articles (window full); Ostvale: 12; weir: 3 (fewer than the window);
# "weir Lowmarsh engineers": the same 3 through three words; zebra: none
QUERIES = ["council", "Ostvale council", "weir", "weir Lowmarsh engineers", "zebra", "Res"]


@pytest.mark.parametrize("query", QUERIES)
def test_search_answers_as_the_reference_on_every_page(filled: Store, query: str) -> None:
    for offset, limit in [(0, 20), (0, 1), (1, 1), (2, 5), (3, 20)]:
        got = search(filled, query, offset=offset, limit=limit)
        assert got == reference(filled, query, offset, limit), (query, offset, limit)


def test_counts_on_both_sides_of_the_window(filled: Store) -> None:
    many = search(filled, "council")
    assert many.matched_articles == 24 and not many.complete  # counted past the window
    assert many.stories == 3 and len(many.hits) == 3
    few = search(filled, "weir")
    assert few.matched_articles == 3 and few.complete and few.hits
    assert all("weir" in hit.snippet for hit in few.hits)
    past_end = search(filled, "weir", offset=50)
    assert past_end.hits == [] and past_end.stories == few.stories
    assert past_end.matched_articles == 3
    assert search(filled, "zebra") == SearchPage(0, 0, True, [])


def test_a_window_exactly_full_still_counts(
    db: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_module, "RANK_WINDOW", 3)
    with open_store(db) as store:
        ingest(store, made_up(24), analyze=False, featurizer=fake_featurize)
        exactly = search(store, "weir")  # 3 matches, a window of 3
        assert exactly.matched_articles == 3 and exactly.complete


def test_change_mark_moves_with_any_write_from_any_connection(db: str) -> None:  # noqa: F811
    with open_store(db) as store, open_store(db) as other:
        before = store.change_mark()
        assert before is not None and store.change_mark() == before  # reads change nothing
        ingest(other, made_up(2), analyze=False, featurizer=fake_featurize)
        after = store.change_mark()
        assert after != before
        ingest(store, made_up(3)[2:], analyze=False, featurizer=fake_featurize)
        assert store.change_mark() != after


def test_cached_search_is_dropped_by_an_ingest(db: str) -> None:  # noqa: F811
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from storylens.web import Catalog

    with open_store(db) as store, open_store(db) as writer:
        ingest(store, made_up(6), analyze=False, featurizer=fake_featurize)
        catalog = Catalog(store, max_age=0)
        first = catalog.search("weir")
        assert [r["article"]["id"] for r in first["results"]] == ["art-004"]
        assert catalog.search("weir") is first  # answered from the cache
        assert catalog.search("weir", limit=5) is not first  # another page, another answer
        # a write through another connection, as a separate ingest process makes it
        ingest(writer, made_up(14)[6:], analyze=False, featurizer=fake_featurize)
        fresh = catalog.search("weir")
        assert fresh is not first and fresh["matched_articles"] == 2
        assert fresh["results"][0]["story"]["size"] > first["results"][0]["story"]["size"]
        assert fresh == Catalog(store, search_cache_size=0).search("weir")
        assert catalog.search("weir") is fresh
        # and through the catalog's own store (its connection pool)
        ingest(store, made_up(23)[14:], analyze=False, featurizer=fake_featurize)
        assert catalog.search("weir")["matched_articles"] == 3


def test_search_cache_can_be_turned_off(tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from storylens.web import Catalog

    with open_store(tmp_path / "s.db") as store:
        ingest(store, made_up(6), analyze=False, featurizer=fake_featurize)
        catalog = Catalog(store, search_cache_size=0)
        first = catalog.search("weir")
        assert catalog.search("weir") == first and catalog.search("weir") is not first
