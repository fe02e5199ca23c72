"""Appending to the append-only event log inside a use case's transaction: the event leaves
(to the broker, and so to every stream) only once that transaction commits."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from ..storage.database import PENDING_EVENTS, Database
from ..storage.event_log import StoredEvent
from ..storage.line_sql import INSERT_EVENT, bind_time


def append_event(
    db: Database,
    conn: Connection,
    hall_id: int,
    type_: str,
    at: datetime,
    data: dict[str, Any],
    *,
    ticket_id: int | None = None,
    window_number: int | None = None,
    actor: str = "",
) -> int:
    """Store an event inside the caller's transaction; it is sent only once that commits."""
    db.lock_event_order(conn)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    event_id = INSERT_EVENT.run(
        conn,
        {
            "hall_id": hall_id,
            "type": type_,
            "ticket_id": ticket_id,
            "window_number": window_number,
            "occurred_at": bind_time(at),
            "actor": actor,
            "payload_json": payload,
        },
    ).scalar_one()
    db.notify_events(conn, hall_id)
    pending = conn.info.get(PENDING_EVENTS)
    if pending is not None:
        pending.append(StoredEvent(event_id, hall_id, type_, window_number, ticket_id, at.astimezone(UTC), payload))
    return int(event_id)
