"""The hall's staff as the windows and the home visits need them: who a staff number is, and
what a window or a visit list shows of the person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from ..models import Staff
from ..types import table_of

S = table_of(Staff)
_CARD = (S.c.id, S.c.staff_no, S.c.name, S.c.photo_url)


@dataclass(frozen=True)
class StaffCard:
    id: int
    staff_no: str
    name: str
    photo_url: str | None


class StaffRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def card(self, staff_id: int) -> StaffCard:
        s = self.conn.execute(select(*_CARD).where(S.c.id == staff_id)).one()
        return StaffCard(s.id, s.staff_no, s.name, s.photo_url)

    def cards(self, hall_id: int) -> dict[int, StaffCard]:
        """Everyone of the hall (left or not: a past visit still names its visitor), by id."""
        rows = self.conn.execute(select(*_CARD).where(S.c.hall_id == hall_id))
        return {s.id: StaffCard(s.id, s.staff_no, s.name, s.photo_url) for s in rows}

    def id_of(self, hall_id: int, staff_no: str) -> int | None:
        return self.conn.execute(select(S.c.id).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no)).scalar()

    def active_id(self, hall_id: int, *, staff_id: int | None = None, staff_no: str = "") -> int | None:
        """An active staff member of the hall, by id if given, else by staff number."""
        query = select(S.c.id).where(S.c.hall_id == hall_id, S.c.active.is_(True))
        query = query.where(S.c.id == staff_id) if staff_id is not None else query.where(S.c.staff_no == staff_no)
        return self.conn.execute(query).scalar()
