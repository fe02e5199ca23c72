"""The append-only event log as stored: one event as read back (what the broker fans out and a
stream replays), and the reads of the ``events`` table."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from ..core.event_types import CALL_TYPES
from .models import Event
from .types import table_of

EVENTS = table_of(Event)


@dataclass
class StoredEvent:
    id: int
    hall_id: int
    type: str
    window_number: int | None
    ticket_id: int | None
    occurred_at: datetime
    payload_json: str
    # The frames public devices receive (hall_server/events/visibility.py), built once per role.
    role_frames: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def data(self) -> dict[str, Any]:
        # Parsed from the stored text, so an event handed on at commit and the same event read
        # back from the database are identical, whatever the writer did with its dict afterwards.
        data: dict[str, Any] = json.loads(self.payload_json)
        return data

    @functools.cached_property
    def sse(self) -> str:
        """The SSE frame, built once however many subscribers receive it."""
        return f"id: {self.id}\nevent: {self.type}\ndata: {self.as_json()}\n\n"

    def as_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "type": self.type,
                "at": self.occurred_at.isoformat(),
                "window": self.window_number,
                **self.data,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


def _row_to_event(row: Any) -> StoredEvent:
    return StoredEvent(
        row.id, row.hall_id, row.type, row.window_number, row.ticket_id, row.occurred_at, row.payload_json
    )


def events_after(conn: Connection, after_id: int, limit: int = 1000, hall_id: int | None = None) -> list[StoredEvent]:
    query = select(EVENTS).where(EVENTS.c.id > after_id).order_by(EVENTS.c.id).limit(limit)
    if hall_id is not None:
        query = query.where(EVENTS.c.hall_id == hall_id)
    return [_row_to_event(r) for r in conn.execute(query)]


def recent_calls(conn: Connection, hall_id: int, since: datetime, limit: int) -> list[StoredEvent]:
    """The hall's newest calls and recalls since ``since``, newest first (boards rebuild their list from it)."""
    query = (
        select(EVENTS)
        .where(EVENTS.c.hall_id == hall_id, EVENTS.c.type.in_(CALL_TYPES), EVENTS.c.occurred_at >= since)
        .order_by(EVENTS.c.id.desc())
        .limit(limit)
    )
    return [_row_to_event(r) for r in conn.execute(query)]


def last_event_id(conn: Connection) -> int:
    return conn.execute(select(EVENTS.c.id).order_by(EVENTS.c.id.desc()).limit(1)).scalar() or 0


def ticket_history(conn: Connection, ticket_id: int) -> list[StoredEvent]:
    query = select(EVENTS).where(EVENTS.c.ticket_id == ticket_id).order_by(EVENTS.c.id)
    return [_row_to_event(r) for r in conn.execute(query)]
