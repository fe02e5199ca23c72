"""The case service on its own (no HTTP): an outcome and its receipt are one transaction."""

from __future__ import annotations

from datetime import datetime

import pytest

from hall_server.app_services import HallServer
from hall_server.core.clock import CHINA, FakeClock
from hall_server.services.access import Principal
from hall_server.services.case_requests import Delivery, MaterialTick, OpenCase, OutcomeRequest
from hall_server.services.case_steps import CaseSteps


@pytest.fixture
def server(tmp_path):
    srv = HallServer.open(
        f"sqlite:///{tmp_path / 'hall.db'}", clock=FakeClock(datetime(2026, 11, 26, 10, tzinfo=CHINA))
    )
    yield srv
    srv.close()


def test_a_failing_receipt_leaves_the_immediate_case_as_it_was(server, signature_png, monkeypatch):
    ctx = server.services.halls.by_code_or_first(None)
    clerk = Principal(ctx.id, "clerk", "1号窗", window_number=1)
    matter = next(m for m in ctx.matters.values() if m.matter.code == "RS001")
    opened = server.case_intake.open(clerk, OpenCase(matter.id, "张小三", phone="13800001234"))
    issue_document = CaseSteps.issue_document

    def receipt_fails(self, cases, ctx, kind, now, docs):
        if kind == "receipt":
            raise RuntimeError("the receipt could not be numbered")
        return issue_document(self, cases, ctx, kind, now, docs)

    monkeypatch.setattr(CaseSteps, "issue_document", receipt_fails)
    materials = tuple(MaterialTick(m.name) for m in matter.matter.materials)
    receipt = Delivery("window", "张小三", "本人", signature_png)
    outcome = OutcomeRequest("immediate", materials, identity_checked=True, result="参保凭证")
    with pytest.raises(RuntimeError):
        server.case_intake.outcome(clerk, opened["case_no"], outcome, receipt)

    after = server.case_reads.get(clerk, opened["case_no"])
    assert after["state"] == opened["state"] == "open"
    assert after["history"] == opened["history"] and after["documents"] == opened["documents"]


def test_an_immediate_case_with_its_receipt_is_closed_in_one_call(server, signature_png):
    ctx = server.services.halls.by_code_or_first(None)
    clerk = Principal(ctx.id, "clerk", "1号窗", window_number=1)
    matter = next(m for m in ctx.matters.values() if m.matter.code == "RS001")
    opened = server.case_intake.open(clerk, OpenCase(matter.id, "张小三", phone="13800001234"))
    receipt = Delivery("window", "张小三", "本人", signature_png)
    materials = tuple(MaterialTick(m.name) for m in matter.matter.materials)
    outcome = OutcomeRequest("immediate", materials, identity_checked=True, result="参保凭证")
    done = server.case_intake.outcome(clerk, opened["case_no"], outcome, receipt)
    assert done["state"] == "closed" and done["receipt"]["recipient"] == "张小三"
