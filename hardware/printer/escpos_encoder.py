"""Layout blocks -> ESC/POS bytes.

Native mode keeps a slip to a few hundred bytes (≈0.3 s at 9600 baud): text in
the printer's GBK font bracketed by FS & … FS ., sizes by GS !, QR by GS ( k.
A line that the printer font cannot print (rare name characters) is rendered
with Pillow and sent as a GS v 0 image for that line only.  Raster mode renders
the whole ticket as images (≈30 KB; use it only over USB/LAN, e.g. for printers
without a Chinese font).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from PIL import Image

from . import charset, commands, raster
from .fonts import FontSet, default_fonts
from .layout import QR, Align, Block, Cut, Feed, Rule, Text

PAPER_80MM = 576  # dots across an 80 mm roll at 203 dpi (72 mm printable)
PAPER_58MM = 384


@dataclass(frozen=True)
class EncoderOptions:
    paper_width: int = PAPER_80MM
    force_raster: bool = False  # render everything with Pillow (printers without a GBK font)
    raster_band_rows: int = 256  # many printers reject one GS v 0 taller than this
    fonts: FontSet | None = None  # None: the machine's CJK fonts, found when first needed

    @property
    def cells_per_line(self) -> int:
        return self.paper_width // raster.CELL_W

    def font_set(self) -> FontSet:
        return self.fonts or default_fonts()


@dataclass
class EncodedTicket:
    data: bytes
    raster_lines: list[str] = field(default_factory=list)  # lines sent as images in native mode
    missing_glyphs: set[str] = field(default_factory=set)  # characters no installed font has


def wrapped_lines(block: Text, options: EncoderOptions) -> list[str]:
    max_cells = max(options.cells_per_line // block.width, 2)
    return charset.wrap(charset.normalize(block.text), max_cells)


def _raster_bytes(image: Image.Image, band_rows: int) -> bytes:
    width_bytes, rows, data = raster.to_bits(image)
    out = bytearray()
    for top in range(0, rows, band_rows):
        n = min(band_rows, rows - top)
        out += commands.raster(width_bytes, n, data[top * width_bytes : (top + n) * width_bytes])
    return bytes(out)


class _NativeWriter:
    """Emits mode commands only when they change, to keep serial jobs short."""

    def __init__(self, options: EncoderOptions) -> None:
        self.options = options
        self.out = bytearray(commands.INIT)
        self.align: str | None = None
        self.size: tuple[int, int] = (1, 1)
        self.bold = False
        self.ticket = EncodedTicket(b"")

    def set_align(self, align: Align) -> None:
        if self.align != align.value:
            self.out += commands.align(align.value)
            self.align = align.value

    def set_style(self, width: int, height: int, bold: bool) -> None:
        if self.size != (width, height):
            self.out += commands.char_size(width, height)
            self.size = (width, height)
        if self.bold != bold:
            self.out += commands.bold(bold)
            self.bold = bold

    def text(self, block: Text) -> None:
        for line in wrapped_lines(block, self.options):
            if charset.all_native(line):
                self.set_align(block.align)
                self.set_style(block.width, block.height, block.bold)
                if line.isascii():
                    self.out += line.encode("ascii")
                else:
                    self.out += commands.CHINESE_ON + charset.native_bytes(line) + commands.CHINESE_OFF
                self.out += b"\n"
            else:
                self.raster_line(line, block)

    def raster_line(self, line: str, block: Text) -> None:
        fonts = self.options.font_set()
        self.ticket.raster_lines.append(line)
        self.ticket.missing_glyphs |= fonts.missing(line)
        image = raster.text_line_image(
            line, block.width, block.height, block.bold, block.align, self.options.paper_width, fonts
        )
        # The alignment is drawn into the full-width image; ESC a must be left
        # or some printers shift the image off the paper.
        self.set_align(Align.LEFT)
        self.out += _raster_bytes(image, self.options.raster_band_rows)

    def qr(self, block: QR) -> None:
        self.set_align(block.align)
        self.out += commands.qr(block.payload.encode("utf-8"), block.module_size, block.error_correction)
        self.out += b"\n"

    def rule(self) -> None:
        self.set_align(Align.LEFT)
        self.set_style(1, 1, False)
        self.out += b"-" * self.options.cells_per_line + b"\n"

    def block(self, block: Block) -> None:
        if isinstance(block, Text):
            self.text(block)
        elif isinstance(block, QR):
            self.qr(block)
        elif isinstance(block, Rule):
            self.rule()
        elif isinstance(block, Feed):
            if block.lines:
                self.out += commands.feed_lines(block.lines)
        elif isinstance(block, Cut):
            if block.feed_lines:
                self.out += commands.feed_lines(block.feed_lines)
            self.out += commands.cut(block.partial)
        else:
            raise TypeError(f"not a layout block: {block!r}")


def render_segment(blocks: Iterable[Block], options: EncoderOptions) -> Image.Image:
    """A run of blocks (without cuts) drawn as one full-width image."""
    fonts = options.font_set()
    width = options.paper_width
    parts: list[Image.Image] = []
    for block in blocks:
        if isinstance(block, Text):
            for line in wrapped_lines(block, options):
                parts.append(
                    raster.text_line_image(line, block.width, block.height, block.bold, block.align, width, fonts)
                )
        elif isinstance(block, QR):
            parts.append(
                raster.placed(
                    raster.qr_image(block.payload, block.module_size, block.error_correction), width, block.align
                )
            )
            parts.append(raster.placed(Image.new("L", (1, raster.FEED_PITCH), 255), width, Align.LEFT))
        elif isinstance(block, Rule):
            parts.append(raster.rule_image(width))
        elif isinstance(block, Feed):
            if block.lines:
                parts.append(Image.new("L", (width, raster.FEED_PITCH * block.lines), 255))
    return raster.stack(parts, width)


def _encode_raster(blocks: list[Block], options: EncoderOptions) -> EncodedTicket:
    out = bytearray(commands.INIT + commands.align("left"))
    segment: list[Block] = []
    for block in blocks + [None]:  # type: ignore[operator]
        if block is None or isinstance(block, Cut):
            if any(not isinstance(b, Feed) for b in segment):
                out += _raster_bytes(render_segment(segment, options), options.raster_band_rows)
            elif segment:
                out += commands.feed_lines(sum(b.lines for b in segment if isinstance(b, Feed)))
            segment = []
            if block is not None:
                if block.feed_lines:
                    out += commands.feed_lines(block.feed_lines)
                out += commands.cut(block.partial)
        else:
            segment.append(block)
    return EncodedTicket(bytes(out))


def encode_ticket(blocks: Iterable[Block], options: EncoderOptions | None = None) -> EncodedTicket:
    """Encode with a report of what had to be rasterised."""
    options = options or EncoderOptions()
    blocks = list(blocks)
    if options.force_raster:
        return _encode_raster(blocks, options)
    writer = _NativeWriter(options)
    for block in blocks:
        writer.block(block)
    writer.ticket.data = bytes(writer.out)
    return writer.ticket


def encode(blocks: Iterable[Block], options: EncoderOptions | None = None) -> bytes:
    """Layout blocks -> bytes ready for a transport."""
    return encode_ticket(blocks, options).data
