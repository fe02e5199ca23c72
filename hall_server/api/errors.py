"""Every failure is JSON {"error": {"code", "message"}} in the caller's language; bad input is never a 500."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from hall_common.i18n import has_message, message

from ..core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, TooManyRequests, Unavailable
from .context import Unauthorized, locale

log = logging.getLogger(__name__)
STATUS = (
    (TooManyRequests, 429),
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 400),
    (Unavailable, 503),
)


def error_response(code: str, status: int, text: str, details: dict | None = None):
    payload: dict[str, dict[str, Any]] = {"error": {"code": code, "message": text}}
    if details:
        payload["error"]["details"] = details
    return jsonify(payload), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        status = next((s for cls, s in STATUS if isinstance(exc, cls)), 400)
        response, status = error_response(
            exc.code, status, message(exc.message_key, locale(), **exc.params), exc.details
        )
        if status == 429 and "retry_after_seconds" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after_seconds"])
        return response, status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 400: "bad_request"}.get(
            exc.code or 400, "http_error"
        )
        key = f"server.{code}"
        text = message(key, locale()) if has_message(key) else (exc.description or code)
        response, status = error_response(code, exc.code or 400, text)
        valid = getattr(exc, "valid_methods", None)
        if status == 405 and valid:
            response.headers["Allow"] = ", ".join(sorted(valid))  # RFC 9110 §15.5.6: a 405 must list them
        return response, status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")
        return error_response("internal_error", 500, message("server.internal_error", locale()))
