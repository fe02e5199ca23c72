"""One registry for routes, request validation and the OpenAPI document.

Every API endpoint is declared through ``ApiSpec.route``; the same declaration
registers the Flask view, validates the JSON body, and appears in
``/api/v1/openapi.json``, so the document cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint

from ..core.errors import InvalidInput


@dataclass
class Operation:
    path: str  # Flask syntax: /tickets/<int:ticket_id>
    method: str
    summary: str
    roles: tuple[str, ...]
    body: dict[str, Any] | None
    responses: dict[int, str]
    tag: str
    streaming: bool = False
    public: bool = False


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
        responses: dict[int, str] | None = None,
        tag: str = "hall",
        streaming: bool = False,
        public: bool = False,
    ) -> Callable:
        op = Operation(path, method.upper(), summary, roles, body, responses or {200: "OK"}, tag, streaming, public)
        self.operations.append(op)

        def decorator(view: Callable) -> Callable:
            view.__api_operation__ = op  # type: ignore[attr-defined]
            bp.add_url_rule(path, endpoint=f"{view.__name__}", view_func=view, methods=[op.method])
            return view

        return decorator

    def document(self, prefix: str) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for op in self.operations:
            oa_path = prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.path)
            params = [
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer" if conv == "int" else "string"},
                }
                for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", op.path)
            ]
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
                    for code, text in op.responses.items()
                },
            }
            if op.roles:
                entry["description"] = "Roles: " + ", ".join(op.roles)
            if op.public:
                entry["security"] = []
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
                        "description": "Device or person token; browsers may pass ?token=",
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


def obj(required: tuple[str, ...] = (), **props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required), "additionalProperties": False}


def validate(schema: dict[str, Any], data: Any) -> dict[str, Any]:
    """Check a JSON body against the small JSON-Schema subset the API uses."""
    if not isinstance(data, dict):
        raise InvalidInput("body_not_object")
    for name in schema.get("required", []):
        if name not in data:
            raise InvalidInput("field_required", field=name)
    props = schema.get("properties", {})
    for name, value in data.items():
        if name not in props:
            raise InvalidInput("field_unknown", field=name, allowed=", ".join(props))
        _check(name, props[name], value)
    return data


def _check(name: str, rule: dict[str, Any], value: Any) -> None:
    types = rule.get("type")
    allowed = types if isinstance(types, list) else [types]
    if value is None:
        if "null" in allowed:
            return
        raise InvalidInput("field_type", field=name, expected=allowed[0])
    ok = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if not any(ok[t](value) for t in allowed if t in ok):
        raise InvalidInput("field_type", field=name, expected=allowed[0])
    if "enum" in rule and value not in rule["enum"]:
        raise InvalidInput("field_enum", field=name, allowed=", ".join(map(str, rule["enum"])))
    if isinstance(value, str):
        if len(value) > rule.get("maxLength", 500):
            raise InvalidInput("field_too_long", field=name, max=rule.get("maxLength", 500))
        if rule.get("minLength") and len(value.strip()) < rule["minLength"]:
            raise InvalidInput("field_required", field=name)
    if isinstance(value, int) and not isinstance(value, bool):
        if value < rule.get("minimum", -(2**31)) or value > rule.get("maximum", 2**31):
            raise InvalidInput(
                "field_range", field=name, minimum=rule.get("minimum", ""), maximum=rule.get("maximum", "")
            )
