"""POST /tickets, the ticket page, the desk's load line, the board and the supervisor read a bounded
projection (each class of the line only as deep as can start today, people ahead counted in SQL):
on a real SQLite and PostgreSQL hall with a line far longer than the day, every figure equals the
full replay's."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from hall_server.app_services import HallServer
from hall_server.core.clock import CHINA, FakeClock
from hall_server.core.errors import Conflict
from hall_server.core.estimate import estimate_from
from hall_server.core.projection import LineItem
from hall_server.core.queue_policy import rank
from hall_server.services import projection as proj
from hall_server.services.access import Principal
from hall_server.services.hall_setup import add_staff
from hall_server.services.ticketing import IssueRequest

START = datetime(2026, 11, 26, 15, 0, tzinfo=CHINA)


@pytest.fixture
def hall(database_url, tmp_path):
    clock = FakeClock(START)
    server = HallServer.open(database_url, clock=clock, secret_file=tmp_path / "id.secret")
    ctx = server.services.halls.by_code_or_first(None)
    supervisor = Principal(ctx.id, "supervisor", "test supervisor")
    for n in (1, 2, 3):
        add_staff(server.services, ctx.id, f"T{n:03d}", f"测试{n}")
        server.windows.sign_in(supervisor, n, f"T{n:03d}", "A")
    kiosk = Principal(ctx.id, "kiosk", "test kiosk")
    matters = sorted(ctx.matters)
    for i in range(90):  # a line of 90 at 15:00–16:30, several matters, some priority and return-less
        clock.advance(minutes=1)
        group = "elderly" if i % 9 == 4 else None
        server.tickets.issue(kiosk, IssueRequest(matters[i % 3], group, accept_late_risk=True))
    clerk = Principal(ctx.id, "clerk", "test clerk", 2)
    server.windows.call_next(clerk, 2)
    server.windows.transfer(clerk, 2, "window", to_window=3)  # a transfer waits for window 3
    server.windows.call_next(Principal(ctx.id, "clerk", "test clerk", 1), 1)  # window 1 busy
    yield server, ctx, clock, kiosk
    server.close()


def full_replay(conn, ctx, now):
    """What every reader computed before the bound: the whole line, people ahead ranked in Python."""
    snap = proj.snapshot(conn, ctx, now, bounded=False)
    return snap, proj.project_line(ctx, snap)


def ahead(snap, item):
    key = rank(item.candidate(), snap.now)
    return sum(
        1 for i in snap.items if i.arrives_at is None and i.id != item.id and rank(i.candidate(), snap.now) < key
    )


def test_a_line_longer_than_the_day_projects_and_counts_as_the_full_replay_does(hall):
    server, ctx, clock, _ = hall
    now = clock.now()
    with server.db.read() as conn:
        full_snap, full = full_replay(conn, ctx, now)
        snap = proj.snapshot(conn, ctx, now)
        part = proj.project_line(ctx, snap)
        assert len(snap.items) < len(full_snap.items)  # the bound bites: most of the line is not read
        assert part.starts == {i: full.starts[i] for i in part.starts}
        assert all(full.starts[i.id].start is None for i in full_snap.items if i.id not in part.starts)
        assert (part.order, part.window_free_at) == (full.order, full.window_free_at)
        for item in full_snap.items:  # every waiting ticket's page: estimate and people ahead
            expected = estimate_from(full, item.id, ahead(full_snap, item))
            assert proj.estimate_stored(conn, ctx, now, item.id) == expected, item
        for channel in ("walk_in", "priority"):  # a new ticket at the kiosk
            new = LineItem(proj.NEW_TICKET, channel, now, full_snap.times.for_matter(None), None)
            with_new = proj.project_line(ctx, full_snap, new)
            got, _ = proj.estimate_new(conn, ctx, now, channel, None, None)
            expected = estimate_from(with_new, proj.NEW_TICKET, ahead(full_snap, new))
            assert replace(got, reachable_without_consent=None) == expected, channel
            assert (
                expected.expected_start is None and got.reachable_without_consent is False
            )  # asked, never issued silently
        load = proj.load_line(conn, ctx, now)
        assert load["waiting"] == len(full_snap.items)
        assert load["unreachable"] == len(full.unreachable) > 0
        assert load["work_minutes"] == round(sum(i.minutes for i in full_snap.items))
        view = proj.day_view(conn, ctx, now)
        assert len(view["unreachable_numbers"]) == len(full.unreachable)
        assert proj.day_summary(conn, ctx, now)["unreachable"] == len(full.unreachable)


def test_a_new_walk_in_behind_a_day_of_walk_ins_is_told_so_without_a_replay(hall, monkeypatch):
    server, ctx, clock, kiosk = hall
    clock.advance(minutes=30)  # 17:00: the line reaches far beyond closing
    replayed: list[int] = []
    project_day = proj.project_day
    monkeypatch.setattr(
        proj,
        "project_day",
        lambda now, p, w, line, **k: replayed.append(len(line)) or project_day(now, p, w, line, **k),
    )
    with server.db.read() as conn:
        estimate, projection = proj.estimate_new(conn, ctx, clock.now(), "walk_in", None, None)
    assert projection is None and not estimate.reachable and estimate.waiting_ahead == 89
    assert replayed == [0]  # only the windows were looked at, nobody in the line
    clock.advance(minutes=1)
    with pytest.raises(Conflict) as refused:
        server.tickets.issue(kiosk, IssueRequest(None))
    assert refused.value.code == "closing_soon"
