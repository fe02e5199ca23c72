"""Cases (办件) over HTTP: window outcomes, back office, result delivery, documents, progress."""

from __future__ import annotations

from datetime import date

from flask import Response, g, jsonify, request

from ..core.errors import InvalidInput
from ..documents import build, render_pdf, thermal_bytes
from ..services.case_requests import (
    DECISIONS,
    DELIVERY_CHOICES,
    DELIVERY_METHODS,
    MATERIAL_STATUSES,
    OUTCOMES,
    Decision,
    Delivery,
    OpenCase,
    OutcomeRequest,
    Review,
)
from .context import Unauthorized, body, caller, locale, principal, query, server
from .declarations import DATE_QUERY, E400, E403, E404, E409, bp, responses, spec
from .spec import obj

CASE_ROLES = ("clerk", "backoffice", "supervisor", "admin")
FRONT = ("clerk", "supervisor", "admin")
ERRORS = responses(E400, E403, E404, E409)
TEXT = {"type": ["string", "null"], "maxLength": 1000}


OPEN_BODY = obj(
    ("matter_id", "applicant_name"),
    matter_id={"type": "integer"},
    ticket_id={"type": ["integer", "null"]},
    applicant_name={"type": "string", "maxLength": 50, "minLength": 1},
    id_number={"type": ["string", "null"], "maxLength": 18},
    phone={"type": ["string", "null"], "maxLength": 20},
    proxy_name={"type": ["string", "null"], "maxLength": 50},
    proxy_id_number={"type": ["string", "null"], "maxLength": 18},
    window={"type": ["integer", "null"], "description": "supervisors opening for a window"},
)


@spec.route(
    bp,
    "/cases",
    "POST",
    "Open a case for a matter at the window (办件登记; 首问负责: this window owns it)",
    roles=FRONT,
    body=OPEN_BODY,
    responses=responses(E400, E403, E404, ok=(201, "Opened")),
    tag="cases",
)
def open_case():
    return jsonify(server().case_intake.open(principal(), OpenCase(**body()))), 201


@spec.route(
    bp,
    "/cases",
    "GET",
    "Cases, newest first (?state=, ?window=); back office: its department only",
    roles=CASE_ROLES,
    query={
        "state": {"type": "string", "maxLength": 32, "description": "only cases in this state"},
        "window": {"type": "integer", "minimum": 0, "maximum": 999, "description": "only cases of this window"},
    },
    responses=responses(E400, E403),
    tag="cases",
)
def list_cases():
    q = query()
    return jsonify({"cases": server().case_reads.list(principal(), q.get("state"), q.get("window"))})


@spec.route(
    bp,
    "/cases/inbox",
    "GET",
    "The back office's in-tray: handed over and decided cases",
    roles=("backoffice", "supervisor", "admin"),
    responses=responses(E403),
    tag="cases",
)
def case_inbox():
    return jsonify(server().case_reads.inbox(principal()))


@spec.route(
    bp,
    "/cases/dashboard",
    "GET",
    "Supervisor's dashboard: open cases by stage, overdue and near-due, 一窗通办率 and 一窗办结率",
    roles=("supervisor", "admin"),
    responses=responses(E403),
    tag="cases",
)
def case_dashboard():
    return jsonify(server().case_reads.dashboard(principal()))


@spec.route(
    bp,
    "/cases/progress/<case_no>",
    "GET",
    "A resident's view of a case (masked; kiosk and phone page): needs ?code= — the query code printed on the "
    "notices (a phone's last 4 digits are not enough); rate-limited per client address and per case number",
    public=True,
    query={"code": {"type": "string", "maxLength": 16, "description": "the 6-digit query code from the notice"}},
    responses={200: "OK", 400: "No code", 404: "Unknown number or wrong code", 429: "Too many lookups"},
    tag="cases",
)
def case_progress(case_no: str):
    srv = server()
    p = caller()
    hall_id = p.hall_id if p is not None else srv.services.halls.by_code_or_first(g.get("path_hall")).id
    # The kiosk is one address for a whole hall of residents: it is counted by its token instead.
    client = f"token:{p.token_id}" if p is not None else f"addr:{request.remote_addr}"
    response = jsonify(srv.case_reads.progress(hall_id, case_no, query().get("code", ""), locale(), client))
    response.headers["Cache-Control"] = "no-store"
    return response


@spec.route(
    bp,
    "/cases/access-log",
    "GET",
    "Who read which case's personal data and when, newest first (?case_no=, ?date=YYYY-MM-DD, ?before_id=)",
    roles=("supervisor", "admin"),
    query={
        "case_no": {"type": "string", "maxLength": 16},
        **DATE_QUERY,
        "before_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    },
    responses=responses(E400, E403),
    tag="cases",
)
def case_access_log():
    q = query()
    day = q.get("date")
    try:
        parsed = date.fromisoformat(day) if day else None
    except ValueError:
        raise InvalidInput("invalid_date", value=day) from None
    return jsonify(server().case_reads.access_log(principal(), q.get("case_no") or None, parsed, q.get("before_id")))


@spec.route(
    bp,
    "/cases/<case_no>",
    "GET",
    "A case with its checklist, documents and full history (clerks: their window's cases; another window's "
    "case waiting for materials with ?code= — the query code on the resident's notice)",
    roles=CASE_ROLES,
    query={"code": {"type": "string", "maxLength": 16, "description": "the query code on the resident's notice"}},
    responses=responses(E403, E404),
    tag="cases",
)
def get_case(case_no: str):
    return jsonify(server().case_reads.get(principal(), case_no, query().get("code")))


DELIVER_FIELDS: dict = {
    "method": {"type": "string", "enum": list(DELIVERY_METHODS)},
    "recipient": {"type": "string", "maxLength": 50},
    "relation": {"type": "string", "maxLength": 50},
    "place": {"type": ["string", "null"], "maxLength": 200},
    "document": {"type": ["string", "null"], "maxLength": 200},
    "signature": {
        "type": "string",
        "maxLength": 70000,
        "description": "PNG/JPEG signature or photo, base64 or data: URL",
    },
}
DELIVER_REQUIRED = ("method", "recipient", "relation", "signature")
OUTCOME_BODY = obj(
    ("outcome",),
    outcome={"type": "string", "enum": list(OUTCOMES)},
    materials={
        "type": ["array", "null"],
        "maxItems": 100,
        "items": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 200},
                "status": {"type": "string", "enum": list(MATERIAL_STATUSES)},
                "note": {"type": ["string", "null"], "maxLength": 200},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
        "description": "the clerk's ticks on the matter's checklist",
    },
    identity_checked={"type": "boolean"},
    proxy_authorized={"type": "boolean"},
    delivery_choice={"type": ["string", "null"], "enum": [*DELIVERY_CHOICES, None]},
    village_station={"type": ["string", "null"], "maxLength": 100},
    deadline_days={"type": ["integer", "null"], "minimum": 1, "maximum": 60},
    reasons=TEXT,
    redirect_to={"type": ["string", "null"], "maxLength": 200},
    result={"type": ["string", "null"], "maxLength": 500},
    supervisor_reason={"type": ["string", "null"], "maxLength": 500},
    receipt={
        "type": ["object", "null"],
        "properties": DELIVER_FIELDS,
        "required": list(DELIVER_REQUIRED),
        "additionalProperties": False,
        "description": "即办: deliver at once (same fields as /deliver)",
    },
)


@spec.route(
    bp,
    "/cases/<case_no>/outcome",
    "POST",
    "The window's outcome: 即办 immediate, 受理 accept, 一次性告知 supplement, escalate to a supervisor; "
    "reject (不予受理) only by a supervisor (窗口无否决权)",
    roles=FRONT,
    body=OUTCOME_BODY,
    responses=ERRORS,
    tag="cases",
)
def case_outcome(case_no: str):
    data = body()
    receipt = data.get("receipt")
    at_once = Delivery(**receipt) if receipt is not None else None
    return jsonify(server().case_intake.outcome(principal(), case_no, OutcomeRequest.from_json(data), at_once))


RESUME_BODY = obj(
    query_code={"type": ["string", "null"], "maxLength": 16, "description": "the notice's code (another window)"}
)


@spec.route(
    bp,
    "/cases/<case_no>/resume",
    "POST",
    "The resident came back with the materials: continue the case (at another window: with the notice's query "
    "code, and that window then serves the case)",
    roles=FRONT,
    body=RESUME_BODY,
    responses=ERRORS,
    tag="cases",
)
def case_resume(case_no: str):
    return jsonify(server().case_intake.resume(principal(), case_no, body().get("query_code")))


REVIEW_BODY = obj(
    ("action",),
    action={"type": "string", "enum": ["reject", "back_to_window"]},
    reasons=TEXT,
    redirect_to={"type": ["string", "null"], "maxLength": 200},
    note={"type": ["string", "null"], "maxLength": 500},
)


@spec.route(
    bp,
    "/cases/<case_no>/review",
    "POST",
    "A supervisor settles an escalated case",
    roles=("supervisor", "admin"),
    body=REVIEW_BODY,
    responses=ERRORS,
    tag="cases",
)
def case_review(case_no: str):
    return jsonify(server().case_intake.review(principal(), case_no, Review(**body())))


NOTE_BODY = obj(note={"type": ["string", "null"], "maxLength": 500})


@spec.route(
    bp,
    "/cases/<case_no>/hand-over",
    "POST",
    "转办: hand the accepted case to its department",
    roles=FRONT,
    body=NOTE_BODY,
    responses=ERRORS,
    tag="cases",
)
def case_hand_over(case_no: str):
    return jsonify(server().case_office.hand_over(principal(), case_no, body().get("note")))


@spec.route(
    bp,
    "/cases/<case_no>/receive",
    "POST",
    "The department signs for the case (time recorded)",
    roles=("backoffice", "supervisor", "admin"),
    responses=ERRORS,
    tag="cases",
)
def case_receive(case_no: str):
    return jsonify(server().case_office.receive(principal(), case_no))


DECIDE_BODY = obj(
    ("decision", "result"),
    decision={"type": "string", "enum": list(DECISIONS)},
    reasons=TEXT,
    result={"type": "string", "maxLength": 500},
)


@spec.route(
    bp,
    "/cases/<case_no>/decide",
    "POST",
    "The department's decision (approved, or rejected with reasons)",
    roles=("backoffice", "supervisor", "admin"),
    body=DECIDE_BODY,
    responses=ERRORS,
    tag="cases",
)
def case_decide(case_no: str):
    return jsonify(server().case_office.decide(principal(), case_no, Decision(**body())))


@spec.route(
    bp,
    "/cases/<case_no>/return",
    "POST",
    "取回登记: the result is back at the front window",
    roles=FRONT,
    body=NOTE_BODY,
    responses=ERRORS,
    tag="cases",
)
def case_return(case_no: str):
    return jsonify(server().case_delivery.return_result(principal(), case_no, body().get("note")))


@spec.route(
    bp,
    "/cases/<case_no>/notify",
    "POST",
    "Tell the resident the result is ready (SMS gateway or outbox)",
    roles=FRONT,
    responses=ERRORS,
    tag="cases",
)
def case_notify(case_no: str):
    return jsonify(server().case_delivery.notify(principal(), case_no))


DELIVER_BODY = obj(DELIVER_REQUIRED, **DELIVER_FIELDS)


@spec.route(
    bp,
    "/cases/<case_no>/deliver",
    "POST",
    "送达: hand over the result and archive the receipt (once)",
    roles=FRONT,
    body=DELIVER_BODY,
    responses=ERRORS,
    tag="cases",
)
def case_deliver(case_no: str):
    return jsonify(server().case_delivery.deliver(principal(), case_no, Delivery(**body())))


@spec.route(
    bp,
    "/cases/<case_no>/documents/<kind>/link",
    "GET",
    "A short-lived signed address of the document's PDF (5 minutes, this document only): for opening it in "
    "a new tab without a token in the address",
    roles=CASE_ROLES,
    responses=responses(E403, E404),
    tag="cases",
)
def case_document_link(case_no: str, kind: str):
    p = principal()
    srv = server()
    srv.case_reads.check_readable(p, case_no[:16])
    path = f"{request.script_root}/api/v1/cases/{case_no}/documents/{kind[:16]}.pdf"
    return jsonify({"url": f"{path}?link={srv.tokens.sign_link(p, path)}"})


@spec.route(
    bp,
    "/cases/<case_no>/documents/<kind>.pdf",
    "GET",
    "A case document as an A4 PDF (acceptance, supplement, rejection, result, receipt); a browser tab may "
    "use ?link= from /documents/<kind>/link instead of a token",
    roles=CASE_ROLES,
    query={"link": {"type": "string", "maxLength": 80, "description": "from /documents/<kind>/link"}},
    key_param="link",
    responses=responses(E403, E404),
    tag="cases",
)
def case_document_pdf(case_no: str, kind: str):
    link = query().get("link")
    if link and caller() is None:
        p = server().tokens.verify_link(request.path, link)
        if p is None:
            raise Unauthorized("link_expired", "cases.link_expired")
        g.principal = p
    ctx, case, receipt = server().case_reads.record(principal(), case_no, f"pdf:{kind}")
    base = request.host_url.rstrip("/")
    progress = f"{base}/cases-ui/progress?no={case_no}&code={case.get('query_code') or ''}"
    doc = build(kind, case, ctx.config.name, receipt, locale(), ctx.config.phone, progress, f"{base}/book")
    pdf = render_pdf(doc, locale())
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{case_no}-{kind}.pdf"'}
    )


@spec.route(
    bp,
    "/cases/<case_no>/documents/<kind>.escpos",
    "GET",
    "The short thermal version of a case document, as ESC/POS bytes for the window printer",
    roles=CASE_ROLES,
    responses=responses(E403, E404),
    tag="cases",
)
def case_document_thermal(case_no: str, kind: str):
    ctx, case, receipt = server().case_reads.record(principal(), case_no, f"escpos:{kind}")
    data = thermal_bytes(build(kind, case, ctx.config.name, receipt, locale(), ctx.config.phone), locale())
    return Response(data, mimetype="application/octet-stream")
