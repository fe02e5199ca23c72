"""Which bookings a new calendar leaves without a seat (core/appointment_slots.stranded): the rule
the supervisor's confirm step and the hall's cancellations follow."""

from __future__ import annotations

from datetime import datetime, timedelta

from hall_server.core.appointment_slots import Booked, Slot, stranded
from hall_server.core.clock import CHINA

NINE = datetime(2026, 12, 6, 9, 0, tzinfo=CHINA)
HALF = timedelta(minutes=30)


def slot(start: datetime, seats: int) -> Slot:
    return Slot(start, start + HALF, frozenset({1}), seats, True)


def made(hours_before: int) -> datetime:
    return NINE - timedelta(days=3, hours=hours_before)


def test_when_a_slot_shrinks_the_earliest_booked_keep_their_seats_whatever_their_ids():
    # Ids say nothing about who asked first (a reschedule moves an old booking into the slot).
    booked = [Booked(1, NINE, made(1)), Booked(2, NINE, made(5)), Booked(3, NINE, made(3))]
    assert stranded(booked, [slot(NINE, 2)]) == {1: "over_capacity"}


def test_a_booking_whose_start_is_no_longer_a_slot_is_outside_the_hours_and_a_day_without_slots_is_closed():
    booked = [Booked(1, NINE, made(1)), Booked(2, NINE + HALF, made(2))]
    assert stranded(booked, [slot(NINE, 2)]) == {2: "outside_hours"}
    assert stranded(booked, []) == {1: "day_closed", 2: "day_closed"}
    assert stranded(booked, [slot(NINE, 2), slot(NINE + HALF, 1)]) == {}
