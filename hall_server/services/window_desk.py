"""What a window does, as one object for the routes: its tickets (window_tickets.py), the window
itself and its posts (window_posts.py), and what the terminal and the supervisor read of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core.errors import NotFound
from ..storage.event_log import ticket_history
from ..storage.repositories.tickets import TicketRepository
from .access import Principal
from .base import Services
from .line_view import read_line
from .projection import day_view
from .ticket_view import ticket_view
from .window_posts import WindowPosts
from .window_tickets import TicketActions


def durations(steps: Any) -> dict[str, float | None]:
    """Seconds waited (issue → first call) and served (start → finish), from the log alone."""
    first: dict[str, datetime] = {}
    for e in steps:
        first.setdefault(e.type, e.occurred_at)
    issued, called = first.get("ticket.issued"), first.get("ticket.called")
    started = first.get("ticket.started") or (first.get("ticket.finished") and called)
    finished = first.get("ticket.finished")
    return {
        "waited_seconds": (called - issued).total_seconds() if issued and called else None,
        "served_seconds": (finished - started).total_seconds() if started and finished else None,
    }


class WindowDesk(TicketActions, WindowPosts):
    def __init__(self, services: Services) -> None:
        TicketActions.__init__(self, services)
        WindowPosts.__init__(self, services)

    def projection(self, principal: Principal) -> dict[str, Any]:
        """Today's projection for the supervisor page (services/projection.py)."""
        ctx = self.s.halls.get(principal.hall_id)
        with self.s.db.read() as conn:
            return day_view(conn, ctx, self.s.clock.now())

    def history(self, principal: Principal, ticket_id: int) -> dict[str, Any]:
        """The ticket's state log; durations (waiting, service) are derived from it."""
        ctx = self.s.halls.get(principal.hall_id)
        with self.s.db.read() as conn:
            row = TicketRepository(conn).in_hall(ctx.id, ticket_id)
            if row is None:
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            steps = ticket_history(conn, ticket_id)
        view = []
        state = None
        for e in steps:
            # Ticket events carry the ticket's new state; others about it (rating.recorded) keep the last one.
            state = (e.data.get("ticket") or {}).get("state", state)
            view.append(
                {
                    "event_id": e.id,
                    "type": e.type,
                    "at": e.occurred_at.astimezone(ctx.config.timezone).isoformat(),
                    "window": e.window_number,
                    "state": state,
                }
            )
        return {
            "ticket": ticket_view(row, ctx),
            "steps": view,
            "durations": durations(steps),
        }

    def line(self, principal: Principal) -> dict[str, Any]:
        """The whole waiting line in calling order (for clerks, supervisors and boards)."""
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            return read_line(conn, ctx, now, principal.window_number)
