"""Domain errors carry a stable code and a catalog message key; adapters map them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the hall refused the request. ``code`` is part of the public API."""

    def __init__(self, code: str, message_key: str | None = None, /, **params: Any) -> None:
        self.code = code
        self.message_key = message_key or f"server.{code}"
        self.params = params
        # Extra fields a client may act on (e.g. next_open_at); never shown raw to residents.
        self.details: dict[str, Any] = {}
        super().__init__(f"{code}: {params}")

    def with_details(self, **details: Any) -> DomainError:
        self.details.update(details)
        return self


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The request is valid but the hall's current state does not allow it."""


class InvalidInput(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Unavailable(DomainError):
    """The server is at a capacity limit; the client should retry later (HTTP 503)."""


class TooManyRequests(DomainError):
    """The caller tried too often; ``details.retry_after_seconds`` says when to try again (HTTP 429)."""


class ConfigError(ValueError):
    """A configuration file is wrong; the message names the file, the key and the fix."""
