"""Bookings and the seat counters of their slots.

A slot's seats are one counter row per (hall, slot start): a booking takes a seat with a
conditional UPDATE (``taken < seats``) checked on the locked row, so the last seat goes to exactly
one booker however many press 预约 at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update

from ..dialect import upsert
from ..models import Appointment, AppointmentSlotSeats
from ..types import table_of

A = table_of(Appointment)
SEATS = table_of(AppointmentSlotSeats)
SEATED = ("held", "booked")  # the statuses that hold a seat


@dataclass(frozen=True)
class NewAppointment:
    hall_id: int
    code: str
    matter_id: int | None
    resident_name: str
    id_number_hash: str | None
    id_number_tail: str | None
    phone: str | None
    phone_hash: str | None
    channel: str
    place: str | None
    visit_reason: str | None
    slot_start: datetime
    slot_end: datetime
    status: str
    hold_expires_at: datetime | None
    confirm_hash: str | None
    booked_from: str | None
    created_at: datetime


@dataclass(frozen=True)
class AppointmentRecord(NewAppointment):
    id: int
    cancel_reason: str | None
    ticket_id: int | None
    reminded_day_before_at: datetime | None
    reminded_soon_at: datetime | None
    visit_staff_id: int | None
    visit_case_no: str | None
    visit_note: str | None
    confirm_tries: int


_COLUMNS = tuple(f.name for f in fields(AppointmentRecord))


def _record(row: Any) -> AppointmentRecord:
    return AppointmentRecord(*(getattr(row, name) for name in _COLUMNS))


class AppointmentRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- reads -----------------------------------------------------------------------------
    def get(self, appointment_id: int) -> AppointmentRecord:
        return _record(self.conn.execute(select(A).where(A.c.id == appointment_id)).one())

    def by_code(self, hall_id: int, code: str, *, lock: bool = False) -> AppointmentRecord | None:
        """``lock``: held until the commit (FOR UPDATE; SQLite's BEGIN IMMEDIATE already holds
        the only write lock), so tries at one booking take turns."""
        query = select(A).where(A.c.hall_id == hall_id, A.c.code == code)
        if lock and self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _record(row) if row is not None else None

    def code_in_use(self, hall_id: int, code: str) -> bool:
        return self.conn.execute(select(A.c.id).where(A.c.hall_id == hall_id, A.c.code == code)).first() is not None

    def by_id_number_between(
        self, hall_id: int, id_hash: str, start: datetime, end: datetime
    ) -> list[AppointmentRecord]:
        """A resident's bookings (by the keyed hash of the ID number) with slots in [start, end)."""
        rows = self.conn.execute(
            select(A)
            .where(A.c.hall_id == hall_id, A.c.id_number_hash == id_hash, A.c.slot_start >= start, A.c.slot_start < end)
            .order_by(A.c.slot_start)
        )
        return [_record(r) for r in rows]

    def starting_between(self, hall_id: int, start: datetime, end: datetime) -> list[AppointmentRecord]:
        rows = self.conn.execute(
            select(A)
            .where(A.c.hall_id == hall_id, A.c.slot_start >= start, A.c.slot_start < end)
            .order_by(A.c.slot_start, A.c.id)
        )
        return [_record(r) for r in rows]

    def booked_to_remind(self, hall_id: int, after: datetime, before: datetime) -> list[AppointmentRecord]:
        """Booked, with a phone, slot in (after, before): the candidates for a reminder."""
        rows = self.conn.execute(
            select(A).where(
                A.c.hall_id == hall_id,
                A.c.status == "booked",
                A.c.phone.is_not(None),
                A.c.slot_start > after,
                A.c.slot_start < before,
            )
        )
        return [_record(r) for r in rows]

    def no_shows_since(self, hall_id: int, since: datetime, phone_hash: str | None, id_hash: str | None) -> int:
        """爽约 with slots from ``since`` by the phone or the ID number (either hash; none: 0)."""
        who = [A.c.phone_hash == phone_hash] if phone_hash else []
        who += [A.c.id_number_hash == id_hash] if id_hash else []
        if not who:
            return 0
        query = select(A.c.id).where(
            A.c.hall_id == hall_id, A.c.status == "no_show", A.c.slot_start >= since, or_(*who)
        )
        return len(self.conn.execute(query).all())

    def home_visits(self, hall_id: int) -> list[AppointmentRecord]:
        """Every 预约上门 request of the hall, by time."""
        query = select(A).where(A.c.hall_id == hall_id, A.c.channel == "home_visit").order_by(A.c.slot_start, A.c.id)
        return [_record(r) for r in self.conn.execute(query)]

    def holds_ended(self, hall_id: int, now: datetime, slot_start: datetime | None) -> list[AppointmentRecord]:
        """Holds waiting for their SMS code past their time (of the slot at ``slot_start``, or all)."""
        query = select(A).where(A.c.hall_id == hall_id, A.c.status == "held", A.c.hold_expires_at <= now)
        if slot_start is not None:
            query = query.where(A.c.slot_start == slot_start)
        return [_record(r) for r in self.conn.execute(query)]

    def seated_from(
        self, hall_id: int, since: datetime, over_after: datetime, end: datetime | None
    ) -> list[AppointmentRecord]:
        """Booked seats of the hall (not home visits) with slots from ``since`` up to ``end``
        (None: every later one) that are not over at ``over_after``, by slot."""
        query = select(A).where(
            A.c.hall_id == hall_id,
            A.c.status == "booked",
            A.c.channel != "home_visit",
            A.c.slot_start >= since,
            A.c.slot_end > over_after,
        )
        if end is not None:
            query = query.where(A.c.slot_start < end)
        return [_record(r) for r in self.conn.execute(query.order_by(A.c.slot_start, A.c.id))]

    def seats_to_come(self, hall_id: int, now: datetime, most: int) -> list[AppointmentRecord]:
        """Seats held or booked at the hall (not home visits) whose slot has not begun, by slot."""
        query = (
            select(A)
            .where(A.c.hall_id == hall_id, A.c.status.in_(SEATED), A.c.slot_start > now, A.c.channel != "home_visit")
            .order_by(A.c.slot_start, A.c.id)
            .limit(most)
        )
        return [_record(r) for r in self.conn.execute(query)]

    def by_codes(self, hall_id: int, codes: Iterable[str]) -> list[AppointmentRecord]:
        rows = self.conn.execute(select(A).where(A.c.hall_id == hall_id, A.c.code.in_(list(codes))))
        return [_record(r) for r in rows]

    # --- writes ----------------------------------------------------------------------------
    def add(self, new: NewAppointment) -> AppointmentRecord:
        values = {f.name: getattr(new, f.name) for f in fields(NewAppointment)}
        appointment_id = self.conn.execute(A.insert().returning(A.c.id).values(**values)).scalar_one()
        return self.get(appointment_id)

    def change(self, appointment_id: int, unless_changed: Mapping[str, Any], **values: Any) -> bool:
        """Set ``values`` if the row still has the ``unless_changed`` column values (None: still
        unset); False when another writer changed it first."""
        guard = [A.c[name].is_(None) if v is None else A.c[name] == v for name, v in unless_changed.items()]
        return self.conn.execute(update(A).where(A.c.id == appointment_id, *guard).values(**values)).rowcount == 1

    def assign_visit(
        self, appointment_id: int, while_in: tuple[str, ...], staff_id: int, start: datetime, end: datetime
    ) -> bool:
        """A home visit given to a visitor and a time, if its status is still one of ``while_in``."""
        return self._set_if(
            appointment_id,
            (A.c.status.in_(while_in),),
            status="assigned",
            visit_staff_id=staff_id,
            slot_start=start,
            slot_end=end,
        )

    def link_ticket(self, appointment_id: int, ticket_id: int) -> None:
        """The ticket the booking was checked in with."""
        self.conn.execute(update(A).where(A.c.id == appointment_id).values(ticket_id=ticket_id))

    def expire_hold(self, appointment_id: int, now: datetime) -> bool:
        """A hold past its time becomes ``expired``, unless confirmed meanwhile. The hash stays: a
        late code may still book a free seat."""
        return self._set_if(appointment_id, (A.c.status == "held", A.c.hold_expires_at <= now), status="expired")

    def confirm_hold(self, appointment_id: int, now: datetime) -> bool:
        """A hold still within its time becomes ``booked``, unless it expired meanwhile."""
        held = (A.c.status == "held", A.c.hold_expires_at > now)
        return self._set_if(appointment_id, held, status="booked", confirm_hash=None)

    def _set_if(self, appointment_id: int, guard: tuple[Any, ...], **values: Any) -> bool:
        return self.conn.execute(update(A).where(A.c.id == appointment_id, *guard).values(**values)).rowcount == 1

    def mark_no_shows(self, hall_id: int, cutoff: datetime) -> int:
        """Bookings at the hall (not home visits) whose slot began before ``cutoff`` become 爽约."""
        return int(
            self.conn.execute(
                update(A)
                .where(
                    A.c.hall_id == hall_id, A.c.status == "booked", A.c.channel != "home_visit", A.c.slot_start < cutoff
                )
                .values(status="no_show")
            ).rowcount
        )

    # --- seats -----------------------------------------------------------------------------
    def seats_taken(self, hall_id: int, starts: Iterable[datetime]) -> dict[datetime, int]:
        wanted = list(starts)
        if not wanted:
            return {}
        rows = self.conn.execute(
            select(SEATS.c.slot_start, SEATS.c.taken).where(SEATS.c.hall_id == hall_id, SEATS.c.slot_start.in_(wanted))
        )
        return {r.slot_start: r.taken for r in rows}

    def take_seat(self, hall_id: int, start: datetime, seats: int) -> bool:
        """One seat of the slot at ``start``, if fewer than ``seats`` are taken."""
        self.conn.execute(
            upsert(
                self.conn, SEATS, {"hall_id": hall_id, "slot_start": start, "taken": 0}, ("hall_id", "slot_start"), None
            )
        )
        # The condition is checked on the locked row: the last seat goes to exactly one booker.
        taken = self.conn.execute(
            update(SEATS)
            .where(SEATS.c.hall_id == hall_id, SEATS.c.slot_start == start, SEATS.c.taken < seats)
            .values(taken=SEATS.c.taken + 1)
        )
        return taken.rowcount == 1

    def free_seat(self, hall_id: int, start: datetime) -> None:
        self.conn.execute(
            update(SEATS)
            .where(SEATS.c.hall_id == hall_id, SEATS.c.slot_start == start, SEATS.c.taken > 0)
            .values(taken=SEATS.c.taken - 1)
        )
