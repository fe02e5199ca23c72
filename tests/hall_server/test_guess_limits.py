"""Guessing a secret (an appointment code + phone tail, a booking code at the kiosk) is limited
once for the whole hall: every server process counts the same tries, a restart forgets none,
and the count stays small whatever a flood of callers sends."""

from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import func, select

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.core.errors import NotFound, TooManyRequests
from hall_server.services.accounts import FAILURES_ALLOWED, InvalidCredentials, LoginThrottled
from hall_server.services.appointments import CODE_TRIES, CODE_WINDOW
from hall_server.services.hall_setup import add_staff
from hall_server.services.ticketing import CHECK_IN_TRIES
from hall_server.storage.database import Database
from hall_server.storage.guess_limits import PRUNE_EVERY
from hall_server.storage.models import GuessHit
from tests.support.served_hall import db_args, free_port, start_server, stop

LOCAL_TIME = "2026-11-26 10:00"


def guess(port: int, code: str) -> httpx.Response:
    # A fresh connection each time, from the same address: what a script walking the codes does.
    with httpx.Client(timeout=10) as c:
        return c.post(f"http://127.0.0.1:{port}/api/v1/appointments/{code}/lookup", json={"phone_tail": "0000"})


def assert_refused_in_chinese(r: httpx.Response) -> None:
    assert r.status_code == 429 and "预约码核对次数过多" in r.json()["error"]["message"]
    assert int(r.headers["Retry-After"]) > 0


def test_two_server_processes_share_one_limit_for_code_guesses(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several server processes are a PostgreSQL deployment")
    args = db_args(database_url, tmp_path)
    first_port, second_port = free_port(), free_port()
    first = start_server(args, first_port)
    try:
        second = start_server(args, second_port)
        try:
            answers = [guess(first_port, f"{n:06d}").status_code for n in range(CODE_TRIES)]
            assert set(answers) == {404}
            assert_refused_in_chinese(guess(second_port, "999999"))  # the other process knows the count
        finally:
            stop(second)
    finally:
        stop(first)


def test_a_server_restart_keeps_the_count_of_code_guesses(database_url, tmp_path):
    args = db_args(database_url, tmp_path)
    port = free_port()
    proc = start_server(args, port)
    try:
        assert {guess(port, f"{n:06d}").status_code for n in range(CODE_TRIES)} == {404}
    finally:
        stop(proc)
    proc = start_server(args, port)
    try:
        assert_refused_in_chinese(guess(port, "999999"))
    finally:
        stop(proc)


def test_concurrent_code_guesses_through_several_servers_never_pass_the_limit(database_url):
    clock = FakeClock(parse_local_time(LOCAL_TIME))
    opened = HallServer.open(database_url, clock=clock)
    # Each server has its own engine and pool, as a separate server process would.
    servers = [opened] + [HallServer(Database(database_url), clock=clock) for _ in range(3)]
    hall_id = opened.services.halls.all_ids()[0]
    threads_per_server, tries_per_thread = 3, 10  # 120 tries at once against a limit of 20
    start = threading.Barrier(len(servers) * threads_per_server)
    answers: list[str] = []
    lock = threading.Lock()

    def guesser(server: HallServer, first_code: int) -> None:
        start.wait()
        for n in range(tries_per_thread):
            try:
                server.booking_changes.lookup(hall_id, f"{first_code + n:06d}", "0000", "addr:203.0.113.9")
                answer = "found"
            except NotFound:
                answer = "not found"
            except TooManyRequests:
                answer = "refused"
            with lock:
                answers.append(answer)

    threads = [
        threading.Thread(target=guesser, args=(server, 1000 * (i * threads_per_server + t)))
        for i, server in enumerate(servers)
        for t in range(threads_per_server)
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert answers.count("not found") == CODE_TRIES
        assert answers.count("refused") == len(threads) * tries_per_thread - CODE_TRIES
    finally:
        for server in servers:
            server.close()


def test_guess_counts_stay_small_under_a_flood_of_distinct_callers(database_url):
    clock = FakeClock(parse_local_time(LOCAL_TIME))
    server = HallServer.open(database_url, clock=clock)
    hall_id = server.services.halls.all_ids()[0]

    def lookup(client: str) -> None:
        with pytest.raises((NotFound, TooManyRequests)):
            server.booking_changes.lookup(hall_id, "123456", "0000", client)

    def rows() -> int:
        with server.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(GuessHit)).scalar_one())

    try:
        for _ in range(5 * CODE_TRIES):  # one caller keeps hammering: refused tries leave nothing
            lookup("addr:198.51.100.1")
        assert rows() == CODE_TRIES
        for n in range(500):  # a flood of addresses, one try each
            lookup(f"addr:2001:db8::{n:x}")
        assert rows() == CODE_TRIES + 500
        clock.advance(seconds=CODE_WINDOW + PRUNE_EVERY)
        lookup("addr:198.51.100.2")  # the next try clears what no longer counts
        assert rows() == 1
    finally:
        server.close()


def test_wrong_passwords_count_once_whichever_server_process_checks_them(database_url):
    clock = FakeClock(parse_local_time(LOCAL_TIME))
    first = HallServer.open(database_url, clock=clock)
    second = HallServer(Database(database_url), clock=clock)  # another process on the same database
    hall_id = first.services.halls.all_ids()[0]
    add_staff(first.services, hall_id, "BZY001", "张三")
    first.accounts.set_password(hall_id, "BZY001", "right-password")
    try:
        for n in range(FAILURES_ALLOWED):
            with pytest.raises(InvalidCredentials):
                (first, second)[n % 2].accounts.check_password(hall_id, "BZY001", "guess-guess", "addr:203.0.113.7")
        with pytest.raises(LoginThrottled):  # even the right password, from that address, on either process
            second.accounts.check_password(hall_id, "BZY001", "right-password", "addr:203.0.113.7")
        assert (
            first.accounts.check_password(hall_id, "BZY001", "right-password", "addr:203.0.113.8").staff_no == "BZY001"
        )
    finally:
        first.close()
        second.close()


def test_a_board_token_does_not_make_guessing_codes_free(live_hall):
    board = live_hall.client("board")
    answers = [
        board.post(f"/appointments/{n:06d}/lookup", json={"phone_tail": "0000"}).status_code for n in range(CODE_TRIES)
    ]
    assert set(answers) == {404}
    assert_refused_in_chinese(board.post("/appointments/999999/lookup", json={"phone_tail": "0000"}))


def test_checking_in_with_guessed_codes_at_a_kiosk_is_limited(live_hall):
    kiosk = live_hall.client("kiosk")
    answers = [kiosk.post("/tickets", json={"appointment_code": f"{n:06d}"}).status_code for n in range(CHECK_IN_TRIES)]
    assert set(answers) == {404}
    refused = kiosk.post("/tickets", json={"appointment_code": "999999"})
    assert refused.status_code == 429 and "签到核对次数过多" in refused.json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    # Another kiosk of the hall is counted on its own token.
    other = live_hall.server.tokens.create(live_hall.hall_id, "kiosk", label="second kiosk")
    with httpx.Client(base_url=live_hall.base_url + "/api/v1", headers={"Authorization": f"Bearer {other}"}) as c:
        assert c.post("/tickets", json={"appointment_code": "999999"}).status_code == 404
