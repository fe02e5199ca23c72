"""Tables of the closed loop: cases, their append-only history, document numbers,
notifications (outbox) and delivery receipts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .types import Base, BigId, UTCDateTime


class CaseCounter(Base):
    """Last number per hall, year and kind (case, acceptance, supplement …): taken with one
    upsert inside the case's transaction, like ticket numbers, so two windows never share one."""

    __tablename__ = "case_counters"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("hall_id", "case_no"),
        Index("ix_cases_state", "hall_id", "state"),
        Index("ix_cases_department", "hall_id", "department", "state"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    case_no: Mapped[str] = mapped_column(String(16))
    # Printed on the notices: the public progress page needs it with the (sequential) case number.
    query_code: Mapped[str | None] = mapped_column(String(8))
    ticket_id: Mapped[int | None] = mapped_column(BigId)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"))
    # Copied from the catalog at opening: a later catalog edit does not change a case's documents.
    matter_code: Mapped[str] = mapped_column(String(32))
    matter_name: Mapped[str] = mapped_column(String(200))
    matter_kind: Mapped[str] = mapped_column(String(8))
    department: Mapped[str] = mapped_column(String(100))
    promised_days: Mapped[int] = mapped_column(Integer)
    applicant_name: Mapped[str] = mapped_column(String(50))
    applicant_id_hash: Mapped[str | None] = mapped_column(String(64))
    applicant_id_tail: Mapped[str | None] = mapped_column(String(4))
    phone: Mapped[str | None] = mapped_column(String(20))
    proxy_name: Mapped[str | None] = mapped_column(String(50))
    proxy_id_tail: Mapped[str | None] = mapped_column(String(4))
    proxy_authorized: Mapped[bool] = mapped_column(Boolean, default=False)
    identity_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    # 首问负责: the window that opened the case owns it for its whole life.
    owner_window: Mapped[int | None] = mapped_column(Integer)
    owner_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The window a returning resident went to with the notice (一次性告知: any window continues the
    # case); its clerk may then work on the case too. The owner stays the owner.
    serving_window: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[str | None] = mapped_column(String(16))
    materials_json: Mapped[str] = mapped_column(Text, default="[]")
    # The first 一次性告知's list; later notices may only repeat (part of) it.
    supplement_list_json: Mapped[str | None] = mapped_column(Text)
    supplement_deadline: Mapped[date | None] = mapped_column(Date)
    delivery_choice: Mapped[str] = mapped_column(String(16), default="pickup")
    village_station: Mapped[str | None] = mapped_column(String(100))
    accepted_on: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    reject_reasons: Mapped[str | None] = mapped_column(Text)
    redirect_to: Mapped[str | None] = mapped_column(String(200))
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    result_text: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Document numbers, JSON {"acceptance": "斑受〔2026〕0001号", ...}; issued once, reprinted as is.
    documents_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseStep(Base):
    """Append-only history of a case: every transition, who did it, from which window, with what."""

    __tablename__ = "case_steps"
    __table_args__ = (Index("ix_case_steps_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"))
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16), default="")
    window_number: Mapped[int | None] = mapped_column(Integer)
    data_json: Mapped[str] = mapped_column(Text, default="{}")


class CaseNotification(Base):
    """Outbox of messages to residents: kept whether or not a gateway sent them."""

    __tablename__ = "case_notifications"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # A message is about a case or about an appointment (booking, change, reminder).
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), index=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    channel: Mapped[str] = mapped_column(String(16))  # sms / outbox
    recipient: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # sent / queued / failed
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Retries of failed appointment messages: how many sends were tried, and when the next may be.
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeliveryReceipt(Base):
    """送达回执. One per case (the unique case_id refuses a second delivery even in a race)."""

    __tablename__ = "case_receipts"
    __table_args__ = (UniqueConstraint("case_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"))
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    receipt_no: Mapped[str] = mapped_column(String(40))
    document: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(50))
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(16))
    signature_mime: Mapped[str | None] = mapped_column(String(32))
    signature_b64: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100), default="")


class CaseAccess(Base):
    """Every read of a case's personal data by staff: who, when, which case, what (view, a document)."""

    __tablename__ = "case_access_log"
    __table_args__ = (
        Index("ix_case_access_log_at", "hall_id", "at"),
        Index("ix_case_access_log_case", "case_id", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"))
    case_no: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    what: Mapped[str] = mapped_column(String(24))
    staff_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16), default="")
    window_number: Mapped[int | None] = mapped_column(Integer)
