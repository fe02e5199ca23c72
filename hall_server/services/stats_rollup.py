"""Tickets to figures: the same aggregation serves today's live part and the rollup written
once a day has closed, so a period's figures do not depend on which of the two a day came from."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..core.stats import Durations, Figures
from ..storage.models import Event, Ticket
from ..storage.stats_models import StatsClosedDay, StatsDaily, StatsHourly, StatsRollup
from .base import Services

log = logging.getLogger(__name__)
T, EV = Ticket.__table__, Event.__table__
ROLLUP, HOURLY, CLOSED = StatsRollup.__table__, StatsHourly.__table__, StatsClosedDay.__table__
DETAIL = ("matter_key", "window_number", "staff_key", "channel")
MAX_DAYS_PER_RUN = 62  # a hall back after a long outage catches up over a few ticks, not in one

# The first call ends the wait, whatever recalls or transfers followed; the event log keeps it.
# Tickets without call events (imported history) fall back to the row's own called_at.
FIRST_CALL = (
    select(func.min(EV.c.occurred_at))
    .where(EV.c.ticket_id == T.c.id, EV.c.type == "ticket.called")
    .correlate(T)
    .scalar_subquery()
)
TICKET_COLUMNS = (
    T.c.hall_id,
    T.c.service_date,
    T.c.issued_at,
    T.c.called_at,
    T.c.started_at,
    T.c.finished_at,
    T.c.state,
    T.c.window_number,
    T.c.staff_id,
    T.c.matter_id,
    T.c.channel,
    FIRST_CALL.label("first_call"),
)


@dataclass(frozen=True)
class TicketFacts:
    hall_id: int
    day: date
    hour: int
    matter_key: int
    window_number: int
    staff_key: int
    channel: str
    state: str
    wait_s: float | None
    handle_s: float | None


def facts(row: Any, tz: ZoneInfo) -> TicketFacts:
    first_call: datetime | None = row.first_call or row.called_at
    if first_call is not None and first_call.tzinfo is None:  # a raw SQL min() skips the column type
        first_call = first_call.replace(tzinfo=ZoneInfo("UTC"))
    handle = None
    if row.state == "finished" and row.finished_at is not None:
        # Stored before a finish needed 开始办理 first: a 即办 finished straight from the call has
        # started_at equal to finished_at; its service ran from the call.
        start = row.started_at if row.started_at is not None and row.started_at < row.finished_at else row.called_at
        handle = (row.finished_at - start).total_seconds() if start is not None else None
    return TicketFacts(
        row.hall_id,
        row.service_date,
        row.issued_at.astimezone(tz).hour,
        row.matter_id or 0,
        row.window_number or 0,
        row.staff_id or 0,
        row.channel,
        row.state,
        (first_call - row.issued_at).total_seconds() if first_call is not None else None,
        handle,
    )


def add_ticket(fig: Figures, f: TicketFacts) -> None:
    fig.issued += 1
    fig.served += f.state == "finished"
    fig.no_show += f.state == "no_show"
    fig.cancelled += f.state == "cancelled"
    if f.wait_s is not None:
        fig.wait.add(f.wait_s)
    if f.handle_s is not None:
        fig.handle.add(f.handle_s)


def stored_figures(row: Any) -> Figures:
    return Figures(
        row.issued,
        row.served,
        row.no_show,
        row.cancelled,
        Durations.stored(row.wait_n, row.wait_sum, row.wait_max, row.wait_hist),
        Durations.stored(row.handle_n, row.handle_sum, row.handle_max, row.handle_hist),
    )


def figure_columns(fig: Figures) -> dict[str, Any]:
    return {
        "issued": fig.issued,
        "served": fig.served,
        "no_show": fig.no_show,
        "cancelled": fig.cancelled,
        "wait_n": fig.wait.n,
        "wait_sum": fig.wait.total,
        "wait_max": fig.wait.longest,
        "wait_hist": fig.wait.hist_json(),
        "handle_n": fig.handle.n,
        "handle_sum": fig.handle.total,
        "handle_max": fig.handle.longest,
        "handle_hist": fig.handle.hist_json(),
    }


def open_days(conn: Connection, hall_ids: Iterable[int], start: date, end: date) -> set[tuple[int, date]]:
    """(hall, day) pairs of the period not rolled up yet: today, or days the ticker has not closed."""
    ids = list(hall_ids)
    rows = conn.execute(
        select(CLOSED.c.hall_id, CLOSED.c.day).where(CLOSED.c.hall_id.in_(ids), CLOSED.c.day.between(start, end))
    )
    closed = {(r.hall_id, r.day) for r in rows}
    return {(h, d) for h in ids for d in days_between(start, end) if (h, d) not in closed}


def live_tickets(conn: Connection, pending: set[tuple[int, date]]) -> list[Any]:
    """Tickets of the (hall, day) pairs not rolled up. Finding those days first (a few hundred rows
    of stats_closed_days) spares the anti-join over every ticket of the period: on a county year
    that join cost 2 s for a one-month ranking; a seek on today's tickets costs milliseconds."""
    if not pending:
        return []
    days = sorted({d for _, d in pending})
    rows = conn.execute(
        select(*TICKET_COLUMNS).where(T.c.hall_id.in_({h for h, _ in pending}), T.c.service_date.in_(days))
    )
    return [r for r in rows if (r.hall_id, r.service_date) in pending]


class StatsRollups:
    """Writes the rollup of each closed day, once, in one transaction per day."""

    def __init__(self, services: Services) -> None:
        self.s = services
        self._checked: dict[int, date] = {}

    def close_day(self, hall_id: int, day: date) -> bool:
        """Roll up one day of one hall; False when another process did it first."""
        tz = self.s.halls.get(hall_id).config.timezone
        detail: dict[tuple[Any, ...], Figures] = defaultdict(Figures)
        hourly: dict[int, Figures] = defaultdict(Figures)
        daily = Figures()
        try:
            with self.s.db.write() as conn:
                if conn.execute(select(CLOSED.c.day).where(CLOSED.c.hall_id == hall_id, CLOSED.c.day == day)).first():
                    return False
                rows = conn.execute(
                    select(*TICKET_COLUMNS).where(T.c.hall_id == hall_id, T.c.service_date == day)
                ).all()
                for row in rows:
                    f = facts(row, tz)
                    add_ticket(detail[(f.matter_key, f.window_number, f.staff_key, f.channel)], f)
                    add_ticket(hourly[f.hour], f)
                    add_ticket(daily, f)
                if detail:
                    conn.execute(
                        insert(StatsRollup),
                        [
                            {
                                "hall_id": hall_id,
                                "day": day,
                                **dict(zip(DETAIL, key, strict=True)),
                                **figure_columns(fig),
                            }
                            for key, fig in detail.items()
                        ],
                    )
                    conn.execute(
                        insert(StatsHourly),
                        [
                            {"hall_id": hall_id, "day": day, "hour": h, **figure_columns(fig)}
                            for h, fig in hourly.items()
                        ],
                    )
                    conn.execute(insert(StatsDaily).values(hall_id=hall_id, day=day, **figure_columns(daily)))
                conn.execute(insert(StatsClosedDay).values(hall_id=hall_id, day=day, closed_at=self.s.clock.now()))
        except IntegrityError:
            return False  # a concurrent process closed the same day: its rollup stands
        return True

    def pending_days(self, conn: Connection, hall_id: int, before: date) -> list[date]:
        closed = select(CLOSED.c.day).where(CLOSED.c.hall_id == hall_id, CLOSED.c.day == T.c.service_date)
        return list(
            conn.execute(
                select(T.c.service_date)
                .where(and_(T.c.hall_id == hall_id, T.c.service_date < before), ~closed.exists())
                .group_by(T.c.service_date)
                .order_by(T.c.service_date)
                .limit(MAX_DAYS_PER_RUN)
            ).scalars()
        )

    def close_pending(self, force: bool = False) -> int:
        """Roll up every past day not rolled up yet, in every hall; checked once a local day."""
        done = 0
        now = self.s.clock.now()
        for hall_id in self.s.halls.all_ids():
            today = self.s.halls.get(hall_id).schedule.local_date(now)
            if not force and self._checked.get(hall_id) == today:
                continue
            with self.s.db.read() as conn:
                days = self.pending_days(conn, hall_id, today)
            for day in days:
                done += self.close_day(hall_id, day)
            if len(days) < MAX_DAYS_PER_RUN:
                self._checked[hall_id] = today
        return done


def days_between(start: date, end: date) -> Iterable[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)
