"""Reading and writing the catalog workbook: sheet 事项 (one row per matter) and sheet 材料
(one row per material, joined by 事项编码). Headers are Chinese, fixed, and checked exactly:
a file with a wrong column is refused before any row is read."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from hall_common.i18n import message

from ..core.catalog import CLASSES, DOMAINS, KINDS, CatalogEntry, Material, Matter

MATTER_SHEET, MATERIAL_SHEET = "事项", "材料"
# (header, field) in column order.
MATTER_COLUMNS = (
    ("事项编码", "code"),
    ("事项名称", "name"),
    ("承办部门", "department"),
    ("领域", "domain"),
    ("分类", "class"),
    ("办件类型", "kind"),
    ("承诺时限（工作日）", "promised_days"),
    ("法定时限（工作日）", "legal_days"),
    ("号票字母", "ticket_prefix"),
    ("平均办理分钟", "handling_minutes"),
    ("转报单位", "forward_to"),
    ("受理条件", "conditions"),
    ("设定依据", "legal_basis"),
    ("关键词", "keywords"),
    ("排序", "sort_order"),
    ("启用", "active"),
)
MATERIAL_COLUMNS = (
    ("事项编码", "matter_code"),
    ("材料名称", "name"),
    ("要求", "requirement"),
    ("样例说明", "sample"),
    ("需原件", "original"),
    ("复印份数", "copies"),
    ("必需", "required"),
)
YES, NO = "是", "否"
KEYWORD_SEP = "、"
# Import limits (a 0.97 MB file expanding to 282 MB ran for minutes at
# 2.4 GB). A township catalog has a few hundred matters and a few thousand materials; the XML of
# such a workbook is under 2 MB. The zip's declared sizes are checked before anything is parsed
# (zipfile never inflates a member beyond its declared size, so the declaration cannot lie upward).
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 20_000  # per sheet
MAX_CELL_CHARS = 2_000
# A text starting with one of these is a formula to Excel or LibreOffice when typed in; the
# export writes such texts as plain string cells (marked quotePrefix), never as formulas.
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # the spreadsheet's own row number (header is row 1)
    column: str
    text: str

    def __str__(self) -> str:
        return message("catalog_io.row_error", sheet=self.sheet, row=self.row, column=self.column, text=self.text)


class CatalogImportError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


def export_workbook(entries: list[CatalogEntry]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = MATTER_SHEET
    ws.append([h for h, _ in MATTER_COLUMNS])
    mats = wb.create_sheet(MATERIAL_SHEET)
    mats.append([h for h, _ in MATERIAL_COLUMNS])
    for e in entries:
        m = e.matter
        ws.append(
            [
                m.code,
                m.name,
                m.department,
                m.domain,
                m.matter_class,
                m.kind,
                m.promised_days,
                m.legal_days,
                m.ticket_prefix,
                m.handling_minutes,
                m.forward_to,
                m.conditions,
                m.legal_basis,
                KEYWORD_SEP.join(m.keywords),
                e.sort_order,
                YES if e.active else NO,
            ]
        )
        for x in m.materials:
            mats.append(
                [
                    m.code,
                    x.name,
                    x.requirement,
                    x.sample,
                    YES if x.original else NO,
                    x.copies,
                    YES if x.required else NO,
                ]
            )
    for sheet in (ws, mats):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                _as_text(cell)
    out = io.BytesIO()
    wb.save(out)
    return _reproducible(out.getvalue())


# openpyxl stamps the file with the moment of saving (zip entry times, docProps created/modified);
# without them the same catalog always exports to the same bytes, so two exports (or an export
# before a backup and after its restore) can be compared byte for byte and checksummed.
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _reproducible(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", part)
            dst.writestr(zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME), part, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _as_text(cell) -> None:
    """A value the catalog holds as text stays text: openpyxl would store "=..." as a live formula."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def _check_size(source: Path | bytes) -> None:
    """Refuse a zip bomb from the zip's directory alone, before any member is inflated or parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:  # NotImplemented: a damaged header
        raise CatalogImportError([RowError("", 0, "", message("catalog_io.not_xlsx", error=str(exc)))]) from None
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_MEMBERS or total > MAX_UNCOMPRESSED_BYTES:
        raise CatalogImportError(
            [
                RowError(
                    "",
                    0,
                    "",
                    message(
                        "catalog_io.too_large",
                        size=round(total / 1024 / 1024, 1),
                        maximum=MAX_UNCOMPRESSED_BYTES // 1024 // 1024,
                        members=len(infos),
                    ),
                )
            ]
        )


def _rows(wb, sheet: str, columns, errors: list[RowError]) -> list[tuple[int, dict]]:
    if sheet not in wb.sheetnames:
        errors.append(RowError(sheet, 1, "", message("catalog_io.sheet_missing", sheet=sheet)))
        return []
    ws = wb[sheet]
    rows = ws.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    while header and header[-1] == "":
        header.pop()
    expected = [h for h, _ in columns]
    if header != expected:
        missing = [h for h in expected if h not in header]
        extra = [h for h in header if h not in expected]
        errors.append(
            RowError(
                sheet,
                1,
                "",
                message(
                    "catalog_io.wrong_columns",
                    missing="、".join(missing) or "—",
                    extra="、".join(extra) or "—",
                    expected="、".join(expected),
                ),
            )
        )
        return []
    out = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            errors.append(RowError(sheet, number, "", message("catalog_io.too_many_rows", maximum=MAX_ROWS)))
            return []
        values = list(values)[: len(expected)]
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        values += [None] * (len(expected) - len(values))
        for i, v in enumerate(values):
            if isinstance(v, str) and len(v) > MAX_CELL_CHARS:
                errors.append(
                    RowError(sheet, number, expected[i], message("catalog_io.cell_too_long", maximum=MAX_CELL_CHARS))
                )
                values[i] = None
        out.append((number, {field: values[i] for i, (_, field) in enumerate(columns)}))
    return out


class _Row:
    """Typed access to one row's cells, recording every problem instead of stopping at the first."""

    def __init__(self, sheet: str, number: int, cells: dict, columns, errors: list[RowError]) -> None:
        self.sheet, self.number, self.cells, self.errors = sheet, number, cells, errors
        self.header = {field: h for h, field in columns}
        self.ok = True

    def fail(self, field: str, text: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.sheet, self.number, self.header[field], text))

    def text(self, field: str, required: bool = False, choices: tuple[str, ...] = ()) -> str:
        value = self.cells.get(field)
        value = "" if value is None else str(value).strip()
        if required and not value:
            self.fail(field, message("catalog_io.required"))
        elif choices and value not in choices:
            self.fail(field, message("catalog_io.choose", value=value, choices=" / ".join(choices)))
        return value

    def integer(self, field: str, minimum: int, maximum: int, default: int | None = None) -> int:
        value = self.cells.get(field)
        if (value is None or str(value).strip() == "") and default is not None:
            return default
        try:
            number = int(str(value).strip())
            if float(str(value).strip()) != number:
                raise ValueError
        except (TypeError, ValueError):
            if value is None or str(value).strip() == "":  # an empty cell: say so, never "None"
                self.fail(field, message("catalog_io.integer_missing", minimum=minimum, maximum=maximum))
            else:
                self.fail(field, message("catalog_io.integer", value=value, minimum=minimum, maximum=maximum))
            return default or 0
        if not minimum <= number <= maximum:
            self.fail(field, message("catalog_io.integer", value=value, minimum=minimum, maximum=maximum))
        return number

    def flag(self, field: str, default: bool) -> bool:
        value = self.cells.get(field)
        text = "" if value is None else str(value).strip()
        if text == "":
            return default
        if text in (YES, "TRUE", "True", "1"):
            return True
        if text in (NO, "FALSE", "False", "0"):
            return False
        self.fail(field, message("catalog_io.choose", value=text, choices=f"{YES} / {NO}"))
        return default


def check_material(r: _Row) -> Material:
    """One material's cells, checked (the workbook's 材料 sheet and the admin page share this)."""
    return Material(
        name=r.text("name", True),
        requirement=r.text("requirement"),
        sample=r.text("sample"),
        original=r.flag("original", False),
        copies=r.integer("copies", 0, 20, 0),
        required=r.flag("required", True),
    )


def check_matter(r: _Row, code: str, materials: tuple[Material, ...]) -> Matter:
    """One matter's cells, checked (the workbook's 事项 sheet and the admin page share this)."""
    promised, legal = r.integer("promised_days", 0, 365), r.integer("legal_days", 0, 365)
    if r.ok and legal and promised > legal:
        r.fail("promised_days", message("catalog.expected_promised_days", legal=legal))
    prefix = r.text("ticket_prefix", True)
    if prefix and not (len(prefix) == 1 and prefix.isascii() and prefix.isalpha() and prefix.isupper()):
        r.fail("ticket_prefix", message("catalog_io.prefix", value=prefix))
    keywords = tuple(k.strip() for k in r.text("keywords").replace(",", KEYWORD_SEP).split(KEYWORD_SEP) if k.strip())
    matter_class, forward_to = r.text("class", True, CLASSES), r.text("forward_to")
    # A 转报 matter is sent on to a county office: the window must know which one.
    if matter_class == "转报" and not forward_to:
        r.fail("forward_to", message("catalog_admin.forward_required"))
    return Matter(
        code=code,
        name=r.text("name", True),
        department=r.text("department", True),
        domain=r.text("domain", True, DOMAINS),
        matter_class=matter_class,
        kind=r.text("kind", True, KINDS),
        promised_days=promised,
        legal_days=legal,
        ticket_prefix=prefix,
        handling_minutes=r.integer("handling_minutes", 1, 480, 10),
        forward_to=forward_to,
        conditions=r.text("conditions"),
        legal_basis=r.text("legal_basis"),
        keywords=keywords,
        materials=materials,
    )


# What a cut-off or corrupted .xlsx raises while it is unzipped and parsed (fuzzed: flipped and
# truncated bytes of an exported workbook); a file that is no zip at all stays "not an .xlsx".
DAMAGED = (zlib.error, ElementTree.ParseError, EOFError, zipfile.BadZipFile)


def read_workbook(source: Path | bytes, progress: Callable[[int, int], None] | None = None) -> list[CatalogEntry]:
    """Parse and check the whole workbook; raise CatalogImportError listing every bad row."""
    errors: list[RowError] = []
    _check_size(source)
    try:
        wb = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True, data_only=True)
    except DAMAGED as exc:
        raise CatalogImportError([RowError("", 0, "", message("catalog_io.damaged", error=str(exc)))]) from None
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise CatalogImportError([RowError("", 0, "", message("catalog_io.not_xlsx", error=str(exc)))]) from None
    try:
        # Read-only workbooks unzip and parse each sheet only now: a damaged or cut-off file
        # (a download that stopped, a USB stick pulled out) fails here, not at load_workbook.
        matter_rows = _rows(wb, MATTER_SHEET, MATTER_COLUMNS, errors)
        material_rows = _rows(wb, MATERIAL_SHEET, MATERIAL_COLUMNS, errors)
    except (*DAMAGED, OSError, KeyError) as exc:
        raise CatalogImportError([RowError("", 0, "", message("catalog_io.damaged", error=str(exc)))]) from None
    finally:
        wb.close()
    if errors:
        raise CatalogImportError(errors)
    total = len(matter_rows) + len(material_rows)
    materials: dict[str, list[Material]] = {}
    seen_materials: set[tuple[str, str]] = set()
    for done, (number, cells) in enumerate(material_rows, start=1):
        r = _Row(MATERIAL_SHEET, number, cells, MATERIAL_COLUMNS, errors)
        code = r.text("matter_code", True)
        item = check_material(r)
        name = item.name
        if (code, name) in seen_materials:
            r.fail("name", message("catalog_io.duplicate_material", name=name, code=code))
        seen_materials.add((code, name))
        if r.ok:
            materials.setdefault(code, []).append(item)
        if progress:
            progress(done, total)
    entries: list[CatalogEntry] = []
    first_row: dict[str, int] = {}
    for done, (number, cells) in enumerate(matter_rows, start=len(material_rows) + 1):
        r = _Row(MATTER_SHEET, number, cells, MATTER_COLUMNS, errors)
        code = r.text("code", True)
        if code in first_row:
            r.fail("code", message("catalog_io.duplicate_matter", code=code, row=first_row[code]))
        elif code:
            first_row[code] = number
        matter = check_matter(r, code, tuple(materials.get(code, ())))
        entry = CatalogEntry(matter, r.integer("sort_order", 0, 100000, number - 2), r.flag("active", True))
        if r.ok:
            entries.append(entry)
        if progress:
            progress(done, total)
    known = set(first_row)
    for number, cells in material_rows:
        code = str(cells.get("matter_code") or "").strip()
        if code and code not in known:
            errors.append(RowError(MATERIAL_SHEET, number, "事项编码", message("catalog_io.unknown_matter", code=code)))
    if errors:
        raise CatalogImportError(errors)
    return entries
