"""What each case document says, built from the case view: title, number, label/value rows,
a materials table, paragraphs. The PDF and thermal renderers only draw it."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date, datetime

from hall_common.i18n import Label, message

from ..core.errors import NotFound

KINDS = ("acceptance", "supplement", "rejection", "result", "receipt")
BOOKING_QR_KINDS = ("acceptance", "supplement", "result")  # 受理通知书, 一次性告知书, 办结通知


class DocumentNotIssued(NotFound):
    pass


@dataclass
class CaseDocument:
    kind: str
    hall: str
    title: str
    number: str
    rows: list[tuple[str, str]]
    paragraphs_before: list[str] = field(default_factory=list)
    table_title: str = ""
    table: list[list[str]] = field(default_factory=list)  # first row is the header
    paragraphs: list[str] = field(default_factory=list)
    signature_png: bytes | None = None
    signature_line: bool = False
    issued_on: str = ""
    progress_url: str = ""  # printed as a QR code: the resident's phone opens the case's progress
    book_url: str = ""  # a small 扫码预约 QR: the hall's booking page, to come back without queueing


def _d(value: str | date | datetime | None, locale: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()  # the case view gives times in the hall's zone: keep it
    return message("documents.date_format", locale, year=value.year, month=value.month, day=value.day)


def _dt(value: str | None, locale: str) -> str:
    if not value:
        return ""
    local = datetime.fromisoformat(value)  # already in the hall's zone (the case view's times)
    return f"{_d(local, locale)} {local:%H:%M}"


def available(case: dict, receipt: dict | None) -> list[str]:
    docs = case["documents"]
    return [k for k in KINDS if k in docs and (k != "receipt" or receipt is not None)]


def _handler(case: dict, *actions: str) -> str | None:
    """The staff member's name recorded with the last of these steps (经办人 / 送达人)."""
    names = [s["data"].get("handled_by") for s in case["history"] if s["action"] in actions]
    return names[-1] if names and names[-1] else None


def _step_time(case: dict, action: str) -> str | None:
    times = [s["at"] for s in case["history"] if s["action"] == action]
    return times[-1] if times else None


def build(
    kind: str,
    case: dict,
    hall_name: str,
    receipt: dict | None = None,
    locale: str = "zh_CN",
    phone: str = "",
    progress_url: str = "",
    book_url: str = "",
) -> CaseDocument:
    """The document ``kind`` of a case; ``phone`` (the hall's 咨询电话), ``progress_url`` and
    ``book_url`` (the booking page; both shown as QR codes) go on the notices a resident takes home."""
    if kind not in KINDS or kind not in available(case, receipt):
        raise DocumentNotIssued(
            "document_not_issued",
            "cases.document_not_issued",
            case_no=case["case_no"],
            kind=Label(f"documents.title_{kind}", "documents.title_other"),
        )
    m = lambda key, **kw: message(f"documents.{key}", locale, **kw)  # noqa: E731
    applicant = case["applicant_name"] + (
        f"（身份证尾号{case['applicant_id_tail']}）" if case.get("applicant_id_tail") and locale == "zh_CN" else ""
    )
    rows = [(m("case_no"), case["case_no"])]
    if case.get("query_code"):
        # The public progress lookup needs it with the number (the numbers are sequential).
        rows.append((m("query_code"), case["query_code"]))
    rows.append((m("applicant"), applicant))
    if case.get("proxy_name"):
        rows.append((m("proxy"), case["proxy_name"]))
    rows += [(m("matter"), case["matter"]), (m("department"), case["department"])]
    doc = CaseDocument(kind, hall_name, m(f"title_{kind}"), case["documents"][kind], rows)
    if kind != "receipt":
        if phone:
            rows.append((m("consult_phone"), phone))
        if progress_url and case.get("query_code"):
            doc.progress_url = progress_url
    if kind in BOOKING_QR_KINDS:
        # The notices that bring the resident back (materials to add, a result to collect).
        doc.book_url = book_url
    if kind == "acceptance":
        accepted_at = _step_time(case, "accept")
        doc.issued_on = _d(accepted_at, locale)
        days = case["promised_days"]
        delivery = (
            m("delivery_station", station=case["village_station"])
            if case["delivery_choice"] == "village_station"
            else m("delivery_pickup")
        )
        rows += [
            (m("accepted_on"), _d(case["accepted_on"], locale)),
            (m("promised"), m("promised_days", days=days) if days else m("promised_same_day")),
            (m("due_date"), _d(case["due_date"], locale)),
            (m("delivery"), delivery),
        ]
        if case.get("owner_window"):
            rows.append((m("window"), m("window_number", number=case["owner_window"])))
        doc.table_title = m("materials_received")
        doc.table = [[m("col_material"), m("col_status")]] + [
            [x["name"], m(f"status_{x['status']}")] for x in case["materials"] if x["status"] != "not_applicable"
        ]
        if _handler(case, "accept"):
            rows.append((m("handler"), _handler(case, "accept")))
        doc.paragraphs = [m("progress_hint", case_no=case["case_no"], query_code=case.get("query_code") or "")]
        doc.signature_line = True
    elif kind == "supplement":
        at = [s for s in case["history"] if s["action"] == "supplement"]
        doc.issued_on = _d(at[0]["at"] if at else None, locale)
        deadline = _d(case["supplement_deadline"], locale)
        rows.append((m("deadline"), deadline))
        if _handler(case, "supplement"):
            rows.append((m("handler"), _handler(case, "supplement")))
        doc.paragraphs_before = [m("supplement_intro", matter=case["matter"])]
        doc.table_title = m("materials_lacking")
        doc.table = [[m("col_material"), m("col_status"), m("col_requirement")]] + [
            [x["name"], m(f"status_{x['status']}"), x["requirement"] + (f"（{x['note']}）" if x.get("note") else "")]
            for x in case["supplement_list"]
        ]
        doc.paragraphs = [m("supplement_deadline", deadline=deadline, case_no=case["case_no"])]
        doc.signature_line = True
    elif kind == "rejection":
        doc.issued_on = _d(case["closed_at"], locale)
        doc.paragraphs_before = [m("rejection_intro", matter=case["matter"]), case["reject_reasons"] or ""]
        if case.get("redirect_to"):
            doc.paragraphs_before.append(f"{m('redirect')}：{case['redirect_to']}")
        doc.paragraphs = [m("rejection_rights")]
        doc.signature_line = True
    elif kind == "result":
        doc.issued_on = _d(case["decided_at"], locale)
        rows += [(m("result"), case["result"] or ""), (m("decided_at"), _dt(case["decided_at"], locale))]
        doc.paragraphs = [m("result_intro", matter=case["matter"])]
    else:  # receipt
        if receipt is None:  # available() never offers a receipt before the delivery
            raise DocumentNotIssued(
                "document_not_issued",
                "cases.document_not_issued",
                case_no=case["case_no"],
                kind=Label(f"documents.title_{kind}", "documents.title_other"),
            )
        doc.number = receipt["receipt_no"]
        doc.issued_on = _d(receipt["delivered_at"].isoformat(), locale)
        doc.rows = [
            (m("case_no"), case["case_no"]),
            (m("matter"), case["matter"]),
            (m("receipt_document"), receipt["document"]),
            (m("receipt_addressee"), case["applicant_name"]),
            (m("receipt_recipient"), receipt["recipient"]),
            (m("receipt_relation"), receipt["relation"]),
            (m("receipt_time"), _dt(receipt["delivered_at"].isoformat(), locale)),
            (m("receipt_place"), receipt["place"]),
            (m("receipt_method"), m(f"method_{receipt['method']}")),
        ]
        deliverer = _handler(case, "deliver", "immediate")
        if deliverer:
            doc.rows.append((m("receipt_deliverer"), deliverer))
        if receipt.get("signature_b64"):
            try:
                doc.signature_png = base64.b64decode(receipt["signature_b64"], validate=True)
            except (binascii.Error, ValueError):
                doc.signature_png = b""  # archived, but unreadable: the PDF says so instead of failing
    return doc
