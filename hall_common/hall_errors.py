"""What can go wrong asking the hall server, as one family of exceptions (after httpx's).

    HallError
    ├── HallUnavailable         no answer came
    │   ├── HallUnreachable     the connection failed: the request surely never left
    │   └── HallUncertain       the answer was lost (a read timeout, a dropped line): it may have acted
    └── HallStatusError         an answer of status 400 or more: the server's ``code``, its message
        │                       (``text``) in the caller's language, ``details`` a client may act on
        ├── HallRefused         4xx
        │   ├── HallInvalid         400
        │   ├── HallUnauthorized    401
        │   ├── HallForbidden       403
        │   ├── HallNotFound        404
        │   ├── HallConflict        409
        │   └── HallThrottled       429
        └── HallServerError     5xx

``kind`` names what a device tells the person in front of it. A refusal the client has no class
for (405, 413…) means client and server disagree about the API: for a resident that is the
server's fault, not theirs, so it is ``kind`` "server" like a 5xx.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx


class HallError(Exception):
    """``text``: the server's message in the language asked for, or what the transport said;
    ``status`` and ``code`` only when the server answered."""

    kind: ClassVar[str] = "server"

    def __init__(
        self, text: str = "", *, status: int | None = None, code: str = "", details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{self.kind} {status} {code}: {text}")
        self.text, self.status, self.code = text, status, code
        self.details: dict[str, Any] = dict(details or {})


class HallUnavailable(HallError):
    kind = "unavailable"


class HallUnreachable(HallUnavailable):
    kind = "unreachable"


class HallUncertain(HallUnavailable):
    kind = "uncertain"


class HallStatusError(HallError):
    kind = "server"


class HallRefused(HallStatusError):
    kind = "server"


class HallInvalid(HallRefused):
    kind = "invalid"


class HallUnauthorized(HallRefused):
    kind = "unauthorized"


class HallForbidden(HallRefused):
    kind = "forbidden"


class HallNotFound(HallRefused):
    kind = "not_found"


class HallConflict(HallRefused):
    kind = "conflict"


class HallThrottled(HallRefused):
    kind = "throttled"


class HallServerError(HallStatusError):
    kind = "server"


_REFUSALS: dict[int, type[HallRefused]] = {
    400: HallInvalid,
    401: HallUnauthorized,
    403: HallForbidden,
    404: HallNotFound,
    409: HallConflict,
    429: HallThrottled,
}


def error_from_response(response: httpx.Response) -> HallStatusError:
    """The exception for an answer of status 400 or more, from its ``{"error": {"code", "message",
    "details"}}`` body (a proxy's HTML page gives its first 200 characters as the text)."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    if not isinstance(error, dict):
        error = {}
    status = response.status_code
    cls: type[HallStatusError] = _REFUSALS.get(status, HallRefused) if status < 500 else HallServerError
    return cls(
        str(error.get("message") or response.text[:200]),
        status=status,
        code=str(error.get("code") or ""),
        details=error.get("details") if isinstance(error.get("details"), dict) else None,
    )


def error_from_transport(exc: httpx.TransportError) -> HallUnavailable:
    """Unreachable only when the request cannot have reached the server (no connection, or one
    this side refused to write); any later failure (a read or write timeout, a connection
    dropped mid-answer) leaves it uncertain."""
    never_sent = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.LocalProtocolError)
    if isinstance(exc, never_sent):
        return HallUnreachable(str(exc) or type(exc).__name__)
    return HallUncertain(str(exc) or type(exc).__name__)
