"""Does a person log-in take as long for an unknown staff number as for a real one?

An outside test timed wrong log-ins: 0.19–0.25 s for an existing staff number, 0.14 s for an
unknown one (the unknown path only slept for an average), so the answer's time told which staff
numbers exist. Now an unknown (or inactive) number is verified against a dummy argon2 hash with
the real hashes' parameters (hall_server/services/accounts.py). This bench sends wrong log-ins
through the real app (Flask's test client, real argon2 with its default parameters, SQLite),
alternating known, unknown and inactive staff numbers, each from its own address so no lock
interferes, and prints the median and p90 of each kind and the gap between the medians.

Run: .venv/bin/python bench/bench_login_timing.py [--tries 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hall_server.api import create_app  # noqa: E402
from hall_server.app_services import HallServer  # noqa: E402
from hall_server.core.clock import FakeClock, parse_local_time  # noqa: E402
from hall_server.services.hall_setup import DEMO_STAFF, add_staff  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=15, help="wrong log-ins of each kind (default 15)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = HallServer.open(
            f"sqlite:///{tmp}/hall.db", None, clock=FakeClock(parse_local_time("2026-11-26 10:00"))
        )
        try:
            hall_id = server.services.halls.all_ids()[0]
            for staff_no, name in DEMO_STAFF[:2]:
                add_staff(server.services, hall_id, staff_no, name)
                server.accounts.set_password(hall_id, staff_no, "banzhuyuan-2026")
            server.accounts.set_active(hall_id, DEMO_STAFF[1][0], False)
            client = create_app(server).test_client()
            kinds = {"known": DEMO_STAFF[0][0], "unknown": "BZY999", "inactive": DEMO_STAFF[1][0]}
            times: dict[str, list[float]] = {k: [] for k in kinds}
            for n in range(args.tries + 1):  # the first round warms up (the dummy hash is made once)
                for kind, staff_no in kinds.items():
                    began = time.perf_counter()
                    r = client.post(
                        "/api/v1/auth/login",
                        json={"staff_no": staff_no, "password": "not-the-password", "window": 1},
                        environ_base={"REMOTE_ADDR": f"10.1.{n // 250}.{n % 250 + 1}"},
                    )
                    took = time.perf_counter() - began
                    assert r.status_code == 401, r.get_data(as_text=True)
                    if n:
                        times[kind].append(took)
        finally:
            server.close()
    medians = {k: statistics.median(v) for k, v in times.items()}
    for kind, values in times.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        print(
            f"{kind:>8}: median {medians[kind] * 1000:6.1f} ms, p90 {p90 * 1000:6.1f} ms ({len(values)} wrong log-ins)"
        )
    gap = max(medians.values()) - min(medians.values())
    print(f"largest gap between medians: {gap * 1000:.1f} ms ({gap / max(medians.values()):.0%} of the slowest)")


if __name__ == "__main__":
    main()
