"""Rows for the clusterer's state, and the state back from rows.

The clusterer (:mod:`storylens.cluster`) keeps plain data: per article its
features, the story and topic it was filed under and whether it reprints
another; per story its running sums; and the log of merges. These functions
turn each piece into table rows and read them back into the dict that
:func:`storylens.cluster.from_state` takes, so a restored clusterer files the
next article exactly as the one that wrote the rows would have (vectors and
sums travel as raw float32 bytes, never rounded).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from . import schema


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def features_row(f: Any) -> dict[str, Any]:
    """A ``cluster_features`` row from an :class:`ArticleFeatures`."""
    signature = None if f.signature is None else np.asarray(f.signature, dtype=np.uint64).tobytes()
    return {
        "article_id": f.id,
        "space": f.space,
        "embedder": f.embedder,
        "language": f.language,
        "vector": np.asarray(f.vector, dtype=np.float32).tobytes(),
        "signature": signature,
        "terms": json.dumps(dict(f.terms), ensure_ascii=False),
        "entities": json.dumps(dict(f.entities), ensure_ascii=False),
        "years": json.dumps(sorted(f.years)),
        "published": _date(f.published),
    }


def story_row(state: Any, title: str, at: str) -> dict[str, Any]:
    """A ``stories`` row from a :class:`StoryState` (title and times kept from the first write)."""
    centroid = None if state.centroid is None else np.asarray(state.centroid, dtype=np.float32)
    return {
        "id": state.id,
        "title": title,
        "topic": state.topic,
        "first_article": state.first_article,
        "created_seq": int(state.created),
        "created_at": at,
        "updated_at": at,
        "size": int(state.size),
        "accounts": int(state.accounts),
        "centroid": None if centroid is None else centroid.tobytes(),
        "entities": json.dumps(dict(state.entities or {}), ensure_ascii=False),
        "first_date": _date(state.first_date),
        "last_date": _date(state.last_date),
    }


def state_from_rows(conn: Connection) -> dict[str, Any]:
    """The dict :func:`storylens.cluster.from_state` takes, read from the store."""
    f, m, s, h = (
        schema.cluster_features.c,
        schema.story_members.c,
        schema.stories.c,
        schema.story_history.c,
    )
    query = (
        select(
            f.article_id,
            f.space,
            f.embedder,
            f.language,
            f.vector,
            f.signature,
            f.terms,
            f.entities,
            f.years,
            f.published,
            m.arrival_story,
            m.arrival_topic,
            m.duplicate_of,
        )
        .join(schema.story_members, m.article_id == f.article_id)
        .order_by(m.seq)
    )
    articles = [
        {
            "id": r.article_id,
            "story": r.arrival_story,
            "topic": r.arrival_topic,
            "space": r.space,
            "embedder": r.embedder,
            "language": r.language,
            "vector": np.frombuffer(r.vector, dtype=np.float32).copy(),
            "terms": json.loads(r.terms),
            "entities": json.loads(r.entities),
            "years": json.loads(r.years),
            "published": r.published,
            "signature": None
            if r.signature is None
            else np.frombuffer(r.signature, dtype=np.uint64).copy(),
            "duplicate_of": r.duplicate_of,
        }
        for r in conn.execute(query)
    ]
    stories = [
        {
            "id": r.id,
            "topic": r.topic,
            "first_article": r.first_article,
            "created": r.created_seq,
            "size": r.size,
            "accounts": r.accounts,
            "centroid": None
            if r.centroid is None
            else np.frombuffer(r.centroid, dtype=np.float32).copy(),
            "entities": json.loads(r.entities),
            "first_date": r.first_date,
            "last_date": r.last_date,
        }
        for r in conn.execute(
            select(schema.stories).where(s.merged_into.is_(None)).order_by(s.created_seq)
        )
    ]
    merges = [
        {
            "level": r.level,
            "into": r.story_id,
            "absorbed": r.other_id,
            "article": r.article_id,
            "score": r.score,
            "reason": r.reason or "",
        }
        for r in conn.execute(
            select(schema.story_history).where(h.event == "merged").order_by(h.id)
        )
    ]
    embedders: dict[str, str] = {}
    for a in articles:
        embedders.setdefault(a["space"], a["embedder"])
    return {
        "version": 2,
        "embedders": embedders,
        "articles": articles,
        "stories": stories,
        "merges": merges,
    }
