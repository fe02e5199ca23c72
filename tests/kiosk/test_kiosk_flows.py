"""The real kiosk app (Kivy, offscreen) driven by touches against the live hall server and a
simulated network printer: what a resident sees, what the slip says, what the server holds."""

from __future__ import annotations

from hall_server.core.clock import parse_local_time
from hardware.printer import decode, text_lines
from hardware.printer.escpos_decoder import PaperCut, QRCode, TextLine
from hardware.printer.simulator import SimState


def waiting_tickets(live_hall) -> list[dict]:
    return live_hall.client("supervisor").get("/queue").json()["waiting"]


def take_general_number(kiosk) -> dict:
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("general")
    return kiosk.wait_screen("ticket")


def test_walk_in_by_matter_prints_slip_with_number_matter_wait_server_time_qr_and_cut(kiosk, live_hall, printer_sim):
    kiosk.screenshot("01-home")
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.screenshot("02-groups")
    kiosk.tap("departments")
    kiosk.wait_screen("departments")
    kiosk.tap("group-civil_affairs")
    st = kiosk.wait_screen("matters")
    # High-frequency matters first: 特困人员救助供养申请 (低频, id 2) comes after 临时救助申请 (高频, id 3).
    kids = [k for k in st["texts"] if k.startswith("matter-")]
    assert "matter-1" in kids and "matter-2" in kids
    kiosk.screenshot("03-matters")
    kiosk.tap("matter-1")
    st = kiosk.wait_for(lambda s: s["print_state"] == "printed", what="slip printed")
    kiosk.screenshot("04-ticket")
    ticket = st["ticket"]
    assert st["texts"]["number"] == ticket["number"] == "A001"
    assert st["texts"]["matter"] == "最低生活保障申请"
    # The kiosk's own clock says 2026-11-25 (real time); the server's clock wins everywhere.
    assert st["texts"]["clock"].startswith("2026-11-26")

    assert printer_sim.core.wait_for_jobs(1)
    elements = decode(printer_sim.core.jobs[0])
    lines = text_lines(elements)
    number_line = next(e for e in elements if isinstance(e, TextLine) and e.text.strip() == "A001")
    assert number_line.width == 4 and number_line.height == 4
    assert "金寨县斑竹园镇便民服务中心" in lines
    assert "最低生活保障申请" in lines
    assert "您前面还有 0 人在等待" in lines
    assert "取号时间：2026-11-26 10:00:00" in lines
    assert "过号无效，请您重新取号" in lines
    qr = [e for e in elements if isinstance(e, QRCode)]
    # The ticket's own QR, then the small 扫码预约 one to the hall's booking page.
    assert [q.payload for q in qr] == [
        f"{live_hall.base_url}/t/{ticket['id']}?key={ticket['public_key']}",
        f"{live_hall.base_url}/book",
    ]
    assert "扫码预约，改天办理不用排队" in lines
    assert isinstance(elements[-1], PaperCut) or any(isinstance(e, PaperCut) for e in elements[-3:])
    # The QR's key really opens the ticket on the public API (no token).
    import httpx

    public = httpx.get(f"{live_hall.base_url}/api/v1/tickets/{ticket['id']}", params={"key": ticket["public_key"]})
    assert public.status_code == 200 and public.json()["number"] == "A001"
    assert httpx.get(f"{live_hall.base_url}/book").status_code == 200


def test_every_screen_renders_chinese_glyphs_not_empty_boxes(kiosk):
    for screen, go in (("home", None), ("groups", "take_number")):
        if go:
            kiosk.tap(go)
            kiosk.wait_screen(screen)
        result = kiosk.call("glyphs")
        assert result["chars"] > 10
        assert result["missing"] == [], f"{screen}: drawn as boxes: {result['missing']}"
        # The same check with Kivy's Latin-only default font finds every character boxed:
        # the check can tell glyphs from boxes.
        assert result["control_missing"] == result["chars"]
        assert result["distinct"] == result["chars"]


def test_double_tap_gives_one_ticket(kiosk, live_hall, printer_sim):
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.call("press", kid="general", times=2)  # the same Button pressed twice before any answer
    st = kiosk.wait_for(lambda s: s["print_state"] == "printed")
    assert st["issued_count"] == 1
    assert [t["number"] for t in waiting_tickets(live_hall)] == [st["ticket"]["number"]]
    kiosk.tap("done")
    kiosk.wait_screen("home")
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("general", times=2)  # two real touches in the same frame
    st = kiosk.wait_for(lambda s: s["print_state"] == "printed" and s["issued_count"] == 2)
    assert len(waiting_tickets(live_hall)) == 2
    assert printer_sim.core.wait_for_jobs(2) and len(printer_sim.core.jobs) == 2


def test_priority_lane_ticket_says_priority_on_slip(kiosk, live_hall, printer_sim):
    kiosk.tap("priority")
    kiosk.wait_screen("priority")
    kiosk.screenshot("05-priority")
    kiosk.tap("priority-elderly")
    st = kiosk.wait_for(lambda s: s["print_state"] == "printed")
    assert st["ticket"]["priority_group"] == "elderly"
    assert printer_sim.core.wait_for_jobs(1)
    assert "优先办理·老年人（70周岁以上）" in text_lines(decode(printer_sim.core.jobs[0]))


def test_appointment_check_in_by_code_on_the_keypad(kiosk, live_hall, printer_sim):
    now = live_hall.clock.now()
    live_hall.clock.set(parse_local_time("2026-11-26 09:00"))  # booked ahead, as the hall's rules ask
    booked = (
        live_hall.client("clerk-1")
        .post("/appointments", json={"resident_name": "张三", "slot_start": "2026-11-26T10:00", "matter_id": 9})
        .json()
    )
    live_hall.clock.set(now)
    kiosk.tap("check_in")
    kiosk.wait_screen("checkin")
    kiosk.tap("submit")  # nothing typed yet
    st = kiosk.wait_for(lambda s: s["texts"].get("keypad_error"))
    assert "6 位" in st["texts"]["keypad_error"]
    for digit in booked["code"]:
        kiosk.tap(f"key-{digit}")
    kiosk.wait_for(lambda s: s["keypad"] == booked["code"])
    kiosk.screenshot("06-checkin-keypad")
    kiosk.tap("submit")
    st = kiosk.wait_for(lambda s: s["print_state"] == "printed")
    assert st["ticket"]["channel"] == "appointment"
    assert printer_sim.core.wait_for_jobs(1)
    lines = text_lines(decode(printer_sim.core.jobs[0]))
    assert "预约 10:00" in lines and "社会保障卡申领" in lines


def test_unknown_appointment_code_shows_server_message_on_keypad(kiosk):
    kiosk.tap("check_in")
    kiosk.wait_screen("checkin")
    for digit in "000000":
        kiosk.tap(f"key-{digit}")
    kiosk.tap("submit")
    st = kiosk.wait_for(lambda s: s["screen"] == "checkin" and s["texts"].get("keypad_error"))
    assert "没有找到您的预约" in st["texts"]["keypad_error"]
    assert st["issued_count"] == 0


def test_outside_hours_says_when_hall_opens_and_offers_check_in(live_hall, printer_sim, start_kiosk):
    live_hall.clock.set(parse_local_time("2026-11-26 19:00"))
    kiosk = start_kiosk(live_hall.base_url, live_hall.tokens["kiosk"], printer_sim.spec)
    st = kiosk.wait_screen("home", 30)
    assert "明天 09:00" in st["texts"]["closed_note"]
    kiosk.tap("take_number")
    st = kiosk.wait_screen("closed")
    kiosk.screenshot("07-closed")
    assert "下次开放时间：明天 09:00" in st["texts"]["notice"]
    assert "预约" in st["texts"]["notice"]
    kiosk.tap("closed_checkin")
    kiosk.wait_screen("checkin")
    assert waiting_tickets(live_hall) == []


def test_near_closing_asks_consent_and_issues_only_when_accepted(live_hall, printer_sim, start_kiosk):
    live_hall.clock.set(parse_local_time("2026-11-26 18:10"))
    live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).raise_for_status()
    kiosk = start_kiosk(live_hall.base_url, live_hall.tokens["kiosk"], printer_sim.spec)
    kiosk.wait_screen("home", 30)
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("general")
    st = kiosk.wait_screen("consent")
    kiosk.screenshot("08-consent")
    # One person ahead: the reason is the closing time, not a long line.
    text = st["texts"]["consent_text"]
    assert "您前面还有1人" in text and "18:30" in text and "较多" not in text
    kiosk.tap("decline")
    kiosk.wait_screen("home")
    assert len(waiting_tickets(live_hall)) == 1
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("general")
    kiosk.wait_screen("consent")
    kiosk.tap("accept")
    st = kiosk.wait_for(lambda s: s["print_state"] == "printed")
    assert st["ticket"]["late_risk_accepted"] is True
    assert len(waiting_tickets(live_hall)) == 2


def test_printer_out_of_paper_still_shows_number_and_reports_to_hall(kiosk, live_hall, printer_sim):
    printer_sim.core.set_state(SimState.PAPER_OUT)
    st = take_general_number(kiosk)
    st = kiosk.wait_for(lambda s: s["print_state"] == "failed" and s["banners"])
    kiosk.screenshot("09-paper-out")
    assert st["texts"]["number"] == "A001"
    assert "A001" in st["texts"]["print_note"]
    assert "打印机缺纸，请记住屏幕上的号码" in st["banners"]
    assert printer_sim.core.jobs == [] and not printer_sim.core.unfinished
    assert len(waiting_tickets(live_hall)) == 1
    sup = live_hall.client("supervisor")

    def reported():
        return {d["device"]: d for d in sup.get("/devices").json()["devices"]}.get("kiosk-test/printer", {})

    kiosk.wait_for(lambda s: reported().get("state") == "paper_out", what="paper_out reported")
    # Paper back in: the next check clears the banner and tells the hall.
    printer_sim.core.set_state(SimState.OK)
    kiosk.tap("done")
    take_general_number(kiosk)
    kiosk.wait_for(lambda s: s["print_state"] == "printed" and not s["banners"])
    kiosk.wait_for(lambda s: reported().get("state") == "ok", what="ok reported")


def test_silent_printer_is_reported_offline_and_number_stays_on_screen(kiosk, printer_sim):
    printer_sim.core.set_state(SimState.SILENT)
    take_general_number(kiosk)
    st = kiosk.wait_for(lambda s: s["print_state"] == "failed")
    assert st["printer_state"] == "offline"
    assert "A001" in st["texts"]["print_note"] and st["texts"]["number"] == "A001"


def test_wrong_token_shows_admin_message(live_hall, printer_sim, start_kiosk):
    kiosk = start_kiosk(live_hall.base_url, "not-a-token", printer_sim.spec)
    st = kiosk.wait_screen("admin", 30)
    kiosk.screenshot("10-bad-token")
    assert "yichuang token create --role kiosk" in st["texts"]["admin_text"]


def test_server_outage_is_shown_and_kiosk_recovers_by_itself(live_hall, printer_sim, proxy, start_kiosk):
    kiosk = start_kiosk(proxy.url, live_hall.tokens["kiosk"], printer_sim.spec)
    kiosk.wait_screen("home", 30)
    proxy.down()
    st = kiosk.wait_for(lambda s: s["online"] is False and s["banners"], what="offline banner")
    kiosk.screenshot("11-offline")
    assert "连不上服务器" in st["banners"][0]
    kiosk.tap("take_number")  # the screen still answers during the outage
    kiosk.wait_screen("groups")
    kiosk.tap("general")
    st = kiosk.wait_screen("refused")
    assert "号码没有取到" in st["texts"]["notice"]
    assert waiting_tickets(live_hall) == []
    proxy.up()
    kiosk.wait_for(lambda s: s["online"] is True and not s["banners"], timeout=20, what="back online")
    kiosk.tap("back")
    take_general_number(kiosk)
    assert len(waiting_tickets(live_hall)) == 1


def test_slow_server_answer_tells_resident_to_ask_staff_and_never_issues_twice(
    live_hall, printer_sim, proxy, start_kiosk
):
    # The request and its one retry hang for read_timeout each: the "working" screen lasts about
    # 6 s, time enough for a state query to reach the kiosk process on a loaded box (with 1 s,
    # the 2 s it lasted could pass before the query was answered, failing a kiosk that works).
    kiosk = start_kiosk(proxy.url, live_hall.tokens["kiosk"], printer_sim.spec, read_timeout=3)
    kiosk.wait_screen("home", 30)
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    proxy.stall()  # the server still acts, but its answers are held back
    kiosk.tap("general")
    st = kiosk.wait_screen("working")  # the UI answers while the request hangs: not frozen
    st = kiosk.wait_screen("uncertain", 30)
    kiosk.screenshot("12-uncertain")
    assert "请不要再按" in st["texts"]["notice"]
    proxy.unstall()
    # committed once: the kiosk's one retry carried the same request id and got the same ticket back
    assert len(waiting_tickets(live_hall)) == 1
    assert st["issued_count"] == 0 and printer_sim.core.jobs == []


def test_idle_screen_returns_to_start_after_30_seconds(kiosk):
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.call("advance", seconds=20)
    assert kiosk.state()["screen"] == "groups"
    kiosk.call("advance", seconds=11)
    kiosk.wait_screen("home")


def test_queue_length_follows_server_events(kiosk, live_hall):
    for _ in range(3):
        live_hall.client("kiosk").post("/tickets", json={"matter_id": None}).raise_for_status()
    st = kiosk.wait_for(lambda s: s["texts"].get("waiting") == "当前排队 3 人", what="queue length 3")
    assert st["screen"] == "home"


def test_without_printer_preview_writes_slip_png(live_hall, start_kiosk, tmp_path):
    out = tmp_path / "slips"
    kiosk = start_kiosk(live_hall.base_url, live_hall.tokens["kiosk"], f"preview:{out}")
    kiosk.wait_screen("home", 30)
    take_general_number(kiosk)
    kiosk.wait_for(lambda s: s["print_state"] == "printed")
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 1
    from PIL import Image

    with Image.open(pngs[0]) as im:
        assert im.width >= 384 and im.height > 400
    import shutil

    shutil.copy(pngs[0], "/tmp/kiosk-screens/13-preview-slip.png")
