"""The loud calendar warning in the server log: at start and once a day, until the year's overrides exist."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime

from .base import Services
from .context import HallContext

log = logging.getLogger("hall_server.calendar")


class OncePerHallDay:
    """The halls not yet looked at on their own local day: a loud warning is logged at start and
    then once a day, not on every tick."""

    def __init__(self, services: Services) -> None:
        self.s = services
        self._done: dict[int, date] = {}

    def due(self, now: datetime) -> Iterator[HallContext]:
        for hall_id in self.s.halls.all_ids():
            ctx = self.s.halls.get(hall_id)
            today = ctx.schedule.local_date(now)
            if self._done.get(hall_id) != today:
                self._done[hall_id] = today
                yield ctx


class CalendarWatch:
    def __init__(self, services: Services) -> None:
        self.s = services
        self._daily = OncePerHallDay(services)

    def check(self) -> int:
        """Log each hall's calendar warnings once per local day; returns how many were logged."""
        now = self.s.clock.now()
        count = 0
        for ctx in self._daily.due(now):
            for w in ctx.calendar.warnings(ctx.schedule.local_date(now)):
                log.warning("%s (%s): %s", ctx.config.short_name, ctx.code, w.message)
                count += 1
        return count
