"""办件进度查询 on the real kiosk (Kivy, offscreen) against the live hall: a resident types the
case number and its query code from the 受理通知书 on the on-screen keypad and reads where the
case stands. Without the right code (a phone's last 4 digits are not one) the kiosk shows nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class Notice:
    """What the resident holds: the 受理通知书's case number and query code."""

    case_no: str
    code: str


@pytest.fixture
def accepted_case(live_hall) -> Notice:
    """A 临时救助申请 (MZ003) opened and accepted at window 1 today over the API, every material
    submitted, the result to be collected at the window."""
    clerk = live_hall.client("clerk-1")
    matter = {m["code"]: m for m in clerk.get("/matters").json()["matters"]}["MZ003"]
    r = clerk.post("/cases", json={"matter_id": matter["id"], "applicant_name": "张小三", "phone": "13800001234"})
    assert r.status_code == 201, r.text
    case_no = r.json()["case_no"]
    r = clerk.post(
        f"/cases/{case_no}/outcome",
        json={
            "outcome": "accept",
            "identity_checked": True,
            "delivery_choice": "pickup",
            "materials": [{"name": m["name"], "status": "submitted"} for m in matter["materials"]],
        },
    )
    assert r.status_code == 200, r.text
    return Notice(case_no, r.json()["query_code"])


def type_case_number(kiosk, case_no: str, typed: str = "") -> dict:
    """Touch the digit keys one by one, as a resident would (no dash: the keypad adds it after the
    year), after ``typed`` is already on the keypad."""
    for key in case_no.replace("-", "")[len(typed.replace("-", "")) :]:
        kiosk.tap(f"case-key-{key}")
    return kiosk.wait_for(lambda s: s["case_pad"] == case_no, what=f"keypad shows {case_no}")


def type_notice(kiosk, case_no: str, code: str, typed: str = "") -> dict:
    """The number, then the code: once the number is whole the digits go on into the code box."""
    type_case_number(kiosk, case_no, typed)
    for key in code:
        kiosk.tap(f"case-key-{key}")
    return kiosk.wait_for(lambda s: s["case_code"] == code, what=f"code box shows {code}")


def open_keypad(kiosk) -> None:
    kiosk.tap("progress")
    kiosk.wait_screen("progress")


def test_resident_looks_up_accepted_case_and_sees_stage_due_date_and_pickup(kiosk, accepted_case):
    open_keypad(kiosk)
    st = type_notice(kiosk, accepted_case.case_no, accepted_case.code)
    assert st["texts"]["case_entry"] == accepted_case.case_no  # the dash appeared by itself
    assert st["texts"]["code_entry"] == accepted_case.code
    kiosk.tap("progress_submit")
    st = kiosk.wait_screen("progress_result")
    kiosk.screenshot("21-progress-result")
    texts = st["texts"]
    assert texts["stage"] == "已受理"
    assert texts["matter"] == "临时救助申请"
    facts = [v for k, v in texts.items() if k.startswith("fact-")]
    assert "受理日期：2026年11月26日" in facts
    assert "承诺办结：2026年12月10日前（还剩 10 个工作日）" in facts
    assert "结果领取：到便民服务中心综合窗口领取" in facts
    assert "申请人：张*三" in facts
    assert "张小三" not in str(texts) and "13800001234" not in str(texts)
    steps = [texts[f"step-{i}"] for i in range(sum(k.startswith("step-") for k in texts))]
    assert steps == ["2026年11月26日\n窗口登记", "2026年11月26日\n受理"]
    glyphs = kiosk.call("glyphs")  # the new words on this screen are drawn, not boxed
    assert glyphs["chars"] > 20 and glyphs["missing"] == []
    kiosk.tap("progress_again")
    st = kiosk.wait_screen("progress")
    assert st["case_pad"] == ""
    kiosk.tap("back")
    kiosk.wait_screen("home")


def test_unknown_case_number_shows_server_message_and_resident_can_correct_it(kiosk, accepted_case):
    open_keypad(kiosk)
    kiosk.tap("progress_submit")  # nothing typed: told the format, nothing sent
    st = kiosk.wait_for(lambda s: s["texts"].get("progress_note"))
    assert "2026-00001" in st["texts"]["progress_note"]
    type_case_number(kiosk, "2026-99999")
    kiosk.tap("progress_submit")  # no code yet: asked for it, nothing sent
    st = kiosk.wait_for(lambda s: "查询码" in s["texts"].get("progress_note", ""), what="code prompt")
    assert st["screen"] == "progress" and st["case_pad"] == "2026-99999"
    type_notice(kiosk, "2026-99999", accepted_case.code, typed="2026-99999")
    kiosk.tap("progress_submit")
    st = kiosk.wait_for(lambda s: "找不到" in s["texts"].get("progress_note", ""), what="not-found message")
    kiosk.screenshot("22-progress-not-found")
    assert st["screen"] == "progress"
    assert "找不到办件号 2026-99999，请核对受理通知书上的办件号和查询码" in st["texts"]["progress_note"]
    # Number and code stay on the keypad: delete back through the code into the sequence, retype.
    kiosk.tap("case-key-del", times=len(accepted_case.code) + 5)
    kiosk.wait_for(lambda s: s["case_pad"] == "2026-" and s["case_code"] == "")
    type_case_number(kiosk, accepted_case.case_no, typed="2026-")
    for key in accepted_case.code:
        kiosk.tap(f"case-key-{key}")
    kiosk.tap("progress_submit")
    st = kiosk.wait_screen("progress_result")
    assert st["texts"]["stage"] == "已受理"


def test_right_number_with_a_wrong_code_or_the_phone_tail_shows_nothing_and_the_code_opens_it(kiosk, accepted_case):
    wrong = "000000" if accepted_case.code != "000000" else "111111"
    open_keypad(kiosk)
    type_notice(kiosk, accepted_case.case_no, wrong)
    kiosk.tap("progress_submit")
    st = kiosk.wait_for(lambda s: "找不到" in s["texts"].get("progress_note", ""), what="not-found message")
    assert st["screen"] == "progress" and "临时救助" not in str(st["texts"])
    kiosk.tap("case-key-del", times=6)
    for key in "1234":  # the phone given at the window was 13800001234: not a code
        kiosk.tap(f"case-key-{key}")
    kiosk.wait_for(lambda s: s["case_code"] == "1234")
    kiosk.tap("progress_submit")
    st = kiosk.wait_for(lambda s: "通知书丢失" in s["texts"].get("progress_note", ""), what="code again")
    assert st["screen"] == "progress" and "临时救助" not in str(st["texts"])
    kiosk.tap("case-key-del", times=4)
    for key in accepted_case.code:
        kiosk.tap(f"case-key-{key}")
    kiosk.wait_for(lambda s: s["case_code"] == accepted_case.code)
    kiosk.tap("progress_submit")
    st = kiosk.wait_screen("progress_result")
    assert st["texts"]["matter"] == "临时救助申请"


def test_lookup_during_server_outage_says_so_and_works_again_after(
    live_hall, printer_sim, proxy, start_kiosk, accepted_case
):
    kiosk = start_kiosk(proxy.url, live_hall.tokens["kiosk"], printer_sim.spec)
    kiosk.wait_screen("home", 30)
    open_keypad(kiosk)
    type_notice(kiosk, accepted_case.case_no, accepted_case.code)
    proxy.down()
    kiosk.tap("progress_submit")
    st = kiosk.wait_for(lambda s: "连不上服务器" in s["texts"].get("progress_note", ""), what="offline note")
    assert st["screen"] == "progress" and st["online"] is False
    assert "连不上服务器" in st["banners"][0]
    proxy.up()
    kiosk.wait_for(lambda s: s["online"] is True, timeout=20, what="back online")
    kiosk.tap("progress_submit")
    kiosk.wait_screen("progress_result")


def test_result_screen_returns_home_after_idle_timeout(kiosk, accepted_case):
    open_keypad(kiosk)
    type_notice(kiosk, accepted_case.case_no, accepted_case.code)
    kiosk.tap("progress_submit")
    kiosk.wait_screen("progress_result")
    kiosk.call("advance", seconds=31)
    kiosk.wait_screen("home")
