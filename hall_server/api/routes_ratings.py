"""好差评 closed loop over HTTP: figures, ranking, exports, follow-ups and appeals.

Public contract (kept stable for other makers' pads and for the county):
GET /ratings/figures?from&to&by, GET /follow-ups?state, POST /follow-ups/{id}/{action},
GET /ratings/export.xlsx and /ratings/export.jsonl.
"""

from __future__ import annotations

from flask import Response, jsonify

from ..services.follow_ups import QUERY_STATES
from ..services.rating_figures import GROUPINGS
from .context import body, principal, query, server
from .declarations import E400, E403, E404, E409, bp, responses, spec
from .spec import obj
from .validation import day

SUPERVISION = ("supervisor", "admin")
FOLLOW = ("clerk", "supervisor", "admin")
PERIOD = "?from=YYYY-MM-DD&to=YYYY-MM-DD (at most 3 years)"
# Both days are needed (the service says so when one is missing); their form is checked here.
PERIOD_QUERY = {
    "from": day("first day"),
    "to": day("last day"),
}
FIGURES_QUERY = {
    **PERIOD_QUERY,
    "by": {"type": "string", "enum": list(GROUPINGS), "description": "grouping (default window)"},
}


@spec.route(
    bp,
    "/ratings/figures",
    "GET",
    "好差评 figures of a period " + PERIOD + " &by=window|clerk|matter|department|day|week|month",
    roles=SUPERVISION,
    query=FIGURES_QUERY,
    responses=responses(E400, E403),
    tag="ratings",
)
def rating_figures():
    a = query()
    return jsonify(server().figures.figures(principal(), a.get("from"), a.get("to"), a.get("by")))


@spec.route(
    bp,
    "/ratings/ranking",
    "GET",
    "Windows and clerks ranked by 好评率 for a period " + PERIOD,
    roles=SUPERVISION,
    query=PERIOD_QUERY,
    responses=responses(E400, E403),
    tag="ratings",
)
def rating_ranking():
    return jsonify(server().figures.ranking(principal(), query().get("from"), query().get("to")))


@spec.route(
    bp,
    "/ratings/export.xlsx",
    "GET",
    "The period's figures (with an Excel chart), ratings and follow-ups as .xlsx " + PERIOD,
    roles=SUPERVISION,
    query=FIGURES_QUERY,
    responses=responses(E400, E403),
    tag="ratings",
)
def rating_export_xlsx():
    a = query()
    data = server().rating_export.xlsx(principal(), a.get("from"), a.get("to"), a.get("by"))
    name = f"ratings-{a.get('from')}-{a.get('to')}.xlsx"
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@spec.route(
    bp,
    "/ratings/export.jsonl",
    "GET",
    "One JSON line per rating of the period for an upstream 好差评 platform " + PERIOD,
    roles=SUPERVISION,
    query=PERIOD_QUERY,
    responses=responses(E400, E403),
    tag="ratings",
)
def rating_export_jsonl():
    a = query()
    data = server().rating_export.jsonl(principal(), a.get("from"), a.get("to"))
    return Response(data, mimetype="application/x-ndjson", headers={"Cache-Control": "no-store"})


@spec.route(
    bp,
    "/follow-ups",
    "GET",
    "差评 follow-ups (?state=pending_callback|verifying|…|closed|open|overdue), with the rater's phone "
    "(each view logged); a clerk sees only his own",
    roles=FOLLOW,
    query={"state": {"type": "string", "enum": list(QUERY_STATES)}},
    responses=responses(E400, E403),
    tag="ratings",
)
def follow_ups():
    return jsonify(server().follow_ups.list(principal(), query().get("state")))


@spec.route(
    bp,
    "/follow-ups/alerts",
    "GET",
    "Counts for the supervisor's alert strip: awaiting call-back, overdue",
    roles=SUPERVISION,
    responses=responses(E403),
    tag="ratings",
)
def follow_up_alerts():
    return jsonify(server().follow_ups.alerts(principal()))


@spec.route(
    bp,
    "/follow-ups/<int:follow_up_id>",
    "GET",
    "One follow-up with its steps and messages to the rater",
    roles=FOLLOW,
    responses=responses(E403, E404),
    tag="ratings",
)
def follow_up(follow_up_id: int):
    return jsonify(server().follow_ups.get(principal(), follow_up_id))


STEP_BODY = obj(
    (),
    note={"type": ["string", "null"], "maxLength": 1000},
    days={"type": ["integer", "null"], "minimum": 1, "maximum": 60, "description": "限期整改: working days"},
    feedback={"type": ["string", "null"], "enum": ["satisfied", "unsatisfied", None]},
)


@spec.route(
    bp,
    "/follow-ups/<int:follow_up_id>/<action>",
    "POST",
    "A follow-up step: call_back, rectify_now, rectify_deadline, explain, report_back (SMS to the rater), close",
    roles=FOLLOW,
    body=STEP_BODY,
    responses=dict([(200, "Done"), E400, (401, "No or unknown token"), E403, E404, E409]),
    tag="ratings",
)
def follow_up_step(follow_up_id: int, action: str):
    d = body()
    return jsonify(server().follow_ups.act(principal(), follow_up_id, action, d))


APPEAL_BODY = obj(
    ("kind", "reason"),
    kind={"type": "string", "enum": ["mistaken", "malicious", "not_this_service"]},
    reason={"type": "string", "maxLength": 1000, "minLength": 1},
)


@spec.route(
    bp,
    "/ratings/<int:rating_id>/appeal",
    "POST",
    "申诉: the clerk who served appeals a rating (mistaken, malicious, not about this service)",
    roles=("clerk",),
    body=APPEAL_BODY,
    responses=dict([(201, "Filed"), E400, (401, "No or unknown token"), E403, E404, E409]),
    tag="ratings",
)
def rating_appeal(rating_id: int):
    d = body()
    return jsonify(server().appeals.file(principal(), rating_id, d["kind"], d["reason"])), 201


@spec.route(
    bp,
    "/rating-appeals",
    "GET",
    "Appeals (?state=pending|upheld|rejected); a clerk sees his own",
    roles=FOLLOW,
    query={"state": {"type": "string", "enum": ["pending", "upheld", "rejected"]}},
    responses=responses(E400, E403),
    tag="ratings",
)
def rating_appeals():
    return jsonify(server().appeals.list(principal(), query().get("state")))


DECISION_BODY = obj(
    ("decision", "note"),
    decision={"type": "string", "enum": ["upheld", "rejected"]},
    note={"type": "string", "maxLength": 1000, "minLength": 1},
)


@spec.route(
    bp,
    "/rating-appeals/<int:appeal_id>/decision",
    "POST",
    "复核: a supervisor or admin upholds (the rating leaves the figures, stays in the record) or rejects",
    roles=SUPERVISION,
    body=DECISION_BODY,
    responses=dict([(200, "Decided"), E400, (401, "No or unknown token"), E403, E404, E409]),
    tag="ratings",
)
def rating_appeal_decision(appeal_id: int):
    d = body()
    return jsonify(server().appeals.decide(principal(), appeal_id, d["decision"], d["note"]))


@spec.route(
    bp,
    "/ratings/default-unrated",
    "POST",
    "Apply the hall's 未评价 default level to services unrated after N days (also run by the hall ticker)",
    roles=("admin",),
    responses=responses(E403),
    tag="ratings",
)
def rating_default_unrated():
    p = principal()
    srv = server()
    return jsonify({"defaulted": srv.figures.default_unrated(srv.services.halls.get(p.hall_id))})
