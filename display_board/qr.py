"""QR codes drawn as SVG for the hall's pages (the booking code on /book, the booking page's
address on the board): one way to draw them, with the ``qrcode`` library the slip printer
already uses. Vector, so a 4K TV and a phone both get sharp modules."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def qr_svg(text: str) -> bytes:
    """An SVG QR code of ``text``: black modules on white, with a two-module quiet zone (the white
    keeps it scannable on the board's dark background)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
