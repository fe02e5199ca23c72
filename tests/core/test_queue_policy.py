"""Who is called next on the shared line."""

from datetime import UTC, datetime, timedelta

from hall_server.core.queue_policy import Candidate, choose_next

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def walk_in(i, minute):
    return Candidate(i, "walk_in", T0 + timedelta(minutes=minute))


def priority(i, minute):
    return Candidate(i, "priority", T0 + timedelta(minutes=minute))


def test_due_appointment_goes_before_priority_and_walk_ins():
    appt = Candidate(3, "appointment", T0 + timedelta(minutes=9), due_at=T0)
    chosen, _ = choose_next([walk_in(1, 0), priority(2, 1), appt], 1, T0 + timedelta(minutes=10), 0, 3)
    assert chosen.id == 3


def test_appointment_checked_in_early_waits_like_a_walk_in_until_its_slot():
    appt = Candidate(2, "appointment", T0 + timedelta(minutes=1), due_at=T0 + timedelta(minutes=30))
    chosen, _ = choose_next([walk_in(1, 0), appt], 1, T0 + timedelta(minutes=5), 0, 3)
    assert chosen.id == 1


def test_priority_ticket_jumps_ahead_of_earlier_walk_ins():
    chosen, streak = choose_next([walk_in(1, 0), priority(2, 5)], 1, T0, 0, 3)
    assert chosen.id == 2 and streak == 1


def test_endless_priority_stream_still_lets_the_oldest_walk_in_through():
    line = [walk_in(1, 0)] + [priority(10 + i, i) for i in range(10)]
    served, streak = [], 0
    for _ in range(4):
        chosen, streak = choose_next(line, 1, T0, streak, 3)
        served.append(chosen.id)
        line.remove(chosen)
    assert served == [10, 11, 12, 1]


def test_ticket_transferred_to_this_window_comes_first_and_only_here():
    moved = Candidate(5, "walk_in", T0 + timedelta(minutes=9), target_window=2)
    assert choose_next([walk_in(1, 0), moved], 2, T0, 0, 3)[0].id == 5
    assert choose_next([walk_in(1, 0), moved], 1, T0, 0, 3)[0].id == 1
