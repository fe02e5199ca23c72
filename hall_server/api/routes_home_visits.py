"""预约上门 (home visits): the requests and visits, assigning one, its sheet to take along, its outcome."""

from __future__ import annotations

from flask import Response, jsonify

from ..documents.pdf import render_pdf
from ..documents.visit_sheet import build_visit_sheet
from .context import body, locale, principal, server
from .declarations import E400, E403, E404, E409, STAFF, SUPERVISORS, bp, local_datetime, responses, spec
from .spec import obj
from .validation import local_time

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
    start = local_datetime(d["start"], "start")
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
