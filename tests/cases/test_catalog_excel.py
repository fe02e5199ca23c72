"""The matter catalog as Excel: round trip, and bad files refused whole with a per-row report."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from hall_server.catalog_io import CatalogImportError, export_workbook, read_workbook
from hall_server.core.catalog import default_catalog


def test_the_default_catalog_survives_an_excel_round_trip(hall):
    data = export_workbook(hall.server.catalog.entries(hall.hall_id))
    entries = read_workbook(data)
    assert [e.matter for e in entries] == default_catalog()
    assert all(e.active for e in entries)


def edited(data: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_edited_promised_time_reaches_the_window_after_import(hall):
    data = export_workbook(hall.server.catalog.entries(hall.hall_id))
    new = edited(data, lambda wb: wb["事项"].cell(row=2, column=7, value=15))  # MZ001: 20 → 15 days
    counts = hall.server.catalog.apply(hall.hall_id, read_workbook(new))
    assert counts == {"added": 0, "updated": 44, "deactivated": 0}
    matters = {m["code"]: m for m in hall.client("clerk-1").get("/matters").json()["matters"]}
    assert matters["MZ001"]["promised_days"] == 15


def test_a_file_with_wrong_columns_is_refused_naming_them(hall):
    data = export_workbook(hall.server.catalog.entries(hall.hall_id))
    bad = edited(data, lambda wb: wb["事项"].cell(row=1, column=3, value="部门"))
    with pytest.raises(CatalogImportError) as err:
        read_workbook(bad)
    [error] = err.value.errors
    assert "缺少列：承办部门" in str(error) and "多余列：部门" in str(error)


def test_duplicate_and_bad_rows_are_all_reported_and_nothing_is_imported(hall, tmp_path):
    data = export_workbook(hall.server.catalog.entries(hall.hall_id))

    def break_rows(wb):
        ws = wb["事项"]
        ws.append([c.value for c in ws[2]])  # MZ001 again, as row 46
        ws.cell(row=5, column=6, value="马上办")  # not 即办/承诺
        ws.cell(row=6, column=7, value="五天")  # not a number

    path = tmp_path / "bad.xlsx"
    path.write_bytes(edited(data, break_rows))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    db = hall.server.db.url.removeprefix("sqlite:///")
    run = subprocess.run(
        [sys.executable, "-m", "yichuang.cli", "catalog", "import", str(path), "--database-url", f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "导入失败，共 3 处错误" in run.stderr
    assert "第46行 事项编码：事项编码 MZ001 重复（第2行已出现）" in run.stderr
    assert "第5行 办件类型：“马上办”无效" in run.stderr
    assert "第6行 承诺时限（工作日）：“五天”不是" in run.stderr
    # Nothing half-written: the catalog is exactly as before.
    assert [e.matter for e in hall.server.catalog.entries(hall.hall_id)] == default_catalog()


def test_a_file_that_is_not_excel_gets_a_clear_message(tmp_path):
    path = tmp_path / "catalog.xlsx"
    path.write_text("code,name\n")
    with pytest.raises(CatalogImportError) as err:
        read_workbook(path)
    assert "无法读取 Excel 文件" in str(err.value)
