"""The event types the hall emits: what /events can send, and what pages subscribe to."""

from __future__ import annotations

TICKET_EVENT = {
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
}
EVENT_TYPES = tuple(TICKET_EVENT.values()) + ("window.status", "hall.status", "device.status", "calendar.changed")
EVENT_TYPES += ("rating.recorded",)  # 好差评 (hall_server/services/ratings.py)
EVENT_TYPES += ("rating.link_replaced", "rating.appeal", "follow_up.changed")  # 好差评 closed loop
EVENT_TYPES += ("case.changed",)  # 办件 (hall_server/services/cases.py)
EVENT_TYPES += ("appointment.hall_cancelled",)  # a calendar change left a booking no seat (calendar_bookings.py)
EVENT_TYPES += ("appointment.released",)  # a supervisor released bookings that looked like hoarding
EVENT_TYPES += ("ticket.announced",)  # the announcer said a call (call_announcements.py)
CALL_TYPES = ("ticket.called", "ticket.recalled")
