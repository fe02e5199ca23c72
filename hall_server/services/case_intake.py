"""Intake at a window: open a case for a matter (首问负责: this window owns it), the window's one
outcome with its checklist and notice (受理通知书, 一次性告知书, 不予受理通知书), the resident back
with the materials, and a supervisor settling an escalated case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core import cases as rules
from ..core.errors import Forbidden, InvalidInput, NotFound
from ..core.identity import id_number_hash, valid_id_number
from ..storage.repositories.cases import CaseRecord, CaseRepository
from .access import Principal
from .case_delivery import delivery
from .case_requests import Delivery, OpenCase, OutcomeRequest, Review
from .case_steps import FRONT, SUPERVISORS, CaseSteps, Changes, load
from .context import HallContext


class CaseIntake:
    def __init__(self, steps: CaseSteps) -> None:
        self.steps = steps
        self.s = steps.s

    def open(self, p: Principal, req: OpenCase) -> dict[str, Any]:
        p.require(*FRONT)
        ctx = self.s.halls.get(p.hall_id)
        stored = ctx.matters.get(req.matter_id)
        if stored is None or not stored.active:
            raise NotFound("matter_not_found", matter_id=req.matter_id)
        name = rules.required_text(req.applicant_name, "applicant_name")
        id_number, proxy_id = rules.optional_text(req.id_number), rules.optional_text(req.proxy_id_number)
        if any(n is not None and not valid_id_number(n) for n in (id_number, proxy_id)):
            raise InvalidInput("invalid_id_number")
        phone = rules.optional_text(req.phone)
        if phone is not None and not (phone.isdigit() and 7 <= len(phone) <= 11):
            raise InvalidInput("case_bad_phone", "cases.bad_phone", phone=phone)
        window = p.window_number if p.role == "clerk" else req.window
        now = self.s.clock.now()
        year = self.steps.today(ctx, now).year
        m = stored.matter
        with self.s.db.write() as conn:
            cases = CaseRepository(conn)
            case_no = rules.case_number(year, cases.next_number(ctx.id, year, "case"))
            cases.add(
                {
                    "hall_id": ctx.id,
                    "case_no": case_no,
                    "query_code": rules.new_query_code(),
                    "ticket_id": req.ticket_id,
                    "matter_id": stored.id,
                    "matter_code": m.code,
                    "matter_name": m.name,
                    "matter_kind": m.kind,
                    "department": m.department,
                    "promised_days": m.promised_days,
                    "applicant_name": name,
                    "applicant_id_hash": id_number_hash(self.s.id_secret, ctx.code, id_number) if id_number else None,
                    "applicant_id_tail": id_number[-4:] if id_number else None,
                    "phone": phone,
                    "proxy_name": rules.optional_text(req.proxy_name),
                    "proxy_id_tail": proxy_id[-4:] if proxy_id else None,
                    "proxy_authorized": False,
                    "identity_checked": False,
                    "owner_window": window,
                    "owner_staff_id": p.staff_id,
                    "state": rules.OPEN,
                    "materials": [c.as_dict() for c in rules.check_materials(m)],
                    "documents": {},
                    "created_at": now,
                    "updated_at": now,
                }
            )
            case = load(cases, ctx.id, case_no)
            data = {"ticket_id": req.ticket_id}
            self.steps.record(cases, ctx, p, case, "open", rules.OPEN, now, data=data, opening=True, window=window)
            return self.steps.view(cases, ctx, case_no)

    def outcome(
        self, p: Principal, case_no: str, req: OutcomeRequest, receipt: Delivery | None = None
    ) -> dict[str, Any]:
        """The window's outcome; with 即办 the resident may sign the receipt at once (``receipt``)."""
        if req.outcome == "reject" and p.role not in SUPERVISORS:
            # 窗口无否决权: the clerk escalates; only a supervisor says no.
            raise Forbidden("window_no_veto", "cases.window_no_veto")
        if receipt is not None and req.outcome != "immediate":
            raise InvalidInput("field_type", field="receipt", expected="object")

        def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
            first = case.supplement_list
            at_window = rules.CaseAtWindow(
                ctx.matters[case.matter_id].matter,
                case.matter_name,
                case.matter_kind,
                case.promised_days,
                case.proxy_name,
                [m["name"] for m in first] if first else None,
            )
            by_supervisor = p.role in SUPERVISORS
            today = self.steps.today(ctx, now)
            changes = rules.window_outcome(
                at_window, req, by_supervisor=by_supervisor, now=now, today=today, calendar=ctx.calendar
            )
            return self._numbered(cases, ctx, case, now, changes)

        # 即办 with the resident still at the window: the outcome and the receipt commit together.
        then = ("deliver", FRONT, delivery(self.steps, p, receipt)) if receipt is not None else None
        roles = SUPERVISORS if req.outcome == "reject" else FRONT
        return self.steps.transition(p, case_no, req.outcome, roles, apply, then)

    def _numbered(
        self, cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime, changes: rules.OutcomeChanges
    ) -> Changes:
        """The changes with their documents numbered (and the notice named in the history)."""
        docs = dict(case.documents)
        for kind in changes.documents:
            self.steps.issue_document(cases, ctx, kind, now, docs)
        if changes.notice:
            changes.step["notice"] = docs[changes.notice]
        return {**changes.values, "documents": docs}, changes.step

    def resume(self, p: Principal, case_no: str, code: str | None = None) -> dict[str, Any]:
        """The resident came back with the materials: the same case continues (首问负责: the owner stays).
        At another window the clerk types the notice's query code; that window then serves the case."""

        def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
            if p.role == "clerk" and p.window_number != case.owner_window:
                return {"serving_window": p.window_number}, {"serving_window": p.window_number}
            return {}, {}

        return self.steps.transition(p, case_no, "resume", FRONT, apply, code=code)

    def review(self, p: Principal, case_no: str, req: Review) -> dict[str, Any]:
        """A supervisor settles an escalated case: not eligible (with reasons), or back to the window."""

        def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
            note = {"note": rules.optional_text(req.note)}
            if req.action != "reject":
                return {"outcome": None}, note
            refused = rules.refusal(req.reasons, req.redirect_to)
            refused.values.update(outcome="reject", closed_at=now)
            refused.step = {**note, **refused.step}
            return self._numbered(cases, ctx, case, now, refused)

        return self.steps.transition(p, case_no, req.action, SUPERVISORS, apply)
