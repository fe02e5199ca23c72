"""One registry for routes, authorization, request validation and the OpenAPI document.

Every API endpoint is declared through ``ApiSpec.route``; the same declaration registers
the Flask view, refuses callers whose role it does not list (401/403 before the view runs),
validates the query and the JSON body, and appears in ``/api/v1/openapi.json`` (roles as
``x-roles``), so the document cannot drift from what the server enforces.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint

from ..services.access import ROLES
from .guard import enforce
from .validation import INT_MAX, bounded, obj

__all__ = ["ApiSpec", "Operation", "obj"]


@dataclass
class Operation:
    """One endpoint as declared. ``roles``: who may call it (checked before the view runs);
    ``public``: anyone, no token needed; ``key_param``: a query/body field (the slip's key) that
    lets a caller without a token through, the service then checks the key; ``window_param``:
    the path parameter naming a window, which clerks and pads may act on only if it is their own;
    ``query_token``: the token may come as ``?token=`` (event streams and download links, which a
    browser opens without headers; everywhere else a query-string token is refused, as reverse
    proxies and browser histories keep query strings)."""

    path: str  # Flask syntax: /tickets/<int:ticket_id>
    method: str
    summary: str
    roles: tuple[str, ...]
    body: dict[str, Any] | None
    responses: dict[int, str]
    tag: str
    streaming: bool = False
    public: bool = False
    query: dict[str, Any] | None = None
    key_param: str | None = None
    window_param: str | None = None
    query_token: bool = False
    # Schemas of text path parameters (a day in the path); validated like the query.
    path_params: dict[str, Any] | None = None


@dataclass
class ApiSpec:
    title: str
    version: str
    operations: list[Operation] = field(default_factory=list)
    # Named schemas beside Error (e.g. EventType, whose list the pages read to subscribe).
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)

    def route(
        self,
        bp: Blueprint,
        path: str,
        method: str,
        summary: str,
        *,
        roles: tuple[str, ...] = (),
        body: dict[str, Any] | None = None,
        query: dict[str, dict[str, Any]] | None = None,
        path_params: dict[str, dict[str, Any]] | None = None,
        responses: dict[int, str] | None = None,
        tag: str = "hall",
        streaming: bool = False,
        public: bool = False,
        key_param: str | None = None,
        window_param: str | None = None,
        query_token: bool = False,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        unknown = set(roles) - set(ROLES)
        if unknown or (not roles and not public) or (roles and public):
            raise ValueError(f"{method} {path}: declare roles= from {ROLES} or public=True (got {roles})")
        query_schema = None
        if query:
            query_schema = bounded({"type": "object", "properties": query, "additionalProperties": True})
        op = Operation(
            path,
            method.upper(),
            summary,
            tuple(roles),
            bounded(body) if body is not None else None,
            responses or {200: "OK"},
            tag,
            streaming,
            public,
            query_schema,
            key_param,
            window_param,
            query_token or streaming,
            bounded({"type": "object", "properties": path_params}) if path_params else None,
        )
        self.operations.append(op)

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def guarded(**kwargs: Any) -> Any:
                enforce(op, kwargs)
                return view(**kwargs)

            guarded.__api_operation__ = op  # type: ignore[attr-defined]
            bp.add_url_rule(path, endpoint=f"{view.__name__}", view_func=guarded, methods=[op.method])
            return guarded

        return decorator

    def document(self, prefix: str) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for op in self.operations:
            oa_path = prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.path)
            params: list[dict[str, Any]] = [
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0, "maximum": INT_MAX}
                    if conv == "int"
                    else ((op.path_params or {}).get("properties") or {}).get(name)
                    or {"type": "string", "maxLength": 200},
                }
                for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", op.path)
            ]
            for name, rule in ((op.query or {}).get("properties") or {}).items():
                params.append({"name": name, "in": "query", "required": False, "schema": rule})
            entry: dict[str, Any] = {
                "summary": op.summary,
                "tags": [op.tag],
                "parameters": params,
                "responses": {
                    str(code): {
                        "description": text,
                        **(
                            {"content": {"text/event-stream": {}}}
                            if op.streaming and code == 200
                            else {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                            if code >= 400
                            else {}
                        ),
                    }
                    for code, text in {**_guard_responses(op), **op.responses}.items()
                },
            }
            entry["x-roles"] = list(op.roles)
            if op.roles:
                entry["description"] = "Roles: " + ", ".join(op.roles)
                if op.window_param:
                    entry["x-own-window"] = op.window_param
                    entry["description"] += f" (clerks and pads only for their own window `{op.window_param}`)"
                if op.key_param:
                    entry["x-key-param"] = op.key_param
                    entry["description"] += f"; without a token: `{op.key_param}` (the slip's key)"
            if op.public:
                entry["security"] = []
                entry["description"] = "Public: no token needed"
            if op.key_param:
                entry["security"] = [{"bearer": []}, {}]
            if op.body is not None:
                entry["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
            paths.setdefault(oa_path, {})[op.method.lower()] = entry
        return {
            "openapi": "3.1.0",
            "info": {
                "title": self.title,
                "version": self.version,
                "description": '一窗 hall server API. Errors are {"error": {"code", "message"}}; '
                "messages are Chinese unless Accept-Language prefers English.",
            },
            "servers": [{"url": "/"}],
            "security": [{"bearer": []}],
            "paths": paths,
            "components": {
                "securitySchemes": {
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "Device or person token. Only event streams (?link= from POST "
                        "/events/link, or ?token=) and report downloads (?token=) take it in the address",
                    }
                },
                "schemas": {
                    "Error": {
                        "type": "object",
                        "required": ["error"],
                        "properties": {
                            "error": {
                                "type": "object",
                                "required": ["code", "message"],
                                "properties": {
                                    "code": {"type": "string"},
                                    "message": {"type": "string"},
                                    "details": {"type": "object"},
                                },
                            }
                        },
                    },
                    **self.schemas,
                },
            },
        }


def _guard_responses(op: Operation) -> dict[int, str]:
    """What the route's guard (and the server around it) may answer before the view runs."""
    out: dict[int, str] = {}
    if op.body is not None or op.query or "<" in op.path:
        out[400] = "Invalid input (the message names the field and the fix)"
    if not op.public:
        out[401] = "No or unknown token"
        out[403] = "Role not allowed" + (", or another window's" if op.window_param else "")
    if "<" in op.path:
        out[404] = "Not found"
    if op.body is not None:
        out[413] = "Body too large"
    return out
