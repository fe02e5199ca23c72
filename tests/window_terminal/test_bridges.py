"""Serial caller keypad and evaluation pad bridges, over a real socat pty pair and the simulators."""

from __future__ import annotations

import pytest

from hardware.serial_devices import SerialBus, StatusLight
from hardware.serial_devices.simulators import EvaluationPadSimulator, KeypadSimulator, SimulatedLine
from tests.support.serial_pty import FAST_BUS, PtyPair
from tests.support.waiting import wait_until
from window_terminal.bridges import KeypadBridge, PadBridge

from .conftest import issue


@pytest.fixture
def pty_pair(tmp_path):
    pair = PtyPair(tmp_path)
    pair.plug()
    yield pair.host, pair.device
    pair.unplug()


def test_keypad_calls_the_next_ticket_and_shows_its_number(hall, pty_pair):
    host, dev = pty_pair
    tickets = issue(hall, 2)
    keypad = KeypadSimulator(4)
    line = SimulatedLine(dev, [keypad]).start()
    bridge = KeypadBridge(hall.base_url, hall.tokens["clerk-2"], SerialBus(host, [4], **FAST_BUS), {4: 2}).start()
    try:
        wait_until(lambda: keypad.light == StatusLight.GREEN, what="keypad shows the open window")
        keypad.press("call")
        wait_until(
            lambda: (keypad.number, keypad.light) == (tickets[0]["number"], StatusLight.YELLOW),
            what="keypad shows the called number, lamp yellow",
        )
        windows = {w["number"]: w for w in hall.client("board").get("/windows").json()["windows"]}
        assert windows[2]["current_number"] == tickets[0]["number"]
        keypad.press("start")
        keypad.press("finish")
        wait_until(lambda: keypad.number == "", what="keypad blank after finishing")
        # The terminal (here: the API) acting on the window shows up on the keypad too.
        hall.client("clerk-2").post("/windows/2/call-next")
        wait_until(lambda: keypad.number == tickets[1]["number"], what="keypad follows the terminal")
    finally:
        bridge.stop()
        line.stop()


def test_serial_pad_is_prompted_on_finish_and_records_the_rating(hall, pty_pair):
    host, dev = pty_pair
    tickets = issue(hall, 1)
    pad = EvaluationPadSimulator(3)
    line = SimulatedLine(dev, [pad]).start()
    bridge = PadBridge(
        hall.base_url, hall.tokens["pad-2"], SerialBus(host, [3], **FAST_BUS), 3, 2, thanks_seconds=0.5
    ).start()
    try:
        wait_until(lambda: bridge.driver.online, what="pad online")
        clerk = hall.client("clerk-2")
        clerk.post("/windows/2/call-next")
        clerk.post("/windows/2/start")
        clerk.post("/windows/2/finish")
        wait_until(lambda: pad.screen == "rate" and pad.service_id == tickets[0]["number"], what="pad prompt")
        assert pad.press(5)
        wait_until(lambda: hall.client("supervisor").get("/ratings").json()["count"] == 1, what="rating stored")
        rating = hall.client("supervisor").get("/ratings").json()["ratings"][0]
        assert (rating["number"], rating["level"], rating["channel"]) == (tickets[0]["number"], 5, "serial_pad")
        wait_until(lambda: pad.screen == "idle", what="pad back to idle")
    finally:
        bridge.stop()
        line.stop()


def test_serial_pad_returns_to_idle_when_the_touch_pad_rated_first(hall, pty_pair):
    host, dev = pty_pair
    issue(hall, 1)
    pad = EvaluationPadSimulator(3)
    line = SimulatedLine(dev, [pad]).start()
    bridge = PadBridge(hall.base_url, hall.tokens["pad-2"], SerialBus(host, [3], **FAST_BUS), 3, 2).start()
    try:
        wait_until(lambda: bridge.driver.online, what="pad online")
        clerk = hall.client("clerk-2")
        ticket = clerk.post("/windows/2/call-next").json()["ticket"]
        clerk.post("/windows/2/start")
        clerk.post("/windows/2/finish")
        wait_until(lambda: pad.screen == "rate", what="pad prompt")
        assert (
            hall.client("pad-2").post("/pads/2/rating", json={"ticket_id": ticket["id"], "level": 4}).status_code == 201
        )
        wait_until(lambda: pad.screen == "idle", what="serial pad gives up the prompt")
        assert hall.client("supervisor").get("/ratings").json()["count"] == 1
    finally:
        bridge.stop()
        line.stop()
