"""When the hall serves, and which windows are on duty.

Regular hours apply on Chinese working days (the working calendar decides,
including 调休 make-up weekends); extra slots (延时/错时/节假日受理) add
windows on duty at other times, some only for appointments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from .hall_config import ExtraSlot, HallConfig, TimeRange

SEARCH_DAYS = 45  # the longest closure to look across (Spring Festival + a margin)


class DayCalendar(Protocol):
    def day_info(self, d: date) -> Any: ...  # returns an object with .is_working_day


@dataclass(frozen=True)
class Period:
    name: str
    kind: str  # regular / extended / staggered / holiday
    start: datetime
    end: datetime
    windows: frozenset[int]
    appointment_only: bool

    def contains(self, t: datetime) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class Moment:
    """What the hall is doing at one instant."""

    open: bool
    walk_in: bool
    windows_on_duty: frozenset[int]
    periods: tuple[Period, ...]


class Schedule:
    def __init__(self, config: HallConfig, calendar: DayCalendar) -> None:
        self.config = config
        self.calendar = calendar

    def _at(self, d: date, r: TimeRange) -> tuple[datetime, datetime]:
        tz = self.config.timezone
        return datetime.combine(d, r.start, tz), datetime.combine(d, r.end, tz)

    def _slot_applies(self, slot: ExtraSlot, d: date, working: bool) -> bool:
        if slot.weekdays and d.weekday() not in slot.weekdays:
            return False
        return {
            "working_days": working,
            "rest_days": not working,
            "all_days": True,
            "dates": d in slot.dates,
        }[slot.days]

    def periods(self, d: date) -> list[Period]:
        """All service periods of a local date, ordered by start."""
        working = bool(self.calendar.day_info(d).is_working_day)
        result: list[Period] = []
        if working:
            hours = self.config.weekday_hours.get(d.weekday(), self.config.working_day_hours)
            all_windows = frozenset(self.config.window_numbers)
            for r in hours:
                start, end = self._at(d, r)
                result.append(Period("regular", "regular", start, end, all_windows, False))
        for slot in self.config.slots:
            if self._slot_applies(slot, d, working):
                start, end = self._at(d, TimeRange(slot.start, slot.end))
                result.append(Period(slot.name, slot.kind, start, end, frozenset(slot.windows), slot.appointment_only))
        return sorted(result, key=lambda p: (p.start, p.end))

    def local_date(self, t: datetime) -> date:
        return t.astimezone(self.config.timezone).date()

    def moment(self, t: datetime) -> Moment:
        active = tuple(p for p in self.periods(self.local_date(t)) if p.contains(t))
        windows = frozenset().union(*(p.windows for p in active)) if active else frozenset()
        return Moment(bool(active), any(not p.appointment_only for p in active), windows, active)

    def next_open_at(self, t: datetime, walk_in: bool = True) -> datetime | None:
        """The next instant after ``t`` when the hall opens (for walk-ins if asked)."""
        day = self.local_date(t)
        for offset in range(SEARCH_DAYS):
            for p in self.periods(day + timedelta(days=offset)):
                if walk_in and p.appointment_only:
                    continue
                if p.start > t and not self._covered(p.start, walk_in):
                    return p.start
        return None

    def _covered(self, t: datetime, walk_in: bool) -> bool:
        """True if an instant just before t is already open, so t is not an opening."""
        m = self.moment(t - timedelta(seconds=1))
        return m.walk_in if walk_in else m.open

    def walk_in_intervals(self, d: date) -> list[tuple[datetime, datetime]]:
        """Merged intervals of a day in which walk-in tickets are served."""
        merged: list[list[datetime]] = []
        for p in self.periods(d):
            if p.appointment_only:
                continue
            if merged and p.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], p.end)
            else:
                merged.append([p.start, p.end])
        return [(a, b) for a, b in merged]

    def projected_start(
        self, t: datetime, wait_minutes: float, carry_over_breaks: bool, cutoff: timedelta
    ) -> datetime | None:
        """When a ticket issued at ``t`` with ``wait_minutes`` of queue ahead would be served.

        Service time is consumed only inside walk-in intervals of today; breaks are
        skipped if the hall carries tickets over them. ``None`` means not today.
        """
        remaining = timedelta(minutes=wait_minutes)
        intervals = [(max(a, t), b) for a, b in self.walk_in_intervals(self.local_date(t)) if b > t]
        if not carry_over_breaks:
            intervals = intervals[:1]
        for i, (start, end) in enumerate(intervals):
            # The margin guards closing time; a break is not closing, so earlier intervals run to their end.
            usable_end = end - cutoff if i == len(intervals) - 1 else end
            if start + remaining <= usable_end:
                return start + remaining
            remaining -= max(usable_end - start, timedelta(0))
        return None

    def day_summary(self, d: date) -> list[dict[str, Any]]:
        """Today's hours for boards and kiosks."""
        return [
            {
                "name": p.name,
                "kind": p.kind,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "windows": sorted(p.windows),
                "appointment_only": p.appointment_only,
            }
            for p in self.periods(d)
        ]
