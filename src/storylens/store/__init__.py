"""The article store: SQLite by default, PostgreSQL by URL, one schema for both.

    store = open_store("storylens.db")            # or "postgresql://user:pw@host/db"
    counts = ingest(store, iter_inputs(paths))    # idempotent and resumable
    store.stories(since="2026-01-01")             # [StoredStory]
    store.story_articles(story_id)                # [Article], following merges

Tables: articles (original and normalised text, metadata, content hash),
stage_outputs (keyed by article, stage and stage version), stories,
story_members, story_history (creations and merges), cluster_features (what the
clusterer needs to be rebuilt), rejections, fetch_state and seen_links (what
``follow`` keeps between runs), the full-text index (``search(store, "words")``) and
schema_migrations.
"""

from __future__ import annotations

from .ingest import (
    STAGE_VERSIONS,
    WINDOW,
    Clusterer,
    IngestCounts,
    file_article,
    ingest,
    restore_clusterer,
)
from .migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from .search import Match, SearchPage, search
from .store import DEFAULT_DB, ENV_DB, Store, StoredStory, content_hash, open_store, resolve_target

__all__ = [
    "DEFAULT_DB",
    "ENV_DB",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STAGE_VERSIONS",
    "WINDOW",
    "Clusterer",
    "IngestCounts",
    "Match",
    "SearchPage",
    "Store",
    "StoredStory",
    "content_hash",
    "file_article",
    "ingest",
    "migrate",
    "open_store",
    "resolve_target",
    "restore_clusterer",
    "search",
]
