"""Devices report only their own peripherals in a fixed vocabulary, the
device table is capped, and a pause reason shown on the public board comes from a fixed list."""

from __future__ import annotations

import pytest

from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
from hall_server.services.devices import MAX_DEVICES


def report(hall, role: str, device: str, kind: str, state: str = "offline", detail: str = ""):
    return hall.client(role).post(
        "/devices/status", json={"device": device, "kind": kind, "state": state, "detail": detail}
    )


def devices(hall) -> list[str]:
    return [d["device"] for d in hall.client("supervisor").get("/devices").json()["devices"]]


@pytest.mark.parametrize(
    "role,device,kind",
    [
        ("kiosk", "kiosk-1/printer", "printer"),
        ("board", "ledbar-3", "ledbar"),
        ("pad-2", "window-2/pad", "pad"),
        ("clerk-2", "window-2/keypad", "keypad"),
        ("supervisor", "window-4/printer", "printer"),
    ],
)
def test_each_device_reports_its_own_peripherals(live_hall, role, device, kind):
    r = report(live_hall, role, device, kind)
    assert r.status_code == 200, r.text
    assert devices(live_hall) == [device]


@pytest.mark.parametrize(
    "role,device,kind",
    [
        ("board", "junk-0001", "board-x"),
        ("board", "13912345678", "printer"),
        ("board", "kiosk-1/printer", "printer"),
        ("kiosk", "ledbar-1", "ledbar"),
        ("pad-2", "window-1/pad", "pad"),
        ("clerk-1", "window-2/keypad", "keypad"),
    ],
)
def test_a_token_cannot_write_other_names_or_kinds(live_hall, role, device, kind):
    r = report(live_hall, role, device, kind)
    assert r.status_code in (400, 403)
    assert "设备" in r.json()["error"]["message"]
    assert devices(live_hall) == []


def test_a_free_text_state_is_refused(live_hall):
    r = report(live_hall, "kiosk", "kiosk-1/printer", "printer", state="请拨打13912345678")
    assert r.status_code == 400 and "设备状态" in r.json()["error"]["message"]


def test_the_device_table_is_capped(live_hall):
    for n in range(MAX_DEVICES):
        assert report(live_hall, "kiosk", f"kiosk-{n}", "kiosk", "ok").status_code == 200
    over = report(live_hall, "kiosk", "kiosk-extra", "kiosk", "ok")
    assert over.status_code == 409 and over.json()["error"]["code"] == "too_many_devices"
    # Known devices still update.
    assert report(live_hall, "kiosk", "kiosk-0", "kiosk", "offline").status_code == 200
    assert len(devices(live_hall)) == MAX_DEVICES


def test_a_pause_reason_outside_the_list_never_reaches_the_board(live_hall):
    clerk = live_hall.client("clerk-2")
    r = clerk.post("/windows/2/pause", json={"reason": "有事请拨打13912345678"})
    assert r.status_code == 400 and "请从列表中选择" in r.json()["error"]["message"]
    board = live_hall.client("board").get("/windows")
    assert "13912345678" not in board.text
    ok = clerk.post("/windows/2/pause", json={"reason": "参加会议"})
    assert ok.status_code == 200 and ok.json()["window"]["pause_reason"] == "参加会议"
    assert clerk.get("/windows/2/desk").json()["pause_reasons"][:2] == ["临时休息", "临时离开"]


def test_a_hall_may_extend_the_pause_reasons_in_its_toml():
    config = parse_hall_config(pilot_hall_text() + '\n[pause]\nreasons = ["下村走访"]\n')
    assert "下村走访" in config.allowed_pause_reasons and "参加会议" in config.allowed_pause_reasons
    with pytest.raises(Exception, match="pause.reasons"):
        parse_hall_config(pilot_hall_text() + '\n[pause]\nreasons = ["' + "很长" * 20 + '"]\n')
