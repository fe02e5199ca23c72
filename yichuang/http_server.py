"""Runs the hall server under Granian (a Rust HTTP server), never Flask's development server.

Why Granian: HTTP parsing and keep-alive handling run in Rust outside the GIL, so the
Python thread that serves a kiosk's request spends its time on the request itself.

Why its RSGI interface rather than WSGI. Under WSGI every open
connection that Granian hands to Python holds one of ``blocking_threads`` until its
response ends, and an event stream never ends: 256 idle sockets or 300 board streams
stopped issuing and calling for 25-32 s. Here the worker's asyncio loop receives every
request (yichuang/rsgi_bridge.py): event streams run on the loop and hold no thread;
ordinary requests run the Flask app on ``threads`` pool threads, which nothing but short
requests can occupy. A separate event process was the other choice; it would need a
second port (or a proxy in front) and a second copy of authentication, for no gain.
Measured on the 2-core development machine while other jobs shared it, with 300 live
event streams of the board token and 300 idle sockets held (10 issues and 10 call-nexts):
WSGI with 256 threads answered neither within 40 s; this design answers an issue in 43 ms
median (106 ms max) and a call-next in 54 ms (99 ms max), the worker's RSS going from 187
to 203 MB (about 50 kB a stream). The price is a hand-off from the loop to a pool thread
and back for every request: interleaved wrk runs, 1 connection, synchronous=NORMAL, same
loaded machine: 310-431 vs 439-465 tickets/s at load ~9, but 227-278 vs 528-653 tickets/s
(p50 2.9-3.4 vs 1.1-1.4 ms) at load ~20, where every thread wake-up waits for a core.
A hall PC runs nothing else; re-measure there with bench/bench_hall.py.

Limits, each a setting of `yichuang serve` (per worker process):
- ``max_connections`` (Granian's backpressure): far above the threads, since idle and
  streaming connections cost no thread; beyond it new connections wait in the kernel's
  accept queue. 16,384 by default: a held connection costs about 20 kB (RSS 222 MB quiet,
  318 MB with 4,300 slow heads held, bench/bench_slow_clients.py), and 4,300 slow clients
  from 100 addresses, each within its allowance, must still leave room for the kiosk. The
  open-file limit is raised to what it needs (``raise_open_files``).
- ``header_timeout``: a connection must deliver its request headers within this many
  seconds of opening, and again after each response on a kept-alive connection, so idle
  sockets are closed (hyper's header-read timer).
- ``body_timeout`` and ``body_min_rate``: the body's deadline in the bridge, which grows by
  a second per ``body_min_rate`` bytes received (yichuang/rsgi_bridge.py).
- ``max_requests_per_address`` and ``max_connections_per_address``: what one client address
  may hold (yichuang/client_limits.py, which says why they live where they do).
- the stream caps per token, per address and in total live in the event broker (503 beyond).

Workers die with their parent: a SIGKILLed ``yichuang serve`` must not leave a worker
serving the port and writing the database beside the next server.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    max_connections: int = 16384
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    body_min_rate: int = 500
    max_requests_per_address: int = 32
    max_connections_per_address: int = 64


def run(build_app: Callable[[], Any], host: str, port: int, workers: int, threads: int, limits: Limits) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    max_connections = raise_open_files(limits.max_connections, threads)
    server = Server(
        "yichuang",  # a label only: the app comes from build_app, called in each worker after the fork
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        http=HTTPModes.http1,
        workers=workers,
        backpressure=max_connections,
        backlog=max(1024, max_connections),
        http1_settings=HTTP1Settings(keep_alive=True, header_read_timeout=int(limits.header_timeout * 1000)),
        log_level=LogLevels.warning,
        log_access=False,
        workers_kill_timeout=5,
    )
    loader = partial(_load, build_app, threads, os.getpid(), port, limits)
    server.serve(target_loader=loader, wrap_loader=False)


def raise_open_files(max_connections: int, threads: int) -> int:
    """Raise the soft open-file limit toward the hard one so ``max_connections`` sockets fit;
    returns the connections that do fit (with a warning when fewer than asked).

    A connection is one descriptor; the database pool, the log and the event machinery need a
    few hundred more. Distributions start services at a soft limit of 1024, which a few
    hundred slow clients would exhaust long before the connection cap."""
    import resource

    spare = 256 + 2 * threads
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + spare
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    fits = max_connections if soft == resource.RLIM_INFINITY else min(max_connections, soft - spare)
    if fits < max_connections:
        log.warning(
            "open-file limit %s: serving at most %s connections per process, not %s", soft, fits, max_connections
        )
    return max(16, fits)


def _load(build_app: Callable[[], Any], threads: int, parent_pid: int, port: int, limits: Limits) -> Any:
    """Build the app in the worker, then move everything built so far out of the garbage
    collector's sight: full collections over Flask, SQLAlchemy and the catalog stall
    requests (open-loop issue p99 at 1000 tickets/s, two runs each: 44 and 60 ms without,
    31 and 18 ms with)."""
    from .client_limits import ClientTable, ConnectionWarden
    from .rsgi_bridge import FlaskOverRSGI

    watch_parent(parent_pid)
    clients = ClientTable(max_active=limits.max_requests_per_address)
    ConnectionWarden(clients, port, limits.max_connections_per_address).start()
    # Each request passes the GIL from the loop thread to a pool thread and back; with the
    # default 5 ms switch interval a waiting thread can sit out a whole slice of another's
    # work. 0.5 ms, interleaved wrk runs at 1 connection on the loaded machine: 278-390
    # tickets/s (p50 1.6-2.9 ms) against 227-278 (p50 2.9-3.4 ms) before, and WSGI's 223-319.
    sys.setswitchinterval(0.0005)
    app = FlaskOverRSGI(
        build_app(), threads, body_timeout=limits.body_timeout, min_rate=limits.body_min_rate, clients=clients
    )
    gc.collect()
    gc.freeze()
    return app


def watch_parent(parent_pid: int, interval: float = 0.2) -> None:
    """Exit this worker as soon as its parent is gone (re-parented to init or a subreaper).

    A polling thread rather than prctl(PR_SET_PDEATHSIG): that signal follows the parent
    *thread* that forked the worker, and Granian may respawn workers from another thread."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        log.warning("server process %s is gone; worker %s exits", parent_pid, os.getpid())
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
