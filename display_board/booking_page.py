"""The resident's booking page (预约办理): /book, reached from the QR on the board, the slip and
the notices. Mobile first (360–390 px wide), Chinese, no login.

The page talks to the hall server only over the public API: the day's slots with seats left
(and the bookable matters), booking with channel "web", cancel and reschedule with the code and
the phone's last 4 digits. The check-in QR is drawn here as SVG from the 6-digit code, which the
kiosk's scanner reads as if typed.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template

from hall_common.i18n import area_messages
from page_toolkit.pages import embedded_json, locale

from .qr import qr_svg

CODE = re.compile(r"^[0-9]{6}$")


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "booking_page", __name__, template_folder="templates", static_folder="static", static_url_path="/book/static"
    )

    @bp.get("/book")
    def book():
        lang = locale()
        texts = area_messages("book", lang)
        return render_template(
            "booking_page/book.html",
            t=texts,
            lang="en" if lang == "en" else "zh-CN",
            messages_json=embedded_json(texts),
        )

    @bp.get("/book/qr/<code>.svg")
    def qr(code: str):
        if not CODE.match(code):
            abort(404)
        return Response(qr_svg(code), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})

    return bp
