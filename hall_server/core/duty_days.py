"""节假日受理 duty days: a rest day (a statutory holiday, a weekend) on which the hall serves its
own hours at its own windows, entered by the supervisor in the calendar.

Plain Python. A duty day replaces the day's service periods entirely (the hall file's regular
hours and extra slots do not apply that day): what the supervisor entered is what the hall
does. Input is checked here once, for the API and for rows read back from the database, and
each mistake names its field (``hours[1]``, ``windows``) in the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time

from .errors import InvalidInput

# More ranges than this on one duty day is a typing mistake, not a plan (a morning and an
# afternoon, perhaps split around lunch, is what halls do).
MAX_RANGES = 4
NOTE_MAX = 100
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class DutyDay:
    hours: tuple[tuple[time, time], ...]  # ordered, non-overlapping, start < end, inside the day
    windows: tuple[int, ...]  # ordered window numbers on duty
    appointment_only: bool
    note: str = ""

    def hours_text(self) -> list[str]:
        return [f"{a:%H:%M}-{b:%H:%M}" for a, b in self.hours]

    def storage(self) -> tuple[str, str]:
        """(hours, windows) as the override table stores them: "09:00-11:30,14:00-16:00", "1,2"."""
        return ",".join(self.hours_text()), ",".join(str(w) for w in self.windows)


def _clock(hours: str, minutes: str) -> time | None:
    h, m = int(hours), int(minutes)
    return time(h, m) if 0 <= h <= 23 and 0 <= m <= 59 else None


def parse_duty_day(
    hours: Sequence[object] | None,
    windows: Sequence[object] | None,
    appointment_only: bool,
    note: str,
    hall_windows: Iterable[int],
) -> DutyDay:
    """A checked duty day, or InvalidInput naming the field and what is wrong with it."""
    if not hours:
        raise InvalidInput("duty_hours_required", field="hours")
    if len(hours) > MAX_RANGES:
        raise InvalidInput("duty_hours_too_many", field="hours", max=MAX_RANGES, count=len(hours))
    ranges: list[tuple[time, time, str]] = []
    for i, value in enumerate(hours):
        text = value if isinstance(value, str) else str(value)
        match = _RANGE.match(text)
        start = _clock(match[1], match[2]) if match else None
        end = _clock(match[3], match[4]) if match else None
        if start is None or end is None:
            raise InvalidInput("duty_hours_format", field=f"hours[{i}]", value=text[:40])
        if end <= start:
            raise InvalidInput("duty_hours_order", field=f"hours[{i}]", value=text.strip())
        ranges.append((start, end, text.strip()))
    ranges.sort()
    for before, after in zip(ranges, ranges[1:], strict=False):
        if after[0] < before[1]:
            raise InvalidInput("duty_hours_overlap", field="hours", first=before[2], second=after[2])
    known = sorted(set(hall_windows))
    if not windows:
        raise InvalidInput("duty_windows_required", field="windows")
    chosen: list[int] = []
    for value in windows:
        if isinstance(value, bool) or not isinstance(value, int) or value not in known:
            raise InvalidInput(
                "duty_window_unknown", field="windows", window=value, windows="、".join(str(w) for w in known)
            )
        if value not in chosen:
            chosen.append(value)
    return DutyDay(
        tuple((a, b) for a, b, _ in ranges), tuple(sorted(chosen)), bool(appointment_only), note.strip()[:NOTE_MAX]
    )


def duty_day_from_storage(
    hours: str | None, windows: str | None, appointment_only: bool | None, note: str | None
) -> DutyDay:
    """A duty day from an override row (written by :func:`parse_duty_day`, so already checked;
    the windows are not re-checked against the hall: a window removed from the hall file later
    simply stays listed until the supervisor edits the day)."""
    ranges = []
    for part in (hours or "").split(","):
        match = _RANGE.match(part)
        if match:
            start, end = _clock(match[1], match[2]), _clock(match[3], match[4])
            if start is not None and end is not None and start < end:
                ranges.append((start, end))
    numbers = tuple(sorted(int(w) for w in (windows or "").split(",") if w.strip().isdigit()))
    return DutyDay(tuple(sorted(ranges)), numbers, bool(appointment_only), note or "")
