"""Sign-in only as oneself, person tokens that end, log-in throttling that
nobody can turn against the clerks, and password hashing that a crowd cannot turn into a memory bomb."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from hall_server.core.clock import CHINA
from hall_server.services.accounts import ADDRESS_ATTEMPTS, FAILURES_ALLOWED, HASH_SLOTS
from hall_server.services.hall_setup import add_staff

PASSWORD = "banzhuyuan-2026"


@pytest.fixture
def hall(live_hall):
    accounts = live_hall.server.accounts
    for staff_no in ("BZY001", "BZY002", "BZY004"):
        accounts.set_password(live_hall.hall_id, staff_no, PASSWORD)
    add_staff(live_hall.server.services, live_hall.hall_id, "BZY900", "代班员", "clerk")
    accounts.set_password(live_hall.hall_id, "BZY900", "other-person-pw")
    add_staff(live_hall.server.services, live_hall.hall_id, "BZY800", "中心负责人", "supervisor")
    accounts.set_password(live_hall.hall_id, "BZY800", PASSWORD)
    return live_hall


def api(hall, token: str | None = None, address: str = "127.0.0.1") -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = httpx.Client(
        base_url=hall.base_url + "/api/v1",
        headers=headers,
        timeout=30,
        transport=httpx.HTTPTransport(local_address=address),
    )
    hall.clients.append(client)
    return client


def login(hall, staff_no: str, password: str = PASSWORD, window: int | None = 1, address: str = "127.0.0.1"):
    return api(hall, address=address).post(
        "/auth/login", json={"staff_no": staff_no, "password": password, "window": window}
    )


def person(hall, staff_no: str, window: int | None = 1) -> httpx.Client:
    r = login(hall, staff_no, window=window)
    assert r.status_code == 200, r.text
    return api(hall, r.json()["token"])


# --- sign-in only as oneself ------------------------------------------------------
def test_a_clerk_cannot_sign_in_someone_else_without_that_persons_password(hall):
    clerk = person(hall, "BZY001")
    take = {"post": "A", "staff_no": "BZY900", "take_over": True}
    refused = clerk.post("/windows/1/sign-in", json=take)
    assert refused.status_code == 403 and "BZY900 本人的密码" in refused.json()["error"]["message"]
    wrong = clerk.post("/windows/1/sign-in", json={**take, "password": PASSWORD})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "sign_in_wrong_password"
    board = hall.client("board").get("/windows").json()["windows"][0]
    assert board["staff"]["name"] == "陈晓梅"  # still the clerk who was there
    ok = clerk.post("/windows/1/sign-in", json={**take, "password": "other-person-pw"})
    assert ok.status_code == 200 and ok.json()["window"]["staff"]["name"] == "代班员"


def test_a_window_token_of_no_person_also_needs_the_password(hall):
    r = hall.client("clerk-2").post("/windows/2/sign-in", json={"post": "B", "staff_no": "BZY900", "take_over": True})
    assert r.status_code == 403 and r.json()["error"]["code"] == "sign_in_needs_password"


def test_a_clerk_signs_in_oneself_and_a_supervisor_anyone(hall):
    hall.client("supervisor").post("/windows/2/sign-out", json={"reason": "午休"})
    own = person(hall, "BZY002", window=2).post("/windows/2/sign-in", json={"post": "A"})
    assert own.status_code == 200 and own.json()["window"]["staff"]["name"] == "王建国"
    sup = hall.client("supervisor").post(
        "/windows/2/sign-in", json={"post": "B", "staff_no": "BZY900", "take_over": True, "reason": "调岗"}
    )
    assert sup.status_code == 200 and sup.json()["window"]["staff"]["name"] == "代班员"


# --- person tokens end -------------------------------------------------------------
def test_a_demoted_supervisors_token_stops_at_once(hall):
    sup = person(hall, "BZY800", window=None)
    assert sup.get("/shifts").status_code == 200
    hall.server.accounts.set_role(hall.hall_id, "BZY800", "clerk")
    assert sup.post("/windows/1/close", json={"reason": "下班"}).status_code == 401
    assert hall.client("board").get("/windows").json()["windows"][0]["state"] != "closed"


@pytest.mark.parametrize(
    "change",
    [
        lambda h: h.server.accounts.set_password(h.hall_id, "BZY001", "a-new-password"),
        lambda h: h.server.accounts.set_active(h.hall_id, "BZY001", False),
    ],
    ids=["password", "deactivated"],
)
def test_a_password_or_active_change_ends_the_persons_tokens(hall, change):
    clerk = person(hall, "BZY001")
    assert clerk.get("/auth/me").status_code == 200
    change(hall)
    assert clerk.get("/auth/me").status_code == 401


def test_a_terminal_left_idle_is_logged_out_but_one_in_use_is_not(hall):
    used, idle = person(hall, "BZY001"), person(hall, "BZY002", window=2)
    for _ in range(3):
        hall.clock.advance(minutes=20)
        assert used.get("/auth/me").status_code == 200
    assert idle.get("/auth/me").status_code == 401  # 60 minutes untouched, the limit is 30


def test_a_person_token_ends_with_the_working_day(hall):
    # Thursday 10:00; the pilot hall's last period (the evening slot) ends 18:30, tokens an hour later.
    clerk = person(hall, "BZY001")
    for _ in range(22):  # used every 25 minutes until 19:10
        hall.clock.advance(minutes=25)
        assert clerk.get("/auth/me").status_code == 200
    assert hall.clock.now().astimezone(CHINA).strftime("%H:%M") == "19:10"
    hall.clock.advance(minutes=25)  # 19:35
    assert clerk.get("/auth/me").status_code == 401


def test_device_tokens_do_not_expire(hall):
    hall.clock.advance(days=3)
    assert hall.client("kiosk").get("/auth/me").status_code == 200


# --- throttling per staff number and address ---------------------------------------
def test_wrong_passwords_from_one_address_do_not_lock_the_clerk_out_elsewhere(hall):
    for _ in range(FAILURES_ALLOWED):
        assert login(hall, "BZY001", "guess-guess", address="127.0.0.3").status_code == 401
    locked = login(hall, "BZY001", address="127.0.0.3")  # even the right password, from there
    assert locked.status_code == 429 and "秒后再试" in locked.json()["error"]["message"]
    assert int(locked.headers["Retry-After"]) > 0
    assert login(hall, "BZY001", address="127.0.0.4").status_code == 200  # the clerk at the window
    hall.clock.advance(minutes=16)
    assert login(hall, "BZY001", address="127.0.0.3").status_code == 200


def test_a_password_reset_lets_a_locked_out_clerk_log_in_at_once(hall):
    for _ in range(FAILURES_ALLOWED):
        assert login(hall, "BZY002", "guess-guess", address="127.0.0.7").status_code == 401
    assert login(hall, "BZY002", address="127.0.0.7").status_code == 429
    hall.server.accounts.set_password(hall.hall_id, "BZY002", "new-password-2026")
    assert login(hall, "BZY002", "new-password-2026", address="127.0.0.7").status_code == 200


def test_unknown_staff_numbers_count_against_the_address_limit(hall):
    answers = [login(hall, f"X{n:05d}", "whatever", address="127.0.0.5").status_code for n in range(ADDRESS_ATTEMPTS)]
    assert set(answers) == {401}
    over = login(hall, "BZY001", address="127.0.0.5")
    assert over.status_code == 429
    assert login(hall, "BZY001", address="127.0.0.6").status_code == 200  # another address is unaffected


def test_an_unknown_staff_number_is_locked_after_as_many_wrong_tries_as_a_known_one(hall):
    # Else five wrong tries tell a real number (429) from a made-up one (401 for ever).
    for staff_no in ("BZY004", "NOBODY2"):
        for _ in range(FAILURES_ALLOWED):
            assert login(hall, staff_no, "guess-guess", address="127.0.0.9").status_code == 401
    known, unknown = (login(hall, n, "guess-guess", address="127.0.0.9") for n in ("BZY004", "NOBODY2"))
    assert known.status_code == unknown.status_code == 429
    assert known.json()["error"]["code"] == unknown.json()["error"]["code"] == "login_throttled"


def test_an_unknown_staff_number_costs_the_same_hash_verification_as_a_known_one(hall, monkeypatch):
    from hall_server.services import accounts

    verified: list[str] = []
    hasher = accounts._hasher()
    real = type(hasher).verify

    def counting(self, hashed, password):
        verified.append(hashed)
        return real(self, hashed, password)

    monkeypatch.setattr(type(hasher), "verify", counting)
    hall.server.accounts.set_active(hall.hall_id, "BZY900", False)
    for staff_no in ("BZY001", "NOBODY3", "BZY900"):  # known, unknown, no longer active
        assert login(hall, staff_no, "guess-guess", address="127.0.0.10").status_code == 401
    assert len(verified) == 3
    # The unknown and the inactive one are checked against a hash with the real one's parameters.
    params = [h.rsplit("$", 2)[0] for h in verified]
    assert params[1] == params[2] == params[0]


def test_unknown_and_known_numbers_get_the_same_answer(hall):
    unknown = login(hall, "NOBODY1", "guess-guess", address="127.0.0.7")
    known = login(hall, "BZY001", "guess-guess", address="127.0.0.7")
    assert unknown.status_code == known.status_code == 401
    assert unknown.json() == known.json()


# --- a crowd of log-ins is refused before hashing ---------------------------------
def test_32_concurrent_logins_beyond_the_address_limit_are_refused_before_any_hash(hall):
    gate = hall.server.accounts.gate
    # Hold every hash slot: a request that reached the hasher cannot finish until we let go.
    for _ in range(HASH_SLOTS):
        assert gate.slots.acquire(timeout=5)
    released = threading.Event()
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        r = login(hall, f"BZY{n:03d}", "wrong-password", address="127.0.0.8")
        with lock:
            statuses.append((r.status_code, released.is_set()))

    try:
        pool = ThreadPoolExecutor(32)
        futures = [pool.submit(attempt, n) for n in range(32)]
        refused = 32 - ADDRESS_ATTEMPTS
        deadline = 0
        while sum(1 for s, _ in statuses if s == 429) < refused and deadline < 300:
            threading.Event().wait(0.1)
            deadline += 1
        early = list(statuses)
    finally:
        released.set()
        for _ in range(HASH_SLOTS):
            gate.slots.release()
    for f in futures:
        f.result()
    pool.shutdown()
    # Every refusal came back while no hash could run: refused before hashing, not after queueing.
    assert [s for s, _ in early] == [429] * refused
    assert sorted(s for s, _ in statuses) == [401] * ADDRESS_ATTEMPTS + [429] * refused
    assert all(later for s, later in statuses if s == 401)
