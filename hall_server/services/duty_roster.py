"""带班 roster: leaders take half-day turns on hall duty; a month calendar, swaps, the check-in
on the day and what the leader noted (问题 / 处理). The board shows today's leader, masked."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select, update

from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.identity import mask_name
from ..storage.models import Staff
from ..storage.stats_models import DutyLeader, DutyShift
from .access import Principal
from .base import Services
from .statistics import parse_month

L, D, S = (cast(Table, m.__table__) for m in (DutyLeader, DutyShift, Staff))
HALVES = ("am", "pm")
NOON = time(12, 0)  # the morning half ends at the lunch break


def _err(cls: type[Exception], code: str, **fields: Any) -> Exception:
    return cls(code, f"operations.{code}", **fields)


class DutyRoster:
    def __init__(self, services: Services) -> None:
        self.s = services

    def month(self, principal: Principal, month: str | None) -> dict[str, Any]:
        """The roster of ``month`` (YYYY-MM); without one, this month in the hall's time (the page's first view)."""
        if not month:
            ctx = self.s.halls.get(principal.hall_id)
            month = ctx.schedule.local_date(self.s.clock.now()).strftime("%Y-%m")
        first, last = parse_month(month)
        with self.s.db.read() as conn:
            leaders = self._leaders(conn, principal.hall_id)
            shifts = conn.execute(
                select(D)
                .where(D.c.hall_id == principal.hall_id, D.c.day.between(first, last))
                .order_by(D.c.day, D.c.half)
            ).all()
        tz = self.s.halls.get(principal.hall_id).config.timezone
        counts: dict[int, int] = {lid: sum(s.leader_id == lid for s in shifts) for lid in leaders}
        return {
            "month": first.strftime("%Y-%m"),
            "leaders": [
                {**v, "half_days": counts[k], "below_minimum": counts[k] < v["min_half_days"]}
                for k, v in leaders.items()
            ],
            "shifts": [
                {
                    "date": s.day.isoformat(),
                    "half": s.half,
                    "leader": leaders.get(s.leader_id),
                    "swapped_from": leaders.get(s.swapped_from_id) if s.swapped_from_id else None,
                    "checked_in_at": s.checked_in_at.astimezone(tz).isoformat() if s.checked_in_at else None,
                    "problems": s.problems,
                    "actions": s.actions,
                }
                for s in shifts
            ],
        }

    def month_figures(self, hall_id: int, first: date, last: date) -> list[dict[str, Any]]:
        """Half-days per leader in a period, flagged below their minimum (for the monthly report)."""
        with self.s.db.read() as conn:
            leaders = self._leaders(conn, hall_id)
            counts: dict[int, int] = dict(
                conn.execute(
                    select(D.c.leader_id, func.count())
                    .where(D.c.hall_id == hall_id, D.c.day.between(first, last))
                    .group_by(D.c.leader_id)
                ).all()
            )
        return [
            {
                "name": v["name"],
                "title": v["title"],
                "half_days": counts.get(k, 0),
                "below_minimum": counts.get(k, 0) < v["min_half_days"],
            }
            for k, v in leaders.items()
        ]

    def set_shift(self, principal: Principal, day_text: str, half: str, data: dict[str, Any]) -> dict[str, Any]:
        """Plan, swap, check in or note one half-day. A new leader needs a title."""
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise _err(InvalidInput, "stats_bad_date", field="date", value=day_text[:40]) from None
        if half not in HALVES:
            raise _err(InvalidInput, "duty_bad_half", half=half[:10])
        hall_id = principal.hall_id
        now = self.s.clock.now()
        ctx = self.s.halls.get(hall_id)
        with self.s.db.write() as conn:
            current = conn.execute(select(D).where(D.c.hall_id == hall_id, D.c.day == day, D.c.half == half)).first()
            leader_id = current.leader_id if current else None
            if data.get("staff_no"):
                leader_id = self._leader_id(conn, hall_id, data["staff_no"], data.get("title"))
            if leader_id is None:
                raise _err(InvalidInput, "duty_leader_required")
            values: dict[str, Any] = {"leader_id": leader_id, "updated_at": now, "updated_by": principal.label}
            for field in ("problems", "actions"):
                if data.get(field) is not None:
                    values[field] = data[field]
            if data.get("check_in"):
                if day != ctx.schedule.local_date(now):
                    raise _err(Conflict, "duty_check_in_not_today", date=day.isoformat())
                values["checked_in_at"] = now
            if current is None:
                conn.execute(
                    D.insert().values(
                        **{"hall_id": hall_id, "day": day, "half": half, "problems": "", "actions": "", **values}
                    )
                )
            else:
                if current.leader_id != leader_id:
                    values["swapped_from_id"] = current.leader_id  # 调班: the earlier leader is kept
                    values["checked_in_at"] = values.get("checked_in_at")
                conn.execute(update(D).where(D.c.id == current.id).values(**values))
        return self.month(principal, day.strftime("%Y-%m"))

    def leader_now(self, hall_id: int, now: datetime) -> dict[str, str] | None:
        """Today's leader on duty for the board: masked name and title only."""
        ctx = self.s.halls.get(hall_id)
        local = now.astimezone(ctx.config.timezone)
        half = "am" if local.time() < NOON else "pm"
        with self.s.db.read() as conn:
            row = conn.execute(
                select(S.c.name, L.c.title)
                .select_from(D.join(L, L.c.id == D.c.leader_id).join(S, S.c.id == L.c.staff_id))
                .where(D.c.hall_id == hall_id, D.c.day == local.date(), D.c.half == half)
            ).first()
        return {"name": mask_name(row.name), "title": row.title} if row else None

    def _leaders(self, conn: Connection, hall_id: int) -> dict[int, dict[str, Any]]:
        rows = conn.execute(
            select(L.c.id, L.c.title, L.c.min_half_days, S.c.staff_no, S.c.name)
            .join(S, S.c.id == L.c.staff_id)
            .where(L.c.hall_id == hall_id, L.c.active.is_(True))
            .order_by(L.c.id)
        )
        return {
            r.id: {"staff_no": r.staff_no, "name": r.name, "title": r.title, "min_half_days": r.min_half_days}
            for r in rows
        }

    def _leader_id(self, conn: Connection, hall_id: int, staff_no: str, title: str | None) -> int:
        staff = conn.execute(select(S.c.id).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no.strip())).first()
        if staff is None:
            raise NotFound("staff_not_found", staff_no=staff_no[:32])
        row = conn.execute(select(L.c.id).where(L.c.hall_id == hall_id, L.c.staff_id == staff.id)).first()
        if row is not None:
            if title:
                conn.execute(update(L).where(L.c.id == row.id).values(title=title.strip()))
            return int(row.id)
        if not title or not title.strip():
            raise _err(InvalidInput, "duty_title_required", staff_no=staff_no[:32])
        return int(
            conn.execute(
                L.insert()
                .returning(L.c.id)
                .values(hall_id=hall_id, staff_id=staff.id, title=title.strip(), min_half_days=1, active=True)
            ).scalar_one()
        )
