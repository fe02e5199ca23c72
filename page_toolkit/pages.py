"""What every page blueprint shares on the server side: the page's language and its strings.

The strings reach a page one of two ways: staff pages fetch ``<page>/messages.json`` (the
catalog areas they use, through YC.loadMessages), public pages get theirs embedded in the HTML
(a TV or a phone saves a round trip).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from flask import Blueprint, Response, jsonify, request

from hall_common.i18n import area_messages, page_locale


def locale() -> str:
    """The language of the page asked for: Chinese whatever the browser says, English only with
    ``?lang=en`` (the catalog the page loads follows ?lang= alone, and the API's messages follow
    the page's language, so the two must agree)."""
    return page_locale(request.args.get("lang"))


def add_messages_route(bp: Blueprint, rule: str, areas: Sequence[str]) -> None:
    """``GET rule``: the catalog's ``areas`` in the page's language, ``{area: {key: text}}``.
    Not cached: a page reloaded after an update must not keep the old strings."""

    def messages() -> Response:
        response = jsonify({area: area_messages(area, locale()) for area in areas})
        response.headers["Cache-Control"] = "no-cache"
        return response

    bp.add_url_rule(rule, "messages", messages, methods=["GET"])


def embedded_json(texts: dict[str, str]) -> str:
    """Strings for a ``<script type="application/json">`` block (no "</" can end it early)."""
    return json.dumps(texts, ensure_ascii=False).replace("</", "<\\/")
