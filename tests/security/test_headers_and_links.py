"""Security headers on every response, no-store on personal data, no inline
script (each page still works in Chromium under the CSP), tokens out of the address bar, device
pages that adopt only their own kind of token, and short-lived signed links for case PDFs."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from yichuang.web_mounts import mount_pages  # noqa: F401  (the pages are mounted by live_hall)

PAGES = [
    ("/window/1", 1366, 768),
    ("/supervisor", 1366, 768),
    ("/pad/1", 1280, 800),
    ("/board", 1920, 1080),
    ("/cases-ui/window/1", 1366, 768),
    ("/cases-ui/backoffice", 1366, 768),
    ("/cases-ui/dashboard", 1366, 768),
    ("/cases-ui/progress", 390, 844),
    ("/admin/matters", 1366, 768),
]


def accepted_case(hall) -> dict:
    clerk = hall.client("clerk-1")
    matter = {m["code"]: m for m in clerk.get("/matters").json()["matters"]}["MZ003"]
    case = clerk.post("/cases", json={"matter_id": matter["id"], "applicant_name": "张三丰"}).json()
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "accept",
            "identity_checked": True,
            "materials": [{"name": m["name"], "status": "submitted"} for m in matter["materials"]],
        },
    )
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("path", [p for p, _, _ in PAGES] + ["/api/v1/health", "/api/v1/windows", "/api/v1/nope"])
def test_every_page_and_api_answer_carries_the_security_headers_and_no_store(live_hall, path):
    r = httpx.get(live_hall.base_url + path, headers={"Authorization": f"Bearer {live_hall.tokens['supervisor']}"})
    csp = r.headers["Content-Security-Policy"]
    # The case panel is framed by the window terminal (same origin); nothing else may be framed.
    framing = "frame-ancestors 'self'" if path == "/cases-ui/window/1" else "frame-ancestors 'none'"
    assert "script-src 'self'" in csp and framing in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["Cache-Control"] == "no-store"


def test_case_answers_with_personal_data_are_not_stored_but_static_files_may_be(live_hall):
    no = accepted_case(live_hall)["case_no"]
    r = live_hall.client("clerk-1").get(f"/cases/{no}")
    assert "张三丰" in r.text and r.headers["Cache-Control"] == "no-store"
    static = httpx.get(live_hall.base_url + "/static/toolkit/vendor/echarts/echarts.min.js")
    assert static.status_code == 200 and static.headers.get("Cache-Control") != "no-store"


@pytest.mark.parametrize("path", [p for p, _, _ in PAGES])
def test_no_page_has_inline_script(live_hall, path):
    html = httpx.get(live_hall.base_url + path).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> would be blocked by the CSP"
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handler would be blocked by the CSP"


@pytest.mark.parametrize("path,width,height", PAGES)
def test_each_page_loads_in_chromium_without_csp_violations(live_hall, device, path, width, height):
    page = device(width, height)
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(f"{live_hall.base_url}{path}?token={live_hall.tokens['supervisor']}")
    page.wait_for_load_state("networkidle")
    slug = path.strip("/").replace("/", "-")
    page.screenshot(path=f"/tmp/yichuang-csp-{slug}.png")
    assert violations == []
    if path != "/board":  # the TV's board token is in its address by design (a public device token)
        assert "token=" not in page.url  # staff pages take it out of the address bar on load


def test_the_case_panel_takes_the_token_out_of_the_address_bar_and_keeps_working(live_hall, device):
    page = device(1366, 768)
    page.goto(f"{live_hall.base_url}/cases-ui/window/1?token={live_hall.tokens['clerk-1']}&lang=zh-CN")
    page.locator("#title").filter(has_text="1号窗口").wait_for()
    assert page.url.endswith("/cases-ui/window/1?lang=zh-CN")
    page.reload()  # the token is kept for the tab
    page.locator("#title").filter(has_text="1号窗口").wait_for()
    expect(page.locator("#error")).to_have_text("")


@pytest.mark.parametrize(
    "path,role,kept",
    [
        ("/pad/2", "pad-2", True),
        ("/pad/2", "pad-1", False),  # another window's pad
        ("/pad/2", "clerk-2", False),  # a clerk's token planted in the pad's address
        ("/supervisor", "supervisor", True),
        ("/supervisor", "kiosk", False),
    ],
)
def test_device_pages_adopt_only_their_own_kind_of_token(live_hall, device, path, role, kept):
    page = device(1280, 800)
    page.goto(f"{live_hall.base_url}{path}?token={live_hall.tokens[role]}")
    page.wait_for_load_state("networkidle")
    key = "yc.pad.2.token" if path.startswith("/pad") else "yc.supervisor.token"
    page.wait_for_function("() => !location.search.includes('token=')")
    stored = page.evaluate(f"localStorage.getItem('{key}')")
    assert stored == (live_hall.tokens[role] if kept else None)


def test_a_signed_pdf_link_works_without_a_token_for_five_minutes_and_that_document_only(live_hall):
    no = accepted_case(live_hall)["case_no"]
    link = live_hall.client("clerk-1").get(f"/cases/{no}/documents/acceptance/link")
    assert link.status_code == 200
    url = link.json()["url"]
    assert url.startswith(f"/api/v1/cases/{no}/documents/acceptance.pdf?link=") and "yc_" not in url
    pdf = httpx.get(live_hall.base_url + url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = httpx.get(live_hall.base_url + url.replace("acceptance.pdf", "rejection.pdf"))
    assert other.status_code == 401
    forged = httpx.get(live_hall.base_url + url[:-4] + "0000")
    assert forged.status_code == 401
    live_hall.clock.advance(seconds=301)
    expired = httpx.get(live_hall.base_url + url)
    assert expired.status_code == 401 and "过期" in expired.json()["error"]["message"]


def test_another_windows_clerk_gets_no_link(live_hall):
    no = accepted_case(live_hall)["case_no"]
    assert live_hall.client("clerk-2").get(f"/cases/{no}/documents/acceptance/link").status_code == 403


def test_a_logged_out_persons_links_stop_working(live_hall):
    from hall_server.services.hall_setup import DEMO_STAFF

    no = accepted_case(live_hall)["case_no"]
    live_hall.server.accounts.set_password(live_hall.hall_id, DEMO_STAFF[0][0], "chenxiaomei-2026")
    login = httpx.post(
        live_hall.base_url + "/api/v1/auth/login",
        json={"staff_no": DEMO_STAFF[0][0], "password": "chenxiaomei-2026", "window": 1},
    ).json()
    auth = {"Authorization": f"Bearer {login['token']}"}
    url = httpx.get(f"{live_hall.base_url}/api/v1/cases/{no}/documents/acceptance/link", headers=auth).json()["url"]
    assert httpx.get(live_hall.base_url + url).status_code == 200
    httpx.post(live_hall.base_url + "/api/v1/auth/logout", headers=auth)
    assert httpx.get(live_hall.base_url + url).status_code == 401


@pytest.mark.parametrize(
    "role,status",
    [("clerk-1", 200), ("supervisor", 200), ("admin", 200), ("kiosk", 403), ("board", 403), ("pad-1", 403)],
)
def test_pdf_links_are_made_for_case_readers_only(live_hall, role, status):
    no = accepted_case(live_hall)["case_no"]
    assert live_hall.client(role).get(f"/cases/{no}/documents/acceptance/link").status_code == status
