"""过号 only after the hall has really called: the rule alone, with the clock as input."""

from datetime import datetime, timedelta

from hall_server.core.clock import CHINA
from hall_server.core.no_show_rule import no_show_gate

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)


def gate(**kw):
    base = {
        "now": T0,
        "needed": 2,
        "wait_seconds": 20,
        "announcer_present": True,
        "calls": 2,
        "last_called_at": T0,
        "heard": 2,
        "last_heard_at": T0,
    }
    return no_show_gate(**(base | kw))


def test_a_call_made_but_not_yet_said_does_not_count():
    g = gate(heard=1)
    assert (g.allowed, g.reason) == (False, "not_yet_announced")


def test_too_few_calls_made_asks_for_a_recall():
    g = gate(calls=1, heard=1)
    assert (g.allowed, g.reason) == (False, "recall_needed")


def test_after_the_last_announcement_the_resident_gets_the_configured_wait():
    g = gate(now=T0 + timedelta(seconds=19))
    assert (g.allowed, g.reason, g.at) == (False, "wait", T0 + timedelta(seconds=20))
    assert gate(now=T0 + timedelta(seconds=20)).allowed


def test_a_hall_without_an_announcer_counts_the_time_shown_on_the_boards():
    g = gate(announcer_present=False, heard=0, last_heard_at=None, now=T0 + timedelta(seconds=5))
    assert (g.allowed, g.reason, g.at) == (False, "wait", T0 + timedelta(seconds=20))
    assert gate(announcer_present=False, heard=0, last_heard_at=None, now=T0 + timedelta(seconds=20)).allowed


def test_an_announcer_silent_about_a_call_for_long_counts_it_as_shown_so_no_window_is_stalled():
    silent = gate(heard=0, last_heard_at=None, silent_seconds=90, now=T0 + timedelta(seconds=89))
    assert (silent.allowed, silent.reason, silent.at) == (False, "not_yet_announced", T0 + timedelta(seconds=90))
    assert gate(heard=0, last_heard_at=None, silent_seconds=90, now=T0 + timedelta(seconds=90)).allowed


def test_a_silent_announcer_still_needs_the_halls_number_of_calls():
    g = gate(calls=1, heard=0, last_heard_at=None, silent_seconds=90, now=T0 + timedelta(seconds=300))
    assert (g.allowed, g.reason) == (False, "recall_needed")
