"""The one mapping between a catalog matter (core) and its row in the ``matters`` table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..core.catalog import Material, Matter


def matter_values(m: Matter) -> dict[str, Any]:
    """The row's columns for a matter (without hall, sort order and active flag)."""
    return {
        "code": m.code,
        "name": m.name,
        "department": m.department,
        "domain": m.domain,
        "matter_class": m.matter_class,
        "kind": m.kind,
        "promised_days": m.promised_days,
        "legal_days": m.legal_days,
        "ticket_prefix": m.ticket_prefix,
        "handling_minutes": m.handling_minutes,
        "forward_to": m.forward_to,
        "conditions": m.conditions,
        "legal_basis": m.legal_basis,
        "keywords_json": json.dumps(list(m.keywords), ensure_ascii=False),
        "materials_json": json.dumps([vars(x) for x in m.materials], ensure_ascii=False),
    }


def matter_from_row(row: Mapping[str, Any]) -> Matter:
    return Matter(
        code=row["code"],
        name=row["name"],
        department=row["department"],
        domain=row["domain"],
        matter_class=row["matter_class"],
        kind=row["kind"],
        promised_days=row["promised_days"],
        legal_days=row["legal_days"],
        ticket_prefix=row["ticket_prefix"],
        handling_minutes=row["handling_minutes"],
        forward_to=row["forward_to"],
        conditions=row["conditions"],
        legal_basis=row["legal_basis"],
        keywords=tuple(json.loads(row["keywords_json"])),
        materials=tuple(Material(**x) for x in json.loads(row["materials_json"])),
    )
