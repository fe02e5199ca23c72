"""The on-screen keypad for a case number (办件号) as printed on the 受理通知书: ``2026-00001``.

Residents type the digits; the dash after the four-digit year is put in for them (a dash key is
there too, for those who copy the number character by character).  A shortened sequence such as
``2026-1`` is padded to the printed form, because the server matches the number exactly.

The lookup also needs the query code printed beside the number (6 digits), or the last 4 digits
of the phone given at the window: case numbers are sequential, the code keeps strangers out.
Once the number is whole, further digits go to the code; the resident may also touch either box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

YEAR_DIGITS, SEQ_DIGITS = 4, 5
CODE_DIGITS, PHONE_TAIL_DIGITS = 6, 4
CASE, CODE = "case", "code"
DASH = "-"
_WELL_FORMED = re.compile(r"^(\d{4})-(\d{1,5})$")


@dataclass
class CaseNumberPad:
    value: str = ""
    code: str = ""
    field: str = CASE  # which box the digits go to
    code_digits: int = CODE_DIGITS  # the return lane asks for the phone's last 4 digits only

    def select(self, field: str) -> None:
        if field in (CASE, CODE):
            self.field = field

    def press(self, key: str) -> None:
        if key == "clear":
            self.value, self.code, self.field = "", "", CASE
        elif self.field == CODE:
            self._press_code(key)
        else:
            self._press_case(key)
            if len(self.value.partition(DASH)[2]) == SEQ_DIGITS:
                self.field = CODE

    def _press_code(self, key: str) -> None:
        if key == "del":
            if self.code:
                self.code = self.code[:-1]
            else:  # deleting past the code's start goes on into the number
                self.field = CASE
                self.value = self.value[:-1]
        elif key.isdigit() and len(key) == 1 and len(self.code) < self.code_digits:
            self.code += key

    def fill(self, case_no: str, code: str = "") -> None:
        """A number read by the scanner: the digits then go to the code box."""
        self.value, self.code, self.field = case_no, code[: self.code_digits], CODE

    def _press_case(self, key: str) -> None:
        if key == "del":
            self.value = self.value[:-1]
        elif key == DASH:
            if self.value.isdigit() and len(self.value) == YEAR_DIGITS:
                self.value += DASH
        elif key.isdigit() and len(key) == 1:
            if self.value.isdigit() and len(self.value) == YEAR_DIGITS:
                self.value += DASH
            seq = self.value.partition(DASH)[2]
            if DASH not in self.value or len(seq) < SEQ_DIGITS:
                self.value += key

    def case_no(self) -> str | None:
        """The number as the server stores it, or None while it is not a whole case number."""
        m = _WELL_FORMED.match(self.value)
        if m is None or int(m.group(2)) == 0:
            return None
        return f"{m.group(1)}-{m.group(2).zfill(SEQ_DIGITS)}"

    def query_code(self) -> str | None:
        """The query code (6 digits) or the phone's last 4 digits, or None while neither is typed."""
        return self.code if len(self.code) in (CODE_DIGITS, PHONE_TAIL_DIGITS) else None
