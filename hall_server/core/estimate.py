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


SIMULATE_UP_TO = 300  # beyond this many people ahead, the average is as good and O(1)


def estimate_wait(
    ahead: list[tuple[float, int]], in_service_remaining: list[float], staffed_windows: int, scheduled_windows: int
) -> WaitEstimate:
    """Minutes until a window is free for this ticket.

    ``ahead`` is (expected minutes, how many tickets) per matter. Simulates the windows:
    each service in progress holds a window for what is left of it, then every ticket
    ahead takes the window that frees first. If nobody is signed in yet but windows are
    scheduled (e.g. 08:55), it assumes the scheduled windows open.
    """
    count = sum(n for _, n in ahead)
    if staffed_windows > 0:
        windows, basis = staffed_windows, "staffed"
    elif scheduled_windows > 0:
        windows, basis = scheduled_windows, "scheduled"
    else:
        return WaitEstimate(count, None, 0, "closed")
    free_at = [0.0] * windows
    for i, left in enumerate(sorted(in_service_remaining, reverse=True)[:windows]):
        free_at[i] = left
    if count > SIMULATE_UP_TO:
        work = sum(m * n for m, n in ahead) + sum(free_at)
        return WaitEstimate(count, math.ceil(work / windows), windows, basis)
    heapq.heapify(free_at)
    for minutes, n in ahead:
        for _ in range(n):
            heapq.heappush(free_at, heapq.heappop(free_at) + minutes)
    return WaitEstimate(count, math.ceil(free_at[0]), windows, basis)


def remaining_minutes(mean_minutes: float, elapsed_minutes: float) -> float:
    """What is probably left of a service in progress (never less than a quarter of the mean)."""
    return max(mean_minutes - elapsed_minutes, mean_minutes * 0.25)
