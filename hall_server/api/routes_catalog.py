"""The matter catalog (事项清单): every device reads the active matters; the admin page
(/admin/matters) lists them all and edits one matter at a time.

An edit is checked by the Excel import's own rules (catalog_io.form) and written as the import
writes (services/matter_catalog.py), so a matter saved here round-trips through the workbook."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from flask import jsonify

from ..catalog_io.form import MAX_MATERIALS, MatterFormError, entry_from_form
from ..core.catalog import CLASSES, DOMAINS, KINDS
from ..core.errors import InvalidInput
from ..services.context import StoredMatter
from .context import body, principal, server
from .declarations import ANY_DEVICE, E400, E403, bp, responses, spec

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# The page sends form fields as typed (numbers may arrive as text, keywords as one "、"-joined
# string): the schema bounds their shape and size; catalog_io.form then applies the Excel
# import's rules, so a matter's errors read the same from the page and from the workbook.
TEXT = {"type": ["string", "null"], "maxLength": 2000}
NUMBER = {"type": ["integer", "string", "null"], "minimum": 0, "maximum": 100000, "maxLength": 10}
FLAG = {"type": ["boolean", "string", "null"], "maxLength": 5}
CHOICE = {"type": ["string", "null"], "maxLength": 32}
MATERIAL = {
    "type": "object",
    "properties": {
        "name": TEXT,
        "requirement": TEXT,
        "sample": TEXT,
        "original": FLAG,
        "copies": {**NUMBER, "maximum": 20},
        "required": FLAG,
    },
    "additionalProperties": False,
}
MATTER_BODY = {
    "type": "object",
    "properties": {
        "code": {"type": ["string", "null"], "maxLength": 32, "description": "if given, the same as the path's"},
        "name": TEXT,
        "department": TEXT,
        "domain": {**CHOICE, "description": "one of " + ", ".join(DOMAINS)},
        "class": {**CHOICE, "description": "one of " + ", ".join(CLASSES)},
        "matter_class": CHOICE,
        "kind": {**CHOICE, "description": "one of " + ", ".join(KINDS)},
        "promised_days": {**NUMBER, "maximum": 365, "description": "≤ legal_days"},
        "legal_days": {**NUMBER, "maximum": 365},
        "ticket_prefix": {"type": ["string", "null"], "maxLength": 8, "description": "one capital letter"},
        "handling_minutes": {**NUMBER, "maximum": 480},
        "forward_to": {**TEXT, "description": "required for 转报"},
        "conditions": TEXT,
        "legal_basis": TEXT,
        "keywords": {
            "type": ["array", "string", "null"],
            "items": {"type": "string", "maxLength": 50},
            "maxItems": 50,
            "maxLength": 2000,
        },
        "materials": {"type": ["array", "null"], "items": MATERIAL, "maxItems": MAX_MATERIALS},
        "sort_order": NUMBER,
        "active": FLAG,
    },
    "additionalProperties": False,
}


def matter_view(s: StoredMatter) -> dict[str, Any]:
    """A matter as devices read it: its id, then each field of ``Matter`` in order (matter_class
    as "class")."""
    fields = asdict(s.matter)
    return {"id": s.id, **{("class" if k == "matter_class" else k): v for k, v in fields.items()}}


def admin_view(s: StoredMatter) -> dict[str, Any]:
    """The admin page's row: the matter with its place in the list and whether devices show it."""
    return {**matter_view(s), "sort_order": s.sort_order, "active": s.active}


@spec.route(
    bp,
    "/matters",
    "GET",
    "The matter catalog (事项清单) with materials checklists",
    roles=ANY_DEVICE,
    responses=responses(),
)
def matters():
    ctx = server().services.halls.get(principal().hall_id)
    items = sorted((m for m in ctx.matters.values() if m.active), key=lambda m: m.sort_order)
    return jsonify({"matters": [matter_view(m) for m in items]})


@spec.route(
    bp,
    "/catalog/matters",
    "GET",
    "Every matter of the hall, inactive ones too, with materials (admin)",
    roles=("supervisor", "admin"),
    responses=responses(E403),
    tag="catalog",
)
def catalog_matters():
    p = principal()
    ctx = server().services.halls.get(p.hall_id)
    items = sorted(ctx.matters.values(), key=lambda s: (s.sort_order, s.id))
    return jsonify(
        {
            "matters": [admin_view(s) for s in items],
            "editable": p.role == "admin",
            "choices": {"class": list(CLASSES), "kind": list(KINDS), "domain": list(DOMAINS)},
        }
    )


@spec.route(
    bp,
    "/catalog/matters/<code>",
    "PUT",
    "Create or replace one matter (same rules and messages as the Excel import; active=false hides it)",
    roles=("admin",),
    body=MATTER_BODY,
    responses={**responses(E400, E403), 201: "Created"},
    tag="catalog",
)
def put_catalog_matter(code: str):
    p = principal()
    if not CODE.match(code):
        raise InvalidInput("invalid_matter", "catalog_admin.code_too_long").with_details(field="code")
    ctx = server().services.halls.get(p.hall_id)
    current = next((s for s in ctx.matters.values() if s.matter.code == code), None)
    if current is not None:
        sort_order, active = current.sort_order, current.active
    else:  # a new matter goes to the end of the list
        sort_order, active = max((s.sort_order for s in ctx.matters.values()), default=-1) + 1, True
    try:
        entry = entry_from_form(code, body(), sort_order, active)
    except MatterFormError as exc:
        raise InvalidInput("invalid_matter", "catalog_admin.invalid_matter", errors=str(exc)).with_details(
            field=exc.errors[0].field,
            errors=[{"field": e.field, "label": e.label, "message": e.text} for e in exc.errors],
        ) from None
    replaced = server().catalog.save(p, entry)
    saved = next(s for s in server().services.halls.get(p.hall_id).matters.values() if s.matter.code == code)
    return jsonify(admin_view(saved)), 200 if replaced else 201
