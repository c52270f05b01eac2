"""A mark that differs after any committed write to the store, by any process.

Caches of answers computed from the store (the web service's search answers) keep the
mark read *before* they read the store, and serve an answer only while the mark is
unchanged: an answer can be newer than its mark, never older, so nothing goes stale.

- SQLite: ``PRAGMA data_version`` on a connection of its own that never writes. Its
  value changes whenever another connection (of this process or another) has committed,
  and reading it touches only the WAL index, not the tables.
- PostgreSQL: the current snapshot (``pg_current_snapshot()``, PostgreSQL 13 or later):
  a transaction that committed since an earlier snapshot either was still running then
  (it is in that snapshot's list) or had not started (its id is past that snapshot's
  end), so the text differs. Writes to other databases of the server change it too;
  that costs a cache miss, never a wrong answer.
- A SQLite database in memory has no mark (``None``): nothing should be cached.
"""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import Engine, text


class ChangeMark:
    """Reads the store's change mark; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        database = engine.url.database
        self._sqlite_path = (
            database
            if engine.dialect.name == "sqlite" and database and database != ":memory:"
            else None
        )
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def read(self) -> str | None:
        """The current mark; equal marks mean no write was committed in between."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                return str(conn.execute(text("SELECT pg_current_snapshot()::text")).scalar_one())
        if self._sqlite_path is None:
            return None
        with self._lock:
            if self._conn is None:
                # autocommit: the pragma's read transaction ends at once and never holds
                # back a checkpoint
                self._conn = sqlite3.connect(
                    self._sqlite_path, check_same_thread=False, isolation_level=None
                )
            return str(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
