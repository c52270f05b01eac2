"""Full-text search over article titles and texts: SQLite FTS5 or PostgreSQL's own.

The index is made by migration 3 and kept current by the database itself (SQLite:
triggers on ``articles`` feeding an external-content FTS5 table, so no text is stored
twice; PostgreSQL: a generated ``tsvector`` column with a GIN index), so every writer,
``ingest`` or the API, keeps it up to date without knowing it exists.

Both use the same reading of a query: its words are ANDed, each of three characters or
more matches as a prefix ("flood" finds "floods" and "flooded"), accents are ignored, no stemming or stop words
(articles come in many languages). Titles weigh ten times as much as text. A story
ranks by its best-matching article; see :func:`search` for what is counted and ranked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

MAX_TERMS = 12
MIN_PREFIX = 3
# Relevance is computed for at most this many matching articles, the newest ones, so a
# word found in most of a very large store costs a bounded time. On the 10,000-story
# load-test store (20,825 articles; `python benchmarks/search_speed.py --db ...`, results
# in benchmarks/results/search_speed.json) a query costs on average 29.4 ms ranking every
# match, 19.1 ms the newest 10,000, 9.5 ms 2,000, 7.3 ms 1,000 and 5.9 ms 500 (the
# windows interleaved in one sitting on a quiet machine, 2026-12-07): 1,000 keeps most
# of the gain and ranks twice as many matches as 500. A query
# matching more says so (``SearchPage.complete`` is False), and its page ranks the newest.
RANK_WINDOW = 1_000
SNIPPET_HITS = 64  # hits weighed for the snippet window
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


def _star(term: str) -> str:
    """Words of three characters or more match as prefixes; "2" or "of" match only
    themselves (as prefixes they would match a large part of the index, and mean little)."""
    return "*" if len(term) >= MIN_PREFIX else ""


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
    snippet: str = ""
    article: dict[str, Any] | None = None  # the article's metadata (Article.meta's keys)


@dataclass(frozen=True)
class SearchPage:
    """One page of stories matching a query, best first."""

    matched_articles: int  # every article holding all the words
    stories: int  # stories among the ranked articles
    complete: bool  # False when more articles matched than RANK_WINDOW (the newest ranked)
    hits: list[Match]


def search(store: Store, query: str, offset: int = 0, limit: int = 20) -> SearchPage:
    """Stories whose articles hold every word of ``query`` (as prefixes), best first.

    Counts every matching article; ranks the newest :data:`RANK_WINDOW` of them (title
    weighing ten times the text), keeps each story's best article, and makes snippets
    for the requested page only.

    One statement ranks, groups and reads the page's articles, and says how many
    articles it ranked: the separate count runs only when the window was full (when it
    was not, every match was ranked, so that number is the count).
    """
    terms = terms_of(query)
    if not terms:
        return SearchPage(0, 0, True, [])
    dialect = _Postgres(terms) if store.dialect == "postgresql" else _Sqlite(terms)
    with store.engine.connect() as conn:
        rows = dialect.page(conn, RANK_WINDOW, offset, limit)
        tally = rows[0] if rows else None
        if tally is None and offset:  # a page past the end: still count the stories
            first = dialect.page(conn, RANK_WINDOW, 0, 1)
            tally = first[0] if first else None
        if tally is not None and tally.ranked < RANK_WINDOW:
            matched = tally.ranked
        else:  # the window was full, or none of its articles belongs to a story
            matched = dialect.count(conn)
    hits = [
        Match(r.story_id, r.article_id, r.rank, _snippet(r.title, r.text, terms), r.meta)
        for r in rows
    ]
    return SearchPage(matched, tally.stories if tally else 0, matched <= RANK_WINDOW, hits)


@dataclass(frozen=True)
class _Row:
    """One story of a ranked page with its best article, and the window's tallies."""

    story_id: str
    article_id: str
    rank: float
    stories: int  # stories among the ranked articles
    ranked: int  # articles ranked: the window, or every match when fewer matched
    meta: dict[str, Any]  # the best article's metadata (Article.meta's keys)
    text: str

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or "")

    @classmethod
    def of(cls, r: Any) -> _Row:
        meta = {"id": r[1], "outlet": r[5], "title": r[6], "published": r[7], "url": r[8]}
        return cls(r[0], r[1], float(r[2]), int(r[3]), int(r[4]), meta, r[9])


# Both dialects end the same way: the page (its stories' best articles, already limited)
# joined to its articles, so only the page's texts are read, and the number ranked.
_PAGE_WITH_ARTICLES = (
    " SELECT page.story, page.article, page.score, page.total,"
    " (SELECT count(*) FROM ranked) AS ranked,"
    " a.outlet, a.title, a.published, a.url, a.text"
    " FROM page JOIN articles a ON a.id = page.article ORDER BY page.score DESC, page.story"
)


class _Sqlite:
    """FTS5: count and newest-first scan stream the index; bm25 only for the window."""

    def __init__(self, terms: list[str]) -> None:
        self.match = " ".join('"' + t.replace('"', '""') + '"' + _star(t) for t in terms)

    def count(self, conn: Connection) -> int:
        query = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH :m"
        return int(conn.execute(text(query), {"m": self.match}).scalar_one())

    def page(self, conn: Connection, window: int, offset: int, limit: int) -> list[_Row]:
        """One page of stories, best first, each with its best article: bm25 for the
        newest ``window`` matches only, grouped by story in the database."""
        rows = conn.execute(
            text(
                # used twice below, so SQLite computes it once (materialised)
                "WITH ranked AS ("
                " SELECT rowid, -bm25(articles_fts, 10.0, 1.0) AS score FROM articles_fts"
                " WHERE articles_fts MATCH :m ORDER BY rowid DESC LIMIT :n),"
                " scored AS (SELECT m.story_id AS story, a.id AS article, ranked.score AS score"
                " FROM ranked JOIN articles a ON a.rowid = ranked.rowid"
                " JOIN story_members m ON m.article_id = a.id),"
                # SQLite: a bare column next to max() comes from the row holding the max
                " page(story, article, score, total) AS ("
                " SELECT story, article, max(score) AS best, count(*) OVER ()"
                " FROM scored GROUP BY story ORDER BY best DESC, story LIMIT :lim OFFSET :off)"
                + _PAGE_WITH_ARTICLES
            ),
            {"m": self.match, "n": window, "lim": limit, "off": offset},
        )
        return [_Row.of(r) for r in rows]


class _Postgres:
    """tsvector with GIN: the same reading of a query (prefixes, ANDed, titles weighted)."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms
        self.tsquery = " & ".join(_pg_term(t) + (":*" if _star(t) else "") for t in terms)

    def count(self, conn: Connection) -> int:
        query = "SELECT count(*) FROM articles WHERE search @@ to_tsquery('simple', :q)"
        return int(conn.execute(text(query), {"q": self.tsquery}).scalar_one())

    def page(self, conn: Connection, window: int, offset: int, limit: int) -> list[_Row]:
        """The same as :meth:`_Sqlite.page`, with ts_rank."""
        rows = conn.execute(
            text(
                "WITH ranked AS (SELECT id, search FROM articles"
                "  WHERE search @@ to_tsquery('simple', :q) ORDER BY seq DESC LIMIT :n),"
                " best AS (SELECT DISTINCT ON (m.story_id) m.story_id AS story,"
                "  ranked.id AS article,"
                "  ts_rank(ranked.search, to_tsquery('simple', :q)) AS score"
                "  FROM ranked JOIN story_members m ON m.article_id = ranked.id"
                "  ORDER BY m.story_id, score DESC, ranked.id),"
                " page AS (SELECT story, article, score, count(*) OVER () AS total FROM best"
                "  ORDER BY score DESC, story LIMIT :lim OFFSET :off)" + _PAGE_WITH_ARTICLES
            ),
            {"q": self.tsquery, "n": window, "lim": limit, "off": offset},
        )
        return [_Row.of(r) for r in rows]


def _pg_term(term: str) -> str:
    """A word as a tsquery lexeme, quoted so no character is read as an operator."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _snippet(title: str, body: str, terms: list[str], width: int = 16) -> str:
    """The window of ``width`` words holding the most query words, from the text (else the
    title), in the manner of FTS5's ``snippet()``.

    Words are matched as the index matches them (a term inside a word, case ignored);
    only the windows around the first :data:`SNIPPET_HITS` hits are weighed, so a word
    found all through a long article costs a bounded time.
    """
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    for source in (body, title):
        words = source.split()
        hits: list[int] = []
        for i, word in enumerate(words):
            if pattern.search(word):
                hits.append(i)
                if len(hits) == SNIPPET_HITS:
                    break
        if not hits:
            continue
        best, start = -1, 0
        for st in dict.fromkeys(max(0, i - width // 3) for i in hits):
            window = " ".join(words[st : st + width]).lower()
            covered = sum(1 for t in terms if t in window)
            if covered > best:  # ties keep the earliest window
                best, start = covered, st
        chunk = " ".join(words[start : start + width])
        return ("…" if start else "") + chunk + ("…" if start + width < len(words) else "")
    return " ".join(title.split()[:width])


__all__ = ["RANK_WINDOW", "Match", "SearchPage", "create_index", "search", "terms_of"]
