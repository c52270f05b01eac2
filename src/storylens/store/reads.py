"""Rows of the ``pair_reads`` table: the cross-encoder's reads of stored statement pairs.

A read costs about as much as embedding a sentence, and a stored story's report reads
the same pairs at every view; this table keeps them (migration 6), keyed by
:func:`storylens.align.cross.read_key` (the network's hash and the two texts), with the
two articles, so a story's reads load by its articles and go when an article goes.
``store_meta`` names the network the rows were read by (``network``: its SHA-256); when
another network writes, the old rows are dropped first, so a retrained cross-encoder
leaves no dead rows behind. The store keeps the rows and never reads a pair itself
(:mod:`storylens.stored` does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from . import schema
from .analyses import id_chunks, write_errors
from .store import Store, now

NETWORK_KEY = "pair_reads.network"


def _network(conn: Connection) -> str | None:
    k = schema.meta.c
    return conn.execute(select(k.value).where(k.key == NETWORK_KEY)).scalar_one_or_none()


def story_reads(store: Store, ids: Sequence[str], network: str) -> dict[str, float]:
    """The stored reads between articles of ``ids``, by key, if ``network`` made them."""
    t = schema.pair_reads.c
    wanted = set(ids)
    out: dict[str, float] = {}
    with store.engine.connect() as conn:
        if _network(conn) != network:
            return {}
        for chunk in id_chunks(sorted(wanted)):
            rows = conn.execute(select(t.key, t.article_b, t.logit).where(t.article_a.in_(chunk)))
            out.update({r.key: float(r.logit) for r in rows if r.article_b in wanted})
    return out


def put_reads(store: Store, made: Mapping[str, tuple[str, str, float]], network: str) -> None:
    """Keep new reads (key -> (article a, article b, logit)) made by ``network``; a key
    already stored, by this process or another, keeps its row (one key, one read: the
    same value). Rows of another network are dropped first."""
    if not made:
        return
    rows = [
        {"key": k, "article_a": a, "article_b": b, "logit": logit, "created_at": now()}
        for k, (a, b, logit) in sorted(made.items())
    ]
    dialect = postgresql if store.engine.dialect.name == "postgresql" else sqlite
    with write_errors(store, "the cross-encoder's reads"), store.engine.begin() as conn:
        found = _network(conn)
        if found != network:
            conn.execute(delete(schema.pair_reads))
            m = schema.meta
            if found is None:
                conn.execute(m.insert().values(key=NETWORK_KEY, value=network))
            else:
                conn.execute(m.update().where(m.c.key == NETWORK_KEY).values(value=network))
        for start in range(0, len(rows), 500):
            conn.execute(
                dialect.insert(schema.pair_reads)
                .values(rows[start : start + 500])
                .on_conflict_do_nothing(index_elements=["key"])
            )


__all__ = ["NETWORK_KEY", "put_reads", "story_reads"]
