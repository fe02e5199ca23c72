"""The protocol adapter interface: one vendor's serial protocol = one subclass of these two.

Every vendor's 叫号器 / 评价器 / 条屏 speaks its own frame (there is no public standard), but
the shape is always the same: a single host master polls device addresses, devices answer,
the host acknowledges. The bus (``bus.py``) and the drivers only use this interface, so
supporting a new vendor means writing one small module with:

* ``FrameDecoder`` — a streaming decoder: fed arbitrary chunks (half a frame, three frames
  and some noise), it returns complete ``Frame`` objects and typed ``FrameError`` values in
  line order, and resynchronises on the next plausible frame start after any error.
* ``ProtocolAdapter`` — frame encoding plus the vendor's command table: host commands and
  device events (``events.py``) to and from frames.

See ``ff68.py`` for the reference implementation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable

from .events import DeviceEvent, HostCommand
from .frames import Decoded, Frame


class FrameDecoder(ABC):
    @abstractmethod
    def feed(self, chunk: bytes) -> list[Decoded]:
        """Add bytes from the line; return every frame/error now complete, in line order."""

    @abstractmethod
    def flush(self) -> list[Decoded]:
        """The line went quiet: give up on a partial frame and return what it still held.

        Bytes after the start of an abandoned partial frame are scanned again, so a complete
        frame hiding behind a corrupted header is not lost.
        """


class ProtocolAdapter(ABC):
    """A vendor protocol. Stateless: one instance may serve any number of buses and simulators."""

    name: str = "abstract"
    # Serial line settings the devices use (pyserial names).
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1

    # --- framing ------------------------------------------------------------------------
    @abstractmethod
    def encode(self, frame: Frame) -> bytes:
        """The bytes for ``frame``. Raises ValueError if the payload cannot be framed."""

    @abstractmethod
    def decoder(self) -> FrameDecoder:
        """A fresh streaming decoder (one per port; decoders keep partial frames)."""

    # --- host side ----------------------------------------------------------------------
    @abstractmethod
    def command_frame(self, address: int, command: HostCommand) -> Frame:
        """The frame that carries ``command`` (including ``Poll``) to ``address``."""

    @abstractmethod
    def is_from_device(self, frame: Frame) -> bool:
        """True for device→host frames; lets the host ignore its own echo on the line."""

    @abstractmethod
    def event_from(self, frame: Frame) -> DeviceEvent | None:
        """The event a device frame carries; None if the command is unknown to this protocol."""

    def needs_ack(self, frame: Frame) -> bool:
        """Whether the host must acknowledge this device frame (else the device repeats it)."""
        return False

    def ack_bytes(self, frame: Frame) -> bytes:
        """The acknowledgement for a device frame. Default: echo the frame byte for byte."""
        return frame.raw or self.encode(frame)

    def event_identity(self, frame: Frame) -> Hashable:
        """What makes a device event distinct from a retransmission of the previous one.

        A device re-sends an event whose ACK it missed; the host must deliver it only once.
        Protocols with a sequence number return it here together with the payload.
        """
        return (frame.command, frame.data)

    # --- device side (simulators, device firmware tests) ---------------------------------
    @abstractmethod
    def command_from(self, frame: Frame) -> HostCommand | None:
        """The host command a host→device frame carries; None if unknown."""

    @abstractmethod
    def event_frame(self, address: int, event: DeviceEvent, sequence: int = 0) -> Frame:
        """The frame a device at ``address`` sends for ``event``."""
