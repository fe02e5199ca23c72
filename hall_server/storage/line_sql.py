"""Prebuilt SQL for the hot paths (issuing, estimating, calling), next to the tables it reads.

The line's order is hall_server/core/queue_policy.rank; the SQL here restates it for the
database and tests/hall_server/test_line_order_sql.py holds the two equal (hypothesis):
  class 0  transferred to the calling window            by queued_at, id
  class 1  appointment whose slot has begun (due_at<=now) by due_at, id
  class 2  priority                                      by queued_at, id
  class 3  everyone else (walk-ins, appointments early)  by queued_at, id

Issuing and estimating run as plain SQL through the driver:

A kiosk burst issues a ticket every few milliseconds; building and compiling SQLAlchemy
statements costs more than SQLite needs to run them (about 150 µs against 25 µs per
statement here), so these few statements are plain SQL written once with :named
parameters, converted to psycopg's %(named)s style for PostgreSQL. Times are bound as
naive UTC through the UTCDateTime column type's own conversion (storage/types.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from .types import from_stored, to_stored


class Rows(list[tuple[Any, ...]]):
    """Fetched rows as plain tuples, with the two accessors the callers need."""

    def all(self) -> list[tuple[Any, ...]]:
        return self

    def scalar_one(self) -> Any:
        if len(self) != 1:
            raise RuntimeError(f"expected one row, got {len(self)}")
        return self[0][0]


class HotStatement:
    def __init__(self, sql: str) -> None:
        self.sqlite = sql
        self.postgresql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)

    def run(self, conn: Connection, params: dict[str, Any]) -> Rows:
        # The driver's own cursor on the transaction's connection: same transaction, no
        # per-statement SQLAlchemy machinery.
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if conn.dialect.name == "postgresql":
                cursor.execute(self.postgresql, params)
            else:
                cursor.execute(self.sqlite, {k: _sqlite_value(v) for k, v in params.items()})
            return Rows(cursor.fetchall() if cursor.description else ())
        except conn.dialect.dbapi.IntegrityError as exc:  # type: ignore[union-attr]
            # Same exception as through SQLAlchemy, so callers handle constraint hits one way.
            raise IntegrityError(self.sqlite, params, exc) from exc
        finally:
            cursor.close()


def _sqlite_value(v: Any) -> Any:
    t = type(v)
    if t is datetime:
        # Stored as the UTCDateTime column type stores it (naive UTC; a naive value here is UTC
        # already, from bind_time), in SQLAlchemy's text format for SQLite without strftime's cost.
        stored: datetime = to_stored(v) if v.tzinfo is not None else v  # type: ignore[assignment]
        return stored.isoformat(" ", "microseconds")
    if t is date:
        return v.isoformat()
    return v


def bind_time(v: datetime | None) -> datetime | None:
    """Naive UTC for PostgreSQL's timestamp columns (SQLite values are converted in run())."""
    return to_stored(v)


def read_time(v: datetime | str | None) -> datetime | None:
    return from_stored(v)


def instant(v: object) -> datetime:
    """A stored time that cannot be NULL, as an aware UTC datetime."""
    t = from_stored(v)  # type: ignore[arg-type]
    if t is None:
        raise ValueError("a stored time is missing")
    return t


NEXT_NUMBER = HotStatement(
    "INSERT INTO number_counters (hall_id, service_date, prefix, last_value) VALUES (:hall_id, :service_date, :prefix, 1) "
    "ON CONFLICT (hall_id, service_date, prefix) DO UPDATE SET last_value = number_counters.last_value + 1 "
    "RETURNING last_value"
)

INSERT_TICKET = HotStatement(
    "INSERT INTO tickets (hall_id, service_date, number, matter_id, channel, priority_group, appointment_id, due_at, "
    "state, window_number, target_window, call_count, issued_at, queued_at, called_at, started_at, finished_at, "
    "staff_id, late_risk_accepted, public_key, request_id, case_id, owner_window, issued_by_role) VALUES (:hall_id, "
    ":service_date, "
    ":number, :matter_id, :channel, :priority_group, :appointment_id, :due_at, :state, :window_number, :target_window, "
    ":call_count, :issued_at, :queued_at, :called_at, :started_at, :finished_at, :staff_id, :late_risk_accepted, "
    ":public_key, :request_id, :case_id, :owner_window, :issued_by_role) RETURNING id"
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


IN_SERVICE = HotStatement(
    "SELECT matter_id, started_at, called_at FROM tickets WHERE hall_id = :hall_id AND service_date = :service_date "
    "AND state IN ('called', 'serving')"
)

STAFFED_WINDOWS = HotStatement(
    "SELECT number FROM windows WHERE hall_id = :hall_id AND staff_id IS NOT NULL AND status = 'open'"
)

HANDLING_MEANS = HotStatement("SELECT matter_key, mean_seconds FROM handling_stats WHERE hall_id = :hall_id")


# The head of each class of the line, for a calling window: one plain statement (one round trip
# instead of seven SQLAlchemy executions on the call-next path); each part names one channel, so
# each is one seek in ix_tickets_line; the staffed windows are written into the text (integers), one statement
# per set of staffed windows, built once.
_HEAD = (
    "SELECT * FROM (SELECT id, channel, queued_at, due_at, target_window, owner_window FROM tickets "
    "WHERE hall_id = :hall_id AND service_date = :service_date AND state = 'waiting' AND {where} "
    "ORDER BY {order}, id LIMIT 1) AS h{n}"
)
_HEAD_WHERE = (
    ("target_window = :w_no", "queued_at"),  # class 0
    ("target_window IS NULL AND channel = 'appointment' AND due_at <= :now", "due_at"),
    ("target_window IS NULL AND channel = 'priority'", "queued_at"),
    # the return lane: this window's own cases, then those whose owning window is not staffed
    ("target_window IS NULL AND channel = 'return' AND owner_window = :w_no", "queued_at"),
    ("target_window IS NULL AND channel = 'return' AND (owner_window IS NULL{not_staffed})", "queued_at"),
    ("target_window IS NULL AND channel = 'walk_in'", "queued_at"),
    # an appointment checked in before its slot waits like a walk-in
    ("target_window IS NULL AND channel = 'appointment' AND due_at > :now", "queued_at"),
)
_heads_by_staffed: dict[tuple[int, ...], HotStatement] = {}


def line_heads_statement(staffed: frozenset[int]) -> HotStatement:
    key = tuple(sorted(int(n) for n in staffed))
    statement = _heads_by_staffed.get(key)
    if statement is None:
        not_staffed = f" OR owner_window NOT IN ({', '.join(map(str, key))})" if key else " OR 1 = 1"
        statement = HotStatement(
            " UNION ALL ".join(
                _HEAD.format(where=where.format(not_staffed=not_staffed), order=order, n=n)
                for n, (where, order) in enumerate(_HEAD_WHERE)
            )
        )
        _heads_by_staffed[key] = statement
    return statement


# Opened, staffed windows (call-next's return-lane owners).
OPEN_STAFFED = HotStatement(
    "SELECT number FROM windows WHERE hall_id = :hall_id AND status = 'open' AND staff_id IS NOT NULL"
)

# A finished service teaches the running mean of its matter (the last ~:span services).
LEARN = HotStatement(
    "INSERT INTO handling_stats (hall_id, matter_key, samples, mean_seconds) VALUES (:hall_id, :matter_key, 1, :seconds) "
    "ON CONFLICT (hall_id, matter_key) DO UPDATE SET samples = handling_stats.samples + 1, "
    "mean_seconds = handling_stats.mean_seconds + (:seconds - handling_stats.mean_seconds) / "
    "(CASE WHEN handling_stats.samples + 1 < :span THEN handling_stats.samples + 1 ELSE :span END)"
)

# Bumped by every finished service (repositories/tickets.py learn): the cache key of the learned handling times.
HANDLING_VERSION = HotStatement("SELECT sum(samples) FROM handling_stats WHERE hall_id = :hall_id")

RECENT_SERVICES = HotStatement(
    "SELECT matter_id, staff_id, started_at, finished_at FROM tickets WHERE hall_id = :hall_id AND state = 'finished' "
    "AND started_at IS NOT NULL AND finished_at >= :since ORDER BY finished_at DESC LIMIT :limit"
)

# The projection's inputs: the waiting line, services in progress, windows, appointments still to come.
# The line is read class by class, each in the order the policy takes it and only as deep as
# anyone can still start today (core/projection.start_bound): one index range each
# (ix_tickets_line; transfers from the partial ix_tickets_targeted), whatever the line's length.
_LINE_COLUMNS = "SELECT id, channel, queued_at, due_at, target_window, matter_id FROM tickets "
_WAITING_TODAY = "WHERE hall_id = :hall_id AND service_date = :service_date AND state = 'waiting' "
WAITING_CLASS = HotStatement(
    _LINE_COLUMNS + _WAITING_TODAY + "AND channel = :channel AND target_window IS NULL "
    "ORDER BY queued_at, id LIMIT :limit"
)
WAITING_APPOINTMENTS = HotStatement(
    _LINE_COLUMNS + _WAITING_TODAY + "AND channel = 'appointment' AND target_window IS NULL"
)
WAITING_TARGETED = HotStatement(_LINE_COLUMNS + _WAITING_TODAY + "AND target_window IS NOT NULL")
# At least :limit tickets of one channel before :now? (counts no further than :limit)
CLASS_DEPTH = HotStatement(
    "SELECT count(*) FROM (SELECT 1 FROM tickets " + _WAITING_TODAY + "AND channel = :channel "
    "AND target_window IS NULL AND queued_at <= :now LIMIT :limit) AS ahead"
)

# People ahead of a ticket of class :cls (1, 2 or 3 above) with sort time :key on the general
# line, counted class by class so that each count is one index range of its own channels
# (AHEAD_BY_MATTER's OR would read the whole line). :ticket_id < 0: a ticket not stored yet,
# behind everyone of its time.
_BEFORE = "(:cls > {c} OR {t} < :key OR ({t} = :key AND (:ticket_id < 0 OR id < :ticket_id)))"
AHEAD_DUE = HotStatement(
    "SELECT count(*) FROM tickets "
    + _WAITING_TODAY
    + "AND channel = 'appointment' AND due_at <= :now AND "
    + _BEFORE.format(c=1, t="due_at")
)
AHEAD_PRIORITY = HotStatement(
    "SELECT count(*) FROM tickets "
    + _WAITING_TODAY
    + "AND channel IN ('priority', 'return') AND "
    + _BEFORE.format(c=2, t="queued_at")
)
_ORDINARY = (
    "AND channel IN ('walk_in', 'appointment') "
    "AND NOT (channel = 'appointment' AND due_at IS NOT NULL AND due_at <= :now) "
)
AHEAD_ORDINARY = HotStatement(
    "SELECT count(*) FROM tickets "
    + _WAITING_TODAY
    + _ORDINARY
    + "AND queued_at <= :key AND (queued_at < :key OR id < :ticket_id)"
)
WAITING_TICKET = HotStatement(_LINE_COLUMNS + "WHERE id = :id AND state = 'waiting'")

# Ordinary tickets behind a new one (queued later than now: a clock set back), so that a new
# ticket's count is the maintained total minus the few behind it rather than a count of the line.
BEHIND_ORDINARY = HotStatement("SELECT count(*) FROM tickets " + _WAITING_TODAY + _ORDINARY + "AND queued_at > :key")

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
