"""Reads of the shared line that issuing, calling and the projection need: how long services take."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from ..core.handling import HandlingTimes, Service, learn
from ..core.queue_policy import Candidate, rank
from ..storage import line_sql as sql
from .context import HallContext, LearnedTimes

LEARN_FROM_DAYS = 60  # services older than this say little about today's clerks and forms
LEARN_FROM_SERVICES = 2000  # the most recent ones are enough for a trimmed mean per matter

# A trimmed mean over up to 2000 services moves little with one more; relearning at most this
# often keeps a busy hall (a finish every minute) from re-reading them on every issue.
RELEARN_EVERY = timedelta(minutes=10)


def handling_times(conn: Connection, ctx: HallContext, now: datetime) -> HandlingTimes:
    """Expected minutes per matter and per-clerk speed, learned robustly (core/handling.py).

    Relearned only when a service has finished since (handling_stats counts every finish), so
    a kiosk burst reads one small row instead of the recent services each time. Kept on the
    hall's context: each server learns its own, and a reloaded context relearns once.
    """
    version = int(sql.HANDLING_VERSION.run(conn, {"hall_id": ctx.id})[0][0] or 0)
    learned = ctx.learned_times
    if learned is not None and (learned.version == version or abs(now - learned.at) < RELEARN_EVERY):
        return learned.times
    priors: dict[int | None, float] = {mid: float(m.matter.handling_minutes) for mid, m in ctx.matters.items()}
    priors[None] = float(ctx.config.queue.default_handling_minutes)
    rows = sql.RECENT_SERVICES.run(
        conn,
        {
            "hall_id": ctx.id,
            "since": sql.bind_time(now - timedelta(days=LEARN_FROM_DAYS)),
            "limit": LEARN_FROM_SERVICES,
        },
    )
    services = [
        Service(matter_id, staff_id, (sql.instant(finished) - sql.instant(started)).total_seconds())
        for matter_id, staff_id, started, finished in rows
    ]
    times = learn(priors, services)
    ctx.learned_times = LearnedTimes(version, now, times)
    return times


def ticket_class(channel: str, due_at: datetime | None, now: datetime) -> int:
    """The line class of a ticket on the general line: queue_policy.rank's, not a restatement."""
    return rank(Candidate(0, channel, now, due_at), now)[0]
