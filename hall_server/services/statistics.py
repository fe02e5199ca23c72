"""Figures for any period and hall, by hour / day / month / weekday x hour / window / clerk /
matter / department / channel / hall: closed days from the rollups, the rest live from the
tickets, 一窗通办率 / 办结率 / overdue from the cases opened in the period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from hall_common.i18n import message

from ..core import cases as case_rules
from ..core.errors import Forbidden, InvalidInput, NotFound
from ..core.stats import Figures
from ..storage.case_models import Case
from ..storage.models import Staff, Ticket
from ..storage.stats_models import StatsDaily, StatsHourly, StatsRollup
from .access import Principal
from .base import Services
from .context import HallContext
from .stats_rollup import add_ticket, days_between, facts, live_tickets, open_days, stored_figures

C, T, S = Case.__table__, Ticket.__table__, Staff.__table__
ROLLUP, HOURLY, DAILY = StatsRollup.__table__, StatsHourly.__table__, StatsDaily.__table__
BY = ("hour", "day", "month", "weekday_hour", "window", "clerk", "matter", "department", "channel", "hall")
BY_HOURLY = ("hour", "weekday_hour")  # answered from the hourly rollup (about 10 rows a day)
BY_DAILY = ("day", "month", "hall")  # from the daily rollup: one row a day, one histogram to merge
MAX_DAYS = 366
STATS_ROLES = ("supervisor", "admin", "county_admin")
TAKEN = ("accept", "immediate")
DONE_STATES = (case_rules.DELIVERED, case_rules.CLOSED)
# Rating figures come from the 好差评 work (RatingFigures.summary): (hall_id, first day, last day)
# -> the period's figures labelled in Chinese.
RatingFigures = Callable[[int, date, date], dict[str, Any]]
# The county ranking's 好差评 columns (RatingFigures.by_hall): (hall ids, first day, last day) ->
# per hall id {"rated", "good", "good_rate", "bad_ratings", "follow_ups_overdue"}, in one query.
HallRatings = Callable[[tuple[int, ...], date, date], dict[int, dict[str, Any]]]
RATING_COLUMNS = ("rated", "good_rate", "bad_ratings", "follow_ups_overdue")


@dataclass(frozen=True)
class StatsQuery:
    start: date
    end: date
    by: str
    hall_ids: tuple[int, ...]


@dataclass(frozen=True)
class Dims:
    hall_id: int
    day: date
    hour: int | None = None
    matter_key: int | None = None
    window_number: int | None = None
    staff_key: int | None = None
    channel: str | None = None
    department: str | None = None


def _stored_dims(table: Any, r: Any) -> Dims:
    if table is DAILY:
        return Dims(r.hall_id, r.day)
    if table is HOURLY:
        return Dims(r.hall_id, r.day, hour=r.hour)
    return Dims(r.hall_id, r.day, None, r.matter_key, r.window_number, r.staff_key, r.channel)


def parse_day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("stats_bad_date", "operations.stats_bad_date", field=field, value=text[:40]) from None


def parse_month(text: str | None) -> tuple[date, date]:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput("stats_bad_month", "operations.stats_bad_month", value=(text or "")[:40]) from None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


class Statistics:
    def __init__(
        self,
        services: Services,
        rating_figures: RatingFigures | None = None,
        hall_ratings: HallRatings | None = None,
    ) -> None:
        self.s = services
        self.rating_figures = rating_figures
        self.hall_ratings = hall_ratings
        # The 带班 roster's month per leader (set by the composition root when the roster exists).
        self.duty_figures: Callable[[int, date, date], list[dict[str, Any]]] | None = None

    # --- who may see which halls, and a valid period ------------------------------------
    def scope(self, principal: Principal, hall_code: str | None) -> tuple[int, ...]:
        principal.require(*STATS_ROLES)
        halls = self.s.halls
        if hall_code:
            try:
                asked = halls.by_code(hall_code)
            except NotFound:
                raise NotFound("hall_not_found", "operations.stats_unknown_hall", hall=hall_code[:64]) from None
            if principal.role == "county_admin":
                return (asked.id,)
            own = halls.get(principal.hall_id)
            if asked.id != own.id:
                raise Forbidden("forbidden_hall", "operations.stats_other_hall", hall=hall_code[:64], own=own.code)
        elif principal.role == "county_admin":
            return tuple(halls.all_ids())
        return (principal.hall_id,)

    def today(self, hall_ids: tuple[int, ...]) -> date:
        return self.s.halls.get(hall_ids[0]).schedule.local_date(self.s.clock.now())

    def query(
        self, principal: Principal, start: str | None, end: str | None, by: str | None, hall: str | None
    ) -> StatsQuery:
        hall_ids = self.scope(principal, hall)
        by = by or "day"
        if by not in BY:
            raise InvalidInput("stats_unknown_by", "operations.stats_unknown_by", by=by[:40], allowed=", ".join(BY))
        if by == "hall" and principal.role != "county_admin":
            raise Forbidden("forbidden_role", role=principal.role)
        today = self.today(hall_ids)
        first = parse_day(start, "from") or today.replace(day=1)
        last = parse_day(end, "to") or today
        if first > last:
            raise InvalidInput(
                "stats_range_reversed", "operations.stats_range_reversed", start=first.isoformat(), end=last.isoformat()
            )
        if first > today:
            raise InvalidInput(
                "stats_in_future", "operations.stats_in_future", start=first.isoformat(), today=today.isoformat()
            )
        last = min(last, today)
        if (last - first).days + 1 > MAX_DAYS:
            raise InvalidInput("stats_range_too_long", "operations.stats_range_too_long", days=MAX_DAYS)
        return StatsQuery(first, last, by, hall_ids)

    def month_query(self, principal: Principal, month: str | None, hall: str | None, by: str) -> StatsQuery:
        hall_ids = self.scope(principal, hall)
        first, last = parse_month(month)
        today = self.today(hall_ids)
        if first > today:
            raise InvalidInput(
                "report_month_future",
                "operations.report_month_future",
                month=first.strftime("%Y-%m"),
                today=today.isoformat(),
            )
        return StatsQuery(first, min(last, today), by, hall_ids)

    # --- the figures ----------------------------------------------------------------------
    def figures(self, q: StatsQuery, locale: str = "zh_CN", with_ratings: bool = True) -> dict[str, Any]:
        groups: dict[Any, Figures] = defaultdict(Figures)
        ctxs = {h: self.s.halls.get(h) for h in q.hall_ids}
        with self.s.db.read() as conn:
            # The days not rolled up are fixed first: a day the ticker closes while this runs (under
            # PostgreSQL's READ COMMITTED each statement sees new commits) is then read from its
            # tickets and its fresh rollup rows are skipped, so no day counts twice or not at all.
            pending = open_days(conn, q.hall_ids, q.start, q.end)
            table = DAILY if q.by in BY_DAILY else HOURLY if q.by in BY_HOURLY else ROLLUP
            rows = conn.execute(
                select(table).where(table.c.hall_id.in_(q.hall_ids), table.c.day.between(q.start, q.end))
            )
            for r in rows:
                if (r.hall_id, r.day) not in pending:
                    groups[self._key(q.by, _stored_dims(table, r), ctxs)].merge(stored_figures(r))
            for row in live_tickets(conn, pending):
                f = facts(row, ctxs[row.hall_id].config.timezone)
                d = Dims(f.hall_id, f.day, f.hour, f.matter_key, f.window_number, f.staff_key, f.channel)
                add_ticket(groups[self._key(q.by, d, ctxs)], f)
            self._add_cases(conn, q, ctxs, groups)
            staff = self._staff_names(conn, q) if q.by == "clerk" else {}
        if q.by == "window":
            self._add_open_hours(q, ctxs, groups)
        total = Figures()
        for fig in groups.values():
            total.merge(fig)
        rows_out = [
            {"key": key, "label": self._label(q.by, key, ctxs, staff, locale), **groups[key].as_dict()}
            for key in sorted(groups)
        ]
        total_out = total.as_dict()
        # Across halls the 好差评 figures come from one query grouped by hall, read once here.
        across = with_ratings and (q.by == "hall" or len(q.hall_ids) > 1)
        per_hall = self.hall_ratings(q.hall_ids, q.start, q.end) if self.hall_ratings and across else None
        if q.by == "hall" and per_hall is not None:
            self._add_hall_ratings(per_hall, ctxs, rows_out, total_out)
        return {
            "from": q.start.isoformat(),
            "to": q.end.isoformat(),
            "by": q.by,
            "halls": [{"code": ctxs[h].code, "name": ctxs[h].config.name} for h in q.hall_ids],
            "rows": rows_out,
            "total": total_out,
            "ratings": self.ratings(q, per_hall) if with_ratings else None,
            "percentiles": message("operations.stats_percentile_note", locale),
        }

    def report(self, principal: Principal, month: str | None, hall: str | None, locale: str) -> dict[str, Any]:
        """What the monthly report shows: headline figures and the month by day, window, clerk, matter."""
        q = self.month_query(principal, month, hall, "day")
        # The county's report (every hall) opens with the halls ranked, as the county view does.
        county = ("hall",) if len(q.hall_ids) > 1 else ()
        return self._report(q, q.start.strftime("%Y-%m"), (*county, "day", "window", "clerk", "matter"), locale)

    def daily(self, principal: Principal, day: str | None, locale: str) -> dict[str, Any]:
        """The one-page closing summary of a day (default today), by hour and window."""
        hall_ids = self.scope(principal, None)
        d = parse_day(day, "date") or self.today(hall_ids)
        q = self.query(principal, d.isoformat(), d.isoformat(), "hour", None)
        return self._report(q, d.isoformat(), ("hour", "window"), locale)

    def _report(self, q: StatsQuery, title: str, sections: tuple[str, ...], locale: str) -> dict[str, Any]:
        # The 好差评 figures are the period's whatever the grouping: read once, with the first section.
        parts = {
            by: self.figures(StatsQuery(q.start, q.end, by, q.hall_ids), locale, with_ratings=by == sections[0])
            for by in sections
        }
        first = parts[sections[0]]
        hall_id = q.hall_ids[0]
        if "hall" in parts:
            parts["hall"]["rows"] = ranked_halls(parts["hall"]["rows"])
        return {
            "hall_name": self.s.halls.get(hall_id).config.name
            if len(q.hall_ids) == 1
            else message("operations.report_county", locale),
            "month": title,
            "from": first["from"],
            "to": first["to"],
            "total": first["total"],
            "sections": {by: part["rows"] for by, part in parts.items()},
            "ratings": first["ratings"],
            "duty": self.duty_figures(hall_id, q.start, q.end) if self.duty_figures and len(q.hall_ids) == 1 else None,
        }

    def ratings(self, q: StatsQuery, per_hall: dict[int, dict[str, Any]] | None) -> dict[str, Any] | None:
        """The 好差评 figures of the period, from the ratings service when it offers them: one hall's
        headline figures, or the county's sums over its halls (labelled in Chinese, rates in %)."""
        if len(q.hall_ids) == 1:
            return self.rating_figures(q.hall_ids[0], q.start, q.end) if self.rating_figures else None
        if per_hall is None:
            return None
        sums = _rating_sums(per_hall)
        rate = sums["good_rate"]
        return {
            message("operations.col_rated"): sums["rated"],
            message("operations.col_good_rate"): None if rate is None else round(100 * rate, 1),
            message("operations.col_bad_ratings"): sums["bad_ratings"],
            message("operations.col_follow_ups_overdue"): sums["follow_ups_overdue"],
        }

    @staticmethod
    def _add_hall_ratings(
        per_hall: dict[int, dict[str, Any]],
        ctxs: dict[int, HallContext],
        rows: list[dict[str, Any]],
        total: dict[str, Any],
    ) -> None:
        """好评率, 差评 and overdue follow-ups beside each hall's figures, for the county ranking."""
        by_code = {ctxs[h].code: c for h, c in per_hall.items()}
        empty = {"rated": 0, "good": 0, "good_rate": None, "bad_ratings": 0, "follow_ups_overdue": 0}
        for row in rows:
            row.update({k: by_code.get(row["key"], empty)[k] for k in RATING_COLUMNS})
        sums = _rating_sums(per_hall)
        total.update({k: sums[k] for k in RATING_COLUMNS})

    def _key(self, by: str, d: Dims, ctxs: dict[int, HallContext]) -> Any:
        if by == "hour":
            return d.hour
        if by == "day":
            return d.day.isoformat()
        if by == "month":
            return d.day.strftime("%Y-%m")
        if by == "weekday_hour":
            return f"{d.day.isoweekday()}-{d.hour:02d}"
        if by == "hall":
            return ctxs[d.hall_id].code
        if by == "window":
            return d.window_number or 0
        if by == "clerk":
            return d.staff_key or 0
        if by == "matter":
            return d.matter_key or 0
        if by == "channel":
            return d.channel or "none"
        # department: a case keeps the department it was opened with; a ticket's comes from its matter
        if d.department is not None:
            return d.department
        stored = ctxs[d.hall_id].matters.get(d.matter_key or 0)
        return stored.matter.department if stored else ""

    def _label(self, by: str, key: Any, ctxs: dict[int, HallContext], staff: dict[int, str], locale: str) -> str:
        if by == "hour":
            return f"{key:02d}:00"
        if by == "window":
            names = {w.number: w.name for c in ctxs.values() for w in c.config.windows}
            return names.get(key, message("operations.stats_no_window", locale))
        if by == "clerk":
            return staff.get(key, message("operations.stats_no_clerk", locale))
        if by == "matter":
            for c in ctxs.values():
                if key in c.matters:
                    return c.matters[key].matter.name
            return message("operations.stats_general_matter", locale)
        if by == "department":
            return key or message("operations.stats_general_matter", locale)
        if by == "channel":
            return message(f"operations.stats_channel_{key}", locale) if key in CHANNELS else str(key)
        if by == "hall":
            return next((c.config.name for c in ctxs.values() if c.code == key), str(key))
        return str(key)

    def _staff_names(self, conn: Any, q: StatsQuery) -> dict[int, str]:
        rows = conn.execute(select(S.c.id, S.c.name, S.c.staff_no).where(S.c.hall_id.in_(q.hall_ids)))
        return {r.id: f"{r.name}（{r.staff_no}）" for r in rows}

    def _add_cases(self, conn: Any, q: StatsQuery, ctxs: dict[int, HallContext], groups: dict[Any, Figures]) -> None:
        tz = next(iter(ctxs.values())).config.timezone
        start = datetime.combine(q.start, time(), tz)
        end = datetime.combine(q.end + timedelta(days=1), time(), tz)
        today = self.today(q.hall_ids)
        rows = conn.execute(
            select(
                C.c.hall_id,
                C.c.created_at,
                C.c.owner_window,
                C.c.owner_staff_id,
                C.c.matter_id,
                C.c.department,
                C.c.outcome,
                C.c.state,
                C.c.due_date,
                C.c.decided_at,
                C.c.delivered_at,
                T.c.channel,
            )
            .select_from(C.outerjoin(T, T.c.id == C.c.ticket_id))
            .where(C.c.hall_id.in_(q.hall_ids), C.c.created_at >= start, C.c.created_at < end)
        )
        for r in rows:
            if r.outcome not in (*TAKEN, "reject"):
                continue  # still open, 待补正 or 待审核: the window has not answered yet
            local = r.created_at.astimezone(tz)
            dims = Dims(
                r.hall_id,
                local.date(),
                local.hour,
                r.matter_id,
                r.owner_window,
                r.owner_staff_id,
                r.channel,
                r.department,
            )
            fig = groups[self._key(q.by, dims, ctxs)]
            fig.cases_answered += 1
            if r.outcome in TAKEN:
                fig.cases_taken += 1
                fig.cases_closed += r.state in DONE_STATES or r.delivered_at is not None
            if r.due_date is not None:
                decided = r.decided_at.astimezone(tz).date() if r.decided_at else None
                running = r.state in case_rules.RUNNING
                fig.cases_overdue += (running and today > r.due_date) or (decided is not None and decided > r.due_date)

    def _add_open_hours(self, q: StatsQuery, ctxs: dict[int, HallContext], groups: dict[Any, Figures]) -> None:
        """Utilisation = handling time / the window's hours on duty in the period."""
        seconds: dict[int, float] = defaultdict(float)
        for ctx in ctxs.values():
            for day in days_between(q.start, q.end):
                for p in ctx.schedule.periods(day):
                    for w in p.windows:
                        seconds[w] += (p.end - p.start).total_seconds()
        for number, secs in seconds.items():
            groups[number].open_seconds = secs


CHANNELS = ("walk_in", "priority", "appointment", "none")


def _rating_sums(per_hall: dict[int, dict[str, Any]]) -> dict[str, Any]:
    sums: dict[str, Any] = {
        k: sum(c[k] for c in per_hall.values()) for k in ("rated", "good", "bad_ratings", "follow_ups_overdue")
    }
    sums["good_rate"] = round(sums["good"] / sums["rated"], 4) if sums["rated"] else None
    return sums


def ranked_halls(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The county ranking of the monthly report: 好评率 first (a hall with nothing rated last), then
    fewer 差评, then the shorter median wait; labels numbered like the county view's."""

    def order(r: dict[str, Any]) -> tuple[Any, ...]:
        good, wait = r.get("good_rate"), r.get("wait_p50_s")
        return (good is None, -(good or 0), r.get("bad_ratings") or 0, wait is None, wait or 0)

    return [{**r, "rank": i + 1, "label": f"{i + 1}. {r['label']}"} for i, r in enumerate(sorted(rows, key=order))]
