"""Case progress (办件进度查询): the case number and its query code on the keypad (or the notice's QR
under the scanner), one question to the server, and its answer in plain words (case_progress.py)."""

from __future__ import annotations

import functools

from hall_common.i18n import message

from . import hall_client as hc
from .case_number_pad import CaseNumberPad
from .case_progress import ProgressText, describe
from .context import Context, Screen


class ProgressLookup:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.pad = CaseNumberPad()
        self.note = ""  # under the case-number keypad: querying…, or why it failed
        self.querying = False
        self.result: ProgressText | None = None
        self._query = 0  # answers to an abandoned query are dropped

    def reset(self) -> None:
        self.pad, self.note, self.result = CaseNumberPad(), "", None
        self.querying = False
        self._query += 1

    def open(self) -> None:
        self.reset()
        self.ctx.go(Screen.PROGRESS)

    def select(self, field: str) -> None:
        self.pad.select(field)
        self.ctx.changed()

    def press(self, key: str) -> None:
        self.pad.press(key)
        if not self.querying:
            self.note = ""
        self.ctx.changed()

    def scanned(self, case_no: str, code: str) -> None:
        """The notice's progress QR: its number and query code, looked up at once."""
        self.reset()
        self.pad.fill(case_no, code)
        self.ctx.go(Screen.PROGRESS)
        self.look_up()

    def look_up(self) -> bool:
        """Ask the server about the typed case number; False when it is incomplete or a query runs."""
        ctx = self.ctx
        if self.querying:
            return False
        case_no = self.pad.case_no()
        if case_no is None:
            self.note = message("kiosk.progress_too_short", ctx.locale)
            ctx.changed()
            return False
        code = self.pad.query_code()
        if code is None:
            self.pad.select("code")
            self.note = message("kiosk.progress_code_missing", ctx.locale)
            ctx.changed()
            return False
        self.pad.value = case_no  # show the number as the server knows it
        self._query += 1
        query = self._query
        self.querying = True
        self.note = message("kiosk.progress_querying", ctx.locale)
        ctx.changed()

        def job() -> None:
            try:
                try:
                    view = ctx.client.case_progress(case_no, code)
                except hc.ApiError as exc:
                    if exc.kind != hc.UNCERTAIN:
                        raise
                    view = ctx.client.case_progress(case_no, code)  # a read changes nothing: one retry is safe
            except hc.ApiError as exc:
                ctx.post(functools.partial(self._failed, query, exc))
                return
            ctx.post(lambda: self._found(query, view))

        ctx.background(job)
        return True

    def _found(self, query: int, view: dict) -> None:
        if query != self._query:
            return  # the resident went home (or timed out) meanwhile
        self.querying, self.note, self.ctx.online = False, "", True
        self.result = describe(view, self.ctx.locale)
        self.ctx.touch()  # the idle timer starts when the answer is on screen
        self.ctx.go(Screen.PROGRESS_RESULT)

    def _failed(self, query: int, exc: hc.ApiError) -> None:
        if query != self._query:
            return
        self.querying = False
        self.ctx.touch()
        # Otherwise (404) the server's own words, e.g. 找不到办件号 …，请核对受理通知书上的办件号。
        note = self.ctx.refusal_note(exc, "kiosk.progress_offline", "kiosk.progress_slow")
        if note is None:
            return
        # The number stays on the keypad: the resident can correct it and tap 查询 again.
        self.note = note
        self.ctx.changed()
