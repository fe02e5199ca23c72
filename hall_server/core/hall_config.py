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
from typing import Any
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
    """好差评 at the window: how long the pad asks after a finish, the 差评 reasons offered, and
    how long a later-rating link stays valid (*local* choices; [evaluation] in the hall file)."""

    rate_within_seconds: int = 120
    bad_reasons: tuple[str, ...] = DEFAULT_BAD_REASONS
    link_valid_days: int = 7


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
class SecurityRules:
    # A person token from a log-in ends this long after the hall's last period of the day closes
    # (so overtime is covered) and after this long unused (a terminal left logged in).
    person_token_after_closing_minutes: int = 60
    person_token_idle_minutes: int = 30


PHONE = re.compile(r"^[0-9][0-9 -]{4,19}$")


def _phone(read: Any, hall: dict[str, Any]) -> str:
    """[hall] phone: the 咨询电话 residents may call, digits with - or spaces (optional)."""
    value = hall.get("phone", "")
    if not isinstance(value, str) or (value.strip() and not PHONE.match(value.strip())):
        raise read.fail("hall.phone", "phone", value)
    return value.strip()


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
    # 咨询电话 printed on the residents' notices (empty: not printed).
    phone: str = ""

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

    def string(self, data: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            if value is None:
                raise ConfigError(message("config.missing_key", source=self.source, key=path))
            raise self.fail(path, "string", value)
        return value.strip()

    def integer(
        self, data: dict[str, Any], key: str, path: str, default: int, minimum: int = 0, maximum: int = 10_000
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise self.fail(path, "integer", value, minimum=minimum, maximum=maximum)
        return value

    def boolean(self, data: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(path, "boolean", value)
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


def parse_hall_config(text: str, source: str = "hall.toml") -> HallConfig:
    read = _Reader(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(message("config.bad_toml", source=source, error=str(exc))) from None

    hall = read.table(data, "hall", "[hall]")
    code = read.string(hall, "code", "hall.code")
    if not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        raise read.fail("hall.code", "hall_code", code)
    tz_name = read.string(hall, "timezone", "hall.timezone", "Asia/Shanghai")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise read.fail("hall.timezone", "timezone", tz_name) from None
    name = read.string(hall, "name", "hall.name")

    raw_windows = data.get("windows")
    if not isinstance(raw_windows, list) or not raw_windows:
        raise read.fail("[[windows]]", "windows", raw_windows)
    windows = []
    for i, w in enumerate(raw_windows):
        number = read.integer(w, "number", f"windows[{i}].number", -1, 1, 999)
        windows.append(WindowConfig(number, read.string(w, "name", f"windows[{i}].name", f"{number}号窗口")))
    numbers = [w.number for w in windows]
    if len(set(numbers)) != len(numbers):
        raise read.fail("windows[].number", "unique_windows", numbers)

    hours = read.table(data, "hours", "[hours]")
    working_day_hours = read.ranges(hours.get("working_day", ["09:00-12:00", "13:30-17:30"]), "hours.working_day")
    weekday_hours: dict[int, tuple[TimeRange, ...]] = {}
    for key, value in read.table(hours, "by_weekday", "hours.by_weekday").items():
        if key not in WEEKDAYS:
            raise read.fail(f"hours.by_weekday.{key}", "weekday", key)
        weekday_hours[WEEKDAYS.index(key)] = read.ranges(value, f"hours.by_weekday.{key}")

    slots = []
    for i, s in enumerate(data.get("slots", [])):
        path = f"slots[{i}]"
        kind = read.string(s, "kind", f"{path}.kind", "extended")
        if kind not in SLOT_KINDS:
            raise read.fail(f"{path}.kind", "slot_kind", kind)
        days = read.string(s, "days", f"{path}.days", "working_days")
        if days not in DAY_SELECTORS:
            raise read.fail(f"{path}.days", "day_selector", days)
        weekdays = []
        for wd in s.get("weekdays", []):
            if wd not in WEEKDAYS:
                raise read.fail(f"{path}.weekdays", "weekday", wd)
            weekdays.append(WEEKDAYS.index(wd))
        dates = []
        for d in s.get("dates", []):
            if not isinstance(d, date):
                try:
                    d = date.fromisoformat(str(d))
                except ValueError:
                    raise read.fail(f"{path}.dates", "date", d) from None
            dates.append(d)
        if days == "dates" and not dates:
            raise read.fail(f"{path}.dates", "date", dates)
        slot_windows = s.get("windows", numbers)
        if not isinstance(slot_windows, list) or not slot_windows or any(w not in numbers for w in slot_windows):
            raise read.fail(f"{path}.windows", "slot_windows", slot_windows)
        rng = read.time_range(f"{s.get('start')}-{s.get('end')}", f"{path}.start/end")
        slots.append(
            ExtraSlot(
                name=read.string(s, "name", f"{path}.name", kind),
                kind=kind,
                days=days,
                start=rng.start,
                end=rng.end,
                windows=tuple(slot_windows),
                appointment_only=read.boolean(s, "appointment_only", f"{path}.appointment_only", False),
                weekdays=tuple(weekdays),
                dates=tuple(dates),
            )
        )

    t = read.table(data, "tickets", "[tickets]")
    prefixes = {}
    for key, default in (("appointment_prefix", "Y"), ("priority_prefix", "V"), ("default_prefix", "A")):
        value = read.string(t, key, f"tickets.{key}", default)
        if not (len(value) == 1 and value.isascii() and value.isalpha() and value.isupper()):
            raise read.fail(f"tickets.{key}", "prefix", value)
        prefixes[key] = value
    tickets = TicketRules(digits=read.integer(t, "digits", "tickets.digits", 3, 3, 4), **prefixes)

    groups = []
    for i, g in enumerate(data.get("priority_groups", [])):
        groups.append(
            PriorityGroup(
                read.string(g, "code", f"priority_groups[{i}].code"),
                read.string(g, "name", f"priority_groups[{i}].name"),
            )
        )

    q = read.table(data, "queue", "[queue]")
    after_cutoff = read.string(q, "after_cutoff", "queue.after_cutoff", "consent")
    if after_cutoff not in ("consent", "refuse"):
        raise read.fail("queue.after_cutoff", "after_cutoff", after_cutoff)
    queue = QueueRules(
        max_priority_streak=read.integer(q, "max_priority_streak", "queue.max_priority_streak", 3, 1, 100),
        appointment_early_minutes=read.integer(
            q, "appointment_early_minutes", "queue.appointment_early_minutes", 30, 0, 600
        ),
        appointment_late_minutes=read.integer(
            q, "appointment_late_minutes", "queue.appointment_late_minutes", 15, 0, 600
        ),
        no_show_after_calls=read.integer(q, "no_show_after_calls", "queue.no_show_after_calls", 2, 1, 10),
        closing_cutoff_minutes=read.integer(q, "closing_cutoff_minutes", "queue.closing_cutoff_minutes", 10, 0, 240),
        after_cutoff=after_cutoff,
        carry_over_breaks=read.boolean(q, "carry_over_breaks", "queue.carry_over_breaks", True),
        default_handling_minutes=read.integer(
            q, "default_handling_minutes", "queue.default_handling_minutes", 10, 1, 480
        ),
    )
    slip = read.table(data, "slip", "[slip]")
    notices = slip.get("notices", [])
    if not isinstance(notices, list) or not all(isinstance(n, str) for n in notices):
        raise read.fail("slip.notices", "string_list", notices)
    ev = read.table(data, "evaluation", "[evaluation]")
    reasons = ev.get("bad_reasons", list(DEFAULT_BAD_REASONS))
    if (
        not isinstance(reasons, list)
        or not 1 <= len(reasons) <= 20
        or not all(isinstance(r, str) and 0 < len(r.strip()) <= 40 for r in reasons)
    ):
        raise read.fail("evaluation.bad_reasons", "reason_list", reasons)
    evaluation = EvaluationRules(
        rate_within_seconds=read.integer(ev, "rate_within_seconds", "evaluation.rate_within_seconds", 120, 10, 3600),
        bad_reasons=tuple(r.strip() for r in reasons),
        link_valid_days=read.integer(ev, "link_valid_days", "evaluation.link_valid_days", 7, 1, 90),
    )

    sec = read.table(data, "security", "[security]")
    security = SecurityRules(
        person_token_after_closing_minutes=read.integer(
            sec,
            "person_token_after_closing_minutes",
            "security.person_token_after_closing_minutes",
            60,
            0,
            720,
        ),
        person_token_idle_minutes=read.integer(
            sec, "person_token_idle_minutes", "security.person_token_idle_minutes", 30, 1, 720
        ),
    )
    pause = read.table(data, "pause", "[pause]")
    reasons = pause.get("reasons", [])
    if (
        not isinstance(reasons, list)
        or len(reasons) > 50
        or not all(isinstance(r, str) and 0 < len(r.strip()) <= MAX_PAUSE_REASON for r in reasons)
    ):
        raise read.fail("pause.reasons", "pause_reasons", reasons)

    return HallConfig(
        code=code,
        name=name,
        short_name=read.string(hall, "short_name", "hall.short_name", name),
        phone=_phone(read, hall),
        timezone=tz,
        windows=tuple(windows),
        working_day_hours=working_day_hours,
        weekday_hours=weekday_hours,
        slots=tuple(slots),
        tickets=tickets,
        priority_groups=tuple(groups),
        queue=queue,
        slip_notices=tuple(notices),
        evaluation=evaluation,
        source_text=text,
        security=security,
        pause_reasons=tuple(r.strip() for r in reasons),
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
