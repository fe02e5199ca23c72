"""Per-request helpers: the hall server behind the app, the caller, the caller's language,
and what the route's guard validated (body, query)."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from hall_common.i18n import negotiate

from ..app_services import HallServer
from ..core.errors import DomainError
from ..services.access import Principal


class Unauthorized(DomainError):
    pass


def server() -> HallServer:
    return current_app.extensions["hall_server"]


def locale() -> str:
    lang = request.args.get("lang")
    return negotiate(lang or request.headers.get("Accept-Language"))


def bearer_token(from_query: bool = False) -> str | None:
    """The Authorization header's token; ``?token=`` only where the route allows it (``from_query``:
    EventSource and download links cannot set headers)."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return (request.args.get("token") or None) if from_query else None


def principal() -> Principal:
    """The caller the route's guard admitted. Routes declared public or with a key parameter
    may have none: they call ``caller()`` instead."""
    p = g.get("principal")
    if p is None:
        raise Unauthorized("unauthorized")
    return p


def caller() -> Principal | None:
    """The caller if a valid token came with the request (public and key routes)."""
    return g.get("principal")


def body() -> dict[str, Any]:
    """The JSON body, already validated against the route's declared schema by its guard."""
    return g.get("body") or {}


def query() -> dict[str, Any]:
    """The declared query parameters, typed and validated by the route's guard."""
    return g.get("query") or {}
