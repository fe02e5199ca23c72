"""The kiosk's calls to the hall server, over the devices' one client (``hall_common.hall_http``).

Every failure is a ``HallError`` (here ``ApiError``) whose ``kind`` says what the kiosk should
tell the resident. For POST /tickets the difference between "the request surely never left"
(unreachable) and "it may have been committed" (uncertain: a timeout while waiting for the
answer) matters: only the first may be retried by the resident.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hall_common.hall_errors import (
    HallConflict,
    HallError,
    HallForbidden,
    HallInvalid,
    HallNotFound,
    HallServerError,
    HallThrottled,
    HallUnauthorized,
    HallUncertain,
    HallUnreachable,
)
from hall_common.hall_http import HallHttp

__all__ = [
    "CONFLICT",
    "FORBIDDEN",
    "INVALID",
    "NOT_FOUND",
    "SERVER",
    "THROTTLED",
    "UNAUTHORIZED",
    "UNCERTAIN",
    "UNREACHABLE",
    "ApiError",
    "HallClient",
    "HallUnauthorized",
]
# The kiosk model's names for the errors and their kinds.
ApiError = HallError
UNAUTHORIZED = HallUnauthorized.kind
FORBIDDEN = HallForbidden.kind
UNREACHABLE = HallUnreachable.kind
UNCERTAIN = HallUncertain.kind
CONFLICT = HallConflict.kind
NOT_FOUND = HallNotFound.kind
INVALID = HallInvalid.kind
SERVER = HallServerError.kind
THROTTLED = HallThrottled.kind


class HallClient(HallHttp):
    # A resident stands at the screen: an answer that is not back in seconds is not coming.
    CONNECT_TIMEOUT, READ_TIMEOUT = 2.0, 5.0

    def hall(self) -> dict:
        return self.get("/hall")

    def matters(self) -> list[dict]:
        return self.get("/matters")["matters"]

    def issue(
        self,
        *,
        matter_id: int | None = None,
        priority_group: str | None = None,
        appointment_code: str | None = None,
        id_number: str | None = None,
        accept_late_risk: bool = False,
        request_id: str | None = None,
        case_no: str | None = None,
        phone_tail: str | None = None,
    ) -> dict:
        """A ticket; with ``case_no`` and ``phone_tail`` one in the return lane (补交材料 / 领取结果)."""
        body = {
            "matter_id": matter_id,
            "priority_group": priority_group,
            "appointment_code": appointment_code,
            "id_number": id_number,
            "accept_late_risk": accept_late_risk,
            "request_id": request_id,
            "case_no": case_no,
            "phone_tail": phone_tail,
        }
        return self.post("/tickets", {k: v for k, v in body.items() if v is not None})

    def slots(self, day: str | None, matter_id: int | None) -> dict:
        """A day's bookable slots with seats and seats taken (GET /appointments/slots)."""
        params: dict[str, Any] = {"date": day} if day else {}
        if matter_id is not None:
            params["matter_id"] = matter_id
        return self.get("/appointments/slots", params=params)

    def book(self, *, matter_id: int | None, resident_name: str, slot_start: str, phone: str) -> dict:
        """Book a slot for the resident at the kiosk (channel "kiosk"); returns the appointment and its code."""
        body = {
            "matter_id": matter_id,
            "resident_name": resident_name,
            "slot_start": slot_start,
            "phone": phone,
            "channel": "kiosk",
        }
        return self.post("/appointments", body)

    def case_progress(self, case_no: str, code: str) -> dict:
        """The resident-safe view of a case (public endpoint: masked name, no ID or phone); ``code`` is
        the notice's query code or the phone's last 4 digits."""
        return self.get(f"/cases/progress/{quote(case_no, safe='')}", params={"code": code})
