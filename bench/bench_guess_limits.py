"""What a guess-limit check costs (storage/guess_limits.py: one write transaction per try at a
code), on SQLite (FULL and NORMAL) and PostgreSQL, beside the in-memory limiter it replaced.

Per backend: µs per check that is allowed (counts the key, inserts a row, commits), per check
that is refused (the key is at its limit: known in this process, or read from the table as
another process sees it; nothing is written), with the table already holding ``--rows`` live
tries of other callers (a flood), and the time to prune them all.

Run: .venv/bin/python bench/bench_guess_limits.py [--checks 2000] [--rows 50000] [--no-postgresql]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from hall_server.core.rate_limit import Limiter, SlidingWindowLimiter  # noqa: E402
from hall_server.storage.database import Database  # noqa: E402
from hall_server.storage.guess_limits import H, StoredLimiter  # noqa: E402

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LIMIT, WINDOW = 20, 600.0
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC).timestamp()


def per_check_us(limiter: Limiter, keys: list[str], expect_allowed: bool) -> float:
    """Median of 5 batches, µs per check."""
    batches = []
    size = len(keys) // 5
    for b in range(5):
        t0 = time.perf_counter()
        for i, key in enumerate(keys[b * size : (b + 1) * size]):
            wait = limiter.hit(key, NOW + i * 1e-3)
            assert (wait == 0) == expect_allowed
        batches.append((time.perf_counter() - t0) / size * 1e6)
    return round(statistics.median(batches), 1)


class SeenFirstHere:
    """The refusal as another process sees it first: from the table, not from its memory."""

    def __init__(self, limiter: StoredLimiter) -> None:
        self.limiter = limiter

    def hit(self, key: str, now: float) -> float:
        self.limiter._refused.clear()
        return self.limiter.hit(key, now)


def measure(db: Database, checks: int, rows: int) -> dict[str, float]:
    db.migrate()
    flood_until = datetime.fromtimestamp(NOW, UTC) + timedelta(seconds=WINDOW)
    with db.write() as conn:  # other callers' live tries: the table as a flood leaves it
        conn.execute(
            sa.insert(H), [{"scope": "flood", "key": f"addr:{n}", "expires_at": flood_until} for n in range(rows)]
        )
    limiter = StoredLimiter(db, "bench", LIMIT, WINDOW)
    limiter._next_prune = float("inf")  # pruning is timed on its own below
    allowed = per_check_us(limiter, [f"addr:10.0.{n // 250}.{n % 250}" for n in range(checks)], True)
    for _ in range(LIMIT):
        limiter.hit("addr:192.0.2.1", NOW)
    refused = per_check_us(limiter, ["addr:192.0.2.1"] * checks, False)
    refused_read = per_check_us(SeenFirstHere(limiter), ["addr:192.0.2.1"] * checks, False)
    t0 = time.perf_counter()
    pruned = limiter.prune(flood_until + timedelta(seconds=1))
    return {
        "allowed_us": allowed,
        "refused_us": refused,
        "refused_on_a_read_us": refused_read,
        "prune_ms": round((time.perf_counter() - t0) * 1e3, 1),
        "pruned_rows": pruned,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checks", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=50000, help="live tries of other callers already stored")
    ap.add_argument("--no-postgresql", action="store_true")
    args = ap.parse_args()
    memory = SlidingWindowLimiter(LIMIT, WINDOW)
    result: dict[str, object] = {
        "checks": args.checks,
        "stored_rows": args.rows,
        "memory": {"allowed_us": per_check_us(memory, [f"addr:{n}" for n in range(args.checks)], True)},
    }
    for synchronous in ("FULL", "NORMAL"):
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.db", synchronous=synchronous)
            try:
                result[f"sqlite_{synchronous.lower()}"] = measure(db, args.checks, args.rows)
            finally:
                db.dispose()
    if not args.no_postgresql:
        name = f"yc_bench_limits_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        db = Database(ADMIN.rsplit("/", 1)[0] + f"/{name}")
        try:
            result["postgresql"] = measure(db, args.checks, args.rows)
        finally:
            db.dispose()
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
