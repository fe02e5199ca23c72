"""Real `yichuang serve` processes: SIGKILL mid-load, and events across several processes."""

import signal
import threading
import time

import httpx
import pytest

from tests.support.served_hall import db_args, free_port, make_token, start_server, stop
from tests.support.sse_client import start_reader


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
