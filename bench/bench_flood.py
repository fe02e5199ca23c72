"""Issuing and calling while a flood holds the hall's connections, against a
real `yichuang serve` subprocess on SQLite.

Run: .venv/bin/python bench/bench_flood.py [--idle 300] [--streams 300] [--rounds 30]

Before the fix, 256 idle sockets (or 300 event streams of the board token from the TV's URL) parked
every other request for 25-40 s. The test suite checks the hall still answers under the flood (its
bound only tells "served" from "parked"); this prints how fast: a kiosk issue and a clerk's
finish + call-next, timed one after the other for --rounds rounds, first on a quiet server, then
with --idle bare sockets that never send a byte and --streams board event streams held open.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_board import free_port, percentile, start_server


def open_stream(port: int, token: str) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(
        f"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("the server closed an event stream it should hold")
        head += chunk
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"event stream refused: {head[:120]!r}")
    return s


def rounds(base: str, tokens: dict[str, str], n: int) -> tuple[list[float], list[float]]:
    kiosk = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {tokens['kiosk']}"})
    clerk = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {tokens['clerk-1']}"})
    issue_ms, call_ms = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        kiosk.post("/tickets", json={"accept_late_risk": True}).raise_for_status()
        issue_ms.append((time.perf_counter() - t0) * 1000)
        desk = clerk.get("/windows/1/desk").json()
        if desk.get("current"):
            clerk.post("/windows/1/start")
            clerk.post("/windows/1/finish")
        t0 = time.perf_counter()
        clerk.post("/windows/1/call-next").raise_for_status()
        call_ms.append((time.perf_counter() - t0) * 1000)
    kiosk.close()
    clerk.close()
    return issue_ms, call_ms


def show(label: str, issue_ms: list[float], call_ms: list[float]) -> None:
    for what, ms in (("issue", issue_ms), ("call-next", call_ms)):
        print(
            f"{label:>28} {what:>9}: p50 {statistics.median(ms):7.1f} ms  p90 {percentile(ms, 90):7.1f} ms"
            f"  max {max(ms):7.1f} ms"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--idle", type=int, default=300)
    ap.add_argument("--streams", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, port = Path(tmp), free_port()
        # Idle sockets are not timed out during the bench (the worst case: an attacker re-dials anyway).
        server = start_server(data, port, "--header-timeout", "600")
        try:
            tokens = json.loads((data / "demo-tokens.json").read_text("utf-8"))
            base = f"http://127.0.0.1:{port}/api/v1"
            show("quiet", *rounds(base, tokens, args.rounds))
            held = [open_stream(port, tokens["board"]) for _ in range(args.streams)]
            held += [socket.create_connection(("127.0.0.1", port)) for _ in range(args.idle)]
            show(f"{args.idle} idle + {args.streams} streams", *rounds(base, tokens, args.rounds))
            subscribers = httpx.get(f"{base}/health", timeout=60).json()["subscribers"]
            print(f"{'':>28} streams held by the server: {subscribers}")
            for s in held:
                s.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
