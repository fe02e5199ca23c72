"""The window's outcome as plain rules (no database): what it sets, which notices it numbers, and
what it refuses."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hall_server.core.cases import CaseAtWindow, MaterialTick, OutcomeRequest, window_outcome
from hall_server.core.catalog import Material, Matter
from hall_server.core.clock import CHINA
from hall_server.core.errors import Conflict, InvalidInput
from hall_server.core.working_calendar import WorkingCalendar

MATTER = Matter(
    "MZ003", "低保申请", "民政办", "civil_affairs", "高频", "承诺", 15, 30, "B", 20,
    materials=(Material("身份证", "原件"), Material("户口簿", "原件"), Material("收入证明", "原件")),
)  # fmt: skip
NOW = datetime(2026, 11, 26, 10, tzinfo=CHINA)  # a Thursday
TODAY = NOW.date()


def at_window(first_notice: list[str] | None = None, kind: str = "承诺", proxy: str | None = None) -> CaseAtWindow:
    return CaseAtWindow(MATTER, MATTER.name, kind, MATTER.promised_days, proxy, first_notice)


def decide(req: OutcomeRequest, case: CaseAtWindow | None = None, by_supervisor: bool = False):
    return window_outcome(
        case or at_window(), req, by_supervisor=by_supervisor, now=NOW, today=TODAY, calendar=WorkingCalendar()
    )


def ticks(*missing: str) -> tuple[MaterialTick, ...]:
    return tuple(MaterialTick(m.name, "missing" if m.name in missing else "submitted") for m in MATTER.materials)


def test_acceptance_runs_the_promised_working_days_and_numbers_an_acceptance_notice():
    out = decide(OutcomeRequest("accept", ticks(), identity_checked=True))
    assert out.documents == ["acceptance"]
    assert out.values["accepted_on"] == TODAY and out.values["due_date"] == date(2026, 12, 17)  # 15 working days
    assert out.values["delivery_choice"] == "pickup" and out.step["promised_days"] == 15


def test_acceptance_with_a_material_missing_names_it():
    with pytest.raises(Conflict) as refused:
        decide(OutcomeRequest("accept", ticks("户口簿"), identity_checked=True))
    assert refused.value.params["names"] == "户口簿"


def test_acceptance_without_a_checked_identity_is_refused():
    with pytest.raises(InvalidInput) as refused:
        decide(OutcomeRequest("accept", ticks()))
    assert refused.value.code == "case_identity_unchecked"


def test_a_promised_matter_cannot_be_done_at_once():
    with pytest.raises(Conflict) as refused:
        decide(OutcomeRequest("immediate", ticks(), identity_checked=True, result="低保证"))
    assert refused.value.code == "case_not_immediate"


def test_the_first_notice_is_numbered_and_its_deadline_counts_working_days():
    out = decide(OutcomeRequest("supplement", ticks("收入证明"), deadline_days=5))
    assert out.documents == ["supplement"] and out.notice == "supplement"
    assert out.values["supplement_list"][0]["name"] == "收入证明"
    assert out.values["supplement_deadline"] == date(2026, 12, 3)  # Thu + 5 working days, past a weekend


def test_a_notice_repeating_the_first_list_numbers_no_new_notice():
    out = decide(OutcomeRequest("supplement", ticks("收入证明")), at_window(first_notice=["户口簿", "收入证明"]))
    assert out.documents == [] and out.notice == "supplement" and "supplement_list" not in out.values


def test_a_notice_adding_a_material_needs_a_supervisor_and_a_reason():
    adds = OutcomeRequest("supplement", ticks("身份证"), supervisor_reason="复印件模糊")
    with pytest.raises(Conflict) as refused:
        decide(adds, at_window(first_notice=["收入证明"]))
    assert refused.value.code == "case_second_list" and refused.value.params["names"] == "身份证"
    out = decide(adds, at_window(first_notice=["收入证明"]), by_supervisor=True)
    assert out.documents == ["supplement"] and out.step["list_changed"] is True


def test_a_blank_reason_does_not_escalate():
    with pytest.raises(InvalidInput) as refused:
        decide(OutcomeRequest("escalate", ticks(), reasons="   "))
    assert refused.value.code == "case_field_required"


def test_a_refusal_closes_the_case_with_its_reasons_and_a_rejection_notice():
    out = decide(OutcomeRequest("reject", reasons=" 不符合条件 ", redirect_to="县民政局"), by_supervisor=True)
    assert out.documents == ["rejection"] and out.values["closed_at"] == NOW
    assert out.values["reject_reasons"] == "不符合条件" and out.step["redirect_to"] == "县民政局"
