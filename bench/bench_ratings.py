"""好差评 figures at county scale on PostgreSQL: one year of 23 halls × 250 services a working day
(≈ 1.4 M finished services, ~80 % rated, 差评 with follow-ups), generated in the database with
generate_series (no row-by-row inserts). Then ``/ratings/figures`` (the service behind it) for one
hall, ``by=window``: a month (target p50 ≤ 500 ms) and the whole year (target ≤ 2 s).

Run: .venv/bin/python bench/bench_ratings.py [--halls 23] [--per-day 250] [--repeat 15] [--keep]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from hall_server.app_services import HallServer  # noqa: E402
from hall_server.core.clock import FakeClock, parse_local_time  # noqa: E402
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text  # noqa: E402

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
YEAR = 2026

TICKETS = """
WITH hm AS (SELECT hall_id, array_agg(id ORDER BY id) AS ids FROM matters GROUP BY hall_id),
     hs AS (SELECT hall_id, array_agg(id ORDER BY id) AS ids FROM staff GROUP BY hall_id)
INSERT INTO tickets (hall_id, service_date, number, matter_id, channel, state, window_number, call_count,
                     issued_at, queued_at, called_at, started_at, finished_at, staff_id, late_risk_accepted, public_key)
SELECT h.id, d::date, 'A' || lpad(n::text, 3, '0'), hm.ids[1 + n % array_length(hm.ids, 1)], 'walk_in', 'finished',
       1 + n % 3, 1,
       d + interval '1 hour' + n * interval '90 second', d + interval '1 hour' + n * interval '90 second',
       d + interval '1 hour' + n * interval '100 second', d + interval '1 hour' + n * interval '100 second',
       d + interval '1 hour' + n * interval '100 second' + interval '8 minute',
       hs.ids[1 + n % array_length(hs.ids, 1)], false, md5(h.id || '-' || d::date || '-' || n)
FROM halls h
JOIN hm ON hm.hall_id = h.id
JOIN hs ON hs.hall_id = h.id
CROSS JOIN generate_series(date '{year}-01-01', date '{year}-12-31', interval '1 day') d
CROSS JOIN generate_series(1, {per_day}) n
WHERE extract(isodow from d) < 6
"""
# ~80 % rated (every fifth service not); levels skewed to 好评 with a few 差评.
RATINGS = """
INSERT INTO ratings (hall_id, ticket_id, window_number, staff_id, matter_id, level, tags_json, channel, rated_at,
                     defaulted, counted)
SELECT hall_id, id, window_number, staff_id, matter_id,
       (ARRAY[5,5,5,5,5,5,5,5,4,4,4,4,4,3,3,3,2,1,5,4])[1 + id % 20], '[]', 'pad', finished_at + interval '30 second',
       false, true
FROM tickets WHERE id % 5 <> 0
"""
FOLLOW_UPS = """
INSERT INTO follow_ups (hall_id, rating_id, ticket_id, window_number, staff_id, matter_id, level, state,
                        callback_due_at, called_back_at, resolution, reported_at, feedback, closed_at, created_at, updated_at)
SELECT hall_id, id, ticket_id, window_number, staff_id, matter_id, level, 'closed',
       rated_at + interval '1 day', rated_at + interval '3 hour', 'rectify_now', rated_at + interval '1 day',
       CASE WHEN id % 3 = 0 THEN 'unsatisfied' ELSE 'satisfied' END, rated_at + interval '2 day', rated_at, rated_at
FROM ratings WHERE level <= 2
"""


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--halls", type=int, default=23)
    ap.add_argument("--per-day", type=int, default=250)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    args = ap.parse_args()
    name = f"yc_bench_ratings_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    base = pilot_hall_text()
    configs = [
        parse_hall_config(base.replace('code = "banzhuyuan"', f'code = "hall{i:02d}"')) for i in range(args.halls)
    ]
    server = HallServer.open(url, halls=configs, clock=FakeClock(parse_local_time(f"{YEAR + 1}-01-15 10:00")))
    try:
        from hall_server.services.hall_setup import DEMO_STAFF, add_staff

        for hall_id in server.services.halls.all_ids():
            for staff_no, staff_name in DEMO_STAFF[:3]:
                add_staff(server.services, hall_id, staff_no, staff_name)
        t0 = time.perf_counter()
        with server.db.engine.begin() as conn:
            conn.execute(sa.text(TICKETS.format(year=YEAR, per_day=args.per_day)))
            conn.execute(sa.text(RATINGS))
            conn.execute(sa.text(FOLLOW_UPS))
        with server.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
            counts = {
                t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("tickets", "ratings", "follow_ups")
            }
        generated_s = time.perf_counter() - t0
        ctx = server.services.halls.get(server.services.halls.all_ids()[len(configs) // 2])
        month = timed(lambda: server.figures.compute(ctx, date(YEAR, 6, 1), date(YEAR, 6, 30), "window"), args.repeat)
        year = timed(lambda: server.figures.compute(ctx, date(YEAR, 1, 1), date(YEAR, 12, 31), "window"), args.repeat)
        clerk_year = timed(lambda: server.figures.compute(ctx, date(YEAR, 1, 1), date(YEAR, 12, 31), "clerk"), 5)
        result = {
            "database": name if args.keep else "(dropped)",
            "halls": args.halls,
            "rows": counts,
            "generate_seconds": round(generated_s, 1),
            "month_by_window_ms": {"p50": round(statistics.median(month), 1), "max": round(max(month), 1)},
            "year_by_window_ms": {"p50": round(statistics.median(year), 1), "max": round(max(year), 1)},
            "year_by_clerk_ms_p50": round(statistics.median(clerk_year), 1),
            "targets": {"month_p50_ms": 500, "year_ms": 2000},
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        server.close()
        if not args.keep:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
