"""One simulated day of the pilot hall, timed: the simulator must stay cheap enough for 200-day runs.

Run: .venv/bin/python bench/bench_simulate.py [--days 3] [--tickets 300]

Each day runs the real services (issue with the day's projection, call-next, start, recall,
no-show, finish) on a SQLite database through a FakeClock moved by SimPy. Prints per-day wall
and CPU seconds and the tickets issued; the goal is ≤ 1 s per day of ~300 tickets on an idle
2-core box (CPU seconds are the figure to read when other jobs share the machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hall_server.core.hall_config import pilot_hall_text
from hall_server.simulation.hall_day import HallSimulation
from hall_server.simulation.profile import Profile


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--tickets", type=float, default=300.0, help="mean tickets per day (0: ~85%% busy windows)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sim = HallSimulation(pilot_hall_text(), Profile(tickets_per_day=args.tickets))
    walls, cpus = [], []
    try:
        for day in sim.working_days(date(2026, 11, 30), args.days):
            w0, c0 = time.perf_counter(), time.process_time()
            result = sim.run_day(day, args.seed)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            walls.append(wall)
            cpus.append(cpu)
            issued = len(result.tickets)
            attempts = issued + result.declined + result.turned_away
            print(f"{day}  tickets issued {issued:4d} (arrivals {attempts:4d})  wall {wall:5.2f} s  cpu {cpu:5.2f} s")
    finally:
        sim.close()
    print(f"median per day: wall {statistics.median(walls):.2f} s, cpu {statistics.median(cpus):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
