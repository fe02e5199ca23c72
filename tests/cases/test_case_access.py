"""A case's personal data stays with the window that opened it (首问负责);
supervisors and the case's department read the rest, and every read by staff is logged."""

from __future__ import annotations

import pytest

from .conftest import all_submitted, open_case


@pytest.fixture
def case_of_window_2(hall, matters) -> str:
    clerk = hall.client("clerk-2")
    case = open_case(clerk, matters["MZ003"], applicant_name="张三丰", phone="13912345678")
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "accept", "materials": all_submitted(matters["MZ003"]), "identity_checked": True},
    )
    assert r.status_code == 200, r.text
    return case["case_no"]


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("GET", "/cases/{no}", None),
        ("GET", "/cases/{no}/documents/acceptance.pdf", None),
        ("GET", "/cases/{no}/documents/acceptance.escpos", None),
        ("POST", "/cases/{no}/hand-over", {}),
        ("POST", "/cases/{no}/notify", None),
    ],
)
def test_clerk_of_another_window_neither_reads_nor_acts_on_the_case(hall, case_of_window_2, method, path, body):
    r = hall.client("clerk-1").request(method, path.format(no=case_of_window_2), json=body)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "case_other_window" and "2号窗口" in r.json()["error"]["message"]
    assert "张三丰" not in r.text and "13912345678" not in r.text
    # Nothing happened to the case.
    assert hall.client("clerk-2").get(f"/cases/{case_of_window_2}").json()["state"] == "accepted"


def test_clerk_cannot_escalate_another_windows_open_case(hall, matters):
    case = open_case(hall.client("clerk-2"), matters["MZ004"])
    r = hall.client("clerk-1").post(f"/cases/{case['case_no']}/outcome", json={"outcome": "escalate", "reasons": "x"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "case_other_window"


def test_clerk_lists_only_the_cases_of_the_own_window(hall, matters, case_of_window_2):
    own = open_case(hall.client("clerk-1"), matters["MZ004"])["case_no"]
    listed = [c["case_no"] for c in hall.client("clerk-1").get("/cases").json()["cases"]]
    assert listed == [own]
    other = hall.client("clerk-1").get("/cases", params={"window": 2})
    assert other.status_code == 403 and other.json()["error"]["code"] == "case_other_window"


@pytest.mark.parametrize("role,status", [("clerk-2", 200), ("supervisor", 200), ("admin", 200), ("backoffice", 200)])
def test_owner_window_supervisors_and_the_department_read_the_case(hall, case_of_window_2, role, status):
    r = hall.client(role).get(f"/cases/{case_of_window_2}")
    assert r.status_code == status and r.json()["applicant_name"] == "张三丰"
    assert r.headers["Cache-Control"] == "no-store"
    pdf = hall.client(role).get(f"/cases/{case_of_window_2}/documents/acceptance.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["backoffice-rs", "kiosk", "board", "pad-2"])
def test_other_departments_and_devices_do_not_read_the_case(hall, case_of_window_2, role):
    r = hall.client(role).get(f"/cases/{case_of_window_2}")
    assert r.status_code == 403 and "张三丰" not in r.text


def test_every_staff_read_is_logged_and_only_supervisors_list_the_log(hall, case_of_window_2):
    hall.client("clerk-2").get(f"/cases/{case_of_window_2}")
    hall.client("backoffice").get(f"/cases/{case_of_window_2}/documents/acceptance.pdf")
    hall.client("clerk-1").get(f"/cases/{case_of_window_2}")  # refused: nothing was read
    log = hall.client("supervisor").get("/cases/access-log", params={"case_no": case_of_window_2})
    assert log.status_code == 200
    entries = log.json()["entries"]
    assert [(e["actor"], e["role"], e["what"], e["window"]) for e in entries] == [
        ("民政办", "backoffice", "pdf:acceptance", None),
        ("test clerk 2", "clerk", "view", 2),
    ]
    assert entries[0]["at"].startswith("2026-11-26T10:00") and entries[0]["at"].endswith("+08:00")
    day = hall.client("admin").get("/cases/access-log", params={"date": "2026-11-26"}).json()["entries"]
    assert len(day) == 2
    assert hall.client("admin").get("/cases/access-log", params={"date": "2026-11-25"}).json()["entries"] == []


@pytest.mark.parametrize("role", ["clerk-2", "backoffice", "kiosk", "board", "pad-1"])
def test_access_log_is_refused_to_everyone_but_supervisors(hall, role):
    assert hall.client(role).get("/cases/access-log").status_code == 403


def test_access_log_rejects_a_bad_date_with_a_chinese_message(hall):
    r = hall.client("supervisor").get("/cases/access-log", params={"date": "26.11.2026"})
    message = r.json()["error"]["message"]
    assert r.status_code == 400 and "date" in message and "2026-11-26" in message  # the field and a valid example


def test_the_acceptance_notice_prints_the_query_code(hall, case_of_window_2, tmp_path):
    import subprocess

    code = hall.client("clerk-2").get(f"/cases/{case_of_window_2}").json()["query_code"]
    pdf = tmp_path / "acceptance.pdf"
    pdf.write_bytes(hall.client("clerk-2").get(f"/cases/{case_of_window_2}/documents/acceptance.pdf").content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "查询码" in text and code in text
