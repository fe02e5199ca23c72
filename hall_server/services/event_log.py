"""Appending to the append-only event log inside a use case's transaction: the event leaves
(to the broker, and so to every stream) only once that transaction commits."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict, Unpack, cast, overload

from sqlalchemy import Connection

from ..core.event_types import TICKET_EVENT as TICKET_EVENT_TYPES
from ..storage.database import PENDING_EVENTS, Database
from ..storage.event_log import StoredEvent
from ..storage.line_sql import INSERT_EVENT, bind_time
from .event_payloads import (
    AppointmentHallCancelled,
    AppointmentsReleased,
    CalendarChanged,
    CaseChanged,
    DeviceStatus,
    FollowUpChanged,
    HallStatus,
    RatingAppeal,
    RatingLinkReplaced,
    RatingRecorded,
    TicketAnnounced,
    TicketChanged,
    TicketEventType,
    WindowStatus,
)

# The desk looks its ticket event up by action at run time; typed here, so that lookup still
# meets the ticket overload of append_event (core/event_types.py keeps the plain table).
TICKET_EVENT: dict[str, TicketEventType] = {a: cast(TicketEventType, t) for a, t in TICKET_EVENT_TYPES.items()}


class Filed(TypedDict, total=False):
    """What an event is filed under besides its hall and type (append_event's keyword arguments)."""

    ticket_id: int | None
    window_number: int | None
    actor: str


# One overload per event type, so mypy checks each caller's dict against that type's payload
# (services/event_payloads.py); a type missing here is refused, a key misspelt in the dict too.
# fmt: off
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: TicketEventType, at: datetime, data: TicketChanged, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["ticket.announced"], at: datetime, data: TicketAnnounced, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["window.status"], at: datetime, data: WindowStatus, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["hall.status"], at: datetime, data: HallStatus, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["device.status"], at: datetime, data: DeviceStatus, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["calendar.changed"], at: datetime, data: CalendarChanged, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["rating.recorded"], at: datetime, data: RatingRecorded, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["rating.link_replaced"], at: datetime, data: RatingLinkReplaced, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["rating.appeal"], at: datetime, data: RatingAppeal, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["follow_up.changed"], at: datetime, data: FollowUpChanged, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["case.changed"], at: datetime, data: CaseChanged, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["appointment.hall_cancelled"], at: datetime, data: AppointmentHallCancelled, **filed: Unpack[Filed]) -> int: ...
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: Literal["appointment.released"], at: datetime, data: AppointmentsReleased, **filed: Unpack[Filed]) -> int: ...
# fmt: on


def append_event(
    db: Database,
    conn: Connection,
    hall_id: int,
    type_: str,
    at: datetime,
    data: Mapping[str, Any],
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
