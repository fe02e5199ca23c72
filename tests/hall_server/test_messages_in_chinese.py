"""What reaches a Chinese user is Chinese: no English words, codes or Python values in the message
templates residents and staff read, nor in the API's errors once their fields are filled in."""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from hall_server.core.clock import CHINA
from hall_server.services.access import ROLES
from yichuang.install import BRIDGES
from yichuang.install import ROLES as INSTALL_ROLES

ZH = Path(__file__).resolve().parents[2] / "hall_common" / "messages" / "zh_CN"
# Codes and abbreviations a Chinese reader knows as they are.
ALLOWED_WORDS = {"PDF", "QR", "ID", "A4", "PNG", "JPEG", "KB", "MB", "SMS", "Excel", "AB", "Enter"}
# Read by the installer or an integrator on a console or in the API docs, where commands, options
# and field names are what they must type: not scanned.
# json_types: JSON's own words (true, false, null) a caller of the API must send.
OPERATOR_AREAS = {
    "json_types",
    "cli",
    "cli_help",
    "install",
    "config",
    "announcer",
    "serial",
    "printer",
    "catalog_io",
    "calendar",
    "sim",
}
OPERATOR_KEYS = {
    "board.missing_token",
    "board.bad_layout",
    "board.bad_windows",
    "catalog_admin.body_not_object",
    "catalog_admin.ui_no_token",
    "kiosk.admin_bad_token",
    "kiosk.admin_forbidden",
    "kiosk.font_missing",
    "kiosk.font_not_cjk",
    "kiosk.config_bad_toml",
    "kiosk.expected_url",
    "kiosk.expected_bool",
    "kiosk.expected_locale",
    "kiosk.expected_table",
    "kiosk.kivy_missing",
    "kiosk.search_hint",
    "server.unauthorized",
    "server.invalid_token",
    "server.window_required_for_role",
    "server.invalid_override_kind",
    "server.invalid_datetime",
    "server.invalid_event_cursor",
    "server.body_not_json",
    "server.body_not_object",
    "server.field_invalid",
    "server.body_too_deep",
    "server.too_many_streams",
    "server.too_many_streams_token",
    "server.id_secret_missing",
    "server.backup_unreadable",
    "server.backup_needs_file_database",
    "server.backup_tool_missing",
    "server.server_running",
    "server.device_name_not_allowed",
    # Read by the administrator: the server's options, commands and files to type, and the API's body.
    "server.id_secret_lost",
    "server.too_many_requests_address",
    "server.too_many_streams_address",
    "server.ticket_body_required",
    "terminal.bridge_running",
    "documents.signature_line",
    # API refusals that name the request's own parameters and values (what the caller must type):
    "operations.stats_bad_date",
    "operations.stats_bad_month",
    "operations.stats_range_reversed",
    "operations.stats_in_future",
    "operations.stats_range_too_long",
    "operations.stats_unknown_by",
    "operations.stats_unknown_hall",
    "operations.stats_other_hall",
    "operations.report_month_future",
    "ratings.figures_order",
    "ratings.figures_by",
    "operations.ui_need_token",
    "operations.duty_bad_half",
    "operations.duty_leader_required",
    "operations.duty_title_required",
    "ratings.invalid_state",
    "ratings.feedback_required",
    "ratings.appeal_kind",
    "ratings.figures_period",
    "server.booking_channel_needs_staff",
    # The language button names the language one switches to in that language itself ("English"
    # for whoever wants English), as every language chooser does.
    "toolkit.language_en",
}
# The written form of a date the caller must type (YYYY-MM-DD, YYYY-MM, YYYY-MM-DDTHH:MM) is shown
# as it is, like the example beside it.
DATE_FORMS = re.compile(r"YYYY-MM(?:-DD(?:THH:MM)?)?")
# Command-line help is read by the installer, who types what it names: a token with an option's
# dash, a path's slash or dot, a colon, $, =, _, a digit, brackets or quotes (--data, /dev/ttyUSB0,
# .xlsx, http://…, zh_CN, [kiosk], "off") or in capitals (TOML, FULL, OUT_DIR) is such a literal,
# and so are the program, its commands, the role names and the programs it works with. The
# Chinese around them is still scanned: an English sentence there fails.
CLI_LITERAL = re.compile(
    r"[^\s\u3000-\u9fff\uff00-\uffef]*[-/.:$=_0-9\[\]\"“”][^\s\u3000-\u9fff\uff00-\uffef]*|\b[A-Z]{2,}\b"
)
CLI_WORDS = (
    set(ROLES)
    | set(INSTALL_ROLES)
    | set(BRIDGES)
    | {"yichuang", "backup", "token", "create", "PostgreSQL", "SQLite", "pyserial", "cron", "en"}
    | {"install", "root", "sudo", "chmod", "systemd", "journald", "journalctl", "Chromium"}
)
PYTHON_REPRS = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|'\}|<[a-z_.]+ object")


def foreign_words(text: str) -> list[str]:
    """ASCII words in a Chinese text that are not allowed codes (A001-like numbers are fine)."""
    text = DATE_FORMS.sub("", re.sub(r"_{3,}", "", text))  # ____ is a line to write on
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)
    return [w for w in words if w not in ALLOWED_WORDS and not re.fullmatch(r"[A-Z]\d*", w)]


def templates():
    for path in sorted(ZH.glob("*.toml")):
        if path.stem in OPERATOR_AREAS:
            continue
        for key, text in tomllib.loads(path.read_text("utf-8")).items():
            if f"{path.stem}.{key}" not in OPERATOR_KEYS:
                yield f"{path.stem}.{key}", text


def test_message_templates_for_residents_and_staff_have_no_english_words():
    leaks = {key: foreign_words(re.sub(r"\{\w+\}", "", text)) for key, text in templates()}
    assert {k: v for k, v in leaks.items() if v} == {}


def cli_leaks(text: str) -> list[str]:
    return [w for w in foreign_words(CLI_LITERAL.sub("", re.sub(r"\{\w+\}", "", text))) if w not in CLI_WORDS]


@pytest.mark.parametrize("area", ["cli_help", "install"])
def test_command_line_help_is_chinese_around_the_literals_the_installer_types(area):
    texts = tomllib.loads((ZH / f"{area}.toml").read_text("utf-8"))
    assert {k: v for k, v in ((k, cli_leaks(t)) for k, t in texts.items()) if v} == {}


@pytest.mark.parametrize(
    "text",
    ["Number of worker processes (use PostgreSQL for more than 1)", "进程数（Use PostgreSQL when more than one）"],
)
def test_an_english_sentence_in_the_command_line_help_is_caught(text):
    assert cli_leaks(text)


def assert_chinese(response, status: int) -> str:
    assert response.status_code == status, response.text
    text = response.json()["error"]["message"]
    assert foreign_words(text) == [] and not PYTHON_REPRS.search(text), text
    return text


def accepted_case(hall) -> str:
    clerk = hall.client("clerk-1")
    matter = {m["code"]: m for m in clerk.get("/matters").json()["matters"]}["MZ003"]
    case = clerk.post("/cases", json={"matter_id": matter["id"], "applicant_name": "张三丰"}).json()
    clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "accept",
            "identity_checked": True,
            "materials": [{"name": m["name"], "status": "submitted"} for m in matter["materials"]],
        },
    )
    return case["case_no"]


def test_a_document_not_issued_is_named_in_chinese(live_hall):
    no = accepted_case(live_hall)
    clerk = live_hall.client("clerk-1")
    url = clerk.get(f"/cases/{no}/documents/rejection/link").json()["url"]
    r = clerk.get(url.removeprefix("/api/v1"))
    assert "不予受理通知书" in assert_chinese(r, 404)


def test_a_case_step_in_the_wrong_state_names_state_and_step_in_chinese(live_hall):
    no = accepted_case(live_hall)
    r = live_hall.client("clerk-1").post(f"/cases/{no}/return", json={})
    text = assert_chinese(r, 409)
    assert "已受理" in text


def test_a_ticket_step_in_the_wrong_state_names_state_and_step_in_chinese(live_hall):
    ticket = live_hall.client("kiosk").post("/tickets", json={}).json()
    sup = live_hall.client("supervisor")
    assert sup.post(f"/tickets/{ticket['id']}/cancel", json={"reason": "重复取号"}).status_code == 200
    text = assert_chinese(sup.post(f"/tickets/{ticket['id']}/cancel", json={"reason": "重复取号"}), 409)
    assert "已作废" in text and "作废" in text


def test_a_repeat_check_in_by_id_says_it_was_already_checked_in(live_hall):
    id_number = "34152219800101000X"
    body = {"matter_id": 1, "resident_name": "张小三", "slot_start": "2026-11-26T10:30", "id_number": id_number}
    assert live_hall.client("supervisor").post("/appointments", json=body).status_code == 201
    live_hall.clock.set(datetime(2026, 11, 26, 10, 20, tzinfo=CHINA))
    kiosk = live_hall.client("kiosk")
    assert kiosk.post("/tickets", json={"id_number": id_number}).status_code == 201
    text = assert_chinese(kiosk.post("/tickets", json={"id_number": id_number}), 409)
    assert "已经签到" in text


@pytest.mark.parametrize("cell", [None, ""])
def test_an_empty_number_cell_in_the_catalog_says_empty_not_none(cell):
    from hall_server.catalog_io.workbook import _Row

    errors = []
    row = _Row("事项", 3, {"promised_days": cell}, [("承诺时限（工作日）", "promised_days")], errors)
    row.integer("promised_days", 0, 365)
    assert [e.text for e in errors] == ["未填写：须为 0 到 365 之间的整数"]
