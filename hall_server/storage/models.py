"""Tables of the line, the staff and the event log. Every record knows its hall; the event log
is append-only and is also each ticket's state history (every duration is derivable from it).
The column types and ``Base`` are in types.py; the whole schema (with the case tables) is
``schema.metadata``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from .types import Base, BigId, UTCDateTime


class Hall(Base):
    __tablename__ = "halls"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    config_toml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HallRuntime(Base):
    """One row per hall: the lock taken by call-next, and queue-policy state."""

    __tablename__ = "hall_runtime"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    priority_streak: Mapped[int] = mapped_column(Integer, default=0)
    open_state: Mapped[str] = mapped_column(String(16), default="unknown")


class Window(Base):
    __tablename__ = "windows"
    __table_args__ = (UniqueConstraint("hall_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    # open: serving when staffed and on duty; paused: clerk paused with a reason; closed: by supervisor
    status: Mapped[str] = mapped_column(String(16), default="open")
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    post: Mapped[str | None] = mapped_column(String(1))  # A or B
    signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("hall_id", "staff_no"),
        CheckConstraint("language IN ('zh_CN', 'en')", name="ck_staff_language"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    staff_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(16), default="clerk")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    photo_url: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The language the person's staff pages speak after sign-in (hall_common.i18n.LOCALES).
    language: Mapped[str] = mapped_column(String(8), default="zh_CN", server_default="zh_CN")


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    window_number: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Person tokens from a log-in end with the hall's working day and after an idle time;
    # device tokens (expires_at NULL) live until an admin revokes them.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MatterRow(Base):
    __tablename__ = "matters"
    __table_args__ = (UniqueConstraint("hall_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(100))
    domain: Mapped[str] = mapped_column(String(32))
    matter_class: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))
    promised_days: Mapped[int] = mapped_column(Integer)
    legal_days: Mapped[int] = mapped_column(Integer)
    ticket_prefix: Mapped[str] = mapped_column(String(1))
    handling_minutes: Mapped[int] = mapped_column(Integer)
    forward_to: Mapped[str] = mapped_column(String(200), default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    keywords_json: Mapped[str] = mapped_column(Text, default="[]")
    materials_json: Mapped[str] = mapped_column(Text, default="[]")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NumberCounter(Base):
    """Last number handed out per hall, local service date and prefix (A001 restarts daily)."""

    __tablename__ = "number_counters"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    service_date: Mapped[date] = mapped_column(Date, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(1), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class LineCount(Base):
    """How many tickets wait per matter today, kept in the same transactions that change the
    line, so a new ticket's estimate costs one small read however long the line is."""

    __tablename__ = "line_counts"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    service_date: Mapped[date] = mapped_column(Date, primary_key=True)
    matter_key: Mapped[int] = mapped_column(Integer, primary_key=True)  # matter id, 0 = general
    waiting: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("hall_id", "service_date", "number"),
        # A kiosk's retry after a timeout carries the same request id and gets the same ticket.
        UniqueConstraint("hall_id", "request_id", name="uq_tickets_request"),
        # The head of each class of the line (walk-in, priority, appointment) is one index seek,
        # however long the line is.
        Index("ix_tickets_line", "hall_id", "service_date", "state", "channel", "queued_at"),
        # A window has at most one ticket called or in service, whatever the code above does.
        Index(
            "uq_tickets_window_active",
            "hall_id",
            "window_number",
            unique=True,
            sqlite_where=text("state IN ('called', 'serving')"),
            postgresql_where=text("state IN ('called', 'serving')"),
        ),
        # A window's current and held tickets: a seek, not a scan of the hall's history. Waiting
        # tickets have no window and stay out of it, so issuing a number does not write to it.
        Index(
            "ix_tickets_window",
            "hall_id",
            "window_number",
            "state",
            sqlite_where=text("window_number IS NOT NULL"),
            postgresql_where=text("window_number IS NOT NULL"),
        ),
        # 好差评 figures read a hall's finished services of a period from this index alone (PostgreSQL:
        # index-only; a county year, 1.5 M services: by=window for a year 2.7 s → 0.25 s).
        Index(
            "ix_tickets_finished",
            "hall_id",
            "service_date",
            sqlite_where=text("state = 'finished'"),
            postgresql_where=text("state = 'finished'"),
            postgresql_include=["id", "window_number", "staff_id", "matter_id", "finished_at"],
        ),
        # Tickets transferred to one window, in order: only those few rows are in the index.
        Index(
            "ix_tickets_targeted",
            "hall_id",
            "service_date",
            "state",
            "target_window",
            "queued_at",
            sqlite_where=text("target_window IS NOT NULL"),
            postgresql_where=text("target_window IS NOT NULL"),
        ),
        # One ticket per appointment, whatever races between kiosks (check-in is exactly once).
        Index("uq_tickets_appointment", "appointment_id", unique=True),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    service_date: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(8))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    channel: Mapped[str] = mapped_column(String(16))  # walk_in / priority / appointment
    priority_group: Mapped[str | None] = mapped_column(String(32))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    # When an appointment becomes due (its slot start); NULL for other tickets.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16))
    window_number: Mapped[int | None] = mapped_column(Integer)
    # Set when transferred to one specific window: only that window calls it.
    target_window: Mapped[int | None] = mapped_column(Integer)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Position in the line: issue time, or the time a ticket went back to the line.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    late_risk_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    public_key: Mapped[str] = mapped_column(String(32), unique=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    # Return lane (补交材料 / 领取结果): the case the resident came back for and its owning
    # window, which calls the ticket first while staffed (首问负责).
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    owner_window: Mapped[int | None] = mapped_column(Integer)
    # The role of the token that issued it: "kiosk" (the resident took it and holds the slip's key),
    # a staff role (a clerk issued it for someone, e.g. an elderly resident: no key left the server,
    # and its rating is counted apart), "" for tickets issued before this was recorded.
    issued_by_role: Mapped[str] = mapped_column(String(16), default="", server_default="")


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("hall_id", "code"),
        # The bookings still holding a seat (migration 0015): the stranded-bookings check reads only these.
        Index(
            "ix_appointments_booked",
            "hall_id",
            "slot_start",
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
        # Holds waiting for their SMS code (migration 0025): the expiry sweep reads only these.
        Index(
            "ix_appointments_held",
            "hall_id",
            "hold_expires_at",
            sqlite_where=text("status = 'held'"),
            postgresql_where=text("status = 'held'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    code: Mapped[str] = mapped_column(String(16))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    resident_name: Mapped[str] = mapped_column(String(50))
    # Only a keyed hash of the ID number is kept, so check-in by ID works without storing it.
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_tail: Mapped[str | None] = mapped_column(String(4))
    phone: Mapped[str | None] = mapped_column(String(20))
    # Keyed hash of the phone: counts a resident's bookings and 爽约 without searching phones.
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # hotline / web / mobile / home_visit
    place: Mapped[str | None] = mapped_column(String(200))  # the resident's home for 预约上门
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    # held (a web or phone booking holding its seat until the SMS code is entered, or until
    # hold_expires_at), expired (never confirmed: the seat went back), booked, checked_in,
    # cancelled (by the resident), no_show, hall_cancelled (a calendar change left no seat:
    # cancel_reason says why, the resident may reschedule it), released (a supervisor freed a
    # booking that looked like hoarding).
    status: Mapped[str] = mapped_column(String(16), default="booked")
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When each reminder was queued: set by a conditional UPDATE, so each is sent once.
    reminded_day_before_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_soon_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 预约上门: why (elderly / weak / sick / disabled), who visits, and what came of it.
    visit_reason: Mapped[str | None] = mapped_column(String(16))
    visit_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    visit_case_no: Mapped[str | None] = mapped_column(String(16))
    visit_note: Mapped[str | None] = mapped_column(String(200))
    # The SMS confirmation of a web or phone booking (services/booking_confirmation.py): until when
    # the seat is held, a keyed hash of the code sent, and how many wrong codes were tried.
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirm_hash: Mapped[str | None] = mapped_column(String(64))
    confirm_tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Where a public booking came from ("addr:<address>"; None for staff and devices): what the
    # supervisor's hoarding view groups by.
    booked_from: Mapped[str | None] = mapped_column(String(64))


class AppointmentSlotSeats(Base):
    """Seats taken in one slot: the counter a booking raises with ``taken < seats`` in the same
    UPDATE, so two bookers can never both take the last seat (a locked row on PostgreSQL, the
    single writer on SQLite); the CHECK refuses a negative count from a double cancel."""

    __tablename__ = "appointment_slot_seats"
    __table_args__ = (CheckConstraint("taken >= 0", name="ck_slot_seats_taken"),)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)


class HandlingStat(Base):
    """Learned handling time per matter (running mean), updated as services finish."""

    __tablename__ = "handling_stats"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    matter_key: Mapped[int] = mapped_column(Integer, primary_key=True)  # matter id, 0 = general
    samples: Mapped[int] = mapped_column(Integer)
    mean_seconds: Mapped[float]


class CalendarOverride(Base):
    __tablename__ = "calendar_overrides"
    __table_args__ = (UniqueConstraint("hall_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # workday / holiday / duty (节假日受理)
    note: Mapped[str] = mapped_column(String(100), default="")
    # kind "duty" only: "09:00-11:30,14:00-16:00", "1,2" and whether only appointments are served
    # (checked by core/duty_days.py before they are written).
    hours: Mapped[str | None] = mapped_column(String(100))
    windows: Mapped[str | None] = mapped_column(String(100))
    appointment_only: Mapped[bool | None] = mapped_column(Boolean)


class StaffShift(Base):
    """AB岗 log: who staffed which window, when, and why it changed hands."""

    __tablename__ = "staff_shifts"
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    window_number: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    post: Mapped[str] = mapped_column(String(1))
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sign_out_reason: Mapped[str | None] = mapped_column(String(200))


class DeviceStatus(Base):
    """Last reported state of each kiosk printer, pad, LED bar… (admins see paper-out at once)."""

    __tablename__ = "device_status"
    __table_args__ = (UniqueConstraint("hall_id", "device"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    device: Mapped[str] = mapped_column(String(100))  # e.g. "kiosk-1/printer"
    kind: Mapped[str] = mapped_column(String(32))  # printer / pad / ledbar / keypad / kiosk
    state: Mapped[str] = mapped_column(String(32))  # ok / paper_near_end / paper_out / offline / …
    detail: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The token that reported it last: the fleet list shows each enrolled device's peripherals.
    # No foreign key: a status row outlives nothing, and NULL (reported before enrolment existed,
    # or by a person) only leaves the peripheral out of the device's row.
    token_id: Mapped[int | None] = mapped_column(Integer)


class DeviceEnrolment(Base):
    """A device of the hall's fleet, from the supervisor's one-time code to its revocation.

    Only an HMAC of the code is stored (keyed with the ID-hash secret, which the database does not
    hold: 10^8 codes are walked in seconds from a bare hash). ``token_id`` is the device's own
    token once the code was redeemed; revoking the device revokes that token."""

    __tablename__ = "device_enrolments"
    __table_args__ = (Index("ix_device_enrolments_code", "hall_id", "code_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    name: Mapped[str] = mapped_column(String(50))  # 大厅1号取号机
    role: Mapped[str] = mapped_column(String(16))  # the token's role: kiosk, board, pad, clerk
    window_number: Mapped[int | None] = mapped_column(Integer)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    code_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[str] = mapped_column(String(40), default="")  # what the device reports running
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Event(Base):
    """Append-only: the live stream's source (ids increase in commit order) and every ticket's history."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_hall", "hall_id", "id"), Index("ix_events_ticket", "ticket_id"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    type: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(BigId)
    window_number: Mapped[int | None] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")
    payload_json: Mapped[str] = mapped_column(Text)


# --- accounts and 好差评 (window terminal, evaluation pad) ------------------------------


class CallAnnouncement(Base):
    """A call (``ticket.called`` / ``ticket.recalled`` event) the announcer reported as spoken. One
    row per event however many announcers report it (two boards with speakers hear the same
    call): the unique key makes the second report a no-op, so 过号 never counts a call twice."""

    __tablename__ = "call_announcements"
    __table_args__ = (
        UniqueConstraint("hall_id", "event_id", name="uq_call_announcements_event"),
        Index("ix_call_announcements_ticket", "ticket_id", "event_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    event_id: Mapped[int] = mapped_column(BigId)
    ticket_id: Mapped[int] = mapped_column(BigId)
    device: Mapped[str] = mapped_column(String(100), default="")
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GuessHit(Base):
    """One counted try at a guessed secret (an appointment code, a case's query code, a phone
    tail) by one caller, kept until it stops counting. Shared by every server process and kept
    across restarts (storage/guess_limits.py says how it stays small)."""

    __tablename__ = "guess_hits"
    __table_args__ = (
        Index("ix_guess_hits_key", "scope", "key", "expires_at"),
        Index("ix_guess_hits_expires", "expires_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(32))  # which limit: appointment_code, case_progress, …
    key: Mapped[str] = mapped_column(String(120))  # who is counted: addr:<address>, token:<id>, …
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Rating(Base):
    """One 好差评 rating per finished service (一次一评): the unique ticket_id enforces it."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("ticket_id"),
        Index("ix_ratings_hall", "hall_id", "rated_at"),
        # The figures' join, index-only on PostgreSQL (see ix_tickets_finished).
        Index(
            "ix_ratings_figures",
            "hall_id",
            "ticket_id",
            postgresql_include=["id", "level", "counted", "defaulted", "rated_at"],
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    ticket_id: Mapped[int] = mapped_column(BigId)
    window_number: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    level: Mapped[int] = mapped_column(Integer)  # 5 非常满意 … 1 非常不满意
    tags_json: Mapped[str] = mapped_column(Text, default="[]")
    phone: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(16))  # pad / link / serial_pad / default
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set by the 未评价 sweep when the hall defaults unrated services: 主动评价好评率 leaves these out.
    defaulted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # False once an appeal is upheld: the rating stays in the record but leaves the figures.
    counted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The service's ticket was issued by staff for the resident: the figures count it apart
    # (services/rating_figures.py), for a clerk must not raise his own 好评率 with such tickets.
    assisted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RatingLink(Base):
    """A one-time link for rating a finished service later (the slip's QR leads to it)."""

    __tablename__ = "rating_links"
    __table_args__ = (UniqueConstraint("ticket_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    ticket_id: Mapped[int] = mapped_column(BigId)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who asked for the link: "resident" (the slip's key) or "pad" (the serving window's pad).
    created_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
