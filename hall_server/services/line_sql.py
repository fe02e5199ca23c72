"""Prebuilt SQL for the hot paths (issuing, estimating), run through the driver directly.

A kiosk burst issues a ticket every few milliseconds; building and compiling SQLAlchemy
statements costs more than SQLite needs to run them (about 150 µs against 25 µs per
statement here), so these few statements are plain SQL written once with :named
parameters, converted to psycopg's %(named)s style for PostgreSQL. Times are bound as
naive UTC exactly as the UTCDateTime column type stores them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError


class Rows(list):
    """Fetched rows as plain tuples, with the two accessors the callers need."""

    def all(self) -> list[tuple]:
        return self

    def scalar_one(self):
        if len(self) != 1:
            raise RuntimeError(f"expected one row, got {len(self)}")
        return self[0][0]


class HotStatement:
    def __init__(self, sql: str) -> None:
        self.sqlite = sql
        self.postgresql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)

    def run(self, conn: Connection, params: dict) -> Rows:
        # The driver's own cursor on the transaction's connection: same transaction, no
        # per-statement SQLAlchemy machinery.
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            if conn.dialect.name == "postgresql":
                cursor.execute(self.postgresql, params)
            else:
                cursor.execute(self.sqlite, {k: _sqlite_value(v) for k, v in params.items()})
            return Rows(cursor.fetchall() if cursor.description else ())
        except conn.dialect.dbapi.IntegrityError as exc:
            # Same exception as through SQLAlchemy, so callers handle constraint hits one way.
            raise IntegrityError(self.sqlite, params, exc) from exc
        finally:
            cursor.close()


def _sqlite_value(v):
    t = type(v)
    if t is datetime:
        if v.tzinfo is not None:
            v = v.astimezone(UTC).replace(tzinfo=None)
        # A naive value is UTC already (bind_time): never let the machine's own zone in.
        # SQLAlchemy's storage format for DateTime on SQLite (%Y-%m-%d %H:%M:%S.%f), without strftime's cost.
        return v.isoformat(" ", "microseconds")
    if t is date:
        return v.isoformat()
    return v


def bind_time(v: datetime | None) -> datetime | None:
    """Naive UTC for PostgreSQL's timestamp columns (SQLite values are converted in run())."""
    return None if v is None else v.astimezone(UTC).replace(tzinfo=None)


def instant(v: object) -> datetime:
    """A stored time that cannot be NULL, as an aware UTC datetime."""
    t = read_time(v)
    if t is None:
        raise ValueError("a stored time is missing")
    return t


def read_time(v) -> datetime | None:
    if v is None:
        return None
    if isinstance(v, str):
        v = datetime.fromisoformat(v)
    return v.replace(tzinfo=UTC)


NEXT_NUMBER = HotStatement(
    "INSERT INTO number_counters (hall_id, service_date, prefix, last_value) VALUES (:hall_id, :service_date, :prefix, 1) "
    "ON CONFLICT (hall_id, service_date, prefix) DO UPDATE SET last_value = number_counters.last_value + 1 "
    "RETURNING last_value"
)

INSERT_TICKET = HotStatement(
    "INSERT INTO tickets (hall_id, service_date, number, matter_id, channel, priority_group, appointment_id, due_at, "
    "state, window_number, target_window, call_count, issued_at, queued_at, called_at, started_at, finished_at, "
    "staff_id, late_risk_accepted, public_key, request_id) VALUES (:hall_id, :service_date, :number, :matter_id, "
    ":channel, :priority_group, :appointment_id, :due_at, :state, :window_number, :target_window, :call_count, "
    ":issued_at, :queued_at, :called_at, :started_at, :finished_at, :staff_id, :late_risk_accepted, :public_key, "
    ":request_id) RETURNING id"
)

INSERT_EVENT = HotStatement(
    "INSERT INTO events (hall_id, type, ticket_id, window_number, occurred_at, actor, payload_json) "
    "VALUES (:hall_id, :type, :ticket_id, :window_number, :occurred_at, :actor, :payload_json) RETURNING id"
)

# Everyone waiting is ahead of a new walk-in ticket: read the maintained counts.
WAITING_BY_MATTER = HotStatement(
    "SELECT NULLIF(matter_key, 0), waiting FROM line_counts WHERE hall_id = :hall_id "
    "AND service_date = :service_date AND waiting > 0"
)

ADJUST_LINE = HotStatement(
    "INSERT INTO line_counts (hall_id, service_date, matter_key, waiting) VALUES (:hall_id, :service_date, :matter_key, :delta) "
    "ON CONFLICT (hall_id, service_date, matter_key) DO UPDATE SET waiting = line_counts.waiting + :delta"
)


def adjust_line(conn: Connection, hall_id: int, service_date: date, matter_id: int | None, delta: int) -> None:
    """Every change into or out of the waiting state calls this in the same transaction."""
    ADJUST_LINE.run(
        conn, {"hall_id": hall_id, "service_date": service_date, "matter_key": matter_id or 0, "delta": delta}
    )


# Waiting tickets ranked before a ticket of a class; :cls 1 = due appointment, 2 = priority, 3 = ordinary.
# A ticket not stored yet passes :ticket_id = -1 and compares with <= on time.
AHEAD_BY_MATTER = HotStatement("""
SELECT matter_id, count(*) FROM tickets
WHERE hall_id = :hall_id AND service_date = :service_date AND state = 'waiting' AND (
  (channel = 'appointment' AND due_at <= :now AND (
      :cls > 1 OR due_at < :key OR (due_at = :key AND (:ticket_id < 0 OR id < :ticket_id))))
  OR (channel = 'priority' AND :cls >= 2 AND (
      :cls > 2 OR queued_at < :key OR (queued_at = :key AND (:ticket_id < 0 OR id < :ticket_id))))
  OR (channel <> 'priority' AND NOT (channel = 'appointment' AND due_at IS NOT NULL AND due_at <= :now)
      AND :cls = 3 AND (queued_at < :key OR (queued_at = :key AND (:ticket_id < 0 OR id < :ticket_id))))
)
GROUP BY matter_id""")

IN_SERVICE = HotStatement(
    "SELECT matter_id, started_at, called_at FROM tickets WHERE hall_id = :hall_id AND service_date = :service_date "
    "AND state IN ('called', 'serving')"
)

STAFFED_WINDOWS = HotStatement(
    "SELECT number FROM windows WHERE hall_id = :hall_id AND staff_id IS NOT NULL AND status = 'open'"
)

HANDLING_MEANS = HotStatement("SELECT matter_key, mean_seconds FROM handling_stats WHERE hall_id = :hall_id")

# Bumped by every finished service (window_desk._learn): the cache key of the learned handling times.
HANDLING_VERSION = HotStatement("SELECT sum(samples) FROM handling_stats WHERE hall_id = :hall_id")

RECENT_SERVICES = HotStatement(
    "SELECT matter_id, staff_id, started_at, finished_at FROM tickets WHERE hall_id = :hall_id AND state = 'finished' "
    "AND started_at IS NOT NULL AND finished_at >= :since ORDER BY finished_at DESC LIMIT :limit"
)

# The projection's inputs: the waiting line, services in progress, windows, appointments still to come.
WAITING_LINE = HotStatement(
    "SELECT id, channel, queued_at, due_at, target_window, matter_id FROM tickets WHERE hall_id = :hall_id "
    "AND service_date = :service_date AND state = 'waiting'"
)

IN_SERVICE_AT = HotStatement(
    "SELECT window_number, matter_id, started_at, called_at FROM tickets WHERE hall_id = :hall_id "
    "AND service_date = :service_date AND state IN ('called', 'serving')"
)

WINDOW_STATES = HotStatement("SELECT number, status, staff_id FROM windows WHERE hall_id = :hall_id")

BOOKED_TODAY = HotStatement(
    "SELECT id, matter_id, slot_start FROM appointments WHERE hall_id = :hall_id AND status = 'booked' "
    "AND channel <> 'home_visit' AND slot_start >= :from_time AND slot_start < :to_time"
)

PRIORITY_STREAK = HotStatement("SELECT priority_streak FROM hall_runtime WHERE hall_id = :hall_id")

TICKET_NUMBERS = HotStatement(
    "SELECT id, number FROM tickets WHERE hall_id = :hall_id AND service_date = :service_date AND state = 'waiting'"
)
