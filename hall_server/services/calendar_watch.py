"""The loud calendar warning in the server log: at start and once a day, until the year's overrides exist."""

from __future__ import annotations

import logging
from datetime import date

from .base import Services

log = logging.getLogger("hall_server.calendar")


class CalendarWatch:
    def __init__(self, services: Services) -> None:
        self.s = services
        self._logged: dict[int, date] = {}

    def check(self) -> int:
        """Log each hall's calendar warnings once per local day; returns how many were logged."""
        now = self.s.clock.now()
        count = 0
        for hall_id in self.s.halls.all_ids():
            ctx = self.s.halls.get(hall_id)
            today = ctx.schedule.local_date(now)
            if self._logged.get(hall_id) == today:
                continue
            self._logged[hall_id] = today
            for w in ctx.calendar.warnings(today):
                log.warning("%s (%s): %s", ctx.config.short_name, ctx.code, w.message)
                count += 1
        return count
