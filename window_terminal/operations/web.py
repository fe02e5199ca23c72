"""Hall operations pages (issue 13): statistics for the supervisor (/supervisor/stats) and the
county view across halls (/county). Plain HTML/JS over /api/v1/stats, charts with the vendored
ECharts of page_toolkit; strings from the catalog's "operations" area via the YC helpers."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from hall_common.i18n import negotiate


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "operations_pages",
        __name__,
        static_folder="static",
        static_url_path="/operations/static",
        template_folder="templates",
    )

    def locale() -> str:
        return negotiate(request.args.get("lang") or request.headers.get("Accept-Language"))

    @bp.get("/supervisor/stats")
    def stats_page():
        return render_template("stats.html", lang=locale(), county=False)

    @bp.get("/county")
    def county_page():
        return render_template("stats.html", lang=locale(), county=True)

    return bp
