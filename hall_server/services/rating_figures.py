"""好差评 figures for any period, grouped by window, clerk, matter, department, day, week or month.

Definitions (docs/ratings.md, "Figures"): a service is a finished ticket of the period (its local
service date); a rating whose appeal was upheld leaves the figures together with its service.
* rated = counted ratings (also those defaulted by the 未评价 rule); levels = rated per level;
* 好评率 = rated at a 好评 level (hall setting ``good_levels``, default 5, 4, 3) / rated;
* 差评率 = rated 2 or 1 / rated;  主动评价好评率 = the same as 好评率 over ratings the resident gave;
* 未评价 = services without a resident's rating once ``unrated_after_days`` have passed (defaulted
  ones included); 未评率 = 未评价 / services;
* 差评回复率 = follow-ups called back by their deadline / follow-ups; 回访整改率 = follow-ups
  closed (已办结) / follow-ups; 回访整改满意率 = closed as 满意 / closed;
* ratings of tickets staff issued for the resident (代取号, ``ratings.assisted``) are counted apart:
  assisted_rated and assisted_good_rate, never in rated, the levels, 好评率 or 差评率 (a clerk could
  otherwise take numbers for people and raise his own figures); their services stay services.
One SQL pass groups by a column of the ticket (window, staff, matter or date); departments, weeks and
months are folded from the matter and day groups in Python (at most a few thousand rows). The
tickets of a hall's period are one range of ``ix_tickets_line``; see bench/bench_ratings.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, and_, case, func, insert, literal, or_, select

from hall_common.i18n import message

from ..core.errors import InvalidInput
from ..storage.models import Rating, Staff, Ticket
from ..storage.rating_models import FollowUp, RatingAppeal
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .context import HallContext
from .ticket_view import STAFF_ISSUERS

T, RT, FU, AP, S = table_of(Ticket), table_of(Rating), table_of(FollowUp), table_of(RatingAppeal), table_of(Staff)
GROUPINGS = ("window", "clerk", "matter", "department", "day", "week", "month")
MAX_YEARS = 3
COUNTS = (
    "services", "rated", "l5", "l4", "l3", "l2", "l1", "active", "active_good", "good", "bad", "unrated",
    "follow_ups", "replied", "closed", "satisfied", "appeals", "upheld", "assisted", "assisted_good",
)  # fmt: skip


def parse_period(raw_from: str | None, raw_to: str | None, by: str | None) -> tuple[date, date, str]:
    by = by or "window"
    if by not in GROUPINGS:
        raise InvalidInput("figures_by", "ratings.figures_by", by=by, allowed=", ".join(GROUPINGS))
    try:
        start = date.fromisoformat(raw_from or "")
        end = date.fromisoformat(raw_to or "")
    except ValueError:
        raise InvalidInput("figures_period", "ratings.figures_period") from None
    if start > end:
        raise InvalidInput("figures_order", "ratings.figures_order", start=start, end=end)
    try:
        limit = start.replace(year=start.year + MAX_YEARS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + MAX_YEARS, day=28)
    if end >= limit:
        raise InvalidInput("figures_too_long", "ratings.figures_too_long", years=MAX_YEARS)
    return start, end, by


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def shape(key: Any, label: str, c: dict[str, int]) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "services": c["services"],
        "rated": c["rated"],
        "levels": {str(n): c[f"l{n}"] for n in (5, 4, 3, 2, 1)},
        "unrated": c["unrated"],
        "good_rate": _rate(c["good"], c["rated"]),
        "bad_rate": _rate(c["bad"], c["rated"]),
        "active_good_rate": _rate(c["active_good"], c["active"]),
        "unrated_rate": _rate(c["unrated"], c["services"]),
        "bad_reply_rate": _rate(c["replied"], c["follow_ups"]),
        "rectified_rate": _rate(c["closed"], c["follow_ups"]),
        "rectified_satisfied_rate": _rate(c["satisfied"], c["closed"]),
        "follow_ups": c["follow_ups"],
        "appeals": c["appeals"],
        "appeals_upheld": c["upheld"],
        "assisted_rated": c["assisted"],
        "assisted_good_rate": _rate(c["assisted_good"], c["assisted"]),
    }


class RatingFigures:
    def __init__(self, services: Services) -> None:
        self.s = services

    def figures(self, principal: Principal, raw_from: str | None, raw_to: str | None, by: str | None) -> dict[str, Any]:
        start, end, by = parse_period(raw_from, raw_to, by)
        ctx = self.s.halls.get(principal.hall_id)
        return self.compute(ctx, start, end, by)

    def summary(self, hall_id: int, start: date, end: date) -> dict[str, Any]:
        """The period's headline 好差评 figures, labelled in Chinese, for the statistics page and the
        monthly report (rates as percentages with one decimal, None where nothing was rated)."""
        total = self.compute(self.s.halls.get(hall_id), start, end, "month")["total"]
        shown = ("rated", "unrated", "good_rate", "bad_rate", "active_good_rate", "unrated_rate", "bad_reply_rate",
                 "rectified_rate", "rectified_satisfied_rate")  # fmt: skip
        return {
            message(f"ratings.col_{key}"): (
                None if total.get(key) is None else round(100 * total[key], 1) if key.endswith("_rate") else total[key]
            )
            for key in shown
        }

    def by_hall(self, hall_ids: tuple[int, ...], start: date, end: date) -> dict[int, dict[str, Any]]:
        """Per hall, for the county ranking: rated, 好评率 (each hall's own ``good_levels``), 差评 count
        and follow-ups overdue now (回访 or 限期整改 past its deadline) of the period's services.

        One query grouped by hall and level over every hall, not ``compute`` once per hall: 23
        halls would be 23 scans (bench/bench_stats.py measures the county month)."""
        if not hall_ids:
            return {}
        now = self.s.clock.now()
        counted = and_(RT.c.counted.is_(True), RT.c.assisted.is_(False))
        overdue = or_(
            and_(FU.c.state == "pending_callback", FU.c.callback_due_at < now),
            and_(FU.c.state == "rectify_deadline", FU.c.rectify_due_at < now),
        )
        # A rating never precedes its service: the earliest local midnight of the first day (no zone
        # is more than 14 h from UTC) bounds the ratings read, as compute() does per hall.
        earliest = datetime.combine(start, time(), UTC) - timedelta(hours=14)
        q = (
            select(
                T.c.hall_id,
                RT.c.level,
                func.count(RT.c.id).label("rated"),
                func.coalesce(func.sum(case((overdue, 1), else_=0)), 0).label("overdue"),
            )
            .select_from(
                T.join(
                    RT, and_(RT.c.ticket_id == T.c.id, RT.c.hall_id == T.c.hall_id, RT.c.rated_at >= earliest)
                ).outerjoin(FU, and_(FU.c.rating_id == RT.c.id, FU.c.hall_id == RT.c.hall_id))
            )
            .where(
                T.c.hall_id.in_(hall_ids),
                T.c.service_date >= start,
                T.c.service_date <= end,
                T.c.state == "finished",
                counted,
            )
            .group_by(T.c.hall_id, RT.c.level)
        )
        with self.s.db.read() as conn:
            rows = conn.execute(q).all()
        out = {h: {"rated": 0, "good": 0, "bad_ratings": 0, "follow_ups_overdue": 0} for h in hall_ids}
        for r in rows:
            c = out[r.hall_id]
            c["rated"] += int(r.rated)
            c["good"] += int(r.rated) if r.level in self.s.halls.get(r.hall_id).config.evaluation.good_levels else 0
            c["bad_ratings"] += int(r.rated) if r.level in (2, 1) else 0
            c["follow_ups_overdue"] += int(r.overdue)
        return {h: {**c, "good_rate": _rate(c["good"], c["rated"])} for h, c in out.items()}

    def compute(self, ctx: HallContext, start: date, end: date, by: str) -> dict[str, Any]:
        rules = ctx.config.evaluation
        now = self.s.clock.now()
        cutoff = now - timedelta(days=rules.unrated_after_days)
        column = {"window": T.c.window_number, "clerk": T.c.staff_id, "matter": T.c.matter_id}.get(by)
        group = column if column is not None else (T.c.matter_id if by == "department" else T.c.service_date)
        period_start = datetime.combine(start, datetime.min.time(), tzinfo=ctx.config.timezone)
        kept = RT.c.counted.is_(True)  # not taken out by an upheld appeal
        counted = and_(kept, RT.c.assisted.is_(False))
        assisted = and_(kept, RT.c.assisted.is_(True))
        given = and_(counted, RT.c.defaulted.is_(False))

        def n(cond: Any) -> Any:
            return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

        no_answer = and_(T.c.finished_at <= cutoff, (RT.c.id.is_(None)) | RT.c.defaulted.is_(True))
        q = (
            select(
                group.label("g"),
                # an upheld appeal takes the rating, and its service, out of the figures
                n(RT.c.id.is_(None) | kept).label("services"),
                n(counted).label("rated"),
                *(n(and_(counted, RT.c.level == lv)).label(f"l{lv}") for lv in (5, 4, 3, 2, 1)),
                n(given).label("active"),
                n(and_(given, RT.c.level.in_(rules.good_levels))).label("active_good"),
                n(and_(counted, RT.c.level.in_(rules.good_levels))).label("good"),
                n(and_(counted, RT.c.level.in_((2, 1)))).label("bad"),
                n(no_answer).label("unrated"),
                n(FU.c.id.isnot(None)).label("follow_ups"),
                n(FU.c.called_back_at <= FU.c.callback_due_at).label("replied"),
                n(FU.c.state == "closed").label("closed"),
                n(and_(FU.c.state == "closed", FU.c.feedback == "satisfied")).label("satisfied"),
                n(AP.c.id.isnot(None)).label("appeals"),
                n(AP.c.state == "upheld").label("upheld"),
                n(assisted).label("assisted"),
                n(and_(assisted, RT.c.level.in_(rules.good_levels))).label("assisted_good"),
            )
            .select_from(
                # The hall (and a rating never precedes its service) in every join: PostgreSQL then reads
                # the hall's rows through ix_ratings_hall / ix_follow_ups_hall_state instead of hashing
                # every hall's ratings (county year: bench/bench_ratings.py, figures in docs/benchmarks.md).
                T.outerjoin(RT, and_(RT.c.ticket_id == T.c.id, RT.c.hall_id == ctx.id, RT.c.rated_at >= period_start))
                .outerjoin(FU, and_(FU.c.rating_id == RT.c.id, FU.c.hall_id == ctx.id, kept))
                .outerjoin(AP, and_(AP.c.rating_id == RT.c.id, AP.c.hall_id == ctx.id))
            )
            .where(
                T.c.hall_id == ctx.id,
                T.c.service_date >= start,
                T.c.service_date <= end,
                T.c.state == "finished",
            )
            .group_by(group)
        )
        with self.s.db.read() as conn:
            rows = conn.execute(q).all()
            staff = {
                r.id: (r.staff_no, r.name)
                for r in conn.execute(select(S.c.id, S.c.staff_no, S.c.name).where(S.c.hall_id == ctx.id))
            }
        folded: dict[Any, dict[str, int]] = {}
        for r in rows:
            key = self._key(ctx, by, r.g)
            bucket = folded.setdefault(key, dict.fromkeys(COUNTS, 0))
            for name in COUNTS:
                bucket[name] += int(getattr(r, name))
        out = [
            shape(k, self._label(ctx, by, k, staff), c)
            for k, c in sorted(folded.items(), key=lambda kv: (kv[0] is None, str(kv[0])))
        ]
        total = dict.fromkeys(COUNTS, 0)
        for c in folded.values():
            for name in COUNTS:
                total[name] += c[name]
        return {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "by": by,
            "good_levels": list(rules.good_levels),
            "rows": out,
            "total": shape("total", "合计", total),
        }

    @staticmethod
    def _key(ctx: HallContext, by: str, g: Any) -> Any:
        if by == "department":
            stored = ctx.matters.get(g) if g is not None else None
            return stored.matter.department if stored else None
        if by in ("day", "week", "month"):
            d = g if isinstance(g, date) else date.fromisoformat(str(g))
            if by == "day":
                return d.isoformat()
            if by == "month":
                return f"{d.year:04d}-{d.month:02d}"
            iso = d.isocalendar()
            return f"{iso.year:04d}-W{iso.week:02d}"
        return g

    @staticmethod
    def _label(ctx: HallContext, by: str, key: Any, staff: dict[int, tuple[str, str]]) -> str:
        if key is None:
            return "综合业务" if by in ("matter", "department") else "—"
        if by == "window":
            return f"{key}号窗口"
        if by == "clerk":
            no, name = staff.get(key, ("?", "?"))
            return f"{name}（{no}）"
        if by == "matter":
            stored = ctx.matters.get(key)
            return stored.matter.name if stored else str(key)
        return str(key)

    def ranking(self, principal: Principal, raw_from: str | None, raw_to: str | None) -> dict[str, Any]:
        """Windows and clerks ordered by 好评率, then 差评率 and volume (for praise and criticism)."""
        start, end, _ = parse_period(raw_from, raw_to, "window")
        ctx = self.s.halls.get(principal.hall_id)

        def order(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
            ranked = sorted(
                (r for r in rows if r["rated"]),
                key=lambda r: (-(r["good_rate"] or 0), r["bad_rate"] or 0, -r["rated"]),
            )
            return [{"rank": i + 1, **r} for i, r in enumerate(ranked)]

        return {
            "windows": order(self.compute(ctx, start, end, "window")["rows"]),
            "clerks": order(self.compute(ctx, start, end, "clerk")["rows"]),
        }

    # --- 未评价 defaulting ----------------------------------------------------------------------
    def default_unrated(self, ctx: HallContext, now: datetime | None = None) -> int:
        """Give the hall's default level to services still unrated after N days (one INSERT … SELECT)."""
        rules = ctx.config.evaluation
        if rules.default_level is None:
            return 0
        now = now or self.s.clock.now()
        cutoff = now - timedelta(days=rules.unrated_after_days)
        unrated = select(
            T.c.hall_id,
            T.c.id,
            T.c.window_number,
            T.c.staff_id,
            T.c.matter_id,
            literal(rules.default_level, Integer),
            literal("[]"),
            literal("default"),
            literal(now, RT.c.rated_at.type),
            literal(True),
            literal(True),
            T.c.issued_by_role.in_(STAFF_ISSUERS),
        ).where(
            T.c.hall_id == ctx.id,
            T.c.state == "finished",
            T.c.finished_at <= cutoff,
            ~select(RT.c.id).where(RT.c.ticket_id == T.c.id).exists(),
        )
        cols = [
            "hall_id",
            "ticket_id",
            "window_number",
            "staff_id",
            "matter_id",
            "level",
            "tags_json",
            "channel",
            "rated_at",
            "defaulted",
            "counted",
            "assisted",
        ]
        with self.s.db.write() as conn:
            made = conn.execute(insert(RT).from_select(cols, unrated).returning(RT.c.id)).all()
        return len(made)
