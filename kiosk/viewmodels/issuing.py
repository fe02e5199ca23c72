"""Taking a number: for a matter, a priority group, a checked-in appointment or a return to the
window that took a case; what the server's refusal means for the resident; the slip printed once."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from hall_common.i18n import message

from . import hall_client as hc
from .closing_time import ClosingTime
from .context import Context, Screen
from .hall_state import HallState
from .printing import Printing

# A refusal the screen that asked shows itself (check-in, return lane): True when it did.
Refusal = Callable[[hc.ApiError], bool]


class Issuing:
    def __init__(self, ctx: Context, hall: HallState, printing: Printing, closing: ClosingTime) -> None:
        self.ctx, self.hall, self.printing, self.closing = ctx, hall, printing, closing
        self.busy = False
        self.issued_count = 0
        self.tap_at: float | None = None  # clock() of the tap that started the current issue
        self.ticket: dict | None = None
        self.pending: dict[str, Any] | None = None  # what was asked last (accepting the risk asks again)
        self._pending_refusal: Refusal | None = None

    def open_priority(self) -> None:
        if not self.closing.refuse_unless_open():
            self.ctx.go(Screen.PRIORITY)

    def take_number(self, matter_id: int | None = None) -> bool:
        return self.issue({"matter_id": matter_id})

    def take_priority(self, group: str) -> bool:
        return self.issue({"priority_group": group})

    def accept_late(self) -> bool:
        if self.pending is None:
            return False
        return self.issue({**self.pending, "accept_late_risk": True}, self._pending_refusal)

    def issue(self, body: dict[str, Any], refusal: Refusal | None = None) -> bool:
        """Start issuing; False when one is already under way (a double tap never makes two tickets)."""
        ctx = self.ctx
        if self.busy:
            return False
        self.busy = True
        self.tap_at = ctx.clock()
        self.pending, self._pending_refusal = body, refusal
        self.ticket = None
        self.printing.clear()
        ctx.go(Screen.WORKING)
        hall = self.hall.info or {}

        # One id per tap: if the answer is lost, asking again with it returns the same ticket
        # (the server keeps request ids unique), so the one retry can never make a second one.
        request_id = f"{ctx.kiosk_id}/{uuid.uuid4().hex}"

        def job() -> None:
            try:
                try:
                    ticket = ctx.client.issue(**body, request_id=request_id)
                except hc.ApiError as exc:
                    if exc.kind != hc.UNCERTAIN:
                        raise
                    ticket = ctx.client.issue(**body, request_id=request_id)
            except hc.ApiError as exc:
                ctx.post(functools.partial(self._failed, exc, body, refusal))
                return
            ctx.post(lambda: self._issued(ticket))
            if ctx.printer is None:
                return
            # The ticket is committed; print once, never retry (see hardware.printer.print_job).
            result = ctx.printer.print_ticket(ticket, hall)
            ctx.post(lambda: self.printing.printed(result, "ticket", (self.ticket or {}).get("number", "")))
            self.printing.checked(result.status)

        ctx.background(job)
        return True

    def _issued(self, ticket: dict) -> None:
        self.busy = False
        self.issued_count += 1
        self.ticket = ticket
        self.ctx.online = True
        self.printing.expect_slip()
        self.ctx.touch()  # the idle timer starts when the number is on screen
        self.ctx.go(Screen.TICKET)

    def _failed(self, exc: hc.ApiError, body: dict[str, Any], refusal: Refusal | None) -> None:
        ctx, locale = self.ctx, self.ctx.locale
        self.busy = False
        ctx.touch()
        details = exc.details
        if exc.kind in (hc.UNAUTHORIZED, hc.FORBIDDEN):
            ctx.admin(exc)
        elif exc.kind == hc.CONFLICT and exc.code in ("hall_closed", "appointment_only"):
            self.closing.show_closed(
                "closed" if exc.code == "hall_closed" else "appointment_only", exc.text, details.get("next_open_at")
            )
        elif exc.kind == hc.CONFLICT and exc.code == "closing_soon":
            if self.closing.closing_soon(details):
                self.pending, self._pending_refusal = body, refusal
                ctx.go(Screen.CONSENT)
        elif refusal is not None and refusal(exc):
            pass  # the screen that asked shows the server's words (a wrong code, an unknown case)
        elif exc.kind == hc.UNCERTAIN:
            # Never re-POST blindly: the ticket may exist already.
            self.closing.notice(
                message("kiosk.uncertain_title", locale), message("kiosk.uncertain_text", locale), Screen.UNCERTAIN
            )
        elif exc.kind == hc.UNREACHABLE:
            ctx.online = False
            self.closing.notice(message("kiosk.refused_title", locale), message("kiosk.not_sent_text", locale))
        elif exc.kind == hc.SERVER:
            self.closing.notice(
                message("kiosk.refused_title", locale), message("kiosk.server_error", locale, message=exc.text)
            )
        else:
            self.closing.notice(message("kiosk.refused_title", locale), exc.text)
