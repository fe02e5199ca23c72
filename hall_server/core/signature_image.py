"""The resident's signature on a 送达回执 (or a photo of the signed paper): one check of what may be
stored, and one way to read a stored image back for printing.

A PNG that only starts like one was once accepted, stored, and from then on every print of that
case's receipt failed: the check decodes the whole image, as the printer will.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from .errors import InvalidInput

MAX_SIGNATURE_BYTES = 40 * 1024
# The case panel's pad is 480×160; a phone photo of the signed paper, scaled to fit in 40 KB, is
# well under 2000 px a side. A bigger one is a decompression bomb (a few KB of PNG can unpack to
# hundreds of MB), refused before it is decoded.
MAX_SIGNATURE_SIDE = 2000
MIMES = {"PNG": "image/png", "JPEG": "image/jpeg"}


class UnreadableImage(ValueError):
    pass


def _decoded(blob: bytes) -> Image.Image:
    """The whole image, decoded; raises UnreadableImage for anything a printer could not draw."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(blob))
            if image.format not in MIMES:
                raise UnreadableImage(f"not PNG or JPEG: {image.format}")
            if max(image.size) > MAX_SIGNATURE_SIDE:
                raise UnreadableImage(f"too large: {image.size}")
            image.load()  # every byte of the picture, not only its header
    except UnreadableImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as e:
        raise UnreadableImage(str(e)) from e
    return image


def _refusal() -> InvalidInput:
    return InvalidInput(
        "case_bad_signature", "cases.bad_signature", max_kb=MAX_SIGNATURE_BYTES // 1024, max_side=MAX_SIGNATURE_SIDE
    )


def check_signature(blob: bytes) -> str:
    """The image's MIME type, or a clear refusal (size, kind, or an image that does not decode)."""
    if len(blob) > MAX_SIGNATURE_BYTES:
        raise _refusal()
    try:
        image = _decoded(blob)
    except UnreadableImage:
        raise _refusal() from None
    return MIMES[str(image.format)]


def printable_png(blob: bytes) -> bytes | None:
    """A stored signature as a clean PNG to draw, or None when it cannot be read (a receipt archived
    before this check): the document then says so instead of failing, and the stored bytes stay."""
    try:
        image = _decoded(blob)
    except UnreadableImage:
        return None
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG")
    return out.getvalue()
