"""Log-in with staff number and password; a clerk's token acts only on its own window."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from .conftest import PASSWORD, login


def _login(hall, staff_no, password, window=None):
    return httpx.post(
        hall.base_url + "/api/v1/auth/login",
        json={"staff_no": staff_no, "password": password, "window": window},
        timeout=10,
    )


def test_wrong_password_is_refused_with_a_chinese_message(hall, device):
    page = device()
    login(page, hall, 1, "BZY001", password="not-the-password")
    expect(page.locator("#toast")).to_have_text("工号或密码不正确，请重新输入。")
    expect(page.locator("#desk")).to_be_hidden()


def test_clerk_logged_in_at_window_1_cannot_act_on_window_2(hall):
    r = _login(hall, "BZY001", PASSWORD, 1)
    assert r.status_code == 200 and r.json()["role"] == "clerk" and r.json()["window"] == 1
    token = r.json()["token"]
    refused = httpx.post(
        hall.base_url + "/api/v1/windows/2/call-next", timeout=10, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "您登录的是1号窗口，不能操作2号窗口。"


def test_repeated_wrong_passwords_make_the_next_try_wait(hall):
    for _ in range(5):
        assert _login(hall, "BZY002", "guess-guess", 2).status_code == 401
    r = _login(hall, "BZY002", PASSWORD, 2)  # even the right password waits now (from this address)
    assert r.status_code == 429 and r.json()["error"]["code"] == "login_throttled"
    assert r.json()["error"]["details"]["retry_after_seconds"] > 0
    hall.clock.advance(minutes=16)
    assert _login(hall, "BZY002", PASSWORD, 2).status_code == 200


def test_logout_revokes_the_person_token(hall):
    token = _login(hall, "BZY003", PASSWORD, 3).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.post(hall.base_url + "/api/v1/auth/logout", headers=auth, timeout=10).status_code == 200
    assert httpx.get(hall.base_url + "/api/v1/auth/me", headers=auth, timeout=10).status_code == 401


def test_supervisor_account_gets_a_token_for_every_window(hall):
    r = _login(hall, "BZY900", PASSWORD)
    assert r.status_code == 200 and r.json()["role"] == "supervisor" and r.json()["window"] is None
