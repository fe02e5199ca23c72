"""What the result screen of 办件进度查询 says, from the server's resident-safe progress view.

Pure text: no Kivy, no HTTP, so the wording can be read and tested on its own.  The server
already masks the applicant's name and leaves out ID number, phone and reasons; nothing here
adds anything personal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hall_common.i18n import has_message, message

# Stages where the resident is waiting on the hall (a due date counts down) and where the
# result is ready for them: the screen's colour follows.
WAITING = {"open", "escalated", "accepted", "handed_over", "decided", "returned"}
READY = {"notified"}
ACTION_NEEDED = {"supplement_requested"}


@dataclass
class ProgressText:
    case_no: str
    matter: str
    stage: str  # the server's plain-Chinese label, e.g. 已受理
    stage_hint: str  # one sentence: what that means for the resident
    tone: str  # waiting | ready | action | done
    facts: list[tuple[str, str]] = field(default_factory=list)  # (caption, value) rows
    steps: list[tuple[str, str]] = field(default_factory=list)  # (date, what happened)


def _date(iso: str | None, locale: str) -> str | None:
    if not iso:
        return None
    d = date.fromisoformat(iso[:10])
    return message("kiosk.progress_date", locale, y=d.year, m=d.month, d=d.day)


def describe(view: dict, locale: str) -> ProgressText:
    t = lambda key, **kw: message(f"kiosk.{key}", locale, **kw)  # noqa: E731
    state = view.get("state", "")
    hint_key = f"kiosk.progress_hint_{state}"
    tone = (
        "ready" if state in READY else "action" if state in ACTION_NEEDED else "waiting" if state in WAITING else "done"
    )
    out = ProgressText(
        case_no=view.get("case_no", ""),
        matter=view.get("matter", ""),
        stage=view.get("state_label") or state,
        stage_hint=message(hint_key, locale) if has_message(hint_key) else "",
        tone=tone,
    )
    facts = out.facts
    if view.get("applicant"):
        facts.append((t("progress_applicant"), view["applicant"]))
    if view.get("department"):
        facts.append((t("progress_department"), view["department"]))
    accepted = _date(view.get("accepted_on"), locale)
    if accepted:
        facts.append((t("progress_accepted_on"), accepted))
    due = _date(view.get("due_date"), locale)
    if due:
        left = view.get("working_days_left")
        if left is None:
            facts.append((t("progress_due_date"), due))
        elif left >= 0:
            facts.append((t("progress_due_date"), t("progress_due_left", date=due, days=left)))
        else:
            facts.append((t("progress_due_date"), t("progress_due_overdue", date=due, days=-left)))
    supplement = _date(view.get("supplement_deadline"), locale)
    if supplement:
        facts.append((t("progress_supplement_deadline"), supplement))
    if state not in ("rejected", "supplement_requested", "open", "escalated"):
        choice = view.get("delivery_choice") or "unknown"
        facts.append(
            (
                t("progress_delivery"),
                t(f"progress_delivery_{choice}")
                if has_message(f"kiosk.progress_delivery_{choice}")
                else t("progress_delivery_unknown"),
            )
        )
    for step in view.get("steps") or []:
        out.steps.append((_date(step.get("date"), locale) or "", step.get("label") or step.get("action", "")))
    return out
