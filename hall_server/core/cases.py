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
from dataclasses import dataclass
from datetime import date
from typing import Any

from hall_common.i18n import Label

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


def check_materials(matter: Matter, ticks: list[dict[str, Any]] | None) -> list[MaterialCheck]:
    """Merge the clerk's ticks into the matter's checklist. Unticked required materials are
    missing; an unknown material name or status is bad input, not silently dropped."""
    by_name = {}
    for tick in ticks or []:
        name = tick.get("name") if isinstance(tick, dict) else None
        if not isinstance(name, str) or name not in {m.name for m in matter.materials}:
            raise InvalidInput("case_unknown_material", "cases.unknown_material", name=name, matter=matter.name)
        status = tick.get("status", "submitted")
        if status not in MATERIAL_STATUSES:
            raise InvalidInput(
                "case_bad_material_status",
                "cases.bad_material_status",
                name=name,
                allowed=" / ".join(MATERIAL_STATUSES),
            )
        note = tick.get("note") or ""
        if not isinstance(note, str) or len(note) > 200:
            raise InvalidInput("case_bad_material_note", "cases.bad_material_note", name=name)
        by_name[name] = (status, note)
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
