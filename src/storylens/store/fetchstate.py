"""What ``storylens follow`` keeps in the store between runs.

- :class:`StoredValidators`: each URL's ETag / Last-Modified, so a restarted follow
  sends conditional requests (a feed that did not change answers 304 and costs nothing);
  writes wait for :meth:`StoredValidators.commit`, so a feed's validators are stored only
  once its entries are, and a run killed half-way asks for the whole feed again;
- :class:`StoredLinks`: the entry links already dealt with; a link counts as seen when
  it is in ``seen_links``, or an article or rejection in the store came from it;
- :class:`StoredRobots`: robots.txt answers with the time they were fetched, so their
  expiry (:mod:`storylens.robots`) holds across restarts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import select

from . import schema
from .store import Store, _insert_ignore, now


class StoredValidators:
    """Conditional-GET validators in the store (:class:`storylens.fetch.Validators`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: dict[str, tuple[str | None, str | None]] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        with self._lock:
            if url in self._pending:
                return self._pending[url]
        f = schema.fetch_state.c
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(f.etag, f.last_modified).where(f.url == url, f.status.is_(None))
            ).first()
        return (
            None
            if row is None or not (row.etag or row.last_modified)
            else (row.etag, row.last_modified)
        )

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            self._pending[url] = (etag, last_modified)

    def commit(self, urls: Iterable[str] | None = None) -> None:
        """Store the pending validators of ``urls`` (all when None)."""
        with self._lock:
            keys = list(self._pending) if urls is None else [u for u in urls if u in self._pending]
            rows = [(u, *self._pending.pop(u)) for u in keys]
        for url, etag, modified in rows:
            _upsert(self.store, url, {"etag": etag, "last_modified": modified})


def _upsert(store: Store, url: str, values: dict[str, object]) -> None:
    f = schema.fetch_state
    with store.engine.begin() as conn:
        done = conn.execute(f.update().where(f.c.url == url).values(values)).rowcount
        if not done:
            conn.execute(_insert_ignore(conn, f, ["url"]).values(url=url, **values))


class StoredLinks:
    """Entry links already dealt with, in the store (the protocol of :class:`SeenLinks`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: dict[str, tuple[str, str]] = {}

    def is_new(self, link: str) -> bool:
        if link in self._pending:
            return False
        s, a, r = schema.seen_links.c, schema.articles.c, schema.rejections.c
        with self.store.engine.connect() as conn:
            for query in (
                select(s.link).where(s.link == link),
                select(a.id).where((a.origin == link) | (a.url == link)),
                select(r.id).where(r.origin == link, r.reason != "fetch"),
            ):
                if conn.execute(query.limit(1)).first() is not None:
                    return False
        return True

    def add(self, link: str, feed: str = "", outcome: str = "fetched") -> None:
        self._pending[link] = (feed, outcome)

    def commit(self) -> int:
        """Store the links added since the last commit; returns how many."""
        rows = [
            {"link": link, "feed": feed, "outcome": outcome, "at": now()}
            for link, (feed, outcome) in self._pending.items()
        ]
        if rows:
            with self.store.engine.begin() as conn:
                conn.execute(_insert_ignore(conn, schema.seen_links, ["link"]), rows)
        self._pending.clear()
        return len(rows)


class StoredRobots:
    """robots.txt answers in the store, with the wall-clock time each was fetched."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, robots_url: str) -> tuple[int, bytes, float] | None:
        f = schema.fetch_state.c
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(f.status, f.body, f.fetched_at).where(
                    f.url == robots_url, f.status.is_not(None)
                )
            ).first()
        if row is None or row.fetched_at is None:
            return None
        return int(row.status), bytes(row.body or b""), float(row.fetched_at)

    def put(self, robots_url: str, status: int, body: bytes, fetched_at: float) -> None:
        _upsert(
            self.store,
            robots_url,
            {"status": status, "body": body, "fetched_at": fetched_at},
        )


__all__ = ["StoredLinks", "StoredRobots", "StoredValidators"]
