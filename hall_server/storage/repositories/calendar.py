"""The hall's own calendar table: working days, holidays and 节假日受理 duty days it sets itself
(over the national calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from ..dialect import upsert
from ..models import CalendarOverride
from ..types import table_of

OVERRIDES = table_of(CalendarOverride)


@dataclass(frozen=True)
class OverrideRecord:
    day: date
    kind: str
    note: str
    hours: str | None  # a duty day's hours and windows, as core/duty_days.py stores them
    windows: str | None
    appointment_only: bool | None


class CalendarOverrides:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def of_hall(self, hall_id: int) -> list[OverrideRecord]:
        """The hall's entries, by day."""
        rows = self.conn.execute(select(OVERRIDES).where(OVERRIDES.c.hall_id == hall_id).order_by(OVERRIDES.c.day))
        return [OverrideRecord(r.day, r.kind, r.note, r.hours, r.windows, r.appointment_only) for r in rows]

    def save(self, hall_id: int, day: date, entry: OverrideRecord) -> None:
        """Insert or replace the day's entry: two supervisors saving the same date at once both
        succeed (the later wins) instead of one hitting the unique constraint."""
        values = {
            "kind": entry.kind,
            "note": entry.note,
            "hours": entry.hours,
            "windows": entry.windows,
            "appointment_only": entry.appointment_only,
        }
        row = {"hall_id": hall_id, "day": day, **values}
        self.conn.execute(upsert(self.conn, OVERRIDES, row, ("hall_id", "day"), values))

    def remove(self, hall_id: int, day: date) -> None:
        self.conn.execute(OVERRIDES.delete().where(OVERRIDES.c.hall_id == hall_id, OVERRIDES.c.day == day))
