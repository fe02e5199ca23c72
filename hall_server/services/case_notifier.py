"""Telling residents their result is ready: an SMS-gateway adapter and an offline outbox.

Every message is first stored in the case_notifications table (the outbox), so nothing is
lost when the township's line is down; the adapter then tries to send it and the row keeps
the outcome. ``OutboxNotifier`` sends nothing: the message waits in the outbox, where the
window can read it out on the phone (and a later job can resend it).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Protocol

import httpx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    status: str  # sent / queued / failed
    detail: str = ""


class Notifier(Protocol):
    channel: str

    def send(self, phone: str, text: str) -> SendResult: ...


class OutboxNotifier:
    """Works offline: the message stays queued in the outbox (and in the server log)."""

    channel = "outbox"

    def send(self, phone: str, text: str) -> SendResult:
        log.info("notification queued for %s: %s", phone[-4:], text)
        return SendResult("queued")


class SmsGatewayNotifier:
    """POSTs {"phone", "text"} as JSON to the county's SMS gateway; any 2xx is success."""

    channel = "sms"

    def __init__(self, url: str, api_key: str = "", timeout: float = 5.0) -> None:
        self.url, self.api_key, self.timeout = url, api_key, timeout

    def send(self, phone: str, text: str) -> SendResult:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            response = httpx.post(self.url, json={"phone": phone, "text": text}, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            # The outbox row stays, marked failed: the window sees it and calls instead.
            return SendResult("failed", f"{type(exc).__name__}: {exc}")
        if 200 <= response.status_code < 300:
            return SendResult("sent", response.text[:200])
        return SendResult("failed", f"HTTP {response.status_code}: {response.text[:200]}")


def notifier_from_env() -> Notifier:
    """YICHUANG_SMS_GATEWAY=https://… (and YICHUANG_SMS_KEY) selects the gateway; else the outbox."""
    url = os.environ.get("YICHUANG_SMS_GATEWAY")
    if url:
        return SmsGatewayNotifier(url, os.environ.get("YICHUANG_SMS_KEY", ""))
    return OutboxNotifier()
