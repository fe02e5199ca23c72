"""When the hall serves, and which windows are on duty.

Regular hours apply on Chinese working days (the working calendar decides,
including 调休 make-up weekends); extra slots (延时/错时/节假日受理) add
windows on duty at other times, some only for appointments. A 节假日受理 duty day entered in the
calendar (DayInfo.duty) replaces the day's periods with its own hours and windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from hall_common.i18n import message

from .duty_days import DutyDay
from .hall_config import ExtraSlot, HallConfig, TimeRange

SEARCH_DAYS = 45  # the longest closure to look across (Spring Festival + a margin)


class DayKind(Protocol):
    @property
    def is_working_day(self) -> bool: ...


HOLIDAY_KIND = "holiday"  # the period kind of 节假日受理 (a hall-file slot or a duty day)


def _duty_of(info: DayKind) -> DutyDay | None:
    # Calendars without duty days (a bare DayKind) have none.
    duty = getattr(info, "duty", None)
    return duty if isinstance(duty, DutyDay) else None


class DayCalendar(Protocol):
    def day_info(self, d: date) -> DayKind: ...


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
        info = self.calendar.day_info(d)
        duty = _duty_of(info)
        if duty is not None:
            return self._duty_periods(d, duty)
        working = bool(info.is_working_day)
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

    def _duty_periods(self, d: date, duty: DutyDay) -> list[Period]:
        # Windows since removed from the hall file are left out (the desk knows only real windows).
        windows = frozenset(duty.windows) & frozenset(self.config.window_numbers)
        if not windows:
            return []
        name = message("calendar.duty_day_name")
        result = []
        for start_time, end_time in duty.hours:
            start, end = self._at(d, TimeRange(start_time, end_time))
            result.append(Period(name, HOLIDAY_KIND, start, end, windows, duty.appointment_only))
        return result

    def duty_day(self, d: date) -> dict[str, Any] | None:
        """The day's 节假日受理 for boards and kiosks: from a calendar duty day or the hall file's
        holiday slots (e.g. Saturday mornings); None on a day without one."""
        periods = [p for p in self.periods(d) if p.kind == HOLIDAY_KIND]
        if not periods:
            return None
        duty = _duty_of(self.calendar.day_info(d))
        tz = self.config.timezone
        return {
            "name": periods[0].name,
            "note": duty.note if duty is not None else "",
            "appointment_only": all(p.appointment_only for p in periods),
            "hours": [f"{p.start.astimezone(tz):%H:%M}-{p.end.astimezone(tz):%H:%M}" for p in periods],
            "windows": sorted(frozenset().union(*(p.windows for p in periods))),
        }

    def local_date(self, t: datetime) -> date:
        return t.astimezone(self.config.timezone).date()

    def moment(self, t: datetime) -> Moment:
        active = tuple(p for p in self.periods(self.local_date(t)) if p.contains(t))
        windows = frozenset().union(*(p.windows for p in active)) if active else frozenset()
        return Moment(bool(active), any(not p.appointment_only for p in active), windows, active)

    def next_open_at(self, t: datetime, walk_in: bool = True) -> datetime | None:
        """The next closed→open moment after ``t`` (for walk-ins if asked).

        Named for what it is: at 10:00 (open) it is 13:30, the end of lunch, because the hall
        closes at 12:00 first. For "when does the next period of any kind begin" use
        :meth:`next_period_at`.
        """
        day = self.local_date(t)
        for offset in range(SEARCH_DAYS):
            for p in self.periods(day + timedelta(days=offset)):
                if walk_in and p.appointment_only:
                    continue
                if p.start > t and not self._covered(p.start, walk_in):
                    return p.start
        return None

    def next_period_at(self, t: datetime) -> datetime | None:
        """The start of the next period of any kind after ``t`` (a 错时 slot counts too)."""
        day = self.local_date(t)
        for offset in range(SEARCH_DAYS):
            for p in self.periods(day + timedelta(days=offset)):
                if p.start > t:
                    return p.start
        return None

    def window_role(self, t: datetime, window: int) -> str | None:
        """What ``window`` may serve at ``t``: "walk_in" (anyone), "appointments" (错时 slots that
        serve appointments only) or None (off duty)."""
        active = [p for p in self.moment(t).periods if window in p.windows]
        if not active:
            return None
        return "appointments" if all(p.appointment_only for p in active) else "walk_in"

    def _covered(self, t: datetime, walk_in: bool) -> bool:
        """True if an instant just before t is already open, so t is not an opening."""
        m = self.moment(t - timedelta(seconds=1))
        return m.walk_in if walk_in else m.open

    def day_summary(self, d: date) -> list[dict[str, object]]:
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
