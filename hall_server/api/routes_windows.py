"""Windows: the list, and what a clerk or supervisor does at one (叫号, 办结, 过号, sign-in …), each a POST
to /windows/<number>/<action>."""

from __future__ import annotations

from flask import jsonify, request

from .context import body, principal, server
from .declarations import ANY_DEVICE, E400, E403, E404, E409, STAFF, SUPERVISORS, bp, responses, spec
from .spec import obj


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
