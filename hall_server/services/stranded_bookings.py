"""Bookings the hall's current schedule has no seat for, whatever changed it: the hall file (hours,
windows, slot length, seats) edited between two server starts, or anything else a calendar change's
own check (calendar_bookings.py) did not see. Found at start and once a day (logged loudly), shown
to supervisors as a warning on GET /hall, listed on the calendar page, and — on the supervisor's
word, for exactly the codes they saw — cancelled by the hall with the calendar path's own SMS.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from hall_common.i18n import message

from ..core.errors import Conflict, InvalidInput
from .access import Principal
from .base import Services
from .calendar_bookings import CalendarBookings, Stranded
from .calendar_watch import OncePerHallDay
from .context import HallContext

log = logging.getLogger("hall_server.appointments")


class StrandedBookings:
    def __init__(self, services: Services, bookings: CalendarBookings) -> None:
        self.s = services
        self.bookings = bookings
        self._daily = OncePerHallDay(services)

    def _ahead(self, conn: Any, ctx: HallContext, now: datetime) -> list[Stranded]:
        """Every booking still to come that ``ctx``'s schedule (hall file and calendar) has no seat for."""
        return self.bookings.find_between(conn, ctx, ctx.schedule, now, ctx.schedule.local_date(now), None)

    def check(self) -> int:
        """Log each hall's stranded bookings once per local day (the first call: at start);
        returns how many were logged."""
        now = self.s.clock.now()
        count = 0
        for ctx in self._daily.due(now):
            with self.s.db.read() as conn:
                found = self._ahead(conn, ctx, now)
            if found:
                days = _days(ctx, found)
                # No names or codes in the log: the list is on the supervisor's calendar page.
                log.warning(
                    "%s (%s): %d booking(s) have no seat under the current hall file and calendar, on %s; "
                    "a supervisor cancels and notifies them on /supervisor/calendar",
                    ctx.config.short_name,
                    ctx.code,
                    len(found),
                    ", ".join(days),
                )
                count += len(found)
        return count

    def warning(self, conn: Any, ctx: HallContext, now: datetime, locale: str) -> dict[str, Any] | None:
        """The supervisor's banner (as the calendar's warnings are), or None when every booking has a seat."""
        found = self._ahead(conn, ctx, now)
        if not found:
            return None
        days = _days(ctx, found)
        sep = "、" if locale.startswith("zh") else ", "
        text = message("calendar.stranded_bookings", locale, n=len(found), days=sep.join(d[5:] for d in days))
        return {"key": "calendar.stranded_bookings", "severity": "error", "message": text, "year": None, "days": days}

    def listing(self, principal: Principal) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        with self.s.db.read() as conn:
            found = self._ahead(conn, ctx, self.s.clock.now())
        return {"stranded": self.bookings.staff_list(ctx, found)}

    def cancel_and_notify(self, principal: Principal, codes: list[str], book_url: str) -> dict[str, Any]:
        """Cancel for the hall exactly the bookings the supervisor saw (``codes``), each with the
        calendar path's SMS. A code no longer stranded (moved, checked in, cancelled, or the hall
        file changed back) refuses the whole request: the supervisor looks at the list again."""
        seen: list[str] = list(dict.fromkeys(codes))
        if not seen:
            raise InvalidInput("stranded_codes_empty")
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            # Held against calendar changes until the commit, as a booking holds it.
            ctx = self.bookings.appointments.locked_context(conn, self.s.halls.get(principal.hall_id))
            found = {s.row.code: s for s in self._ahead(conn, ctx, now)}
            gone = [c for c in seen if c not in found]
            if gone:
                raise Conflict("stranded_list_stale", codes="、".join(gone[:5]), n=len(gone)).with_details(
                    not_stranded=gone
                )
            chosen = [found[c] for c in seen]
            notes = self.bookings.cancel(conn, ctx, chosen, now, book_url, principal.label)
        self.bookings.appointments.messages.send(notes)
        return {"cancelled_bookings": len(chosen)}


def _days(ctx: HallContext, found: list[Stranded]) -> list[str]:
    tz = ctx.config.timezone
    return sorted({s.row.slot_start.astimezone(tz).date().isoformat() for s in found})
