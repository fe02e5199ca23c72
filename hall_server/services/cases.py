"""Cases at the window and in the back office: one short transaction per step, every step
appended to the case's history and announced as a ``case.changed`` event."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hall_common.i18n import message

from ..core import cases as rules
from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from ..core.identity import id_number_hash, mask_name, mask_phone, valid_id_number
from ..core.signature_image import check_signature
from ..core.ticket_states import ACTIVE
from ..storage.case_models import Case, CaseAccess, CaseCounter, CaseNotification, CaseStep, DeliveryReceipt
from ..storage.guess_limits import StoredLimiter
from ..storage.models import Staff, Ticket, Window
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .case_notifier import Notifier, notifier_from_env
from .context import HallContext
from .event_log import append_event

C, STEPS, COUNTERS = table_of(Case), table_of(CaseStep), table_of(CaseCounter)
NOTES, RECEIPTS, ACCESS = table_of(CaseNotification), table_of(DeliveryReceipt), table_of(CaseAccess)
STAFF, WINDOWS, TICKETS = table_of(Staff), table_of(Window), table_of(Ticket)

FRONT = ("clerk", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")
BACK = ("backoffice", "supervisor", "admin")
READERS = FRONT + ("backoffice",)
ACCESS_LOG_PAGE = 500


def _returned_here(conn: Connection, p: Principal, row: Any) -> bool:
    """The resident is at this clerk's window with the case's return-lane ticket (补交材料/领取结果):
    the kiosk took the case number and the phone's last 4 digits, and a window other than the owner
    calls it when the owner is not staffed, so that window may open the case to serve the resident."""
    if p.window_number is None:
        return False
    found = conn.execute(
        select(TICKETS.c.id).where(
            TICKETS.c.case_id == row.id,
            TICKETS.c.window_number == p.window_number,
            TICKETS.c.state.in_(ACTIVE),
        )
    ).first()
    return found is not None


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


def _text(data: dict[str, Any], key: str, code: str | None = None, max_len: int = 500) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(code or "case_field_required", "cases.field_required", field=message(f"cases.field_{key}"))
    if len(value) > max_len:
        raise InvalidInput("field_too_long", field=key, max=max_len)
    return value.strip()


def _optional(data: dict[str, Any], key: str, max_len: int = 500) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise InvalidInput("field_too_long", field=key, max=max_len)
    return value.strip()


def department_of(p: Principal, ctx: HallContext) -> str | None:
    """A back-office token's label names its department ("民政办" or "dept:民政办");
    any other label sees every department (a township often has one back-office clerk)."""
    if p.role != "backoffice":
        return None
    label = p.label.removeprefix("dept:").strip()
    departments = {m.matter.department for m in ctx.matters.values()}
    return label if label in departments else None


class Cases:
    def __init__(self, services: Services, notifier: Notifier | None = None) -> None:
        self.s = services
        self.notifier = notifier or notifier_from_env()
        # A case number + query code (or phone tail) is a guess: counted in the database.
        db = services.db
        self.progress_limiter = StoredLimiter(db, "case_progress", PROGRESS_LOOKUPS, PROGRESS_WINDOW_SECONDS)
        self.device_progress_limiter = StoredLimiter(
            db, "case_progress_device", DEVICE_PROGRESS_LOOKUPS, PROGRESS_WINDOW_SECONDS
        )
        self.case_progress_limiter = StoredLimiter(
            db, "case_progress_case", CASE_PROGRESS_MISSES, CASE_PROGRESS_WINDOW_SECONDS
        )

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _today(ctx: HallContext, now: datetime) -> date:
        # The hall's own date (its configured zone), as for tickets: never a fixed zone.
        return ctx.schedule.local_date(now)

    def _next_number(self, conn: Connection, hall_id: int, year: int, kind: str) -> int:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(COUNTERS).values(hall_id=hall_id, year=year, kind=kind, last_value=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["hall_id", "year", "kind"], set_={"last_value": COUNTERS.c.last_value + 1}
        )
        return int(conn.execute(stmt.returning(COUNTERS.c.last_value)).scalar_one())

    def _issue_document(
        self, conn: Connection, ctx: HallContext, row: Any, kind: str, now: datetime, docs: dict[str, Any]
    ) -> str:
        year = self._today(ctx, now).year
        number = rules.document_number(
            rules.hall_abbreviation(ctx.config.name), kind, year, self._next_number(conn, ctx.id, year, kind)
        )
        docs[kind] = number
        return number

    def _load(self, conn: Connection, hall_id: int, case_no: str, lock: bool = False) -> Any:
        query = select(C).where(C.c.hall_id == hall_id, C.c.case_no == case_no)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound("case_not_found", "cases.case_not_found", case_no=case_no)
        return row

    def _step(
        self,
        conn: Connection,
        ctx: HallContext,
        p: Principal | None,
        row: Any,
        action: str,
        new_state: str,
        now: datetime,
        values: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Apply one transition: update the case, append the step, announce it."""
        data = dict(data or {})
        handler = self._handler(conn, p)
        if handler:
            data["handled_by"] = handler  # 经办人 on the notices, 送达人 on the receipt
        conn.execute(update(C).where(C.c.id == row.id).values(state=new_state, updated_at=now, **(values or {})))
        conn.execute(
            STEPS.insert().values(
                case_id=row.id,
                hall_id=ctx.id,
                action=action,
                from_state=row.state,
                to_state=new_state,
                at=now,
                actor=(p.label if p else ""),
                role=(p.role if p else ""),
                window_number=(p.window_number if p else None),
                data_json=json.dumps(data, ensure_ascii=False),
            )
        )
        append_event(
            self.s.db,
            conn,
            ctx.id,
            "case.changed",
            now,
            {
                "case": {
                    "case_no": row.case_no,
                    "action": action,
                    "state": new_state,
                    "owner_window": row.owner_window,
                    "department": row.department,
                }
            },
            window_number=p.window_number if p else None,
            actor=p.label if p else "",
        )

    def _handler(self, conn: Connection, p: Principal | None) -> str | None:
        """Who did a step, by name: the staff member logged in, or the one signed in at the token's
        window (a window's device token is used by whoever is on duty there)."""
        if p is None:
            return None
        staff_id = p.staff_id
        if staff_id is None and p.window_number is not None:
            staff_id = conn.execute(
                select(WINDOWS.c.staff_id).where(WINDOWS.c.hall_id == p.hall_id, WINDOWS.c.number == p.window_number)
            ).scalar()
        if staff_id is None:
            return None
        name = conn.execute(select(STAFF.c.name).where(STAFF.c.id == staff_id)).scalar()
        return str(name) if name else None

    def _transition(
        self,
        p: Principal,
        case_no: str,
        action: str,
        roles: tuple[str, ...],
        apply: Any,
        then: tuple[str, tuple[str, ...], Any] | None = None,
        code: str | None = None,
    ) -> dict[str, Any]:
        """Lock the case, check the state machine, let ``apply`` add its values, commit, return the view.
        ``then`` (action, roles, apply) is a second transition in the same transaction: both or neither."""
        p.require(*roles)
        if then is not None:
            p.require(*then[1])
        ctx = self.s.halls.get(p.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            self._apply(conn, ctx, p, case_no, action, apply, now, code)
            if then is not None:
                self._apply(conn, ctx, p, case_no, then[0], then[2], now, code)
            view = self._view(conn, ctx, self._load(conn, ctx.id, case_no))
        return view

    def _apply(
        self,
        conn: Connection,
        ctx: HallContext,
        p: Principal,
        case_no: str,
        action: str,
        apply: Any,
        now: Any,
        code: str | None = None,
    ) -> None:
        row = self._load(conn, ctx.id, case_no, lock=True)
        self._check_access(p, ctx, row, code, conn)
        new_state = rules.next_state(row.state, action)
        values, data = apply(conn, ctx, row, now) or ({}, {})
        self._step(conn, ctx, p, row, action, new_state, now, values, data)
        if new_state == rules.DELIVERED:
            row = self._load(conn, ctx.id, case_no)
            self._step(conn, ctx, p, row, "close", rules.next_state(rules.DELIVERED, "close"), now, {"closed_at": now})

    def _check_access(
        self, p: Principal, ctx: HallContext, row: Any, code: str | None = None, conn: Connection | None = None
    ) -> None:
        """首问负责 also for privacy: a clerk reaches only the cases of the window the clerk's token is
        bound to (or that a returning resident brought there, see ``resume``); a department's back
        office only its department's; supervisors and admins all. A resident back with the 一次性告知书
        shows its query code: then any window may open the waiting case to continue it."""
        if p.role == "clerk":
            mine = p.window_number is not None and p.window_number in (row.owner_window, row.serving_window)
            brought = code is not None and row.state == rules.SUPPLEMENT and rules.code_matches(code, row.query_code)
            if not (mine or brought or (conn is not None and _returned_here(conn, p, row))):
                raise Forbidden("case_other_window", "cases.other_window", window=row.owner_window)
        own = department_of(p, ctx)
        if own is not None and own != row.department:
            raise Forbidden("case_other_department", "cases.other_department", department=row.department)

    def _log_read(self, conn: Connection, p: Principal, row: Any, what: str, now: datetime) -> None:
        """Every read of a case's personal data by staff is recorded (who, when, which case, what)."""
        conn.execute(
            ACCESS.insert().values(
                hall_id=row.hall_id,
                case_id=row.id,
                case_no=row.case_no,
                at=now,
                what=what[:24],
                staff_id=p.staff_id,
                actor=p.label[:100],
                role=p.role,
                window_number=p.window_number,
            )
        )

    # --- opening and the window's outcome ------------------------------------------------
    def open(self, p: Principal, data: dict[str, Any]) -> dict[str, Any]:
        p.require(*FRONT)
        ctx = self.s.halls.get(p.hall_id)
        matter_id = data.get("matter_id")
        stored = ctx.matters.get(matter_id) if isinstance(matter_id, int) else None
        if stored is None or not stored.active:
            raise NotFound("matter_not_found", matter_id=matter_id)
        name = _text(data, "applicant_name", max_len=50)
        id_number = _optional(data, "id_number", 18)
        if id_number is not None and not valid_id_number(id_number):
            raise InvalidInput("invalid_id_number")
        proxy_id = _optional(data, "proxy_id_number", 18)
        if proxy_id is not None and not valid_id_number(proxy_id):
            raise InvalidInput("invalid_id_number")
        phone = _optional(data, "phone", 20)
        if phone is not None and not (phone.isdigit() and 7 <= len(phone) <= 11):
            raise InvalidInput("case_bad_phone", "cases.bad_phone", phone=phone)
        window = p.window_number if p.role == "clerk" else data.get("window")
        now = self.s.clock.now()
        year = self._today(ctx, now).year
        m = stored.matter
        with self.s.db.write() as conn:
            case_no = rules.case_number(year, self._next_number(conn, ctx.id, year, "case"))
            case_id = conn.execute(
                C.insert()
                .returning(C.c.id)
                .values(
                    hall_id=ctx.id,
                    case_no=case_no,
                    query_code=rules.new_query_code(),
                    ticket_id=data.get("ticket_id"),
                    matter_id=stored.id,
                    matter_code=m.code,
                    matter_name=m.name,
                    matter_kind=m.kind,
                    department=m.department,
                    promised_days=m.promised_days,
                    applicant_name=name,
                    applicant_id_hash=id_number_hash(self.s.id_secret, ctx.code, id_number) if id_number else None,
                    applicant_id_tail=id_number[-4:] if id_number else None,
                    phone=phone,
                    proxy_name=_optional(data, "proxy_name", 50),
                    proxy_id_tail=proxy_id[-4:] if proxy_id else None,
                    proxy_authorized=False,
                    identity_checked=False,
                    owner_window=window,
                    owner_staff_id=p.staff_id,
                    state=rules.OPEN,
                    materials_json=json.dumps([c.as_dict() for c in rules.check_materials(m, [])], ensure_ascii=False),
                    documents_json="{}",
                    created_at=now,
                    updated_at=now,
                )
            ).scalar_one()
            conn.execute(
                STEPS.insert().values(
                    case_id=case_id,
                    hall_id=ctx.id,
                    action="open",
                    from_state=None,
                    to_state=rules.OPEN,
                    at=now,
                    actor=p.label,
                    role=p.role,
                    window_number=window,
                    data_json=json.dumps({"ticket_id": data.get("ticket_id")}),
                )
            )
            append_event(
                self.s.db,
                conn,
                ctx.id,
                "case.changed",
                now,
                {
                    "case": {
                        "case_no": case_no,
                        "action": "open",
                        "state": rules.OPEN,
                        "owner_window": window,
                        "department": m.department,
                    }
                },
                window_number=window,
                actor=p.label,
            )
            view = self._view(conn, ctx, self._load(conn, ctx.id, case_no))
        return view

    def outcome(self, p: Principal, case_no: str, data: dict[str, Any]) -> dict[str, Any]:
        outcome = data.get("outcome")
        if outcome not in rules.OUTCOMES:
            raise InvalidInput("field_enum", field="outcome", allowed=", ".join(rules.OUTCOMES))
        if outcome == "reject" and p.role not in SUPERVISORS:
            # 窗口无否决权: the clerk escalates; only a supervisor says no.
            raise Forbidden("window_no_veto", "cases.window_no_veto")
        receipt = data.get("receipt")
        if receipt is not None:
            if outcome != "immediate" or not isinstance(receipt, dict):
                raise InvalidInput("field_type", field="receipt", expected="object")

        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> Any:
            matter = ctx.matters[row.matter_id].matter
            checks = rules.check_materials(matter, data.get("materials"))
            identity = bool(data.get("identity_checked"))
            proxy_ok = bool(data.get("proxy_authorized"))
            values: dict[str, Any] = {
                "materials_json": json.dumps([c.as_dict() for c in checks], ensure_ascii=False),
                "outcome": outcome,
                "identity_checked": identity,
                "proxy_authorized": proxy_ok,
            }
            docs = json.loads(row.documents_json)
            step: dict[str, Any] = {"materials": [c.as_dict() for c in checks]}
            lack = rules.lacking(checks)
            if outcome in ("accept", "immediate"):
                if lack:
                    raise Conflict(
                        "case_materials_incomplete", "cases.materials_incomplete", names="、".join(c.name for c in lack)
                    )
                if not identity:
                    raise InvalidInput("case_identity_unchecked", "cases.identity_unchecked")
                if row.proxy_name and not proxy_ok:
                    raise InvalidInput("case_proxy_unauthorized", "cases.proxy_unauthorized")
                today = self._today(ctx, now)
                if outcome == "immediate":
                    if row.matter_kind != "即办":
                        raise Conflict("case_not_immediate", "cases.not_immediate", matter=row.matter_name)
                    result = _text(data, "result", max_len=500)
                    values.update(
                        accepted_on=today,
                        due_date=today,
                        decision="approved",
                        result_text=result,
                        decided_at=now,
                        returned_at=now,
                    )
                    self._issue_document(conn, ctx, row, "result", now, docs)
                    step["result"] = result
                else:
                    choice = data.get("delivery_choice") or "pickup"
                    if choice not in rules.DELIVERY_CHOICES:
                        raise InvalidInput(
                            "field_enum", field="delivery_choice", allowed=", ".join(rules.DELIVERY_CHOICES)
                        )
                    station = _optional(data, "village_station", 100)
                    if choice == "village_station" and not station:
                        raise InvalidInput("case_station_required", "cases.station_required")
                    due = ctx.calendar.add_working_days(today, row.promised_days)
                    values.update(accepted_on=today, due_date=due, delivery_choice=choice, village_station=station)
                    step.update(due_date=due.isoformat(), promised_days=row.promised_days)
                    self._issue_document(conn, ctx, row, "acceptance", now, docs)
            elif outcome == "supplement":
                if not lack:
                    raise InvalidInput("case_nothing_missing", "cases.nothing_missing")
                names = [c.name for c in lack]
                self._check_second_notice(p, row, names, data, step)
                days = data.get("deadline_days") or rules.DEFAULT_SUPPLEMENT_DAYS
                if not isinstance(days, int) or not 1 <= days <= 60:
                    raise InvalidInput("field_range", field="deadline_days", minimum=1, maximum=60)
                deadline = ctx.calendar.add_working_days(self._today(ctx, now), days)
                first = json.loads(row.supplement_list_json) if row.supplement_list_json else None
                if first is None or step.get("list_changed"):
                    values["supplement_list_json"] = json.dumps([c.as_dict() for c in lack], ensure_ascii=False)
                    self._issue_document(conn, ctx, row, "supplement", now, docs)
                values["supplement_deadline"] = deadline
                step.update(missing=names, deadline=deadline.isoformat(), notice=docs["supplement"])
            elif outcome == "escalate":
                reason = _text(data, "reasons", max_len=1000)
                values["escalation_reason"] = reason
                step["reason"] = reason
            else:  # reject, by a supervisor
                self._reject_values(data, values, step)
                self._issue_document(conn, ctx, row, "rejection", now, docs)
                values["closed_at"] = now
            values["documents_json"] = json.dumps(docs, ensure_ascii=False)
            return values, step

        # 即办 with the resident still at the window: the outcome and the receipt commit together.
        then = ("deliver", FRONT, self._delivery(p, receipt)) if receipt is not None else None
        return self._transition(p, case_no, outcome, SUPERVISORS if outcome == "reject" else FRONT, apply, then)

    def _check_second_notice(
        self, p: Principal, row: Any, names: list[str], data: dict[str, Any], step: dict[str, Any]
    ) -> None:
        """一次性告知: a later notice may repeat the first list; a different one needs a supervisor's reason."""
        if not row.supplement_list_json:
            return
        first = [x["name"] for x in json.loads(row.supplement_list_json)]
        if rules.same_list(first, names):
            return
        reason = _optional(data, "supervisor_reason", 500)
        if p.role not in SUPERVISORS or not reason:
            extra = "、".join(n for n in names if n not in first)
            raise Conflict("case_second_list", "cases.second_list", names=extra)
        step.update(list_changed=True, supervisor_reason=reason)

    def _reject_values(self, data: dict[str, Any], values: dict[str, Any], step: dict[str, Any]) -> None:
        reasons = _text(data, "reasons", max_len=1000)
        redirect = _optional(data, "redirect_to", 200)
        values.update(reject_reasons=reasons, redirect_to=redirect)
        step.update(reasons=reasons, redirect_to=redirect)

    def resume(self, p: Principal, case_no: str, code: str | None = None) -> dict[str, Any]:
        """The resident came back with the materials: the same case continues (首问负责: the owner stays).
        At another window the clerk types the notice's query code; that window then serves the case."""

        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
            if p.role == "clerk" and p.window_number != row.owner_window:
                return {"serving_window": p.window_number}, {"serving_window": p.window_number}
            return {}, {}

        return self._transition(p, case_no, "resume", FRONT, apply, code=code)

    def review(self, p: Principal, case_no: str, data: dict[str, Any]) -> dict[str, Any]:
        """A supervisor settles an escalated case: not eligible (with reasons), or back to the window."""
        action = data.get("action")
        if action not in ("reject", "back_to_window"):
            raise InvalidInput("field_enum", field="action", allowed="reject, back_to_window")

        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> Any:
            values: dict[str, Any] = {}
            step: dict[str, Any] = {"note": _optional(data, "note", 500)}
            if action == "reject":
                self._reject_values(data, values, step)
                docs = json.loads(row.documents_json)
                self._issue_document(conn, ctx, row, "rejection", now, docs)
                values.update(documents_json=json.dumps(docs, ensure_ascii=False), outcome="reject", closed_at=now)
            else:
                values["outcome"] = None
            return values, step

        return self._transition(p, case_no, action, SUPERVISORS, apply)

    # --- back office ---------------------------------------------------------------------
    def hand_over(self, p: Principal, case_no: str, data: dict[str, Any]) -> dict[str, Any]:
        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> Any:
            return {"handed_over_at": now}, {
                "to": row.department,
                "due_date": row.due_date.isoformat(),
                "note": _optional(data, "note", 500),
            }

        return self._transition(p, case_no, "hand_over", FRONT, apply)

    def receive(self, p: Principal, case_no: str) -> dict[str, Any]:
        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> Any:
            if row.received_at is not None:
                raise Conflict("case_already_received", "cases.already_received")
            return {"received_at": now}, {}

        return self._transition(p, case_no, "receive", BACK, apply)

    def decide(self, p: Principal, case_no: str, data: dict[str, Any]) -> dict[str, Any]:
        decision = data.get("decision")
        if decision not in rules.DECISIONS:
            raise InvalidInput("field_enum", field="decision", allowed=", ".join(rules.DECISIONS))

        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> Any:
            reasons = (
                _text(data, "reasons", max_len=1000) if decision == "rejected" else _optional(data, "reasons", 1000)
            )
            result = _text(data, "result", max_len=500)
            values = {
                "decision": decision,
                "decision_reasons": reasons,
                "result_text": result,
                "decided_at": now,
                "received_at": row.received_at or now,
            }
            if decision == "approved":
                # An approved 承诺件 is finished like a 即办 one: the resident gets a 办结通知单.
                docs = json.loads(row.documents_json)
                self._issue_document(conn, ctx, row, "result", now, docs)
                values["documents_json"] = json.dumps(docs, ensure_ascii=False)
            return values, {"decision": decision, "reasons": reasons, "result": result}

        return self._transition(p, case_no, "decide", BACK, apply)

    # --- result back at the window, notice, delivery -------------------------------------
    def return_result(self, p: Principal, case_no: str, data: dict[str, Any]) -> dict[str, Any]:
        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> Any:
            return {"returned_at": now}, {"note": _optional(data, "note", 500)}

        return self._transition(p, case_no, "return", FRONT, apply)

    def notify(self, p: Principal, case_no: str) -> dict[str, Any]:
        pending: dict[str, Any] = {}

        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> Any:
            if not row.phone:
                raise Conflict("case_no_phone", "cases.no_phone")
            key = "cases.notify_station" if row.delivery_choice == "village_station" else "cases.notify_pickup"
            text = message(
                key,
                hall=ctx.config.short_name or ctx.config.name,
                matter=row.matter_name,
                case_no=row.case_no,
                station=row.village_station or "",
            )
            note_id = conn.execute(
                NOTES.insert()
                .returning(NOTES.c.id)
                .values(
                    case_id=row.id,
                    hall_id=ctx.id,
                    channel=self.notifier.channel,
                    recipient=row.phone,
                    text=text,
                    status="pending",
                    created_at=now,
                )
            ).scalar_one()
            pending.update(id=note_id, phone=row.phone, text=text)
            return {"notified_at": now}, {"channel": self.notifier.channel, "notification_id": note_id}

        self._transition(p, case_no, "notify", FRONT, apply)
        # Sent after the commit: a slow gateway never holds the database's write lock.
        result = self.notifier.send(pending["phone"], pending["text"])
        with self.s.db.write() as conn:
            conn.execute(
                update(NOTES).where(NOTES.c.id == pending["id"]).values(status=result.status, detail=result.detail)
            )
        return self.get(p, case_no)

    def _check_receipt(self, data: dict[str, Any]) -> tuple[str, str, str, str, str]:
        method = data.get("method")
        if method not in rules.DELIVERY_METHODS:
            raise InvalidInput("field_enum", field="method", allowed=", ".join(rules.DELIVERY_METHODS))
        recipient = _text(data, "recipient", max_len=50)
        relation = _text(data, "relation", max_len=50)
        mime, signature = self._signature(data.get("signature"))
        return method, recipient, relation, mime, signature

    def deliver(self, p: Principal, case_no: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._transition(p, case_no, "deliver", FRONT, self._delivery(p, data))

    def _delivery(self, p: Principal, data: dict[str, Any]) -> Any:
        """The ``apply`` of a delivery with its receipt (checked here, before anything is written)."""
        method, recipient, relation, mime, signature = self._check_receipt(data)

        def apply(conn: Connection, ctx: HallContext, row: Any, now: datetime) -> Any:
            place = _optional(data, "place", 200) or (
                row.village_station
                if method == "village_station" and row.village_station
                else ctx.config.short_name or ctx.config.name
            )
            docs = json.loads(row.documents_json)
            document = _optional(data, "document", 200) or row.result_text or row.matter_name
            number = self._issue_document(conn, ctx, row, "receipt", now, docs)
            conn.execute(
                RECEIPTS.insert().values(
                    case_id=row.id,
                    hall_id=ctx.id,
                    receipt_no=number,
                    document=document,
                    recipient=recipient,
                    relation=relation,
                    delivered_at=now,
                    place=place,
                    method=method,
                    signature_mime=mime,
                    signature_b64=signature,
                    recorded_by=p.label,
                )
            )
            return (
                {"delivered_at": now, "documents_json": json.dumps(docs, ensure_ascii=False)},
                {"receipt_no": number, "recipient": recipient, "method": method, "place": place},
            )

        return apply

    @staticmethod
    def _signature(value: Any) -> tuple[str, str]:
        """The resident's signature (or a photo of the signed paper): PNG or JPEG, base64 or data: URL."""
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput("case_signature_required", "cases.signature_required")
        raw = value.split(",", 1)[1] if value.startswith("data:") else value
        try:
            blob = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("case_bad_signature", "cases.bad_signature") from None
        return check_signature(blob), base64.b64encode(blob).decode()

    # --- reading -------------------------------------------------------------------------
    def get(self, p: Principal, case_no: str, code: str | None = None) -> dict[str, Any]:
        p.require(*READERS)
        ctx = self.s.halls.get(p.hall_id)
        with self.s.db.write() as conn:
            row = self._load(conn, ctx.id, case_no)
            self._check_access(p, ctx, row, code, conn)
            self._log_read(conn, p, row, "view", self.s.clock.now())
            return self._view(conn, ctx, row)

    def check_readable(self, p: Principal, case_no: str) -> None:
        """Refuse (403/404) unless ``p`` may read the case; nothing is read or logged."""
        p.require(*READERS)
        ctx = self.s.halls.get(p.hall_id)
        with self.s.db.read() as conn:
            self._check_access(p, ctx, self._load(conn, ctx.id, case_no), conn=conn)

    def record(
        self, p: Principal, case_no: str, what: str = "document"
    ) -> tuple[HallContext, dict[str, Any], dict[str, Any] | None]:
        """Everything a document needs: the hall, the case view, and the receipt with its signature."""
        p.require(*READERS)
        ctx = self.s.halls.get(p.hall_id)
        with self.s.db.write() as conn:
            row = self._load(conn, ctx.id, case_no)
            self._check_access(p, ctx, row, conn=conn)
            self._log_read(conn, p, row, what, self.s.clock.now())
            view = self._view(conn, ctx, row)
            stored = conn.execute(select(RECEIPTS).where(RECEIPTS.c.case_id == row.id)).mappings().first()
        receipt = dict(stored) if stored else None
        if receipt is not None:
            # Stored in UTC; the 送达回执 prints the hall's own time (10:27, not 02:27), as every API time.
            receipt["delivered_at"] = receipt["delivered_at"].astimezone(ctx.config.timezone)
        return ctx, view, receipt

    def list(self, p: Principal, state: str | None = None, window: int | None = None) -> list[dict[str, Any]]:
        p.require(*READERS)
        ctx = self.s.halls.get(p.hall_id)
        query = select(C).where(C.c.hall_id == ctx.id).order_by(C.c.id.desc()).limit(200)
        if state:
            if state not in rules.STATES:
                raise InvalidInput("field_enum", field="state", allowed=", ".join(rules.STATES))
            query = query.where(C.c.state == state)
        if p.role == "clerk":
            if window is not None and window != p.window_number:
                raise Forbidden("case_other_window", "cases.other_window", window=window)
            window = p.window_number if p.window_number is not None else -1
        if window is not None:
            query = query.where(C.c.owner_window == window)
        own = department_of(p, ctx)
        if own:
            query = query.where(C.c.department == own)
        today = self._today(ctx, self.s.clock.now())
        with self.s.db.read() as conn:
            return [self._summary(ctx, row, today) for row in conn.execute(query)]

    def inbox(self, p: Principal) -> dict[str, Any]:
        """The department's in-tray: handed over (to receive / to decide) and decided (waiting to go back)."""
        p.require(*BACK)
        ctx = self.s.halls.get(p.hall_id)
        own = department_of(p, ctx)
        query = select(C).where(C.c.hall_id == ctx.id, C.c.state.in_((rules.HANDED_OVER, rules.DECIDED)))
        if own:
            query = query.where(C.c.department == own)
        today = self._today(ctx, self.s.clock.now())
        with self.s.db.read() as conn:
            rows = [self._summary(ctx, r, today) for r in conn.execute(query.order_by(C.c.due_date, C.c.id))]
        return {"department": own, "cases": rows}

    def dashboard(self, p: Principal) -> dict[str, Any]:
        p.require(*SUPERVISORS)
        ctx = self.s.halls.get(p.hall_id)
        today = self._today(ctx, self.s.clock.now())
        with self.s.db.read() as conn:
            open_rows = list(
                conn.execute(select(C).where(C.c.hall_id == ctx.id, C.c.state.not_in(rules.FINAL)).order_by(C.c.id))
            )
            outcomes: dict[str, int] = dict(
                conn.execute(
                    select(C.c.outcome, func.count())
                    .where(C.c.hall_id == ctx.id, C.c.outcome.is_not(None))
                    .group_by(C.c.outcome)
                ).all()
            )
            closed = conn.execute(
                select(func.count()).where(C.c.hall_id == ctx.id, C.c.state == rules.CLOSED)
            ).scalar_one()
        by_stage = dict.fromkeys(rules.STAGES, 0)
        overdue, near_due = [], []
        for row in open_rows:
            by_stage[row.state] = by_stage.get(row.state, 0) + 1
            summary = self._summary(ctx, row, today)
            if summary["overdue"]:
                overdue.append(summary)
            elif summary["near_due"]:
                near_due.append(summary)
        return {
            "today": today.isoformat(),
            "open_by_stage": by_stage,
            "open_total": len(open_rows),
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
        query = select(ACCESS).where(ACCESS.c.hall_id == ctx.id).order_by(ACCESS.c.id.desc()).limit(ACCESS_LOG_PAGE)
        if case_no:
            query = query.where(ACCESS.c.case_no == case_no)
        if before_id is not None:
            query = query.where(ACCESS.c.id < before_id)
        if day is not None:
            start = datetime.combine(day, datetime.min.time(), tz)
            query = query.where(ACCESS.c.at >= start, ACCESS.c.at < start + timedelta(days=1))
        with self.s.db.read() as conn:
            rows = conn.execute(query).all()
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
            row = conn.execute(select(C).where(C.c.hall_id == ctx.id, C.c.case_no == case_no)).first()
            if row is not None and rules.code_matches(code, row.query_code):
                steps = list(conn.execute(select(STEPS).where(STEPS.c.case_id == row.id).order_by(STEPS.c.id)))
            else:
                row = None
        if row is None:
            self.case_progress_limiter.hit(case_key, now)
            raise NotFound("progress_not_found", "cases.progress_not_found", case_no=case_no)
        today = self._today(ctx, self.s.clock.now())
        t = rules.timing(ctx.calendar, row.state, row.due_date, today)
        return {
            "case_no": row.case_no,
            "hall": ctx.config.name,
            "matter": row.matter_name,
            "department": row.department,
            "applicant": mask_name(row.applicant_name),
            "state": row.state,
            "state_label": message(f"cases.state_{row.state}", locale),
            "accepted_on": row.accepted_on.isoformat() if row.accepted_on else None,
            "due_date": row.due_date.isoformat() if row.due_date else None,
            "working_days_left": t.working_days_left,
            "supplement_deadline": row.supplement_deadline.isoformat()
            if row.state == rules.SUPPLEMENT and row.supplement_deadline
            else None,
            "delivery_choice": row.delivery_choice,
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

    def _summary(self, ctx: HallContext, row: Any, today: date) -> dict[str, Any]:
        t = rules.timing(ctx.calendar, row.state, row.due_date, today)
        return {
            "case_no": row.case_no,
            "matter": row.matter_name,
            "matter_code": row.matter_code,
            "department": row.department,
            "applicant": mask_name(row.applicant_name),
            "state": row.state,
            "state_label": message(f"cases.state_{row.state}"),
            "owner_window": row.owner_window,
            "accepted_on": row.accepted_on.isoformat() if row.accepted_on else None,
            "due_date": row.due_date.isoformat() if row.due_date else None,
            "working_days_left": t.working_days_left,
            "overdue": t.overdue,
            "near_due": t.near_due,
            "received_at": row.received_at.astimezone(ctx.config.timezone).isoformat() if row.received_at else None,
            "decision": row.decision,
        }

    def _view(self, conn: Connection, ctx: HallContext, row: Any) -> dict[str, Any]:
        today = self._today(ctx, self.s.clock.now())
        steps = conn.execute(select(STEPS).where(STEPS.c.case_id == row.id).order_by(STEPS.c.id))
        notes = conn.execute(select(NOTES).where(NOTES.c.case_id == row.id).order_by(NOTES.c.id))
        receipt = conn.execute(select(RECEIPTS).where(RECEIPTS.c.case_id == row.id)).first()
        tz = ctx.config.timezone

        def iso(v: datetime | None) -> str | None:
            return v.astimezone(tz).isoformat() if v else None  # every API time in the hall's zone

        view = self._summary(ctx, row, today)
        materials = json.loads(row.materials_json)
        view.update(
            {
                "id": row.id,
                "query_code": row.query_code,
                "ticket_id": row.ticket_id,
                "matter_id": row.matter_id,
                "matter_kind": row.matter_kind,
                "promised_days": row.promised_days,
                "applicant_name": row.applicant_name,
                "applicant_id_tail": row.applicant_id_tail,
                "phone": row.phone,
                "phone_masked": mask_phone(row.phone) if row.phone else None,
                "proxy_name": row.proxy_name,
                "proxy_id_tail": row.proxy_id_tail,
                "proxy_authorized": row.proxy_authorized,
                "identity_checked": row.identity_checked,
                "owner_window": row.owner_window,
                "serving_window": row.serving_window,
                "outcome": row.outcome,
                "materials": materials,
                "supplement_list": json.loads(row.supplement_list_json) if row.supplement_list_json else None,
                "supplement_deadline": row.supplement_deadline.isoformat() if row.supplement_deadline else None,
                "delivery_choice": row.delivery_choice,
                "village_station": row.village_station,
                "escalation_reason": row.escalation_reason,
                "reject_reasons": row.reject_reasons,
                "redirect_to": row.redirect_to,
                "handed_over_at": iso(row.handed_over_at),
                "decision_reasons": row.decision_reasons,
                "result": row.result_text,
                "decided_at": iso(row.decided_at),
                "returned_at": iso(row.returned_at),
                "notified_at": iso(row.notified_at),
                "delivered_at": iso(row.delivered_at),
                "closed_at": iso(row.closed_at),
                "created_at": iso(row.created_at),
                "documents": json.loads(row.documents_json),
                "allowed_actions": sorted({a for (s, a) in rules.TRANSITIONS if s == row.state} - {"close"}),
                "history": [
                    {
                        "action": s.action,
                        "from": s.from_state,
                        "to": s.to_state,
                        "at": iso(s.at),
                        "actor": s.actor,
                        "role": s.role,
                        "window": s.window_number,
                        "data": json.loads(s.data_json),
                    }
                    for s in steps
                ],
                "notifications": [
                    {
                        "channel": n.channel,
                        "recipient": mask_phone(n.recipient),
                        "text": n.text,
                        "status": n.status,
                        "at": iso(n.created_at),
                    }
                    for n in notes
                ],
                "receipt": None
                if receipt is None
                else {
                    "receipt_no": receipt.receipt_no,
                    "document": receipt.document,
                    "recipient": receipt.recipient,
                    "relation": receipt.relation,
                    "delivered_at": iso(receipt.delivered_at),
                    "place": receipt.place,
                    "method": receipt.method,
                    "signature_mime": receipt.signature_mime,
                    "has_signature": bool(receipt.signature_b64),
                },
            }
        )
        return view
