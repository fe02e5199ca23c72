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
    # Only a service that began can end: finishing a number that was called but never started
    # counted a resident who never came as served and offered a rating for a service that never
    # happened. A 即办 service is started with one key (开始办理) and finished with the next.
    "finish": ((SERVING,), FINISHED),
    "transfer": ((CALLED, SERVING, HELD), WAITING),
    "cancel": ((WAITING, CALLED, HELD), CANCELLED),
}


def next_state(action: str, state: str, number: str = "") -> str:
    allowed, target = TRANSITIONS[action]
    if action == "finish" and state == CALLED:
        # The clerk's usual slip (办结并叫下一位 on a number just called): say what to press instead.
        raise Conflict("finish_not_started", number=number)
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
