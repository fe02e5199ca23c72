"""Statistics, monthly reports and the daily closing summary."""

from __future__ import annotations

from typing import Any

from flask import jsonify, make_response

from ..documents import monthly_report
from ..services.statistics import BY, MAX_DAYS, STATS_ROLES
from .context import body, locale, principal, query, server
from .declarations import DATE_QUERY, E400, E403, E404, E409, bp, responses, spec
from .spec import obj
from .validation import day, month


def _day(description: str) -> dict[str, Any]:
    return day(description)


# The query parameters of the statistics, reports and rosters: their form is checked by the route's
# guard (a 400 naming the parameter); what depends on the hall (a month not begun yet, an unknown
# hall, from after to) stays with the services.
MONTH_QUERY = {"month": month()}
HALL_QUERY = {
    "hall": {
        "type": "string",
        "pattern": r"^[A-Za-z0-9_-]{1,64}$",
        "examples": ["banzhuyuan"],
        "description": "a hall's code: the county admin's choice of hall (others: only their own)",
    }
}
PERIOD_QUERY = {
    "from": _day("first day (default: the 1st of this month)"),
    "to": _day(f"last day (default: today; at most {MAX_DAYS} days after from)"),
}
STATS_QUERY = {**PERIOD_QUERY, "by": {"type": "string", "enum": list(BY), "description": "grouping (default day)"}}


@spec.route(
    bp,
    "/stats",
    "GET",
    "Figures of a period (?from=YYYY-MM-DD&to=YYYY-MM-DD&by=" + "|".join(BY) + "[&hall=code]): tickets issued,"
    " served, no-show, cancelled, wait and handling p50/p90/max, utilisation, 一窗通办率, 办结率, overdue cases",
    roles=STATS_ROLES,
    query={**STATS_QUERY, **HALL_QUERY},
    responses=responses(E400, E403, E404),
    tag="statistics",
)
def stats():
    a = query()
    srv = server()
    q = srv.stats.query(principal(), a.get("from"), a.get("to"), a.get("by"), a.get("hall"))
    return jsonify(srv.stats.figures(q, locale()))


def _file(data: bytes, mime: str, name: str):
    response = make_response(data)
    response.headers["Content-Type"] = mime
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@spec.route(
    bp,
    "/reports/monthly.xlsx",
    "GET",
    "The monthly report as an Excel workbook with native charts (?month=YYYY-MM)",
    roles=STATS_ROLES,
    query={**MONTH_QUERY, **HALL_QUERY},
    responses=responses(E400, E403, E404),
    tag="statistics",
    query_token=True,  # a download link the browser opens (stats.js), which cannot carry a header
)
def monthly_xlsx():
    report = server().stats.report(principal(), query().get("month"), query().get("hall"), locale())
    return _file(monthly_report.render_xlsx(report, locale()), XLSX, f"monthly-{report['month']}.xlsx")


@spec.route(
    bp,
    "/reports/monthly.pdf",
    "GET",
    "The monthly report as A4 PDF: a cover with the hall, month and headline figures, then tables and charts",
    roles=STATS_ROLES,
    query={**MONTH_QUERY, **HALL_QUERY},
    responses=responses(E400, E403, E404),
    tag="statistics",
    query_token=True,  # a download link the browser opens (stats.js), which cannot carry a header
)
def monthly_pdf():
    report = server().stats.report(principal(), query().get("month"), query().get("hall"), locale())
    return _file(monthly_report.render_pdf(report, locale()), "application/pdf", f"monthly-{report['month']}.pdf")


@spec.route(
    bp,
    "/reports/daily.pdf",
    "GET",
    "The one-page daily closing summary (?date=YYYY-MM-DD, default today) to print at closing time",
    roles=("supervisor", "admin"),
    query=DATE_QUERY,
    responses=responses(E400, E403),
    tag="statistics",
)
def daily_pdf():
    report = server().stats.daily(principal(), query().get("date"), locale())
    return _file(
        monthly_report.render_pdf(report, locale(), daily=True), "application/pdf", f"daily-{report['month']}.pdf"
    )


# --- 带班 roster --------------------------------------------------------------------------
DUTY_BODY = obj(
    staff_no={"type": ["string", "null"], "maxLength": 32, "description": "the leader on duty (a swap when changed)"},
    title={"type": ["string", "null"], "maxLength": 50, "description": "职务, needed the first time, e.g. 分管副镇长"},
    check_in={"type": ["boolean", "null"], "description": "the leader checks in (only on the day itself)"},
    problems={"type": ["string", "null"], "maxLength": 2000, "description": "问题 noted on duty"},
    actions={"type": ["string", "null"], "maxLength": 2000, "description": "处理: what was done about them"},
)


@spec.route(
    bp,
    "/duty-roster",
    "GET",
    "The 带班 roster of a month (?month=YYYY-MM): half-day shifts, leaders with their half-days and minimum",
    roles=("supervisor", "admin"),
    query=MONTH_QUERY,
    responses=responses(E400, E403),
    tag="operations",
)
def duty_roster():
    return jsonify(server().duty.month(principal(), query().get("month")))


@spec.route(
    bp,
    "/duty-roster/<day>/<half>",
    "PUT",
    "Plan, swap, check in or note one half-day of 带班 (half: am or pm)",
    roles=("supervisor", "admin"),
    body=DUTY_BODY,
    path_params={"day": day("the day, YYYY-MM-DD", "2026-12-01")},
    responses=responses(E400, E403, E404, E409),
    tag="operations",
)
def duty_shift(day: str, half: str):
    return jsonify(server().duty.set_shift(principal(), day, half, body()))


# --- AB岗 roster ---------------------------------------------------------------------------
PLAN_BODY = obj(
    a_staff_no={"type": ["string", "null"], "maxLength": 32, "description": "the planned A person"},
    b_staff_no={"type": ["string", "null"], "maxLength": 32, "description": "the planned B person"},
)
LEAVE_BODY = obj(
    ("staff_no", "date", "on_leave"),
    staff_no={"type": "string", "maxLength": 32, "minLength": 1},
    date=day("the leave day, YYYY-MM-DD"),
    on_leave={"type": "boolean"},
)


@spec.route(
    bp,
    "/ab-roster",
    "GET",
    "The AB岗 roster: planned A and B per window post, and leave days of a month (?month=YYYY-MM)",
    roles=("supervisor", "admin"),
    query=MONTH_QUERY,
    responses=responses(E400, E403),
    tag="operations",
)
def ab_roster():
    return jsonify(server().ab_roster.roster(principal(), query().get("month")))


@spec.route(
    bp,
    "/ab-roster/<int:window>",
    "PUT",
    "Plan the A and B person of a window post",
    roles=("supervisor", "admin"),
    body=PLAN_BODY,
    responses=responses(E400, E403, E404),
    tag="operations",
)
def ab_plan(window: int):
    d = body()
    return jsonify(server().ab_roster.set_plan(principal(), window, d.get("a_staff_no"), d.get("b_staff_no")))


@spec.route(
    bp,
    "/ab-roster/leave",
    "PUT",
    "Mark (or clear) a leave day of a staff member",
    roles=("supervisor", "admin"),
    body=LEAVE_BODY,
    responses=responses(E400, E403, E404),
    tag="operations",
)
def ab_leave():
    d = body()
    return jsonify(server().ab_roster.set_leave(principal(), d["staff_no"], d["date"], d["on_leave"]))


@spec.route(
    bp,
    "/windows/<int:number>/takeover-options",
    "GET",
    "Who is planned to take this window's post now (the planned B first), and whether the caller is",
    roles=("clerk", "supervisor", "admin"),
    window_param="number",
    responses=responses(E403),
    tag="operations",
)
def takeover_options(number: int):
    return jsonify(server().ab_roster.options(principal(), number))
