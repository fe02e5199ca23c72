"""One matter as JSON from the admin page, checked by the very rules of the Excel import
(check_matter / check_material), so the two ways of editing the catalog cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from hall_common.i18n import message

from ..core.catalog import CatalogEntry
from .workbook import KEYWORD_SEP, MATERIAL_COLUMNS, MATTER_COLUMNS, _Row, check_material, check_matter

MATTER_FIELDS = tuple(f for _, f in MATTER_COLUMNS)
MATERIAL_FIELDS = tuple(f for _, f in MATERIAL_COLUMNS if f != "matter_code")
MAX_MATERIALS = 60


@dataclass(frozen=True)
class FieldError:
    field: str  # the JSON path: "promised_days", "materials[2].name"
    label: str  # the Chinese column name the Excel import uses
    text: str

    def __str__(self) -> str:
        return message("catalog_admin.field_error", label=self.label, text=self.text)


class MatterFormError(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("；".join(map(str, errors)))


class _FormRow(_Row):
    """A _Row that reports JSON field paths instead of spreadsheet cells."""

    def __init__(self, cells: dict, columns, errors: list[FieldError], prefix: str = "", label: str = "") -> None:
        super().__init__("", 0, cells, columns, [])
        self.form_errors, self.prefix, self.label = errors, prefix, label

    def fail(self, field: str, text: str) -> None:
        self.ok = False
        label = self.header[field]
        if self.label:
            label = message("catalog_admin.material_field", material=self.label, column=label)
        self.form_errors.append(FieldError(self.prefix + field, label, text))


def _scalars(data: dict, fields: tuple[str, ...], prefix: str, errors: list[FieldError], labels: dict) -> dict:
    """Cells from JSON: text, numbers and booleans only (a list where a name belongs is refused,
    not turned into "['x']")."""
    cells = {}
    for f in fields:
        value = data.get(f)
        if value is not None and not isinstance(value, (str, int, float, bool)):
            errors.append(FieldError(prefix + f, labels[f], message("catalog_admin.not_scalar")))
            continue
        if isinstance(value, bool):
            value = "是" if value else "否"
        cells[f] = value
    return cells


def entry_from_form(code: str, data: object, sort_order: int, active: bool) -> CatalogEntry:
    """``sort_order`` and ``active`` are the defaults (the stored ones, or a new matter's)."""
    if not isinstance(data, dict):
        raise MatterFormError([FieldError("", "", message("catalog_admin.body_not_object"))])
    errors: list[FieldError] = []
    matter_labels = {f: h for h, f in MATTER_COLUMNS}
    material_labels = {f: h for h, f in MATERIAL_COLUMNS}
    if data.get("code") not in (None, code):
        errors.append(FieldError("code", matter_labels["code"], message("catalog_admin.code_mismatch", code=code)))
    raw = dict(data, code=code)
    if "class" not in raw and "matter_class" in raw:
        raw["class"] = raw["matter_class"]
    if isinstance(raw.get("keywords"), list):
        raw["keywords"] = KEYWORD_SEP.join(str(k) for k in raw["keywords"])
    raw.setdefault("sort_order", sort_order)
    raw.setdefault("active", active)
    cells = _scalars(raw, MATTER_FIELDS, "", errors, matter_labels)
    items = raw.get("materials") or []
    if not isinstance(items, list) or len(items) > MAX_MATERIALS:
        errors.append(
            FieldError(
                "materials",
                message("catalog_admin.materials_label"),
                message("catalog_admin.materials_list", maximum=MAX_MATERIALS),
            )
        )
        items = []
    materials, names = [], set()
    for i, item in enumerate(items):
        prefix, label = f"materials[{i}].", message("catalog_admin.material_label", number=i + 1)
        if not isinstance(item, dict):
            errors.append(FieldError(prefix[:-1], label, message("catalog_admin.body_not_object")))
            continue
        labels = {
            f: message("catalog_admin.material_field", material=label, column=h) for f, h in material_labels.items()
        }
        r = _FormRow(_scalars(item, MATERIAL_FIELDS, prefix, errors, labels), MATERIAL_COLUMNS, errors, prefix, label)
        material = check_material(r)
        if material.name in names:
            r.fail("name", message("catalog_io.duplicate_material", name=material.name, code=code))
        names.add(material.name)
        materials.append(material)
    r = _FormRow(cells, MATTER_COLUMNS, errors)
    matter = check_matter(r, r.text("code", True), tuple(materials))
    entry = CatalogEntry(matter, r.integer("sort_order", 0, 100000, sort_order), r.flag("active", active))
    if errors:
        # One message per field: a list where a name belongs is "not text", not also "empty".
        first: dict[str, FieldError] = {}
        for e in errors:
            first.setdefault(e.field, e)
        raise MatterFormError(list(first.values()))
    return entry
