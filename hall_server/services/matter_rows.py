"""The one mapping between a catalog matter (core) and its row in the ``matters`` table: a column
per field of ``Matter``, the two tuples as JSON text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, fields
from typing import Any

from ..core.catalog import Material, Matter

# Fields stored as JSON text in the column ``<field>_json``.
JSON_FIELDS = ("keywords", "materials")


def matter_values(m: Matter) -> dict[str, Any]:
    """The row's columns for a matter (without hall, sort order and active flag)."""
    values = asdict(m)
    for name in JSON_FIELDS:
        values[f"{name}_json"] = json.dumps(list(values.pop(name)), ensure_ascii=False)
    return values


def matter_from_row(row: Mapping[str, Any]) -> Matter:
    return Matter(
        **{f.name: row[f.name] for f in fields(Matter) if f.name not in JSON_FIELDS},
        keywords=tuple(json.loads(row["keywords_json"])),
        materials=tuple(Material(**x) for x in json.loads(row["materials_json"])),
    )
