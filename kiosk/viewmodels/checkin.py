"""Appointment check-in (预约签到): the appointment code or the ID number on the keypad, or the
booking slip's QR under the scanner; a checked-in appointment gets its number at once."""

from __future__ import annotations

from hall_common.i18n import message

from . import hall_client as hc
from .context import Context, Screen
from .issuing import Issuing
from .keypad import CODE, Keypad


class CheckIn:
    def __init__(self, ctx: Context, issuing: Issuing) -> None:
        self.ctx, self.issuing = ctx, issuing
        self.keypad = Keypad()
        self.error = ""  # under the keypad: too short, or the server's words

    def reset(self) -> None:
        self.keypad, self.error = Keypad(), ""

    def open(self) -> None:
        self.reset()
        self.ctx.go(Screen.CHECKIN)

    def mode(self, mode: str) -> None:
        self.keypad.set_mode(mode)
        self.error = ""
        self.ctx.changed()

    def press(self, key: str) -> None:
        self.keypad.press(key)
        self.error = ""
        self.ctx.changed()

    def scanned(self, code: str) -> None:
        """The booking slip's QR: the code as if typed, then checked in."""
        self.keypad = Keypad()
        for digit in code:
            self.keypad.press(digit)
        self.error = ""
        self.submit()

    def submit(self) -> bool:
        if not self.keypad.complete:
            self.error = message(
                "kiosk.checkin_too_short_" + ("code" if self.keypad.mode == CODE else "id"), self.ctx.locale
            )
            self.ctx.changed()
            return False
        field = "appointment_code" if self.keypad.mode == CODE else "id_number"
        return self.issuing.issue({field: self.keypad.value}, self._refused)

    def _refused(self, exc: hc.ApiError) -> bool:
        """No such appointment, not today, already used: the server's words on the keypad."""
        if exc.kind not in (hc.NOT_FOUND, hc.INVALID, hc.CONFLICT):
            return False
        self.error = exc.text
        self.ctx.go(Screen.CHECKIN)
        return True
