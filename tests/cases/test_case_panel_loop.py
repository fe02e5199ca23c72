"""The whole closed loop in the browser: accepted at the window page, decided on the back-office
page, then back at the window: 取回登记, 通知群众, 送达 with a signature drawn on the canvas."""

from __future__ import annotations

import re
import subprocess

import httpx
from playwright.sync_api import expect

from tests.cases.conftest import case_frame, draw_signature, login_terminal, open_panel, start_case, tick_all_submitted


def test_a_case_goes_round_the_loop_in_the_browser_and_the_signed_receipt_is_a_pdf(
    terminal_hall, matters, device, shot, tmp_path
):
    hall = terminal_hall
    matter = matters["MZ003"]
    hall.client("kiosk").post("/tickets", json={"matter_id": matter["id"]})
    window = device()
    login_terminal(window, hall)
    window.click("#act-call-next")
    window.click("#act-start")
    window.click("#open-case")
    terminal, window = window, case_frame(window)  # the panel opens beside the queue
    window.fill("#phone", "13800001234")
    start_case(window, matter, "李德福")
    tick_all_submitted(window)
    window.click("button[data-outcome=accept]")
    expect(window.locator("#case-state")).to_have_text("已受理")
    no = window.locator("#case-no").inner_text()
    window.fill("#handover-note", "纸质材料随交接单送民政办")
    window.click("#hand-over")
    expect(window.locator("#case-state")).to_have_text("部门审批中")
    expect(window.locator("#step-info")).to_contain_text("已转民政办")

    back = device()
    back.goto(f"{hall.base_url}/cases-ui/backoffice?token={hall.tokens['backoffice']}")
    row = back.locator(f"tr[data-case='{no}']")
    row.locator("button.receive").click()
    expect(row.locator("button.receive")).to_have_count(0)
    row.locator("input.result").fill("临时救助审批表")
    row.locator("button.approve").click()
    back.click("#confirm-ok")  # 同意 is asked once more
    expect(row).to_contain_text("部门已办结")

    # The window page follows the case live: the result is ready to be fetched from the department.
    expect(window.locator("#case-state")).to_have_text("部门已办结")
    expect(window.locator("#step-info")).to_contain_text("民政办已办结：临时救助审批表")
    window.click("#return")
    expect(window.locator("#case-state")).to_have_text("结果已取回窗口")
    window.click("#notify")
    expect(window.locator("#case-state")).to_have_text("已通知领取")
    sms = window.locator("#notifications li.sms")
    expect(sms).to_have_count(1)
    expect(sms).to_contain_text("138****1234")
    expect(sms).to_contain_text("已排队待发")
    expect(sms).to_contain_text(no)

    window.fill("#recipient", "李桂兰")
    window.fill("#relation", "配偶")
    window.select_option("#method", "window")
    draw_signature(window)
    shot(terminal, "delivery-form-with-signature")
    window.click("#deliver")
    expect(window.locator("#case-state")).to_have_text("已办结归档")
    expect(window.locator("#step-info")).to_contain_text("李桂兰（配偶）")
    link = window.locator("#notice .doc[data-kind=receipt] a")
    expect(window.locator("#notice .doc[data-kind=receipt]")).to_contain_text("送达回执 斑送〔2026〕0001号")
    expect(window.locator("#deliver-box")).to_be_hidden()

    case = hall.client("clerk-1").get(f"/cases/{no}").json()
    assert case["state"] == "closed" and case["decision"] == "approved"
    assert case["receipt"]["recipient"] == "李桂兰" and case["receipt"]["method"] == "window"
    assert case["receipt"]["signature_mime"] == "image/png" and case["receipt"]["has_signature"]
    assert [s["action"] for s in case["history"]] == [
        "open",
        "accept",
        "hand_over",
        "receive",
        "decide",
        "return",
        "notify",
        "deliver",
        "close",
    ]

    expect(link).to_have_attribute("href", re.compile(r"\.pdf\?link="))
    r = httpx.get(hall.base_url + link.get_attribute("href"), timeout=30)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "送达回执" in text and "李桂兰" in text
    # The signature drawn on the canvas is printed on the receipt as an image.
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    drawn = [line.split() for line in images.strip().splitlines()[2:] if line.split()[2] == "image"]
    assert [line[3:5] for line in drawn] == [["480", "160"]]  # one image, the canvas's size


def test_delivery_without_a_signature_is_refused_on_the_page(hall, matters, device, signature_png):
    page = device()
    open_panel(page, hall)
    start_case(page, matters["RS001"], "张小三")
    tick_all_submitted(page)
    page.fill("#result", "参保登记完成")
    page.click("button[data-outcome=immediate]")
    expect(page.locator("#deliver-box")).to_be_visible()
    page.click("#deliver")
    expect(page.locator("#error")).to_have_text("请签收人在签名框内签名后再确认送达。")
    expect(page.locator("#case-state")).to_have_text("结果已取回窗口")
    assert hall.client("clerk-1").get("/cases/2026-00001").json()["state"] == "returned"
