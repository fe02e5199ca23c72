"""Runs the hall server under Granian (a Rust HTTP server speaking WSGI), never Flask's development server.

Why Granian rather than a pure-Python server: HTTP parsing and keep-alive handling run
in Rust outside the GIL, so the one Python thread that serves a kiosk's request spends
its time on the request itself (about twice gunicorn's throughput on this hardware; see
bench/bench_hall.py). Each open event stream (board, terminal, pad) holds one of the
worker's blocking threads, hence ``threads``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

log = logging.getLogger(__name__)


def run(build_app: Callable[[], object], host: str, port: int, workers: int, threads: int) -> None:
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    server = Server(
        "yichuang",  # a label only: the app comes from build_app, called in each worker after the fork
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        # Requests beyond the thread pool wait in the accept queue instead of being refused.
        backpressure=threads,
        http1_settings=HTTP1Settings(keep_alive=True),
        log_level=LogLevels.warning,
        log_access=False,
        log_dictconfig=_LOGGING,
        workers_kill_timeout=5,
    )
    server.serve(target_loader=partial(_load, build_app), wrap_loader=False)


class _HideThreadPoolNotice(logging.Filter):
    """Granian warns at every start that 256 threads are many for 2 cores. They are meant:
    each board, terminal and pad holds one for its event stream, idle almost all the time."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Python threads" not in record.getMessage()


_LOGGING = {  # Granian's own logging set-up, plus that filter
    "filters": {"thread_pool_notice": {"()": _HideThreadPoolNotice}},
    "handlers": {
        "console": {
            "formatter": "generic",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["thread_pool_notice"],
        },
        "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
    },
}


def _load(build_app: Callable[[], Any]) -> Any:
    """Build the app in the worker, then move everything built so far out of the garbage
    collector's sight: full collections over Flask, SQLAlchemy and the catalog stall
    requests (open-loop issue p99 at 1000 tickets/s, two runs each: 44 and 60 ms without,
    31 and 18 ms with)."""
    app = build_app()
    gc.collect()
    gc.freeze()
    return app
