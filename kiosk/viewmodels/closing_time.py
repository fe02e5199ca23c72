"""The screens that say no to a number: the hall closed (with its next opening and how to book),
closing soon (the consent to a number that may not be served today, or booking another day), and
any other refusal or lost answer, in the words the resident is shown."""

from __future__ import annotations

from hall_common.i18n import message

from .context import Context, Screen
from .hall_state import HallState


class ClosingTime:
    def __init__(self, ctx: Context, hall: HallState, appointment_hint: str = "") -> None:
        self.ctx, self.hall = ctx, hall
        self.appointment_hint = appointment_hint
        self.title = ""  # of the notice screen (closed, refused, uncertain)
        self.text = ""
        self.offer_booking = False  # a refusal (closing) that booking another day answers
        # The consent prompt says why (closing time), with how many are ahead.
        self.ahead: int | None = None
        self.closes: str | None = None
        self.next_open_at: str | None = None

    def notice(self, title: str, text: str, screen: Screen = Screen.REFUSED) -> None:
        self.title, self.text, self.offer_booking = title, text, False
        self.ctx.go(screen)

    def refuse_unless_open(self) -> bool:
        """The closed screen, and True, when the hall gives no numbers now."""
        state = self.hall.state
        if state == "open":
            return False
        self.show_closed(state, None, self.hall.next_open_at)
        return True

    def show_closed(self, state: str, text: str | None, next_open_at: str | None) -> None:
        locale = self.ctx.locale
        self.next_open_at = next_open_at
        title = message("kiosk.appointment_only_title" if state == "appointment_only" else "kiosk.closed_title", locale)
        lines = [text] if text else []
        lines.append(
            message("kiosk.closed_next_open", locale, when=self.hall.when(next_open_at))
            if next_open_at
            else message("kiosk.closed_no_next", locale)
        )
        if self.appointment_hint:
            lines.append(message("kiosk.closed_appointment", locale, hint=self.appointment_hint))
        self.notice(title, "\n".join(lines), Screen.CLOSED)

    def closing_soon(self, details: dict) -> bool:
        """The server refused a number for closing time: True when the resident may still take one
        at the risk of not being served today (the consent screen); else the refusal is shown."""
        locale = self.ctx.locale
        self.ahead = details.get("waiting_ahead")
        self.closes = details.get("closes_at")
        self.next_open_at = details.get("next_open_at")
        if details.get("consent_possible"):
            return True
        nxt = (
            message("kiosk.consent_next_open", locale, when=self.hall.when(self.next_open_at))
            if self.next_open_at
            else ""
        )
        self.notice(message("kiosk.refused_title", locale), message("kiosk.closing_refused", locale, next=nxt))
        self.offer_booking = True
        return False
