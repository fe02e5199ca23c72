"""Staff accounts, the window terminal's desk view, and 好差评 ratings (pad and one-time link).

Registered on the same blueprint and OpenAPI registry as routes.py, so these endpoints are
part of /api/v1 and of /api/v1/openapi.json.
"""

from __future__ import annotations

from datetime import date

from flask import g, jsonify, request

from ..core.errors import InvalidInput
from ..services.accounts import InvalidCredentials
from ..services.desk_view import DESK_LINE_ROWS
from .context import Unauthorized, bearer_token, body, caller, principal, query, server
from .declarations import DATE_QUERY, E400, E403, E404, E409, STAFF, bp, responses, spec
from .spec import obj

E401 = (401, "Wrong staff number or password")
E429 = (429, "Too many log-ins from this address or failures for this staff number here: wait (Retry-After)")


# --- accounts ------------------------------------------------------------------------------
LOGIN_BODY = obj(
    ("staff_no", "password"),
    staff_no={"type": "string", "maxLength": 32, "minLength": 1},
    password={"type": "string", "maxLength": 200, "minLength": 1},
    window={
        "type": ["integer", "null"],
        "minimum": 0,
        "maximum": 999,
        "description": "required for clerks: the window they work at",
    },
    hall={"type": ["string", "null"], "maxLength": 64, "description": "hall code (default: the first hall)"},
)


@spec.route(
    bp,
    "/auth/login",
    "POST",
    "A person logs in (staff number + password) and gets a person token; a clerk's token is bound to the window given",
    public=True,
    body=LOGIN_BODY,
    responses=dict([(200, "Token, role, staff"), E400, E401, (404, "No such hall"), E429]),
    tag="accounts",
)
def auth_login():
    d = body()
    srv = server()
    code = g.get("path_hall") or d.get("hall")
    ctx = srv.services.halls.by_code_or_first(code)
    try:
        return jsonify(
            srv.accounts.login(ctx.id, d["staff_no"], d["password"], d.get("window"), f"addr:{request.remote_addr}")
        )
    except InvalidCredentials as exc:
        raise Unauthorized(exc.code, exc.message_key) from None


@spec.route(
    bp,
    "/auth/logout",
    "POST",
    "Revoke the caller's person token",
    roles=STAFF + ("backoffice",),
    responses=responses(E400),
    tag="accounts",
)
def auth_logout():
    p = principal()
    server().accounts.logout(p, bearer_token())
    return jsonify({"ok": True})


@spec.route(
    bp,
    "/auth/me",
    "GET",
    "Who the token belongs to (role, window, staff)",
    roles=("kiosk", "board", "pad", "backoffice") + STAFF,
    responses=responses(),
    tag="accounts",
)
def auth_me():
    return jsonify(server().accounts.me(principal()))


LANGUAGE_BODY = obj(
    ("language",),
    language={
        "type": "string",
        "enum": ["zh_CN", "en"],
        "description": "zh_CN (the default) or en: the language the caller's staff pages speak after sign-in",
    },
)


@spec.route(
    bp,
    "/auth/me/language",
    "PUT",
    "The caller chooses the language of their own staff pages (stored on their account; public devices stay Chinese)",
    roles=STAFF + ("backoffice",),
    body=LANGUAGE_BODY,
    responses=responses(E400),
    tag="accounts",
)
def auth_language():
    return jsonify(server().accounts.set_language(principal(), body()["language"]))


# --- the window terminal's desk ------------------------------------------------------------
@spec.route(
    bp,
    "/windows/<int:number>/desk",
    "GET",
    "Everything a window terminal shows: window, current ticket, held tickets, the head of the line "
    f"(line.waiting: its first {DESK_LINE_ROWS} in this window's calling order; line.count and line.by_class count all "
    "of it: transferred, appointment_due, priority, ordinary), load to closing, and allowed_actions "
    "(what the ticket state machine accepts now)",
    roles=STAFF,
    window_param="number",
    responses=responses(E403, E404),
    tag="windows",
)
def window_desk(number: int):
    return jsonify(server().desk.desk(principal(), number))


@spec.route(
    bp,
    "/shifts",
    "GET",
    "AB岗 hand-over log of a day (?date=YYYY-MM-DD, default today)",
    roles=("supervisor", "admin"),
    query=DATE_QUERY,
    responses=responses(E400, E403),
    tag="windows",
)
def shifts():
    return jsonify(server().desk.shifts(principal(), _day(query().get("date"))))


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("invalid_date", value=text) from None


# --- 好差评 --------------------------------------------------------------------------------
RATE_BODY = obj(
    ("ticket_id", "level"),
    ticket_id={"type": "integer"},
    level={
        "type": "integer",
        "minimum": 1,
        "maximum": 5,
        "description": "5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意",
    },
    tags={
        "type": ["array", "null"],
        "items": {"type": "string", "maxLength": 40},
        "maxItems": 20,
        "description": "reasons (差评 only), from the hall's list",
    },
    phone={"type": ["string", "null"], "maxLength": 20, "description": "call-back number (差评 only)"},
)
LINK_RATE_BODY = obj(
    ("level",),
    level=RATE_BODY["properties"]["level"],
    tags=RATE_BODY["properties"]["tags"],
    phone=RATE_BODY["properties"]["phone"],
)


@spec.route(
    bp,
    "/pads/<int:number>/state",
    "GET",
    "What the window's evaluation pad shows: clerk on duty, and the service awaiting a rating",
    roles=("pad", "supervisor", "admin"),
    window_param="number",
    responses=responses(E403, E404),
    tag="ratings",
)
def pad_state(number: int):
    srv = server()
    return jsonify(srv.ratings.pad_state(principal(), number))


@spec.route(
    bp,
    "/pads/<int:number>/rating",
    "POST",
    "The pad records the resident's rating of the service that just finished at its window (一次一评)",
    roles=("pad",),
    window_param="number",
    body=RATE_BODY,
    query={"channel": {"type": "string", "enum": ["pad", "serial"], "description": "serial: the RS-485 pad bridge"}},
    responses=dict([(201, "Recorded"), E400, (401, "No or unknown token"), E403, E409]),
    tag="ratings",
)
def pad_rate(number: int):
    d = body()
    view = server().ratings.rate_at_pad(
        principal(),
        number,
        d["ticket_id"],
        d["level"],
        d.get("tags"),
        d.get("phone"),
        channel="serial_pad" if query().get("channel") == "serial" else "pad",
    )
    return jsonify({"rating": view}), 201


LINK_BODY = obj(
    ("ticket_id",),
    ticket_id={"type": "integer"},
    key={"type": ["string", "null"], "maxLength": 32, "description": "the slip's public key (no token needed)"},
    replace={"type": ["boolean", "null"], "description": "the slip's holder asks again (logged, never silent)"},
)


@spec.route(
    bp,
    "/ratings/links",
    "POST",
    "A one-time link to rate a finished service later: the resident (the slip's public key, no token) or the "
    "pad of the window that served; never staff. An unused link is not replaced (409) unless the slip's "
    "holder asks with replace=true",
    roles=("pad",),
    key_param="key",
    body=LINK_BODY,
    responses=dict([(201, "Link created"), E400, E403, E404, E409]),
    tag="ratings",
)
def create_rating_link():
    d = body()
    key = d.get("key")
    p = caller() if key is not None else principal()
    link = server().ratings.create_link(p, d["ticket_id"], key, bool(d.get("replace")), request.remote_addr)
    return jsonify(link), 201


@spec.route(
    bp,
    "/ratings/by-link/<token>",
    "GET",
    "The service a rating link is for, and whether it is rated",
    public=True,
    responses=dict([(200, "OK"), E404, E409]),
    tag="ratings",
)
def rating_link(token: str):
    return jsonify(server().ratings.by_link(token))


@spec.route(
    bp,
    "/ratings/by-link/<token>",
    "POST",
    "Rate through a one-time link (once)",
    public=True,
    body=LINK_RATE_BODY,
    responses=dict([(201, "Recorded"), E400, E404, E409]),
    tag="ratings",
)
def rate_by_link(token: str):
    d = body()
    return jsonify({"rating": server().ratings.rate_by_link(token, d["level"], d.get("tags"), d.get("phone"))}), 201


@spec.route(
    bp,
    "/ratings",
    "GET",
    "Ratings of a day (?date=YYYY-MM-DD, default today), phone numbers masked, with the 好评率",
    roles=("supervisor", "admin"),
    query=DATE_QUERY,
    responses=responses(E400, E403),
    tag="ratings",
)
def list_ratings():
    p = principal()
    srv = server()
    day = _day(query().get("date")) or srv.services.halls.get(p.hall_id).schedule.local_date(srv.clock.now())
    return jsonify(srv.ratings.list(p, day))
