"""Wait estimate: people ahead and minutes, from learned handling times and windows on duty."""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class WaitEstimate:
    waiting_ahead: int
    minutes: int | None
    windows: int
    basis: str  # staffed: clerks signed in now; scheduled: none signed in yet; closed: no window at all


def estimate_wait(ahead_minutes: list[float], in_service_remaining: list[float], staffed_windows: int,
                  scheduled_windows: int) -> WaitEstimate:
    """Minutes until a window is free for this ticket.

    Simulates the windows: each service in progress holds a window for what is left of
    it, then every ticket ahead takes the window that frees first. If nobody is signed
    in yet but windows are scheduled (e.g. 08:55), it assumes the scheduled windows open.
    """
    if staffed_windows > 0:
        windows, basis = staffed_windows, "staffed"
    elif scheduled_windows > 0:
        windows, basis = scheduled_windows, "scheduled"
    else:
        return WaitEstimate(len(ahead_minutes), None, 0, "closed")
    free_at = [0.0] * windows
    for i, left in enumerate(sorted(in_service_remaining, reverse=True)[:windows]):
        free_at[i] = left
    heapq.heapify(free_at)
    for minutes in ahead_minutes:
        heapq.heappush(free_at, heapq.heappop(free_at) + minutes)
    return WaitEstimate(len(ahead_minutes), math.ceil(free_at[0]), windows, basis)


def remaining_minutes(mean_minutes: float, elapsed_minutes: float) -> float:
    """What is probably left of a service in progress (never less than a quarter of the mean)."""
    return max(mean_minutes - elapsed_minutes, mean_minutes * 0.25)
