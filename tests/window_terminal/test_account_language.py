"""Each staff member chooses the language of their own staff pages; it is stored on their account,
so the next person on the same PC still gets Chinese, and public devices never follow it."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from hall_server.services.hall_setup import add_staff
from hall_server.storage.models import Staff

from .conftest import PASSWORD, SHOTS, _hashed, issue, login

PROJECTION_LINK_EN = "Today's projection"


def person(hall, staff_no: str, window: int | None = 1) -> httpx.Client:
    r = httpx.post(
        f"{hall.base_url}/api/v1/auth/login", json={"staff_no": staff_no, "password": PASSWORD, "window": window}
    )
    r.raise_for_status()
    client = httpx.Client(base_url=hall.base_url + "/api/v1", headers={"Authorization": f"Bearer {r.json()['token']}"})
    hall.clients.append(client)
    return client


def test_a_clerk_chooses_english_for_their_own_account_only(hall):
    chen, wang = person(hall, "BZY001", 1), person(hall, "BZY002", 2)
    assert chen.get("/auth/me").json()["language"] == "zh_CN"
    r = chen.put("/auth/me/language", json={"language": "en"})
    assert r.status_code == 200 and r.json()["language"] == "en"
    assert chen.get("/auth/me").json()["language"] == "en"
    assert wang.get("/auth/me").json()["language"] == "zh_CN"
    again = httpx.post(
        f"{hall.base_url}/api/v1/auth/login", json={"staff_no": "BZY001", "password": PASSWORD, "window": 1}
    )
    assert again.json()["language"] == "en"  # kept on the account, not on the token


def test_an_unknown_language_is_refused_in_chinese_naming_the_field(hall):
    r = person(hall, "BZY001").put("/auth/me/language", json={"language": "fr"}, headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 400
    assert "language" in r.json()["error"]["message"] or "语言" in r.json()["error"]["message"]


@pytest.mark.parametrize("device", ["kiosk", "board", "pad-1"])
def test_a_public_device_has_no_language_to_choose(hall, device):
    r = hall.client(device).put("/auth/me/language", json={"language": "en"})
    assert r.status_code == 403
    assert hall.client(device).get("/auth/me").json().get("language") is None


def test_a_device_token_of_the_back_office_is_told_to_sign_in_as_a_person(hall):
    hall.tokens["backoffice"] = hall.server.tokens.create(hall.hall_id, "backoffice", label="民政办")
    r = hall.client("backoffice").put("/auth/me/language", json={"language": "en"})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "设备令牌没有个人界面语言；请用工作人员账号登录后再选择。"


def sign_out(page) -> None:
    page.click("#sign-out")
    page.click("#dialog-ok")


def test_a_clerk_who_chose_english_sees_english_and_the_next_clerk_on_the_pc_stays_chinese(hall, device):
    issue(hall, 3)
    page = device(width=1366, height=768)  # a Chinese browser
    login(page, hall, 1, "BZY001")
    expect(page.locator("#sign-out")).to_have_text("签退")
    page.click("#language")
    expect(page.locator("#sign-out")).to_have_text("Sign out")
    expect(page.locator("#act-call-next")).to_contain_text("Call next")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("#open-case")  # the case panel beside it follows the account too
    expect(page.frame_locator("#case-frame").locator("#start h2")).to_have_text("New case")
    page.screenshot(path=str(SHOTS / "terminal-account-english.png"))
    sign_out(page)
    expect(page.locator("#login-title")).to_have_text("工作人员登录")

    login(page, hall, 1, "BZY002")  # a colleague on the same PC
    expect(page.locator("#signin-title")).to_have_text("签到上岗（AB岗）")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.click("#signin-logout")
    expect(page.locator("#login-title")).to_have_text("工作人员登录")

    login(page, hall, 1, "BZY001")  # back the next day: still English, straight after log-in
    expect(page.locator("#signin-title")).to_have_text("Take the post (A/B)")


def test_the_supervisor_page_follows_the_supervisors_choice_in_a_chinese_browser(hall, device):
    boss = person(hall, "BZY900", None)
    boss.put("/auth/me/language", json={"language": "en"}).raise_for_status()
    page = device(width=1366, height=768)
    page.goto(f"{hall.base_url}/supervisor")
    expect(page.locator("#login-title")).to_have_text("值班负责人登录")
    page.fill("#staff-no", "BZY900")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#logout")).to_have_text("Log out")
    expect(page.locator("#window-1 .wstate")).to_have_text("Serving")
    expect(page.locator("#sv-links a").first).to_have_text(PROJECTION_LINK_EN)
    page.click("#language")
    expect(page.locator("#logout")).to_have_text("退出登录")
    assert boss.get("/auth/me").json()["language"] == "zh_CN"


def test_public_pages_stay_chinese_when_a_clerk_chose_english(hall, device):
    person(hall, "BZY001").put("/auth/me/language", json={"language": "en"}).raise_for_status()
    page = device(width=1280, height=800)
    page.goto(f"{hall.base_url}/pad/1?token={hall.tokens['pad-1']}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.wait_for_function("() => document.body.innerText.trim().length > 0")
    assert "Window" not in page.inner_text("body")


def test_back_office_and_statistics_pages_follow_the_person_who_opens_them(hall, device):
    add_staff(hall.server.services, hall.hall_id, "BZY700", "周敏", role="backoffice")
    with hall.server.db.write() as conn:
        conn.execute(update(Staff).where(Staff.staff_no == "BZY700").values(password_hash=_hashed()))
    clerk_of_back_office, boss = person(hall, "BZY700", None), person(hall, "BZY900", None)
    clerk_of_back_office.put("/auth/me/language", json={"language": "en"}).raise_for_status()
    token = clerk_of_back_office.headers["Authorization"].removeprefix("Bearer ")
    page = device(width=1366, height=768)
    page.goto(f"{hall.base_url}/cases-ui/backoffice?token={token}")
    expect(page.locator("h1")).to_have_text("Department in-tray")
    boss_token = boss.headers["Authorization"].removeprefix("Bearer ")
    page.goto(f"{hall.base_url}/supervisor/stats?token={boss_token}")
    expect(page.locator("#title")).to_have_text("统计分析")  # the supervisor kept Chinese
    boss.put("/auth/me/language", json={"language": "en"}).raise_for_status()
    page.goto(f"{hall.base_url}/supervisor/stats?token={boss_token}")
    expect(page.locator("#title")).to_have_text("Statistics")


def test_the_projection_calendar_and_duty_pages_follow_the_supervisors_choice(hall, device):
    boss = person(hall, "BZY900", None)
    token = boss.headers["Authorization"].removeprefix("Bearer ")
    page = device(width=1366, height=768)
    page.add_init_script(f"localStorage.setItem('yc.supervisor.token', {token!r})")
    pages = {"/supervisor/projection": "#title", "/supervisor/calendar": "#title", "/supervisor/duty": "#title"}
    for path, title in pages.items():  # Chinese until the supervisor chooses otherwise
        page.goto(hall.base_url + path)
        page.wait_for_function("() => document.getElementById('title').textContent.trim().length > 0")
        assert not page.inner_text(title).isascii(), path
    boss.put("/auth/me/language", json={"language": "en"}).raise_for_status()
    for path, title in pages.items():
        page.goto(hall.base_url + path)
        page.wait_for_function("() => /^[A-Z]/.test(document.getElementById('title').textContent.trim())")
        assert page.inner_text(title).split()[0] in ("Today's", "Holidays", "Hall"), path
