"""The lobby display board page, mounted by `yichuang serve` at /board.

The page is plain HTML/CSS/JS shipped inside this package (no CDN: the hall's TV may have
no internet). Everything it shows comes from the API (/api/v1/hall with today's recent calls and the
expected wait of a number taken now, /api/v1/windows, /api/v1/queue for the line's order), read
again after every reconnect, and
the event stream (/api/v1/events); the strings come from the one message catalog, embedded
in the page and also served at /board/messages.json.

Options in the query string, because a TV browser can only be given an address:
    token=...          the board's device token (required; TV browsers cannot set headers)
    layout=landscape   16:9 (default) or portrait (9:16)
    windows=1,2        show only these windows (default: all)
    history=8          how many recent calls to list
    prepare=3          how many of the next numbers in line get "请A005号准备"
    highlight=8        seconds a new call stays highlighted
    together=30        seconds a call still waited for stays in the big area beside newer ones
    stale=60           a call older than this (seconds) is listed but not highlighted
    lang=en            English labels (default Chinese, whatever the TV browser prefers)

The board also shows a QR code of the hall's booking page (/book): drawn here as SVG
for the address phones can reach — the server's configured public URL (``yichuang serve
--public-url``), else the address the board itself was opened with.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from hall_common.i18n import area_messages, message
from page_toolkit.pages import embedded_json, locale

from .qr import qr_svg

LAYOUTS = ("landscape", "portrait")


def board_messages(locale: str) -> dict[str, str]:
    """Every board.* string, unformatted ({number} etc. are filled in by the page)."""
    return area_messages("board", locale)


# app.config key set by `yichuang serve --public-url`: the hall server's address as residents'
# phones reach it (the board's own address may be 127.0.0.1 on the PC behind the TV).
PUBLIC_URL = "YICHUANG_PUBLIC_URL"


def booking_url() -> str:
    """The absolute address of the booking page, as a phone scanning the board should open it."""
    base = current_app.config.get(PUBLIC_URL) or request.host_url
    return base.rstrip("/") + "/book"


def _bad_request(text: str) -> Response:
    page = (
        f"<!doctype html><meta charset=utf-8><title>{_esc(text)}</title>"
        f"<p style='font-size:3vw;padding:2em'>{_esc(text)}</p>"
    )
    return Response(page, status=400, mimetype="text/html")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "display_board", __name__, template_folder="templates", static_folder="static", static_url_path="/board/static"
    )

    @bp.get("/board")
    def board():
        lang = locale()  # the hall speaks Chinese whatever the TV's browser is set to
        if not request.args.get("token"):
            return _bad_request(message("board.missing_token", lang))
        layout = request.args.get("layout", "landscape")
        if layout not in LAYOUTS:
            return _bad_request(message("board.bad_layout", lang, layout=layout))
        windows = request.args.get("windows", "")
        if windows and not all(part.strip().isdigit() for part in windows.split(",")):
            return _bad_request(message("board.bad_windows", lang, windows=windows))
        texts = board_messages(lang)
        return render_template(
            "display_board/board.html",
            layout=layout,
            t=texts,
            lang="en" if lang == "en" else "zh-CN",
            messages_json=embedded_json(texts),
        )

    @bp.get("/board/book-qr.svg")
    def book_qr():
        # Public like the page it points to; cached briefly (the address changes only with the config).
        return Response(qr_svg(booking_url()), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=300"})

    @bp.get("/board/messages.json")
    def board_messages_json():
        return jsonify(board_messages(locale()))

    return bp
