"""The read side of cases: a case for staff (every read logged), lists, the back office's in-tray,
the supervisor's dashboard and access log, and the resident's progress by the notice's query code."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from hall_common.i18n import message

from ..core import cases as rules
from ..core.errors import Forbidden, InvalidInput, NotFound, TooManyRequests
from ..core.identity import mask_name
from ..storage.guess_limits import StoredLimiter
from ..storage.repositories.cases import CaseRepository
from .access import Principal
from .case_steps import BACK, READERS, SUPERVISORS, CaseSteps, check_access, department_of, load, log_read
from .case_views import detail, summary
from .context import HallContext

ACCESS_LOG_PAGE = 500
CASE_LIST_LIMIT = 200
# Public progress lookups per client (address, or the kiosk's token) in a sliding window: a
# resident asks a few times, a guesser needs about half a million tries per case (10^6 codes).
PROGRESS_LOOKUPS, PROGRESS_WINDOW_SECONDS = 30, 600
# The kiosk is one client for a whole hall of residents (counted by its token): a busier limit,
# still far below what walking the codes would need.
DEVICE_PROGRESS_LOOKUPS = 120
# Wrong codes per case number in a sliding window, whoever sends them: the address limits above
# stop one guesser, this one stops many addresses (or kiosk tokens) sharing the work on one case.
# 10 an hour leaves a guesser one chance in 10^5 a day at a 6-digit code; a resident who mistypes
# a few times still gets in, and one refused waits at most the hour (or asks at a window).
CASE_PROGRESS_MISSES, CASE_PROGRESS_WINDOW_SECONDS = 10, 3600


class CaseReads:
    def __init__(self, steps: CaseSteps) -> None:
        self.steps = steps
        self.s = steps.s
        # A case number + query code (or phone tail) is a guess: counted in the database.
        db = self.s.db
        self.progress_limiter = StoredLimiter(db, "case_progress", PROGRESS_LOOKUPS, PROGRESS_WINDOW_SECONDS)
        self.device_progress_limiter = StoredLimiter(
            db, "case_progress_device", DEVICE_PROGRESS_LOOKUPS, PROGRESS_WINDOW_SECONDS
        )
        self.case_progress_limiter = StoredLimiter(
            db, "case_progress_case", CASE_PROGRESS_MISSES, CASE_PROGRESS_WINDOW_SECONDS
        )

    def get(self, p: Principal, case_no: str, code: str | None = None) -> dict[str, Any]:
        p.require(*READERS)
        ctx = self.s.halls.get(p.hall_id)
        with self.s.db.write() as conn:
            cases = CaseRepository(conn)
            case = load(cases, ctx.id, case_no)
            check_access(p, ctx, case, code, cases)
            log_read(cases, p, case, "view", self.s.clock.now())
            return detail(cases, ctx, case, self.steps.today(ctx))

    def check_readable(self, p: Principal, case_no: str) -> None:
        """Refuse (403/404) unless ``p`` may read the case; nothing is read or logged."""
        p.require(*READERS)
        ctx = self.s.halls.get(p.hall_id)
        with self.s.db.read() as conn:
            cases = CaseRepository(conn)
            check_access(p, ctx, load(cases, ctx.id, case_no), cases=cases)

    def record(
        self, p: Principal, case_no: str, what: str = "document"
    ) -> tuple[HallContext, dict[str, Any], dict[str, Any] | None]:
        """Everything a document needs: the hall, the case view, and the receipt with its signature."""
        p.require(*READERS)
        ctx = self.s.halls.get(p.hall_id)
        with self.s.db.write() as conn:
            cases = CaseRepository(conn)
            case = load(cases, ctx.id, case_no)
            check_access(p, ctx, case, cases=cases)
            log_read(cases, p, case, what, self.s.clock.now())
            view = detail(cases, ctx, case, self.steps.today(ctx))
            stored = cases.receipt(case.id)
        if stored is None:
            return ctx, view, None
        # Stored in UTC; the 送达回执 prints the hall's own time (10:27, not 02:27), as every API time.
        receipt = dataclasses.asdict(stored)
        receipt["delivered_at"] = stored.delivered_at.astimezone(ctx.config.timezone)
        return ctx, view, receipt

    def list(self, p: Principal, state: str | None = None, window: int | None = None) -> list[dict[str, Any]]:
        p.require(*READERS)
        ctx = self.s.halls.get(p.hall_id)
        if state and state not in rules.STATES:
            raise InvalidInput("field_enum", field="state", allowed=", ".join(rules.STATES))
        if p.role == "clerk":
            if window is not None and window != p.window_number:
                raise Forbidden("case_other_window", "cases.other_window", window=window)
            window = p.window_number if p.window_number is not None else -1
        today = self.steps.today(ctx)
        with self.s.db.read() as conn:
            found = CaseRepository(conn).newest(ctx.id, state, window, department_of(p, ctx), CASE_LIST_LIMIT)
        return [summary(ctx, case, today) for case in found]

    def inbox(self, p: Principal) -> dict[str, Any]:
        """The department's in-tray: handed over (to receive / to decide) and decided (waiting to go back)."""
        p.require(*BACK)
        ctx = self.s.halls.get(p.hall_id)
        own = department_of(p, ctx)
        today = self.steps.today(ctx)
        with self.s.db.read() as conn:
            found = CaseRepository(conn).by_due_date(ctx.id, (rules.HANDED_OVER, rules.DECIDED), own)
        return {"department": own, "cases": [summary(ctx, case, today) for case in found]}

    def dashboard(self, p: Principal) -> dict[str, Any]:
        p.require(*SUPERVISORS)
        ctx = self.s.halls.get(p.hall_id)
        today = self.steps.today(ctx)
        with self.s.db.read() as conn:
            cases = CaseRepository(conn)
            open_cases = cases.not_in(ctx.id, rules.FINAL)
            outcomes = cases.outcome_counts(ctx.id)
            closed = cases.count_in(ctx.id, rules.CLOSED)
        by_stage = dict.fromkeys(rules.STAGES, 0)
        overdue, near_due = [], []
        for case in open_cases:
            by_stage[case.state] = by_stage.get(case.state, 0) + 1
            row = summary(ctx, case, today)
            if row["overdue"]:
                overdue.append(row)
            elif row["near_due"]:
                near_due.append(row)
        return {
            "today": today.isoformat(),
            "open_by_stage": by_stage,
            "open_total": len(open_cases),
            "overdue": overdue,
            "near_due": near_due,
            "closed": closed,
            "outcomes": outcomes,
            **rules.one_window_rates(outcomes, closed),
            "calendar_warnings": [w.message for w in ctx.calendar.warnings(today)],
        }

    def access_log(
        self, p: Principal, case_no: str | None = None, day: date | None = None, before_id: int | None = None
    ) -> dict[str, Any]:
        """Who read which case's personal data, newest first (supervisors), one page at a time."""
        p.require(*SUPERVISORS)
        ctx = self.s.halls.get(p.hall_id)
        tz = ctx.config.timezone
        between = None
        if day is not None:
            start = datetime.combine(day, datetime.min.time(), tz)
            between = (start, start + timedelta(days=1))
        with self.s.db.read() as conn:
            rows = CaseRepository(conn).reads(ctx.id, ACCESS_LOG_PAGE, case_no, before_id, between)
        return {
            "entries": [
                {
                    "id": r.id,
                    "case_no": r.case_no,
                    "at": r.at.astimezone(tz).isoformat(),
                    "what": r.what,
                    "actor": r.actor,
                    "role": r.role,
                    "staff_id": r.staff_id,
                    "window": r.window_number,
                }
                for r in rows
            ],
            "more": len(rows) == ACCESS_LOG_PAGE,
        }

    def progress(self, hall_id: int, case_no: str, code: str, locale: str, client: str) -> dict[str, Any]:
        """What a resident may see with the case number and the notice's query code: masked, no ID,
        phone or reasons. A wrong code reads as an unknown number, so the answer never tells whether
        a number exists. ``client`` is who is counted for the per-client limit; wrong codes are also
        counted per case number (known or not, so the refusal tells nothing either)."""
        now = self.s.clock.now().timestamp()
        limiter = self.device_progress_limiter if client.startswith("token:") else self.progress_limiter
        case_key = f"{hall_id}:{case_no}"
        wait = limiter.hit(client, now) or self.case_progress_limiter.retry_after(case_key, now)
        if wait:
            seconds = int(wait) + 1
            raise TooManyRequests("progress_throttled", "cases.progress_throttled", seconds=seconds).with_details(
                retry_after_seconds=seconds
            )
        if not code.strip():
            raise InvalidInput("progress_code_required", "cases.progress_code_required")
        ctx = self.s.halls.get(hall_id)
        with self.s.db.read() as conn:
            cases = CaseRepository(conn)
            case = cases.find(ctx.id, case_no)
            if case is not None and rules.code_matches(code, case.query_code):
                steps = cases.steps(case.id)
            else:
                case = None
        if case is None:
            self.case_progress_limiter.hit(case_key, now)
            raise NotFound("progress_not_found", "cases.progress_not_found", case_no=case_no)
        t = rules.timing(ctx.calendar, case.state, case.due_date, self.steps.today(ctx))
        return {
            "case_no": case.case_no,
            "hall": ctx.config.name,
            "matter": case.matter_name,
            "department": case.department,
            "applicant": mask_name(case.applicant_name),
            "state": case.state,
            "state_label": message(f"cases.state_{case.state}", locale),
            "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
            "due_date": case.due_date.isoformat() if case.due_date else None,
            "working_days_left": t.working_days_left,
            "supplement_deadline": case.supplement_deadline.isoformat()
            if case.state == rules.SUPPLEMENT and case.supplement_deadline
            else None,
            "delivery_choice": case.delivery_choice,
            "steps": [
                {
                    "action": s.action,
                    "label": message(f"cases.action_{s.action}", locale),
                    "date": s.at.astimezone(ctx.config.timezone).date().isoformat(),
                }
                for s in steps
                if s.action not in ("receive",)
            ],
        }
