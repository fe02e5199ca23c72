"""Bookable slots (预约时段) of a day and the rules a requested slot must pass.

A day's slots follow its service periods (the schedule decides, so 调休 Saturdays and the
calendar's own days count): each period is cut into slots of the hall's slot length, and a slot's
seats come from the windows on duty at its start. Appointment-only periods are bookable in full;
walk-in periods keep ``walk_in_share_percent`` of the seats for walk-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import Conflict, InvalidInput
from .hall_config import AppointmentRules
from .schedule import Schedule


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    windows: frozenset[int]
    seats: int
    appointment_only: bool


def seats_for(rules: AppointmentRules, windows: int, appointment_only: bool) -> int:
    total = windows * rules.seats_per_window
    if appointment_only:
        return total
    return total * (100 - rules.walk_in_share_percent) // 100


def day_slots(schedule: Schedule, rules: AppointmentRules, day: date) -> list[Slot]:
    length = timedelta(minutes=rules.slot_minutes)
    starts: set[datetime] = set()
    for period in schedule.periods(day):
        t = period.start
        while t + length <= period.end:
            starts.add(t)
            t += length
    slots = []
    for start in sorted(starts):
        moment = schedule.moment(start)
        appointment_only = not moment.walk_in
        seats = seats_for(rules, len(moment.windows_on_duty), appointment_only)
        if seats > 0:
            slots.append(Slot(start, start + length, moment.windows_on_duty, seats, appointment_only))
    return slots


def _local_text(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M")


def bookable_slot(schedule: Schedule, rules: AppointmentRules, start: datetime, now: datetime) -> Slot:
    """The slot starting at ``start`` if a resident may book it now; else the reason, each its own message."""
    tz = schedule.config.timezone
    local = start.astimezone(tz)
    if start < now:
        raise InvalidInput("slot_in_past")
    last_day = schedule.local_date(now) + timedelta(days=rules.horizon_days)
    if local.date() > last_day:
        raise InvalidInput("slot_beyond_horizon", days=rules.horizon_days, last_day=last_day.isoformat())
    slots = day_slots(schedule, rules, local.date())
    slot = next((s for s in slots if s.start == start), None)
    if slot is None:
        if not any(s.start <= start < s.end for s in slots):
            raise Conflict("slot_outside_hours").with_details(day=schedule.day_summary(local.date()))
        raise InvalidInput("slot_not_a_start", minutes=rules.slot_minutes).with_details(
            starts=[s.start.astimezone(tz).strftime("%H:%M") for s in slots]
        )
    closes = start - timedelta(minutes=rules.latest_minutes_before)
    if now > closes:
        raise Conflict("slot_booking_closed", minutes=rules.latest_minutes_before, closed_at=_local_text(closes))
    return slot


# Why a booking no longer fits its day after a calendar change (message keys appointments.stranded_<reason>).
DAY_CLOSED, OUTSIDE_HOURS, OVER_CAPACITY = "day_closed", "outside_hours", "over_capacity"


@dataclass(frozen=True)
class Booked:
    """A booking holding a seat: its id, its slot start and when it was made."""

    id: int
    start: datetime
    created_at: datetime


def stranded(booked: list[Booked], slots: list[Slot]) -> dict[int, str]:
    """The bookings that no longer fit a day whose slots are now ``slots``, each with its reason.

    A booking fits only a slot that starts at its own start (seats are counted per slot start,
    and the resident was told that time). Where a slot now has fewer seats than bookings, the
    earliest booked keep theirs: they asked first, as the seats were handed out in the first
    place (the seat counter refuses the latecomer), and no one is moved for a later booker.
    """
    by_start = {s.start: s for s in slots}
    result: dict[int, str] = {}
    kept: dict[datetime, int] = {}
    for b in sorted(booked, key=lambda b: (b.created_at, b.id)):
        slot = by_start.get(b.start)
        if slot is None:
            result[b.id] = OUTSIDE_HOURS if slots else DAY_CLOSED
        elif kept.get(b.start, 0) >= slot.seats:
            result[b.id] = OVER_CAPACITY
        else:
            kept[b.start] = kept.get(b.start, 0) + 1
    return result
