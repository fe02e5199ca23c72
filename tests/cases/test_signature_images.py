"""The resident's signature on a delivery: refused at the API unless it is a whole image a printer can
draw, and a receipt archived with an unreadable one still prints (never a 500, nothing lost)."""

from __future__ import annotations

import base64
import io
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select, update

from hall_server.storage.case_models import DeliveryReceipt
from tests.cases.conftest import all_submitted, open_case


def deliver_at_once(clerk, matter, signature: str):
    case = open_case(clerk, matter)
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "immediate",
            "materials": all_submitted(matter),
            "identity_checked": True,
            "result": "参保凭证",
            "receipt": {"method": "window", "recipient": "张小三", "relation": "本人", "signature": signature},
        },
    )
    return case, r


def data_url(blob: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(blob).decode()


def png_of(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height), 1).save(out, "PNG", optimize=True)
    return out.getvalue()


def unreadable_signatures(signature_png: str) -> dict[str, str]:
    good = base64.b64decode(signature_png.split(",", 1)[1])
    return {
        "cut off half way": data_url(good[: len(good) // 2]),
        "only the PNG header": data_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),
        "a JPEG that is not one": data_url(b"\xff\xd8\xff\xe0" + b"garbage" * 30, "image/jpeg"),
        "a GIF": data_url(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        "a 20000-pixel bomb": data_url(png_of(20000, 200)),
    }


def test_an_unreadable_signature_is_refused_in_chinese_and_the_case_stays_as_it_was(hall, matters, signature_png):
    clerk = hall.client("clerk-2")
    for what, signature in unreadable_signatures(signature_png).items():
        case, r = deliver_at_once(clerk, matters["RS001"], signature)
        assert r.status_code == 400, (what, r.text)
        message = r.json()["error"]["message"]
        assert "签名或照片无法读取" in message and "40 KB" in message and "重新签名" in message, what
        after = clerk.get(f"/cases/{case['case_no']}").json()
        assert after["state"] == "open" and after["receipt"] is None, what
    # The pad's own PNG still goes through.
    _, r = deliver_at_once(clerk, matters["RS001"], signature_png)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("stored", ["iVBORw0KGgoAAAAAAAAAAAAAAAAAAAA=", "not base64 at all!"])
def test_a_receipt_archived_with_an_unreadable_signature_still_prints(hall, matters, signature_png, stored, tmp_path):
    clerk = hall.client("clerk-2")
    case, r = deliver_at_once(clerk, matters["RS001"], signature_png)
    assert r.status_code == 200, r.text
    # As an older server stored it (it checked only the first bytes).
    with hall.server.db.write() as conn:
        conn.execute(update(DeliveryReceipt).values(signature_b64=stored))
    r = clerk.get(f"/cases/{case['case_no']}/documents/receipt.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(r.content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "receipt")], check=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "送达回执" in text and "参保凭证" in text and "签名图片已存档，但已损坏无法显示" in text
    assert clerk.get(f"/cases/{case['case_no']}/documents/receipt.escpos").status_code == 200
    with hall.server.db.read() as conn:
        assert conn.execute(select(DeliveryReceipt.signature_b64)).scalar_one() == stored  # nothing lost
