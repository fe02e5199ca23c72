"""Issuing and calling while slow clients flood a real `yichuang serve` (SQLite, one worker, the
shipped limits), on loopback only.

Run: .venv/bin/python bench/bench_slow_clients.py [--seconds 20] [--bodies 4200] [--heads 4300]

The floods an independent test ran against the server as shipped, each for --seconds:
- slow bodies: --bodies connections to the public POST /api/v1/appointments, no token, each
  declaring a 100 kB body and sending 1 byte a second; a connection the server closes is
  opened again at once;
- slow headers: --heads connections sending a request head a byte a second, never ending it,
  reopened as soon as the server closes them.
Each runs twice: from one address (127.0.0.10) and spread over --addresses loopback addresses
(127.0.1.x), as many devices would. Meanwhile a kiosk (127.0.0.2) issues and a clerk
(127.0.0.3) finishes and calls the next, one cycle after the other; printed are their
latencies, how many cycles took over 2 s, and how many flood connections the server closed.

Before the per-address limits (4,096 connections per process, a flat 30 s body deadline): no
ticket was issued while 4,200 slow bodies held every connection, call-next waited 9.9-13.5 s,
and 4,300 slow headers stalled new connections up to ~10 s at a time.

With them (2026-12-08, 20 s a flood, the 2-core box at load 17-21 from other jobs): 0 of 132
issue+call cycles over 2 s. Issue p50/max: 19/343 ms (4,200 slow bodies, one address),
40/278 ms (4,200 from 100 addresses), 21/371 ms (4,300 slow headers, one address), 34/691 ms
(4,300 from 100 addresses); call-next max 91, 124, 182 and 258 ms. One address was held to 32
requests and 64 connections (12,408 of its flood connections cut, 64 answered 429, 32 a 408);
from 100 addresses the body deadline answered 3,200 with 408 and the cap 3,000 with 429, and the
4,300 slow heads all fitted under the 16,384 connections until the 10 s header timeout. Server
RSS: 222 MB quiet, 300-318 MB with 4,200-4,300 connections held (about 20 kB each).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_board import percentile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.served_hall import free_port, start_server


class Flood:
    def __init__(self, port: int, kind: str, count: int, addresses: list[str], until: float) -> None:
        self.port, self.kind, self.count, self.addresses, self.until = port, kind, count, addresses, until
        self.opened = self.closed = self.failed = 0
        self.answers: dict[str, int] = {}

    async def one(self, address: str) -> None:
        while time.monotonic() < self.until:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port, local_addr=(address, 0))
            except OSError:
                self.failed += 1
                await asyncio.sleep(0.5)
                continue
            self.opened += 1
            if self.kind == "body":
                writer.write(
                    b"POST /api/v1/appointments HTTP/1.1\r\nHost: hall\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100000\r\n\r\n"
                )
                trickle = b"{" + b" " * 100_000
            else:
                trickle = b"GET /api/v1/health HTTP/1.1\r\nHost: hall\r\nX-Slow: " + b"a" * 100_000
            sent = 0
            while time.monotonic() < self.until:
                try:
                    writer.write(trickle[sent : sent + 1])
                    sent += 1
                    got = await asyncio.wait_for(reader.read(64), 1.0)  # 1 byte a second
                except TimeoutError:
                    continue
                except OSError:
                    got = b""
                status = got[9:12].decode(errors="replace") if got.startswith(b"HTTP/1.1") else "closed"
                self.answers[status] = self.answers.get(status, 0) + 1
                self.closed += 1
                break
            writer.close()

    async def run(self) -> None:
        tasks = [asyncio.create_task(self.one(self.addresses[i % len(self.addresses)])) for i in range(self.count)]
        await asyncio.gather(*tasks, return_exceptions=True)


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server and its workers (its process group), in MB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def cycles(port: int, tokens: dict, until: float) -> tuple[list[float], list[float]]:
    """The kiosk and the window, one cycle after the other, in this process (the flood has its own)."""
    base = f"http://127.0.0.1:{port}/api/v1"
    kiosk = httpx.Client(
        transport=httpx.HTTPTransport(local_address="127.0.0.2"),
        timeout=60,
        headers={"Authorization": f"Bearer {tokens['kiosk']}"},
    )
    clerk = httpx.Client(
        transport=httpx.HTTPTransport(local_address="127.0.0.3"),
        timeout=60,
        headers={"Authorization": f"Bearer {tokens['clerk-1']}"},
    )
    issue_s, call_s = [], []
    time.sleep(3)  # the flood ramps up first
    while time.monotonic() < until:
        t0 = time.perf_counter()
        kiosk.post(f"{base}/tickets", json={"matter_id": 1, "accept_late_risk": True}).raise_for_status()
        issue_s.append(time.perf_counter() - t0)
        desk = clerk.get(f"{base}/windows/1/desk").json()
        if desk.get("current"):
            clerk.post(f"{base}/windows/1/start")
            clerk.post(f"{base}/windows/1/finish")
        t0 = time.perf_counter()
        clerk.post(f"{base}/windows/1/call-next").raise_for_status()
        call_s.append(time.perf_counter() - t0)
        time.sleep(0.25)  # pacing the cycles
    kiosk.close()
    clerk.close()
    return issue_s, call_s


def run_flood(port: int, kind: str, count: int, addresses: list[str], until: float, out) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    flood = Flood(port, kind, count, addresses, until)
    asyncio.run(flood.run())
    out.put((flood.opened, flood.closed, flood.failed, flood.answers))


def phase(port: int, tokens: dict, kind: str, count: int, addresses: list[str], seconds: float, pid: int) -> None:
    import multiprocessing

    until = time.monotonic() + seconds
    out: multiprocessing.Queue = multiprocessing.Queue()
    flooder = multiprocessing.Process(target=run_flood, args=(port, kind, count, addresses, until, out))
    flooder.start()
    issue_s, call_s = cycles(port, tokens, until)
    rss = server_rss_mb(pid)
    opened, closed, failed, answers = out.get(timeout=120)
    flooder.join(timeout=30)
    label = f"{count} slow {'bodies' if kind == 'body' else 'headers'} from {len(addresses)} address(es)"
    slow = sum(1 for i, c in zip(issue_s, call_s, strict=False) if i + c > 2.0)
    print(f"{label}:")
    print(
        f"  flood: {opened} connections opened, {closed} closed by the server "
        f"(answers {json.dumps(dict(sorted(answers.items())))}), {failed} connects failed"
    )
    for what, xs in (("issue", issue_s), ("call-next", call_s)):
        if xs:
            print(
                f"  {what:>9}: n {len(xs)}  p50 {statistics.median(xs) * 1000:7.1f} ms  "
                f"p90 {percentile(xs, 90) * 1000:7.1f} ms  max {max(xs) * 1000:7.1f} ms"
            )
    print(f"  issue+call cycles over 2 s: {slow} of {len(issue_s)}; server RSS at the end {rss:.0f} MB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--bodies", type=int, default=4200)
    ap.add_argument("--heads", type=int, default=4300)
    ap.add_argument("--addresses", type=int, default=100)
    args = ap.parse_args()
    many = [f"127.0.1.{i}" for i in range(1, args.addresses + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = start_server(["--data", tmp, "--demo"], port, timeout=60)
        try:
            tokens = json.loads((Path(tmp) / "demo-tokens.json").read_text("utf-8"))
            print(f"quiet server RSS {server_rss_mb(proc.pid):.0f} MB", flush=True)
            for kind, count in (("body", args.bodies), ("head", args.heads)):
                for addresses in (["127.0.0.10"], many):
                    phase(port, tokens, kind, count, addresses, args.seconds, proc.pid)
                    time.sleep(1)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
