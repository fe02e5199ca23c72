"""The one HTTP client of the hall's /api/v1 for the devices (kiosk, serial bridges, LED bars,
announcer), on httpx.

A call returns the answer's JSON or raises a ``HallError`` (``hall_errors``): a device never
reads a status code or an error body itself. Tests hand in an httpx transport (a MockTransport,
or none for a real server on 127.0.0.1). Every answer's X-Server-Time keeps ``server_now()``,
since a device's own clock may be wrong.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any, ClassVar

import httpx

from .hall_errors import error_from_response, error_from_transport

MAX_DEVICE_DETAIL = 500  # the route's limit for a device's detail


@functools.cache
def client_version() -> str:
    """The installed yichuang's version, which the fleet list shows ("" from a bare checkout)."""
    try:
        return metadata.version("yichuang")
    except metadata.PackageNotFoundError:
        return ""


class HallHttp:
    CONNECT_TIMEOUT: ClassVar[float] = 10.0
    READ_TIMEOUT: ClassVar[float] = 10.0

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        locale: str = "zh_CN",
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,  # tests: an httpx.MockTransport
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._monotonic = monotonic
        self._server_anchor: tuple[datetime, float] | None = None
        headers = {"Accept-Language": "en" if locale == "en" else "zh-CN"}
        if token:  # without one, only the public routes answer (a resident's progress lookup)
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.base_url + "/api/v1",
            headers=headers,
            timeout=httpx.Timeout(
                self.READ_TIMEOUT if read_timeout is None else read_timeout,
                connect=self.CONNECT_TIMEOUT if connect_timeout is None else connect_timeout,
            ),
            transport=transport,
        )

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None, json: Any = None) -> Any:
        try:
            response = self._http.request(method, path, params=params, json=json)
        except httpx.TransportError as exc:
            raise error_from_transport(exc) from None
        self._note_time(response)
        if response.status_code >= 400:
            raise error_from_response(response)
        return response.json()

    def get(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, json: Any = None, *, params: dict[str, Any] | None = None) -> Any:
        return self.request("POST", path, params=params, json=json)

    def report_device(self, device: str, kind: str, state: str, detail: str) -> dict[str, Any]:
        """A peripheral's state for the supervisors' device list (POST /devices/status), with this
        client's version for the fleet list."""
        body = {
            "device": device,
            "kind": kind,
            "state": state,
            "detail": detail[:MAX_DEVICE_DETAIL],
            "version": client_version(),
        }
        result: dict[str, Any] = self.post("/devices/status", body)
        return result

    def server_now(self) -> datetime:
        """The server's time; the local one until the first answer."""
        if self._server_anchor is None:
            return datetime.now(UTC)
        at, mono = self._server_anchor
        return at + timedelta(seconds=self._monotonic() - mono)

    def _note_time(self, response: httpx.Response) -> None:
        raw = response.headers.get("X-Server-Time")
        if raw:
            try:
                self._server_anchor = (datetime.fromisoformat(raw), self._monotonic())
            except ValueError:
                pass

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HallHttp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
