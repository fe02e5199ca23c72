"""补交材料 / 领取结果 at the kiosk (Kivy offscreen, live server): the resident scans the QR on the
一次性告知书 (read back from the real PDF) or types the case number, adds the phone's last 4 digits,
and gets a return-lane slip; the case's own window calls that number first."""

from __future__ import annotations

from hardware.printer import decode, text_lines
from hardware.printer.escpos_decoder import QRCode
from hardware.printer.preview import render_png
from tests.cases.conftest import open_case
from tests.support.qr import pdf_qr_texts, qr_texts

from .conftest import SHOTS


def supplement_case(live_hall) -> dict:
    """A case opened at window 2, waiting for missing materials (一次性告知 issued)."""
    clerk = live_hall.client("clerk-2")
    matter = next(m for m in clerk.get("/matters").json()["matters"] if m["code"] == "MZ001")
    case = open_case(clerk, matter)  # phone 13800001234
    first = next(m["name"] for m in matter["materials"] if m["required"])
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "supplement", "materials": [{"name": first, "status": "submitted"}]},
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_a_typed_case_number_with_a_wrong_tail_is_refused_then_the_right_one_prints_a_return_slip(
    kiosk, live_hall, printer_sim
):
    case_no = supplement_case(live_hall)["case_no"]
    live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).raise_for_status()  # A001, earlier
    kiosk.tap("return")
    kiosk.wait_screen("return")
    for ch in case_no.replace("-", ""):
        kiosk.tap(f"return-key-{ch}")
    st = kiosk.wait_for(lambda s: s["return_case"] == case_no)
    for digit in "9999":
        kiosk.tap(f"return-key-{digit}")
    kiosk.wait_for(lambda s: s["return_tail"] == "9999")
    kiosk.tap("return_submit")
    st = kiosk.wait_for(lambda s: s["screen"] == "return" and s["texts"].get("return_note"), what="refusal")
    kiosk.screenshot("30-return-wrong-tail")
    assert f"没有找到办件 {case_no}" in st["texts"]["return_note"]
    assert st["return_case"] == case_no and st["issued_count"] == 0  # kept for a retry
    for _ in range(4):
        kiosk.tap("return-key-del")
    for digit in "1234":
        kiosk.tap(f"return-key-{digit}")
    kiosk.wait_for(lambda s: s["return_tail"] == "1234")
    kiosk.tap("return_submit")
    st = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["print_state"] == "printed", what="return ticket")
    kiosk.screenshot("31-return-ticket")
    ticket = st["ticket"]
    assert ticket["number"] == "F001" and ticket["channel"] == "return" and ticket["owner_window"] == 2
    assert st["texts"]["return_lane"] == f"补交材料 / 领取结果：办件 {case_no}  2号窗口会优先为您办理"

    assert printer_sim.core.wait_for_jobs(1)
    elements = decode(printer_sim.core.jobs[0])
    lines = text_lines(elements)
    assert "F001" in [line.strip() for line in lines]
    assert f"补交材料/领取结果 {case_no}" in lines
    assert "办理窗口：2号窗口（优先叫号）" in lines
    qr = [e.payload for e in elements if isinstance(e, QRCode)]
    assert qr == [f"{live_hall.base_url}/t/{ticket['id']}?key={ticket['public_key']}", f"{live_hall.base_url}/book"]
    assert "扫码预约，改天办理不用排队" in lines
    # Drawn as the printer draws them, both QR codes read back as a phone reads them.
    assert qr_texts(render_png(printer_sim.core.jobs[0], SHOTS / "33-return-slip.png")) == qr

    # 首问负责: window 2 (the case's) calls F001 before the earlier walk-in A001.
    called = live_hall.client("clerk-2").post("/windows/2/call-next").json()["ticket"]
    assert called["number"] == "F001"
    assert live_hall.client("clerk-1").post("/windows/1/call-next").json()["ticket"]["number"] == "A001"


def test_the_notices_qr_scanned_on_the_first_screen_fills_in_the_case_number(kiosk, live_hall, tmp_path):
    case_no = supplement_case(live_hall)["case_no"]
    pdf = live_hall.client("clerk-2").get(f"/cases/{case_no}/documents/supplement.pdf").content
    progress_qr = next(t for t in pdf_qr_texts(pdf, tmp_path, "notice") if "/cases-ui/progress?" in t)
    kiosk.call("scan", text=progress_qr)
    st = kiosk.wait_for(lambda s: s["screen"] == "return" and s["return_case"] == case_no, what="case from QR")
    kiosk.screenshot("32-return-scanned")
    assert st["return_tail"] == ""  # the phone's digits are still the resident's to type
    kiosk.tap("return_submit")
    st = kiosk.wait_for(lambda s: s["texts"].get("return_note"))
    assert "后4位" in st["texts"]["return_note"]
    kiosk.call("scan", text="hello")  # a QR the kiosk does not know
    st = kiosk.wait_for(lambda s: "不是预约码" in s["texts"].get("return_note", ""))
    assert st["return_case"] == case_no
    for digit in "1234":
        kiosk.tap(f"return-key-{digit}")
    kiosk.tap("return_submit")
    st = kiosk.wait_for(lambda s: s["screen"] == "ticket")
    assert st["ticket"]["channel"] == "return" and st["ticket"]["case_no"] == case_no


def test_a_case_with_nothing_to_bring_or_collect_is_sent_to_a_window_in_chinese(kiosk, live_hall):
    clerk = live_hall.client("clerk-1")
    case = open_case(clerk, clerk.get("/matters").json()["matters"][0])  # still 登记中 at the window
    kiosk.tap("return")
    kiosk.wait_screen("return")
    for ch in case["case_no"].replace("-", "") + "1234":
        kiosk.tap(f"return-key-{ch}")
    kiosk.wait_for(lambda s: s["return_tail"] == "1234")
    kiosk.tap("return_submit")
    st = kiosk.wait_for(lambda s: s["texts"].get("return_note"))
    assert "登记中" in st["texts"]["return_note"] and "窗口" in st["texts"]["return_note"]
    assert st["issued_count"] == 0
