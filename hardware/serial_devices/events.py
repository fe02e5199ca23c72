"""What the peripherals say and what the host tells them, independent of any vendor's bytes.

A vendor protocol module (see ``adapter.py``) translates between these values and its
frames, so the bus, the drivers and the bridges above them never see a command code.

Device → host (``DeviceEvent``):
    ``KeyEvent``    a caller keypad (叫号器) key was pressed.
    ``RatingEvent`` a resident pressed a level on the evaluation pad (评价器).
    ``Status``      the device answered and has nothing to report (proof of life).

Host → device (``HostCommand``):
    LED bar (条屏):      ``ShowText``, ``ClearText``, ``SetBrightness``
    caller keypad:       ``ShowNumber``, ``SetStatusLight``
    evaluation pad:      ``PromptRating``, ``PadIdle``, ``PadThanks``
    any device:          ``Poll`` (the master asking "anything for me?")
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hall_common.i18n import DEFAULT_LOCALE, message


class KeypadKey(enum.StrEnum):
    """Keys of a window's caller keypad. The value is the name used by bridges and the simulator."""

    CALL_NEXT = "call"  # 呼叫下一位
    RECALL = "recall"  # 重呼 (repeat the current number)
    PAUSE = "pause"  # 暂停 (window stops calling)
    RESUME = "resume"  # 恢复
    NO_SHOW = "no_show"  # 过号 (resident did not come)
    TRANSFER = "transfer"  # 转移 (to another window; argument = target window or None)
    START_SERVICE = "start"  # 开始办理
    FINISH = "finish"  # 办结
    EVALUATE = "evaluate"  # 请评价 (ask the resident to rate on the pad)

    def label(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(f"serial.key_{self.value}", locale)


class RatingLevel(enum.IntEnum):
    """The national five 好差评 levels, coded 5…1 as in the upstream interfaces."""

    VERY_SATISFIED = 5  # 非常满意
    SATISFIED = 4  # 满意
    BASICALLY_SATISFIED = 3  # 基本满意
    DISSATISFIED = 2  # 不满意 (差评)
    VERY_DISSATISFIED = 1  # 非常不满意 (差评)

    @property
    def is_bad(self) -> bool:
        """差评: the last two levels, which start the 回访/整改 process."""
        return self <= RatingLevel.DISSATISFIED

    def label(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(f"serial.rating_{int(self)}", locale)


class StatusLight(enum.IntEnum):
    """The keypad's status lamp, also mirrored by some LED bars."""

    OFF = 0
    GREEN = 1  # window open, ready / serving
    RED = 2  # paused or closed (暂停服务)
    YELLOW = 3  # calling: waiting for the called resident to arrive

    def label(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(f"serial.light_{self.name.lower()}", locale)


# --- device → host -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyEvent:
    key: KeypadKey
    argument: int | None = None  # TRANSFER: target window number, when the clerk typed one


@dataclass(frozen=True)
class RatingEvent:
    level: RatingLevel
    # The service the pad was prompted for (ticket number or case id). Carried back so that a
    # late press is never credited to the next resident's service (一次一评). Empty if the pad
    # was not prompted with an id.
    service_id: str = ""


@dataclass(frozen=True)
class Status:
    """A device's "nothing to report" answer; it only proves the device is alive."""


DeviceEvent = KeyEvent | RatingEvent | Status


# --- host → device -------------------------------------------------------------------------


@dataclass(frozen=True)
class Poll:
    pass


@dataclass(frozen=True)
class ShowText:
    text: str


@dataclass(frozen=True)
class ClearText:
    pass


@dataclass(frozen=True)
class SetBrightness:
    level: int  # 0 (dimmest) … 15 (brightest)

    def __post_init__(self) -> None:
        if not 0 <= self.level <= 15:
            raise ValueError(f"brightness must be 0..15, got {self.level}")


@dataclass(frozen=True)
class ShowNumber:
    number: str  # up to 4 ASCII characters, e.g. "A001" or "023"

    def __post_init__(self) -> None:
        if len(self.number) > 4 or not self.number.isascii() or not self.number.isprintable():
            raise ValueError(f"a keypad shows at most 4 ASCII characters, got {self.number!r}")


@dataclass(frozen=True)
class SetStatusLight:
    light: StatusLight


@dataclass(frozen=True)
class PromptRating:
    service_id: str = ""  # ASCII, at most 32 characters

    def __post_init__(self) -> None:
        if len(self.service_id) > 32 or not self.service_id.isascii():
            raise ValueError(f"service id must be ASCII, at most 32 characters: {self.service_id!r}")


@dataclass(frozen=True)
class PadIdle:
    pass


@dataclass(frozen=True)
class PadThanks:
    pass


HostCommand = (
    Poll | ShowText | ClearText | SetBrightness | ShowNumber | SetStatusLight | PromptRating | PadIdle | PadThanks
)
