"""A real `yichuang serve` against slow clients from one address: slow bodies, slow headers and
hoarded event streams must not keep a kiosk from issuing or a window from calling.

The server's connection cap is lowered to 200 so that a few hundred connections from one
address (127.0.0.1) would fill it, as 4,200 slow bodies and 4,300 slow headers filled the
shipped 4,096 (bench/bench_slow_clients.py runs the full-size floods). The kiosk and the clerk
come from other loopback addresses (127.0.0.2, 127.0.0.3), as on a hall network.
"""

import socket
import time

import httpx
import pytest

from tests.hall_server.test_connection_flood import open_raw_stream, read_until
from tests.support.served_hall import served_hall, stop
from tests.support.waiting import wait_until

FLOOD = 300
# The liveness bound: parked behind the flood, the kiosk waited 30 s (the old body deadline)
# or the header timeout (120 s here); served, it takes about 0.1 s.
LIVE = 5.0


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    proc, port, tokens = served_hall(
        "sqlite", tmp_path_factory.mktemp("slow"), "--max-connections", "200", "--header-timeout", "120"
    )
    yield port, tokens
    stop(proc)


def from_address(address: str, token: str) -> httpx.Client:
    return httpx.Client(
        transport=httpx.HTTPTransport(local_address=address),
        timeout=LIVE,
        headers={"Authorization": f"Bearer {token}"},
    )


def issue_and_call(port: int, tokens: dict) -> None:
    base = f"http://127.0.0.1:{port}/api/v1"
    with from_address("127.0.0.2", tokens["kiosk"]) as kiosk, from_address("127.0.0.3", tokens["clerk-1"]) as clerk:
        issued = kiosk.post(f"{base}/tickets", json={"matter_id": 1, "accept_late_risk": True})
        assert issued.status_code == 201, issued.text
        desk = clerk.get(f"{base}/windows/1/desk").json()
        if desk.get("current"):
            clerk.post(f"{base}/windows/1/start")
            clerk.post(f"{base}/windows/1/finish")
        called = clerk.post(f"{base}/windows/1/call-next")
        assert called.status_code == 200, called.text


def slow_body(port: int) -> socket.socket:
    """The public booking route, no token, 1 byte of a declared 100 kB body."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(
        b"POST /api/v1/appointments HTTP/1.1\r\nHost: hall\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n{"
    )
    return s


def answer(s: socket.socket) -> bytes:
    """What the server sent before closing (b"" for a bare close)."""
    s.settimeout(LIVE)
    data = b""
    while True:
        try:
            chunk = s.recv(4096)
        except (ConnectionResetError, TimeoutError):
            return data
        if not chunk:
            return data
        data += chunk


def test_slow_bodies_from_one_address_are_turned_away_and_the_kiosk_still_issues(hall):
    port, tokens = hall
    flood = []
    try:
        flood = [slow_body(port) for _ in range(FLOOD)]
        issue_and_call(port, tokens)
        # Beyond the address's allowance the server answered at once and hung up, body unread;
        # the rest are held to their body deadline, not for good.
        turned_away = 0
        for s in flood[-100:]:
            head = answer(s)
            assert head.startswith(b"HTTP/1.1 429"), head[:80]
            assert "这台设备同时发出的请求过多".encode() in head
            turned_away += 1
        assert turned_away == 100
    finally:
        for s in flood:
            s.close()


def test_slow_headers_from_one_address_above_the_connection_cap_do_not_stall_the_hall(hall):
    port, tokens = hall
    flood = []
    try:
        for _ in range(FLOOD):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: hall\r\n")  # and never the end of the head
            flood.append(s)
        issue_and_call(port, tokens)

        def closed() -> int:
            n = 0
            for s in flood:
                s.setblocking(False)
                try:
                    n += s.recv(1, socket.MSG_PEEK) == b""
                except BlockingIOError:
                    pass
                except OSError:
                    n += 1
            return n

        # The address keeps no more than its allowance (64 connections, fewer if the previous
        # test's sockets are still being closed on the server side); the server closed the rest.
        wait_until(lambda: closed() >= FLOOD - 64, what="the surplus slow heads to be closed")
        assert closed() < FLOOD, "the warden cut connections within the address's allowance too"
    finally:
        for s in flood:
            s.close()


def test_one_address_cannot_take_every_stream_of_the_board_token(hall):
    port, tokens = hall
    held, real_tv = [], None
    url = f"http://127.0.0.1:{port}/api/v1/events"
    try:
        held = [open_raw_stream(port, tokens["board"]) for _ in range(8)]
        with from_address("127.0.0.1", tokens["board"]) as copy:
            over = copy.get(url)
        assert over.status_code == 503
        assert over.json()["error"]["code"] == "too_many_streams_address"
        assert "这台设备打开的实时事件连接已达上限" in over.json()["error"]["message"]
        # The real TV, on its own address, still gets its stream and hears the hall.
        real_tv = socket.socket()
        real_tv.bind(("127.0.0.4", 0))
        real_tv.settimeout(10)
        real_tv.connect(("127.0.0.1", port))
        real_tv.sendall(
            f"GET /api/v1/events HTTP/1.1\r\nHost: hall\r\nAuthorization: Bearer {tokens['board']}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        assert read_until(real_tv, b"retry: 2000").startswith(b"HTTP/1.1 200")
        issue_and_call(port, tokens)
        assert b"event: ticket.called" in read_until(real_tv, b"event: ticket.called")
    finally:
        for s in [*held, real_tv]:
            if s is not None:
                s.close()


def test_a_trickling_body_is_cut_off_at_its_deadline_while_a_steady_slow_one_gets_through(tmp_path):
    proc, port, tokens = served_hall("sqlite", tmp_path, "--body-timeout", "1", "--body-min-rate", "500")
    try:
        trickle = slow_body(port)
        started = time.monotonic()
        head = b""
        trickle.settimeout(0.2)
        while not head:  # one byte every 0.2 s: 5 bytes/s, far under the minimum rate
            try:
                trickle.sendall(b" ")
                head = trickle.recv(4096)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            assert time.monotonic() - started < 30, "the trickling body was never cut off"
        assert head.startswith(b"HTTP/1.1 408"), head[:80]
        trickle.close()

        # 1.5 kB/s over 2 s (past the 1 s start) keeps buying time: the ticket is issued.
        body = b'{"matter_id": 1, "accept_late_risk": true}' + b" " * 3000
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(
            f"POST /api/v1/tickets HTTP/1.1\r\nHost: hall\r\nAuthorization: Bearer {tokens['kiosk']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        for i in range(0, len(body), 300):
            s.sendall(body[i : i + 300])
            time.sleep(0.2)  # pacing the sender, not waiting for the server
        assert answer(s).startswith(b"HTTP/1.1 201")
        s.close()
    finally:
        stop(proc)


@pytest.mark.parametrize(("family", "host"), [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")])
def test_the_warden_never_cuts_a_connection_that_is_in_a_request_whatever_its_address_family(family, host):
    # In-process, on real sockets: the warden names peers from the socket, the bridge from
    # Granian's scope.client ("[::1]:5678" for IPv6); a mismatch would cut a live event stream.
    from yichuang.client_limits import ClientTable, ConnectionWarden

    with socket.socket(family) as listener:
        listener.bind((host, 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        clients = [socket.create_connection((host, port)) for _ in range(3)]
        served = [listener.accept()[0] for _ in clients]
        try:
            table = ClientTable(max_active=10)
            busy = served[0].getpeername()
            assert table.enter(f"[{busy[0]}]:{busy[1]}" if family == socket.AF_INET6 else f"{busy[0]}:{busy[1]}")
            warden = ConnectionWarden(table, port, max_per_address=1, own_descriptors=0)
            assert warden.scan() == 2  # the two idle ones go, the busy one stays
            clients[0].settimeout(0.2)
            with pytest.raises(TimeoutError):
                clients[0].recv(1)  # still open: nothing to read, no end-of-file
            for c in clients[1:]:
                c.settimeout(5)
                assert c.recv(1) == b""
        finally:
            for s in clients + served:
                s.close()
