"""Serial / RS-485 queue peripherals: caller keypads (叫号器), evaluation pads (评价器) and
window LED bars (条屏).

Layers, bottom up:

* ``frames``   — ``Frame`` and the typed ``FrameError`` values a decoder reports.
* ``adapter``  — ``ProtocolAdapter`` / ``FrameDecoder``: the interface one vendor implements.
* ``ff68``     — the reference vendor protocol ``FF 68 L L 68 ADDR CMD DATA… CS 16``
                 (frame layout and command table in its docstring).
* ``events``   — vendor-neutral commands and events (``KeyEvent``, ``RatingEvent``, …).
* ``bus``      — ``SerialBus``: the polling master thread that owns one port.
* ``drivers``  — ``LedBarDriver``, ``CallerKeypadDriver``, ``EvaluationPadDriver``.
* ``simulators`` — device-side simulations for tests and demos (import it explicitly).

A bridge typically does::

    from hardware.serial_devices import SerialBus, CallerKeypadDriver, LedBarDriver

    bus = SerialBus("/dev/ttyUSB0", addresses=[1, 2])
    bar = LedBarDriver(bus, 1)
    keypad = CallerKeypadDriver(bus, 2, on_key=on_key)    # on_key(address, KeyEvent)
    bus.start()
    ...
    bar.show_call("A023", window=3)
"""

from .adapter import FrameDecoder, ProtocolAdapter
from .bus import BusStats, CommandDropped, SerialBus
from .drivers import CallerKeypadDriver, EvaluationPadDriver, LedBarDriver
from .events import (
    ClearText,
    DeviceEvent,
    HostCommand,
    KeyEvent,
    KeypadKey,
    PadIdle,
    PadThanks,
    Poll,
    PromptRating,
    RatingEvent,
    RatingLevel,
    SetBrightness,
    SetStatusLight,
    ShowNumber,
    ShowText,
    Status,
    StatusLight,
)
from .ff68 import FF68Protocol
from .frames import (
    ChecksumError,
    Frame,
    FrameError,
    JunkError,
    LengthError,
    TailError,
    TruncatedError,
)

__all__ = [
    "BusStats",
    "CallerKeypadDriver",
    "ChecksumError",
    "ClearText",
    "CommandDropped",
    "DeviceEvent",
    "EvaluationPadDriver",
    "FF68Protocol",
    "Frame",
    "FrameDecoder",
    "FrameError",
    "HostCommand",
    "JunkError",
    "KeyEvent",
    "KeypadKey",
    "LedBarDriver",
    "LengthError",
    "PadIdle",
    "PadThanks",
    "Poll",
    "PromptRating",
    "ProtocolAdapter",
    "RatingEvent",
    "RatingLevel",
    "SerialBus",
    "SetBrightness",
    "SetStatusLight",
    "ShowNumber",
    "ShowText",
    "Status",
    "StatusLight",
    "TailError",
    "TruncatedError",
]
