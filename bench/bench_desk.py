"""The window desk (GET /api/v1/windows/<n>/desk) with a long line: ms per read, answer size.

Run: .venv/bin/python bench/bench_desk.py [--waiting 3000] [--repeat 30]

The pilot hall on SQLite (a temporary file), three clerks signed in, ``--waiting`` tickets issued
at 10:00 (one in eight for a priority group); then the desk of window 1 is read ``--repeat``
times through the service and encoded as the API would (JSON), and so is the whole line
(GET /queue, which lists every waiting ticket, as the desk did before it listed only its head).
Prints the median and the slowest read in ms (and the median CPU ms: the figure to read when other
jobs share the machine) and the answer's size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hall_server.app_services import HallServer
from hall_server.core.clock import CHINA, FakeClock
from hall_server.services.access import Principal
from hall_server.services.hall_setup import add_staff
from hall_server.services.ticketing import IssueRequest


def timed(read: Callable[[], Any], repeat: int) -> tuple[list[float], list[float], int]:
    walls, cpus, size = [], [], 0
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        size = len(json.dumps(read(), ensure_ascii=False).encode())
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return walls, cpus, size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--waiting", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(datetime(2026, 11, 26, 10, 0, tzinfo=CHINA))
        server = HallServer.open(f"sqlite:///{tmp}/hall.db", clock=clock, secret_file=Path(tmp) / "id.secret")
        try:
            ctx = server.services.halls.by_code_or_first(None)
            supervisor = Principal(ctx.id, "supervisor", "bench")
            for n in (1, 2, 3):
                add_staff(server.services, ctx.id, f"B{n:03d}", f"测试{n}")
                server.windows.sign_in(supervisor, n, f"B{n:03d}", "A")
            kiosk = Principal(ctx.id, "kiosk", "bench kiosk")
            matters = sorted(ctx.matters)
            t0 = time.perf_counter()
            for i in range(args.waiting):
                group = "elderly" if i % 8 == 3 else None
                server.tickets.issue(kiosk, IssueRequest(matters[i % 3], group, accept_late_risk=True))
            print(f"issued {args.waiting} tickets in {time.perf_counter() - t0:.1f} s")
            clerk = Principal(ctx.id, "clerk", "bench clerk", 1)
            for name, read in (
                ("desk of window 1", lambda: server.desk.desk(clerk, 1)),
                ("whole line (/queue)", lambda: server.windows.line(clerk)),
            ):
                timed(read, 3)  # warm the caches (hall context, statements)
                walls, cpus, size = timed(read, args.repeat)
                print(
                    f"{name:20s} at {args.waiting} waiting: median {statistics.median(walls):6.1f} ms "
                    f"(cpu {statistics.median(cpus):6.1f} ms), max {max(walls):6.1f} ms, answer {size / 1024:7.1f} KiB"
                )
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
