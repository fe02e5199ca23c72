"""The back office: the accepted case handed over to its department (转办), signed for there, and
decided (approved, or rejected with reasons)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core import cases as rules
from ..core.errors import Conflict
from ..storage.repositories.cases import CaseRecord, CaseRepository
from .access import Principal
from .case_requests import Decision
from .case_steps import BACK, FRONT, CaseSteps, Changes
from .context import HallContext


class CaseBackOffice:
    def __init__(self, steps: CaseSteps) -> None:
        self.steps = steps

    def hand_over(self, p: Principal, case_no: str, note: str | None = None) -> dict[str, Any]:
        def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
            due = case.due_date.isoformat() if case.due_date else None
            return {"handed_over_at": now}, {"to": case.department, "due_date": due, "note": rules.optional_text(note)}

        return self.steps.transition(p, case_no, "hand_over", FRONT, apply)

    def receive(self, p: Principal, case_no: str) -> dict[str, Any]:
        def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
            if case.received_at is not None:
                raise Conflict("case_already_received", "cases.already_received")
            return {"received_at": now}, {}

        return self.steps.transition(p, case_no, "receive", BACK, apply)

    def decide(self, p: Principal, case_no: str, req: Decision) -> dict[str, Any]:
        def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
            rejected = req.decision == "rejected"
            reasons = rules.required_text(req.reasons, "reasons") if rejected else rules.optional_text(req.reasons)
            result = rules.required_text(req.result, "result")
            values: dict[str, Any] = {
                "decision": req.decision,
                "decision_reasons": reasons,
                "result_text": result,
                "decided_at": now,
                "received_at": case.received_at or now,
            }
            if req.decision == "approved":
                # An approved 承诺件 is finished like a 即办 one: the resident gets a 办结通知单.
                docs = dict(case.documents)
                self.steps.issue_document(cases, ctx, "result", now, docs)
                values["documents"] = docs
            return values, {"decision": req.decision, "reasons": reasons, "result": result}

        return self.steps.transition(p, case_no, "decide", BACK, apply)
