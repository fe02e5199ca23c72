"""How a resident finds a matter on the real kiosk (Kivy offscreen, live hall): the hall's 常办事项
first, then by department or by typing pinyin initials on the on-screen keyboard."""

from __future__ import annotations


def matters_shown(state: dict) -> list[str]:
    return [text for kid, text in state["texts"].items() if kid.startswith("matter-")]


def test_take_number_opens_the_halls_frequent_matters_first(kiosk, live_hall):
    kiosk.tap("take_number")
    st = kiosk.wait_screen("groups")
    catalog = live_hall.client("kiosk").get("/matters").json()["matters"]
    frequent = [m["name"] for m in catalog if m["class"] == "高频"][:12]
    shown = [t.replace("\n", "") for t in matters_shown(st)]
    # The kiosk fixture's 1280×1024 screen has room for eight at large type; wider screens show twelve.
    assert len(shown) == 8 and sorted(shown) == sorted(frequent[:8])
    assert "临时救助申请" in frequent and "特困人员救助供养申请" not in frequent  # 低频 waits behind 按部门查找
    assert st["texts"]["title"] == "常办事项：请点击您要办理的事项"


def test_a_frequent_matter_is_one_tap_from_its_ticket(kiosk, live_hall):
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("matter-3")  # 临时救助申请
    st = kiosk.wait_for(lambda s: s["screen"] == "ticket")
    assert st["ticket"]["matter_name"] == "临时救助申请"


def test_pinyin_initials_find_medical_insurance_and_issue_its_ticket(kiosk, live_hall):
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("search")
    st = kiosk.wait_screen("search")
    assert "YLBX" in st["texts"]["search_hint"]
    for letter in "YLBX":
        kiosk.tap(f"letter-{letter}")
    st = kiosk.wait_for(lambda s: s["texts"].get("search_entry") == "YLBX", what="YLBX typed")
    kiosk.screenshot("31-search-ylbx")
    found = {kid: text.replace("\n", "") for kid, text in st["texts"].items() if kid.startswith("matter-")}
    assert "城乡居民基本医疗保险参保登记" in found.values()
    assert all(("医疗保险" in name or "养老保险" in name) for name in found.values())  # Y-L: 医疗 and 养老
    kid = next(k for k, name in found.items() if name == "城乡居民基本医疗保险参保登记")
    kiosk.tap(kid)
    st = kiosk.wait_for(lambda s: s["screen"] == "ticket")
    assert st["ticket"]["matter_name"] == "城乡居民基本医疗保险参保登记"


def test_initials_that_match_nothing_say_what_to_do_instead(kiosk):
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("search")
    kiosk.wait_screen("search")
    for letter in "QQQ":
        kiosk.tap(f"letter-{letter}")
    st = kiosk.wait_for(lambda s: s["texts"].get("search_entry") == "QQQ")
    assert matters_shown(st) == []
    assert "没有找到" in st["texts"]["search_note"] and "按部门查找" in st["texts"]["search_note"]
    kiosk.tap("search-del")
    st = kiosk.wait_for(lambda s: s["texts"].get("search_entry") == "QQ")
    kiosk.tap("back")
    kiosk.wait_screen("groups")


def test_by_department_lists_that_departments_matters(kiosk):
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("departments")
    st = kiosk.wait_screen("departments")
    assert st["texts"]["group-medical_insurance"] == "医保工作站"
    kiosk.tap("group-medical_insurance")
    st = kiosk.wait_screen("matters")
    names = [t.replace("\n", "") for t in matters_shown(st)]
    assert "城乡居民基本医疗保险参保登记" in names and "门诊慢特病待遇认定" in names
    assert all(m in names for m in ("异地就医备案", "医疗救助申请")) and "社会保障卡申领" not in names
    kiosk.tap("back")
    kiosk.wait_screen("departments")
