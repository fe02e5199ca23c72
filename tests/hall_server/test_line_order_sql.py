"""The hot-path SQL orders the line exactly as core/queue_policy.rank does (hypothesis, real SQLite)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from hall_server.core.projection import LineItem
from hall_server.core.queue_policy import Candidate, choose_next, rank
from hall_server.services.line_view import read_line
from hall_server.services.projection import NEW_TICKET, people_ahead
from hall_server.storage.database import Database
from hall_server.storage.models import Hall, Ticket
from hall_server.storage.repositories.tickets import TicketRepository

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


def ahead_in_sql(db, item: LineItem, waiting: int) -> int:
    """services/projection.people_ahead on this database (its hall and day, its total waiting)."""
    ctx = SimpleNamespace(id=1, schedule=SimpleNamespace(local_date=lambda _: DAY))
    snap = SimpleNamespace(now=NOW, waiting_total=waiting)
    with db.read() as conn:
        return people_ahead(conn, ctx, snap, item)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ticket, max_size=12))
def test_the_count_of_people_ahead_follows_the_policys_order(db, tickets):
    line = store(db, tickets)
    for c in line:
        expected = sum(1 for o in line if rank(o, NOW) < rank(c, NOW))
        item = LineItem(c.id, c.channel, c.queued_at, 10.0, c.due_at, c.target_window)
        assert ahead_in_sql(db, item, len(line)) == expected, c
    # A ticket not stored yet (a new walk-in or priority ticket at the latest minute) is behind
    # everyone of its time; a new walk-in's count is the total less those queued after it.
    for channel in ("walk_in", "priority"):
        newcomer = Candidate(NEW_TICKET, channel, BASE + timedelta(minutes=5))
        expected = sum(1 for o in line if rank(o, NOW) < rank(newcomer, NOW))
        item = LineItem(NEW_TICKET, channel, newcomer.queued_at, 10.0)
        assert ahead_in_sql(db, item, len(line)) == expected, channel


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ticket, max_size=12), st.integers(0, 3), st.sets(st.sampled_from([1, 2, 3])))
def test_a_window_calls_from_the_line_heads_whom_the_policy_would_call_from_the_whole_line(
    db, tickets, streak, others_staffed
):
    line = store(db, tickets)
    for window in (1, 2, 3):
        staffed = frozenset(others_staffed | {window})  # the calling window is staffed
        with db.read() as conn:
            heads = TicketRepository(conn).line_heads(1, DAY, window, NOW, staffed)
        assert choose_next(heads, window, NOW, streak, 2, staffed) == choose_next(line, window, NOW, streak, 2, staffed)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ticket, max_size=12), st.integers(1, 5), st.sampled_from([None, 1, 2]))
def test_the_desks_short_line_is_the_head_of_the_whole_line_and_counts_every_class(db, tickets, limit, window):
    line = store(db, tickets)
    ctx = SimpleNamespace(
        id=1,
        code="t",
        matters={},
        config=SimpleNamespace(timezone=UTC),
        schedule=SimpleNamespace(local_date=lambda _: DAY),
    )
    with db.read() as conn:
        short = read_line(conn, ctx, NOW, window, limit)
    ordered = sorted(line, key=lambda c: rank(c, NOW, window))
    assert [t["id"] for t in short["waiting"]] == [c.id for c in ordered[:limit]]
    classes = [rank(c, NOW, window)[0] for c in line]
    assert short["count"] == len(line)
    assert list(short["by_class"].values()) == [classes.count(k) for k in range(4)]
