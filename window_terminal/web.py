"""The window terminal (/window/<n>), the supervisor view (/supervisor) and the 好差评 pad (/pad/<n>).

Plain HTML/CSS/JS served from this package (no CDN); everything live comes from the hall
server's API and its event stream. Strings come from the message catalog through
/terminal/messages.json, so the pages have no second catalog of their own.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from hall_common.i18n import area_messages, page_locale

AREAS = ("terminal", "pad", "toolkit")


def page_messages(locale: str) -> dict[str, dict[str, str]]:
    return {area: area_messages(area, locale) for area in AREAS}


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "window_terminal",
        __name__,
        static_folder="static",
        static_url_path="/terminal/static",
        template_folder="templates",
    )

    def locale() -> str:
        return page_locale(request.args.get("lang"))

    @bp.get("/terminal/messages.json")
    def messages():
        response = jsonify(page_messages(locale()))
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get("/window/<int:number>")
    def terminal(number: int):
        return render_template("terminal.html", number=number, lang=locale())

    @bp.get("/supervisor")
    def supervisor():
        return render_template("supervisor.html", lang=locale())

    @bp.get("/pad/<int:number>")
    def pad(number: int):
        return render_template("pad.html", number=number, lang=locale())

    @bp.get("/rate/<token>")
    def rate_later(token: str):
        # The slip's QR leads here after the service (through a one-time rating link).
        return render_template("pad.html", number=0, link=token, lang=locale())

    return bp
