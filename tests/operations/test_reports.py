"""The monthly report (.xlsx read back, PDF rendered to PNG) and the daily closing summary."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

SHOTS = Path(os.environ.get("YICHUANG_SCREENSHOTS", "/tmp/operations_shots"))


@pytest.fixture(scope="module")
def history_hall(history_sqlite):
    return history_sqlite


@pytest.fixture(scope="module")
def sup(history_hall):
    return history_hall.client("supervisor")


FIELDS = ("issued", "served", "no_show", "wait_p50_s", "wait_p90_s", "handle_p50_s", "one_window_rate",
          "completion_rate", "overdue")  # fmt: skip


def minutes(seconds):
    return None if seconds is None else round(seconds / 60, 1)


def test_monthly_workbook_matches_the_api_figures_and_has_native_charts(sup):
    r = sup.get("/reports/monthly.xlsx", params={"month": "2026-10"})
    assert r.status_code == 200, r.text
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["概览", "按日", "按窗口", "按人员", "按事项"]
    for by, name in (("day", "按日"), ("window", "按窗口"), ("clerk", "按人员"), ("matter", "按事项")):
        # every cell of every sheet is the API's figure (durations in minutes with one decimal)
        api = sup.get("/stats", params={"from": "2026-10-01", "to": "2026-10-31", "by": by}).json()
        rows = [list(row) for row in wb[name].iter_rows(min_row=2, values_only=True)]
        assert rows == [
            [r["label"]] + [minutes(r[f]) if f.endswith("_s") else r[f] for f in FIELDS] for r in api["rows"]
        ]
    sheet = wb["按窗口"]
    assert [c.value for c in sheet[1]][4] == "等候P50（分钟）"
    assert len(wb["按日"]._charts) == 2 and len(sheet._charts) == 1
    cover = {row[0]: row[1] for row in wb["概览"].iter_rows(min_row=4, max_row=12, values_only=True)}
    assert cover["取号"] == api["total"]["issued"] == 120
    assert cover["一窗通办率"] == api["total"]["one_window_rate"]


def test_monthly_pdf_has_a_cover_and_tables(sup, tmp_path):
    r = sup.get("/reports/monthly.pdf", params={"month": "2026-09"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(r.content)
    # Pages rendered into this test's own folder: the shared screenshot folder keeps pages of
    # earlier runs (and of other runs at the same time), which would count here.
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "monthly")], check=True)
    pages = sorted(tmp_path.glob("monthly-*.png"))
    assert len(pages) >= 2
    keep_for_a_look(pages)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2026-09 运行月报" in text and "金寨县斑竹园镇便民服务中心" in text and "综合窗口2" in text


def test_daily_closing_summary_is_one_page(sup, tmp_path):
    r = sup.get("/reports/daily.pdf", params={"date": "2026-10-15"})
    assert r.status_code == 200, r.text
    pdf = tmp_path / "daily.pdf"  # not in the shared folder, where another run may be writing it
    pdf.write_bytes(r.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "daily")], check=True)
    keep_for_a_look([pdf, *tmp_path.glob("daily*.png")])


def keep_for_a_look(files) -> None:
    """Copy rendered pages to the screenshot folder for a human look (nothing is checked there)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, SHOTS / f.name)


@pytest.mark.parametrize(
    ("path", "params"), [("monthly.pdf", {"month": "2026-08"}), ("daily.pdf", {"date": "2026-08-14"})]
)
def test_a_report_of_a_period_without_tickets_says_so(sup, path, params, tmp_path):
    r = sup.get(f"/reports/{path}", params=params)
    assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "本期没有取号记录" in text


@pytest.mark.parametrize(
    ("month", "words"),
    [
        ("2027-01", "月份 month=2027-01 还没有开始"),
        ("2026-13", "请写成 YYYY-MM（"),
        ("last", "例如 2026-10；收到的是“last”"),
    ],
)
def test_a_bad_or_future_month_gets_a_chinese_400(sup, month, words):
    for kind in ("xlsx", "pdf"):
        r = sup.get(f"/reports/monthly.{kind}", params={"month": month})
        assert r.status_code == 400 and words in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 200), ("admin", 200), ("county", 200), ("clerk-1", 403), ("board", 403)]
)
def test_who_may_download_the_monthly_report(history_hall, role, status):
    assert history_hall.client(role).get("/reports/monthly.xlsx", params={"month": "2026-10"}).status_code == status


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("admin", 200), ("county", 403), ("kiosk", 403)])
def test_who_may_print_the_daily_summary(history_hall, role, status):
    assert history_hall.client(role).get("/reports/daily.pdf", params={"date": "2026-10-15"}).status_code == status


def test_monthly_report_flags_a_leader_below_the_half_day_minimum(history_hall, sup):
    assert sup.put("/duty-roster/2026-10-15/am", json={"staff_no": "BZY005", "title": "分管副镇长"}).status_code == 200
    assert sup.put("/duty-roster/2026-11-26/pm", json={"staff_no": "BZY006", "title": "镇长"}).status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(sup.get("/reports/monthly.xlsx", params={"month": "2026-10"}).content))
    rows = [r for r in wb["概览"].iter_rows(values_only=True) if r and r[0] and "（" in str(r[0])]
    assert ("刘芳（分管副镇长）", 1, None) in rows
    assert ("周德胜（镇长）", 0, "低于最低带班要求") in rows
