"""A message the SMS gateway refused is retried by the ticker with a growing wait (1, 2, 4 …
minutes) and, once sent, never sent again."""

from __future__ import annotations

from datetime import datetime

import httpx
from sqlalchemy import select

from hall_server.core.clock import CHINA
from hall_server.services.case_notifier import SendResult
from hall_server.storage.case_models import CaseNotification


class FlakyGateway:
    """Fails the first ``failures`` sends, then accepts; records every send."""

    channel = "sms"

    def __init__(self, failures: int) -> None:
        self.failures, self.sent = failures, []

    def send(self, phone: str, text: str) -> SendResult:
        self.sent.append(text)
        if len(self.sent) <= self.failures:
            return SendResult("failed", "HTTP 503: gateway busy")
        return SendResult("sent", "ok")


def note(hall):
    with hall.server.db.read() as conn:
        return conn.execute(select(CaseNotification)).one()


def test_a_failed_booking_message_is_retried_with_backoff_and_sent_once(live_hall):
    live_hall.server._stop.set()  # the test is the ticker here: no background send between its steps
    gateway = FlakyGateway(failures=2)
    messages = live_hall.server.appointments.messages  # the texts about bookings
    messages.notifier = gateway
    c = httpx.Client(base_url=live_hall.base_url + "/api/v1", timeout=20)
    live_hall.clients.append(c)
    body = {"channel": "web", "resident_name": "周九", "phone": "13955506666", "slot_start": "2026-11-27T10:00"}
    assert c.post("/appointments", json=body).status_code == 201
    assert note(live_hall).status == "failed" and len(gateway.sent) == 1
    hall_id = live_hall.hall_id
    messages.retry(hall_id)  # the first wait (1 minute) is not over
    assert len(gateway.sent) == 1
    live_hall.clock.set(datetime(2026, 11, 26, 10, 1, tzinfo=CHINA))
    messages.retry(hall_id)  # second try fails too: now wait 2 minutes
    assert len(gateway.sent) == 2 and note(live_hall).attempts == 2
    live_hall.clock.set(datetime(2026, 11, 26, 10, 2, tzinfo=CHINA))
    messages.retry(hall_id)
    assert len(gateway.sent) == 2
    live_hall.clock.set(datetime(2026, 11, 26, 10, 3, tzinfo=CHINA))
    messages.retry(hall_id)
    assert len(gateway.sent) == 3 and note(live_hall).status == "sent"
    live_hall.clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=CHINA))
    messages.retry(hall_id)
    assert len(gateway.sent) == 3
