"""Column types and the declarative base shared by every table module (and by migrations)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, Table, TypeDecorator
from sqlalchemy.orm import DeclarativeBase


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC (naive on SQLite, which has no time zones) and always returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect | None = None) -> datetime | None:
        return to_stored(value)

    def process_result_value(self, value: Any, dialect: Dialect | None = None) -> datetime | None:
        return from_stored(value)


def to_stored(value: datetime | None) -> datetime | None:
    """An aware time as the database keeps it: naive UTC. Hot-path SQL binds through this too."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; pass an aware one")
    return value.astimezone(UTC).replace(tzinfo=None)


def from_stored(value: datetime | str | None) -> datetime | None:
    """A stored time back as aware UTC (SQLite's driver hands raw SQL results over as text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


# BigInteger ids on PostgreSQL; plain INTEGER PRIMARY KEY (the rowid) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


def table_of(model: type[Base]) -> Table:
    """A model's Table for Core statements, typed as one (``__table__`` is typed as a FromClause)."""
    return cast(Table, model.__table__)
