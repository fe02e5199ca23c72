"""The hall row as the calendar's version (every process reloads a hall whose ``updated_at``
moved), and the hall's open state as boards were last told it.

A calendar change and a booking serialize on this row: the change updates it first, a booking
reads it shared before taking its seat, so a booking either commits before the change reads the
day's bookings or waits and is checked against the new calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from ..dialect import for_share
from ..models import Hall, HallRuntime
from ..types import table_of

H, R = table_of(Hall), table_of(HallRuntime)


def calendar_version_held(conn: Connection, hall_id: int) -> datetime:
    """The hall's version, the row held against calendar changes until the commit; bookings do
    not wait for each other (a share lock)."""
    return conn.execute(for_share(conn, select(H.c.updated_at).where(H.c.id == hall_id))).scalar_one()


def bump_calendar_version(conn: Connection, hall_id: int, now: datetime) -> None:
    """A new version, later than the old even when the clock has not moved (two changes in one
    tick, the tests' frozen clock), as a waiting booking compares it. NO KEY UPDATE (what the
    UPDATE takes anyway): event rows only need KEY SHARE on the hall row, so a writer holding the
    event-order lock is never blocked here (FOR UPDATE deadlocked on PostgreSQL)."""
    held = select(H.c.updated_at).where(H.c.id == hall_id).with_for_update(key_share=True)
    old = conn.execute(held).scalar_one()
    conn.execute(update(H).where(H.c.id == hall_id).values(updated_at=max(now, old + timedelta(microseconds=1))))


# --- the open state boards were last told (hall.status) ----------------------------------------
def open_states(conn: Connection) -> dict[int, str]:
    return {row.hall_id: row.open_state for row in conn.execute(select(R.c.hall_id, R.c.open_state))}


def claim_open_state(conn: Connection, hall_id: int, state: str) -> bool:
    """Store ``state`` if it is a change: a compare-and-set, so exactly one of several server
    processes announces each change."""
    done = conn.execute(update(R).where(R.c.hall_id == hall_id, R.c.open_state != state).values(open_state=state))
    return bool(done.rowcount)


def store_open_state(conn: Connection, hall_id: int, state: str) -> None:
    conn.execute(update(R).where(R.c.hall_id == hall_id).values(open_state=state))
