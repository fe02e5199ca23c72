"""Log-in flood against a real `yichuang serve` subprocess: memory of the server's process tree.

Run: .venv/bin/python bench/bench_login_flood.py [--logins 32]

32 concurrent unauthenticated log-ins took the worker from 139 MiB to
2.19 GiB (argon2 at 64 MiB each, unknown staff numbers hashed too). Now at most HASH_SLOTS
verifications run at once (unknown numbers included, against a dummy hash), so the growth is bounded by
about HASH_SLOTS × 64 MiB whatever the crowd does. Two rounds:
  A. one address, real staff numbers, wrong passwords: beyond the per-address limit → 429 at once;
  B. every log-in from its own address (127.0.1.x), the worst case for the per-address limit:
     all reach the hash slots and queue there.
Prints the peak RSS growth of the server and its workers (sampled every 20 ms from /proc) and
the answers' status counts and latencies.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_board import free_port, start_server


def tree_rss_kib(root: int) -> int:
    """RSS of ``root`` and all its descendants (Granian's workers), from /proc."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children[ppid].append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def flood(base: str, count: int, spread: bool) -> list[tuple[int, float]]:
    def attempt(n: int) -> tuple[int, float]:
        address = f"127.0.1.{n % 250 + 1}" if spread else "127.0.0.1"
        with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60) as c:
            t0 = time.perf_counter()
            r = c.post(
                f"{base}/api/v1/auth/login",
                json={"staff_no": f"BZY00{n % 6 + 1}" if n % 2 else f"NOBODY{n}", "password": "wrong-pw", "window": 1},
            )
            return r.status_code, (time.perf_counter() - t0) * 1000

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(attempt, range(count)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--logins", type=int, default=32)
    args = ap.parse_args()
    os.environ.pop("YICHUANG_ARGON2_PROFILE", None)  # the real 64 MiB profile
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp), port)
        base = f"http://127.0.0.1:{port}"
        try:
            time.sleep(1)
            baseline = tree_rss_kib(server.pid)
            for name, spread in (("A one address", False), ("B one address each", True)):
                peak = [baseline]
                stop = threading.Event()

                def sample(peak=peak, stop=stop) -> None:
                    while not stop.is_set():
                        peak[0] = max(peak[0], tree_rss_kib(server.pid))
                        time.sleep(0.02)

                sampler = threading.Thread(target=sample)
                sampler.start()
                results = flood(base, args.logins, spread)
                stop.set()
                sampler.join()
                by_status: dict[int, list[float]] = collections.defaultdict(list)
                for status, ms in results:
                    by_status[status].append(ms)
                answers = ", ".join(
                    f"{status}×{len(v)} (median {statistics.median(v):.0f} ms, max {max(v):.0f} ms)"
                    for status, v in sorted(by_status.items())
                )
                print(
                    f"{name}: {answers}; peak RSS {peak[0] / 1024:.0f} MiB "
                    f"(baseline {baseline / 1024:.0f} MiB, growth {(peak[0] - baseline) / 1024:.0f} MiB)"
                )
                time.sleep(1)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
