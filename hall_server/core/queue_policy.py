"""Which waiting ticket a window calls next, on the one shared line.

Order: tickets transferred to this very window; appointments whose slot has
begun; priority groups and the return lane (补交材料 / 领取结果), by arrival; everyone
else by arrival. After ``max_streak`` calls in a row that passed over waiting ordinary
tickets, the oldest ordinary ticket goes next, so a stream of priority tickets can never
starve the line.

A return-lane ticket belongs to its case's owning window while that window is staffed
(首问负责): other windows pass it over; once the owner is not staffed, any window calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

TRANSFERRED, APPOINTMENT_DUE, PRIORITY, ORDINARY = 0, 1, 2, 3
PRIORITY_CHANNELS = ("priority", "return")


@dataclass(frozen=True)
class Candidate:
    id: int
    channel: str  # walk_in / priority / appointment / return
    queued_at: datetime
    due_at: datetime | None = None
    target_window: int | None = None
    owner_window: int | None = None  # return lane: the case's owning window


def rank(c: Candidate, now: datetime, window: int | None = None) -> tuple[int, datetime | None, int]:
    """Sort key of a waiting ticket; ``window`` is the caller (None for the general line)."""
    if c.target_window is not None and c.target_window == window:
        cls = TRANSFERRED
    elif c.channel == "appointment" and c.due_at is not None and c.due_at <= now:
        cls = APPOINTMENT_DUE
    elif c.channel in PRIORITY_CHANNELS:
        cls = PRIORITY
    else:
        # An appointment checked in before its slot waits like anyone else until the slot begins.
        cls = ORDINARY
    return (cls, c.due_at if cls == APPOINTMENT_DUE else c.queued_at, c.id)


def callable_here(c: Candidate, window: int, staffed: frozenset[int]) -> bool:
    """May ``window`` call this ticket? ``staffed``: the windows staffed and serving now."""
    if c.target_window is not None:
        return c.target_window == window  # a transfer names the window, whoever owns the case
    if c.channel == "return" and c.owner_window not in (None, window) and c.owner_window in staffed:
        return False  # 首问负责: the owning window is there to take it
    return True


def choose_next(
    candidates: list[Candidate],
    window: int,
    now: datetime,
    streak: int,
    max_streak: int,
    staffed: frozenset[int] = frozenset(),
) -> tuple[Candidate | None, int]:
    """Return the ticket to call and the new priority streak."""
    eligible = [c for c in candidates if callable_here(c, window, staffed)]
    if not eligible:
        return None, streak
    ranked = sorted(eligible, key=lambda c: rank(c, now, window))
    first = ranked[0]
    first_class = rank(first, now, window)[0]
    ordinary = [c for c in ranked if rank(c, now, window)[0] == ORDINARY]
    if first_class == ORDINARY or not ordinary:
        return first, 0
    if first_class == TRANSFERRED:
        return first, streak  # finishing a handed-over service is not jumping the line
    if streak >= max_streak:
        return ordinary[0], 0
    return first, streak + 1
