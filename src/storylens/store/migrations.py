"""Versioned schema migrations, recorded in the ``schema_migrations`` table.

Each migration is a function of a connection inside a transaction, listed in
:data:`MIGRATIONS` with its version number; :func:`migrate` applies the ones a
store has not seen yet, in order, and records each one. A store written by a
newer storylens (a version this code does not know) is refused rather than
guessed at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select, text, update

from ..errors import StoreError
from . import schema
from .search import create_index

Migration = Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    for table in schema.V1_TABLES:
        table.create(conn, checkfirst=True)


def _fetch_state(conn: Connection) -> None:
    for table in schema.V2_TABLES:
        table.create(conn, checkfirst=True)


# The embedders storylens used before vectors carried their embedder's name: every
# vector a store of schema 1 holds was made by one of these (a fact about the past,
# so spelled out here rather than read from the current embedders).
SCHEMA1_EMBEDDERS = {"en": "all-MiniLM-L6-v2-int8", "multi": "multilingual-e5-small-q4"}
# store_meta key holding the embedder name of a space's vectors
SPACE_KEY = "vector_space:"


def _embedder_names(conn: Connection) -> None:
    """Tag each stored vector with its embedder's name and record one name per space."""
    columns = {c["name"] for c in inspect(conn).get_columns(schema.cluster_features.name)}
    if "embedder" not in columns:
        conn.execute(
            text("ALTER TABLE cluster_features ADD COLUMN embedder TEXT NOT NULL DEFAULT ''")
        )
    f = schema.cluster_features.c
    for space, name in SCHEMA1_EMBEDDERS.items():
        conn.execute(
            update(schema.cluster_features)
            .where(f.space == space, f.embedder == "")
            .values(embedder=name)
        )
    spaces = conn.execute(select(f.space, f.embedder).distinct()).all()
    for space, name in spaces:
        conn.execute(schema.meta.insert().values(key=SPACE_KEY + space, value=name))


def _analyses(conn: Connection) -> None:
    for table in schema.V5_TABLES:
        table.create(conn, checkfirst=True)


def _reads(conn: Connection) -> None:
    for table in schema.V6_TABLES:
        table.create(conn, checkfirst=True)


MIGRATIONS: tuple[tuple[int, str, Migration], ...] = (
    (1, "initial schema", _initial),
    (2, "follow's fetch state and seen links", _fetch_state),
    (3, "full-text search over titles and texts", create_index),
    (4, "vectors tagged with their embedder's name", _embedder_names),
    (5, "one analysis record per article", _analyses),
    (6, "the cross-encoder's reads of stored statement pairs", _reads),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def applied_versions(conn: Connection) -> list[int]:
    if not inspect(conn).has_table(schema.migrations.name):
        return []
    rows = conn.execute(select(schema.migrations.c.version).order_by(schema.migrations.c.version))
    return [int(r[0]) for r in rows]


def check_ownership(conn: Connection, shown: str) -> list[int]:
    """The migrations this store has applied; :class:`StoreError` when it is not a storylens
    store: tables present but no ``schema_migrations`` of storylens's shape.

    A database another program made (its own tables, or a ``schema_migrations`` of its
    own, as Rails and others keep) is refused before anything is written to it.
    """
    found = inspect(conn)
    tables = sorted(found.get_table_names())
    if not tables:
        return []
    if schema.migrations.name in tables:
        columns = {c["name"] for c in found.get_columns(schema.migrations.name)}
        if columns >= {c.name for c in schema.migrations.columns}:
            return applied_versions(conn)
    shown_tables = ", ".join(tables[:5]) + (" ..." if len(tables) > 5 else "")
    raise StoreError(
        f"{shown} was not created by storylens (it holds other tables: {shown_tables}); "
        "give a new file or an empty database with --db"
    )


def migrate(engine: Engine) -> list[int]:
    """Bring the store's schema up to :data:`SCHEMA_VERSION`; return the versions applied."""
    with engine.begin() as conn:
        schema.migrations.create(conn, checkfirst=True)
    done: list[int] = []
    with engine.begin() as conn:
        known = applied_versions(conn)
        if known and known[-1] > SCHEMA_VERSION:
            raise StoreError(
                f"this store has schema version {known[-1]} but this storylens knows only up to "
                f"{SCHEMA_VERSION}; upgrade storylens (pip install -U storylens) to open it"
            )
    for version, name, step in MIGRATIONS:
        if version in known:
            continue
        with engine.begin() as conn:
            # re-check inside the transaction: another process may have just applied it
            if version in applied_versions(conn):
                continue
            step(conn)
            conn.execute(
                schema.migrations.insert().values(
                    version=version, name=name, applied_at=dt.datetime.now(dt.UTC).isoformat()
                )
            )
        done.append(version)
    return done
