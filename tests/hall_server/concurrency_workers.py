"""Worker processes for the concurrency tests: each opens its own engine, like a server process."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.core.errors import Conflict
from hall_server.services.access import Principal
from hall_server.services.ticketing import IssueRequest
from hall_server.storage.database import Database

LOCAL_TIME = "2026-11-26 10:00"


def _server(url: str) -> HallServer:
    return HallServer(Database(url), clock=FakeClock(parse_local_time(LOCAL_TIME)))


def issue_many(url: str, hall_id: int, threads: int, per_thread: int, out) -> None:
    """Issue tickets from several threads; report (id, number) pairs."""
    server = _server(url)
    kiosk = Principal(hall_id, "kiosk", "test kiosk")
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def run():
        for i in range(per_thread):
            t = server.tickets.issue(kiosk, IssueRequest(matter_id=1 + i % 5, accept_late_risk=True))
            with lock:
                results.append((t["id"], t["number"]))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    server.db.dispose()
    out.put(("issued", results))


def call_until_done(url: str, hall_id: int, window: int, expected_total: int, out) -> None:
    """Call and finish tickets at one window until the line is empty and everything was issued."""
    server = _server(url)
    clerk = Principal(hall_id, "clerk", f"test clerk {window}", window)
    called: list[int] = []
    # Until every ticket is issued and taken (the issuing processes may start later than this
    # one); the deadline only stops a broken run from hanging the suite.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            ticket = server.windows.call_next(clerk, window)["ticket"]
        except Conflict:
            ticket = None
        if ticket is None:
            with server.db.read() as conn:
                done = conn.execute(text("SELECT count(*) FROM tickets WHERE state <> 'waiting'")).scalar()
                total = conn.execute(text("SELECT count(*) FROM tickets")).scalar()
            if total >= expected_total and done >= expected_total:
                break
            time.sleep(0.005)
            continue
        called.append(ticket["id"])
        server.windows.start(clerk, window)
        server.windows.finish(clerk, window)
    server.db.dispose()
    out.put(("called", window, called))
