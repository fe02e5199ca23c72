"""The "FF 68" protocol: a DL/T 645-style frame used by a family of queue peripherals.

Line: RS-485, 9600 baud, 8N1, half duplex. The host is the only master: a device speaks only
in answer to a frame addressed to it, and answers every such frame exactly once (except an
ACK, see below) within a few milliseconds.

Frame layout (every field one byte unless noted)::

    FF  68  L  L  68  ADDR  CMD  DATA…  CS  16
    │   │   └──┤  │   └─────────────┘   │   └ tail, always 0x16
    │   │      │  │     counted by L    └ CS = (ADDR + CMD + sum(DATA)) & 0xFF
    │   │      │  └ second start byte
    │   │      └ L = len(ADDR + CMD + DATA) = 2 + len(DATA), sent twice; 2 ≤ L ≤ 255
    │   └ start byte
    └ wake-up preamble; receivers skip any run of FF/FE before a start byte

So a frame is ``L + 7`` bytes long and DATA holds at most 253 bytes. ADDR is the device's
address (1…254, set by DIP switch); 0 and 255 are reserved (broadcast / unconfigured).

Command table (bit 7 clear: host → device; bit 7 set: device → host)::

    CMD   dir   device          DATA                          meaning
    0x01  H→D   any             —                             poll: "anything for me?"
    0x10  H→D   LED bar         GBK text (≤ 253 bytes)        show text (replaces the screen)
    0x11  H→D   LED bar         —                             clear the screen
    0x12  H→D   LED bar         level (0…15)                  brightness
    0x20  H→D   caller keypad   4 ASCII chars, right-aligned  show a number, e.g. "A001", " 023"
    0x21  H→D   caller keypad   light: 0 off 1 green 2 red    status lamp
                                3 yellow
    0x30  H→D   evaluation pad  service id, ASCII (≤ 32)      show "请您评价" for that service
    0x31  H→D   evaluation pad  —                             idle screen
    0x32  H→D   evaluation pad  —                             "感谢您的评价" screen
    0x81  D→H   any             —                             status: alive, nothing to report
    0xA0  D→H   caller keypad   SEQ KEY [ARG]                 key pressed (table below)
    0xB0  D→H   evaluation pad  SEQ LEVEL service id…         rating 5…1 for that service

    KEY: 01 call next (呼叫)  02 recall (重呼)  03 pause (暂停)  04 resume (恢复)
         05 no-show (过号)    06 transfer (转移; ARG = target window, optional)
         07 start service (开始办理)  08 finish (办结)  09 evaluate (请评价)
    LEVEL: 5 非常满意  4 满意  3 基本满意  2 不满意  1 非常不满意

Exchange rules:

* The host sends a poll or a command to one address and waits for that device's answer: an
  event frame (0xA0/0xB0) if the device has one pending, else a status frame (0x81). Any
  answer also confirms that a command was received; no answer means "send again".
* Event frames must be acknowledged: the host echoes the device's frame byte for byte. Until
  it hears its echo, the device sends the same event (same SEQ) in answer to every poll, so
  an event survives a lost frame. SEQ (0…255, wrapping) changes for every new event, which
  lets the host drop a retransmission whose first copy it already delivered.
* Devices do not answer an ACK.
"""

from __future__ import annotations

from . import events as ev
from .adapter import FrameDecoder, ProtocolAdapter
from .frames import (
    ChecksumError,
    Decoded,
    Frame,
    JunkError,
    LengthError,
    TailError,
    TruncatedError,
)

PREAMBLE = 0xFF
START = 0x68
TAIL = 0x16
MAX_DATA = 253
_PREAMBLE_BYTES = {0xFF, 0xFE}

CMD_POLL = 0x01
CMD_LED_TEXT = 0x10
CMD_LED_CLEAR = 0x11
CMD_LED_BRIGHTNESS = 0x12
CMD_KEYPAD_NUMBER = 0x20
CMD_KEYPAD_LIGHT = 0x21
CMD_PAD_PROMPT = 0x30
CMD_PAD_IDLE = 0x31
CMD_PAD_THANKS = 0x32
CMD_STATUS = 0x81
CMD_KEY = 0xA0
CMD_RATING = 0xB0

KEY_CODES: dict[ev.KeypadKey, int] = {
    ev.KeypadKey.CALL_NEXT: 0x01,
    ev.KeypadKey.RECALL: 0x02,
    ev.KeypadKey.PAUSE: 0x03,
    ev.KeypadKey.RESUME: 0x04,
    ev.KeypadKey.NO_SHOW: 0x05,
    ev.KeypadKey.TRANSFER: 0x06,
    ev.KeypadKey.START_SERVICE: 0x07,
    ev.KeypadKey.FINISH: 0x08,
    ev.KeypadKey.EVALUATE: 0x09,
}
_KEYS_BY_CODE = {code: key for key, code in KEY_CODES.items()}

_EMPTY_COMMANDS: dict[int, ev.HostCommand] = {
    CMD_POLL: ev.Poll(),
    CMD_LED_CLEAR: ev.ClearText(),
    CMD_PAD_IDLE: ev.PadIdle(),
    CMD_PAD_THANKS: ev.PadThanks(),
}


def checksum(body: bytes) -> int:
    return sum(body) & 0xFF


def encode_gbk(text: str, limit: int = MAX_DATA) -> bytes:
    """GBK bytes for an LED bar, cut at a character boundary so no half glyph is sent.

    Characters outside GBK (rare name characters, emoji) become "?" rather than failing:
    a window bar showing "A023 请到3号窗口" matters more than one exotic glyph.
    """
    out = bytearray()
    for char in text:
        encoded = char.encode("gbk", errors="replace")
        if len(out) + len(encoded) > limit:
            break
        out += encoded
    return bytes(out)


class FF68Decoder(FrameDecoder):
    def __init__(self) -> None:
        self._buf = bytearray()
        self._junk = 0  # noise bytes seen since the last report, reported as one JunkError

    def feed(self, chunk: bytes) -> list[Decoded]:
        self._buf += chunk
        return self._scan()

    def flush(self) -> list[Decoded]:
        out: list[Decoded] = []
        truncated_reported = False
        while True:
            out += self._scan()
            if not self._buf:
                break
            # What is left starts with a frame header whose frame never completed.
            if not truncated_reported:
                out.append(TruncatedError(skipped=1, count=len(self._buf)))
                truncated_reported = True
            else:
                self._junk += 1
            del self._buf[0]  # only the start byte: the rest is scanned again
        out += self._report_junk()
        return out

    def _report_junk(self) -> list[Decoded]:
        if not self._junk:
            return []
        error = JunkError(skipped=self._junk)
        self._junk = 0
        return [error]

    def _scan(self) -> list[Decoded]:
        out: list[Decoded] = []
        buf = self._buf
        while buf:
            start = buf.find(START)
            if start < 0:
                self._junk += sum(1 for b in buf if b not in _PREAMBLE_BYTES)
                buf.clear()
                break
            if start:
                self._junk += sum(1 for b in buf[:start] if b not in _PREAMBLE_BYTES)
                del buf[:start]
            if len(buf) < 4:
                break  # wait for the length bytes
            first, second = buf[1], buf[2]
            if buf[3] != START:
                # A 0x68 inside noise, not a header: it is noise too.
                self._junk += 1
                del buf[0]
                continue
            if first != second or first < 2:
                out += self._report_junk()
                out.append(LengthError(skipped=1, first=first, second=second))
                del buf[0]
                continue
            total = first + 6  # 68 L L 68 + body(L) + CS + 16
            if len(buf) < total:
                break  # wait for the rest of the frame
            if buf[total - 1] != TAIL:
                # Most likely the length was corrupted: drop only the start byte and rescan,
                # so a good frame inside the bytes we misjudged is still found.
                out += self._report_junk()
                out.append(TailError(skipped=1, actual=buf[total - 1]))
                del buf[0]
                continue
            body = bytes(buf[4 : 4 + first])
            expected, actual = checksum(body), buf[total - 2]
            if expected != actual:
                # Lengths and tail agree, so the frame is well delimited: drop all of it.
                out += self._report_junk()
                out.append(ChecksumError(skipped=total, address=body[0], expected=expected, actual=actual))
                del buf[:total]
                continue
            out += self._report_junk()
            raw = bytes([PREAMBLE]) + bytes(buf[:total])
            out.append(Frame(body[0], body[1], body[2:], raw=raw))
            del buf[:total]
        return out


class FF68Protocol(ProtocolAdapter):
    name = "ff68"

    def encode(self, frame: Frame) -> bytes:
        if len(frame.data) > MAX_DATA:
            raise ValueError(f"ff68 data is at most {MAX_DATA} bytes, got {len(frame.data)}")
        body = bytes([frame.address, frame.command]) + frame.data
        length = len(body)
        return bytes([PREAMBLE, START, length, length, START]) + body + bytes([checksum(body), TAIL])

    def decoder(self) -> FF68Decoder:
        return FF68Decoder()

    # --- host side ----------------------------------------------------------------------
    def command_frame(self, address: int, command: ev.HostCommand) -> Frame:
        match command:
            case ev.Poll():
                return Frame(address, CMD_POLL)
            case ev.ShowText(text=text):
                return Frame(address, CMD_LED_TEXT, encode_gbk(text))
            case ev.ClearText():
                return Frame(address, CMD_LED_CLEAR)
            case ev.SetBrightness(level=level):
                return Frame(address, CMD_LED_BRIGHTNESS, bytes([level]))
            case ev.ShowNumber(number=number):
                return Frame(address, CMD_KEYPAD_NUMBER, number.rjust(4).encode("ascii"))
            case ev.SetStatusLight(light=light):
                return Frame(address, CMD_KEYPAD_LIGHT, bytes([int(light)]))
            case ev.PromptRating(service_id=service_id):
                return Frame(address, CMD_PAD_PROMPT, service_id.encode("ascii"))
            case ev.PadIdle():
                return Frame(address, CMD_PAD_IDLE)
            case ev.PadThanks():
                return Frame(address, CMD_PAD_THANKS)
        raise TypeError(f"ff68 has no frame for {command!r}")

    def is_from_device(self, frame: Frame) -> bool:
        return frame.command & 0x80 != 0

    def event_from(self, frame: Frame) -> ev.DeviceEvent | None:
        """Raises ValueError for a known command with a malformed payload."""
        data = frame.data
        if frame.command == CMD_STATUS:
            return ev.Status()
        if frame.command == CMD_KEY:
            if len(data) not in (2, 3) or data[1] not in _KEYS_BY_CODE:
                raise ValueError(f"malformed key event {data.hex(' ')}")
            key = _KEYS_BY_CODE[data[1]]
            argument = data[2] if len(data) == 3 and data[2] else None
            return ev.KeyEvent(key, argument)
        if frame.command == CMD_RATING:
            if len(data) < 2 or not 1 <= data[1] <= 5:
                raise ValueError(f"malformed rating event {data.hex(' ')}")
            return ev.RatingEvent(ev.RatingLevel(data[1]), data[2:].decode("ascii", errors="replace"))
        return None

    def needs_ack(self, frame: Frame) -> bool:
        return frame.command in (CMD_KEY, CMD_RATING)

    # --- device side --------------------------------------------------------------------
    def command_from(self, frame: Frame) -> ev.HostCommand | None:
        data = frame.data
        if frame.command in _EMPTY_COMMANDS:
            return _EMPTY_COMMANDS[frame.command]
        try:
            if frame.command == CMD_LED_TEXT:
                return ev.ShowText(data.decode("gbk", errors="replace"))
            if frame.command == CMD_LED_BRIGHTNESS and len(data) == 1:
                return ev.SetBrightness(data[0])
            if frame.command == CMD_KEYPAD_NUMBER and len(data) == 4:
                return ev.ShowNumber(data.decode("ascii").strip())
            if frame.command == CMD_KEYPAD_LIGHT and len(data) == 1:
                return ev.SetStatusLight(ev.StatusLight(data[0]))
            if frame.command == CMD_PAD_PROMPT:
                return ev.PromptRating(data.decode("ascii"))
        except ValueError:  # includes UnicodeDecodeError and out-of-range enum values
            return None
        return None

    def event_frame(self, address: int, event: ev.DeviceEvent, sequence: int = 0) -> Frame:
        seq = sequence & 0xFF
        match event:
            case ev.Status():
                return Frame(address, CMD_STATUS)
            case ev.KeyEvent(key=key, argument=argument):
                data = bytes([seq, KEY_CODES[key]])
                if argument is not None:
                    data += bytes([argument])
                return Frame(address, CMD_KEY, data)
            case ev.RatingEvent(level=level, service_id=service_id):
                return Frame(address, CMD_RATING, bytes([seq, int(level)]) + service_id.encode("ascii"))
        raise TypeError(f"ff68 has no frame for {event!r}")
