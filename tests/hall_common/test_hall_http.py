"""The devices' HTTP client against a real hall server on 127.0.0.1: each way the server can say
no, or not answer, is an exception of its own carrying what the device shows."""

from __future__ import annotations

import socket
from datetime import datetime

import httpx
import pytest

from hall_common.device_status import SerialDeviceReporter
from hall_common.hall_errors import (
    HallConflict,
    HallError,
    HallForbidden,
    HallInvalid,
    HallNotFound,
    HallRefused,
    HallServerError,
    HallThrottled,
    HallUnauthorized,
    HallUncertain,
    HallUnreachable,
)
from hall_common.hall_http import HallHttp
from hall_server.core.clock import parse_local_time
from hall_server.services.case_reads import CASE_PROGRESS_MISSES
from tests.kiosk.proxy import SwitchableProxy
from tests.support.waiting import wait_until


@pytest.fixture
def client(live_hall):
    made: list[HallHttp] = []

    def make(role: str | None, **kw) -> HallHttp:
        """A client with ``role``'s token; None: no token, "stranger": a token the hall never made."""
        token = "" if role is None else "yc_not_a_token" if role == "stranger" else live_hall.tokens[role]
        made.append(HallHttp(live_hall.base_url, token, **kw))
        return made[-1]

    yield make
    for c in made:
        c.close()


def refusal(call) -> HallError:
    with pytest.raises(HallError) as caught:
        call()
    return caught.value


def test_a_refusal_carries_the_servers_code_and_its_chinese_message(client):
    error = refusal(lambda: client("clerk-1").post("/windows/2/call-next"))
    assert type(error) is HallForbidden
    assert (error.status, error.code, error.text) == (403, "forbidden_window", "您登录的是1号窗口，不能操作2号窗口。")


def test_a_closed_halls_refusal_says_when_it_opens_next_in_the_language_asked_for(live_hall, client):
    live_hall.clock.set(parse_local_time("2026-11-26 20:00"))
    chinese = refusal(lambda: client("kiosk").post("/tickets", {}))
    english = refusal(lambda: client("kiosk", locale="en").post("/tickets", {}))
    assert type(chinese) is type(english) is HallConflict and chinese.code == english.code == "hall_closed"
    assert "下次开放时间" in chinese.text and "opens next" in english.text
    assert chinese.details["next_open_at"] == "2026-11-27T09:00:00+08:00"


@pytest.mark.parametrize(
    "role,method,path,body,expected,code",
    [
        ("stranger", "GET", "/hall", None, HallUnauthorized, "invalid_token"),
        ("kiosk", "POST", "/windows/1/call-next", None, HallForbidden, "forbidden_role"),
        ("kiosk", "POST", "/tickets", {"matter_id": 99999}, HallNotFound, "matter_not_found"),
        ("clerk-1", "POST", "/windows/1/pause", {"reason": "会" * 300}, HallInvalid, "field_too_long"),
        ("clerk-1", "POST", "/windows/1/start", None, HallConflict, "no_current_ticket"),
    ],
)
def test_each_refusal_is_the_exception_of_its_status(client, role, method, path, body, expected, code):
    error = refusal(lambda: client(role).request(method, path, json=body))
    assert (type(error), error.code) == (expected, code) and error.text


def test_a_refusal_without_a_class_of_its_own_is_the_servers_fault_for_the_resident(client):
    error = refusal(lambda: client("kiosk").request("DELETE", "/hall"))
    assert type(error) is HallRefused and (error.status, error.code, error.kind) == (
        405,
        "method_not_allowed",
        "server",
    )


def test_a_guessed_case_number_is_throttled_with_the_wait(client):
    resident = client(None)  # the progress lookup is public: a phone without a token
    for _ in range(CASE_PROGRESS_MISSES):
        assert type(refusal(lambda: resident.get("/cases/progress/NOPE", params={"code": "123456"}))) is HallNotFound
    error = refusal(lambda: resident.get("/cases/progress/NOPE", params={"code": "123456"}))
    assert type(error) is HallThrottled and error.details["retry_after_seconds"] > 0


def test_a_server_nobody_listens_for_is_unreachable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: connecting is refused
    with HallHttp(f"http://127.0.0.1:{port}", "yc_x") as hall:
        error = refusal(lambda: hall.get("/hall"))
    assert type(error) is HallUnreachable and error.kind == "unreachable"


def test_an_answer_lost_after_the_server_acted_is_uncertain_not_unreachable(live_hall):
    proxy = SwitchableProxy(("127.0.0.1", int(live_hall.base_url.rsplit(":", 1)[1]))).start()
    try:
        with HallHttp(proxy.url, live_hall.tokens["kiosk"], read_timeout=1.0) as kiosk:
            proxy.stall()
            error = refusal(lambda: kiosk.post("/tickets", {}))
    finally:
        proxy.stop()
    assert type(error) is HallUncertain and error.kind == "uncertain"
    supervisor = live_hall.client("supervisor")
    # The ticket was issued all the same: a second tap would have taken another.
    wait_until(lambda: supervisor.get("/hall").json()["status"]["waiting"] == 1, what="the ticket issued")


def test_a_proxys_error_page_is_a_server_error_with_its_text():
    page = "<html><body>502 Bad Gateway</body></html>"
    transport = httpx.MockTransport(lambda request: httpx.Response(502, text=page))
    with HallHttp("http://hall.test", "yc_x", transport=transport) as hall:
        error = refusal(lambda: hall.get("/hall"))
    assert type(error) is HallServerError and (error.status, error.text, error.kind) == (502, page, "server")


def test_the_servers_clock_is_read_from_its_answers(client):
    ticks = iter([100.0, 130.0])
    hall = client("kiosk", monotonic=lambda: next(ticks))
    hall.get("/hall")
    assert hall.server_now() == datetime.fromisoformat("2026-11-26T10:00:30+08:00")


def test_a_serial_device_going_and_coming_back_ends_on_the_device_list_as_back(live_hall, client):
    reporter = SerialDeviceReporter(client("clerk-2"), "/dev/ttyUSB0")
    reporter.online("window-2/keypad", "keypad", 4, False)
    reporter.online("window-2/keypad", "keypad", 4, True)
    reporter.close()
    (device,) = live_hall.client("supervisor").get("/devices").json()["devices"]
    assert (device["device"], device["state"]) == ("window-2/keypad", "ok")
    assert device["detail"] == "串口设备地址4（/dev/ttyUSB0）"
