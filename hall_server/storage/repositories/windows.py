"""The hall's windows, who is at their posts (AB岗) and the shift log of each post."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from .. import line_sql
from ..models import StaffShift, Window
from ..types import table_of

W, SHIFTS = table_of(Window), table_of(StaffShift)


@dataclass(frozen=True)
class WindowRecord:
    id: int
    hall_id: int
    number: int
    name: str
    status: str
    pause_reason: str | None
    staff_id: int | None
    post: str | None
    signed_in_at: datetime | None


_COLUMNS = tuple(f.name for f in fields(WindowRecord))
WINDOW_ROW = select(W).where(W.c.hall_id == bindparam("hall"), W.c.number == bindparam("w_no"))
WINDOW_ROW_LOCKED = WINDOW_ROW.with_for_update()


def _record(row: Any) -> WindowRecord:
    return WindowRecord(*(getattr(row, name) for name in _COLUMNS))


class WindowRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, hall_id: int, number: int, *, lock: bool = False) -> WindowRecord | None:
        row = self.conn.execute(WINDOW_ROW_LOCKED if lock else WINDOW_ROW, {"hall": hall_id, "w_no": number}).first()
        return _record(row) if row is not None else None

    def all(self, hall_id: int) -> list[WindowRecord]:
        return [_record(r) for r in self.conn.execute(select(W).where(W.c.hall_id == hall_id).order_by(W.c.number))]

    def open_and_staffed(self, hall_id: int) -> set[int]:
        """The numbers of windows open with someone at the post (call-next's return-lane owners)."""
        return {number for (number,) in line_sql.OPEN_STAFFED.run(self.conn, {"hall_id": hall_id})}

    def set_status(self, hall_id: int, number: int, status: str, reason: str | None) -> None:
        self.conn.execute(
            update(W).where(W.c.hall_id == hall_id, W.c.number == number).values(status=status, pause_reason=reason)
        )

    # --- the people at the posts -----------------------------------------------------------
    def window_of(self, hall_id: int, staff_id: int) -> int | None:
        """The window this person is signed in at, if any."""
        query = select(W.c.number).where(W.c.hall_id == hall_id, W.c.staff_id == staff_id)
        return self.conn.execute(query).scalar()

    def sign_in(self, window: WindowRecord, staff_id: int, post: str, at: datetime) -> int:
        """The person takes the window's post; returns the new shift's id."""
        self.conn.execute(update(W).where(W.c.id == window.id).values(staff_id=staff_id, post=post, signed_in_at=at))
        return self.conn.execute(
            SHIFTS.insert()
            .returning(SHIFTS.c.id)
            .values(hall_id=window.hall_id, window_number=window.number, staff_id=staff_id, post=post, signed_in_at=at)
        ).scalar_one()

    def sign_out(self, window: WindowRecord) -> None:
        self.conn.execute(update(W).where(W.c.id == window.id).values(staff_id=None, post=None, signed_in_at=None))

    def end_shift(self, hall_id: int, number: int, at: datetime, reason: str | None) -> None:
        self.conn.execute(
            update(SHIFTS)
            .where(SHIFTS.c.hall_id == hall_id, SHIFTS.c.window_number == number, SHIFTS.c.signed_out_at.is_(None))
            .values(signed_out_at=at, sign_out_reason=reason)
        )
