"""The case service on its own (no HTTP): an outcome and its receipt are one transaction."""

from __future__ import annotations

from datetime import datetime

import pytest

from hall_server.app_services import HallServer
from hall_server.core.clock import CHINA, FakeClock
from hall_server.services.access import Principal
from hall_server.services.cases import Cases
from tests.cases.conftest import all_submitted


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
    opened = server.cases.open(clerk, {"matter_id": matter.id, "applicant_name": "张小三", "phone": "13800001234"})
    issue_document = Cases._issue_document

    def receipt_fails(self, conn, ctx, row, kind, now, docs):
        if kind == "receipt":
            raise RuntimeError("the receipt could not be numbered")
        return issue_document(self, conn, ctx, row, kind, now, docs)

    monkeypatch.setattr(Cases, "_issue_document", receipt_fails)
    materials = [{"name": m.name, "status": "submitted"} for m in matter.matter.materials]
    receipt = {"method": "window", "recipient": "张小三", "relation": "本人", "signature": signature_png}
    body = {"outcome": "immediate", "materials": materials, "identity_checked": True, "result": "参保凭证"}
    with pytest.raises(RuntimeError):
        server.cases.outcome(clerk, opened["case_no"], {**body, "receipt": receipt})

    after = server.cases.get(clerk, opened["case_no"])
    assert after["state"] == opened["state"] == "open"
    assert after["history"] == opened["history"] and after["documents"] == opened["documents"]


def test_an_immediate_case_with_its_receipt_is_closed_in_one_call(server, signature_png):
    ctx = server.services.halls.by_code_or_first(None)
    clerk = Principal(ctx.id, "clerk", "1号窗", window_number=1)
    matter = next(m for m in ctx.matters.values() if m.matter.code == "RS001")
    opened = server.cases.open(clerk, {"matter_id": matter.id, "applicant_name": "张小三", "phone": "13800001234"})
    receipt = {"method": "window", "recipient": "张小三", "relation": "本人", "signature": signature_png}
    done = server.cases.outcome(
        clerk,
        opened["case_no"],
        {"outcome": "immediate", "materials": all_submitted({"materials": [vars(m) for m in matter.matter.materials]}),
         "identity_checked": True, "result": "参保凭证", "receipt": receipt},
    )  # fmt: skip
    assert done["state"] == "closed" and done["receipt"]["recipient"] == "张小三"
