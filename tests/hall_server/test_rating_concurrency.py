"""好差评 under racing requests on SQLite and PostgreSQL: a follow-up step and a rating link are each
taken once, whatever the interleaving; the loser gets a 409, nothing is doubled."""

from __future__ import annotations

import threading

import pytest

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.core.errors import Conflict
from hall_server.services.access import Principal
from hall_server.services.hall_setup import DEMO_STAFF, add_staff
from hall_server.services.ticketing import IssueRequest
from hall_server.storage.models import Rating
from hall_server.storage.rating_models import FollowUpStep


@pytest.fixture
def served(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    hall_id = server.services.halls.all_ids()[0]
    add_staff(server.services, hall_id, *DEMO_STAFF[0])
    clerk = Principal(hall_id, "clerk", "clerk 1", 1)
    server.windows.sign_in(Principal(hall_id, "supervisor", "supervisor"), 1, DEMO_STAFF[0][0], "A")
    issued = server.tickets.issue(Principal(hall_id, "kiosk", "kiosk"), IssueRequest())
    server.windows.call_next(clerk, 1)
    server.windows.start(clerk, 1)
    server.windows.finish(clerk, 1)
    yield server, hall_id, issued
    server.close()


def race(n: int, fn) -> list[object]:
    gate, out = threading.Barrier(n), []

    def run() -> None:
        gate.wait()
        try:
            out.append(fn())
        except Conflict as exc:
            out.append(exc.code)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_two_supervisors_logging_the_same_call_back_record_it_once(served):
    server, hall_id, issued = served
    server.ratings.rate_at_pad(Principal(hall_id, "pad", "pad 1", 1), 1, issued["id"], 1)
    sv = Principal(hall_id, "supervisor", "吴主任")
    fu = server.follow_ups.list(sv)["items"][0]
    results = race(4, lambda: server.follow_ups.act(sv, fu["id"], "call_back", {"note": "已回访"})["state"])
    assert results.count("verifying") == 1
    assert set(results) - {"verifying"} <= {"follow_up_action_not_allowed", "follow_up_changed"}
    with server.db.read() as conn:
        steps = conn.execute(FollowUpStep.__table__.select().where(FollowUpStep.action == "call_back")).all()
    assert len(steps) == 1


def test_two_phones_using_one_rating_link_store_one_rating(served):
    server, _, issued = served
    link = server.ratings.create_link(None, issued["id"], issued["public_key"])
    levels = iter([5, 1, 4, 2])
    lock = threading.Lock()

    def rate() -> int:
        with lock:
            level = next(levels)
        return server.ratings.rate_by_link(link["token"], level, None, None)["level"]

    results = race(4, rate)
    with server.db.read() as conn:
        stored = conn.execute(Rating.__table__.select()).all()
    assert len(stored) == 1
    assert stored[0].level in [r for r in results if isinstance(r, int)]
