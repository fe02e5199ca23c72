"""The hall as the server last described it (name, time zone, open or closed, today's duty day),
its matter catalog and the line's length, kept current by the event stream."""

from __future__ import annotations

import functools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hall_common.i18n import When, message

from . import hall_client as hc
from .context import Context, Screen
from .event_stream import OFFLINE, ONLINE, UNAUTHORIZED
from .matter_finder import MatterFinder

RETRY_SECONDS = 3.0  # while offline, how often to ask the server again


class HallState:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.info: dict | None = None  # GET /hall
        self.matters: list[dict] = []
        self.finder = MatterFinder([])
        self.waiting: int | None = None
        self.refreshing = False
        self.last_refresh = ctx.clock()

    # --- asking the server -------------------------------------------------------------
    def refresh(self) -> None:
        ctx = self.ctx
        self.refreshing, self.last_refresh = True, ctx.clock()

        def job() -> None:
            try:
                hall, matters = ctx.client.hall(), ctx.client.matters()
            except hc.ApiError as exc:
                ctx.post(functools.partial(self._load_failed, exc))
                return
            ctx.post(lambda: self._loaded(hall, matters))

        ctx.background(job, ctx.reporter)

    def retry_when_offline(self) -> None:
        """While offline, ask the server again every few seconds (the event stream may not have
        noticed an outage that a request did)."""
        ctx = self.ctx
        if (
            ctx.online is not True
            and not ctx.admin_error
            and not self.refreshing
            and ctx.clock() - self.last_refresh >= RETRY_SECONDS
        ):
            self.refresh()

    def _loaded(self, hall: dict, matters: list[dict]) -> None:
        ctx = self.ctx
        self.refreshing = False
        self.info, self.matters = hall, matters
        self.finder = MatterFinder(matters)
        self.waiting = hall.get("status", {}).get("waiting")
        ctx.online, ctx.admin_error = True, None
        if ctx.screen in (Screen.LOADING, Screen.ADMIN):
            ctx.screen = Screen.HOME
        ctx.changed()

    def _load_failed(self, exc: hc.ApiError) -> None:
        self.refreshing = False
        if exc.kind in (hc.UNAUTHORIZED, hc.FORBIDDEN):
            self.ctx.admin(exc)
        else:
            self.ctx.online = False
            self.ctx.changed()

    # --- the event stream (UI thread) --------------------------------------------------
    def stream_state(self, state: str) -> None:
        """Online, offline or unauthorized."""
        ctx = self.ctx
        if state == ONLINE:
            was = ctx.online
            ctx.online = True
            self.refresh()  # the hall may have changed while we were away
            if was is not True:
                ctx.changed()
        elif state == OFFLINE:
            ctx.online = False
            ctx.changed()
        elif state == UNAUTHORIZED:
            ctx.admin(hc.HallUnauthorized(status=401, code="invalid_token"))

    def stream_event(self, kind: str, data: dict) -> None:
        if self.info is None:
            return
        if kind == "hall.status" and data.get("hall_status"):
            status = dict(data["hall_status"])
            partial = "today" not in status
            if partial and "today" in self.info.get("status", {}):
                status["today"] = self.info["status"]["today"]
            self.info["status"] = status
            self.waiting = status.get("waiting", self.waiting)
            if partial:
                # The event may carry less than GET /hall (today's 节假日受理 duty day): keep what
                # is shown and ask for the whole status (a few times a day: open, lunch, close).
                self.refresh()
        elif isinstance(data.get("waiting"), int):
            # Every ticket event carries the line's exact length after it (issue, call, transfer,
            # cancel, ...), and events come in order: take it rather than counting ourselves.
            self.waiting = data["waiting"]
        self.ctx.changed()

    # --- what the hall is like -----------------------------------------------------------
    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo((self.info or {}).get("timezone") or "Asia/Shanghai")

    @property
    def state(self) -> str:
        return (self.info or {}).get("status", {}).get("state", "open")

    @property
    def next_open_at(self) -> str | None:
        return (self.info or {}).get("status", {}).get("next_open_at")

    def matter(self, matter_id: int | None) -> dict | None:
        return next((m for m in self.matters if m["id"] == matter_id), None)

    def priority_groups(self) -> list[dict]:
        return list((self.info or {}).get("priority_groups", []))

    def today(self) -> date:
        """The hall's date by the server's clock."""
        return self.ctx.client.server_now().astimezone(self.timezone).date()

    def when(self, iso: str | None) -> str:
        if not iso:
            return "—"
        tz = self.timezone
        when = datetime.fromisoformat(iso).astimezone(tz)
        today = self.ctx.client.server_now().astimezone(tz).date()
        days = (when.date() - today).days
        prefix = {0: "今天", 1: "明天", 2: "后天"}.get(days) if self.ctx.locale == "zh_CN" else None
        # Past 后天 the date as people read it (12月3日 周四 09:00), never 2026-12-03.
        return f"{prefix} {when:%H:%M}" if prefix else When(when).text(self.ctx.locale)

    def duty_day_text(self) -> str:
        """今日节假日受理 09:00–11:30（仅接待预约） when today is a 节假日受理 duty day, else "".
        ``status.today.duty_day`` may be absent (older servers): then nothing is shown."""
        today = ((self.info or {}).get("status") or {}).get("today")
        duty = today.get("duty_day") if isinstance(today, dict) else None
        if not isinstance(duty, dict):
            return ""
        locale = self.ctx.locale
        hours = "、".join(str(h).replace("-", "–") for h in duty.get("hours") or [])
        only = message("kiosk.home_duty_appointment_only", locale) if duty.get("appointment_only") else ""
        return message("kiosk.home_duty_day", locale, hours=hours, only=only)

    def clock_text(self) -> str:
        now = self.ctx.client.server_now().astimezone(self.timezone)
        return message("kiosk.home_clock", self.ctx.locale, date=now.strftime("%Y-%m-%d"), time=now.strftime("%H:%M"))
