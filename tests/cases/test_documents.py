"""Case documents: A4 PDFs with embedded Chinese fonts (checked with poppler) and thermal versions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hardware.printer import decode, text_lines
from tests.cases.conftest import all_submitted, open_case
from tests.cases.test_closed_loop import accept

OUT = Path("/tmp/yichuang-case-docs")


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    # A PNG of the first page to prove it renders, checked in this test's own folder (another
    # run may be writing the same name under /tmp), then copied there for a human look.
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / name)], check=True)
    png = tmp_path / f"{name}.png"
    assert png.stat().st_size > 5000
    OUT.mkdir(exist_ok=True)
    shutil.copy(png, OUT / png.name)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "yes" in fonts.splitlines()[-1].split()[-5:-2]  # embedded (emb column)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_acceptance_notice_pdf_names_the_case_dates_and_delivery_in_chinese(hall, matters, tmp_path):
    no = accept(hall, matters)
    r = hall.client("clerk-1").get(f"/cases/{no}/documents/acceptance.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content, tmp_path, "acceptance")
    for expected in (
        "受理通知书",
        "斑受〔2026〕0001号",
        no,
        "张小三",
        "临时救助申请",
        "民政办",
        "2026年11月26日",
        "10个工作日",
        "2026年12月10日",
        "到便民服务中心综合窗口自取",
        "金寨县斑竹园镇便民服务中心",
    ):
        assert expected in text, expected
    # Reproducible from the record: printing again later gives the same text.
    hall.clock.advance(days=3)
    again = hall.client("supervisor").get(f"/cases/{no}/documents/acceptance.pdf").content
    assert pdf_text(again, tmp_path, "acceptance-again") == text


def test_one_time_notice_pdf_lists_each_missing_material_with_its_requirement(hall, matters, tmp_path):
    clerk = hall.client("clerk-1")
    matter = matters["MZ003"]
    case = open_case(clerk, matter)
    first = matter["materials"][0]["name"]
    clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "supplement", "materials": [{"name": first, "status": "submitted"}]},
    )
    text = pdf_text(clerk.get(f"/cases/{case['case_no']}/documents/supplement.pdf").content, tmp_path, "supplement")
    assert "一次性告知书" in text and "斑补〔2026〕0001号" in text
    for m in matter["materials"][1:]:
        if m["required"]:
            assert m["name"] in text
    assert "2026年12月10日" in text  # the deadline


def test_rejection_notice_states_reasons_and_the_right_to_review_or_sue(hall, matters, tmp_path):
    supervisor = hall.client("supervisor")
    case = open_case(supervisor, matters["MZ004"])
    supervisor.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "reject", "reasons": "申请人户籍不在本镇。", "redirect_to": "户籍所在地乡镇便民服务中心"},
    )
    text = pdf_text(supervisor.get(f"/cases/{case['case_no']}/documents/rejection.pdf").content, tmp_path, "rejection")
    for expected in ("不予受理通知书", "申请人户籍不在本镇", "户籍所在地乡镇便民服务中心", "行政复议", "行政诉讼"):
        assert expected in text, expected


def test_delivery_receipt_pdf_carries_the_signature_image(hall, matters, signature_png, tmp_path):
    clerk = hall.client("clerk-2")
    case = open_case(clerk, matters["RS001"])
    clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "immediate",
            "materials": all_submitted(matters["RS001"]),
            "identity_checked": True,
            "result": "参保凭证",
            "receipt": {"method": "window", "recipient": "张小三", "relation": "本人", "signature": signature_png},
        },
    )
    pdf = clerk.get(f"/cases/{case['case_no']}/documents/receipt.pdf").content
    text = pdf_text(pdf, tmp_path, "receipt")
    assert "送达回执" in text and "参保凭证" in text and "窗口当面送达" in text
    (tmp_path / "r.pdf").write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "r.pdf")], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) == 3  # header, rule, one image


def test_thermal_acceptance_notice_prints_the_short_version_in_chinese(hall, matters):
    no = accept(hall, matters)
    r = hall.client("clerk-1").get(f"/cases/{no}/documents/acceptance.escpos")
    assert r.status_code == 200
    lines = "\n".join(text_lines(decode(r.content)))
    for expected in ("受理通知书", "斑受〔2026〕0001号", f"办件号：{no}", "办结期限：2026年12月10日"):
        assert expected in lines, expected


def test_a_document_the_case_never_had_is_not_found(hall, matters):
    no = accept(hall, matters)
    r = hall.client("clerk-1").get(f"/cases/{no}/documents/rejection.pdf")
    assert r.status_code == 404 and "没有出具" in r.json()["error"]["message"]


def test_an_approved_promised_case_gets_a_completion_notice(hall, matters, tmp_path):
    no = accept(hall, matters)
    clerk = hall.client("clerk-1")
    clerk.post(f"/cases/{no}/hand-over", json={})
    back = hall.client("backoffice")
    back.post(f"/cases/{no}/receive", json={})
    r = back.post(f"/cases/{no}/decide", json={"decision": "approved", "result": "临时救助审批表"})
    assert r.status_code == 200, r.text
    assert clerk.get(f"/cases/{no}").json()["documents"]["result"] == "斑结〔2026〕0001号"
    pdf = clerk.get(f"/cases/{no}/documents/result.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content, tmp_path, "result-promised")
    assert "办结通知单" in text and "临时救助审批表" in text


def test_notice_names_its_handler_and_the_receipt_its_deliverer(hall, matters, signature_png, tmp_path):
    no = accept(hall, matters)  # at window 1, where 陈晓梅 (BZY001) is signed in
    clerk = hall.client("clerk-1")
    text = pdf_text(clerk.get(f"/cases/{no}/documents/acceptance.pdf").content, tmp_path, "acceptance-handler")
    assert "经办人" in text and "陈晓梅" in text
    clerk2 = hall.client("clerk-2")
    case = open_case(clerk2, matters["RS001"])
    clerk2.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "immediate",
            "materials": all_submitted(matters["RS001"]),
            "identity_checked": True,
            "result": "参保凭证",
            "receipt": {"method": "window", "recipient": "张小三", "relation": "本人", "signature": signature_png},
        },
    )
    receipt = pdf_text(clerk2.get(f"/cases/{case['case_no']}/documents/receipt.pdf").content, tmp_path, "receipt-by")
    assert "送达人" in receipt and "王建国" in receipt


def test_acceptance_notice_gives_the_halls_phone_and_a_progress_qr(hall, matters, tmp_path):
    no = accept(hall, matters)
    text = pdf_text(hall.client("clerk-1").get(f"/cases/{no}/documents/acceptance.pdf").content, tmp_path, "phone-qr")
    assert "咨询电话" in text and "0564-0000000" in text
    assert "用手机扫一扫，查询本件办理进度" in text  # the caption under the QR code (its content is not decoded here)


assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "poppler-utils is needed for these tests"


def test_notices_that_bring_the_resident_back_carry_a_booking_qr_beside_the_progress_qr(hall, matters, tmp_path):
    from tests.support.qr import pdf_qr_texts

    clerk = hall.client("clerk-1")
    matter = matters["MZ003"]
    case = open_case(clerk, matter)
    clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "supplement", "materials": [{"name": matter["materials"][0]["name"], "status": "submitted"}]},
    )
    pdf = clerk.get(f"/cases/{case['case_no']}/documents/supplement.pdf").content
    codes = pdf_qr_texts(pdf, tmp_path, "supplement-qr")
    book = f"{hall.base_url}/book"
    assert book in codes and any(c.startswith(f"{hall.base_url}/cases-ui/progress?no={case['case_no']}") for c in codes)
    assert "扫码预约" in pdf_text(pdf, tmp_path, "supplement-qr-text")
    # The booking page behind it answers.
    import httpx

    assert httpx.get(book).status_code == 200
    no = accept(hall, matters)
    assert book in pdf_qr_texts(clerk.get(f"/cases/{no}/documents/acceptance.pdf").content, tmp_path, "acceptance-qr")


def test_delivery_receipt_prints_the_time_of_delivery_in_the_halls_zone(hall, matters, signature_png, tmp_path):
    hall.clock.advance(minutes=27)  # the hall's 10:27, 02:27 UTC
    clerk = hall.client("clerk-2")
    case = open_case(clerk, matters["RS001"])
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "immediate",
            "materials": all_submitted(matters["RS001"]),
            "identity_checked": True,
            "result": "参保凭证",
            "receipt": {"method": "window", "recipient": "张小三", "relation": "本人", "signature": signature_png},
        },
    )
    assert r.status_code == 200, r.text
    assert clerk.get(f"/cases/{case['case_no']}").json()["receipt"]["delivered_at"].startswith("2026-11-26T10:27")
    pdf = pdf_text(clerk.get(f"/cases/{case['case_no']}/documents/receipt.pdf").content, tmp_path, "receipt-time")
    slip = "\n".join(text_lines(decode(clerk.get(f"/cases/{case['case_no']}/documents/receipt.escpos").content)))
    for printed in (pdf, slip):
        assert "2026年11月26日 10:27" in printed and "02:27" not in printed
