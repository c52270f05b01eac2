"""The one formula for story and topic ids.

A story's id is made from the id of the article that founded it: the first article the
clusterer filed under it (``storylens cluster``, ``ingest``: the store's stories), or,
for a comparison of articles given as one story, the first of them in the order given.
So ``storylens compare``, ``storylens cluster`` and the store name one story alike, and
an id never changes as a story grows (a merged story's id goes on resolving to the
story that absorbed it: :meth:`storylens.cluster.StoryClusterer.resolve`).
"""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, article_id: str) -> str:
    """``prefix`` and the first 12 hex digits of the SHA-1 of ``article_id``."""
    return prefix + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]


def story_id(founder: str) -> str:
    """The id of the story founded by article ``founder``: ``s-`` and 12 hex digits."""
    return stable_id("s-", founder)


def topic_id(founder: str) -> str:
    """The id of the topic founded by article ``founder``: ``t-`` and 12 hex digits."""
    return stable_id("t-", founder)


__all__ = ["stable_id", "story_id", "topic_id"]
