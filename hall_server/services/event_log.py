"""Appending to and reading from the append-only event log."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NewType, TypedDict, Unpack, overload

from sqlalchemy import Connection, select

from ..storage.database import PENDING_EVENTS, Database
from ..storage.line_sql import INSERT_EVENT, bind_time
from ..storage.models import Event
from ..storage.types import table_of
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

EVENTS = table_of(Event)
# A ticket event looked up by the desk's action at run time: the last overload of append_event
# takes it with a plain dict, unchecked, until that caller builds a TicketChanged (then type
# these values TicketEventType and drop that overload).
DeskTicketEvent = NewType("DeskTicketEvent", str)
TICKET_EVENT: dict[str, DeskTicketEvent] = {
    action: DeskTicketEvent(event_type)
    for action, event_type in {
        "issue": "ticket.issued",
        "call": "ticket.called",
        "recall": "ticket.recalled",
        "start": "ticket.started",
        "finish": "ticket.finished",
        "no_show": "ticket.no_show",
        "hold": "ticket.held",
        "resume": "ticket.resumed",
        "transfer": "ticket.transferred",
        "cancel": "ticket.cancelled",
    }.items()
}
EVENT_TYPES = tuple(TICKET_EVENT.values()) + ("window.status", "hall.status", "device.status", "calendar.changed")
EVENT_TYPES += ("rating.recorded",)  # 好差评 (hall_server/services/ratings.py)
EVENT_TYPES += ("rating.link_replaced", "rating.appeal", "follow_up.changed")  # 好差评 closed loop
EVENT_TYPES += ("case.changed",)  # 办件 (hall_server/services/case_steps.py)
EVENT_TYPES += ("appointment.hall_cancelled",)  # a calendar change left a booking no seat (calendar_bookings.py)
EVENT_TYPES += ("appointment.released",)  # a supervisor released bookings that looked like hoarding
EVENT_TYPES += ("ticket.announced",)  # the announcer said a call (call_announcements.py)


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
@overload
def append_event(db: Database, conn: Connection, hall_id: int, type_: DeskTicketEvent, at: datetime, data: dict[str, Any], **filed: Unpack[Filed]) -> int: ...
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


def _row_to_event(row: Any) -> StoredEvent:
    return StoredEvent(
        row.id, row.hall_id, row.type, row.window_number, row.ticket_id, row.occurred_at, row.payload_json
    )


def events_after(conn: Connection, after_id: int, limit: int = 1000, hall_id: int | None = None) -> list[StoredEvent]:
    query = select(EVENTS).where(EVENTS.c.id > after_id).order_by(EVENTS.c.id).limit(limit)
    if hall_id is not None:
        query = query.where(EVENTS.c.hall_id == hall_id)
    return [_row_to_event(r) for r in conn.execute(query)]


CALL_TYPES = ("ticket.called", "ticket.recalled")


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
