"""The web pages (board, terminal, pad) that `yichuang serve` mounts beside the API.

They live in their own packages; the hall server's core and API import none of them.
Each package offers ``create_blueprint()``; a package that is not installed is skipped.
"""

from __future__ import annotations

import importlib
import logging

from flask import Flask

log = logging.getLogger(__name__)
PAGE_PACKAGES = (
    "page_toolkit.web",
    "display_board.web",
    "display_board.ticket_page",
    "display_board.booking_page",
    "window_terminal.web",
    "window_terminal.cases.web",
    "window_terminal.catalog_admin.web",
    "window_terminal.operations.web",
)


def mount_pages(app: Flask) -> list[str]:
    mounted = []
    for module_name in PAGE_PACKAGES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        app.register_blueprint(module.create_blueprint())
        mounted.append(module_name)
    return mounted
