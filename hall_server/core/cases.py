"""Cases (办件): the rules of the closed loop from window acceptance to delivered result.

Plain Python, no Flask or SQLAlchemy. A case is opened at a window for one matter, gets
exactly one window outcome (即办 / 受理 / 一次性告知 / 不予受理 — the last only through a
supervisor, 窗口无否决权), then, when accepted, goes to its department (转办), is decided
there, comes back to the front window (取回登记), the resident is notified and the result is
delivered with a receipt (送达回执). Every step is a transition of the table below; the
service appends each one to the case's history, which is never rewritten.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hall_common.i18n import Label, message

from .catalog import Matter
from .errors import Conflict, InvalidInput
from .working_calendar import WorkingCalendar

# --- states ------------------------------------------------------------------------------
OPEN = "open"  # 登记中: the clerk is checking materials
SUPPLEMENT = "supplement_requested"  # 一次性告知 issued, waiting for the resident to come back
ESCALATED = "escalated"  # 提交负责人: the window may not say no on its own
ACCEPTED = "accepted"  # 受理: 受理通知书 issued
REJECTED = "rejected"  # 不予受理 (by a supervisor)
HANDED_OVER = "handed_over"  # 转办: with the department
DECIDED = "decided"  # the department decided (approved or rejected)
RETURNED = "returned"  # 取回登记: the result is back at the front window
NOTIFIED = "notified"  # the resident was told to collect it
DELIVERED = "delivered"  # 送达: handed over with a receipt
CLOSED = "closed"  # archived
STATES = (OPEN, SUPPLEMENT, ESCALATED, ACCEPTED, REJECTED, HANDED_OVER, DECIDED, RETURNED, NOTIFIED, DELIVERED, CLOSED)
FINAL = (REJECTED, CLOSED)
# Cases whose promised time runs: after acceptance until the result is back at the window.
RUNNING = (ACCEPTED, HANDED_OVER, DECIDED)
# Stages shown on the supervisor's dashboard, in the order a case passes them.
STAGES = (OPEN, SUPPLEMENT, ESCALATED, ACCEPTED, HANDED_OVER, DECIDED, RETURNED, NOTIFIED)

# (state, action) -> new state. Anything else is refused with the current state named.
TRANSITIONS: dict[tuple[str, str], str] = {
    (OPEN, "immediate"): RETURNED,  # 即办: decided on the spot, the result is at the window
    (OPEN, "accept"): ACCEPTED,
    (OPEN, "supplement"): SUPPLEMENT,
    (OPEN, "escalate"): ESCALATED,
    (OPEN, "reject"): REJECTED,  # supervisors only (checked by the service)
    (SUPPLEMENT, "resume"): OPEN,  # the resident came back with the materials
    (SUPPLEMENT, "supplement"): SUPPLEMENT,  # same list again, or a supervisor's recorded change
    (ESCALATED, "reject"): REJECTED,
    (ESCALATED, "back_to_window"): OPEN,
    (ACCEPTED, "hand_over"): HANDED_OVER,
    (HANDED_OVER, "receive"): HANDED_OVER,  # the department signs for the paper (time recorded)
    (HANDED_OVER, "decide"): DECIDED,
    (DECIDED, "return"): RETURNED,
    (RETURNED, "notify"): NOTIFIED,
    (NOTIFIED, "notify"): NOTIFIED,  # a reminder
    (RETURNED, "deliver"): DELIVERED,
    (NOTIFIED, "deliver"): DELIVERED,
    (DELIVERED, "close"): CLOSED,
}

OUTCOMES = ("immediate", "accept", "supplement", "escalate", "reject")
MATERIAL_STATUSES = ("submitted", "missing", "defective", "not_applicable")
DELIVERY_CHOICES = ("pickup", "village_station")
DELIVERY_METHODS = ("window", "village_station")
DECISIONS = ("approved", "rejected")

# Document kinds and the character in their number: 斑受〔2026〕0001号.
DOCUMENT_KINDS = {"acceptance": "受", "supplement": "补", "rejection": "不", "receipt": "送", "result": "结"}
DEFAULT_SUPPLEMENT_DAYS = 10  # working days the resident has to bring what is missing
NEAR_DUE_WORKING_DAYS = 2


def next_state(state: str, action: str) -> str:
    new = TRANSITIONS.get((state, action))
    if new is None:
        if action == "deliver" and state in (DELIVERED, CLOSED):
            raise Conflict("case_already_delivered", "cases.case_already_delivered")
        raise Conflict(
            "case_wrong_state",
            "cases.case_wrong_state",
            action=Label(f"cases.action_{action}", "cases.action_other"),
            state=Label(f"cases.state_{state}", "cases.state_other"),
        )
    return new


# --- the checklist ----------------------------------------------------------------------
@dataclass(frozen=True)
class MaterialCheck:
    name: str
    requirement: str
    sample: str
    required: bool
    status: str  # submitted / missing / defective / not_applicable
    note: str = ""

    @property
    def lacking(self) -> bool:
        return self.status in ("missing", "defective")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requirement": self.requirement,
            "sample": self.sample,
            "required": self.required,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class MaterialTick:
    """The clerk's tick on one material of the checklist."""

    name: str
    status: str = "submitted"  # one of MATERIAL_STATUSES
    note: str = ""


def check_materials(matter: Matter, ticks: Sequence[MaterialTick] = ()) -> list[MaterialCheck]:
    """Merge the clerk's ticks into the matter's checklist. Unticked required materials are
    missing; a material the matter does not list is bad input, not silently dropped."""
    names = {m.name for m in matter.materials}
    by_name = {}
    for tick in ticks:
        if tick.name not in names:
            raise InvalidInput("case_unknown_material", "cases.unknown_material", name=tick.name, matter=matter.name)
        by_name[tick.name] = (tick.status, tick.note)
    checks = []
    for m in matter.materials:
        default = "missing" if m.required else "not_applicable"
        status, note = by_name.get(m.name, (default, ""))
        checks.append(MaterialCheck(m.name, m.requirement, m.sample, m.required, status, note))
    return checks


def lacking(checks: list[MaterialCheck]) -> list[MaterialCheck]:
    return [c for c in checks if c.lacking and (c.required or c.status == "defective")]


def same_list(first: list[str], second: list[str]) -> bool:
    """A later notice may repeat the first one's list (or part of it, as the resident brought
    some): it may never add to it — 一次性告知 means everything was told the first time."""
    return set(second) <= set(first)


# --- the window's outcome -----------------------------------------------------------------
def required_text(value: str | None, name: str) -> str:
    """A text the step cannot go without (its length is the route schema's business)."""
    if value is None or not value.strip():
        raise InvalidInput("case_field_required", "cases.field_required", field=message(f"cases.field_{name}"))
    return value.strip()


def optional_text(value: str | None) -> str | None:
    return value.strip() or None if value else None


@dataclass(frozen=True)
class OutcomeRequest:
    """What the clerk decided at the window (即办, 受理, 一次性告知, 提交负责人, 不予受理) and with what."""

    outcome: str  # one of OUTCOMES
    materials: tuple[MaterialTick, ...] = ()
    identity_checked: bool = False
    proxy_authorized: bool = False
    delivery_choice: str | None = None  # one of DELIVERY_CHOICES; pickup when not given
    village_station: str | None = None
    deadline_days: int | None = None  # working days to bring what is missing
    reasons: str | None = None
    redirect_to: str | None = None
    result: str | None = None  # 即办: what the resident receives
    supervisor_reason: str | None = None  # a second 一次性告知 with a changed list

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutcomeRequest:
        """From a body the route's schema has checked (the receipt of 即办 is not part of the outcome)."""
        ticks = tuple(
            MaterialTick(t["name"], t.get("status") or "submitted", t.get("note") or "")
            for t in data.get("materials") or ()
        )
        fields = {k: v for k, v in data.items() if k not in ("materials", "receipt") and v is not None}
        return cls(materials=ticks, **fields)


@dataclass(frozen=True)
class CaseAtWindow:
    """What the outcome rules read of the stored case."""

    matter: Matter
    matter_name: str
    matter_kind: str  # 即办 / 承诺
    promised_days: int
    proxy_name: str | None
    first_notice: list[str] | None  # the materials named on the first 一次性告知书, if one was issued


@dataclass
class OutcomeChanges:
    """The columns to set, the history entry's data, the documents to number (in order), and the
    document whose number the history entry names as its ``notice``."""

    values: dict[str, Any]
    step: dict[str, Any]
    documents: list[str] = field(default_factory=list)
    notice: str | None = None


def window_outcome(
    case: CaseAtWindow,
    req: OutcomeRequest,
    *,
    by_supervisor: bool,
    now: datetime,
    today: date,
    calendar: WorkingCalendar,
) -> OutcomeChanges:
    """The rules of the window's one outcome: complete materials and a checked identity before
    受理 or 即办, one 一次性告知 list, a reason to escalate or refuse."""
    checks = check_materials(case.matter, req.materials)
    materials = [c.as_dict() for c in checks]
    out = OutcomeChanges(
        {
            "materials": materials,
            "outcome": req.outcome,
            "identity_checked": req.identity_checked,
            "proxy_authorized": req.proxy_authorized,
        },
        {"materials": materials},
    )
    lack = lacking(checks)
    if req.outcome in ("accept", "immediate"):
        if lack:
            raise Conflict(
                "case_materials_incomplete", "cases.materials_incomplete", names="、".join(c.name for c in lack)
            )
        if not req.identity_checked:
            raise InvalidInput("case_identity_unchecked", "cases.identity_unchecked")
        if case.proxy_name and not req.proxy_authorized:
            raise InvalidInput("case_proxy_unauthorized", "cases.proxy_unauthorized")
        if req.outcome == "immediate":
            _done_at_once(case, req, now, today, out)
        else:
            _accepted(case, req, today, calendar, out)
    elif req.outcome == "supplement":
        _supplement(case, req, lack, by_supervisor, today, calendar, out)
    elif req.outcome == "escalate":
        reason = required_text(req.reasons, "reasons")
        out.values["escalation_reason"] = reason
        out.step["reason"] = reason
    else:  # reject, by a supervisor
        refused = refusal(req.reasons, req.redirect_to)
        out.values.update(refused.values, closed_at=now)
        out.step.update(refused.step)
        out.documents += refused.documents
    return out


def _done_at_once(case: CaseAtWindow, req: OutcomeRequest, now: datetime, today: date, out: OutcomeChanges) -> None:
    if case.matter_kind != "即办":
        raise Conflict("case_not_immediate", "cases.not_immediate", matter=case.matter_name)
    result = required_text(req.result, "result")
    out.values.update(
        accepted_on=today, due_date=today, decision="approved", result_text=result, decided_at=now, returned_at=now
    )
    out.documents.append("result")
    out.step["result"] = result


def _accepted(
    case: CaseAtWindow, req: OutcomeRequest, today: date, calendar: WorkingCalendar, out: OutcomeChanges
) -> None:
    choice = req.delivery_choice or "pickup"
    station = optional_text(req.village_station)
    if choice == "village_station" and not station:
        raise InvalidInput("case_station_required", "cases.station_required")
    due = calendar.add_working_days(today, case.promised_days)
    out.values.update(accepted_on=today, due_date=due, delivery_choice=choice, village_station=station)
    out.step.update(due_date=due.isoformat(), promised_days=case.promised_days)
    out.documents.append("acceptance")


def _supplement(
    case: CaseAtWindow,
    req: OutcomeRequest,
    lack: list[MaterialCheck],
    by_supervisor: bool,
    today: date,
    calendar: WorkingCalendar,
    out: OutcomeChanges,
) -> None:
    if not lack:
        raise InvalidInput("case_nothing_missing", "cases.nothing_missing")
    names = [c.name for c in lack]
    first = case.first_notice
    changed = first is not None and not same_list(first, names)
    if changed:
        # 一次性告知: a later notice may repeat the first list; a different one needs a supervisor's reason.
        reason = optional_text(req.supervisor_reason)
        if not by_supervisor or not reason:
            extra = "、".join(n for n in names if n not in (first or []))
            raise Conflict("case_second_list", "cases.second_list", names=extra)
        out.step.update(list_changed=True, supervisor_reason=reason)
    deadline = calendar.add_working_days(today, req.deadline_days or DEFAULT_SUPPLEMENT_DAYS)
    if first is None or changed:
        out.values["supplement_list"] = [c.as_dict() for c in lack]
        out.documents.append("supplement")
    out.values["supplement_deadline"] = deadline
    out.step.update(missing=names, deadline=deadline.isoformat())
    out.notice = "supplement"


def refusal(reasons: str | None, redirect_to: str | None) -> OutcomeChanges:
    """不予受理 (a supervisor's): the reasons, and where the resident may go instead; a 不予受理通知书."""
    text, redirect = required_text(reasons, "reasons"), optional_text(redirect_to)
    return OutcomeChanges(
        {"reject_reasons": text, "redirect_to": redirect},
        {"reasons": text, "redirect_to": redirect},
        ["rejection"],
    )


# --- numbers -----------------------------------------------------------------------------
def hall_abbreviation(hall_name: str) -> str:
    """The one character of the 文号: 金寨县斑竹园镇便民服务中心 → 斑 (first character of the town)."""
    for marker in ("县", "市", "区"):
        head, found, tail = hall_name.partition(marker)
        if found and tail:
            return tail[0]
    return hall_name[:1] or "便"


def document_number(abbreviation: str, kind: str, year: int, seq: int) -> str:
    return f"{abbreviation}{DOCUMENT_KINDS[kind]}〔{year}〕{seq:04d}号"


def case_number(year: int, seq: int) -> str:
    # Digits and one dash only: a resident types it on the kiosk or the phone page.
    return f"{year}-{seq:05d}"


# Printed on the notices beside the case number: the public progress lookup needs both, so
# sequential case numbers cannot be walked. Digits only, as the kiosk's keypad has no letters;
# 10^6 codes against a per-address limit of a few dozen lookups an hour.
QUERY_CODE_ALPHABET = "0123456789"
QUERY_CODE_DIGITS = 6


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_DIGITS))


def code_matches(code: str, query_code: str | None) -> bool:
    """The resident proves they hold the notice: its query code. A phone's last 4 digits are not
    enough — 10^4 values, and the case numbers run in sequence, so a guesser walking the numbers
    with 0000..9999 hits a case every few thousand tries; whoever lost the notice asks at a window
    (the clerk checks the ID and reprints it) or on the hotline."""
    code = code.strip()
    return bool(query_code and len(code) == QUERY_CODE_DIGITS and secrets.compare_digest(code, query_code))


# --- time limits -------------------------------------------------------------------------
@dataclass(frozen=True)
class Timing:
    due_date: date | None
    working_days_left: int | None  # negative when overdue
    overdue: bool
    near_due: bool


def timing(calendar: WorkingCalendar, state: str, due: date | None, today: date) -> Timing:
    """Working days left on a running case (Chinese working days, the hall's overrides)."""
    if due is None or state not in RUNNING:
        return Timing(due, None, False, False)
    left = calendar.working_days_between(today, due)
    return Timing(due, left, left < 0, 0 <= left <= NEAR_DUE_WORKING_DAYS)


def one_window_rates(outcomes: dict[str, int], closed: int) -> dict[str, float | None]:
    """一窗通办率: cases accepted or done at the window among those the window answered
    (accepted + immediate + not accepted). 一窗办结率: cases delivered at the end of the loop
    among those accepted or done. Pending outcomes (open, 待补正, 待审核) are not counted yet."""
    taken = outcomes.get("accept", 0) + outcomes.get("immediate", 0)
    answered = taken + outcomes.get("reject", 0)
    return {
        "one_window_acceptance_rate": round(taken / answered, 4) if answered else None,
        "one_window_completion_rate": round(closed / taken, 4) if taken else None,
    }
