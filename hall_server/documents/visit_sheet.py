"""The A4 visit sheet of a 预约上门 visit: who, where, why, which matter, the checklist of
materials to see at the home, the visiting staff, and lines for the outcome and signature.
Printed through the same PDF renderer as the case documents."""

from __future__ import annotations

from typing import Any

from hall_common.i18n import message

from .layout import CaseDocument


def build_visit_sheet(visit: dict[str, Any], locale: str = "zh_CN") -> CaseDocument:
    def m(key: str, **fields: Any) -> str:
        return message(f"documents.visit_{key}", locale, **fields)

    start = visit["start"]
    staff = f"{visit['staff_name']}（{visit['staff_no']}）" if visit.get("staff_no") else m("unassigned")
    rows = [
        (m("resident"), visit["resident"]),
        (m("phone"), visit.get("phone") or ""),
        (m("place"), visit.get("place") or ""),
        (m("reason"), m(f"reason_{visit['reason']}") if visit.get("reason") else ""),
        (m("matter"), visit.get("matter") or m("general")),
        (m("time"), f"{start[:10]} {start[11:16]}"),
        (m("staff"), staff),
    ]
    # Columns in the renderer's 3-column widths (55 mm, 25 mm, the rest): the requirement gets the room.
    table = [[m("material"), m("checked"), m("requirement")]] + [
        [x["name"], "□", x.get("requirement") or ""] for x in visit.get("materials", [])
    ]
    return CaseDocument(
        kind="visit",
        hall=visit["hall"],
        title=m("title"),
        number=m("number", code=visit["code"]),
        rows=rows,
        table_title=m("checklist") if len(table) > 1 else "",
        table=table if len(table) > 1 else [],
        paragraphs=[m("outcome_line"), m("note_line")],
        signature_line=True,
        issued_on=start[:10],
    )
