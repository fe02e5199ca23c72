"""The public v1 API: thin views over the hall server's services."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, current_app, g, jsonify, request

from ..core.errors import InvalidInput
from ..documents.pdf import render_pdf
from ..documents.visit_sheet import build_visit_sheet
from ..services.event_log import EVENT_TYPES
from ..services.ticketing import IssueRequest
from .context import body, caller, locale, principal, query, server
from .spec import ApiSpec, obj
from .validation import day, local_time

API_VERSION = "1.0.0"
spec = ApiSpec("yichuang hall server", API_VERSION)
bp = Blueprint("api_v1", __name__)

STAFF = ("clerk", "supervisor", "admin")
DEVICE_ROLES = ("kiosk", "board", "pad")
ANY_DEVICE = ("kiosk", "board", "pad", "clerk", "backoffice", "supervisor", "admin")
E400, E401, E403, E404, E409 = (
    (400, "Invalid input"),
    (401, "No or unknown token"),
    (403, "Not allowed"),
    (404, "Not found"),
    (409, "Refused by the hall's rules"),
)

# A day in a query (?date=YYYY-MM-DD), the same rule and example everywhere.
DATE_QUERY = {"date": day()}


def responses(*extra: tuple[int, str], ok: tuple[int, str] = (200, "OK")) -> dict[int, str]:
    return dict([ok, E401, *extra])


@bp.url_value_preprocessor
def pull_hall(endpoint, values):
    # /api/v1/halls/<hall>/... acts on that hall; the token must belong to it.
    g.path_hall = values.pop("hall", None) if values else None


# --- service -------------------------------------------------------------------------------
@spec.route(
    bp,
    "/health",
    "GET",
    "Liveness and database check",
    public=True,
    tag="service",
    responses={200: "Healthy; `time` in the hall's zone (+08:00), as every other time", 503: "Database unreachable"},
)
def health():
    view, ok = server().health.check(API_VERSION)
    return jsonify(view), 200 if ok else 503


@spec.route(bp, "/openapi.json", "GET", "This OpenAPI document", public=True, tag="service")
def openapi():
    return jsonify(spec.document(request.path.rsplit("/openapi.json", 1)[0]))


# --- hall and catalog ------------------------------------------------------------------------
@spec.route(
    bp,
    "/hall",
    "GET",
    "The hall: name, open state, today's hours, windows, priority groups",
    roles=ANY_DEVICE,
    responses=responses(),
)
def hall():
    # event_types: what /events can send, so pages subscribe from the server's list, not a copy.
    return jsonify({**server().overview.view(principal(), locale()), "event_types": list(EVENT_TYPES)})


@spec.route(
    bp,
    "/matters",
    "GET",
    "The matter catalog (事项清单) with materials checklists",
    roles=ANY_DEVICE,
    responses=responses(),
)
def matters():
    ctx = server().services.halls.get(principal().hall_id)
    items = sorted((m for m in ctx.matters.values() if m.active), key=lambda m: m.sort_order)
    return jsonify(
        {
            "matters": [
                {
                    "id": m.id,
                    "code": m.matter.code,
                    "name": m.matter.name,
                    "department": m.matter.department,
                    "domain": m.matter.domain,
                    "class": m.matter.matter_class,
                    "kind": m.matter.kind,
                    "promised_days": m.matter.promised_days,
                    "legal_days": m.matter.legal_days,
                    "ticket_prefix": m.matter.ticket_prefix,
                    "handling_minutes": m.matter.handling_minutes,
                    "forward_to": m.matter.forward_to,
                    "conditions": m.matter.conditions,
                    "legal_basis": m.matter.legal_basis,
                    "keywords": list(m.matter.keywords),
                    "materials": [vars(x) for x in m.matter.materials],
                }
                for m in items
            ]
        }
    )


# --- tickets ----------------------------------------------------------------------------------
ISSUE_BODY = obj(
    matter_id={"type": ["integer", "null"], "description": "null or absent: 综合业务, the window decides"},
    priority_group={"type": ["string", "null"], "maxLength": 32},
    appointment_code={"type": ["string", "null"], "maxLength": 16},
    id_number={"type": ["string", "null"], "maxLength": 18, "description": "check in by ID number"},
    accept_late_risk={
        "type": "boolean",
        "description": "the resident accepts that today's windows may not reach the ticket",
    },
    request_id={
        "type": ["string", "null"],
        "maxLength": 64,
        "description": "client-chosen id per tap; a retry with the same id returns the same ticket (200)",
    },
    case_no={
        "type": ["string", "null"],
        "maxLength": 16,
        "description": "return lane (补交材料 / 领取结果): the case number on the notice, with phone_tail",
    },
    phone_tail={"type": ["string", "null"], "maxLength": 4, "description": "last 4 digits of the case's phone"},
)


@spec.route(
    bp,
    "/tickets",
    "POST",
    "Take a number (walk-in, priority group, appointment check-in, or the return lane with case_no + phone_tail)",
    roles=("kiosk", "clerk", "supervisor", "admin"),
    body=ISSUE_BODY,
    responses={
        **responses(E400, E403, E404, E409, ok=(201, "Issued")),
        200: "Already issued for this request_id (a retry): the same ticket",
        429: "Too many return-lane or check-in tries from this device",
    },
    tag="tickets",
)
def issue_ticket():
    p = principal()
    # A slip is a deliberate act: a bare POST (a probe, a replayed request without its body) must
    # not print a 综合业务 number. The kiosk always sends its choice; {} still means 综合业务.
    if not request.get_data(cache=True).strip():
        raise InvalidInput("ticket_body_required")
    data = body()
    view = server().tickets.issue(
        p,
        IssueRequest(
            matter_id=data.get("matter_id"),
            priority_group=data.get("priority_group"),
            appointment_code=data.get("appointment_code"),
            id_number=data.get("id_number"),
            accept_late_risk=bool(data.get("accept_late_risk", False)),
            request_id=data.get("request_id") or None,  # "" is no id, not one shared by every tap
            case_no=data.get("case_no") or None,
            phone_tail=data.get("phone_tail"),
        ),
    )
    return jsonify(view), 200 if view.get("replayed") else 201


@spec.route(
    bp,
    "/tickets/<int:ticket_id>",
    "GET",
    "A ticket with its live position; with ?key= (from the slip's QR) no token is needed",
    roles=ANY_DEVICE,
    query={"key": {"type": "string", "maxLength": 32, "description": "the slip's public key"}},
    key_param="key",
    responses=responses(E404),
    tag="tickets",
)
def get_ticket(ticket_id: int):
    return jsonify(server().tickets.get(caller(), ticket_id, query().get("key")))


@spec.route(
    bp,
    "/tickets/<int:ticket_id>/history",
    "GET",
    "The ticket's state log (every step, with times)",
    roles=STAFF,
    responses=responses(E403, E404),
    tag="tickets",
)
def ticket_history(ticket_id: int):
    return jsonify(server().windows.history(principal(), ticket_id))


@spec.route(
    bp,
    "/tickets/<int:ticket_id>/cancel",
    "POST",
    "Cancel (作废) a ticket, with the reason (supervisor)",
    roles=("supervisor", "admin"),
    body=obj(("reason",), reason={"type": "string", "minLength": 1, "maxLength": 200}),
    responses=responses(E400, E403, E404, E409),
    tag="tickets",
)
def cancel_ticket(ticket_id: int):
    return jsonify(server().windows.cancel(principal(), ticket_id, body()["reason"]))


@spec.route(
    bp,
    "/queue",
    "GET",
    "The whole waiting line in calling order, held tickets, count and by_class (waiting per class of the order)",
    roles=("clerk", "supervisor", "admin", "board"),
    responses=responses(E403),
    tag="tickets",
)
def queue():
    return jsonify(server().windows.line(principal()))


# --- windows ----------------------------------------------------------------------------------
@spec.route(
    bp,
    "/windows",
    "GET",
    "Every window: state, clerk on duty, current number",
    roles=ANY_DEVICE,
    responses=responses(),
    tag="windows",
)
def windows():
    return jsonify({"windows": server().windows.windows(principal())})


WINDOW_ERRORS = responses(E400, E403, E404, E409)


def _window_action(name: str, summary: str, call, schema: dict | None = None, roles: tuple[str, ...] = STAFF):
    def view(number: int):
        p = principal()
        return jsonify(call(p, number, body()))

    view.__name__ = f"window_{name.replace('-', '_')}"
    spec.route(
        bp,
        f"/windows/<int:number>/{name}",
        "POST",
        summary,
        roles=roles,
        body=schema,
        responses=WINDOW_ERRORS,
        tag="windows",
        window_param="number",
    )(view)


def _desk():
    return server().windows


_window_action(
    "call-next", "Call the next ticket of the shared line to this window", lambda p, n, d: _desk().call_next(p, n)
)
_window_action("recall", "Call the current ticket again (重呼)", lambda p, n, d: _desk().recall(p, n))
_window_action("start", "Start serving the current ticket (开始办理)", lambda p, n, d: _desk().start(p, n))
_window_action("finish", "Finish the current service (办结)", lambda p, n, d: _desk().finish(p, n))
_window_action("no-show", "Mark the current ticket as not present (过号)", lambda p, n, d: _desk().no_show(p, n))
_window_action("hold", "Put the current service on hold (挂起)", lambda p, n, d: _desk().hold(p, n))
RESUME_BODY = obj(ticket_id={"type": ["integer", "null"]})
_window_action(
    "resume",
    "Resume a held service at this window (恢复)",
    lambda p, n, d: _desk().resume(p, n, d.get("ticket_id")),
    RESUME_BODY,
)
TRANSFER_BODY = obj(
    ("to",),
    to={"type": "string", "enum": ["line", "window", "matter"]},
    window={"type": ["integer", "null"]},
    matter_id={"type": ["integer", "null"]},
)
_window_action(
    "transfer",
    "Transfer the current ticket to another window, back to the line, or to another matter",
    lambda p, n, d: _desk().transfer(p, n, d["to"], d.get("window"), d.get("matter_id")),
    TRANSFER_BODY,
)
PAUSE_BODY = obj(("reason",), reason={"type": "string", "maxLength": 200, "minLength": 1})
_window_action(
    "pause",
    "Pause service at this window, with a reason (暂停服务)",
    lambda p, n, d: _desk().pause(p, n, d["reason"]),
    PAUSE_BODY,
)
_window_action("resume-window", "Resume service at this window (恢复服务)", lambda p, n, d: _desk().resume_window(p, n))
CLOSE_BODY = obj(("reason",), reason={"type": "string", "minLength": 1, "maxLength": 200})
# Closing and opening a window changes the hall's capacity: a supervisor's act, not a clerk's.
SUPERVISORS = ("supervisor", "admin")
_window_action(
    "close",
    "Close the window (supervisor)",
    lambda p, n, d: _desk().close_window(p, n, d["reason"]),
    CLOSE_BODY,
    SUPERVISORS,
)
_window_action(
    "open", "Open a closed window (supervisor)", lambda p, n, d: _desk().open_window(p, n), roles=SUPERVISORS
)
SIGN_IN_BODY = obj(
    ("post",),
    staff_no={"type": ["string", "null"], "maxLength": 32},
    post={"type": "string", "enum": ["A", "B"]},
    take_over={"type": "boolean"},
    reason={"type": ["string", "null"], "maxLength": 200},
    password={"type": ["string", "null"], "maxLength": 200, "description": "the password of staff_no (not oneself)"},
)
_window_action(
    "sign-in",
    "A clerk takes the window's A or B post (AB岗); take_over logs a hand-over. Signing in someone else needs "
    "that person's password (supervisors excepted)",
    lambda p, n, d: _desk().sign_in(
        p,
        n,
        d.get("staff_no"),
        d["post"],
        bool(d.get("take_over")),
        d.get("reason"),
        d.get("password"),
        f"addr:{request.remote_addr}",
    ),
    SIGN_IN_BODY,
)
SIGN_OUT_BODY = obj(reason={"type": ["string", "null"], "maxLength": 200})
_window_action(
    "sign-out",
    "The clerk leaves the post (sign-out, leave)",
    lambda p, n, d: _desk().sign_out(p, n, d.get("reason")),
    SIGN_OUT_BODY,
)


# --- appointments: routes_appointments.py ------------------------------------------------------
def _slot_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("invalid_datetime", field="slot_start") from None


# --- 预约上门 (home visits) ---------------------------------------------------------------------
ASSIGN_BODY = obj(
    ("staff_no", "start"),
    staff_no={"type": "string", "minLength": 1, "maxLength": 32},
    start=local_time("local time inside the visit hours, e.g. 2026-11-27T09:30"),
)
VISIT_OUTCOME_BODY = obj(
    case_no={"type": ["string", "null"], "maxLength": 16, "description": "the case opened on the spot"},
    note={"type": ["string", "null"], "maxLength": 200, "description": "why no case was opened"},
)


@spec.route(
    bp,
    "/home-visits",
    "GET",
    "预约上门 requests and visits: open, assigned, done and overdue (staff)",
    roles=STAFF,
    responses=responses(E403),
    tag="appointments",
)
def list_home_visits():
    return jsonify(server().home_visits.list(principal().hall_id))


@spec.route(
    bp,
    "/home-visits/<code>/assign",
    "POST",
    "Assign a home visit to a staff member at a time inside the visit hours (supervisor)",
    roles=SUPERVISORS,
    body=ASSIGN_BODY,
    responses=responses(E400, E403, E404, E409),
    tag="appointments",
)
def assign_home_visit(code: str):
    d = body()
    start = _slot_time(d["start"])
    return jsonify(server().home_visits.assign(principal().hall_id, code, d["staff_no"], start))


@spec.route(
    bp,
    "/home-visits/<code>/sheet.pdf",
    "GET",
    "The visit's A4 sheet (resident, address, matter, checklist of materials, staff) to take along",
    roles=STAFF,
    responses=responses(E403, E404),
    tag="appointments",
)
def home_visit_sheet(code: str):
    visit = server().home_visits.sheet(principal().hall_id, code)
    pdf = render_pdf(build_visit_sheet(visit, locale()), locale())
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="visit-{code[:8]}.pdf"'}
    )


@spec.route(
    bp,
    "/home-visits/<code>/outcome",
    "POST",
    "Record a visit's outcome: the case opened on the spot (case_no) or why not (note)",
    roles=STAFF,
    body=VISIT_OUTCOME_BODY,
    responses=responses(E400, E403, E404, E409),
    tag="appointments",
)
def record_home_visit(code: str):
    d = body()
    return jsonify(server().home_visits.record(principal().hall_id, code, d.get("case_no"), d.get("note")))


# --- the local calendar ---------------------------------------------------------------------------
@spec.route(
    bp,
    "/calendar/overrides",
    "GET",
    "The hall's local working-day overrides",
    roles=("supervisor", "admin"),
    responses=responses(E403),
    tag="calendar",
)
def list_overrides():
    return jsonify({"overrides": server().overview.overrides(principal())})


OVERRIDE_BODY = obj(
    ("kind",),
    kind={"type": ["string", "null"], "enum": ["workday", "holiday", "duty", None]},
    note={"type": "string", "maxLength": 100},
    # kind "duty" (节假日受理) only; the service checks the ranges and windows against the hall.
    hours={
        "type": "array",
        "items": {"type": "string", "maxLength": 40},
        "maxItems": 20,
        "examples": [["09:00-11:30"]],
    },
    windows={"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 9999}, "maxItems": 50},
    appointment_only={"type": "boolean"},
    affected_bookings={
        "type": "string",
        "enum": ["cancel_and_notify"],
        "description": "confirms a change that leaves bookings of the day without a seat: the hall cancels "
        "them and each resident gets an SMS with the /book link to pick a new slot (without it: 409 and the list)",
    },
)


@spec.route(
    bp,
    "/calendar/overrides/<day>",
    "PUT",
    "Mark a date a working day, a holiday (调休, 值班日) or a 节假日受理 duty day with its own hours, windows "
    "and appointment_only (kind duty); kind null removes the entry",
    roles=("supervisor", "admin"),
    body=OVERRIDE_BODY,
    path_params={"day": day("the day, YYYY-MM-DD", "2026-12-01")},
    responses=responses(E400, E403, (409, "Bookings of the day would lose their seat; details.affected lists them")),
    tag="calendar",
)
def put_override(day: str):
    p = principal()
    d = body()
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("invalid_date", value=day) from None
    return jsonify(
        server().overview.set_override(
            p,
            when,
            d.get("kind"),
            d.get("note", ""),
            hours=d.get("hours"),
            windows=d.get("windows"),
            appointment_only=d.get("appointment_only"),
            affected_bookings=d.get("affected_bookings"),
            book_url=_booking_page_url(),
        )
    )


def _booking_page_url() -> str:
    # The address residents' phones reach (`serve --public-url`, the key display_board/web.py
    # reads for the board's QR), else the one this request came to.
    return (current_app.config.get("YICHUANG_PUBLIC_URL") or request.host_url).rstrip("/") + "/book"


# --- announcements ------------------------------------------------------------------------------
ANNOUNCEMENT_BODY = obj(
    ("event_id",),
    event_id={"type": "integer", "minimum": 1, "maximum": 2**62},
    device={"type": "string", "maxLength": 100},
)


@spec.route(
    bp,
    "/announcements",
    "POST",
    "The announcer reports a call (ticket.called / ticket.recalled event) it has spoken; 过号 waits for these",
    roles=("board",),
    body=ANNOUNCEMENT_BODY,
    responses=responses(E400, E403, E404),
    tag="windows",
)
def report_announcement():
    d = body()
    return jsonify(server().announcements.record(principal(), d["event_id"], d.get("device", "").strip()[:100]))


# --- devices -------------------------------------------------------------------------------------
DEVICE_BODY = obj(
    ("device", "kind", "state"),
    device={"type": "string", "maxLength": 100, "minLength": 1},
    kind={"type": "string", "maxLength": 32},
    state={"type": "string", "maxLength": 32},
    detail={"type": "string", "maxLength": 500},
)


@spec.route(
    bp,
    "/devices/status",
    "POST",
    "A kiosk, pad or bridge reports a peripheral's state (e.g. printer paper_out)",
    roles=("kiosk", "pad", "board", "clerk", "supervisor", "admin"),
    body=DEVICE_BODY,
    responses=responses(E400, E403),
    tag="devices",
)
def report_device():
    d = body()
    return jsonify(server().devices.report(principal(), d["device"], d["kind"], d["state"], d.get("detail", "")))


@spec.route(
    bp,
    "/devices",
    "GET",
    "Every peripheral's last reported state (supervisors see problems)",
    roles=("supervisor", "admin"),
    responses=responses(E403),
    tag="devices",
)
def list_devices():
    return jsonify({"devices": server().devices.list(principal())})
