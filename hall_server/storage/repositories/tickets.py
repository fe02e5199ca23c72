"""Tickets and the line they wait in.

The call-next and issue paths run the hand-written statements of storage/line_sql.py (kept equal
to the core's order by a property test) and statements built once at import: building them per
call cost more CPU than running them, and thirty windows calling at once queue behind that CPU.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from ...core.queue_policy import Candidate
from ...core.ticket_states import ACTIVE, CALLED, HELD, WAITING
from .. import line_sql
from ..models import HallRuntime, Rating, Ticket
from ..types import table_of

T, R, RT = table_of(Ticket), table_of(HallRuntime), table_of(Rating)


@dataclass(frozen=True)
class NewTicket:
    hall_id: int
    service_date: date
    number: str
    matter_id: int | None
    channel: str
    priority_group: str | None
    appointment_id: int | None
    due_at: datetime | None
    state: str
    window_number: int | None
    target_window: int | None
    call_count: int
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    staff_id: int | None
    late_risk_accepted: bool
    public_key: str
    request_id: str | None
    case_id: int | None
    owner_window: int | None
    issued_by_role: str


@dataclass(frozen=True)
class TicketRecord(NewTicket):
    id: int


_NEW = tuple(f.name for f in fields(NewTicket))
_COLUMNS = tuple(f.name for f in fields(TicketRecord))


def _record(row: Any) -> TicketRecord:
    return TicketRecord(*(getattr(row, name) for name in _COLUMNS))


RUNTIME_LOCK = select(R.c.priority_streak).where(R.c.hall_id == bindparam("hall")).with_for_update()
SET_STREAK = update(R).where(R.c.hall_id == bindparam("hall")).values(priority_streak=bindparam("streak"))
ACTIVE_ROW = select(T).where(
    T.c.hall_id == bindparam("hall"), T.c.window_number == bindparam("w_no"), T.c.state.in_(ACTIVE)
)
ACTIVE_ROW_LOCKED = ACTIVE_ROW.with_for_update()
TICKET_ROW = select(T).where(T.c.id == bindparam("ticket"))
CALL_TICKET = (
    update(T)
    .where(T.c.id == bindparam("ticket"), T.c.state == WAITING)
    .values(
        state=CALLED,
        window_number=bindparam("w_no"),
        target_window=None,
        call_count=1,
        called_at=bindparam("at"),
        staff_id=bindparam("staff"),
    )
)
_updates: dict[tuple[str, ...], Any] = {}


def _ticket_update(columns: tuple[str, ...]) -> Any:
    """UPDATE of these ticket columns, guarded by the state it was read in; built once per set."""
    stmt = _updates.get(columns)
    if stmt is None:
        stmt = (
            update(T)
            .where(T.c.id == bindparam("t_id"), T.c.state == bindparam("t_state"))
            .values({c: bindparam(f"v_{c}", type_=T.c[c].type) for c in columns})
        )
        _updates[columns] = stmt
    return stmt


class TicketRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- reads -----------------------------------------------------------------------------
    def get(self, ticket_id: int) -> TicketRecord | None:
        row = self.conn.execute(TICKET_ROW, {"ticket": ticket_id}).first()
        return _record(row) if row is not None else None

    def in_hall(self, hall_id: int, ticket_id: int, *, lock: bool = False) -> TicketRecord | None:
        query = select(T).where(T.c.id == ticket_id, T.c.hall_id == hall_id)
        row = self.conn.execute(query.with_for_update() if lock else query).first()
        return _record(row) if row is not None else None

    def id_for_request(self, hall_id: int, request_id: str) -> int | None:
        query = select(T.c.id).where(T.c.hall_id == hall_id, T.c.request_id == request_id)
        return self.conn.execute(query).scalar()

    def public_key(self, ticket_id: int) -> str:
        return self.conn.execute(select(T.c.public_key).where(T.c.id == ticket_id)).scalar_one()

    def active_at(self, hall_id: int, window: int, *, lock: bool = True) -> TicketRecord | None:
        """The window's current ticket (called or serving); ``lock``: held until the commit."""
        row = self.conn.execute(ACTIVE_ROW_LOCKED if lock else ACTIVE_ROW, {"hall": hall_id, "w_no": window}).first()
        return _record(row) if row is not None else None

    def held_at(self, hall_id: int, window: int, ticket_id: int | None = None) -> TicketRecord | None:
        """The window's most recently held ticket (or the one named), locked until the commit."""
        query = select(T).where(T.c.hall_id == hall_id, T.c.window_number == window, T.c.state == HELD)
        if ticket_id is not None:
            query = query.where(T.c.id == ticket_id)
        row = self.conn.execute(query.order_by(T.c.id.desc()).limit(1).with_for_update()).first()
        return _record(row) if row is not None else None

    def still_called(self, ticket_ids: Iterable[int]) -> set[int]:
        """Those of ``ticket_ids`` called and neither started nor gone."""
        ids = set(ticket_ids)
        if not ids:
            return set()
        return set(self.conn.execute(select(T.c.id).where(T.c.id.in_(ids), T.c.state == CALLED)).scalars())

    def is_rated(self, ticket_id: int) -> bool:
        return self.conn.execute(select(RT.c.id).where(RT.c.ticket_id == ticket_id)).first() is not None

    def waiting(self, hall_id: int, service_date: date) -> int:
        """How many wait in the hall's line today (the maintained counts)."""
        rows = line_sql.WAITING_BY_MATTER.run(self.conn, {"hall_id": hall_id, "service_date": service_date})
        return sum(n for _, n in rows)

    def line_heads(
        self, hall_id: int, service_date: date, window: int, now: datetime, staffed: frozenset[int]
    ) -> list[Candidate]:
        """The first ticket of each class for ``window``; the policy only ever picks a class head."""
        params = {"hall_id": hall_id, "service_date": service_date, "w_no": window, "now": line_sql.bind_time(now)}
        return [
            Candidate(tid, channel, line_sql.instant(queued_at), line_sql.read_time(due_at), target, owner)
            for tid, channel, queued_at, due_at, target, owner in line_sql.line_heads_statement(staffed).run(
                self.conn, params
            )
        ]

    # --- writes ----------------------------------------------------------------------------
    def next_number(self, hall_id: int, service_date: date, prefix: str) -> int:
        """The class's next number of the day: one atomic upsert, so concurrent kiosks (threads or
        processes) never get the same value."""
        params = {"hall_id": hall_id, "service_date": service_date, "prefix": prefix}
        return int(line_sql.NEXT_NUMBER.run(self.conn, params).scalar_one())

    def add(self, new: NewTicket) -> TicketRecord:
        """Store a waiting ticket and count it in the line."""
        values = {name: getattr(new, name) for name in _NEW}
        params = values | {k: line_sql.bind_time(values[k]) for k in ("due_at", "issued_at", "queued_at")}
        ticket_id = line_sql.INSERT_TICKET.run(self.conn, params).scalar_one()
        line_sql.adjust_line(self.conn, new.hall_id, new.service_date, new.matter_id, +1)
        return TicketRecord(**values, id=ticket_id)

    def call(self, ticket_id: int, window: int, at: datetime, staff_id: int | None) -> TicketRecord | None:
        """A waiting ticket called to ``window`` and taken out of the line; None if it was not waiting."""
        done = self.conn.execute(CALL_TICKET, {"ticket": ticket_id, "w_no": window, "at": at, "staff": staff_id})
        if done.rowcount != 1:
            return None
        row = self.get(ticket_id)
        assert row is not None  # just updated in this transaction
        line_sql.adjust_line(self.conn, row.hall_id, row.service_date, row.matter_id, -1)
        return row

    def change(self, row: TicketRecord, changes: dict[str, Any]) -> TicketRecord | None:
        """Apply ``changes`` if the ticket is still in the state it was read in (None: it moved on),
        keeping the line's counts right when it leaves or joins the line or changes matter."""
        params = {"t_id": row.id, "t_state": row.state} | {f"v_{c}": v for c, v in changes.items()}
        if self.conn.execute(_ticket_update(tuple(changes)), params).rowcount != 1:
            return None
        fresh = self.get(row.id)
        assert fresh is not None  # just updated in this transaction
        if (row.state == WAITING) != (fresh.state == WAITING) or row.matter_id != fresh.matter_id:
            if row.state == WAITING:
                line_sql.adjust_line(self.conn, row.hall_id, row.service_date, row.matter_id, -1)
            if fresh.state == WAITING:
                line_sql.adjust_line(self.conn, fresh.hall_id, fresh.service_date, fresh.matter_id, +1)
        return fresh

    def learn(self, hall_id: int, matter_id: int | None, seconds: float, span: int) -> None:
        """A finished service teaches the running mean of its matter (the last ~``span`` services)."""
        params = {"hall_id": hall_id, "matter_key": matter_id or 0, "seconds": float(seconds), "span": span}
        line_sql.LEARN.run(self.conn, params)

    # --- the hall's calling turn -------------------------------------------------------------
    def lock_calling(self, hall_id: int) -> int:
        """Serialise call-next per hall until the commit (FOR UPDATE on PostgreSQL; SQLite's BEGIN
        IMMEDIATE already holds the only write lock): two windows never get the same ticket, and
        the anti-starvation streak stays consistent. Returns the priority streak."""
        return int(self.conn.execute(RUNTIME_LOCK, {"hall": hall_id}).scalar_one())

    def set_priority_streak(self, hall_id: int, streak: int) -> None:
        self.conn.execute(SET_STREAK, {"hall": hall_id, "streak": streak})
