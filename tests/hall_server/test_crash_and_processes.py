"""Real `yichuang serve` processes: SIGKILL mid-load, and events across several processes."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.support.sse_client import start_reader

YICHUANG = [sys.executable, "-m", "yichuang.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def db_args(database_url, tmp_path):
    return ["--database-url", database_url] if database_url.startswith("postgresql") else ["--data", str(tmp_path)]


def make_token(args, role, window=None):
    cmd = YICHUANG + ["token", "create", "--role", role, *args] + (["--window", str(window)] if window else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def start_server(args, port, workers=1):
    proc = subprocess.Popen(
        YICHUANG
        + [
            "serve",
            "--port",
            str(port),
            "--clock",
            "2026-11-26 10:00",
            "--workers",
            str(workers),
            "--threads",
            "32",
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start: " + proc.stderr.read().decode(errors="replace"))


def stop(proc, sig=signal.SIGTERM):
    os.killpg(proc.pid, sig)
    proc.wait(timeout=20)


def test_sigkill_mid_load_loses_no_acknowledged_ticket(database_url, tmp_path):
    args = db_args(database_url, tmp_path)
    token = make_token(args, "kiosk")
    port = free_port()
    proc = start_server(args, port)
    acknowledged: list[dict] = []
    lock = threading.Lock()
    halt = threading.Event()

    def hammer():
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}/api/v1", timeout=5, headers={"Authorization": f"Bearer {token}"}
        ) as c:
            while not halt.is_set():
                try:
                    r = c.post("/tickets", json={"matter_id": 1, "accept_late_risk": True})
                except httpx.HTTPError:
                    return  # the server died under us: this request was never acknowledged
                if r.status_code == 201:
                    with lock:
                        acknowledged.append(r.json())

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop(proc, signal.SIGKILL)  # master and worker, no chance to flush anything
    halt.set()
    for t in threads:
        t.join(timeout=10)
    assert len(acknowledged) >= 300

    proc = start_server(args, port)
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}/api/v1", timeout=5, headers={"Authorization": f"Bearer {token}"}
        ) as c:
            for t in acknowledged:
                stored = c.get(f"/tickets/{t['id']}")
                assert stored.status_code == 200 and stored.json()["number"] == t["number"]
            after = c.post("/tickets", json={"matter_id": 1, "accept_late_risk": True}).json()["number"]
        numbers = [t["number"] for t in acknowledged]
        assert len(set(numbers)) == len(numbers) and after not in numbers
    finally:
        stop(proc)


def test_every_subscriber_gets_every_event_across_two_server_processes(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several server processes are a PostgreSQL deployment")
    args = db_args(database_url, tmp_path)
    kiosk, board = make_token(args, "kiosk"), make_token(args, "board")
    port = free_port()
    proc = start_server(args, port, workers=2)
    try:
        readers = [
            start_reader(f"http://127.0.0.1:{port}/api/v1/events", board, params={"types": "ticket.issued"})
            for _ in range(8)
        ]
        numbers = []
        for _ in range(20):
            with httpx.Client(timeout=5) as c:  # new connection each time: lands on either worker
                numbers.append(
                    c.post(
                        f"http://127.0.0.1:{port}/api/v1/tickets",
                        json={"matter_id": 1},
                        headers={"Authorization": f"Bearer {kiosk}"},
                    ).json()["number"]
                )
        for got, halt, _ in readers:
            assert got.wait_for(lambda ev: len(ev) >= 20)
            assert [e["data"]["ticket"]["number"] for e in got.events] == numbers
            halt.set()
    finally:
        stop(proc)
