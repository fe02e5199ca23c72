"""The window terminal (/window/<n>, its 热线预约 page /window/<n>/appointments), the supervisor view
(/supervisor, with /supervisor/projection, /supervisor/calendar, /supervisor/ratings and /supervisor/visits)
and the 好差评 pad (/pad/<n>).

Plain HTML/CSS/JS served from this package (no CDN); everything live comes from the hall
server's API and its event stream. Strings come from the message catalog through
/terminal/messages.json, so the pages have no second catalog of their own.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from page_toolkit.pages import add_messages_route, locale

AREAS = ("terminal", "pad", "toolkit", "supervision", "operations", "ratings")


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "window_terminal",
        __name__,
        static_folder="static",
        static_url_path="/terminal/static",
        template_folder="templates",
    )

    add_messages_route(bp, "/terminal/messages.json", AREAS)

    @bp.get("/window/<int:number>")
    def terminal(number: int):
        return render_template("terminal.html", number=number, lang=locale())

    @bp.get("/window/<int:number>/appointments")
    def hotline(number: int):
        # 热线预约 beside the terminal: the window's own log-in (same browser) books and lists.
        return render_template("hotline.html", number=number, lang=locale())

    @bp.get("/supervisor/visits")
    def home_visits():
        # 预约上门 queue: the supervisor's own log-in (same browser) assigns; staff record outcomes.
        return render_template("visits.html", lang=locale())

    @bp.get("/supervisor")
    def supervisor():
        return render_template("supervisor.html", lang=locale())

    @bp.get("/supervisor/projection")
    def supervisor_projection():
        return render_template("supervisor_projection.html", lang=locale())

    @bp.get("/supervisor/calendar")
    def supervisor_calendar():
        return render_template("supervisor_calendar.html", lang=locale())

    @bp.get("/supervisor/ratings")
    def supervisor_ratings():
        # 好差评 figures with charts, ranking, 待回访 and appeals; ECharts is vendored.
        return render_template("supervisor_ratings.html", lang=locale())

    @bp.get("/pad/<int:number>")
    def pad(number: int):
        return render_template("pad.html", number=number, lang=locale())

    @bp.get("/rate/<token>")
    def rate_later(token: str):
        # The slip's QR leads here after the service (through a one-time rating link).
        return render_template("pad.html", number=0, link=token, lang=locale())

    return bp
