"""Runs the hall server under gunicorn (threaded workers), never Flask's development server."""
from __future__ import annotations

import logging
from collections.abc import Callable

from gunicorn.app.base import BaseApplication

log = logging.getLogger(__name__)


class HallServerApplication(BaseApplication):
    """Each worker builds its own app after the fork (own connections, own event pump)."""

    def __init__(self, build_app: Callable[[], object], options: dict) -> None:
        self.build_app = build_app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        return self.build_app()


def run(build_app: Callable[[], object], host: str, port: int, workers: int, threads: int) -> None:
    HallServerApplication(build_app, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        # Every open board/terminal/pad holds one thread for its event stream.
        "threads": threads,
        "keepalive": 30,
        "timeout": 60,
        "graceful_timeout": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }).run()
