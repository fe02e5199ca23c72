"""What the kiosk's QR scanner read. The scanner is a keyboard-wedge reader: it types what the code
holds and presses Enter, so the app collects typed characters until Enter (``ScanBuffer``) and
``read_scan`` tells what they are:

- 6 digits: an appointment's check-in code (the booking slip's and the /book page's QR);
- a case number, alone (``2026-00001``) or in the notice's progress link
  (``…/cases-ui/progress?no=2026-00001&code=123456``): a resident back with a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

APPOINTMENT, CASE, UNKNOWN = "appointment", "case", "unknown"
_CODE = re.compile(r"^[0-9]{6}$")
_CASE_NO = re.compile(r"^([0-9]{4})-([0-9]{1,5})$")
MAX_SCAN = 512  # a longer run of keys is no code the kiosk knows: start again


@dataclass(frozen=True)
class Scan:
    kind: str
    code: str = ""  # the appointment code, or the notice's query code
    case_no: str = ""


def _case_no(text: str) -> str:
    m = _CASE_NO.match(text.strip())
    return f"{m.group(1)}-{m.group(2).zfill(5)}" if m and int(m.group(2)) else ""


def read_scan(text: str) -> Scan:
    text = text.strip()
    if _CODE.match(text):
        return Scan(APPOINTMENT, code=text)
    if _case_no(text):
        return Scan(CASE, case_no=_case_no(text))
    if "?" in text:
        query = parse_qs(urlsplit(text).query)
        case_no = _case_no((query.get("no") or [""])[0])
        if case_no:
            code = (query.get("code") or [""])[0]
            return Scan(CASE, code=code if code.isdigit() else "", case_no=case_no)
    return Scan(UNKNOWN)


class ScanBuffer:
    """Characters typed by the scanner until Enter."""

    def __init__(self) -> None:
        self.text = ""

    def feed(self, chars: str) -> None:
        self.text = (self.text + chars)[-MAX_SCAN:]

    def take(self) -> str:
        text, self.text = self.text, ""
        return text
