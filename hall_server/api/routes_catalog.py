"""Editing the matter catalog one matter at a time (the admin page /admin/matters).

Checked by the Excel import's own rules (catalog_io.form) and written by its storage
(catalog_io.store.save_matter), so a matter saved here round-trips through the workbook."""

from __future__ import annotations

import re

from flask import jsonify, request

from ..catalog_io.form import MatterFormError, entry_from_form
from ..catalog_io.store import save_matter
from ..core.catalog import CLASSES, DOMAINS, KINDS
from ..core.errors import InvalidInput
from ..services.context import StoredMatter
from .context import principal, server
from .routes import E400, E403, bp, responses, spec

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
TEXT = {"type": "string"}
MATERIAL = {
    "type": "object",
    "properties": {
        "name": TEXT,
        "requirement": TEXT,
        "sample": TEXT,
        "original": {"type": "boolean"},
        "copies": {"type": "integer", "minimum": 0, "maximum": 20},
        "required": {"type": "boolean"},
    },
}
# Documentation only: the body is checked by catalog_io.form so errors read like the Excel import's.
MATTER_BODY = {
    "type": "object",
    "required": ["name", "department", "domain", "class", "kind", "ticket_prefix"],
    "properties": {
        "name": TEXT,
        "department": TEXT,
        "domain": {"type": "string", "enum": list(DOMAINS)},
        "class": {"type": "string", "enum": list(CLASSES)},
        "kind": {"type": "string", "enum": list(KINDS)},
        "promised_days": {"type": "integer", "minimum": 0, "description": "≤ legal_days"},
        "legal_days": {"type": "integer", "minimum": 0, "maximum": 365},
        "ticket_prefix": {"type": "string", "pattern": "^[A-Z]$"},
        "handling_minutes": {"type": "integer", "minimum": 1, "maximum": 480},
        "forward_to": {"type": "string", "description": "required for 转报"},
        "conditions": TEXT,
        "legal_basis": TEXT,
        "keywords": {"type": "array", "items": TEXT},
        "materials": {"type": "array", "items": MATERIAL},
        "sort_order": {"type": "integer"},
        "active": {"type": "boolean"},
    },
}


def matter_view(s: StoredMatter) -> dict:
    m = s.matter
    return {
        "id": s.id,
        "code": m.code,
        "name": m.name,
        "department": m.department,
        "domain": m.domain,
        "class": m.matter_class,
        "kind": m.kind,
        "promised_days": m.promised_days,
        "legal_days": m.legal_days,
        "ticket_prefix": m.ticket_prefix,
        "handling_minutes": m.handling_minutes,
        "forward_to": m.forward_to,
        "conditions": m.conditions,
        "legal_basis": m.legal_basis,
        "keywords": list(m.keywords),
        "materials": [vars(x) for x in m.materials],
        "sort_order": s.sort_order,
        "active": s.active,
    }


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
    p.require("supervisor", "admin")
    ctx = server().services.halls.get(p.hall_id)
    items = sorted(ctx.matters.values(), key=lambda s: (s.sort_order, s.id))
    return jsonify(
        {
            "matters": [matter_view(s) for s in items],
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
    p.require("admin")
    if not CODE.match(code):
        raise InvalidInput("invalid_matter", "catalog_admin.code_too_long").with_details(field="code")
    services = server().services
    ctx = services.halls.get(p.hall_id)
    current = next((s for s in ctx.matters.values() if s.matter.code == code), None)
    if current is not None:
        sort_order, active = current.sort_order, current.active
    else:  # a new matter goes to the end of the list
        sort_order, active = max((s.sort_order for s in ctx.matters.values()), default=-1) + 1, True
    try:
        entry = entry_from_form(code, request.get_json(silent=True), sort_order, active)
    except MatterFormError as exc:
        raise InvalidInput("invalid_matter", "catalog_admin.invalid_matter", errors=str(exc)).with_details(
            field=exc.errors[0].field,
            errors=[{"field": e.field, "label": e.label, "message": e.text} for e in exc.errors],
        ) from None
    replaced = save_matter(services, p.hall_id, entry)
    saved = next(s for s in services.halls.get(p.hall_id).matters.values() if s.matter.code == code)
    return jsonify(matter_view(saved)), 200 if replaced else 201
