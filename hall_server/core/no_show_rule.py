"""When 过号 (no-show) is fair: only after the hall has really called the number.

A call the clerk *made* is not a call the resident *heard*: with three windows calling at once
the announcer may still be saying another number. So 过号 counts the calls the announcer
reported as spoken (``heard``), and waits ``wait_seconds`` after the last of them, the time to
walk to the window. A hall without an announcer counts the calls made instead, each standing on
the boards from the moment it was made (the same wait after the last one). So does a hall whose
announcer has said nothing of a call for ``silent_seconds``: far longer than any busy moment keeps
it behind (each of three calls in one second is heard within ~8 s), so it is off or cut off, and
one dead PC must not keep every window from moving on while the boards still show the number.

Pure: the clock (``now``) and the counts come in; the service reads them from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class NoShowGate:
    allowed: bool
    reason: str  # "ok" | "recall_needed" | "not_yet_announced" | "wait"
    heard: int  # calls heard (announced, or shown where the hall has no announcer)
    needed: int
    calls: int  # calls made (first call + recalls)
    at: datetime | None  # when 过号 becomes possible; None while another call is needed first


def no_show_gate(
    *,
    now: datetime,
    needed: int,
    wait_seconds: int,
    announcer_present: bool,
    calls: int,
    last_called_at: datetime | None,
    heard: int,
    last_heard_at: datetime | None,
    silent_seconds: int = 90,
) -> NoShowGate:
    silent_since = last_called_at + timedelta(seconds=silent_seconds) if last_called_at else None
    if not announcer_present or (heard < calls and silent_since is not None and now >= silent_since):
        heard, last_heard_at = calls, last_called_at
    if heard < needed:
        # Fewer calls made than needed: the clerk recalls. Made but not yet said: the
        # announcer is behind (a busy moment), waiting is enough.
        if calls < needed:
            return NoShowGate(False, "recall_needed", heard, needed, calls, None)
        return NoShowGate(False, "not_yet_announced", heard, needed, calls, silent_since)
    at = (last_heard_at or now) + timedelta(seconds=wait_seconds)
    if now < at:
        return NoShowGate(False, "wait", heard, needed, calls, at)
    return NoShowGate(True, "ok", heard, needed, calls, at)
