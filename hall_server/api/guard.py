"""What every declared route does before its view runs: who is calling, may they, and is the
input what the declaration says. Refusals are DomainErrors, answered in Chinese (errors.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import g, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..core.errors import Forbidden, InvalidInput
from ..services.access import Principal
from .context import Unauthorized, bearer_token, server
from .validation import coerce_query, parse_json, validate

STREAM_LINK_PATH = "/events"  # what POST /events/link signs: one purpose, whichever hall path opens it

if TYPE_CHECKING:
    from .spec import Operation


def enforce(op: Operation, view_args: dict[str, Any]) -> None:
    raw = _raw_body() if op.body is not None or op.key_param else b""
    g.principal = _admit(op, view_args, raw)
    g.query = coerce_query(op.query, request.args) if op.query else {}
    if op.path_params:
        validate(op.path_params, {k: v for k, v in view_args.items() if isinstance(v, str)})
    if op.body is not None:
        g.body = _body(op.body, raw)


def _admit(op: Operation, view_args: dict[str, Any], raw: bytes) -> Principal | None:
    token = bearer_token(op.query_token)
    link = request.args.get("link") if op.streaming and token is None else None
    if link:  # a short-lived stream link (POST /events/link): the long-lived token stays out of the URL
        p = server().tokens.verify_link(STREAM_LINK_PATH, link)
        if p is None:
            raise Unauthorized("invalid_stream_link")
        token = link
    else:
        p = server().tokens.authenticate(token) if token else None
    if p is None:
        if op.public or (op.key_param and _has_key(op.key_param, raw)):
            return None
        raise Unauthorized("unauthorized" if token is None else "invalid_token")
    path_hall = g.get("path_hall")
    if path_hall is not None and server().services.halls.get(p.hall_id).code != path_hall:
        raise Forbidden("forbidden_hall", hall=path_hall)
    if op.public:
        return p
    if p.role not in op.roles:
        raise Forbidden("forbidden_role", role=p.role)
    if op.window_param and p.role in ("clerk", "pad") and view_args[op.window_param] != p.window_number:
        raise Forbidden("forbidden_window", window=view_args[op.window_param], own=p.window_number)
    return p


def _has_key(name: str, raw: bytes) -> bool:
    if request.args.get(name):
        return True
    if not raw:
        return False
    data = _parsed(raw)
    return isinstance(data, dict) and bool(data.get(name))


def _raw_body() -> bytes:
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    # A chunked body (no Content-Length) is cut at the limit by Werkzeug without an error; a body
    # that fills the limit is taken as too large, never parsed as a truncated or empty one.
    if limit is not None and request.content_length is None and len(raw) >= limit:
        raise RequestEntityTooLarge()
    return raw


def _parsed(raw: bytes) -> Any:
    if "parsed_body" not in g:
        g.parsed_body = parse_json(raw)
    return g.parsed_body


def _body(schema: dict[str, Any], raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        if schema.get("required"):
            raise InvalidInput("body_not_json")
        return {}
    if not request.is_json:
        raise InvalidInput("body_not_json")
    return validate(schema, _parsed(raw))
