"""Blueprint for the case pages. Plain HTML/CSS/JS from this package; strings from the message
catalog through /cases/messages.json; data from the hall server's /api/v1/cases endpoints."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from page_toolkit.pages import add_messages_route, locale

AREAS = ("cases", "documents", "toolkit")


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "case_pages", __name__, static_folder="static", static_url_path="/cases-ui/static", template_folder="templates"
    )

    add_messages_route(bp, "/cases-ui/messages.json", AREAS)

    @bp.get("/cases-ui/window/<int:number>")
    def panel(number: int):
        return render_template("case_panel.html", number=number, lang=locale())

    @bp.get("/cases-ui/backoffice")
    def backoffice():
        return render_template("case_backoffice.html", lang=locale())

    @bp.get("/cases-ui/dashboard")
    def dashboard():
        return render_template("case_dashboard.html", lang=locale())

    @bp.get("/cases-ui/progress")
    def progress():
        # The phone page behind the acceptance notice, and the kiosk's lookup screen.
        return render_template(
            "case_progress.html",
            lang=locale(),
            case_no=request.args.get("no", "")[:16],
            code=request.args.get("code", "")[:6],
        )

    return bp
