"""Tests where the hall's voice has said every call so far (what `yichuang announcer` reports).

过号 waits for calls the announcer reported as spoken; a test about something else that ends in a
过号 plays the announcer's part here, through the same service the API route uses.
"""

from __future__ import annotations

from sqlalchemy import select

from hall_server.core.event_types import CALL_TYPES
from hall_server.services.access import Principal
from hall_server.storage.models import CallAnnouncement, Event


def hear_all_calls(server, hall_id: int) -> int:
    """Report every call and recall of the hall not yet reported; returns how many."""
    with server.db.read() as conn:
        done = select(CallAnnouncement.event_id).where(CallAnnouncement.hall_id == hall_id)
        ids = conn.execute(
            select(Event.id).where(Event.hall_id == hall_id, Event.type.in_(CALL_TYPES), Event.id.not_in(done))
        ).scalars()
        ids = list(ids)
    board = Principal(hall_id, "board", "test-announcer")
    for event_id in ids:
        server.announcements.record(board, event_id, "test-announcer")
    return len(ids)
