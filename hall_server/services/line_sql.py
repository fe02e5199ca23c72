"""Prebuilt SQL for the hot paths (issuing, estimating): built once, not per request.

Constructing SQLAlchemy expressions costs more than running them on SQLite, and a
kiosk burst issues hundreds of tickets a minute, so these statements are text()
with typed parameters; both SQLite and PostgreSQL accept them unchanged.
"""
from __future__ import annotations

from sqlalchemy import Integer, bindparam, text

from ..storage.models import UTCDateTime

_T = UTCDateTime()

NEXT_NUMBER = text(
    "INSERT INTO number_counters (hall_id, service_date, prefix, last_value) VALUES (:hall_id, :service_date, :prefix, 1) "
    "ON CONFLICT (hall_id, service_date, prefix) DO UPDATE SET last_value = number_counters.last_value + 1 "
    "RETURNING last_value")

INSERT_TICKET = text(
    "INSERT INTO tickets (hall_id, service_date, number, matter_id, channel, priority_group, appointment_id, due_at, "
    "state, window_number, target_window, call_count, issued_at, queued_at, called_at, started_at, finished_at, "
    "staff_id, late_risk_accepted, public_key) VALUES (:hall_id, :service_date, :number, :matter_id, :channel, "
    ":priority_group, :appointment_id, :due_at, :state, :window_number, :target_window, :call_count, :issued_at, "
    ":queued_at, :called_at, :started_at, :finished_at, :staff_id, :late_risk_accepted, :public_key) RETURNING id"
).bindparams(*(bindparam(n, type_=_T) for n in ("due_at", "issued_at", "queued_at", "called_at", "started_at",
                                                 "finished_at")))

INSERT_EVENT = text(
    "INSERT INTO events (hall_id, type, ticket_id, window_number, occurred_at, actor, payload_json) "
    "VALUES (:hall_id, :type, :ticket_id, :window_number, :occurred_at, :actor, :payload_json) RETURNING id"
).bindparams(bindparam("occurred_at", type_=_T))

# Waiting tickets ranked before a ticket of a class; :cls 1 = due appointment, 2 = priority, 3 = ordinary.
# A ticket not stored yet passes :ticket_id = -1 and compares with <= on time.
AHEAD_BY_MATTER = text("""
SELECT matter_id, count(*) FROM tickets
WHERE hall_id = :hall_id AND service_date = :service_date AND state = 'waiting' AND (
  (channel = 'appointment' AND due_at <= :now AND (
      :cls > 1 OR due_at < :key OR (due_at = :key AND (:ticket_id < 0 OR id < :ticket_id))))
  OR (channel = 'priority' AND :cls >= 2 AND (
      :cls > 2 OR queued_at < :key OR (queued_at = :key AND (:ticket_id < 0 OR id < :ticket_id))))
  OR (channel <> 'priority' AND NOT (channel = 'appointment' AND due_at <= :now) AND :cls = 3 AND (
      queued_at < :key OR (queued_at = :key AND (:ticket_id < 0 OR id < :ticket_id))))
)
GROUP BY matter_id""").bindparams(bindparam("now", type_=_T), bindparam("key", type_=_T),
                                  bindparam("cls", type_=Integer()), bindparam("ticket_id", type_=Integer()))

IN_SERVICE = text(
    "SELECT matter_id, started_at, called_at FROM tickets WHERE hall_id = :hall_id AND service_date = :service_date "
    "AND state IN ('called', 'serving')").columns(matter_id=Integer(), started_at=_T, called_at=_T)

STAFFED_WINDOWS = text(
    "SELECT number FROM windows WHERE hall_id = :hall_id AND staff_id IS NOT NULL AND status = 'open'")

HANDLING_MEANS = text("SELECT matter_key, mean_seconds FROM handling_stats WHERE hall_id = :hall_id")
