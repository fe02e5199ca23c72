"""Statistics, monthly reports and the daily closing summary (issue 13)."""

from __future__ import annotations

from flask import jsonify, request

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
