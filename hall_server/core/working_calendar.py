"""Chinese working days for the hall: is a date a working day, and working-day arithmetic.

Plain Python, no Flask or SQLAlchemy. Three sources, in order of precedence:

1. **override** — the hall's local table (date -> ``workday`` / ``holiday`` with a note such
   as "调休上班" or "镇里值班日", or ``duty``: a 节假日受理 duty day, a rest day on which the
   hall serves its own hours, see core/duty_days.py). The hall server keeps it in its database and passes a
   snapshot to :class:`WorkingCalendar`; when the table changes, build a new calendar
   (``calendar.with_overrides(new_table)``): the caches live on the instance.
2. **official** — the ``chinesecalendar`` package (``import chinese_calendar``) for the years
   it ships data for. The range is read from the package at import time, never hard-coded:
   upgrading the package extends it.
3. **fallback** — the fixed-date statutory holidays (元旦 1-1, 劳动节 5-1, 国庆 10-1…10-3), else
   Monday to Friday working, Saturday and Sunday rest. Used for years the
   package does not cover; :meth:`WorkingCalendar.warnings` tells administrators loudly so
   that they enter the year's holidays and make-up days in the override table.

Arithmetic follows the 行政许可法 convention: a time limit of *n* working days starts on the
day after acceptance, so ``add_working_days(accepted_on, n)`` is the due date, and
``working_days_between(a, b)`` counts working days in ``(a, b]`` (its inverse).
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import chinese_calendar as _cc

from hall_common.i18n import DEFAULT_LOCALE, message

from .duty_days import DutyDay, duty_day_from_storage

# --- kinds and sources ------------------------------------------------------------------

WORKDAY = "workday"  # an ordinary working day (Mon–Fri, or an override duty day)
WEEKEND = "weekend"  # an ordinary Saturday or Sunday
HOLIDAY = "holiday"  # a public holiday (including weekend days inside it) or an override rest day
MAKEUP_WORKDAY = "makeup_workday"  # 调休上班: a Saturday/Sunday that is worked
KINDS = (WORKDAY, WEEKEND, HOLIDAY, MAKEUP_WORKDAY)

SOURCE_OVERRIDE = "override"
SOURCE_OFFICIAL = "official"
SOURCE_FALLBACK = "fallback"
SOURCES = (SOURCE_OVERRIDE, SOURCE_OFFICIAL, SOURCE_FALLBACK)

DUTY = "duty"  # override kind: a rest day with 节假日受理 duty hours (DayInfo.duty)
OVERRIDE_KINDS = (WORKDAY, HOLIDAY, DUTY)

MAKEUP_NOTE = "调休上班"

# Holiday codes with their Chinese names. The package's English names map to these codes.
HOLIDAY_NAMES: dict[str, str] = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "mid_autumn_festival": "中秋节",
    "national_day": "国庆节",
    "anti_fascist_70th_day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
_CODE_BY_ENGLISH: dict[str, str] = {h.value: h.name for h in _cc.Holiday}
# Short forms an administrator may type in an override note ("清明", "五一", "十一" ...).
_NOTE_ALIASES: tuple[tuple[str, str], ...] = (
    ("元旦", "new_years_day"),
    ("春节", "spring_festival"),
    ("清明", "tomb_sweeping_day"),
    ("劳动节", "labour_day"),
    ("五一", "labour_day"),
    ("端午", "dragon_boat_festival"),
    ("中秋", "mid_autumn_festival"),
    ("国庆", "national_day"),
)

# Statutory holidays on fixed solar dates (全国年节及纪念日放假办法): rest days whatever the year's
# 调休 arrangement, so a year without official data still closes on them. Lunar holidays and the
# make-up days cannot be derived; the administrator enters them as overrides.
FIXED_DATE_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "new_years_day",
    (5, 1): "labour_day",
    (10, 1): "national_day",
    (10, 2): "national_day",
    (10, 3): "national_day",
}

# Longest legal clock: joint handling 45 + 15 working days ≈ 84 calendar days; deadlines
# computed today can land that far ahead, so warn about a missing year 90 days early.
DEFAULT_WARNING_HORIZON_DAYS = 90


def official_years() -> range:
    """The years the installed ``chinesecalendar`` package has official data for.

    Read from the package's own table, the same way the package validates dates (it raises
    NotImplementedError outside this range).
    """
    years = [d.year for d in _cc.holidays]
    return range(min(years), max(years) + 1)


_OFFICIAL_YEARS = official_years()


# --- data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """One row of the local override table."""

    kind: str  # "workday", "holiday" or "duty"
    note: str = ""  # e.g. "调休上班", "镇里值班日", "元旦"
    holiday_name: str | None = None  # explicit holiday name; else guessed from the note
    duty: DutyDay | None = None  # kind "duty": the day's hours, windows, appointment-only

    def __post_init__(self) -> None:
        if self.kind not in OVERRIDE_KINDS:
            raise ValueError(f"override kind must be one of {OVERRIDE_KINDS}, not {self.kind!r}")
        if (self.kind == DUTY) != (self.duty is not None):
            raise ValueError("a duty override (and only one) carries its duty day")


@dataclass(frozen=True)
class DayInfo:
    date: _dt.date
    is_working_day: bool
    kind: str  # one of KINDS
    source: str  # one of SOURCES
    holiday_name: str | None = None  # Chinese name (春节, 国庆节 …); for a make-up day, the holiday it belongs to
    holiday_code: str | None = None  # stable code (spring_festival …) for message keys ``calendar.holiday_<code>``
    note: str = ""  # 调休上班, or the override's note
    duty: DutyDay | None = None  # a 节假日受理 duty day: the hall serves these hours on this rest day


@dataclass(frozen=True)
class CalendarWarning:
    year: int
    key: str  # message key, e.g. "calendar.year_missing"
    message: str  # rendered in the requested locale
    severity: str  # "error" (nothing entered for the year) or "warning"
    params: Mapping[str, Any]


# --- helpers ----------------------------------------------------------------------------


def _as_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        return _dt.date.fromisoformat(value)
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _as_override(value: Any) -> Override:
    if isinstance(value, Override):
        return value
    if isinstance(value, str):
        return Override(value)
    if isinstance(value, Mapping):
        duty = value.get("duty")
        if value["kind"] == DUTY and not isinstance(duty, DutyDay):
            duty = duty_day_from_storage(
                value.get("hours"), value.get("windows"), value.get("appointment_only"), value.get("note")
            )
        return Override(value["kind"], value.get("note") or "", value.get("holiday_name"), duty)
    if isinstance(value, tuple):
        return Override(*value)
    # any object with .kind / .note (e.g. a database row)
    if hasattr(value, "kind"):
        fields = ("kind", "note", "holiday_name", "hours", "windows", "appointment_only")
        return _as_override({name: getattr(value, name, None) for name in fields})
    raise TypeError(f"cannot read an override from {type(value).__name__}")


def _code_from_name(text: str) -> str | None:
    for code, name in HOLIDAY_NAMES.items():
        if name in text:
            return code
    for alias, code in _NOTE_ALIASES:
        if alias in text:
            return code
    return None


# --- the calendar -----------------------------------------------------------------------


class WorkingCalendar:
    """Working days from overrides, the official calendar, and a weekend fallback.

    Immutable after construction: the override table is copied, and per-date / per-year
    caches live on the instance. Build a new instance (``with_overrides``) when the table
    changes.
    """

    def __init__(
        self,
        overrides: Mapping[Any, Any] | None = None,
        *,
        confirmed_years: Iterable[int] = (),
    ) -> None:
        """``overrides``: date (or ISO string) -> Override, kind string, (kind, note) tuple,
        mapping with ``kind``/``note``, or any object with ``.kind``/``.note``.

        ``confirmed_years``: years for which an administrator has confirmed that the
        override table holds the whole official holiday arrangement; no warning for them.
        """
        self._overrides: dict[_dt.date, Override] = {_as_date(d): _as_override(v) for d, v in (overrides or {}).items()}
        self._confirmed_years = frozenset(int(y) for y in confirmed_years)
        self._days: dict[_dt.date, DayInfo] = {}
        self._year_workdays: dict[int, list[_dt.date]] = {}

    def with_overrides(
        self, overrides: Mapping[Any, Any] | None, *, confirmed_years: Iterable[int] | None = None
    ) -> WorkingCalendar:
        """A fresh calendar (fresh caches) for a changed override table."""
        return WorkingCalendar(
            overrides,
            confirmed_years=self._confirmed_years if confirmed_years is None else confirmed_years,
        )

    @property
    def overrides(self) -> Mapping[_dt.date, Override]:
        return dict(self._overrides)

    # -- single days ---------------------------------------------------------------------

    @staticmethod
    def has_official_data(year: int) -> bool:
        return year in _OFFICIAL_YEARS

    def day_info(self, d: Any) -> DayInfo:
        d = _as_date(d)
        info = self._days.get(d)
        if info is None:
            info = self._compute(d)
            self._days[d] = info
        return info

    def is_working_day(self, d: Any) -> bool:
        return self.day_info(d).is_working_day

    def _compute(self, d: _dt.date) -> DayInfo:
        override = self._overrides.get(d)
        if override is not None and override.duty is not None:
            # A duty day is a rest day (deadlines do not count it) whatever it would have been;
            # it keeps the holiday it falls in (国庆节) so boards can still name it.
            base = self._compute_without_override(d)
            kind = HOLIDAY if base.kind in (WORKDAY, MAKEUP_WORKDAY) else base.kind
            return DayInfo(
                d, False, kind, SOURCE_OVERRIDE, base.holiday_name, base.holiday_code, override.note, override.duty
            )
        if override is None:
            return self._compute_without_override(d)
        weekend = d.weekday() >= 5
        name: str | None
        code: str | None
        if override.holiday_name:
            name = override.holiday_name
            code = _code_from_name(name)
        else:
            code = _code_from_name(override.note)
            name = HOLIDAY_NAMES[code] if code else None
        if override.kind == WORKDAY:
            kind = MAKEUP_WORKDAY if weekend else WORKDAY
            return DayInfo(d, True, kind, SOURCE_OVERRIDE, name, code, override.note)
        return DayInfo(d, False, HOLIDAY, SOURCE_OVERRIDE, name, code, override.note)

    def _compute_without_override(self, d: _dt.date) -> DayInfo:
        weekend = d.weekday() >= 5
        if d.year in _OFFICIAL_YEARS:
            on_leave, english = _cc.get_holiday_detail(d)
            code = _CODE_BY_ENGLISH.get(english) if english else None
            name = (HOLIDAY_NAMES.get(code, english) if code else english) if english else None
            if english is not None and not on_leave:
                # listed in the package's workdays: a worked day belonging to a holiday
                kind = MAKEUP_WORKDAY if weekend else WORKDAY
                return DayInfo(d, True, kind, SOURCE_OFFICIAL, name, code, MAKEUP_NOTE if weekend else "")
            if english is not None:
                return DayInfo(d, False, HOLIDAY, SOURCE_OFFICIAL, name, code)
            return DayInfo(d, not weekend, WEEKEND if weekend else WORKDAY, SOURCE_OFFICIAL)

        fixed = FIXED_DATE_HOLIDAYS.get((d.month, d.day))
        if fixed is not None:
            return DayInfo(d, False, HOLIDAY, SOURCE_FALLBACK, HOLIDAY_NAMES[fixed], fixed)
        return DayInfo(d, not weekend, WEEKEND if weekend else WORKDAY, SOURCE_FALLBACK)

    # -- arithmetic ----------------------------------------------------------------------

    def _workdays_of(self, year: int) -> list[_dt.date]:
        days = self._year_workdays.get(year)
        if days is None:
            first = _dt.date(year, 1, 1)
            count = (_dt.date(year + 1, 1, 1) - first).days if year < _dt.MAXYEAR else 365
            days = [
                day
                for day in (first + _dt.timedelta(days=i) for i in range(count))
                if self.day_info(day).is_working_day
            ]
            self._year_workdays[year] = days
        return days

    def _count_through(self, d: _dt.date) -> int:
        """Working days from 1 January of d's year up to and including d."""
        return bisect.bisect_right(self._workdays_of(d.year), d)

    def add_working_days(self, start: Any, n: int) -> _dt.date:
        """The n-th working day after ``start`` (counting starts the day after).

        The due date of a promise of n working days accepted on ``start``. ``n == 0``
        returns ``start`` itself (即办: done on the day).
        """
        start = _as_date(start)
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return _as_date(start)
        year = start.year
        days = self._workdays_of(year)
        pos = bisect.bisect_right(days, start)  # index of the first working day after start
        remaining = n
        while True:
            available = len(days) - pos
            if remaining <= available:
                return days[pos + remaining - 1]
            remaining -= available
            year += 1
            days = self._workdays_of(year)
            pos = 0

    def working_days_between(self, a: Any, b: Any) -> int:
        """Working days in ``(a, b]``; negative when ``b`` is before ``a``.

        Inverse of :meth:`add_working_days`: ``working_days_between(a, add_working_days(a, n)) == n``.
        Used for "days used so far" and "days left" on a case.
        """
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        total = self._count_through(b) - self._count_through(a)
        for year in range(a.year, b.year):
            total += len(self._workdays_of(year))
        return total

    def next_working_day(self, d: Any, *, inclusive: bool = False) -> _dt.date:
        """The first working day after ``d`` (or ``d`` itself when ``inclusive`` and it is one)."""
        day = _as_date(d)
        if inclusive and self.is_working_day(day):
            return day
        return self.add_working_days(day, 1)

    # -- admin warnings ------------------------------------------------------------------

    def missing_years(self, from_date: Any, horizon_days: int = DEFAULT_WARNING_HORIZON_DAYS) -> list[int]:
        """Years touched by ``[from_date, from_date + horizon_days]`` without official data
        (covered only by the fallback and any overrides) and not confirmed by an administrator."""
        start = _as_date(from_date)
        end = start + _dt.timedelta(days=max(0, horizon_days))
        return [
            year
            for year in range(start.year, end.year + 1)
            if not self.has_official_data(year) and year not in self._confirmed_years
        ]

    def warnings(
        self,
        today: Any,
        locale: str = DEFAULT_LOCALE,
        horizon_days: int = DEFAULT_WARNING_HORIZON_DAYS,
    ) -> list[CalendarWarning]:
        """Structured admin warnings for years within the horizon that lack official data.

        No override at all for the year: severity "error", key ``calendar.year_missing``.
        Some overrides entered but the year not confirmed: severity "warning", key
        ``calendar.year_local_only``.
        """
        result = []
        for year in self.missing_years(today, horizon_days):
            count = sum(1 for d in self._overrides if d.year == year)
            if count == 0:
                key, severity, params = "calendar.year_missing", "error", {"year": year}
            else:
                key, severity, params = "calendar.year_local_only", "warning", {"year": year, "count": count}
            result.append(CalendarWarning(year, key, message(key, locale, **params), severity, params))
        return result


# --- module-level convenience (no overrides) ------------------------------------------

_DEFAULT = WorkingCalendar()


def day_info(d: Any) -> DayInfo:
    return _DEFAULT.day_info(d)


def is_working_day(d: Any) -> bool:
    return _DEFAULT.is_working_day(d)


def add_working_days(start: Any, n: int) -> _dt.date:
    return _DEFAULT.add_working_days(start, n)


def working_days_between(a: Any, b: Any) -> int:
    return _DEFAULT.working_days_between(a, b)


def next_working_day(d: Any, *, inclusive: bool = False) -> _dt.date:
    return _DEFAULT.next_working_day(d, inclusive=inclusive)


def missing_years(from_date: Any, horizon_days: int = DEFAULT_WARNING_HORIZON_DAYS) -> list[int]:
    return _DEFAULT.missing_years(from_date, horizon_days)


def warnings(
    today: Any, locale: str = DEFAULT_LOCALE, horizon_days: int = DEFAULT_WARNING_HORIZON_DAYS
) -> list[CalendarWarning]:
    return _DEFAULT.warnings(today, locale, horizon_days)
