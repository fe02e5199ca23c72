"""Pillow rendering on the printer's dot grid (shared by the encoder and the preview).

Geometry follows the printer's resident Font A so raster lines line up with
native ones: an ASCII cell is 12 x 24 dots, a full-width cell 24 x 24 dots,
both scaled by the GS ! multipliers, plus a few dots of line spacing.
"""

from __future__ import annotations

import logging

import qrcode
from PIL import Image, ImageDraw, ImageOps

from . import charset
from .fonts import FontSet
from .layout import Align

log = logging.getLogger(__name__)

CELL_W = 12  # dots per half-width cell
CELL_H = 24  # dots per character row
LINE_GAP = 6  # dots between rows (close to the printers' default ESC 2 spacing)
FEED_PITCH = CELL_H + LINE_GAP  # one "line" of ESC d
RULE_THICKNESS = 2

WHITE, BLACK = 255, 0


def text_run_image(text: str, width: int, height: int, bold: bool, fonts: FontSet) -> Image.Image:
    """A run of text in one style, as wide as its cells (12 or 24 dots x width each)."""
    size = CELL_H * height
    # Draw at the height's scale (square cells) and stretch horizontally after,
    # which is how the printer scales glyphs for unequal width/height multipliers.
    n_cells = max(charset.cells(text), 1)
    canvas = Image.new("L", (n_cells * CELL_W * height, size), WHITE)
    draw = ImageDraw.Draw(canvas)
    stroke = max(1, height // 2) if bold else 0
    x = 0
    for ch in text:
        cell = (1 if ord(ch) < 0x80 else 2) * CELL_W * height
        face_no = fonts.face_for(ch)
        if face_no is None:
            log.warning("no installed font has %r (U+%04X); it prints as a box", ch, ord(ch))
            face_no = 0
        font = fonts.font(face_no, size)
        ascent, descent = font.getmetrics()
        baseline = round(size * ascent / (ascent + descent))
        if not ch.isspace():
            draw.text(
                (x + cell / 2, baseline), ch, font=font, fill=BLACK, anchor="ms", stroke_width=stroke, stroke_fill=BLACK
            )
        x += cell
    if width != height:
        canvas = canvas.resize((n_cells * CELL_W * width, size), Image.Resampling.LANCZOS)
    return canvas


def text_line_image(
    text: str, width: int, height: int, bold: bool, align: Align, paper_width: int, fonts: FontSet, gap: int = LINE_GAP
) -> Image.Image:
    """One printed row of text as a grey image exactly ``paper_width`` wide (plus line gap)."""
    return line_of_runs([text_run_image(text, width, height, bold, fonts)], align, paper_width, gap)


def line_of_runs(runs: list[Image.Image], align: Align, paper_width: int, gap: int = LINE_GAP) -> Image.Image:
    """Runs side by side on their common baseline (bottom-aligned, as printers do)."""
    height = max(im.height for im in runs)
    row_width = sum(im.width for im in runs)
    row = Image.new("L", (paper_width, height + gap), WHITE)
    x = _x_offset(row_width, paper_width, Align(align))
    for im in runs:
        row.paste(im, (x, height - im.height))
        x += im.width
    return row


def _x_offset(item_width: int, paper_width: int, align: Align) -> int:
    if item_width >= paper_width or align == Align.LEFT:
        return 0
    if align == Align.CENTER:
        return (paper_width - item_width) // 2
    return paper_width - item_width


def qr_image(payload: str, module_size: int, error_correction: str = "M") -> Image.Image:
    levels = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    code = qrcode.QRCode(error_correction=levels[error_correction], box_size=module_size, border=0)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def placed(image: Image.Image, paper_width: int, align: Align, pad: int = 0) -> Image.Image:
    """``image`` placed on a full-width white strip (with ``pad`` blank rows above and below)."""
    if image.width > paper_width:
        image = image.crop((0, 0, paper_width, image.height))
    strip = Image.new("L", (paper_width, image.height + 2 * pad), WHITE)
    strip.paste(image.convert("L"), (_x_offset(image.width, paper_width, align), pad))
    return strip


def rule_image(paper_width: int) -> Image.Image:
    strip = Image.new("L", (paper_width, FEED_PITCH), WHITE)
    top = (FEED_PITCH - RULE_THICKNESS) // 2
    ImageDraw.Draw(strip).rectangle((0, top, paper_width - 1, top + RULE_THICKNESS - 1), fill=BLACK)
    return strip


def stack(images: list[Image.Image], paper_width: int) -> Image.Image:
    height = sum(im.height for im in images)
    out = Image.new("L", (paper_width, max(height, 1)), WHITE)
    y = 0
    for im in images:
        out.paste(im, (0, y))
        y += im.height
    return out


def to_bits(image: Image.Image) -> tuple[int, int, bytes]:
    """(bytes per row, rows, data) for GS v 0: MSB first, 1 = burn a dot."""
    grey = image.convert("L")
    width_bytes = (grey.width + 7) // 8
    if grey.width % 8:
        padded = Image.new("L", (width_bytes * 8, grey.height), WHITE)
        padded.paste(grey, (0, 0))
        grey = padded
    # Pillow's mode "1" stores white as 1; ESC/POS wants black as 1.
    bits = ImageOps.invert(grey).point(lambda v: 255 if v >= 128 else 0).convert("1")
    return width_bytes, grey.height, bits.tobytes()


def from_bits(width_bytes: int, rows: int, data: bytes) -> Image.Image:
    """Inverse of :func:`to_bits`: a mode "1" image, black where dots burn."""
    bits = Image.frombytes("1", (width_bytes * 8, rows), bytes(data))
    return ImageOps.invert(bits.convert("L")).convert("1")
