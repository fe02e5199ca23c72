"""A ticket's wait estimate, read off the day's projection (:mod:`projection`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .projection import DayProjection


@dataclass(frozen=True)
class WaitEstimate:
    waiting_ahead: int
    minutes: int | None  # None: no window can start the ticket today
    windows: int  # windows expected to serve the line
    basis: str  # staffed: clerks signed in now; scheduled: none signed in yet; closed: no window at all
    expected_start: datetime | None = None
    after_break: bool = False  # the ticket waits across lunch: the slip names the time, not minutes
    # Set for a ticket being issued: it starts before the cut-off even if the work ahead runs
    # long (core/margin.py); False asks the resident's consent. None: not judged.
    reachable_without_consent: bool | None = None

    @property
    def reachable(self) -> bool:
        return self.expected_start is not None


def estimate_from(projection: DayProjection, ticket_id: int, waiting_ahead: int) -> WaitEstimate:
    projected = projection.starts.get(ticket_id)
    start = projected.start if projected else None
    windows = len(projection.served) if projection.basis != "closed" else 0
    return WaitEstimate(
        waiting_ahead,
        projection.minutes_until(ticket_id),
        windows,
        projection.basis,
        start,
        bool(projected and projected.after_break),
    )
