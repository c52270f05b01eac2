"""The article store: open a SQLite file or a PostgreSQL URL, read and write rows.

``open_store(target)`` takes a file path (SQLite, created on first use, WAL mode,
foreign keys on, a busy timeout) or a ``postgresql://`` URL (psycopg 3), refuses a
database that storylens did not create, runs the pending migrations, and returns a
:class:`Store`; ``open_store(target, create=False)`` (the reading commands) creates and
migrates nothing. Every write that belongs
together happens in one transaction (:meth:`Store.file_article`), so a process
killed at any moment leaves either all of an article or none of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError

from ..errors import InputError, StoreError, VectorSpaceError
from ..model import Article, Rejection
from . import schema
from .changes import ChangeMark
from .migrations import SCHEMA_VERSION, SPACE_KEY, check_ownership, migrate

DEFAULT_DB = "storylens.db"
ENV_DB = "STORYLENS_DB"
PG_INSTALL = "pip install 'psycopg[binary]==3.3.9'  (or: pip install 'storylens[postgres]')"
SQLITE_BUSY_MS = 10_000


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def content_hash(text: str) -> str:
    """SHA-256 of the text with whitespace runs collapsed: the same words, the same hash."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class StoredStory:
    """One story as listed by ``storylens stories``."""

    id: str
    title: str
    topic: str
    size: int
    accounts: int
    created_at: str
    updated_at: str
    first_date: str | None
    last_date: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "topic": self.topic,
            "size": self.size,
            "accounts": self.accounts,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "first_date": self.first_date,
            "last_date": self.last_date,
        }


def resolve_target(target: str | os.PathLike[str] | None) -> str:
    """The database to open: ``target``, else ``$STORYLENS_DB``, else ``storylens.db``."""
    if target is None or str(target) == "":
        target = os.environ.get(ENV_DB) or DEFAULT_DB
    return str(target)


def _engine_for(target: str) -> Engine:
    if "://" not in target:
        path = Path(target).expanduser()
        if path.is_dir():
            raise StoreError(
                f"{path} is a folder; give a database file such as {path}/storylens.db"
            )
        if not path.parent.exists():
            raise StoreError(
                f"folder {path.parent} does not exist; create it or choose another --db"
            )
        return _sqlite_engine(f"sqlite:///{path}")
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise StoreError(f"cannot read database URL {target!r}: {exc}") from exc
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise StoreError(
                f"PostgreSQL needs the psycopg driver; install it with: {PG_INSTALL}"
            ) from exc
        return create_engine(url.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
    if url.drivername == "sqlite":
        return _sqlite_engine(url.render_as_string(hide_password=False))
    raise StoreError(
        f"unsupported database {url.drivername!r}; give a file path (SQLite) or a "
        "postgresql://user:password@host/dbname URL"
    )


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process; only a power cut may lose the last commits
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.close()

    return engine


def _sqlite_path(target: str) -> Path | None:
    """The file of a SQLite target (a path, or a sqlite:/// URL), None for other databases."""
    if "://" not in target:
        return Path(target).expanduser()
    url = make_url(target)
    if url.drivername == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser()
    return None


def _check_sqlite_file(path: Path, shown: str, create: bool) -> None:
    """Refuse, before any connection that could write to it, a file that is not a
    storylens store (or, with ``create=False``, is no store at all)."""
    if not path.exists():
        if create:
            return
        raise StoreError(
            f"there is no store at {shown}; create one with: storylens ingest INPUT --db {shown}"
        )
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give a database file such as {path}/storylens.db")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = [
                r[0]
                for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
                if not r[0].startswith("sqlite_")
            ]
            columns = {r[1] for r in conn.execute("PRAGMA table_info(schema_migrations)")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{shown} is not a SQLite database ({exc}); is it a storylens database? "
            "give another --db, or move the file aside"
        ) from exc
    if tables and not columns >= {c.name for c in schema.migrations.columns}:
        shown_tables = ", ".join(sorted(tables)[:5]) + (" ..." if len(tables) > 5 else "")
        raise StoreError(
            f"{shown} was not created by storylens (it holds other tables: {shown_tables}); "
            "give a new file or an empty database with --db"
        )
    if not tables and not create:
        raise StoreError(
            f"{shown} holds no storylens store yet; create one with: "
            f"storylens ingest INPUT --db {shown}"
        )


def open_store(
    target: str | os.PathLike[str] | None = None, *, create: bool = True, upgrade: bool = False
) -> Store:
    """Open the store at a path or URL, creating and migrating it as needed.

    A database storylens did not create is refused (:class:`StoreError`) before anything
    is written to it. With ``create=False`` (what reading commands use) nothing is ever
    created: the store must exist, and an older one is migrated only with
    ``upgrade=True`` (``stories``, and ``show`` and ``serve``, which write analyses back;
    the migrations only add); else it must be at this storylens's schema version.
    """
    target = resolve_target(target)
    engine = _engine_for(target)  # no connection yet: nothing is written before the checks
    shown = target if "://" not in target else make_url(target).render_as_string(hide_password=True)
    path = _sqlite_path(target)
    if path is not None:
        try:
            _check_sqlite_file(path, shown, create)
        except StoreError:
            engine.dispose()
            raise
    try:
        with engine.connect() as conn:
            applied = check_ownership(conn, shown)
        if not create and not (upgrade and applied):
            _check_current(applied, shown)
        else:
            migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        hint = (
            "is the server running and the URL right? (scripts/ci-postgres.sh starts a local one)"
            if engine.dialect.name == "postgresql"
            else "is the file a SQLite database, and writable?"
        )
        raise StoreError(f"cannot open the store at {shown}: {exc.orig}; {hint}") from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot prepare the store at {shown}: {getattr(exc, 'orig', None) or exc}; "
            "is it a storylens database? give another --db, or move the file aside"
        ) from exc
    except StoreError:
        engine.dispose()
        raise
    return Store(engine, shown)


def _check_current(applied: list[int], shown: str) -> None:
    if not applied:
        raise StoreError(
            f"{shown} holds no storylens store yet; create one with: "
            f"storylens ingest INPUT --db {shown}"
        )
    if applied[-1] < SCHEMA_VERSION:
        raise StoreError(
            f"{shown} has schema version {applied[-1]} and this storylens reads version "
            f"{SCHEMA_VERSION}; upgrade it by running storylens ingest on it once"
        )
    if applied[-1] > SCHEMA_VERSION:
        raise StoreError(
            f"this store has schema version {applied[-1]} but this storylens knows only up "
            f"to {SCHEMA_VERSION}; upgrade storylens (pip install -U storylens) to open it"
        )


class Store:
    """Articles, their analyses, stories and their history, in one database."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._changes = ChangeMark(engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._changes.close()
        self.engine.dispose()

    def change_mark(self) -> str | None:
        """A mark that differs after any committed write, by any process (None for a
        database in memory): what caches of answers from the store are keyed on
        (:mod:`storylens.store.changes`)."""
        return self._changes.read()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # ------------------------------------------------------------------ articles
    def count(self, table: str) -> int:
        t = schema.metadata.tables[table]
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t)).scalar_one())

    def next_seq(self) -> int:
        with self.engine.connect() as conn:
            top = conn.execute(select(func.max(schema.articles.c.seq))).scalar_one()
        return 0 if top is None else int(top) + 1

    def lookup(
        self, ids: Sequence[str], hashes: Sequence[str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Stored (id -> content hash) for ``ids`` and (content hash -> id) for ``hashes``."""
        a = schema.articles.c
        by_id: dict[str, str] = {}
        by_hash: dict[str, str] = {}
        with self.engine.connect() as conn:
            if ids:
                for row in conn.execute(select(a.id, a.content_hash).where(a.id.in_(list(ids)))):
                    by_id[row.id] = row.content_hash
            if hashes:
                rows = conn.execute(
                    select(a.id, a.content_hash).where(a.content_hash.in_(list(hashes)))
                )
                for row in rows:
                    by_hash[row.content_hash] = row.id
        return by_id, by_hash

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Stored articles (all, or those in ``ids``), in arrival order."""
        a = schema.articles.c
        query = select(schema.articles).order_by(a.seq)
        if ids is not None:
            query = query.where(a.id.in_(list(ids)))
        with self.engine.connect() as conn:
            return [_article(row._mapping) for row in conn.execute(query)]

    def add_rejection(self, rejection: Rejection) -> None:
        """Record a rejected input once (the same origin and reason again changes nothing)."""
        row = {
            "origin": rejection.origin,
            "reason": rejection.reason,
            "detail": rejection.detail,
            "at": now(),
        }
        with self.engine.begin() as conn:
            conn.execute(_insert_ignore(conn, schema.rejections, ["origin", "reason"]).values(row))

    def rejections(self) -> list[Rejection]:
        r = schema.rejections.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(r.origin, r.reason, r.detail).order_by(r.id))
            return [Rejection(row.origin, row.reason, row.detail) for row in rows]

    # ------------------------------------------------------------------ writing one article
    def file_article(self, filed: Mapping[str, Any]) -> None:
        """Write one article with its analysis, features and story, in one transaction.

        ``filed`` holds ready rows: ``article``, ``analysis`` (the article_analyses row,
        or None), ``features``, ``member``, ``stories`` (rows to upsert), ``merged``
        ([(absorbed, into)]) and ``history`` (list). Raises :class:`StoreError` when another writer filed the
        same arrival number first.
        """
        try:
            with self.engine.begin() as conn:
                _claim_space(conn, self.name, filed["features"])
                conn.execute(schema.articles.insert().values(filed["article"]))
                if filed.get("analysis"):
                    conn.execute(schema.article_analyses.insert().values(filed["analysis"]))
                conn.execute(schema.cluster_features.insert().values(filed["features"]))
                for row in filed["stories"]:
                    _upsert_story(conn, row)
                conn.execute(schema.story_members.insert().values(filed["member"]))
                for absorbed, into in filed["merged"]:
                    _mark_merged(conn, absorbed, into)
                if filed["history"]:
                    conn.execute(schema.story_history.insert(), list(filed["history"]))
        except IntegrityError as exc:
            raise StoreError(
                f"could not file article {filed['article']['id']!r}: another process wrote to "
                f"{self.name} at the same time ({exc.orig}); run one ingest per store at a time, "
                "then run the ingest again to resume"
            ) from exc
        except OperationalError as exc:
            raise StoreError(
                f"could not write to {self.name} ({exc.orig}); is the disk full, or the "
                "database locked or gone? Run the ingest again to resume"
            ) from exc

    # ------------------------------------------------------------------ clusterer state
    def cluster_state(self) -> dict[str, Any]:
        """The clusterer's plain-data state (see :mod:`storylens.cluster.state`)."""
        from .rows import state_from_rows

        with self.engine.connect() as conn:
            return state_from_rows(conn)

    def vector_spaces(self) -> dict[str, str]:
        """Per space ("en", "multi"), the name of the embedder whose vectors the store holds."""
        k = schema.meta.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(k.key, k.value).where(k.key.startswith(SPACE_KEY)))
            return {row.key[len(SPACE_KEY) :]: row.value for row in rows}

    # ------------------------------------------------------------------ stories
    def stories(self, since: str | None = None, limit: int | None = None) -> list[StoredStory]:
        """Current stories (not merged away), most recently updated first."""
        s = schema.stories.c
        query = select(schema.stories).where(s.merged_into.is_(None))
        if since:
            query = query.where(s.updated_at >= since)
        query = query.order_by(s.updated_at.desc(), s.id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [story_from_row(row._mapping) for row in conn.execute(query)]

    def resolve_story(self, story_id: str) -> str:
        """The current id of ``story_id`` (following merges); InputError when unknown."""
        s = schema.stories.c
        seen = set()
        with self.engine.connect() as conn:
            current = story_id
            while current not in seen:
                seen.add(current)
                row = conn.execute(select(s.id, s.merged_into).where(s.id == current)).first()
                if row is None:
                    break
                if row.merged_into is None:
                    return current
                current = row.merged_into
        raise InputError(
            f"no story {story_id!r} in {self.name}; list the stories with: "
            "storylens stories --db " + self.name
        )

    def story(self, story_id: str) -> StoredStory:
        current = self.resolve_story(story_id)
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.stories).where(schema.stories.c.id == current)).one()
        return story_from_row(row._mapping)

    def story_articles(self, story_id: str) -> list[Article]:
        """The articles of a story, in arrival order."""
        current = self.resolve_story(story_id)
        m = schema.story_members.c
        query = (
            select(schema.articles)
            .join(schema.story_members, m.article_id == schema.articles.c.id)
            .where(m.story_id == current)
            .order_by(m.seq)
        )
        with self.engine.connect() as conn:
            return [_article(row._mapping) for row in conn.execute(query)]

    def memberships(self) -> dict[str, tuple[str, str | None]]:
        """Every article's (current story, duplicate_of)."""
        m = schema.story_members.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(m.article_id, m.story_id, m.duplicate_of))
            return {r.article_id: (r.story_id, r.duplicate_of) for r in rows}

    def history(self, story_id: str | None = None) -> list[dict[str, Any]]:
        h = schema.story_history.c
        query = select(schema.story_history).order_by(h.id)
        if story_id is not None:
            query = query.where((h.story_id == story_id) | (h.other_id == story_id))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


def _article(row: Mapping[Any, Any]) -> Article:
    return Article(
        id=row["id"],
        text=row["text"],
        outlet=row["outlet"],
        url=row["url"],
        title=row["title"],
        published=row["published"],
        origin=row["origin"],
        language=row["language"],
    )


def story_from_row(row: Mapping[Any, Any]) -> StoredStory:
    return StoredStory(
        id=row["id"],
        title=row["title"],
        topic=row["topic"],
        size=int(row["size"]),
        accounts=int(row["accounts"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        first_date=row["first_date"],
        last_date=row["last_date"],
    )


def _insert_ignore(conn: Connection, table: Any, keys: list[str]) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=keys)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing(index_elements=keys)


def _upsert_story(conn: Connection, row: Mapping[str, Any]) -> None:
    s = schema.stories
    changed = {
        k: v
        for k, v in row.items()
        if k not in ("id", "title", "created_at", "first_article", "created_seq")
    }
    result = conn.execute(update(s).where(s.c.id == row["id"]).values(changed))
    if result.rowcount == 0:
        conn.execute(s.insert().values(dict(row)))


def _claim_space(conn: Connection, store: str, features: Mapping[str, Any]) -> None:
    """Record the embedder of a space's first vector; refuse a vector of another embedder."""
    k = schema.meta.c
    key, name = SPACE_KEY + features["space"], features.get("embedder") or ""
    held = conn.execute(select(k.value).where(k.key == key)).scalar_one_or_none()
    if held is None:
        conn.execute(schema.meta.insert().values(key=key, value=name))
    elif held != name:
        raise VectorSpaceError(
            f"{store} holds {features['space']!r} vectors made by {held or 'an unnamed embedder'}, "
            f"and article {features['article_id']!r} was embedded by "
            f"{name or 'an unnamed embedder'}: vectors of two models cannot be compared, so "
            "their stories would be wrong. Ingest with the storylens (and embedder) that made "
            "this store, or give a new --db and ingest all the articles into it"
        )


def _mark_merged(conn: Connection, absorbed: str, into: str) -> None:
    s, m = schema.stories, schema.story_members
    conn.execute(update(s).where(s.c.id == absorbed).values(merged_into=into))
    conn.execute(update(s).where(s.c.merged_into == absorbed).values(merged_into=into))
    conn.execute(update(m).where(m.c.story_id == absorbed).values(story_id=into))
