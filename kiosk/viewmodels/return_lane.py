"""The return lane (补交材料 / 领取结果): a resident back with a case types its number (or scans the
notice) and the phone's last 4 digits, and gets a number for the window that took the case."""

from __future__ import annotations

from hall_common.i18n import message

from . import hall_client as hc
from .case_number_pad import PHONE_TAIL_DIGITS, CaseNumberPad
from .context import Context, Screen
from .issuing import Issuing


class ReturnLane:
    def __init__(self, ctx: Context, issuing: Issuing) -> None:
        self.ctx, self.issuing = ctx, issuing
        self.pad = CaseNumberPad(code_digits=PHONE_TAIL_DIGITS)
        self.note = ""  # under the keypad: what is missing, or the server's words

    def reset(self) -> None:
        self.pad, self.note = CaseNumberPad(code_digits=PHONE_TAIL_DIGITS), ""

    def open(self, case_no: str = "") -> None:
        self.reset()
        if case_no:
            self.pad.fill(case_no)
        self.ctx.go(Screen.RETURN)

    def select(self, field: str) -> None:
        self.pad.select(field)
        self.ctx.changed()

    def press(self, key: str) -> None:
        self.pad.press(key)
        self.note = ""
        self.ctx.changed()

    def submit(self) -> bool:
        pad = self.pad
        case_no = pad.case_no()
        if case_no is None:
            self.note = message("kiosk.progress_too_short", self.ctx.locale)
            self.ctx.changed()
            return False
        if len(pad.code) != PHONE_TAIL_DIGITS:
            pad.select("code")
            self.note = message("kiosk.return_tail_missing", self.ctx.locale)
            self.ctx.changed()
            return False
        pad.value = case_no
        return self.issuing.issue({"case_no": case_no, "phone_tail": pad.code}, self._refused)

    def _refused(self, exc: hc.ApiError) -> bool:
        """Wrong tail, unknown or closed case: the server's words on the keypad, the number kept."""
        if exc.kind not in (hc.NOT_FOUND, hc.INVALID, hc.CONFLICT, hc.THROTTLED):
            return False
        self.note = exc.text
        self.ctx.go(Screen.RETURN)
        return True
