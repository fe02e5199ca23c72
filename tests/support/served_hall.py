"""A real `yichuang serve` process on a free loopback port, for the tests and the benchmarks that
need the server as shipped (its own process, its event loop, its limits)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

YICHUANG = [sys.executable, "-m", "yichuang.cli"]
CLOCK = "2026-11-26 10:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def db_args(database_url: str, data: Path) -> list[str]:
    return ["--database-url", database_url] if database_url.startswith("postgresql") else ["--data", str(data)]


def make_token(args: list[str], role: str, window: int | None = None) -> str:
    cmd = YICHUANG + ["token", "create", "--role", role, *args] + (["--window", str(window)] if window else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def start_server(args: list[str], port: int, workers: int = 1, timeout: float = 30.0) -> subprocess.Popen:
    """`yichuang serve` at the fake clock's Thursday 10:00, returned once /health answers. Its own
    session, so stop() reaches the workers too. Its stderr goes to a file, not a pipe: nobody reads
    a pipe while the server runs, and a full one would stall a chatty server mid-test."""
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [*YICHUANG, "serve", "--port", str(port), "--clock", CLOCK, "--workers", str(workers), *args],
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    # One client for all the tries: each new one builds a TLS context (~30 ms of CPU), and a
    # server takes a few seconds to answer.
    with httpx.Client(timeout=1) as http:
        while time.monotonic() < deadline:
            try:
                if http.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                    log.close()
                    return proc
            except httpx.HTTPError:
                time.sleep(0.1)
    proc.kill()
    proc.wait()
    log.seek(0)
    raise AssertionError("server did not start: " + log.read().decode(errors="replace"))


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    os.killpg(proc.pid, sig)
    proc.wait(timeout=20)


def served_hall(database_url: str, data: Path, *serve_args: str) -> tuple[subprocess.Popen, int, dict[str, str]]:
    """A demo hall (staff signed in at every window) served on a free port; returns (proc, port, tokens)."""
    args = ["--data", str(data)]
    if database_url.startswith("postgresql"):
        args += ["--database-url", database_url]
    port = free_port()
    proc = start_server([*args, "--demo", *serve_args], port)
    return proc, port, json.loads((data / "demo-tokens.json").read_text("utf-8"))
