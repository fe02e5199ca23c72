"""Hall server benchmark: issue throughput/latency, call-next latency, SSE fan-out latency, RSS.

Runs a real `yichuang serve` (Granian, SQLite by default) on 127.0.0.1 and measures it
from outside. Issue load comes from `wrk` (C, keep-alive) when installed, else Python threads,
at 1, 2 and 4 concurrent connections: a closed loop's latency is its concurrency divided by
its throughput, so one row per concurrency shows both the server's cost and its queueing.
Usage: .venv/bin/python bench/bench_hall.py [--database-url URL] [--seconds 10] [--subscribers 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

CLI = [sys.executable, "-m", "yichuang.cli"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hall_with_windows(n: int, path: Path) -> Path:
    from hall_server.core.hall_config import pilot_hall_text

    text = pilot_hall_text().replace('code = "banzhuyuan"', f'code = "bench{n}"')
    head, _, tail = text.partition("[[windows]]")
    tail = tail[tail.index("[hours]") :]
    windows = "".join(f'[[windows]]\nnumber = {i}\nname = "综合窗口{i}"\n\n' for i in range(1, n + 1))
    path.write_text(head + windows + tail, "utf-8")
    return path


class Server:
    def __init__(self, args: list[str], port: int, workers: int = 1) -> None:
        self.port, self.args = port, args
        self.proc = subprocess.Popen(
            CLI
            + [
                "serve",
                "--port",
                str(port),
                "--clock",
                "2026-11-26 09:05",
                # The SSE run holds 200 streams of one board token: above the default per-token cap.
                "--max-streams-per-token",
                "1000",
                # All of it comes from 127.0.0.1: one address standing for a whole hall of devices.
                "--max-streams-per-address",
                "1000",
                "--max-requests-per-address",
                "2000",
                "--max-connections-per-address",
                "4000",
                "--heartbeat",
                "5",
                "--workers",
                str(workers),
                *args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                if httpx.get(self.url("/health"), timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit("server did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1{path}"

    def rss_mb(self) -> float:
        pids = [self.proc.pid] + [
            int(p)
            for p in subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        ]
        total = 0
        for pid in pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total / 1024

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


def token(args: list[str], role: str, hall: str, window: int | None = None) -> str:
    cmd = CLI + ["token", "create", "--role", role, "--hall-code", hall, *args]
    cmd += ["--window", str(window)] if window else []
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]


def sign_in(server: Server, windows: list[int], supervisor: str) -> None:
    # The supervisor posts the bench clerks: nobody signs another person in without their password.
    with httpx.Client(timeout=10) as c:
        for n in windows:
            r = c.post(
                server.url(f"/windows/{n}/sign-in"),
                json={"staff_no": f"BENCH{n:03d}", "post": "A"},
                headers={"Authorization": f"Bearer {supervisor}"},
            )
            r.raise_for_status()


def bench_issue(server: Server, kiosk: str, seconds: int, connections: int) -> dict:
    body = json.dumps({"matter_id": 1, "accept_late_risk": True})
    if shutil.which("wrk"):
        script = Path(tempfile.mkdtemp()) / "issue.lua"
        script.write_text(
            f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
            f'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {kiosk}"\n'
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format("JSON {\\"requests\\": %d, \\"errors\\": %d, \\"p50\\": %.3f, '
            '\\"p99\\": %.3f, \\"duration_s\\": %.3f}\\n", summary.requests, '
            "summary.errors.status + summary.errors.connect + summary.errors.read + "
            "summary.errors.write + summary.errors.timeout, latency:percentile(50)/1000, "
            "latency:percentile(99)/1000, summary.duration/1e6))\nend\n"
        )
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), server.url("/tickets")],
            capture_output=True,
            text=True,
        ).stdout
        data = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
        return {
            "tool": f"wrk -t1 -c{connections}",
            "tickets_per_s": data["requests"] / data["duration_s"],
            "p50_ms": data["p50"],
            "p99_ms": data["p99"],
            "errors": data["errors"],
        }
    latencies: list[float] = []
    end = time.monotonic() + seconds
    lock = threading.Lock()

    def run():
        with httpx.Client(timeout=10, headers={"Authorization": f"Bearer {kiosk}"}) as c:
            while time.monotonic() < end:
                t0 = time.perf_counter()
                c.post(server.url("/tickets"), content=body, headers={"Content-Type": "application/json"})
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "tool": f"python threads x{connections}",
        "tickets_per_s": len(latencies) / seconds,
        "p50_ms": pct(latencies, 50),
        "p99_ms": pct(latencies, 99),
        "errors": 0,
    }


def bench_issue_at_rate(server: Server, kiosk: str, seconds: int, rate: float, connections: int = 16) -> dict:
    """Open loop: a ticket request is due every 1/rate s whatever the answers (kiosks do not
    wait for each other), sent on whichever keep-alive connection is free. Latency counts from
    the moment a request was due, so a server that falls behind is charged for the backlog too
    (no coordinated omission). One thread, select() with microsecond timeouts."""
    import select

    body = json.dumps({"matter_id": 1, "accept_late_risk": True}).encode()
    request = (
        f"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {kiosk}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(connections)]
    for s in socks:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
    idle, busy = list(socks), {}  # busy: socket -> [due time, bytes received]
    total = int(seconds * rate)
    start = time.perf_counter() + 0.01
    sent, latencies, errors = 0, [], 0
    while len(latencies) + errors < total:
        now = time.perf_counter()
        while sent < total and idle and start + sent / rate <= now:
            s = idle.pop()
            s.sendall(request)
            busy[s] = [start + sent / rate, b""]
            sent += 1
        due = start + sent / rate if sent < total and idle else now + 0.05
        readable, _, _ = select.select(list(busy), [], [], max(0.0, due - time.perf_counter()))
        for s in readable:
            entry = busy[s]
            entry[1] += s.recv(65536)
            head, sep, rest = entry[1].partition(b"\r\n\r\n")
            if not sep:
                continue
            length = int(
                next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
            )
            if len(rest) < length:
                continue
            done = time.perf_counter()
            if head.startswith(b"HTTP/1.1 201"):
                latencies.append((done - entry[0]) * 1000)
            else:
                errors += 1
            del busy[s]
            idle.append(s)
    elapsed = time.perf_counter() - start
    for s in socks:
        s.close()
    # The load is the schedule; the server kept up if the last answer came in on time.
    kept_up = elapsed <= seconds * 1.01 + 0.02
    return {
        "tool": f"open loop {rate:.0f}/s",
        "tickets_per_s": rate if kept_up else len(latencies) / elapsed,
        "p50_ms": pct(latencies, 50),
        "p99_ms": pct(latencies, 99),
        "errors": errors,
    }


def bench_call_next(server: Server, kiosk: str, clerks: dict[int, str], rounds: int) -> dict:
    with httpx.Client(timeout=10, headers={"Authorization": f"Bearer {kiosk}"}) as c:
        # This hall's own matter: on PostgreSQL both benchmark halls share one database.
        matter_id = c.get(server.url("/matters")).json()["matters"][1]["id"]
        for _ in range(len(clerks) * rounds + 10):
            r = c.post(server.url("/tickets"), json={"matter_id": matter_id, "accept_late_risk": True})
            if r.status_code != 201:
                raise SystemExit(f"issuing for the call-next run failed: {r.status_code} {r.text[:300]}")
    latencies: list[float] = []
    lock = threading.Lock()

    def window(n: int, tok: str):
        with httpx.Client(timeout=10, headers={"Authorization": f"Bearer {tok}"}) as c:
            c.post(server.url(f"/windows/{n}/start"))
            c.post(server.url(f"/windows/{n}/finish"))  # the events run may have left a ticket at the desk
            for _ in range(rounds):
                t0 = time.perf_counter()
                r = c.post(server.url(f"/windows/{n}/call-next"))
                dt = (time.perf_counter() - t0) * 1000
                if r.status_code == 200 and r.json()["ticket"]:
                    with lock:
                        latencies.append(dt)
                    c.post(server.url(f"/windows/{n}/start"))
                    c.post(server.url(f"/windows/{n}/finish"))

    threads = [threading.Thread(target=window, args=item) for item in clerks.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"windows": len(clerks), "calls": len(latencies), "p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99)}


class RawSubscribers:
    """Many SSE connections read by one thread with a selector, so the measuring client adds
    almost no delay of its own (200 Python reader threads would measure mostly themselves)."""

    def __init__(self, port: int, token: str, count: int) -> None:
        import selectors

        self.sel = selectors.DefaultSelector()
        self.socks = []
        request = (
            f"GET /api/v1/events?types=ticket.called HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(request)
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, {"buf": b"", "seen": 0})
            self.socks.append(s)
        self.wait_for(lambda d: b"connected" in d["buf"], 20)

    def wait_for(self, done, timeout: float) -> list[float]:
        """Read until done(data) holds for every socket; return each socket's completion time."""
        times: dict[int, float] = {}
        end = time.monotonic() + timeout
        while len(times) < len(self.socks) and time.monotonic() < end:
            for key, _ in self.sel.select(timeout=0.5):
                chunk = key.fileobj.recv(65536)
                key.data["buf"] += chunk
                if key.fileobj.fileno() not in times and done(key.data):
                    times[key.fileobj.fileno()] = time.perf_counter()
            for key in self.sel.get_map().values():
                if key.fileobj.fileno() not in times and done(key.data):
                    times[key.fileobj.fileno()] = time.perf_counter()
        return list(times.values())

    def close(self) -> None:
        for s in self.socks:
            s.close()


def bench_events(server: Server, kiosk: str, board: str, clerk: tuple[int, str], subscribers: int, calls: int) -> dict:
    subs = RawSubscribers(server.port, board, subscribers)
    n, tok = clerk
    latencies: list[float] = []
    with httpx.Client(timeout=10) as c:
        for i in range(calls):
            c.post(
                server.url("/tickets"),
                json={"matter_id": 1, "accept_late_risk": True},
                headers={"Authorization": f"Bearer {kiosk}"},
            )
            c.post(server.url(f"/windows/{n}/start"), headers={"Authorization": f"Bearer {tok}"})
            c.post(server.url(f"/windows/{n}/finish"), headers={"Authorization": f"Bearer {tok}"})
            target = i + 1
            t0 = time.perf_counter()
            c.post(server.url(f"/windows/{n}/call-next"), headers={"Authorization": f"Bearer {tok}"})
            done = subs.wait_for(lambda d, target=target: d["buf"].count(b"event: ticket.called") >= target, 10)
            latencies += [(t - t0) * 1000 for t in done]
            time.sleep(0.05)
    rss = server.rss_mb()
    subs.close()
    return {
        "subscribers": subscribers,
        "deliveries": len(latencies),
        "expected": subscribers * calls,
        "p50_ms": pct(latencies, 50),
        "p99_ms": pct(latencies, 99),
        "server_rss_mb": rss,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--subscribers", type=int, default=200)
    ap.add_argument("--rate", type=float, default=1000, help="tickets/s offered in the open-loop issue run")
    ap.add_argument("--event-calls", type=int, default=20)
    ap.add_argument("--workers", type=int, default=1, help="server processes (SQLite serialises writes across them)")
    ap.add_argument("--synchronous", default="FULL", choices=("FULL", "NORMAL"), help="SQLite durability (serve's)")
    a = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="yc-bench-"))
    results = {}
    for n_windows in (3, 30):
        hall = hall_with_windows(n_windows, data / f"hall{n_windows}.toml")
        args = ["--database-url", a.database_url] if a.database_url else ["--data", str(data / f"d{n_windows}")]
        args += ["--hall", str(hall)]
        serve_args = ["--synchronous", a.synchronous]
        hall_code = f"bench{n_windows}"
        kiosk, board = token(args, "kiosk", hall_code), token(args, "board", hall_code)
        clerks = {}
        for n in range(1, n_windows + 1):
            subprocess.run(
                CLI
                + [
                    "staff",
                    "add",
                    "--staff-no",
                    f"BENCH{n:03d}",
                    "--name",
                    f"测试{n}",
                    "--hall-code",
                    hall_code,
                    *args,
                ],
                check=True,
                capture_output=True,
            )
            clerks[n] = token(args, "clerk", hall_code, n)
        supervisor = token(args, "supervisor", hall_code)
        server = Server(args + serve_args, free_port(), a.workers)
        try:
            sign_in(server, list(clerks), supervisor)
            if n_windows == 3:
                results["rss_idle_mb"] = server.rss_mb()
                results["issue"] = [bench_issue_at_rate(server, kiosk, a.seconds, a.rate)]
                results["issue"] += [bench_issue(server, kiosk, a.seconds, c) for c in (1, 2, 4)]
                results["events"] = bench_events(server, kiosk, board, (1, clerks[1]), a.subscribers, a.event_calls)
            results[f"call_next_{n_windows}_windows"] = bench_call_next(
                server, kiosk, clerks, 60 if n_windows == 3 else 8
            )
        finally:
            server.stop()
    backend = "postgresql" if a.database_url else "sqlite"
    sync = f", synchronous={a.synchronous}" if backend == "sqlite" else ""
    print(f"yichuang hall server benchmark ({backend}{sync}, {a.workers} server process(es), {os.cpu_count()} cores)")
    print("issue (targets: >=1000 tickets/s, p50<=2 ms, p99<=20 ms):")
    for i in results["issue"]:
        met = i["tickets_per_s"] >= 1000 and i["p50_ms"] <= 2 and i["p99_ms"] <= 20
        print(
            f"  {i['tool']:>18}: {i['tickets_per_s']:5.0f} tickets/s  p50 {i['p50_ms']:5.2f} ms  "
            f"p99 {i['p99_ms']:6.2f} ms  errors {i['errors']}  {'all targets met' if met else 'target missed'}"
        )
    for n in (3, 30):
        c = results[f"call_next_{n}_windows"]
        print(
            f"call-next, {n} windows calling at once: p50 {c['p50_ms']:.2f} ms  p99 {c['p99_ms']:.2f} ms  ({c['calls']} calls)"
        )
    e = results["events"]
    print(
        f"events: call-next -> receipt at {e['subscribers']} SSE subscribers: p50 {e['p50_ms']:.1f} ms  "
        f"p99 {e['p99_ms']:.1f} ms  ({e['deliveries']}/{e['expected']} delivered; target p99<=50 ms)"
    )
    print(
        f"server RSS: idle {results['rss_idle_mb']:.0f} MB, with {e['subscribers']} subscribers {e['server_rss_mb']:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
