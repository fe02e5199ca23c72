"""The cases' tables behind one small repository: typed records in, typed records out.

It takes the connection of the caller's ``Database.write()`` (or ``read()``), which stays the
unit of work: the repository never commits. The JSON columns (materials, the first 一次性告知's
list, document numbers, a step's data) are decoded here, so no caller sees them as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select, update

from ..case_models import Case, CaseAccess, CaseCounter, CaseNotification, CaseStep, DeliveryReceipt
from ..dialect import upsert
from ..models import Staff, Ticket, Window
from ..types import table_of

C, STEPS, COUNTERS = table_of(Case), table_of(CaseStep), table_of(CaseCounter)
NOTES, RECEIPTS, ACCESS = table_of(CaseNotification), table_of(DeliveryReceipt), table_of(CaseAccess)
STAFF, WINDOWS, TICKETS = table_of(Staff), table_of(Window), table_of(Ticket)
# Decoded fields of a case and the JSON columns they are stored in.
JSON_COLUMNS = {"materials": "materials_json", "supplement_list": "supplement_list_json", "documents": "documents_json"}


@dataclass(frozen=True)
class CaseRecord:
    id: int
    hall_id: int
    case_no: str
    query_code: str | None
    ticket_id: int | None
    matter_id: int
    matter_code: str
    matter_name: str
    matter_kind: str
    department: str
    promised_days: int
    applicant_name: str
    applicant_id_hash: str | None
    applicant_id_tail: str | None
    phone: str | None
    proxy_name: str | None
    proxy_id_tail: str | None
    proxy_authorized: bool
    identity_checked: bool
    owner_window: int | None
    owner_staff_id: int | None
    serving_window: int | None
    state: str
    outcome: str | None
    materials: list[dict[str, Any]]
    supplement_list: list[dict[str, Any]] | None  # the first 一次性告知's materials
    supplement_deadline: date | None
    delivery_choice: str
    village_station: str | None
    accepted_on: date | None
    due_date: date | None
    escalation_reason: str | None
    reject_reasons: str | None
    redirect_to: str | None
    handed_over_at: datetime | None
    received_at: datetime | None
    decision: str | None
    decision_reasons: str | None
    result_text: str | None
    decided_at: datetime | None
    returned_at: datetime | None
    notified_at: datetime | None
    delivered_at: datetime | None
    closed_at: datetime | None
    documents: dict[str, str]  # kind -> number: {"acceptance": "斑受〔2026〕0001号"}
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: Row[Any]) -> CaseRecord:
        data = dict(row._mapping)
        for name, column in JSON_COLUMNS.items():
            text = data.pop(column)
            data[name] = json.loads(text) if text else None
        return cls(**data)


@dataclass(frozen=True)
class StepRecord:
    id: int
    action: str
    from_state: str | None
    to_state: str
    at: datetime
    actor: str
    role: str
    window_number: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class NotificationRecord:
    id: int
    channel: str
    recipient: str
    text: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class ReceiptRecord:
    """送达回执, every column (the documents print from it)."""

    id: int
    case_id: int
    hall_id: int
    receipt_no: str
    document: str
    recipient: str
    relation: str
    delivered_at: datetime
    place: str
    method: str
    signature_mime: str | None
    signature_b64: str | None
    recorded_by: str


@dataclass(frozen=True)
class AccessRecord:
    id: int
    case_no: str
    at: datetime
    what: str
    actor: str
    role: str
    staff_id: int | None
    window_number: int | None


def _encoded(changes: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in changes.items():
        if name in JSON_COLUMNS:
            out[JSON_COLUMNS[name]] = None if value is None else json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def _pick(record: type[Any], row: Row[Any]) -> Any:
    data = row._mapping
    return record(**{f.name: data[f.name] for f in fields(record)})


class CaseRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- numbers -------------------------------------------------------------------------
    def next_number(self, hall_id: int, year: int, kind: str) -> int:
        """The next number of a kind (case, acceptance …) in the hall's year: one upsert, so two
        windows in the same instant never share a number."""
        stmt = upsert(
            self.conn,
            COUNTERS,
            {"hall_id": hall_id, "year": year, "kind": kind, "last_value": 1},
            key=("hall_id", "year", "kind"),
            update={"last_value": COUNTERS.c.last_value + 1},
        )
        return int(self.conn.execute(stmt.returning(COUNTERS.c.last_value)).scalar_one())

    # --- cases ---------------------------------------------------------------------------
    def add(self, values: Mapping[str, Any]) -> int:
        return int(self.conn.execute(C.insert().returning(C.c.id).values(**_encoded(values))).scalar_one())

    def find(self, hall_id: int, case_no: str, lock: bool = False) -> CaseRecord | None:
        query = select(C).where(C.c.hall_id == hall_id, C.c.case_no == case_no)
        row = self.conn.execute(query.with_for_update() if lock else query).first()
        return None if row is None else CaseRecord.of(row)

    def change(self, case_id: int, changes: Mapping[str, Any]) -> None:
        self.conn.execute(update(C).where(C.c.id == case_id).values(**_encoded(changes)))

    def newest(
        self, hall_id: int, state: str | None, window: int | None, department: str | None, limit: int
    ) -> list[CaseRecord]:
        query = select(C).where(C.c.hall_id == hall_id).order_by(C.c.id.desc()).limit(limit)
        if state:
            query = query.where(C.c.state == state)
        if window is not None:
            query = query.where(C.c.owner_window == window)
        return self._cases(query, department)

    def by_due_date(self, hall_id: int, states: Sequence[str], department: str | None) -> list[CaseRecord]:
        query = select(C).where(C.c.hall_id == hall_id, C.c.state.in_(states))
        return self._cases(query.order_by(C.c.due_date, C.c.id), department)

    def not_in(self, hall_id: int, states: Sequence[str]) -> list[CaseRecord]:
        return self._cases(select(C).where(C.c.hall_id == hall_id, C.c.state.not_in(states)).order_by(C.c.id))

    def _cases(self, query: Select[Any], department: str | None = None) -> list[CaseRecord]:
        if department:
            query = query.where(C.c.department == department)
        return [CaseRecord.of(row) for row in self.conn.execute(query)]

    def outcome_counts(self, hall_id: int) -> dict[str, int]:
        query = (
            select(C.c.outcome, func.count())
            .where(C.c.hall_id == hall_id, C.c.outcome.is_not(None))
            .group_by(C.c.outcome)
        )
        return {outcome: int(n) for outcome, n in self.conn.execute(query).all()}

    def count_in(self, hall_id: int, state: str) -> int:
        query = select(func.count()).where(C.c.hall_id == hall_id, C.c.state == state)
        return int(self.conn.execute(query).scalar_one())

    # --- history -------------------------------------------------------------------------
    def add_step(
        self,
        case_id: int,
        hall_id: int,
        action: str,
        from_state: str | None,
        to_state: str,
        at: datetime,
        actor: str,
        role: str,
        window_number: int | None,
        data: Mapping[str, Any],
    ) -> None:
        self.conn.execute(
            STEPS.insert().values(
                case_id=case_id,
                hall_id=hall_id,
                action=action,
                from_state=from_state,
                to_state=to_state,
                at=at,
                actor=actor,
                role=role,
                window_number=window_number,
                data_json=json.dumps(data, ensure_ascii=False),
            )
        )

    def steps(self, case_id: int) -> list[StepRecord]:
        rows = self.conn.execute(select(STEPS).where(STEPS.c.case_id == case_id).order_by(STEPS.c.id))
        return [
            StepRecord(
                r.id,
                r.action,
                r.from_state,
                r.to_state,
                r.at,
                r.actor,
                r.role,
                r.window_number,
                json.loads(r.data_json),
            )
            for r in rows
        ]

    # --- notifications and receipts ------------------------------------------------------
    def add_notification(
        self, case_id: int, hall_id: int, channel: str, recipient: str, text: str, at: datetime
    ) -> int:
        """A message to the resident, pending until the gateway answers."""
        stmt = (
            NOTES.insert()
            .returning(NOTES.c.id)
            .values(
                case_id=case_id,
                hall_id=hall_id,
                channel=channel,
                recipient=recipient,
                text=text,
                status="pending",
                created_at=at,
            )
        )
        return int(self.conn.execute(stmt).scalar_one())

    def set_notification_status(self, notification_id: int, status: str, detail: str) -> None:
        self.conn.execute(update(NOTES).where(NOTES.c.id == notification_id).values(status=status, detail=detail))

    def notifications(self, case_id: int) -> list[NotificationRecord]:
        rows = self.conn.execute(select(NOTES).where(NOTES.c.case_id == case_id).order_by(NOTES.c.id))
        return [_pick(NotificationRecord, r) for r in rows]

    def add_receipt(self, values: Mapping[str, Any]) -> None:
        """送达回执: the table's unique case_id refuses a second one, even in a race."""
        self.conn.execute(RECEIPTS.insert().values(**values))

    def receipt(self, case_id: int) -> ReceiptRecord | None:
        row = self.conn.execute(select(RECEIPTS).where(RECEIPTS.c.case_id == case_id)).first()
        return None if row is None else _pick(ReceiptRecord, row)

    # --- who read a case -----------------------------------------------------------------
    def log_read(
        self,
        case: CaseRecord,
        at: datetime,
        what: str,
        staff_id: int | None,
        actor: str,
        role: str,
        window_number: int | None,
    ) -> None:
        self.conn.execute(
            ACCESS.insert().values(
                hall_id=case.hall_id,
                case_id=case.id,
                case_no=case.case_no,
                at=at,
                what=what[:24],
                staff_id=staff_id,
                actor=actor[:100],
                role=role,
                window_number=window_number,
            )
        )

    def reads(
        self,
        hall_id: int,
        limit: int,
        case_no: str | None = None,
        before_id: int | None = None,
        between: tuple[datetime, datetime] | None = None,
    ) -> list[AccessRecord]:
        """Reads of the hall's cases, newest first."""
        query = select(ACCESS).where(ACCESS.c.hall_id == hall_id).order_by(ACCESS.c.id.desc()).limit(limit)
        if case_no:
            query = query.where(ACCESS.c.case_no == case_no)
        if before_id is not None:
            query = query.where(ACCESS.c.id < before_id)
        if between is not None:
            query = query.where(ACCESS.c.at >= between[0], ACCESS.c.at < between[1])
        return [_pick(AccessRecord, r) for r in self.conn.execute(query)]

    # --- the hall around a case ----------------------------------------------------------
    def has_ticket_at(self, case_id: int, window_number: int, states: Sequence[str]) -> bool:
        """Whether a ticket of the case (the return lane's) in one of ``states`` is at the window."""
        query = select(TICKETS.c.id).where(
            TICKETS.c.case_id == case_id, TICKETS.c.window_number == window_number, TICKETS.c.state.in_(states)
        )
        return self.conn.execute(query).first() is not None

    def staff_name(self, hall_id: int, staff_id: int | None, window_number: int | None) -> str | None:
        """The staff member's name, or (no staff id) the name of whoever is signed in at the window."""
        if staff_id is None and window_number is not None:
            staff_id = self.conn.execute(
                select(WINDOWS.c.staff_id).where(WINDOWS.c.hall_id == hall_id, WINDOWS.c.number == window_number)
            ).scalar()
        if staff_id is None:
            return None
        name = self.conn.execute(select(STAFF.c.name).where(STAFF.c.id == staff_id)).scalar()
        return str(name) if name else None
