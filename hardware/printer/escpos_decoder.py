"""ESC/POS bytes -> what the printer would print.

Used by tests (assert on decoded text, QR payloads and cuts, not byte counts),
by the preview, and for support (decode a captured job).  Covers the commands
our encoder and common Chinese POS software send; unknown commands are skipped
with a Note so one odd byte does not hide the rest of the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from . import commands, raster
from .commands import DLE, ESC, FS, GS

ALIGN_NAMES = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
QR_ECC_NAMES = {48: "L", 49: "M", 50: "Q", 51: "H"}


@dataclass
class TextRun:
    text: str
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass
class TextLine:
    runs: list[TextRun]
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def width(self) -> int:
        return max((r.width for r in self.runs), default=1)

    @property
    def height(self) -> int:
        return max((r.height for r in self.runs), default=1)

    @property
    def bold(self) -> bool:
        return any(r.bold for r in self.runs if r.text.strip())


@dataclass
class QRCode:
    payload: str
    module_size: int = 3
    error_correction: str = "L"
    align: str = "left"


@dataclass
class RasterImage:
    image: Image.Image  # mode "1", black = printed dot
    align: str = "left"
    mode: int = 0  # GS v 0 m: 1 double width, 2 double height, 3 both

    @property
    def width(self) -> int:
        return self.image.width


@dataclass
class PaperFeed:
    lines: int = 0
    dots: int = 0


@dataclass
class PaperCut:
    partial: bool = True
    feed_units: int = 0  # extra feed of GS V 65/66 n, in the printer's vertical motion units


@dataclass
class Note:
    offset: int
    message: str


Element = TextLine | QRCode | RasterImage | PaperFeed | PaperCut | Note


@dataclass
class _State:
    align: str = "left"
    width: int = 1
    height: int = 1
    bold: bool = False
    chinese: bool = False


@dataclass
class _Decoder:
    data: bytes
    elements: list[Element] = field(default_factory=list)
    state: _State = field(default_factory=_State)
    # Pending text of the current line: (raw bytes, chinese mode, style) per run.
    runs: list[tuple[bytearray, bool, tuple[int, int, bool]]] = field(default_factory=list)
    line_align: str = "left"
    qr_store: bytes = b""
    qr_size: int = 3
    qr_ecc: str = "L"

    def note(self, offset: int, text: str) -> None:
        self.elements.append(Note(offset, text))

    def add_text_byte(self, b: int) -> None:
        style = (self.state.width, self.state.height, self.state.bold)
        if not self.runs:
            self.line_align = self.state.align  # ESC a counts at the start of a line
        if not self.runs or self.runs[-1][1] != self.state.chinese or self.runs[-1][2] != style:
            self.runs.append((bytearray(), self.state.chinese, style))
        self.runs[-1][0].append(b)

    def flush_line(self, newline: bool) -> None:
        if not self.runs:
            if newline:
                self.elements.append(PaperFeed(lines=1))
            return
        runs = []
        for raw, chinese, (w, h, bold) in self.runs:
            text = bytes(raw).decode("gb18030" if chinese else "cp437", errors="replace")
            runs.append(TextRun(text, w, h, bold))
        self.elements.append(TextLine(runs, self.line_align))
        self.runs = []

    def add_raster(self, image: Image.Image, mode: int) -> None:
        last = self.elements[-1] if self.elements else None
        # The encoder splits tall images into bands; join them back into one picture.
        if (
            isinstance(last, RasterImage)
            and last.width == image.width
            and last.mode == mode
            and last.align == self.state.align
        ):
            joined = Image.new("1", (image.width, last.image.height + image.height), 1)
            joined.paste(last.image, (0, 0))
            joined.paste(image, (0, last.image.height))
            last.image = joined
        else:
            self.elements.append(RasterImage(image, self.state.align, mode))

    def gs_paren_k(self, i: int, length: int) -> None:
        body = self.data[i + 5 : i + length]
        if len(body) < 2 or body[0] != 49:
            self.note(i, f"GS ( k for symbol type {body[:1].hex()} skipped (only QR is decoded)")
            return
        fn, params = body[1], body[2:]
        if fn == 67 and params:
            self.qr_size = params[0]
        elif fn == 69 and params:
            self.qr_ecc = QR_ECC_NAMES.get(params[0], "?")
        elif fn == 80:
            self.qr_store = bytes(params[1:])  # params[0] is m = 48
        elif fn == 81:
            self.flush_line(newline=False)
            self.elements.append(
                QRCode(self.qr_store.decode("utf-8", errors="replace"), self.qr_size, self.qr_ecc, self.state.align)
            )

    def run(self) -> list[Element]:
        data, i, st = self.data, 0, self.state
        while i < len(data):
            b = data[i]
            if b == 0x0A:
                self.flush_line(newline=True)
                i += 1
                continue
            if b == 0x0D:
                i += 1
                continue
            if b not in (ESC, GS, FS, DLE) or (b == DLE and i + 1 < len(data) and data[i + 1] not in (4, 5, 0x14)):
                if b >= 0x20 or b == 0x09:
                    if st.chinese and b >= 0x81 and i + 1 < len(data):
                        self.add_text_byte(b)
                        self.add_text_byte(data[i + 1])  # trail byte may look like a command
                        i += 2
                        continue
                    self.add_text_byte(b)
                else:
                    self.note(i, f"control byte 0x{b:02x} ignored")
                i += 1
                continue
            length = commands.command_length(data, i)
            if length is None:
                self.note(i, f"truncated command {data[i : i + 8].hex(' ')} at end of data")
                break
            cmd = data[i : i + length]
            self.command(i, cmd)
            i += length
        self.flush_line(newline=False)
        return self.elements

    def command(self, i: int, cmd: bytes) -> None:
        st = self.state
        key = (cmd[0], cmd[1])
        if key == (ESC, ord("@")):
            self.flush_line(newline=False)
            self.state = _State()
        elif key == (ESC, ord("a")):
            st.align = ALIGN_NAMES.get(cmd[2], "left")
        elif key in ((ESC, ord("E")), (ESC, ord("G"))):
            st.bold = bool(cmd[2] & 1)
        elif key == (ESC, ord("!")):
            st.bold = bool(cmd[2] & 0x08)
            st.height = 2 if cmd[2] & 0x10 else 1
            st.width = 2 if cmd[2] & 0x20 else 1
        elif key == (GS, ord("!")):
            st.width = (cmd[2] >> 4 & 0x07) + 1
            st.height = (cmd[2] & 0x07) + 1
        elif key == (FS, ord("&")):
            st.chinese = True
        elif key == (FS, ord(".")):
            st.chinese = False
        elif key == (ESC, ord("d")):
            self.flush_line(newline=False)  # prints a pending line, then feeds n more
            self.elements.append(PaperFeed(lines=cmd[2]))
        elif key == (ESC, ord("J")):
            self.flush_line(newline=False)
            self.elements.append(PaperFeed(dots=cmd[2]))
        elif key in ((ESC, ord("i")), (ESC, ord("m"))):
            self.flush_line(newline=False)
            self.elements.append(PaperCut(partial=True))
        elif key == (GS, ord("V")):
            self.flush_line(newline=False)
            m = cmd[2]
            self.elements.append(PaperCut(partial=m in (1, 49, 66, 98, 104), feed_units=cmd[3] if len(cmd) > 3 else 0))
        elif key == (GS, ord("v")):
            self.flush_line(newline=False)
            if cmd[2] != ord("0"):
                self.note(i, "GS v with unknown function skipped")
                return
            width_bytes, rows = cmd[4] | cmd[5] << 8, cmd[6] | cmd[7] << 8
            if width_bytes and rows:
                self.add_raster(raster.from_bits(width_bytes, rows, cmd[8:]), cmd[3] & 3)
        elif key == (GS, ord("(")):
            if cmd[2] == ord("k"):
                self.gs_paren_k(i, len(cmd))
            else:
                self.note(i, f"GS ( {chr(cmd[2])} skipped")
        elif key == (DLE, 4):
            self.note(i, f"real-time status query DLE EOT {cmd[2]} in the print data")
        elif key in commands.FIXED_LENGTH:
            pass  # known and irrelevant to what is printed (line spacing, code table …)
        else:
            self.note(i, f"unknown command {cmd.hex(' ')} skipped")


def decode(data: bytes) -> list[Element]:
    """Decode an ESC/POS byte stream into printed elements (and Notes on what was skipped)."""
    return _Decoder(bytes(data)).run()


def text_lines(elements: list[Element]) -> list[str]:
    """The printed text lines, in order (raster lines are not text)."""
    return [e.text for e in elements if isinstance(e, TextLine)]


def split_jobs(elements: list[Element]) -> list[list[Element]]:
    """Split at cuts: one list per ticket (the cut ends its ticket)."""
    jobs: list[list[Element]] = [[]]
    for element in elements:
        jobs[-1].append(element)
        if isinstance(element, PaperCut):
            jobs.append([])
    return [job for job in jobs if any(not isinstance(e, Note) for e in job)]
