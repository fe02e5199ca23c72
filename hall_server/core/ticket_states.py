"""The life of a ticket: which action is allowed in which state."""

from __future__ import annotations

from hall_common.i18n import Label

from .errors import Conflict

WAITING, CALLED, SERVING, HELD, FINISHED, NO_SHOW, CANCELLED = (
    "waiting",
    "called",
    "serving",
    "held",
    "finished",
    "no_show",
    "cancelled",
)
ACTIVE = (CALLED, SERVING)  # a window has at most one active ticket (a database constraint too)
ENDED = (FINISHED, NO_SHOW, CANCELLED)

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # action: (states it may start from, state it leads to)
    "call": ((WAITING,), CALLED),
    "recall": ((CALLED,), CALLED),
    "start": ((CALLED,), SERVING),
    "no_show": ((CALLED,), NO_SHOW),
    "hold": ((SERVING,), HELD),
    "resume": ((HELD,), SERVING),
    # 即办 services are often finished without pressing 开始办理 first.
    "finish": ((CALLED, SERVING), FINISHED),
    "transfer": ((CALLED, SERVING, HELD), WAITING),
    "cancel": ((WAITING, CALLED, HELD), CANCELLED),
}


def next_state(action: str, state: str) -> str:
    allowed, target = TRANSITIONS[action]
    if state not in allowed:
        raise Conflict(
            "invalid_ticket_state",
            action=Label(f"server.ticket_action_{action}", "server.ticket_action_other"),
            state=Label(f"server.ticket_state_{state}", "server.ticket_state_other"),
        )
    return target


def desk_actions(window_status: str, current_state: str | None, no_show_allowed: bool, held: int) -> list[str]:
    """The buttons a window terminal may offer now (the API's action names), from the state machine:
    the terminal shows what the server would accept instead of restating these rules."""
    actions: list[str] = []
    if current_state is None:
        if window_status == "open":
            actions += ["call-next", "pause"]
        if held:
            actions.append("resume")
    else:
        if current_state == CALLED:
            actions += ["recall", "start"]
            if no_show_allowed:  # heard often and long enough (core/no_show_rule.py)
                actions.append("no-show")
        if current_state in TRANSITIONS["hold"][0]:
            actions.append("hold")
        if current_state in TRANSITIONS["transfer"][0]:
            actions.append("transfer")
        if current_state in TRANSITIONS["finish"][0]:
            actions.append("finish")
    if window_status == "paused":
        actions.append("resume-window")
    return actions
