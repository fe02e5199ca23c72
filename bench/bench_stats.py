"""Statistics at county scale: a generated year of 23 halls x 300 tickets a working day
(about 1.7 M tickets) on PostgreSQL, and one hall-year on SQLite. Prints figures; asserts nothing.

Tickets are generated inside the database (generate_series), not row by row. The first hall's
days are rolled up through the real code path (StatsRollups.close_day, timed); the other halls
get copies of those rollup rows by SQL, since only the reading side is measured after that.

Usage: .venv/bin/python bench/bench_stats.py [--halls 23] [--per-day 300] [--runs 9] [--skip-sqlite]
Goals: month by window for one hall p50 <= 300 ms; county ranking for a month <= 1 s;
a year by month <= 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
from hall_server.services.statistics import StatsQuery
from hall_server.storage.models import Ticket

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
YEAR = 2025

TICKETS = """
INSERT INTO tickets (hall_id, service_date, number, matter_id, channel, state, window_number, call_count,
                     issued_at, queued_at, called_at, started_at, finished_at, staff_id, late_risk_accepted, public_key)
SELECT :hall, d.day, 'A' || lpad(n::text, 4, '0'), :matter, CASE WHEN n % 10 = 0 THEN 'priority' ELSE 'walk_in' END,
       CASE WHEN n % 23 = 0 THEN 'no_show' ELSE 'finished' END, 1 + n % 3, 1,
       d.day + time '01:00' + n * interval '90 seconds',
       d.day + time '01:00' + n * interval '90 seconds',
       d.day + time '01:00' + n * interval '90 seconds' + (n * 37 % 1200) * interval '1 second',
       d.day + time '01:00' + n * interval '90 seconds' + (n * 37 % 1200 + 5) * interval '1 second',
       CASE WHEN n % 23 = 0 THEN NULL ELSE
         d.day + time '01:00' + n * interval '90 seconds' + (n * 37 % 1200 + 125 + n * 53 % 600) * interval '1 second' END,
       NULL, false, md5(:hall || '-' || d.day || '-' || n)
FROM unnest(CAST(:days AS date[])) AS d(day), generate_series(1, :per_day) AS n
"""

# About 80 % of the finished services rated (好评 mostly, a few 差评), each 差评 with a follow-up:
# most closed, every fourth still waiting for its call-back (overdue at the bench's clock).
RATINGS = """
INSERT INTO ratings (hall_id, ticket_id, window_number, staff_id, matter_id, level, tags_json, channel, rated_at,
                     defaulted, counted)
SELECT hall_id, id, window_number, staff_id, matter_id,
       (ARRAY[5,5,5,5,5,5,5,5,4,4,4,4,4,3,3,3,2,1,5,4])[1 + (id + hall_id) % 20], '[]', 'pad',
       finished_at + interval '30 second', false, true
FROM tickets WHERE state = 'finished' AND id % 5 <> 0
"""
FOLLOW_UPS = """
INSERT INTO follow_ups (hall_id, rating_id, ticket_id, window_number, staff_id, matter_id, level, state,
                        callback_due_at, called_back_at, resolution, reported_at, feedback, closed_at, created_at,
                        updated_at)
SELECT hall_id, id, ticket_id, window_number, staff_id, matter_id, level,
       CASE WHEN id % 4 = 0 THEN 'pending_callback' ELSE 'closed' END,
       rated_at + interval '1 day',
       CASE WHEN id % 4 = 0 THEN NULL ELSE rated_at + interval '3 hour' END,
       CASE WHEN id % 4 = 0 THEN NULL ELSE 'rectify_now' END,
       CASE WHEN id % 4 = 0 THEN NULL ELSE rated_at + interval '1 day' END,
       CASE WHEN id % 4 = 0 THEN NULL ELSE 'satisfied' END,
       CASE WHEN id % 4 = 0 THEN NULL ELSE rated_at + interval '2 day' END,
       rated_at, rated_at
FROM ratings WHERE level <= 2
"""


def working_days(server: HallServer, hall_id: int) -> list[date]:
    cal = server.services.halls.get(hall_id).calendar
    d, out = date(YEAR, 1, 1), []
    while d.year == YEAR:
        if cal.day_info(d).is_working_day:
            out.append(d)
        d += timedelta(days=1)
    return out


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)


def setup(url: str, halls: int, per_day: int) -> tuple[HallServer, list[int], list[date]]:
    # The hall's stored TOML is what the server reads back, so each town gets its own text.
    text = pilot_hall_text()
    configs = [
        parse_hall_config(
            text.replace('code = "banzhuyuan"', f'code = "town{i:02d}"').replace(
                'name = "金寨县斑竹园镇', f'name = "第{i}镇'
            ),
            f"town{i:02d}.toml",
        )
        for i in range(1, halls + 1)
    ]
    server = HallServer.open(url, halls=configs, clock=FakeClock(parse_local_time(f"{YEAR + 1}-01-05 10:00")))
    ids = server.services.halls.all_ids()
    days = working_days(server, ids[0])
    matter = next(iter(server.services.halls.get(ids[0]).matters))
    t0 = time.perf_counter()
    with server.db.write() as conn:
        for hall_id in ids if url.startswith("postgresql") else ids[:1]:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(TICKETS), {"hall": hall_id, "matter": matter, "days": days, "per_day": per_day})
    if not url.startswith("postgresql"):
        _sqlite_tickets(server, ids[0], matter, days, per_day)
    else:  # the county ranking's 好差评 columns read these (one hall's figures are bench_ratings.py's)
        with server.db.write() as conn:
            conn.execute(sa.text(RATINGS))
            conn.execute(sa.text(FOLLOW_UPS))
    with server.db.read() as conn:
        n, r, f = (
            conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("tickets", "ratings", "follow_ups")
        )
    print(
        f"  generated {n:,} tickets, {r:,} ratings, {f:,} follow-ups in {time.perf_counter() - t0:.1f} s"
        f" ({len(days)} working days)"
    )
    t0 = time.perf_counter()
    for d in days:
        server.stats_rollups.close_day(ids[0], d)
    print(f"  rolled up one hall-year through close_day: {time.perf_counter() - t0:.1f} s ({len(days)} days)")
    if len(ids) > 1:
        with server.db.write() as conn:
            for table, cols in (
                ("stats_rollup", "day, matter_key, window_number, staff_key, channel"),
                ("stats_hourly", "day, hour"),
                ("stats_daily", "day"),
                ("stats_closed_days", "day"),
            ):
                figs = (
                    ""
                    if table == "stats_closed_days"
                    else ", issued, served, no_show, cancelled, wait_n, wait_sum, wait_max, wait_hist, handle_n, handle_sum, handle_max, handle_hist"
                )
                extra = ", closed_at" if table == "stats_closed_days" else ""
                conn.execute(
                    sa.text(
                        f"INSERT INTO {table} (hall_id, {cols}{figs}{extra}) "
                        f"SELECT h.id, {cols}{figs}{extra} FROM {table} r CROSS JOIN halls h "
                        "WHERE r.hall_id = :first AND h.id <> :first"
                    ),
                    {"first": ids[0]},
                )
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("ANALYZE"))
    return server, ids, days


def _sqlite_tickets(server: HallServer, hall_id: int, matter: int, days: list[date], per_day: int) -> None:
    rows = []
    for d in days:
        for n in range(1, per_day + 1):
            issued = datetime(d.year, d.month, d.day, 1, 0, tzinfo=UTC) + timedelta(seconds=90 * n)
            wait, handle = n * 37 % 1200, 125 + n * 53 % 600
            no_show = n % 23 == 0
            rows.append(
                {
                    "hall_id": hall_id,
                    "service_date": d,
                    "number": f"A{n:04d}",
                    "matter_id": matter,
                    "channel": "priority" if n % 10 == 0 else "walk_in",
                    "state": "no_show" if no_show else "finished",
                    "window_number": 1 + n % 3,
                    "call_count": 1,
                    "issued_at": issued,
                    "queued_at": issued,
                    "called_at": issued + timedelta(seconds=wait),
                    "started_at": issued + timedelta(seconds=wait + 5),
                    "finished_at": None if no_show else issued + timedelta(seconds=wait + handle),
                    "late_risk_accepted": False,
                    "public_key": uuid.uuid4().hex,
                }
            )
    with server.db.write() as conn:
        conn.execute(sa.insert(Ticket), rows)


def measure(server: HallServer, ids: list[int], runs: int) -> None:
    stats = server.stats
    month = (date(YEAR, 6, 1), date(YEAR, 6, 30))
    cases = [
        ("month by window, one hall", StatsQuery(*month, "window", (ids[0],)), 300),
        ("county ranking, one month", StatsQuery(*month, "hall", tuple(ids)), 1000),
        ("a year by month, one hall", StatsQuery(date(YEAR, 1, 1), date(YEAR, 12, 31), "month", (ids[0],)), 2000),
        ("a year by window, one hall", StatsQuery(date(YEAR, 1, 1), date(YEAR, 12, 31), "window", (ids[0],)), None),
    ]
    for name, q, goal in cases:
        if q.by == "hall" and len(ids) == 1:
            continue
        p50, worst = timed(lambda q=q: stats.figures(q), runs)
        verdict = "" if goal is None else ("  OK" if p50 <= goal else f"  OVER goal {goal} ms")
        print(f"  {name:28s} p50 {p50:8.1f} ms   max {worst:8.1f} ms{verdict}")
        if q.by == "hall":  # its 好差评 part alone (one query grouped by hall and level)
            p50, worst = timed(lambda q=q: server.figures.by_hall(q.hall_ids, q.start, q.end), runs)
            print(f"  {'  of which 好差评 by hall':28s} p50 {p50:8.1f} ms   max {worst:8.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--halls", type=int, default=23)
    ap.add_argument("--per-day", type=int, default=300)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--skip-postgresql", action="store_true")
    a = ap.parse_args()
    if not a.skip_postgresql:
        name = f"yc_bench_stats_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            print(f"PostgreSQL: {a.halls} halls x {a.per_day} tickets a working day, year {YEAR}")
            server, ids, _ = setup(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, a.halls, a.per_day)
            measure(server, ids, a.runs)
            server.close()
        finally:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if not a.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite: one hall x {a.per_day} tickets a working day, year {YEAR}")
            server, ids, _ = setup(f"sqlite:///{tmp}/bench.db", 1, a.per_day)
            measure(server, ids, a.runs)
            server.close()


if __name__ == "__main__":
    main()
