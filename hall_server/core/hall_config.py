"""A hall's configuration: windows, hours, extra slots, numbering, priority groups, queue rules.

Loaded from TOML (the pilot hall is built in). Every mistake is reported with the
file, the key and what a valid value looks like, in the admin's language.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hall_common.i18n import message

from .errors import ConfigError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_SELECTORS = ("working_days", "rest_days", "all_days", "dates")
SLOT_KINDS = ("extended", "staggered", "holiday")


@dataclass(frozen=True)
class TimeRange:
    start: time
    end: time

    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class WindowConfig:
    number: int
    name: str


@dataclass(frozen=True)
class ExtraSlot:
    """An extended, staggered or holiday-acceptance slot with the windows on duty in it."""

    name: str
    kind: str
    days: str
    start: time
    end: time
    windows: tuple[int, ...]
    appointment_only: bool
    weekdays: tuple[int, ...] = ()  # 0=Monday; empty = any weekday
    dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class PriorityGroup:
    code: str
    name: str


@dataclass(frozen=True)
class TicketRules:
    digits: int = 3
    appointment_prefix: str = "Y"
    priority_prefix: str = "V"
    default_prefix: str = "A"
    return_prefix: str = "F"  # 返: the return lane (补交材料 / 领取结果)


@dataclass(frozen=True)
class QueueRules:
    max_priority_streak: int = 3
    appointment_early_minutes: int = 30
    appointment_late_minutes: int = 15
    no_show_after_calls: int = 2
    closing_cutoff_minutes: int = 10
    after_cutoff: str = "consent"
    carry_over_breaks: bool = True
    default_handling_minutes: int = 10


DEFAULT_BAD_REASONS = ("等候时间长", "服务态度差", "办事效率低", "材料要求不清楚", "多次跑腿", "环境设施不便")


@dataclass(frozen=True)
class EvaluationRules:
    """好差评 settings (*local*): the pad's time limit, which levels open a follow-up (差评 2 and 1,
    a hall may add 3), the call-back and rectification deadlines in working days, when a service
    counts as 未评价 and whether it is then defaulted, and which levels count as 好评."""

    rate_within_seconds: int = 120
    bad_reasons: tuple[str, ...] = DEFAULT_BAD_REASONS
    link_valid_days: int = 7
    follow_up_levels: tuple[int, ...] = (2, 1)
    callback_working_days: int = 1
    rectify_min_days: int = 5
    rectify_max_days: int = 15
    rectify_default_days: int = 10
    unrated_after_days: int = 7
    default_level: int | None = None
    good_levels: tuple[int, ...] = (5, 4, 3)


# Pause reasons a window may show on the public board: a fixed list (message keys, shown in
# Chinese), which a hall's TOML may extend ([pause] reasons = [...]). No free text reaches the board.
DEFAULT_PAUSE_REASON_KEYS = (
    "terminal.pause_break",
    "terminal.pause_away",
    "terminal.pause_meeting",
    "terminal.pause_consult",
    "terminal.pause_copy",
    "terminal.pause_system",
    "terminal.keypad_pause_reason",
)
MAX_PAUSE_REASON = 20


@dataclass(frozen=True)
class AppointmentRules:
    """Booking capacity ([appointments] in the hall file; every value is *local*).

    ``seats_per_window``: residents one window can take per slot. In walk-in periods
    ``walk_in_share_percent`` of those seats stay with walk-ins; appointment-only periods
    (错时, 节假日受理) are bookable in full. ``matters``: codes that may be booked (empty: all)."""

    slot_minutes: int = 30
    seats_per_window: int = 2
    walk_in_share_percent: int = 50
    matters: tuple[str, ...] = ()
    horizon_days: int = 14
    latest_minutes_before: int = 30
    no_show_grace_minutes: int = 30
    # A resident (by phone or ID hash) with this many 爽约 in the last ``no_show_days`` days may
    # not book online; staff may still book by phone or at the window. 0: no limit.
    max_no_shows: int = 3
    no_show_days: int = 30
    # Reminders through the notifier outbox: the day before at this local time, and this many
    # minutes before the slot (0: none). A booking made later than a reminder's time gets none.
    remind_day_before_at: time = time(16, 0)
    remind_minutes_before: int = 60
    # 预约上门: the hours staff visit residents at home, on working days.
    visit_hours: tuple[TimeRange, ...] = (TimeRange(time(9, 0), time(12, 0)), TimeRange(time(14, 0), time(17, 0)))
    # A web or phone booking holds its seat this long for the SMS code; unconfirmed, the seat goes back.
    hold_minutes: int = 10


@dataclass(frozen=True)
class AnnouncerRules:
    """[announcer]: whether the hall has a voice (a board with speakers running `yichuang announcer`),
    how it reads 1 in ticket numbers, and how long after the last time a number was heard 过号
    becomes possible (the resident needs time to walk up; with no announcer, the time the call
    stood on the boards). The number of times it must be heard is queue.no_show_after_calls."""

    present: bool = True
    one: str = "幺"
    no_show_wait_seconds: int = 20
    # A call the announcer has not reported heard for this long counts as shown on the boards
    # (core/no_show_rule.py): a dead announcer PC must not stall 过号 at every window.
    silent_after_seconds: int = 90


@dataclass(frozen=True)
class SecurityRules:
    # A person token from a log-in ends this long after the hall's last period of the day closes
    # (so overtime is covered) and after this long unused (a terminal left logged in).
    person_token_after_closing_minutes: int = 60
    person_token_idle_minutes: int = 30


PHONE = re.compile(r"^[0-9][0-9 -]{4,19}$")


@dataclass(frozen=True)
class HallConfig:
    code: str
    name: str
    short_name: str
    timezone: ZoneInfo
    windows: tuple[WindowConfig, ...]
    working_day_hours: tuple[TimeRange, ...]
    weekday_hours: dict[int, tuple[TimeRange, ...]] = field(default_factory=dict)
    slots: tuple[ExtraSlot, ...] = ()
    tickets: TicketRules = TicketRules()
    priority_groups: tuple[PriorityGroup, ...] = ()
    queue: QueueRules = QueueRules()
    slip_notices: tuple[str, ...] = ()
    evaluation: EvaluationRules = EvaluationRules()
    source_text: str = ""
    security: SecurityRules = SecurityRules()
    pause_reasons: tuple[str, ...] = ()
    appointments: AppointmentRules = AppointmentRules()
    # 咨询电话 printed on the residents' notices (empty: not printed).
    phone: str = ""
    announcer: AnnouncerRules = AnnouncerRules()

    @property
    def allowed_pause_reasons(self) -> tuple[str, ...]:
        defaults = tuple(message(key) for key in DEFAULT_PAUSE_REASON_KEYS)
        return defaults + tuple(r for r in self.pause_reasons if r not in defaults)

    @property
    def window_numbers(self) -> tuple[int, ...]:
        return tuple(w.number for w in self.windows)

    def priority_group(self, code: str) -> PriorityGroup | None:
        return next((g for g in self.priority_groups if g.code == code), None)


class _Reader:
    """Reads typed values out of parsed TOML, raising ConfigError that names the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, expected_key: str, value: Any = None, **params: Any) -> ConfigError:
        expected = message(f"config.expected_{expected_key}", **params)
        return ConfigError(
            message("config.invalid_value", source=self.source, key=key, value=repr(value), expected=expected)
        )

    def table(self, data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(path, "table", value)
        return value

    def tables(self, data: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
        """An array of tables (``[[key]]``): a table or a number in its place is named, not a traceback."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(path, "table_list", value)
        return value

    def clock_time(self, value: Any, path: str) -> time:
        try:
            hours, minutes = str(value).split(":")
            return time(int(hours), int(minutes))
        except (ValueError, TypeError):
            raise self.fail(path, "time", value) from None

    def time_range(self, value: Any, path: str) -> TimeRange:
        if not isinstance(value, str) or "-" not in value:
            raise self.fail(path, "time_range", value)
        start_text, end_text = value.split("-", 1)
        start, end = self.clock_time(start_text, path), self.clock_time(end_text, path)
        if end <= start:
            raise self.fail(path, "time_range", value)
        return TimeRange(start, end)

    def ranges(self, value: Any, path: str) -> tuple[TimeRange, ...]:
        if not isinstance(value, list):
            raise self.fail(path, "time_range_list", value)
        ranges = tuple(self.time_range(v, f"{path}[{i}]") for i, v in enumerate(value))
        ordered = sorted(ranges, key=lambda r: r.start)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.start < before.end:
                raise self.fail(path, "non_overlapping", value)
        return tuple(ordered)

    def section(self, data: dict[str, Any], key: str) -> _Table:
        """The table ``[key]`` (empty when the file has none)."""
        return _Table(self, self.table(data, key, f"[{key}]"), key)

    def rows(self, data: dict[str, Any], key: str) -> list[_Table]:
        """The tables of ``[[key]]``, each named by its place (``slots[1]``)."""
        return [_Table(self, row, f"{key}[{i}]") for i, row in enumerate(self.tables(data, key, f"[[{key}]]"))]


@dataclass(frozen=True)
class _Table:
    """One table of the hall file and its path, so that every mistake names its key (``queue.after_cutoff``)."""

    read: _Reader
    data: dict[str, Any]
    path: str

    def key(self, key: str) -> str:
        return f"{self.path}.{key}"

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def fail(self, key: str, expected_key: str, value: Any = None, **params: Any) -> ConfigError:
        return self.read.fail(self.key(key), expected_key, value, **params)

    def table(self, key: str) -> _Table:
        return _Table(self.read, self.read.table(self.data, key, self.key(key)), self.key(key))

    def items(self, key: str, expected_key: str) -> list[Any]:
        """A list (``weekdays = ["mon"]``): a bare value in its place is named with what was expected."""
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, expected_key, value)
        return value

    def string(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            if value is None:
                raise ConfigError(message("config.missing_key", source=self.read.source, key=self.key(key)))
            raise self.fail(key, "string", value)
        return value.strip()

    def integer(self, key: str, default: int, minimum: int = 0, maximum: int = 10_000) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise self.fail(key, "integer", value, minimum=minimum, maximum=maximum)
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "boolean", value)
        return value

    def ranges(self, key: str, default: list[str]) -> tuple[TimeRange, ...]:
        return self.read.ranges(self.data.get(key, default), self.key(key))


def parse_hall_config(text: str, source: str = "hall.toml") -> HallConfig:
    """The hall file, each table read by its own function below; the first mistake found is raised."""
    read = _Reader(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(message("config.bad_toml", source=source, error=str(exc))) from None
    hall = _hall(read.section(data, "hall"))
    windows = _windows(read, data.get("windows"))
    working_day_hours, weekday_hours = _hours(read.section(data, "hours"))
    numbers = [w.number for w in windows]
    return HallConfig(
        code=hall.code,
        name=hall.name,
        short_name=hall.short_name,
        timezone=hall.timezone,
        phone=hall.phone,
        windows=windows,
        working_day_hours=working_day_hours,
        weekday_hours=weekday_hours,
        slots=tuple(_slot(s, numbers) for s in read.rows(data, "slots")),
        tickets=_tickets(read.section(data, "tickets")),
        priority_groups=tuple(
            PriorityGroup(g.string("code"), g.string("name")) for g in read.rows(data, "priority_groups")
        ),
        queue=_queue(read.section(data, "queue")),
        slip_notices=_slip_notices(read.section(data, "slip")),
        security=_security(read.section(data, "security")),
        pause_reasons=_pause_reasons(read.section(data, "pause")),
        appointments=_appointments(read.section(data, "appointments")),
        evaluation=_evaluation(read.section(data, "evaluation")),
        announcer=_announcer(read.section(data, "announcer")),
        source_text=text,
    )


class _HallTable(NamedTuple):
    code: str
    name: str
    short_name: str
    timezone: ZoneInfo
    phone: str


def _hall(t: _Table) -> _HallTable:
    code = t.string("code")
    if not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        raise t.fail("code", "hall_code", code)
    tz_name = t.string("timezone", "Asia/Shanghai")
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise t.fail("timezone", "timezone", tz_name) from None
    name = t.string("name")
    short_name = t.string("short_name", name)
    phone = t.get("phone", "")  # the 咨询电话 residents may call, digits with - or spaces (optional)
    if not isinstance(phone, str) or (phone.strip() and not PHONE.match(phone.strip())):
        raise t.fail("phone", "phone", phone)
    return _HallTable(code, name, short_name, timezone, phone.strip())


def _windows(read: _Reader, raw: Any) -> tuple[WindowConfig, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(w, dict) for w in raw):
        raise read.fail("[[windows]]", "windows", raw)
    windows = []
    for i, w in enumerate(raw):
        row = _Table(read, w, f"windows[{i}]")
        number = row.integer("number", -1, 1, 999)
        windows.append(WindowConfig(number, row.string("name", f"{number}号窗口")))
    numbers = [w.number for w in windows]
    if len(set(numbers)) != len(numbers):
        raise read.fail("windows[].number", "unique_windows", numbers)
    return tuple(windows)


def _hours(t: _Table) -> tuple[tuple[TimeRange, ...], dict[int, tuple[TimeRange, ...]]]:
    working_day = t.ranges("working_day", ["09:00-12:00", "13:30-17:30"])
    by_weekday = t.table("by_weekday")
    weekday_hours: dict[int, tuple[TimeRange, ...]] = {}
    for key in by_weekday.data:
        if key not in WEEKDAYS:
            raise by_weekday.fail(key, "weekday", key)
        weekday_hours[WEEKDAYS.index(key)] = by_weekday.ranges(key, [])
    return working_day, weekday_hours


def _slot(t: _Table, numbers: list[int]) -> ExtraSlot:
    kind = t.string("kind", "extended")
    if kind not in SLOT_KINDS:
        raise t.fail("kind", "slot_kind", kind)
    days = t.string("days", "working_days")
    if days not in DAY_SELECTORS:
        raise t.fail("days", "day_selector", days)
    weekdays = _slot_weekdays(t)
    dates = _slot_dates(t)
    if days == "dates" and not dates:
        raise t.fail("dates", "date", dates)
    windows = t.get("windows", numbers)
    if not isinstance(windows, list) or not windows or any(w not in numbers for w in windows):
        raise t.fail("windows", "slot_windows", windows)
    hours = t.read.time_range(f"{t.get('start')}-{t.get('end')}", t.key("start/end"))
    return ExtraSlot(
        name=t.string("name", kind),
        kind=kind,
        days=days,
        start=hours.start,
        end=hours.end,
        windows=tuple(windows),
        appointment_only=t.boolean("appointment_only", False),
        weekdays=weekdays,
        dates=tuple(dates),
    )


def _slot_weekdays(t: _Table) -> tuple[int, ...]:
    weekdays = []
    for day in t.items("weekdays", "weekday"):
        if day not in WEEKDAYS:
            raise t.fail("weekdays", "weekday", day)
        weekdays.append(WEEKDAYS.index(day))
    return tuple(weekdays)


def _slot_dates(t: _Table) -> list[date]:
    dates = []
    for d in t.items("dates", "date"):
        if not isinstance(d, date):
            try:
                d = date.fromisoformat(str(d))
            except ValueError:
                raise t.fail("dates", "date", d) from None
        dates.append(d)
    return dates


def _tickets(t: _Table) -> TicketRules:
    prefixes = {}
    for key, default in (
        ("appointment_prefix", "Y"),
        ("priority_prefix", "V"),
        ("default_prefix", "A"),
        ("return_prefix", "F"),
    ):
        value = t.string(key, default)
        if not (len(value) == 1 and value.isascii() and value.isalpha() and value.isupper()):
            raise t.fail(key, "prefix", value)
        prefixes[key] = value
    return TicketRules(digits=t.integer("digits", 3, 3, 4), **prefixes)


def _queue(t: _Table) -> QueueRules:
    after_cutoff = t.string("after_cutoff", "consent")
    if after_cutoff not in ("consent", "refuse"):
        raise t.fail("after_cutoff", "after_cutoff", after_cutoff)
    return QueueRules(
        max_priority_streak=t.integer("max_priority_streak", 3, 1, 100),
        appointment_early_minutes=t.integer("appointment_early_minutes", 30, 0, 600),
        appointment_late_minutes=t.integer("appointment_late_minutes", 15, 0, 600),
        no_show_after_calls=t.integer("no_show_after_calls", 2, 1, 10),
        closing_cutoff_minutes=t.integer("closing_cutoff_minutes", 10, 0, 240),
        after_cutoff=after_cutoff,
        carry_over_breaks=t.boolean("carry_over_breaks", True),
        default_handling_minutes=t.integer("default_handling_minutes", 10, 1, 480),
    )


def _slip_notices(t: _Table) -> tuple[str, ...]:
    notices = t.get("notices", [])
    if not isinstance(notices, list) or not all(isinstance(n, str) for n in notices):
        raise t.fail("notices", "string_list", notices)
    return tuple(notices)


def _security(t: _Table) -> SecurityRules:
    return SecurityRules(
        person_token_after_closing_minutes=t.integer("person_token_after_closing_minutes", 60, 0, 720),
        person_token_idle_minutes=t.integer("person_token_idle_minutes", 30, 1, 720),
    )


def _pause_reasons(t: _Table) -> tuple[str, ...]:
    reasons = t.get("reasons", [])
    if (
        not isinstance(reasons, list)
        or len(reasons) > 50
        or not all(isinstance(r, str) and 0 < len(r.strip()) <= MAX_PAUSE_REASON for r in reasons)
    ):
        raise t.fail("reasons", "pause_reasons", reasons)
    return tuple(r.strip() for r in reasons)


def _appointments(t: _Table) -> AppointmentRules:
    bookable = t.get("matters", [])
    if not isinstance(bookable, list) or not all(isinstance(m, str) and m.strip() for m in bookable):
        raise t.fail("matters", "string_list", bookable)
    return AppointmentRules(
        slot_minutes=t.integer("slot_minutes", 30, 5, 240),
        seats_per_window=t.integer("seats_per_window", 2, 1, 50),
        walk_in_share_percent=t.integer("walk_in_share_percent", 50, 0, 100),
        matters=tuple(m.strip() for m in bookable),
        horizon_days=t.integer("horizon_days", 14, 1, 90),
        latest_minutes_before=t.integer("latest_minutes_before", 30, 0, 2880),
        no_show_grace_minutes=t.integer("no_show_grace_minutes", 30, 0, 600),
        max_no_shows=t.integer("max_no_shows", 3, 0, 100),
        no_show_days=t.integer("no_show_days", 30, 1, 365),
        remind_day_before_at=t.read.clock_time(t.get("remind_day_before_at", "16:00"), t.key("remind_day_before_at")),
        visit_hours=t.ranges("visit_hours", ["09:00-12:00", "14:00-17:00"]),
        remind_minutes_before=t.integer("remind_minutes_before", 60, 0, 1440),
        hold_minutes=t.integer("hold_minutes", 10, 2, 60),
    )


def _levels(t: _Table, key: str, default: tuple[int, ...], allowed: tuple[int, ...]) -> tuple[int, ...]:
    value = t.get(key, list(default))
    if (
        not isinstance(value, list)
        or not value
        or any(isinstance(v, bool) or v not in allowed for v in value)
        or len(set(value)) != len(value)
    ):
        raise t.fail(key, "levels", value, allowed="、".join(map(str, allowed)))
    return tuple(sorted(value, reverse=True))


def _evaluation(t: _Table) -> EvaluationRules:
    reasons = t.get("bad_reasons", list(DEFAULT_BAD_REASONS))
    if (
        not isinstance(reasons, list)
        or not reasons
        or len(reasons) > 20
        or not all(isinstance(r, str) and 0 < len(r.strip()) <= 20 for r in reasons)
    ):
        raise t.fail("bad_reasons", "string_list", reasons)
    low = t.integer("rectify_min_days", 5, 1, 60)
    high = t.integer("rectify_max_days", 15, low, 60)
    default_level = t.get("default_level")
    if default_level is not None and (
        isinstance(default_level, bool) or not isinstance(default_level, int) or not 1 <= default_level <= 5
    ):
        raise t.fail("default_level", "integer", default_level, minimum=1, maximum=5)
    return EvaluationRules(
        rate_within_seconds=t.integer("rate_within_seconds", 120, 10, 3600),
        bad_reasons=tuple(r.strip() for r in reasons),
        link_valid_days=t.integer("link_valid_days", 7, 1, 90),
        follow_up_levels=_levels(t, "follow_up_levels", (2, 1), (3, 2, 1)),
        callback_working_days=t.integer("callback_working_days", 1, 1, 10),
        rectify_min_days=low,
        rectify_max_days=high,
        rectify_default_days=t.integer("rectify_default_days", max(low, min(10, high)), low, high),
        unrated_after_days=t.integer("unrated_after_days", 7, 1, 90),
        default_level=default_level,
        good_levels=_levels(t, "good_levels", (5, 4, 3), (5, 4, 3, 2, 1)),
    )


def _announcer(t: _Table) -> AnnouncerRules:
    one = t.get("one", "幺")
    if one not in ("幺", "一"):
        raise t.fail("one", "one", one)
    return AnnouncerRules(
        present=t.boolean("present", True),
        one=one,
        no_show_wait_seconds=t.integer("no_show_wait_seconds", 20, 0, 600),
        silent_after_seconds=t.integer("silent_after_seconds", 90, 30, 3600),
    )


def load_hall_config(path: Path) -> HallConfig:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(message("config.unreadable", source=str(path), error=exc.strerror or str(exc))) from None
    except UnicodeDecodeError:
        raise ConfigError(message("config.not_utf8", source=str(path))) from None
    return parse_hall_config(text, str(path))


def pilot_hall_text() -> str:
    return (resources.files("hall_server") / "defaults" / "pilot_hall.toml").read_text("utf-8")


def pilot_hall_config() -> HallConfig:
    return parse_hall_config(pilot_hall_text(), "pilot_hall.toml (built in)")
