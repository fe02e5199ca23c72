"""HTTP to the hall server with short timeouts, and the server's clock.

Every failure becomes an ``ApiError`` whose ``kind`` says what the kiosk should
tell the resident.  For POST /tickets the difference between "the request surely
never left" (connect failed) and "it may have been committed" (timeout while
waiting for the answer) matters: only the first may be retried by the resident.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

# kinds
UNAUTHORIZED, FORBIDDEN, UNREACHABLE, UNCERTAIN, CONFLICT, NOT_FOUND, INVALID, SERVER, THROTTLED = (
    "unauthorized",
    "forbidden",
    "unreachable",
    "uncertain",
    "conflict",
    "not_found",
    "invalid",
    "server",
    "throttled",
)


class ApiError(Exception):
    def __init__(
        self, kind: str, status: int | None = None, code: str = "", text: str = "", details: dict | None = None
    ) -> None:
        super().__init__(f"{kind} {status} {code}: {text}")
        self.kind, self.status, self.code, self.text = kind, status, code, text
        self.details = details or {}


class HallClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        locale: str = "zh_CN",
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        monotonic=time.monotonic,
        transport: httpx.BaseTransport | None = None,  # tests: an httpx.MockTransport
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._monotonic = monotonic
        self._server_anchor: tuple[datetime, float] | None = None
        self._http = httpx.Client(
            base_url=self.base_url + "/api/v1",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en" if locale == "en" else "zh-CN"},
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            transport=transport,
        )

    # --- the server's clock ---------------------------------------------------------------
    def _note_time(self, response: httpx.Response) -> None:
        raw = response.headers.get("X-Server-Time")
        if raw:
            try:
                self._server_anchor = (datetime.fromisoformat(raw), self._monotonic())
            except ValueError:
                pass

    def server_now(self) -> datetime:
        """The server's time (the kiosk's own clock may be wrong); local time until first contact."""
        if self._server_anchor is None:
            return datetime.now(UTC)
        at, mono = self._server_anchor
        return at + timedelta(seconds=self._monotonic() - mono)

    # --- requests -----------------------------------------------------------------------
    def _request(self, method: str, path: str, **kw: Any) -> Any:
        try:
            response = self._http.request(method, path, **kw)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ApiError(UNREACHABLE, text=str(exc)) from None
        except httpx.TransportError as exc:
            # Read/write timeout or a dropped connection: the server may have acted.
            raise ApiError(UNCERTAIN, text=str(exc) or type(exc).__name__) from None
        self._note_time(response)
        if response.status_code < 400:
            return response.json()
        try:
            err = response.json().get("error", {})
        except ValueError:
            err = {}
        kind = {401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT, 400: INVALID, 429: THROTTLED}.get(
            response.status_code, SERVER
        )
        raise ApiError(
            kind, response.status_code, err.get("code", ""), err.get("message", response.text[:200]), err.get("details")
        )

    def hall(self) -> dict:
        return self._request("GET", "/hall")

    def matters(self) -> list[dict]:
        return self._request("GET", "/matters")["matters"]

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
        return self._request("POST", "/tickets", json={k: v for k, v in body.items() if v is not None})

    def slots(self, day: str | None, matter_id: int | None) -> dict:
        """A day's bookable slots with seats and seats taken (GET /appointments/slots)."""
        params: dict[str, Any] = {"date": day} if day else {}
        if matter_id is not None:
            params["matter_id"] = matter_id
        return self._request("GET", "/appointments/slots", params=params)

    def book(self, *, matter_id: int | None, resident_name: str, slot_start: str, phone: str) -> dict:
        """Book a slot for the resident at the kiosk (channel "kiosk"); returns the appointment and its code."""
        body = {
            "matter_id": matter_id,
            "resident_name": resident_name,
            "slot_start": slot_start,
            "phone": phone,
            "channel": "kiosk",
        }
        return self._request("POST", "/appointments", json=body)

    def case_progress(self, case_no: str, code: str) -> dict:
        """The resident-safe view of a case (public endpoint: masked name, no ID or phone); ``code`` is
        the notice's query code or the phone's last 4 digits."""
        return self._request("GET", f"/cases/progress/{quote(case_no, safe='')}", params={"code": code})

    def report_device(self, device: str, kind: str, state: str, detail: str) -> dict:
        return self._request(
            "POST", "/devices/status", json={"device": device, "kind": kind, "state": state, "detail": detail[:500]}
        )

    def close(self) -> None:
        self._http.close()
