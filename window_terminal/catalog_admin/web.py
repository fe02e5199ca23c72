"""Blueprint for /admin/matters. Plain HTML/CSS/JS from this package; strings from the message
catalog through /admin/matters/messages.json; data and every check from /api/v1/catalog/matters."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from hall_common.i18n import area_messages, page_locale

AREAS = ("catalog_admin", "toolkit")


def page_messages(locale: str) -> dict[str, dict[str, str]]:
    return {area: area_messages(area, locale) for area in AREAS}


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "catalog_admin",
        __name__,
        static_folder="static",
        static_url_path="/admin/matters-ui/static",
        template_folder="templates",
    )

    def locale() -> str:
        return page_locale(request.args.get("lang"))

    @bp.get("/admin/matters/messages.json")
    def messages():
        response = jsonify(page_messages(locale()))
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get("/admin/matters")
    def page():
        return render_template("catalog_admin.html", lang=locale())

    return bp
