"""Exports of a period's 好差评: an .xlsx (figures with a native Excel chart, ratings, follow-ups) and
JSON lines for an upstream 好差评 platform (one rating a line, levels 5…1, channel pad/phone/default).
Every cell is written as a value, never a formula (a reason or a name starting with "=" stays text)."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from sqlalchemy import select

from hall_common.i18n import message

from ..storage.case_models import Case
from ..storage.models import Rating, Staff, Ticket
from ..storage.rating_models import FollowUp, RatingAppeal
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .context import HallContext
from .rating_figures import RatingFigures, parse_period

T, RT, FU, AP, S, C = (
    table_of(Ticket),
    table_of(Rating),
    table_of(FollowUp),
    table_of(RatingAppeal),
    table_of(Staff),
    table_of(Case),
)
CHANNELS = {"pad": "pad", "serial_pad": "pad", "link": "phone", "default": "default"}
FIGURE_COLUMNS = (
    ("label", "分组"),
    ("services", "服务数"),
    ("rated", "已评价"),
    ("unrated", "未评价"),
    ("good_rate", "好评率"),
    ("bad_rate", "差评率"),
    ("active_good_rate", "主动评价好评率"),
    ("unrated_rate", "未评率"),
    ("bad_reply_rate", "差评回复率"),
    ("rectified_rate", "回访整改率"),
    ("rectified_satisfied_rate", "回访整改满意率"),
    ("appeals", "申诉"),
)


def _cell(value: Any) -> Any:
    # openpyxl writes a string starting with "=" as a formula: keep such text inert.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


class RatingExport:
    def __init__(self, services: Services, figures: RatingFigures) -> None:
        self.s = services
        self.figures = figures

    def records(self, ctx: HallContext, start: date, end: date) -> list[dict[str, Any]]:
        q = (
            select(
                RT,
                T.c.number,
                T.c.service_date,
                S.c.staff_no,
                FU.c.state.label("fu_state"),
                FU.c.id.label("fu_id"),
                AP.c.state.label("appeal_state"),
                C.c.case_no,
            )
            .join(T, T.c.id == RT.c.ticket_id)
            .outerjoin(S, S.c.id == RT.c.staff_id)
            .outerjoin(FU, FU.c.rating_id == RT.c.id)
            .outerjoin(AP, AP.c.rating_id == RT.c.id)
            .outerjoin(C, C.c.ticket_id == RT.c.ticket_id)
            .where(RT.c.hall_id == ctx.id, T.c.service_date >= start, T.c.service_date <= end)
            .order_by(RT.c.rated_at, RT.c.id)
        )
        with self.s.db.read() as conn:
            rows = conn.execute(q).all()
        out = []
        for r in rows:
            stored = ctx.matters.get(r.matter_id) if r.matter_id is not None else None
            out.append(
                {
                    "rating_id": r.id,
                    "hall": ctx.code,
                    "window": r.window_number,
                    "staff_no": r.staff_no,
                    "matter_code": stored.matter.code if stored else None,
                    "matter_name": stored.matter.name if stored else None,
                    "case_no": r.case_no,
                    "ticket": r.number,
                    "service_date": r.service_date.isoformat(),
                    "channel": CHANNELS.get(r.channel, r.channel),
                    "level": r.level,
                    "reasons": json.loads(r.tags_json),
                    "rated_at": r.rated_at.isoformat(),
                    "defaulted": bool(r.defaulted),
                    "counted": bool(r.counted),
                    "appeal": r.appeal_state,
                    "follow_up_id": r.fu_id,
                    "follow_up_state": r.fu_state,
                }
            )
        return out

    def jsonl(self, principal: Principal, raw_from: str | None, raw_to: str | None) -> str:
        start, end, _ = parse_period(raw_from, raw_to, "window")
        ctx = self.s.halls.get(principal.hall_id)
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records(ctx, start, end))

    def xlsx(self, principal: Principal, raw_from: str | None, raw_to: str | None, by: str | None) -> bytes:
        start, end, by = parse_period(raw_from, raw_to, by)
        ctx = self.s.halls.get(principal.hall_id)
        figures = self.figures.compute(ctx, start, end, by)
        wb = Workbook()
        sheet = wb.active
        sheet.title = "统计"
        sheet.append([_cell(f"{ctx.config.name} 好差评统计 {start.isoformat()} 至 {end.isoformat()}")])
        sheet.append([title for _, title in FIGURE_COLUMNS])
        for row in [*figures["rows"], figures["total"]]:
            sheet.append([_cell(row[k]) for k, _ in FIGURE_COLUMNS])
        last = 2 + len(figures["rows"])
        if figures["rows"]:
            chart = BarChart()
            chart.title = "好评率 / 差评率"
            chart.y_axis.title = "比率"
            data = Reference(sheet, min_col=5, max_col=6, min_row=2, max_row=last)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=last))
            chart.width, chart.height = 18, 9
            sheet.add_chart(chart, f"A{last + 3}")
        ratings = wb.create_sheet("评价")
        records = self.records(ctx, start, end)
        keys = list(records[0]) if records else ["rating_id"]
        ratings.append(keys)
        for r in records:
            ratings.append([_cell("、".join(v) if isinstance(v, list) else v) for v in r.values()])
        follow = wb.create_sheet("回访")
        follow.append(["id", "rating_id", "window", "level", "state", "callback_due_at", "called_back_at", "resolution",
                       "rectify_due_at", "feedback", "closed_at"])  # fmt: skip
        q = (
            select(FU)
            .join(T, T.c.id == FU.c.ticket_id)
            .where(FU.c.hall_id == ctx.id, T.c.service_date >= start, T.c.service_date <= end)
            .order_by(FU.c.id)
        )
        with self.s.db.read() as conn:
            for f in conn.execute(q):
                follow.append(
                    [
                        f.id,
                        f.rating_id,
                        f.window_number,
                        f.level,
                        message(f"ratings.state_{f.state}"),
                        f.callback_due_at.astimezone(ctx.config.timezone).strftime("%Y-%m-%d %H:%M"),
                        f.called_back_at
                        and f.called_back_at.astimezone(ctx.config.timezone).strftime("%Y-%m-%d %H:%M"),
                        f.resolution,
                        f.rectify_due_at
                        and f.rectify_due_at.astimezone(ctx.config.timezone).strftime("%Y-%m-%d %H:%M"),
                        f.feedback,
                        f.closed_at and f.closed_at.astimezone(ctx.config.timezone).strftime("%Y-%m-%d %H:%M"),
                    ]
                )
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
