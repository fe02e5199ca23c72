"""The hot-path SQL orders the line exactly as core/queue_policy.rank does (hypothesis, real SQLite)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from hall_server.core.queue_policy import APPOINTMENT_DUE, Candidate, choose_next, rank
from hall_server.services.line_state import ticket_class
from hall_server.services.window_desk import line_heads
from hall_server.storage.database import Database
from hall_server.storage.line_sql import AHEAD_BY_MATTER, bind_time
from hall_server.storage.models import Hall, Ticket

DAY = date(2026, 3, 2)
BASE = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
NOW = BASE + timedelta(minutes=3)

# Few distinct minutes, so ties on time (broken by id) and due/not-yet-due appointments are common.
ticket = st.tuples(
    st.sampled_from(["walk_in", "priority", "appointment", "return"]),
    st.integers(0, 5),  # queued minute
    st.integers(0, 6),  # slot minute (appointments): before, at or after NOW
    st.sampled_from([None, None, None, 1, 2]),  # transferred to a window
    st.sampled_from([None, 1, 2, 3]),  # return lane: the case's owning window
)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('line') / 'line.db'}")
    database.migrate()
    with database.write() as conn:
        conn.execute(insert(Hall).values(id=1, code="t", name="t", config_toml="", created_at=BASE, updated_at=BASE))
    yield database
    database.dispose()


def store(db, tickets) -> list[Candidate]:
    stored = []
    with db.write() as conn:
        conn.execute(delete(Ticket))
        for i, (channel, queued, slot, target, owner) in enumerate(tickets, start=1):
            due = BASE + timedelta(minutes=slot) if channel == "appointment" else None
            owner = owner if channel == "return" else None
            values = {
                "id": i, "hall_id": 1, "service_date": DAY, "number": f"A{i:03}", "channel": channel, "due_at": due,
                "state": "waiting", "target_window": target, "call_count": 0, "issued_at": BASE,
                "queued_at": BASE + timedelta(minutes=queued), "late_risk_accepted": False, "public_key": f"k{i}",
                "owner_window": owner,
            }  # fmt: skip
            conn.execute(insert(Ticket).values(**values))
            stored.append(Candidate(i, channel, values["queued_at"], due, target, owner))
    return stored


def ahead_in_sql(db, cls: int, key: datetime, ticket_id: int) -> int:
    params = {"hall_id": 1, "service_date": DAY, "now": bind_time(NOW), "cls": cls, "key": bind_time(key)}
    params["ticket_id"] = ticket_id
    with db.read() as conn:
        return sum(n for _, n in AHEAD_BY_MATTER.run(conn, params))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ticket, max_size=12))
def test_the_count_of_people_ahead_follows_the_policys_order(db, tickets):
    line = store(db, tickets)
    for c in line:
        cls = ticket_class(c.channel, c.due_at, NOW)
        key = c.due_at if cls == APPOINTMENT_DUE else c.queued_at
        expected = sum(1 for o in line if rank(o, NOW) < rank(c, NOW))
        assert ahead_in_sql(db, cls, key, c.id) == expected, c
    # A ticket not stored yet (a new walk-in at the latest minute) is behind everyone of its time.
    newcomer = Candidate(10**9, "walk_in", BASE + timedelta(minutes=5))
    expected = sum(1 for o in line if rank(o, NOW) < rank(newcomer, NOW))
    assert ahead_in_sql(db, ticket_class("walk_in", None, NOW), newcomer.queued_at, -1) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ticket, max_size=12), st.integers(0, 3), st.sets(st.sampled_from([1, 2, 3])))
def test_a_window_calls_from_the_line_heads_whom_the_policy_would_call_from_the_whole_line(
    db, tickets, streak, others_staffed
):
    line = store(db, tickets)
    for window in (1, 2, 3):
        staffed = frozenset(others_staffed | {window})  # the calling window is staffed
        with db.read() as conn:
            heads = line_heads(conn, 1, DAY, window, NOW, staffed)
        assert choose_next(heads, window, NOW, streak, 2, staffed) == choose_next(line, window, NOW, streak, 2, staffed)
