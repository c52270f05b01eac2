"""Rows of the ``article_analyses`` table: one analysis record per article.

The store keeps the rows and never makes or reads a record itself: what a record
holds and how it is made is :mod:`storylens.analysis`; reading a story's records and
making the missing ones is :mod:`storylens.stored`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..errors import StoreError
from . import schema
from .store import Store, dumps, now


@dataclass(frozen=True)
class AnalysisRow:
    """One stored record: its format and stage versions, JSON payload and vector bytes."""

    article_id: str
    format: int
    versions: dict[str, str]
    payload: str
    vectors: bytes

    def is_current(self, record_format: int, versions: Mapping[str, str]) -> bool:
        return self.format == record_format and self.versions == dict(versions)


def analysis_row(
    article_id: str, record_format: int, versions: Mapping[str, str], payload: str, vectors: bytes
) -> dict[str, Any]:
    """The row to write for one record."""
    return {
        "article_id": article_id,
        "format": record_format,
        "versions": dumps(dict(versions)),
        "payload": payload,
        "vectors": vectors,
        "created_at": now(),
    }


def analysis_rows(store: Store, ids: Sequence[str]) -> dict[str, AnalysisRow]:
    """The stored records of ``ids`` (those that have one), by article id."""
    t = schema.article_analyses.c
    out: dict[str, AnalysisRow] = {}
    with store.engine.connect() as conn:
        for chunk in id_chunks(list(ids)):
            rows = conn.execute(
                select(t.article_id, t.format, t.versions, t.payload, t.vectors).where(
                    t.article_id.in_(chunk)
                )
            )
            for row in rows:
                out[row.article_id] = AnalysisRow(
                    row.article_id,
                    int(row.format),
                    _versions(row.versions),
                    row.payload,
                    bytes(row.vectors),
                )
    return out


def stale_analyses(
    store: Store, ids: Sequence[str], record_format: int, versions: Mapping[str, str]
) -> set[str]:
    """Those of ``ids`` without a record of ``record_format`` and ``versions``."""
    t = schema.article_analyses.c
    current: set[str] = set()
    wanted = dict(versions)
    with store.engine.connect() as conn:
        for chunk in id_chunks(list(ids)):
            rows = conn.execute(
                select(t.article_id, t.format, t.versions).where(t.article_id.in_(chunk))
            )
            for row in rows:
                if int(row.format) == record_format and _versions(row.versions) == wanted:
                    current.add(row.article_id)
    return set(ids) - current


def put_analyses(store: Store, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write records in one transaction, replacing those the articles had."""
    if not rows:
        return
    with write_errors(store, "analyses"), store.engine.begin() as conn:
        write_analyses(conn, rows)


@contextmanager
def write_errors(store: Store, what: str) -> Iterator[None]:
    """A failed write of rows tied to stored articles (``what``: "analyses") as a
    :class:`StoreError` that says how to go on."""
    try:
        yield
    except IntegrityError as exc:
        raise StoreError(
            f"could not store {what} in {store.name} ({exc.orig}): is every article "
            "still in the store? Run the command again"
        ) from exc
    except OperationalError as exc:
        raise StoreError(
            f"could not write to {store.name} ({exc.orig}); is the disk full, or the "
            "database locked or gone? Run the command again"
        ) from exc


def write_analyses(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Replace the records of the rows' articles inside the caller's transaction."""
    t = schema.article_analyses
    conn.execute(delete(t).where(t.c.article_id.in_([r["article_id"] for r in rows])))
    conn.execute(t.insert(), [dict(r) for r in rows])


def _versions(text: str) -> dict[str, str]:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def id_chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    """Id lists short enough for one IN (...) on every database."""
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


__all__ = [
    "AnalysisRow",
    "analysis_row",
    "analysis_rows",
    "id_chunks",
    "put_analyses",
    "stale_analyses",
    "write_errors",
    "write_analyses",
]
