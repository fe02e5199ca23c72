"""The public JSON shape of a ticket, shared by the API and the event payloads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core.estimate import WaitEstimate
from .context import HallContext

# Roles whose tickets are issued for a resident rather than taken by one ("" and "kiosk" are the resident's).
STAFF_ISSUERS = ("clerk", "supervisor", "admin")


def ticket_view(
    row: Any, ctx: HallContext, estimate: WaitEstimate | None = None, include_key: bool = False
) -> dict[str, Any]:
    stored = ctx.matters.get(row.matter_id) if row.matter_id is not None else None
    tz = ctx.config.timezone

    def local(t: datetime | None) -> str | None:
        # The hall's own time, whether the row was just written or read back (stored as UTC).
        return t.astimezone(tz).isoformat() if t is not None else None

    view: dict[str, Any] = {
        "id": row.id,
        "number": row.number,
        "hall": ctx.code,
        "service_date": row.service_date.isoformat(),
        "matter_id": row.matter_id,
        "matter_code": stored.matter.code if stored else None,
        "matter_name": stored.matter.name if stored else None,
        "channel": row.channel,
        "priority_group": row.priority_group,
        "state": row.state,
        "window_number": row.window_number,
        "target_window": row.target_window,
        "call_count": row.call_count,
        "issued_at": local(row.issued_at),
        "called_at": local(row.called_at),
        "started_at": local(row.started_at),
        "finished_at": local(row.finished_at),
        "due_at": local(row.due_at),
        "late_risk_accepted": row.late_risk_accepted,
        # Issued by staff for the resident (no slip key; its rating is counted apart).
        "issued_by_staff": getattr(row, "issued_by_role", "") in STAFF_ISSUERS,
    }
    if estimate is not None:
        view["waiting_ahead"] = estimate.waiting_ahead
        view["estimated_wait_minutes"] = estimate.minutes
        view["estimate_basis"] = estimate.basis
        # The slip prints the time instead of minutes when the wait spans lunch (午休后办理，约13:40).
        view["expected_start_at"] = local(estimate.expected_start)
        view["after_break"] = estimate.after_break
    if include_key:
        view["public_key"] = row.public_key
    return view
