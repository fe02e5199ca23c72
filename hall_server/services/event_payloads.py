"""What each event of the log carries (its ``data``), one TypedDict per event type.

``append_event`` is overloaded on the event type (services/event_log.py), so mypy checks the dict
each caller writes against its type's payload here. The views inside (a ticket, a window, a
rating as its page shows it) stay plain dicts: they are the same dicts the API returns.
Public devices receive only the fields events/visibility.py lists of these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NotRequired, TypedDict

TicketEventType = Literal[
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.started",
    "ticket.finished",
    "ticket.no_show",
    "ticket.held",
    "ticket.resumed",
    "ticket.transferred",
    "ticket.cancelled",
]


class TicketChanged(TypedDict):
    """A ticket issued or changed state: its view and the line's length (boards show it)."""

    ticket: dict[str, Any]
    waiting: int
    text: NotRequired[str]  # calls and recalls: the sentence the announcer says
    reason: NotRequired[str]  # why, when the clerk gave one (a transfer, a cancellation)


class AnnouncedTicket(TypedDict):
    id: int
    number: str


class TicketAnnounced(TypedDict):
    """The announcer said a call; ``no_show`` is the 过号 gate after it (None: no longer called)."""

    ticket: AnnouncedTicket
    call_event_id: int
    no_show: dict[str, Any] | None


class WindowStatus(TypedDict):
    window_status: Mapping[str, Any]  # a WindowView (services/window_posts.py)


class HallStatus(TypedDict):
    hall_status: dict[str, Any]


class DeviceStatus(TypedDict):
    device_status: dict[str, Any]


class CalendarChanged(TypedDict):
    date: str
    kind: str | None  # None: the date's entry was removed
    note: str
    duty_day: NotRequired[dict[str, Any]]
    cancelled_bookings: int


class RatingRecorded(TypedDict):
    rating: dict[str, Any]
    revised: NotRequired[bool]


class RatingLinkReplaced(TypedDict):
    ticket_id: int
    previous_created_by: str | None


class IdAndState(TypedDict):
    id: int
    state: str


class RatingAppeal(TypedDict):
    appeal: IdAndState


class FollowUpChanged(TypedDict):
    follow_up: IdAndState


class CaseStep(TypedDict):
    case_no: str
    action: str
    state: str
    owner_window: int | None
    department: str


class CaseChanged(TypedDict):
    case: CaseStep


class AppointmentHallCancelled(TypedDict):
    """No name and no code: the event stream reaches boards and kiosks too."""

    appointment_id: int
    slot_start: str
    reason: str


class AppointmentsReleased(TypedDict):
    count: int  # no codes: they are check-in secrets
