"""What every flow of a case shares: who may reach a case, and one step of its state machine
(update the case, append the step to its history, announce ``case.changed``), one short
transaction each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..core import cases as rules
from ..core.errors import Forbidden, NotFound
from ..core.ticket_states import ACTIVE
from ..storage.repositories.cases import CaseRecord, CaseRepository
from .access import Principal
from .base import Services
from .case_views import detail
from .context import HallContext
from .event_log import append_event

FRONT = ("clerk", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")
BACK = ("backoffice", "supervisor", "admin")
READERS = FRONT + ("backoffice",)

# A step's own part: the columns it sets and what its history entry records.
Changes = tuple[dict[str, Any], dict[str, Any]]
Apply = Callable[[CaseRepository, HallContext, CaseRecord, datetime], Changes]


def department_of(p: Principal, ctx: HallContext) -> str | None:
    """A back-office token's label names its department ("民政办" or "dept:民政办");
    any other label sees every department (a township often has one back-office clerk)."""
    if p.role != "backoffice":
        return None
    label = p.label.removeprefix("dept:").strip()
    departments = {m.matter.department for m in ctx.matters.values()}
    return label if label in departments else None


def check_access(
    p: Principal, ctx: HallContext, case: CaseRecord, code: str | None = None, cases: CaseRepository | None = None
) -> None:
    """首问负责 also for privacy: a clerk reaches only the cases of the window the clerk's token is
    bound to (or that a returning resident brought there, see ``resume``); a department's back
    office only its department's; supervisors and admins all. A resident back with the 一次性告知书
    shows its query code: then any window may open the waiting case to continue it."""
    if p.role == "clerk":
        mine = p.window_number is not None and p.window_number in (case.owner_window, case.serving_window)
        brought = code is not None and case.state == rules.SUPPLEMENT and rules.code_matches(code, case.query_code)
        if not (mine or brought or (cases is not None and _returned_here(cases, p, case))):
            raise Forbidden("case_other_window", "cases.other_window", window=case.owner_window)
    own = department_of(p, ctx)
    if own is not None and own != case.department:
        raise Forbidden("case_other_department", "cases.other_department", department=case.department)


def _returned_here(cases: CaseRepository, p: Principal, case: CaseRecord) -> bool:
    """The resident is at this clerk's window with the case's return-lane ticket (补交材料/领取结果):
    the kiosk took the case number and the phone's last 4 digits, and a window other than the owner
    calls it when the owner is not staffed, so that window may open the case to serve the resident."""
    return p.window_number is not None and cases.has_ticket_at(case.id, p.window_number, ACTIVE)


def load(cases: CaseRepository, hall_id: int, case_no: str, lock: bool = False) -> CaseRecord:
    case = cases.find(hall_id, case_no, lock)
    if case is None:
        raise NotFound("case_not_found", "cases.case_not_found", case_no=case_no)
    return case


def log_read(cases: CaseRepository, p: Principal, case: CaseRecord, what: str, now: datetime) -> None:
    """Every read of a case's personal data by staff is recorded (who, when, which case, what)."""
    cases.log_read(case, now, what, p.staff_id, p.label, p.role, p.window_number)


class CaseSteps:
    def __init__(self, services: Services) -> None:
        self.s = services

    def today(self, ctx: HallContext, now: datetime | None = None) -> date:
        # The hall's own date (its configured zone), as for tickets: never a fixed zone.
        return ctx.schedule.local_date(now or self.s.clock.now())

    def issue_document(
        self, cases: CaseRepository, ctx: HallContext, kind: str, now: datetime, docs: dict[str, str]
    ) -> str:
        """Number a document (斑受〔2026〕0001号) into ``docs``, the case's numbers by kind."""
        year = self.today(ctx, now).year
        number = rules.document_number(
            rules.hall_abbreviation(ctx.config.name), kind, year, cases.next_number(ctx.id, year, kind)
        )
        docs[kind] = number
        return number

    def view(self, cases: CaseRepository, ctx: HallContext, case_no: str) -> dict[str, Any]:
        return detail(cases, ctx, load(cases, ctx.id, case_no), self.today(ctx))

    def record(
        self,
        cases: CaseRepository,
        ctx: HallContext,
        p: Principal | None,
        case: CaseRecord,
        action: str,
        new_state: str,
        now: datetime,
        values: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        *,
        opening: bool = False,
        window: int | None = None,
    ) -> None:
        """Apply one transition: update the case, append the step, announce it. ``opening``: the first
        step, from no state; ``window`` (the step's window) is that of the one who acts unless given."""
        data = dict(data or {})
        handler = cases.staff_name(p.hall_id, p.staff_id, p.window_number) if p else None
        if handler:
            data["handled_by"] = handler  # 经办人 on the notices, 送达人 on the receipt
        if window is None and p is not None:
            window = p.window_number
        cases.change(case.id, {"state": new_state, "updated_at": now, **(values or {})})
        actor = p.label if p else ""
        cases.add_step(
            case.id,
            ctx.id,
            action,
            None if opening else case.state,
            new_state,
            now,
            actor,
            p.role if p else "",
            window,
            data,
        )
        append_event(
            self.s.db,
            cases.conn,
            ctx.id,
            "case.changed",
            now,
            {
                "case": {
                    "case_no": case.case_no,
                    "action": action,
                    "state": new_state,
                    "owner_window": case.owner_window,
                    "department": case.department,
                }
            },
            window_number=window,
            actor=actor,
        )

    def transition(
        self,
        p: Principal,
        case_no: str,
        action: str,
        roles: tuple[str, ...],
        apply: Apply,
        then: tuple[str, tuple[str, ...], Apply] | None = None,
        code: str | None = None,
    ) -> dict[str, Any]:
        """Lock the case, check the state machine, let ``apply`` add its values, commit, return the view.
        ``then`` (action, roles, apply) is a second transition in the same transaction: both or neither."""
        p.require(*roles)
        if then is not None:
            p.require(*then[1])
        ctx = self.s.halls.get(p.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            cases = CaseRepository(conn)
            self._apply(cases, ctx, p, case_no, action, apply, now, code)
            if then is not None:
                self._apply(cases, ctx, p, case_no, then[0], then[2], now, code)
            return self.view(cases, ctx, case_no)

    def _apply(
        self,
        cases: CaseRepository,
        ctx: HallContext,
        p: Principal,
        case_no: str,
        action: str,
        apply: Apply,
        now: datetime,
        code: str | None,
    ) -> None:
        case = load(cases, ctx.id, case_no, lock=True)
        check_access(p, ctx, case, code, cases)
        new_state = rules.next_state(case.state, action)
        values, data = apply(cases, ctx, case, now)
        self.record(cases, ctx, p, case, action, new_state, now, values, data)
        if new_state == rules.DELIVERED:
            case = load(cases, ctx.id, case_no)
            closed = rules.next_state(rules.DELIVERED, "close")
            self.record(cases, ctx, p, case, "close", closed, now, {"closed_at": now})
