"""The window terminal's buttons come from the ticket state machine (core.ticket_states)."""

from hall_server.core.ticket_states import desk_actions


def test_an_idle_open_window_may_call_next_or_pause_and_nothing_on_a_ticket():
    assert sorted(desk_actions("open", None, False, 0)) == ["call-next", "pause"]


def test_a_called_ticket_may_be_marked_no_show_only_after_enough_calls():
    assert "no-show" not in desk_actions("open", "called", False, 0)
    assert "no-show" in desk_actions("open", "called", True, 0)


def test_a_ticket_in_service_may_be_held_transferred_or_finished_but_not_recalled():
    assert sorted(desk_actions("open", "serving", False, 0)) == ["finish", "hold", "transfer"]


def test_a_held_ticket_may_be_resumed_when_the_window_is_free():
    assert "resume" in desk_actions("open", None, False, 1)
    assert "resume" not in desk_actions("open", "serving", False, 1)


def test_a_paused_window_may_only_resume_service():
    assert desk_actions("paused", None, False, 0) == ["resume-window"]


def test_a_called_ticket_never_started_is_not_offered_finish():
    assert "finish" not in desk_actions("open", "called", True, 0)
    assert "start" in desk_actions("open", "called", False, 0)
