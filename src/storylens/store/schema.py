"""The store's tables, one schema for SQLite and PostgreSQL (SQLAlchemy Core).

Times are ISO-8601 UTC strings (``2026-01-31T12:00:00.000000+00:00``): they sort
as text and read back identically from both databases. JSON payloads are text
written by :func:`json.dumps` with sorted keys, so the same output is the same
bytes everywhere. Vectors and MinHash signatures are raw little-endian bytes.

Changing a table means adding a migration in :mod:`storylens.store.migrations`.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("applied_at", Text, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Text, primary_key=True),
    # arrival number in the clusterer; unique, so two writers cannot both file article n
    Column("seq", Integer, nullable=False, unique=True),
    Column("content_hash", Text, nullable=False, unique=True),
    Column("outlet", Text),
    Column("url", Text),
    Column("title", Text),
    Column("published", Text),
    Column("language", Text),
    Column("origin", Text, nullable=False, default=""),
    Column("text", Text, nullable=False),  # the original input, never modified
    Column("normalized_text", Text, nullable=False),
    Column("ingested_at", Text, nullable=False),
)

# Per-stage outputs (normalize, sentences, quotes, sources), written by storylens before
# schema 5 and read by nothing now: article_analyses replaced them. Kept so old stores
# open unchanged.
stage_outputs = Table(
    "stage_outputs",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("stage", Text, nullable=False),
    Column("version", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    PrimaryKeyConstraint("article_id", "stage", "version"),
)

# One analysis record per article (migration 5): what storylens.analysis.ArticleAnalysis
# writes, JSON without texts (offsets into articles.text) beside the statements' vectors
# (raw little-endian float32). ``format`` and ``versions`` (JSON, sorted keys: every stage's
# version and the embedder's name) say whether the record is current; a stale one is
# replaced when the article is analysed again.
article_analyses = Table(
    "article_analyses",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("format", Integer, nullable=False),
    Column("versions", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("vectors", LargeBinary, nullable=False),
    Column("created_at", Text, nullable=False),
)
V5_TABLES = (article_analyses,)

# The cross-encoder's reads of stored statement pairs (migration 6; storylens.store.reads):
# ``key`` the SHA-256 of the network's hash and the two texts in the order read
# (storylens.align.cross.read_key), the logit, and the two statements' articles, so a
# story's reads load by its articles and go with them.
pair_reads = Table(
    "pair_reads",
    metadata,
    Column("key", Text, primary_key=True),
    Column("article_a", Text, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("article_b", Text, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("logit", Float, nullable=False),
    Column("created_at", Text, nullable=False),
)
Index("ix_pair_reads_article_a", pair_reads.c.article_a)
Index("ix_pair_reads_article_b", pair_reads.c.article_b)
V6_TABLES = (pair_reads,)

stories = Table(
    "stories",
    metadata,
    Column("id", Text, primary_key=True),
    Column("title", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("first_article", Text, nullable=False),
    Column("created_seq", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("accounts", Integer, nullable=False),
    Column("centroid", LargeBinary),  # float32 sum of member vectors, or NULL
    Column("entities", Text, nullable=False),  # JSON {name: count}
    Column("first_date", Text),
    Column("last_date", Text),
    Column("merged_into", Text),  # set when another story absorbed this one
)
Index("ix_stories_updated", stories.c.updated_at)

story_members = Table(
    "story_members",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", Text, nullable=False),  # current story (follows merges)
    Column("arrival_story", Text, nullable=False),  # story when filed (clusterer state)
    Column("arrival_topic", Text, nullable=False),
    Column("seq", Integer, nullable=False, unique=True),
    Column("score", Float, nullable=False),
    Column("duplicate_of", Text),
    Column("added_at", Text, nullable=False),
)
Index("ix_story_members_story", story_members.c.story_id)

story_history = Table(
    "story_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event", Text, nullable=False),  # created | merged
    Column("level", Text, nullable=False),  # story | topic
    Column("story_id", Text, nullable=False),  # the created story, or the one that absorbed
    Column("other_id", Text),  # the absorbed one, for merges
    Column("article_id", Text, nullable=False),
    Column("score", Float),
    Column("reason", Text),
    Column("at", Text, nullable=False),
)
Index("ix_story_history_story", story_history.c.story_id)

cluster_features = Table(
    "cluster_features",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("space", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32
    # the name of the embedder that made the vector (migration 2); one per space per store
    Column("embedder", Text, nullable=False, default=""),
    Column("signature", LargeBinary),  # uint64 MinHash values; NULL when none
    Column("terms", Text, nullable=False),  # JSON
    Column("entities", Text, nullable=False),  # JSON
    Column("years", Text, nullable=False),  # JSON list
    Column("published", Text),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("at", Text, nullable=False),
    UniqueConstraint("origin", "reason", name="uq_rejections_origin_reason"),
)

meta = Table(
    "store_meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

# What `storylens follow` keeps between runs (migration 2): per URL, the validators of
# its last conditional GET, and for robots.txt URLs the answer itself (status, body, and
# when it was fetched, in seconds since the epoch, so the rules expire across restarts).
fetch_state = Table(
    "fetch_state",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("status", Integer),
    Column("body", LargeBinary),
    Column("fetched_at", Float),
)

# Every feed entry link `follow` has dealt with (fetched and stored, found a duplicate, or
# refused for good), so a restarted follow never fetches it again.
seen_links = Table(
    "seen_links",
    metadata,
    Column("link", Text, primary_key=True),
    Column("feed", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("at", Text, nullable=False),
)
V2_TABLES = (fetch_state, seen_links)

# Tables created by migration 1, in dependency order (a fresh store gets the
# current columns at once; later migrations skip what is already there).
V1_TABLES = (
    articles,
    stage_outputs,
    stories,
    story_members,
    story_history,
    cluster_features,
    rejections,
    meta,
)
