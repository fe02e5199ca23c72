"""Blueprint for /admin/matters. Plain HTML/CSS/JS from this package; strings from the message
catalog through /admin/matters/messages.json; data and every check from /api/v1/catalog/matters."""

from __future__ import annotations

from flask import Blueprint, render_template

from page_toolkit.pages import add_messages_route, locale

AREAS = ("catalog_admin", "toolkit")


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "catalog_admin",
        __name__,
        static_folder="static",
        static_url_path="/admin/matters-ui/static",
        template_folder="templates",
    )

    add_messages_route(bp, "/admin/matters/messages.json", AREAS)

    @bp.get("/admin/matters")
    def page():
        return render_template("catalog_admin.html", lang=locale())

    return bp
