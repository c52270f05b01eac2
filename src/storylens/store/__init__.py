"""The article store: SQLite by default, PostgreSQL by URL, one schema for both.

    store = open_store("storylens.db")            # or "postgresql://user:pw@host/db"
    store.stories(since="2026-01-01")             # [StoredStory]
    store.story_articles(story_id)                # [Article], following merges

The store keeps rows and runs no pipeline: filling it is :func:`storylens.ingestion.ingest`
(``storylens.ingest(store, articles)``), reading a story's analyses is
:mod:`storylens.stored`.

Tables: articles (original and normalised text, metadata, content hash),
article_analyses (one analysis record per article, :mod:`storylens.analysis`),
stage_outputs (per-stage outputs, written by storylens before schema 5), stories,
story_members, story_history (creations and merges), cluster_features (what the
clusterer needs to be rebuilt), rejections, fetch_state and seen_links (what
``follow`` keeps between runs), the full-text index (``search(store, "words")``) and
schema_migrations.
"""

from __future__ import annotations

from .migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from .search import Match, SearchPage, search
from .store import DEFAULT_DB, ENV_DB, Store, StoredStory, content_hash, open_store, resolve_target

__all__ = [
    "DEFAULT_DB",
    "ENV_DB",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Match",
    "SearchPage",
    "Store",
    "StoredStory",
    "content_hash",
    "migrate",
    "open_store",
    "resolve_target",
    "search",
]
