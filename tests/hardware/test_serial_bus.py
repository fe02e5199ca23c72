"""The bus master, drivers and simulators talking over a real pty pair (socat)."""

from __future__ import annotations

import threading

from hardware.serial_devices import (
    CallerKeypadDriver,
    CommandDropped,
    EvaluationPadDriver,
    JunkError,
    KeyEvent,
    KeypadKey,
    LedBarDriver,
    RatingLevel,
    SerialBus,
    StatusLight,
)
from hardware.serial_devices.simulators import (
    EvaluationPadSimulator,
    KeypadSimulator,
    LedBarSimulator,
    SimulatedLine,
)
from tests.support.waiting import wait_until


class Recorder:
    """Collects callback arguments from the bus thread."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self._lock = threading.Lock()

    def __call__(self, *args) -> None:
        with self._lock:
            self.calls.append(args)

    def snapshot(self) -> list[tuple]:
        with self._lock:
            return list(self.calls)


def settle(bus: SerialBus, polls: int = 10) -> None:
    """Let the bus run ``polls`` more transactions (instead of sleeping for a while)."""
    target = bus.stats.transactions + polls
    wait_until(lambda: bus.stats.transactions >= target, what=f"{polls} more transactions")


def test_led_bar_shows_exactly_the_text_the_driver_sent(serial_rig):
    ledbar = LedBarSimulator(1)
    bus, _ = serial_rig([ledbar])
    bar = LedBarDriver(bus, 1)
    bus.start()
    bar.show_call("A023", window=3)
    wait_until(lambda: ledbar.text == "A023 请到3号窗口", what="the LED bar text")
    bar.set_brightness(6)
    bar.show_text("请A024号到3号窗口办理")
    wait_until(lambda: ledbar.text == "请A024号到3号窗口办理", what="the second text")
    assert ledbar.brightness == 6
    assert ledbar.history[:2] == ["A023 请到3号窗口", "请A024号到3号窗口办理"]


def test_keypad_press_reaches_the_host_exactly_once(serial_rig):
    keypad = KeypadSimulator(2)
    bus, _ = serial_rig([keypad])
    keys = Recorder()
    driver = CallerKeypadDriver(bus, 2, on_key=keys)
    bus.start()
    keypad.press("call")
    wait_until(lambda: keys.snapshot(), what="the key event")
    wait_until(lambda: keypad.pending_events() == 0, what="the ACK to reach the keypad")
    settle(bus)
    assert keys.snapshot() == [(2, KeyEvent(KeypadKey.CALL_NEXT))]
    assert keypad.sent_events == 1, "the ACK stops the keypad repeating its event"
    driver.show_number("A001")
    driver.set_light(StatusLight.YELLOW)
    wait_until(lambda: (keypad.number, keypad.light) == ("A001", StatusLight.YELLOW), what="number and lamp")


def test_a_repeated_event_after_a_lost_ack_is_delivered_once(serial_rig):
    keypad = KeypadSimulator(2)
    keypad.lose_acks = 2  # the keypad misses two echoes and sends the event three times
    bus, _ = serial_rig([keypad])
    keys = Recorder()
    CallerKeypadDriver(bus, 2, on_key=keys)
    bus.start()
    keypad.press("transfer", 1)
    wait_until(lambda: keypad.pending_events() == 0, what="the event to be acknowledged")
    settle(bus)
    assert keypad.sent_events == 3
    assert keys.snapshot() == [(2, KeyEvent(KeypadKey.TRANSFER, 1))]
    assert bus.stats.duplicates == 2


def test_two_presses_of_the_same_key_are_two_events(serial_rig):
    keypad = KeypadSimulator(2)
    bus, _ = serial_rig([keypad])
    keys = Recorder()
    CallerKeypadDriver(bus, 2, on_key=keys)
    bus.start()
    keypad.press("recall")
    keypad.press("recall")
    wait_until(lambda: len(keys.snapshot()) == 2, what="both recalls")
    settle(bus)
    assert keys.snapshot() == [(2, KeyEvent(KeypadKey.RECALL))] * 2


def test_pad_press_of_1_is_very_dissatisfied_for_the_prompted_service(serial_rig):
    pad = EvaluationPadSimulator(3)
    bus, _ = serial_rig([pad])
    ratings = Recorder()
    driver = EvaluationPadDriver(bus, 3, on_rating=ratings)
    bus.start()
    assert pad.press(5) is False, "an idle pad ignores keys"
    driver.prompt("A023")
    wait_until(lambda: pad.screen == "rate", what="the rating prompt")
    assert pad.press(1) is True
    wait_until(lambda: ratings.snapshot(), what="the rating")
    [(address, event)] = ratings.snapshot()
    assert address == 3
    assert event.level is RatingLevel.VERY_DISSATISFIED and int(event.level) == 1
    assert event.level.label() == "非常不满意" and event.level.is_bad
    assert event.service_id == "A023"
    assert pad.press(5) is False, "one service, one rating"
    driver.thanks()
    wait_until(lambda: pad.screen == "thanks", what="the thank-you screen")


def test_two_devices_on_one_line_are_both_served(serial_rig):
    ledbar, keypad = LedBarSimulator(1), KeypadSimulator(7)
    bus, _ = serial_rig([ledbar, keypad])
    events = Recorder()
    bus.on_event = events
    bar = LedBarDriver(bus, 1)
    CallerKeypadDriver(bus, 7)
    bus.start()
    bar.show_text("A005 请到1号窗口")
    keypad.press("finish")
    wait_until(lambda: ledbar.text == "A005 请到1号窗口", what="the LED bar at address 1")
    wait_until(lambda: events.snapshot(), what="the keypad at address 7")
    assert events.snapshot() == [(7, KeyEvent(KeypadKey.FINISH))]
    assert keypad.number == "" and ledbar.received  # each got only its own commands
    assert bus.is_online(1) and bus.is_online(7)


def test_a_silent_device_goes_offline_and_comes_back_showing_its_text_again(serial_rig):
    ledbar = LedBarSimulator(1)
    bus, _ = serial_rig([ledbar])
    statuses = Recorder()
    bar = LedBarDriver(bus, 1, on_online=statuses)
    bus.start()
    bar.show_call("A023", window=3)
    wait_until(lambda: ledbar.text == "A023 请到3号窗口", what="the first text")
    ledbar.unplug()  # silent, and its display is lost
    wait_until(lambda: bus.is_online(1) is False, what="the device to be reported offline")
    assert ledbar.text == ""
    ledbar.plug()
    wait_until(lambda: bus.is_online(1) is True, what="the device to come back")
    wait_until(lambda: ledbar.text == "A023 请到3号窗口", what="the text to be shown again")
    assert statuses.snapshot() == [(1, True), (1, False), (1, True)]


def test_an_address_with_no_device_does_not_stop_the_others(serial_rig):
    keypad = KeypadSimulator(2)
    dropped = Recorder()
    bus, _ = serial_rig([keypad], addresses=[2, 9], on_error=dropped)
    keys = Recorder()
    CallerKeypadDriver(bus, 2, on_key=keys)
    LedBarDriver(bus, 9).show_text("无人应答")
    bus.start()
    keypad.press("pause")
    wait_until(lambda: keys.snapshot(), what="the keypad event")
    wait_until(lambda: bus.is_online(9) is False, what="address 9 offline")
    wait_until(
        lambda: any(isinstance(e[0], CommandDropped) for e in dropped.snapshot()),
        what="the undeliverable command to be reported",
    )
    assert bus.is_online(2) is True


def test_garbage_on_the_line_is_reported_and_events_still_arrive(serial_rig):
    keypad = KeypadSimulator(2)
    errors = Recorder()
    bus, line = serial_rig([keypad], on_error=errors)
    keys = Recorder()
    CallerKeypadDriver(bus, 2, on_key=keys)
    bus.start()
    wait_until(lambda: bus.is_online(2), what="the keypad online")
    line.inject(b"\x00\x13\x37 noise \xfe\x68\x05")
    keypad.press("no_show")
    wait_until(lambda: keys.snapshot(), what="the event after the garbage")
    assert keys.snapshot() == [(2, KeyEvent(KeypadKey.NO_SHOW))]
    wait_until(lambda: any(isinstance(e[0], JunkError) for e in errors.snapshot()), what="the garbage report")


def test_the_bus_survives_the_adapter_being_unplugged_and_plugged_back(serial_rig, serial_pty_pair):
    keypad = KeypadSimulator(2)
    bus, _ = serial_rig([keypad])
    keys = Recorder()
    CallerKeypadDriver(bus, 2, on_key=keys)
    bus.start()
    wait_until(lambda: bus.is_online(2), what="the keypad online")
    serial_pty_pair.unplug()
    wait_until(lambda: bus.is_online(2) is False and not bus.port_open, what="the port failure")
    serial_pty_pair.plug()
    wait_until(lambda: bus.is_online(2) is True, what="the bus to reopen the port")
    keypad.press("start")
    wait_until(lambda: keys.snapshot(), what="an event after the replug")
    assert keys.snapshot() == [(2, KeyEvent(KeypadKey.START_SERVICE))]
    assert bus.stats.port_failures >= 1


def test_a_bus_on_a_line_without_devices_reports_them_offline_and_stops_promptly():
    statuses = Recorder()
    # loop:// echoes our own frames back: the bus must not mistake them for answers.
    bus = SerialBus("loop://", [1, 2], on_status=statuses, reply_timeout=0.05, offline_after=2)
    bus.start()
    wait_until(lambda: sorted(statuses.snapshot()) == [(1, False), (2, False)], what="both offline")
    bus.stop()
    assert bus.port_open is False
    assert bus.stats.events == 0


def test_a_port_that_does_not_exist_yet_is_retried_until_it_appears(serial_pty_pair):
    serial_pty_pair.unplug()
    bus = SerialBus(serial_pty_pair.host, [2], reply_timeout=0.1, reopen_backoff=(0.05, 0.2))
    bus.start()
    try:
        serial_pty_pair.plug()
        keypad = KeypadSimulator(2)
        with SimulatedLine(serial_pty_pair.device, [keypad]):
            wait_until(lambda: bus.is_online(2) is True, what="the bus to open the late port")
    finally:
        bus.stop()


class LateWakingPort:
    """The real port, but after each frame is sent the bus thread is off the CPU until the device's
    answer has arrived, as on a loaded hall PC. With a reply timeout of 0 the bus then wakes with its
    deadline already past and the answer lying in the buffer."""

    def __init__(self, port) -> None:
        self._port = port

    def flush(self) -> None:
        self._port.flush()
        wait_until(lambda: self._port.in_waiting > 0, what="the device's answer in the buffer")
        # Off the CPU a while longer: the rest of the answer's bytes come in meanwhile.
        seen = -1
        while seen != self._port.in_waiting:
            seen = self._port.in_waiting
            threading.Event().wait(0.05)

    def __getattr__(self, name):
        return getattr(self._port, name)


def test_an_answer_already_waiting_when_the_bus_wakes_late_is_not_taken_for_silence(serial_rig):
    from hardware.serial_devices.bus import _open_serial

    ledbar = LedBarSimulator(1)
    statuses = Recorder()
    late_port = lambda name, protocol: LateWakingPort(_open_serial(name, protocol))  # noqa: E731
    bus, _ = serial_rig([ledbar], reply_timeout=0.0, open_port=late_port)
    bar = LedBarDriver(bus, 1, on_online=statuses)
    bus.start()
    bar.show_call("A023", window=3)
    wait_until(lambda: ledbar.text == "A023 请到3号窗口", what="the LED bar text")
    settle(bus, polls=4)
    assert bus.stats.timeouts == 0 and bus.stats.commands_sent == 1  # every answer taken, the text sent once
    assert statuses.snapshot() == [(1, True)]
