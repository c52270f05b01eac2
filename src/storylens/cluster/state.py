"""The clusterer's state as plain data, and back.

``to_state`` gives lists, dicts, strings, numbers and numpy arrays only (vectors
and MinHash signatures), which a store can keep in tables or blobs. The ANN and
LSH indexes are not part of it: ``from_state`` rebuilds them from the stored
vectors and signatures, and nothing is re-scored, so ids and merges come back
exactly as they were. The topics' running vector sums are not stored either:
``from_state`` replays the articles in arrival order with each logged merge put
back where it happened (see :data:`~storylens.cluster.clusterer.STORIES_MERGED_REASON`),
so they come back bit for bit and a restored clusterer files the next article as
the one that wrote the state would have.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np

from .clusterer import STORIES_MERGED_REASON, Merge, StoryClusterer, StoryState
from .features import ArticleFeatures

STATE_VERSION = 2  # 2: articles carry their embedder's name; "embedders" replaces "ndim"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def to_state(c: StoryClusterer) -> dict[str, Any]:
    articles = []
    for f, story, topic in zip(c.articles, c.story_of, c.topic_of, strict=True):
        articles.append(
            {
                "id": f.id,
                "story": story,
                "topic": topic,
                "space": f.space,
                "embedder": f.embedder,
                "language": f.language,
                "vector": np.asarray(f.vector, dtype=np.float32),
                "terms": dict(f.terms),
                "entities": dict(f.entities),
                "years": sorted(f.years),
                "published": f.published.isoformat() if f.published else None,
                "signature": f.signature,
                "duplicate_of": c.dedup.duplicate_of(f.id),
            }
        )
    stories = [
        {
            "id": s.id,
            "topic": s.topic,
            "first_article": s.first_article,
            "created": s.created,
            "size": s.size,
            "accounts": s.accounts,
            "centroid": s.centroid,
            "entities": dict(s.entities or {}),
            "first_date": s.first_date.isoformat() if s.first_date else None,
            "last_date": s.last_date.isoformat() if s.last_date else None,
        }
        for s in c.stories.values()
    ]
    return {
        "version": STATE_VERSION,
        "embedders": dict(c.embedders),
        "articles": articles,
        "stories": stories,
        "merges": [m.to_dict() | {"score": m.score} for m in c.merges],
    }


def _merge_of(m: dict[str, Any]) -> Merge:
    return Merge(m["level"], m["into"], m["absorbed"], m["article"], float(m["score"]), m["reason"])


def _before_filing(m: Merge) -> bool:
    """Whether ``add`` made this merge before filing its article (story merges and theirs)."""
    return m.level == "story" or m.reason == STORIES_MERGED_REASON


def from_state(state: dict[str, Any]) -> StoryClusterer:
    c = StoryClusterer()
    by_article: dict[str, list[Merge]] = {}
    for m in state["merges"]:
        merge = _merge_of(m)
        by_article.setdefault(merge.article, []).append(merge)
    for row in state["articles"]:
        f = ArticleFeatures(
            id=row["id"],
            vector=np.asarray(row["vector"], dtype=np.float32),
            space=row["space"],
            embedder=row.get("embedder") or "",
            language=row.get("language") or "en",
            terms=dict(row["terms"]),
            entities=dict(row["entities"]),
            years=frozenset(row["years"]),
            published=_date(row["published"]),
            signature=None if row["signature"] is None else np.asarray(row["signature"]),
        )
        merges = by_article.pop(f.id, [])
        for merge in merges:
            if _before_filing(merge):
                c.record_merge(merge)
        c.restore_article(f, row["story"], row["topic"], row["duplicate_of"])
        for merge in merges:
            if not _before_filing(merge):
                c.record_merge(merge)
    for merges in by_article.values():  # merges whose article is not stored: keep them
        for merge in merges:
            c.record_merge(merge)
    for row in state["stories"]:
        c.stories[row["id"]] = StoryState(
            id=row["id"],
            topic=row["topic"],
            first_article=row["first_article"],
            created=int(row["created"]),
            size=int(row["size"]),
            accounts=int(row["accounts"]),
            centroid=None if row["centroid"] is None else np.asarray(row["centroid"]),
            entities=Counter(row["entities"]),
            first_date=_date(row["first_date"]),
            last_date=_date(row["last_date"]),
        )
    return c
