"""The blueprint that serves the shared page toolkit and vendored libraries."""

from __future__ import annotations

from flask import Blueprint

from . import STATIC_URL_PATH, static_folder


def create_blueprint() -> Blueprint:
    return Blueprint("page_toolkit", __name__, static_folder=str(static_folder()), static_url_path=STATIC_URL_PATH)
