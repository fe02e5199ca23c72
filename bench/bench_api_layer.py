"""What the HTTP layer (Flask, guard, validation, headers, RSGI bridge) costs per POST /tickets, in-process.

No sockets and no Granian: requests go through the bridge's WSGI call (``--via wsgi``) or its RSGI
entry point on an asyncio loop with its thread pool (``--via rsgi``). ``--stub`` answers every issue
with one ticket view so only the HTTP layer is timed; without it the services run on a real SQLite
(synchronous=NORMAL) and their share is subtracted. ``--profile`` prints cProfile's top functions.
Prints µs per request for 5 runs (min and median: the box is shared).
Usage: .venv/bin/python bench/bench_api_layer.py [--requests 20000] [--stub] [--via rsgi] [--profile tottime]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from hall_server.api import create_app
from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.access import Principal
from hall_server.services.hall_setup import DEMO_STAFF, add_staff
from hall_server.services.ticketing import IssueRequest
from hall_server.storage.database import Database
from yichuang.rsgi_bridge import FlaskOverRSGI, _environ
from yichuang.web_mounts import mount_pages

BODY = json.dumps({"matter_id": 1, "accept_late_risk": True}).encode()


def open_hall(url: str, clock: FakeClock) -> tuple[int, str]:
    setup = HallServer.open(url, clock=clock)
    hall_id = setup.services.halls.all_ids()[0]
    for staff_no, name in DEMO_STAFF:
        add_staff(setup.services, hall_id, staff_no, name)
    token = setup.tokens.create(hall_id, "kiosk", label="bench kiosk")
    for i, n in enumerate(setup.services.halls.get(hall_id).config.window_numbers):
        setup.windows.sign_in(Principal(hall_id, "supervisor", "bench"), n, DEMO_STAFF[i][0], "A")
    setup.close()
    return hall_id, token


def scope(token: str) -> Any:
    headers = {
        "host": "127.0.0.1",
        "content-type": "application/json",
        "content-length": str(len(BODY)),
        "authorization": f"Bearer {token}",
    }
    return type(
        "Scope",
        (),
        {
            "proto": "http",
            "server": "127.0.0.1:8101",
            "client": "127.0.0.1:5555",
            "path": "/api/v1/tickets",
            "method": "POST",
            "query_string": "",
            "http_version": "1.1",
            "scheme": "http",
            "headers": headers,
        },
    )


class Proto:
    async def __call__(self) -> bytes:
        return BODY

    def response_bytes(self, status: int, headers: list, data: bytes) -> None:
        assert status == 201, data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--stub", action="store_true", help="answer issues with one fixed view (HTTP layer only)")
    ap.add_argument("--via", choices=("wsgi", "rsgi"), default="wsgi")
    ap.add_argument("--profile", choices=("tottime", "cumulative"))
    args = ap.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'hall.db'}"
    clock = FakeClock(parse_local_time("2026-11-26 09:05"))
    hall_id, token = open_hall(url, clock)
    server = HallServer(Database(url, synchronous="NORMAL"), clock=clock)
    app = create_app(server)
    mount_pages(app)
    bridge = FlaskOverRSGI(app, 1)
    issue, spent = server.tickets.issue, [0.0]
    if args.stub:
        view = issue(Principal(hall_id, "kiosk", "bench"), IssueRequest(matter_id=1, accept_late_risk=True))
        server.tickets.issue = lambda *a, **k: view  # type: ignore[method-assign]
    else:

        def timed(*a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return issue(*a, **k)
            finally:
                spent[0] += time.perf_counter() - started

        server.tickets.issue = timed  # type: ignore[method-assign]
    the_scope, proto = scope(token), Proto()

    def one_wsgi() -> None:
        status, _, chunks, _ = bridge._call(_environ(the_scope, BODY))
        assert status == 201, chunks

    async def rsgi_runs(n: int, runs: int) -> list[float]:
        bridge.__rsgi_init__(asyncio.get_running_loop())
        out = []
        for r in range(runs + 1):
            started = time.perf_counter()
            for _ in range(n):
                await bridge.__rsgi__(the_scope, proto)
            if r:  # the first run warms up
                out.append((time.perf_counter() - started) / n * 1e6)
        bridge.__rsgi_del__(asyncio.get_running_loop())
        return out

    n = args.requests // 5
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    if args.via == "rsgi":
        sys.setswitchinterval(0.0005)  # as the served worker (yichuang/http_server.py)
        runs = asyncio.run(rsgi_runs(n, 5))
        services = [0.0] * len(runs)
    else:
        for _ in range(200):
            one_wsgi()
        runs, services = [], []
        for _ in range(5):
            spent[0] = 0.0
            started = time.perf_counter()
            for _ in range(n):
                one_wsgi()
            runs.append((time.perf_counter() - started) / n * 1e6)
            services.append(spent[0] / n * 1e6)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.profile).print_stats(40)
    http = [r - s for r, s in zip(runs, services, strict=True)]
    print(f"POST /tickets via {args.via}{' (services stubbed)' if args.stub else ''}, {n} requests a run")
    print(
        f"  total µs/request:      {[round(x) for x in runs]}  min {min(runs):.0f}  median {statistics.median(runs):.0f}"
    )
    if not args.stub and args.via == "wsgi":
        print(f"  HTTP layer µs/request: min {min(http):.0f}  median {statistics.median(http):.0f} (total - services)")
    server.close()


if __name__ == "__main__":
    main()
