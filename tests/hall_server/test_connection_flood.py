"""A real `yichuang serve` under a connection flood: the hall keeps issuing and calling."""

import socket

import httpx

from tests.support.served_hall import served_hall, stop
from tests.support.waiting import wait_until


def open_raw_stream(port: int, token: str) -> socket.socket:
    """An event stream on a bare socket, read up to its first line of body (the server accepted it)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(
        f"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    head = b""
    while b"retry: 2000" not in head:
        chunk = s.recv(4096)
        assert chunk, "the server closed an event stream it should hold"
        head += chunk
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    return s


def read_until(s: socket.socket, needle: bytes, timeout: float = 5.0) -> bytes:
    s.settimeout(timeout)
    data = b""
    while needle not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_hall_keeps_issuing_and_calling_while_300_idle_sockets_and_300_board_streams_are_held(database_url, tmp_path):
    # The per-token and per-address caps are raised so that all 300 streams of the leaked board
    # token are really held open (the worst case: held streams and sockets must cost no thread);
    # idle sockets are not timed out during the test. The caps themselves: test_slow_clients.py.
    proc, port, tokens = served_hall(
        database_url,
        tmp_path,
        "--max-streams-per-token",
        "400",
        "--max-streams-per-address",
        "400",
        "--max-requests-per-address",
        "400",
        "--max-connections-per-address",
        "1000",
        "--header-timeout",
        "120",
    )
    streams, idle = [], []
    try:
        streams = [open_raw_stream(port, tokens["board"]) for _ in range(300)]
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
        base = f"http://127.0.0.1:{port}/api/v1"
        # The liveness bound. Parked behind the held connections, these requests went unanswered
        # for 25-40 s; served, they take about 0.1 s. 5 s tells the two apart
        # on a loaded 2-core CI box too, where 1 s was one stalled scheduler slice away from failing.
        with httpx.Client(timeout=5.0) as c:
            issued = c.post(
                f"{base}/tickets",
                json={"matter_id": 1, "accept_late_risk": True},
                headers={"Authorization": f"Bearer {tokens['kiosk']}"},
            )
            assert issued.status_code == 201, issued.text
            called = c.post(f"{base}/windows/1/call-next", headers={"Authorization": f"Bearer {tokens['clerk-1']}"})
            assert called.status_code == 200, called.text
            assert called.json()["ticket"]["number"] == issued.json()["number"]
            health = c.get(f"{base}/health").json()
            assert health["subscribers"] == 300
        # The streams are live, not parked: the first and the last one hear the call.
        for s in (streams[0], streams[-1]):
            assert b"event: ticket.called" in read_until(s, b"event: ticket.called")
    finally:
        for s in streams + idle:
            s.close()
        stop(proc)


def test_event_streams_beyond_the_per_token_and_total_caps_get_a_503_in_chinese(database_url, tmp_path):
    proc, port, tokens = served_hall(database_url, tmp_path, "--max-streams-per-token", "2", "--max-streams", "3")
    held = []
    try:
        held = [open_raw_stream(port, tokens["board"]) for _ in range(2)]
        url = f"http://127.0.0.1:{port}/api/v1/events"
        with httpx.Client(timeout=5) as c:
            third = c.get(url, headers={"Authorization": f"Bearer {tokens['board']}"})
            assert third.status_code == 503
            assert third.json()["error"]["code"] == "too_many_streams_token"
            assert "令牌" in third.json()["error"]["message"]
            held.append(open_raw_stream(port, tokens["kiosk"]))  # another token: allowed, total now 3
            over = c.get(url, headers={"Authorization": f"Bearer {tokens['pad-1']}"})
            assert over.status_code == 503 and over.json()["error"]["code"] == "too_many_streams"
            assert "实时事件连接已满" in over.json()["error"]["message"]
        # A closed stream gives its place back (once the server has noticed the close).
        held.pop(0).close()
        wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{port}/api/v1/health").json()["subscribers"] == 2,
            what="the server to release the closed stream",
        )
        held.append(open_raw_stream(port, tokens["board"]))
    finally:
        for s in held:
            s.close()
        stop(proc)


def test_a_chunked_body_beyond_the_limit_is_refused_with_413_and_issues_nothing(tmp_path):
    proc, port, tokens = served_hall("sqlite", tmp_path)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        auth = {"Authorization": f"Bearer {tokens['kiosk']}", "Content-Type": "application/json"}

        def endless():  # no Content-Length: sent chunked, 32 MiB in all
            for _ in range(512):
                yield b" " * 65536

        with httpx.Client(timeout=30) as c:
            r = c.post(f"{base}/tickets", content=endless(), headers=auth)
            assert r.status_code == 413 and "过大" in r.json()["error"]["message"]
            line = c.get(f"{base}/queue", headers={"Authorization": f"Bearer {tokens['supervisor']}"}).json()
            assert line["waiting"] == []
    finally:
        stop(proc)
