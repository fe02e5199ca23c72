"""Hall operations pages: statistics (/supervisor/stats), the 带班 roster
(/supervisor/duty) and the county view across halls (/county). Plain HTML/JS over the API, charts
with the vendored ECharts of page_toolkit; strings from the catalog's "operations" area via YC."""

from __future__ import annotations

from flask import Blueprint, render_template

from page_toolkit.pages import locale


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "operations_pages",
        __name__,
        static_folder="static",
        static_url_path="/operations/static",
        template_folder="templates",
    )

    @bp.get("/supervisor/stats")
    def stats_page():
        return render_template("stats.html", lang=locale(), county=False)

    @bp.get("/supervisor/duty")
    def duty_page():
        return render_template("duty.html", lang=locale())

    @bp.get("/county")
    def county_page():
        return render_template("stats.html", lang=locale(), county=True)

    return bp
