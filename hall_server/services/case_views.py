"""A case as the API shows it: the summary of a list row, and the whole case with its history.
Every time in the hall's zone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hall_common.i18n import message

from ..core import cases as rules
from ..core.identity import mask_name, mask_phone
from ..storage.repositories.cases import CaseRecord, CaseRepository
from .context import HallContext


def summary(ctx: HallContext, case: CaseRecord, today: date) -> dict[str, Any]:
    t = rules.timing(ctx.calendar, case.state, case.due_date, today)
    return {
        "case_no": case.case_no,
        "matter": case.matter_name,
        "matter_code": case.matter_code,
        "department": case.department,
        "applicant": mask_name(case.applicant_name),
        "state": case.state,
        "state_label": message(f"cases.state_{case.state}"),
        "owner_window": case.owner_window,
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "working_days_left": t.working_days_left,
        "overdue": t.overdue,
        "near_due": t.near_due,
        "received_at": case.received_at.astimezone(ctx.config.timezone).isoformat() if case.received_at else None,
        "decision": case.decision,
    }


def detail(cases: CaseRepository, ctx: HallContext, case: CaseRecord, today: date) -> dict[str, Any]:
    """The whole case for staff: checklist, documents, history, notifications and the receipt."""
    tz = ctx.config.timezone

    def iso(v: datetime | None) -> str | None:
        return v.astimezone(tz).isoformat() if v else None  # every API time in the hall's zone

    receipt = cases.receipt(case.id)
    view = summary(ctx, case, today)
    view.update(
        {
            "id": case.id,
            "query_code": case.query_code,
            "ticket_id": case.ticket_id,
            "matter_id": case.matter_id,
            "matter_kind": case.matter_kind,
            "promised_days": case.promised_days,
            "applicant_name": case.applicant_name,
            "applicant_id_tail": case.applicant_id_tail,
            "phone": case.phone,
            "phone_masked": mask_phone(case.phone) if case.phone else None,
            "proxy_name": case.proxy_name,
            "proxy_id_tail": case.proxy_id_tail,
            "proxy_authorized": case.proxy_authorized,
            "identity_checked": case.identity_checked,
            "owner_window": case.owner_window,
            "serving_window": case.serving_window,
            "outcome": case.outcome,
            "materials": case.materials,
            "supplement_list": case.supplement_list,
            "supplement_deadline": case.supplement_deadline.isoformat() if case.supplement_deadline else None,
            "delivery_choice": case.delivery_choice,
            "village_station": case.village_station,
            "escalation_reason": case.escalation_reason,
            "reject_reasons": case.reject_reasons,
            "redirect_to": case.redirect_to,
            "handed_over_at": iso(case.handed_over_at),
            "decision_reasons": case.decision_reasons,
            "result": case.result_text,
            "decided_at": iso(case.decided_at),
            "returned_at": iso(case.returned_at),
            "notified_at": iso(case.notified_at),
            "delivered_at": iso(case.delivered_at),
            "closed_at": iso(case.closed_at),
            "created_at": iso(case.created_at),
            "documents": case.documents,
            "allowed_actions": sorted({a for (s, a) in rules.TRANSITIONS if s == case.state} - {"close"}),
            "history": [
                {
                    "action": s.action,
                    "from": s.from_state,
                    "to": s.to_state,
                    "at": iso(s.at),
                    "actor": s.actor,
                    "role": s.role,
                    "window": s.window_number,
                    "data": s.data,
                }
                for s in cases.steps(case.id)
            ],
            "notifications": [
                {
                    "channel": n.channel,
                    "recipient": mask_phone(n.recipient),
                    "text": n.text,
                    "status": n.status,
                    "at": iso(n.created_at),
                }
                for n in cases.notifications(case.id)
            ],
            "receipt": None
            if receipt is None
            else {
                "receipt_no": receipt.receipt_no,
                "document": receipt.document,
                "recipient": receipt.recipient,
                "relation": receipt.relation,
                "delivered_at": iso(receipt.delivered_at),
                "place": receipt.place,
                "method": receipt.method,
                "signature_mime": receipt.signature_mime,
                "has_signature": bool(receipt.signature_b64),
            },
        }
    )
    return view
