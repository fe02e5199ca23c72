"""Per-request helpers: the hall server behind the app, the caller, the caller's language."""

from __future__ import annotations

from typing import Any, Literal, overload

from flask import current_app, g, request

from hall_common.i18n import negotiate

from ..app_services import HallServer
from ..core.errors import DomainError, Forbidden, InvalidInput
from ..services.access import Principal
from .spec import validate


class Unauthorized(DomainError):
    pass


def server() -> HallServer:
    return current_app.extensions["hall_server"]


def locale() -> str:
    lang = request.args.get("lang")
    return negotiate(lang or request.headers.get("Accept-Language"))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    # Browsers on TVs and EventSource cannot set headers: ?token= is the documented alternative.
    return request.args.get("token") or None


@overload
def principal(optional: Literal[False] = False) -> Principal: ...
@overload
def principal(optional: bool) -> Principal | None: ...
def principal(optional: bool = False) -> Principal | None:
    if "principal" in g and (g.principal is not None or optional):
        return g.principal  # type: ignore[no-any-return]
    token = bearer_token()
    p = server().tokens.authenticate(token) if token else None
    if p is None and not optional:
        raise Unauthorized("unauthorized" if token is None else "invalid_token")
    path_hall = g.get("path_hall")
    if p is not None and path_hall is not None:
        ctx = server().services.halls.get(p.hall_id)
        if ctx.code != path_hall:
            raise Forbidden("forbidden_hall", hall=path_hall)
    g.principal = p
    return p


def body(schema: dict[str, Any]) -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None and request.content_length in (None, 0) and not schema.get("required"):
        data = {}
    if data is None:
        raise InvalidInput("body_not_json")
    return validate(schema, data)
