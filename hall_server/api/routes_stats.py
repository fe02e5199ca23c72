"""Statistics, monthly reports and the daily closing summary (issue 13)."""

from __future__ import annotations

from flask import jsonify, make_response, request

from ..documents import monthly_report
from ..services.statistics import BY, STATS_ROLES
from .context import locale, principal, server
from .routes import E400, E403, E404, bp, responses, spec


@spec.route(
    bp,
    "/stats",
    "GET",
    "Figures of a period (?from=YYYY-MM-DD&to=YYYY-MM-DD&by=" + "|".join(BY) + "[&hall=code]): tickets issued,"
    " served, no-show, cancelled, wait and handling p50/p90/max, utilisation, 一窗通办率, 办结率, overdue cases",
    roles=STATS_ROLES,
    responses=responses(E400, E403, E404),
    tag="statistics",
)
def stats():
    a = request.args
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
    responses=responses(E400, E403, E404),
    tag="statistics",
)
def monthly_xlsx():
    report = server().stats.report(principal(), request.args.get("month"), request.args.get("hall"), locale())
    return _file(monthly_report.render_xlsx(report, locale()), XLSX, f"monthly-{report['month']}.xlsx")


@spec.route(
    bp,
    "/reports/monthly.pdf",
    "GET",
    "The monthly report as A4 PDF: a cover with the hall, month and headline figures, then tables and charts",
    roles=STATS_ROLES,
    responses=responses(E400, E403, E404),
    tag="statistics",
)
def monthly_pdf():
    report = server().stats.report(principal(), request.args.get("month"), request.args.get("hall"), locale())
    return _file(monthly_report.render_pdf(report, locale()), "application/pdf", f"monthly-{report['month']}.pdf")


@spec.route(
    bp,
    "/reports/daily.pdf",
    "GET",
    "The one-page daily closing summary (?date=YYYY-MM-DD, default today) to print at closing time",
    roles=("supervisor", "admin"),
    responses=responses(E400, E403),
    tag="statistics",
)
def daily_pdf():
    report = server().stats.daily(principal(), request.args.get("date"), locale())
    return _file(
        monthly_report.render_pdf(report, locale(), daily=True), "application/pdf", f"daily-{report['month']}.pdf"
    )
