"""The clusterer's state as plain data, and back.

``to_state`` gives lists, dicts, strings, numbers and numpy arrays only (vectors
and MinHash signatures), which a store can keep in tables or blobs. The ANN and
LSH indexes are not part of it: ``from_state`` rebuilds them from the stored
vectors and signatures, and nothing is re-scored, so ids and merges come back
exactly as they were.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np

from .clusterer import Merge, StoryClusterer, StoryState
from .features import ArticleFeatures

STATE_VERSION = 1


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
        "ndim": c.ndim,
        "articles": articles,
        "stories": stories,
        "merges": [m.to_dict() | {"score": m.score} for m in c.merges],
    }


def from_state(state: dict[str, Any]) -> StoryClusterer:
    c = StoryClusterer(ndim=int(state.get("ndim", 384)))
    for row in state["articles"]:
        f = ArticleFeatures(
            id=row["id"],
            vector=np.asarray(row["vector"], dtype=np.float32),
            space=row["space"],
            language=row.get("language") or "en",
            terms=dict(row["terms"]),
            entities=dict(row["entities"]),
            years=frozenset(row["years"]),
            published=_date(row["published"]),
            signature=None if row["signature"] is None else np.asarray(row["signature"]),
        )
        c.restore_article(f, row["story"], row["topic"], row["duplicate_of"])
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
    for m in state["merges"]:
        c.record_merge(
            Merge(
                m["level"], m["into"], m["absorbed"], m["article"], float(m["score"]), m["reason"]
            )
        )
    return c
