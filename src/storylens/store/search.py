"""Full-text search over article titles and texts: SQLite FTS5 or PostgreSQL's own.

The index is made by migration 3 and kept current by the database itself (SQLite:
triggers on ``articles`` feeding an external-content FTS5 table, so no text is stored
twice; PostgreSQL: a generated ``tsvector`` column with a GIN index), so every writer,
``ingest`` or the API, keeps it up to date without knowing it exists.

Both use the same reading of a query: its words are ANDed, each matches as a prefix
("flood" finds "floods" and "flooded"), accents are ignored, no stemming or stop words
(articles come in many languages). Titles weigh ten times as much as text. A story
ranks by its best-matching article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

MAX_TERMS = 12
# Matches are ranked in the database, then grouped by story; only this many of the best
# article matches are looked at per query (enough for 40 pages of 20 distinct stories
# even when every story has several matching articles).
MAX_MATCHES = 2000
_WORD = re.compile(r"\w+", re.UNICODE)


def create_index(conn: Connection) -> None:
    """Migration 3: the search index for this dialect, filled from the stored articles."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "ALTER TABLE articles ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS ("
                "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
                "setweight(to_tsvector('simple', text), 'B')) STORED"
            )
        )
        conn.execute(
            text("CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING GIN (search)")
        )
        return
    conn.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
            "title, text, content='articles', content_rowid='rowid', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
    )
    for statement in (
        "CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END",
        "CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
        "VALUES ('delete', old.rowid, old.title, old.text); END",
        "CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
        "VALUES ('delete', old.rowid, old.title, old.text); "
        "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    ):
        conn.execute(text(statement))


def terms_of(query: str) -> list[str]:
    """The words of a query, lower-cased, without repeats (at most :data:`MAX_TERMS`)."""
    seen: list[str] = []
    for word in _WORD.findall(query.lower()):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


@dataclass(frozen=True)
class Match:
    """The best-matching article of one story."""

    story_id: str
    article_id: str
    rank: float  # higher is better
    snippet: str


def search(store: Store, query: str, limit: int = MAX_MATCHES) -> list[Match]:
    """Stories matching every word of ``query`` (as prefixes), best first, one per story."""
    terms = terms_of(query)
    if not terms:
        return []
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            rows = _postgres(conn, terms, limit)
        else:
            rows = _sqlite(conn, terms, limit)
    best: dict[str, Match] = {}
    for story_id, article_id, rank, snippet in rows:
        if story_id not in best:  # rows come best first
            best[story_id] = Match(story_id, article_id, float(rank), _clean(snippet))
    return list(best.values())


def _clean(snippet: str | None) -> str:
    return " ".join((snippet or "").split())


def _sqlite(conn: Connection, terms: list[str], limit: int) -> list[tuple[str, str, float, str]]:
    match = " ".join('"' + t.replace('"', '""') + '"*' for t in terms)
    rows = conn.execute(
        text(
            "SELECT m.story_id, a.id, -bm25(articles_fts, 10.0, 1.0) AS score, "
            "snippet(articles_fts, -1, '', '', '…', 16) "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "JOIN story_members m ON m.article_id = a.id "
            "WHERE articles_fts MATCH :match ORDER BY bm25(articles_fts, 10.0, 1.0) LIMIT :limit"
        ),
        {"match": match, "limit": limit},
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def _postgres(conn: Connection, terms: list[str], limit: int) -> list[tuple[str, str, float, str]]:
    tsquery = " & ".join(_pg_term(t) + ":*" for t in terms)
    rows = conn.execute(
        text(
            "WITH hits AS ("
            " SELECT a.id, a.title, a.text, ts_rank(a.search, q) AS score"
            " FROM articles a, to_tsquery('simple', :q) q WHERE a.search @@ q"
            " ORDER BY score DESC LIMIT :limit)"
            " SELECT m.story_id, h.id, h.score, h.title, h.text FROM hits h"
            " JOIN story_members m ON m.article_id = h.id ORDER BY h.score DESC, h.id"
        ),
        {"q": tsquery, "limit": limit},
    )
    out = []
    for story_id, article_id, score, title, body in rows:
        out.append((story_id, article_id, score, _snippet(title or "", body or "", terms)))
    return out


def _pg_term(term: str) -> str:
    """A word as a tsquery lexeme, quoted so no character is read as an operator."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _covered(words: list[str], start: int, width: int, terms: list[str]) -> int:
    window = " ".join(words[start : start + width]).lower()
    return sum(1 for t in terms if t in window)


def _snippet(title: str, body: str, terms: list[str], width: int = 16) -> str:
    """The window of ``width`` words holding the most query words, from the text (else the
    title), in the manner of FTS5's ``snippet()``."""
    for source in (body, title):
        words = source.split()
        hits = [i for i, w in enumerate(words) if any(t in w.lower() for t in terms)]
        if not hits:
            continue

        starts = [max(0, i - width // 3) for i in hits]
        start = max(starts, key=lambda st: (_covered(words, st, width, terms), -st))
        chunk = " ".join(words[start : start + width])
        return ("…" if start else "") + chunk + ("…" if start + width < len(words) else "")
    return " ".join(title.split()[:width])


__all__ = ["MAX_MATCHES", "Match", "create_index", "search", "terms_of"]
