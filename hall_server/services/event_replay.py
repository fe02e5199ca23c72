"""What an event stream missed: the hall's stored events after a cursor, for SSE replay."""

from __future__ import annotations

from ..storage.event_log import StoredEvent, events_after
from .base import Services


def missed_events(services: Services, hall_id: int, after_id: int, limit: int) -> list[StoredEvent]:
    """Up to ``limit`` of the hall's events with an id above ``after_id``, in id order."""
    with services.db.read() as conn:
        return events_after(conn, after_id, limit, hall_id=hall_id)
