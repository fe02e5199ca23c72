"""The on-screen keypad for a case number (办件号) as printed on the 受理通知书: ``2026-00001``.

Residents type the digits; the dash after the four-digit year is put in for them (a dash key is
there too, for those who copy the number character by character).  A shortened sequence such as
``2026-1`` is padded to the printed form, because the server matches the number exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

YEAR_DIGITS, SEQ_DIGITS = 4, 5
DASH = "-"
_WELL_FORMED = re.compile(r"^(\d{4})-(\d{1,5})$")


@dataclass
class CaseNumberPad:
    value: str = ""

    def press(self, key: str) -> None:
        if key == "del":
            self.value = self.value[:-1]
        elif key == "clear":
            self.value = ""
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
