"""The SMS code a web or phone booking was sent, read back from the notifier outbox (the test's
phone), and the booking confirmed with it as the resident would on the /book page."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from hall_server.storage.case_models import CaseNotification
from hall_server.storage.models import Appointment

CODE = re.compile(r"验证码\s*(\d{6})")


def sms_code(hall, appointment_code: str) -> str:
    """The code in the last confirmation text sent for the booking ``appointment_code``."""
    N, A = CaseNotification.__table__, Appointment.__table__
    with hall.server.db.read() as conn:
        texts = conn.execute(
            select(N.c.text)
            .join(A, A.c.id == N.c.appointment_id)
            .where(A.c.code == appointment_code, N.c.text.contains("验证码"))
            .order_by(N.c.id.desc())
        ).scalars()
        found = CODE.search(next(iter(texts), "") or "")
    assert found, f"no SMS code was sent for booking {appointment_code}"
    return found.group(1)


def confirm(hall, held: httpx.Response) -> httpx.Response:
    """Type the texted code for the booking just held (``held``: the booking's 201 answer)."""
    assert held.status_code == 201, held.text
    code = held.json()["code"]
    return httpx.post(
        f"{hall.base_url}/api/v1/appointments/{code}/confirm", json={"sms_code": sms_code(hall, code)}, timeout=20
    )


def confirmed(hall, booking: httpx.Response) -> httpx.Response:
    """The booking's answer, after typing its code when the booking was taken (as the page does)."""
    if booking.status_code == 201 and booking.json().get("status") == "held":
        done = confirm(hall, booking)
        assert done.status_code == 200, done.text
    return booking
