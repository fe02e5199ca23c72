"""Reading QR codes back as a phone or the kiosk's scanner would: from a picture of the printed
slip or of the PDF page (zxing-cpp), never from the bytes that asked for them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image


def qr_texts(image: Image.Image) -> list[str]:
    """Every QR code in the picture, top to bottom."""
    found = [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    return [b.text for b in sorted(found, key=lambda b: (b.position.top_left.y, b.position.top_left.x))]


def pdf_qr_texts(pdf: bytes, tmp_path: Path, name: str = "page") -> list[str]:
    """The QR codes on a PDF's first page, rendered at 200 dpi as an office printer would print it."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(path), str(tmp_path / name)], check=True)
    with Image.open(tmp_path / f"{name}.png") as im:
        return qr_texts(im.convert("L"))
