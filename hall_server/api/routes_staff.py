"""Staff accounts, the window terminal's desk view, and 好差评 ratings (pad and one-time link).

Registered on the same blueprint and OpenAPI registry as routes.py, so these endpoints are
part of /api/v1 and of /api/v1/openapi.json.
"""

from __future__ import annotations

from datetime import date

from flask import g, jsonify, request
from sqlalchemy import func, select

from ..core.errors import InvalidInput, NotFound
from ..core.ticket_states import ACTIVE
from ..services.accounts import InvalidCredentials
from ..services.ticket_view import ticket_view
from ..storage.models import HandlingStat, Staff, StaffShift, Ticket, Window
from .context import Unauthorized, bearer_token, body, principal, server
from .routes import E400, E403, E404, E409, STAFF, bp, responses, spec
from .spec import obj, validate

T, W, S, SH, ST = Ticket.__table__, Window.__table__, Staff.__table__, StaffShift.__table__, HandlingStat.__table__
E401 = (401, "Wrong staff number or password")
E429 = (409, "Too many failed log-ins: wait (details.retry_after_seconds)")


# --- accounts ------------------------------------------------------------------------------
LOGIN_BODY = obj(
    ("staff_no", "password"),
    staff_no={"type": "string", "maxLength": 32, "minLength": 1},
    password={"type": "string", "maxLength": 200, "minLength": 1},
    window={"type": ["integer", "null"], "description": "required for clerks: the window they work at"},
    hall={"type": ["string", "null"], "maxLength": 64, "description": "hall code (default: the first hall)"},
)


@spec.route(
    bp,
    "/auth/login",
    "POST",
    "A person logs in (staff number + password) and gets a person token; a clerk's token is bound to the window given",
    public=True,
    body=LOGIN_BODY,
    responses=dict([(200, "Token, role, staff"), E400, E401, E429]),
    tag="accounts",
)
def auth_login():
    d = body(LOGIN_BODY)
    srv = server()
    code = g.get("path_hall") or d.get("hall")
    halls = srv.services.halls
    ctx = halls.by_code(code) if code else halls.get(halls.all_ids()[0])
    try:
        return jsonify(srv.accounts.login(ctx.id, d["staff_no"], d["password"], d.get("window")))
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


# --- the window terminal's desk ------------------------------------------------------------
@spec.route(
    bp,
    "/windows/<int:number>/desk",
    "GET",
    "Everything a window terminal shows: window, current ticket, held tickets, the line, load to closing",
    roles=STAFF,
    responses=responses(E403, E404),
    tag="windows",
)
def window_desk(number: int):
    p = principal()
    p.require_window(number)
    srv = server()
    ctx = srv.services.halls.get(p.hall_id)
    now = srv.clock.now()
    today = ctx.schedule.local_date(now)
    with srv.db.read() as conn:
        wrow = conn.execute(select(W).where(W.c.hall_id == ctx.id, W.c.number == number)).first()
        if wrow is None:
            raise NotFound("window_not_found", window=number)
        window = srv.windows.window_view(conn, ctx, wrow, now)
        current = conn.execute(
            select(T).where(T.c.hall_id == ctx.id, T.c.window_number == number, T.c.state.in_(ACTIVE))
        ).first()
        held = conn.execute(
            select(T).where(T.c.hall_id == ctx.id, T.c.window_number == number, T.c.state == "held").order_by(T.c.id)
        ).all()
        means = {r.matter_key: r.mean_seconds / 60 for r in conn.execute(select(ST).where(ST.c.hall_id == ctx.id))}
        staffed = conn.execute(
            select(func.count())
            .select_from(W)
            .where(W.c.hall_id == ctx.id, W.c.staff_id.is_not(None), W.c.status == "open")
        ).scalar_one()
        done_today = conn.execute(
            select(func.count())
            .select_from(T)
            .where(
                T.c.hall_id == ctx.id, T.c.service_date == today, T.c.window_number == number, T.c.state == "finished"
            )
        ).scalar_one()
    line = srv.windows.line(p)
    default = ctx.config.queue.default_handling_minutes

    def minutes(matter_id):
        if matter_id in means:
            return means[matter_id]
        stored = ctx.matters.get(matter_id) if matter_id is not None else None
        return means.get(0, stored.matter.handling_minutes if stored else default)

    work = sum(minutes(t["matter_id"]) for t in line["waiting"])
    periods = ctx.schedule.moment(now).periods
    closes = max((pp.end for pp in periods), default=None)
    left = (closes - now).total_seconds() / 60 if closes else 0
    load = {
        "waiting": line["count"],
        "work_minutes": round(work),
        "windows": staffed,
        "minutes_per_window": round(work / staffed) if staffed else None,
        "closes_at": closes.isoformat() if closes else None,
        "minutes_to_close": max(0, round(left)),
        "over": bool(staffed and closes and work / staffed > left),
    }
    return jsonify(
        {
            "window": window,
            "current": ticket_view(current, ctx) if current else None,
            "held": [ticket_view(r, ctx) for r in held],
            "line": line,
            "load": load,
            "finished_today": done_today,
            "server_time": now.isoformat(),
            "no_show_after_calls": ctx.config.queue.no_show_after_calls,
            "windows": [w.number for w in ctx.config.windows],
        }
    )


@spec.route(
    bp,
    "/shifts",
    "GET",
    "AB岗 hand-over log of a day (?date=YYYY-MM-DD, default today)",
    roles=("supervisor", "admin"),
    responses=responses(E400, E403),
    tag="windows",
)
def shifts():
    p = principal()
    p.require("supervisor", "admin")
    srv = server()
    ctx = srv.services.halls.get(p.hall_id)
    day = _day(request.args.get("date")) or ctx.schedule.local_date(srv.clock.now())
    tz = ctx.config.timezone
    with srv.db.read() as conn:
        rows = conn.execute(
            select(SH, S.c.staff_no, S.c.name)
            .join(S, S.c.id == SH.c.staff_id)
            .where(SH.c.hall_id == ctx.id)
            .order_by(SH.c.id)
        ).all()
    items = [
        {
            "window": r.window_number,
            "post": r.post,
            "staff_no": r.staff_no,
            "name": r.name,
            "signed_in_at": r.signed_in_at.astimezone(tz).isoformat(),
            "signed_out_at": r.signed_out_at.astimezone(tz).isoformat() if r.signed_out_at else None,
            "reason": r.sign_out_reason,
        }
        for r in rows
        if r.signed_in_at.astimezone(tz).date() == day
    ]
    return jsonify({"date": day.isoformat(), "shifts": items})


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
    tags={"type": ["array", "null"], "description": "reasons (差评 only), from the hall's list"},
    phone={"type": ["string", "null"], "maxLength": 20, "description": "call-back number (差评 only)"},
)
LINK_RATE_BODY = obj(
    ("level",),
    level=RATE_BODY["properties"]["level"],
    tags=RATE_BODY["properties"]["tags"],
    phone=RATE_BODY["properties"]["phone"],
)


def _tags(d) -> list[str] | None:
    tags = d.get("tags")
    if tags is not None and (
        not isinstance(tags, list) or not all(isinstance(t, str) and len(t) <= 40 for t in tags) or len(tags) > 20
    ):
        raise InvalidInput("field_type", field="tags", expected="array of strings")
    return tags


def _rate_body(schema):
    # The small validator knows no arrays: tags are checked here, the rest by the schema.
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return body(schema)
    tags = data.pop("tags", None)
    props = {k: v for k, v in schema["properties"].items() if k != "tags"}
    d = validate({**schema, "properties": props}, data)
    d["tags"] = tags
    _tags(d)
    return d


@spec.route(
    bp,
    "/pads/<int:number>/state",
    "GET",
    "What the window's evaluation pad shows: clerk on duty, and the service awaiting a rating",
    roles=("pad", "supervisor", "admin"),
    responses=responses(E403, E404),
    tag="ratings",
)
def pad_state(number: int):
    srv = server()
    return jsonify(srv.ratings.pad_state(principal(), number, srv.windows))


@spec.route(
    bp,
    "/pads/<int:number>/rating",
    "POST",
    "The pad records the resident's rating of the service that just finished at its window (一次一评)",
    roles=("pad",),
    body=RATE_BODY,
    responses=dict([(201, "Recorded"), E400, (401, "No or unknown token"), E403, E409]),
    tag="ratings",
)
def pad_rate(number: int):
    d = _rate_body(RATE_BODY)
    view = server().ratings.rate_at_pad(
        principal(),
        number,
        d["ticket_id"],
        d["level"],
        d["tags"],
        d.get("phone"),
        channel=request.args.get("channel") == "serial" and "serial_pad" or "pad",
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
    public=True,
    body=LINK_BODY,
    responses=dict([(201, "Link created"), E400, E403, E404, E409]),
    tag="ratings",
)
def create_rating_link():
    d = body(LINK_BODY)
    key = d.get("key")
    p = None if key is not None else principal()
    return jsonify(server().ratings.create_link(p, d["ticket_id"], key, bool(d.get("replace")))), 201


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
    d = _rate_body(LINK_RATE_BODY)
    return jsonify({"rating": server().ratings.rate_by_link(token, d["level"], d["tags"], d.get("phone"))}), 201


@spec.route(
    bp,
    "/ratings",
    "GET",
    "Ratings of a day (?date=YYYY-MM-DD, default today), phone numbers masked, with the 好评率",
    roles=("supervisor", "admin"),
    responses=responses(E400, E403),
    tag="ratings",
)
def list_ratings():
    p = principal()
    srv = server()
    day = _day(request.args.get("date")) or srv.services.halls.get(p.hall_id).schedule.local_date(srv.clock.now())
    return jsonify(srv.ratings.list(p, day))
