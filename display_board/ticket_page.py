"""The resident's phone page behind the slip's QR code: /t/<ticket id>?key=<slip key>.

No token and no login: the slip's key is the only credential, and the page shows only
what the slip already says (number, matter, people ahead, wait, the window calling).
It polls the API every few seconds, which a phone on mobile data handles better than a
long-lived event stream.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from hall_common.i18n import area_messages
from page_toolkit.pages import embedded_json, locale


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "ticket_page", __name__, template_folder="templates", static_folder="static", static_url_path="/t/static"
    )

    @bp.get("/t/<int:ticket_id>")
    def ticket(ticket_id: int):
        lang = locale()
        texts = area_messages("phone", lang)
        status = 200 if request.args.get("key") else 400
        return render_template(
            "ticket_page/ticket.html",
            t=texts,
            ticket_id=ticket_id,
            has_key=bool(request.args.get("key")),
            lang="en" if lang == "en" else "zh-CN",
            messages_json=embedded_json(texts),
        ), status

    return bp
