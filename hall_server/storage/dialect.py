"""The two statements that differ between SQLite and PostgreSQL, written once for every caller."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert


def upsert(
    conn: Connection, table: Table, values: Mapping[str, Any], key: Sequence[str], update: Mapping[str, Any] | None
) -> Insert:
    """INSERT of ``values`` that, on a row with the same ``key`` columns, sets ``update`` instead
    (None: leaves that row as it is). One statement, so two writers racing for one key both
    succeed rather than one hitting the unique constraint. Execute it (add ``.returning`` first
    for the stored values)."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(**values)
    if update is None:
        return stmt.on_conflict_do_nothing(index_elements=list(key))
    return stmt.on_conflict_do_update(index_elements=list(key), set_=dict(update))


def for_share(conn: Connection, query: Select) -> Select:
    """``query`` holding its rows against writers until the commit, without making readers wait
    for each other: FOR SHARE on PostgreSQL. SQLite needs none (BEGIN IMMEDIATE already holds
    the only write lock)."""
    return query.with_for_update(read=True) if conn.dialect.name == "postgresql" else query
