"""A device joins the hall with the supervisor's one-time code and leaves it when revoked."""

from __future__ import annotations

import stat
from importlib import metadata

import httpx
import pytest

from hall_common.hall_http import HallHttp
from hall_server.core.errors import NotFound
from hall_server.services.enrolment import HALL_MISSES
from yichuang.cli import main


def _code(hall, role="kiosk", name="大厅1号取号机", window=None) -> dict:
    r = hall.client("supervisor").post("/enrolment-codes", json={"role": role, "name": name, "window": window})
    assert r.status_code == 201, r.text
    return r.json()


def _public(hall) -> httpx.Client:
    c = httpx.Client(base_url=hall.base_url + "/api/v1", timeout=10)
    hall.clients.append(c)
    return c


def _device(hall, token: str) -> httpx.Client:
    c = httpx.Client(base_url=hall.base_url + "/api/v1", timeout=10, headers={"Authorization": f"Bearer {token}"})
    hall.clients.append(c)
    return c


def test_a_code_enrols_its_device_once(live_hall):
    made = _code(live_hall)
    assert made["code"].isdigit() and len(made["code"]) == 8
    first = _public(live_hall).post("/enrolment", json={"code": made["code_text"]})  # as printed: "1234 5678"
    assert first.status_code == 200, first.text
    assert (first.json()["name"], first.json()["role"]) == ("大厅1号取号机", "kiosk")
    again = _public(live_hall).post("/enrolment", json={"code": made["code"]})
    assert again.status_code == 409
    assert "已经用过" in again.json()["error"]["message"]
    assert "向值班负责人要一个新的注册码" in again.json()["error"]["message"]


def test_the_enrolled_device_shows_by_name_with_version_last_contact_and_printer(live_hall):
    token = _public(live_hall).post("/enrolment", json={"code": _code(live_hall)["code"]}).json()["token"]
    live_hall.clock.advance(minutes=5)
    with HallHttp(live_hall.base_url, token) as kiosk:  # the kiosk's own client, as its printer watch reports
        kiosk.report_device("kiosk-1/printer", "printer", "paper_out", "缺纸")
    fleet = live_hall.client("supervisor").get("/devices").json()["fleet"]
    assert [(d["name"], d["role"], d["state"], d["version"]) for d in fleet] == [
        ("大厅1号取号机", "kiosk", "enrolled", metadata.version("yichuang"))
    ]
    assert fleet[0]["last_contact"].startswith("2026-11-26T10:05")
    assert [(p["device"], p["state"]) for p in fleet[0]["peripherals"]] == [("kiosk-1/printer", "paper_out")]
    assert fleet[0]["problem"] is True


def test_an_expired_code_is_refused_asking_the_supervisor_for_a_new_one(live_hall):
    made = _code(live_hall)
    live_hall.clock.advance(minutes=31)
    r = _public(live_hall).post("/enrolment", json={"code": made["code"]})
    assert r.status_code == 409
    assert "已过期" in r.json()["error"]["message"] and "向值班负责人要一个新的注册码" in r.json()["error"]["message"]
    assert live_hall.client("supervisor").get("/devices").json()["fleet"] == []  # the waiting code is gone too


def test_guessing_codes_from_one_address_is_throttled_even_for_the_right_code(live_hall):
    made = _code(live_hall)
    wrong = "00000000" if made["code"] != "00000000" else "11111111"
    public = _public(live_hall)
    answers = [public.post("/enrolment", json={"code": wrong}).status_code for _ in range(10)]
    assert answers == [404] * 10
    refused = public.post("/enrolment", json={"code": made["code"]})
    assert refused.status_code == 429
    assert "秒后再试" in refused.json()["error"]["message"]
    assert refused.json()["error"]["details"]["retry_after_seconds"] > 0


def test_wrong_codes_from_many_addresses_lock_the_hall_enrolment_for_a_while(live_hall):
    made = _code(live_hall)
    enrolment = live_hall.server.enrolment
    wrong = "00000000" if made["code"] != "00000000" else "11111111"
    for i in range(HALL_MISSES):  # each a wrong code, none throttled by its own address
        with pytest.raises(NotFound):
            enrolment.redeem(live_hall.hall_id, wrong, f"addr:10.0.0.{i}")
    r = _public(live_hall).post("/enrolment", json={"code": made["code"]})
    assert r.status_code == 429
    live_hall.clock.advance(minutes=61)
    assert _public(live_hall).post("/enrolment", json={"code": made["code"]}).status_code == 409  # expired by now


def test_a_revoked_device_is_refused_at_its_next_request(live_hall):
    code = _code(live_hall, "board", "大厅电视")["code"]
    token = _public(live_hall).post("/enrolment", json={"code": code}).json()["token"]
    board = _device(live_hall, token)
    assert board.get("/hall").status_code == 200
    device_id = live_hall.client("supervisor").get("/devices").json()["fleet"][0]["id"]
    revoked = live_hall.client("supervisor").post(f"/devices/enrolled/{device_id}/revoke")
    assert revoked.json()["state"] == "revoked"
    assert board.get("/hall").status_code == 401
    assert live_hall.client("supervisor").get("/devices").json()["fleet"] == []


def test_a_pad_code_needs_its_window_said_in_chinese(live_hall):
    r = live_hall.client("supervisor").post("/enrolment-codes", json={"role": "pad", "name": "2号窗评价器"})
    assert r.status_code == 400
    assert "必须指定窗口号" in r.json()["error"]["message"]


def test_a_code_for_a_role_no_device_has_is_refused_listing_the_roles_in_chinese(live_hall):
    r = live_hall.client("supervisor").post("/enrolment-codes", json={"role": "admin", "name": "后门"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "field_enum"
    assert "role" in r.json()["error"]["message"] and "kiosk, board, pad, clerk" in r.json()["error"]["message"]


def test_yichuang_enrol_writes_a_private_token_file_and_keeps_an_existing_one(live_hall, tmp_path, capsys):
    out = tmp_path / "token"
    code = _code(live_hall)["code"]
    assert main(["enrol", "--server", live_hall.base_url, "--code", code, "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    token = out.read_text().strip()
    assert _device(live_hall, token).get("/hall").status_code == 200
    assert "大厅1号取号机" in capsys.readouterr().out
    second = _code(live_hall, name="大厅2号取号机")["code"]
    assert main(["enrol", "--server", live_hall.base_url, "--code", second, "--out", str(out)]) == 2
    assert out.read_text().strip() == token
    assert "--force" in capsys.readouterr().err
    # The refused run did not spend the code: the second kiosk still enrols with it.
    assert _public(live_hall).post("/enrolment", json={"code": second}).status_code == 200


def test_yichuang_enrol_into_a_missing_folder_keeps_the_code_unspent(live_hall, tmp_path, capsys):
    code = _code(live_hall)["code"]
    out = tmp_path / "missing" / "token"
    assert main(["enrol", "--server", live_hall.base_url, "--code", code, "--out", str(out)]) == 2
    assert "注册码没有用掉" in capsys.readouterr().err
    assert _public(live_hall).post("/enrolment", json={"code": code}).status_code == 200
