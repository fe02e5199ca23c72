"""Editing the matter catalog over HTTP: /api/v1/catalog/matters."""

from __future__ import annotations

from .conftest import public_matter, stored_matter


def edit(admin, code: str, **changes):
    body = {k: v for k, v in stored_matter(admin, code).items() if k not in ("id", "code")}
    return admin.put(f"/catalog/matters/{code}", json={**body, **changes})


def test_an_admin_edits_promised_days_and_the_kiosk_catalog_shows_them(live_hall, admin):
    before = public_matter(live_hall, "MZ001")
    assert before["promised_days"] != 12
    r = edit(admin, "MZ001", promised_days=12)
    assert r.status_code == 200, r.text
    after = public_matter(live_hall, "MZ001")
    assert after["promised_days"] == 12
    assert after["materials"] == before["materials"] and after["name"] == before["name"]


def test_promised_days_above_the_legal_limit_are_refused_in_chinese_and_nothing_changes(live_hall, admin):
    before = stored_matter(admin, "MZ001")
    r = edit(admin, "MZ001", promised_days=before["legal_days"] + 1, name="改过的名称")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["details"]["field"] == "promised_days"
    assert "承诺时限" in error["message"] and f"法定时限（{before['legal_days']} 个工作日）" in error["message"]
    assert stored_matter(admin, "MZ001") == before


def test_every_bad_field_is_named_including_materials(admin):
    r = edit(admin, "MZ001", ticket_prefix="ab", kind="马上办", materials=[{"name": "", "copies": "三"}])
    assert r.status_code == 400
    fields = {e["field"]: e for e in r.json()["error"]["details"]["errors"]}
    assert set(fields) == {"ticket_prefix", "kind", "materials[0].name", "materials[0].copies"}
    assert fields["materials[0].name"]["label"] == "第1项材料的材料名称"
    assert "号票字母须为一个大写英文字母" in fields["ticket_prefix"]["message"]


def test_a_forwarded_matter_needs_the_office_it_goes_to(admin):
    r = edit(admin, "MZ001", **{"class": "转报", "forward_to": ""})
    assert r.status_code == 400 and r.json()["error"]["details"]["field"] == "forward_to"
    assert "转报单位" in r.json()["error"]["message"]


def test_a_kiosk_or_supervisor_token_cannot_edit_but_a_supervisor_may_read(live_hall, admin):
    body = {k: v for k, v in stored_matter(admin, "MZ001").items() if k not in ("id", "code")}
    for role in ("kiosk", "supervisor"):
        r = live_hall.client(role).put("/catalog/matters/MZ001", json={**body, "promised_days": 3})
        assert r.status_code == 403, role
    assert live_hall.client("kiosk").get("/catalog/matters").status_code == 403
    read = live_hall.client("supervisor").get("/catalog/matters").json()
    assert read["editable"] is False and stored_matter(admin, "MZ001")["promised_days"] != 3


def test_deactivating_hides_the_matter_from_the_kiosk_but_keeps_it_for_the_admin(live_hall, admin):
    assert public_matter(live_hall, "MZ001") is not None
    assert edit(admin, "MZ001", active=False).status_code == 200
    assert public_matter(live_hall, "MZ001") is None
    assert stored_matter(admin, "MZ001")["active"] is False
    matter_id = stored_matter(admin, "MZ001")["id"]
    r = live_hall.client("kiosk").post("/tickets", json={"matter_id": matter_id})
    assert r.status_code == 404
    assert edit(admin, "MZ001", active=True).status_code == 200
    assert public_matter(live_hall, "MZ001")["id"] == matter_id


def test_a_new_matter_is_added_at_the_end_with_its_materials(live_hall, admin):
    body = {
        "name": "测试新事项",
        "department": "民政办",
        "domain": "civil_affairs",
        "class": "低频",
        "kind": "即办",
        "promised_days": 0,
        "legal_days": 0,
        "ticket_prefix": "A",
        "handling_minutes": 15,
        "keywords": ["测试", "新增"],
        "materials": [{"name": "居民身份证", "requirement": "原件", "original": True, "copies": 0}],
    }
    r = admin.put("/catalog/matters/MZ900", json=body)
    assert r.status_code == 201, r.text
    shown = public_matter(live_hall, "MZ900")
    assert shown["keywords"] == ["测试", "新增"] and shown["materials"][0]["requirement"] == "原件"
    assert live_hall.client("kiosk").get("/matters").json()["matters"][-1]["code"] == "MZ900"


def test_a_matter_code_that_is_not_letters_and_digits_is_refused(admin):
    r = admin.put("/catalog/matters/-", json={"name": "x"})
    assert r.status_code == 400 and r.json()["error"]["details"]["field"] == "code"
    assert "事项编码" in r.json()["error"]["message"]
