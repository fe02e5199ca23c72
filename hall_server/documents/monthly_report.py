"""The monthly report (.xlsx with native charts, A4 PDF with a cover) and the one-page daily
closing summary, from the figures the statistics service computed (hall_server/services/statistics.py)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hall_common.i18n import message

from .pdf import cjk_font

# Columns of every figures table: (field, catalog key of the heading, how to show it).
COLUMNS = (
    ("issued", "col_issued", "n"),
    ("served", "col_served", "n"),
    ("no_show", "col_no_show", "n"),
    ("wait_p50_s", "col_wait_p50_s", "min"),
    ("wait_p90_s", "col_wait_p90_s", "min"),
    ("handle_p50_s", "col_handle_p50_s", "min"),
    ("one_window_rate", "col_one_window_rate", "pct"),
    ("completion_rate", "col_completion_rate", "pct"),
    ("overdue", "col_overdue", "n"),
)
# The county's ranking (section "hall", first in a report over every hall) adds the 好差评 columns.
RATING_COLUMNS = (
    ("rated", "col_rated", "n"),
    ("good_rate", "col_good_rate", "pct"),
    ("bad_ratings", "col_bad_ratings", "n"),
    ("follow_ups_overdue", "col_follow_ups_overdue", "n"),
)


def columns(section: str) -> tuple[tuple[str, str, str], ...]:
    return COLUMNS + RATING_COLUMNS if section == "hall" else COLUMNS


def t(key: str, locale: str, **fields: Any) -> str:
    return message(f"operations.{key}", locale, **fields)


def heading(key: str, kind: str, locale: str) -> str:
    """A column's heading; durations say they are in minutes (the cells hold minutes, not seconds)."""
    text = t(key, locale)
    return t("report_in_minutes", locale, head=text) if kind == "min" else text


def cell(value: Any, kind: str) -> Any:
    """Minutes with one decimal, rates as fractions (Excel formats them), counts as they are."""
    if value is None:
        return None
    if kind == "min":
        return round(value / 60, 1)
    return value


def shown(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    return str(cell(value, kind))


# --- Excel -------------------------------------------------------------------------------
def render_xlsx(report: dict[str, Any], locale: str = "zh_CN") -> bytes:
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = t("report_sheet_cover", locale)
    cover["A1"] = report["hall_name"]
    cover["A1"].font = Font(size=16, bold=True)
    cover["A2"] = t("report_title", locale, month=report["month"])
    cover.append([])
    for field, head, kind in COLUMNS:
        cover.append([heading(head, kind, locale), cell(report["total"][field], kind)])
        if kind == "pct":
            cover.cell(cover.max_row, 2).number_format = "0.0%"
    _duty_rows(cover, report, locale)
    _ratings_rows(cover, report, locale)
    cover.column_dimensions["A"].width = 28
    for section, rows in report["sections"].items():
        cols = columns(section)
        ws = wb.create_sheet(t(f"by_{section}", locale))
        ws.append([t("ui_key", locale)] + [heading(head, kind, locale) for _, head, kind in cols])
        for row in rows:
            ws.append([row["label"]] + [cell(row.get(f), kind) for f, _, kind in cols])
        for col, (_, _, kind) in enumerate(cols, start=2):
            if kind == "pct":
                for r in range(2, ws.max_row + 1):
                    ws.cell(r, col).number_format = "0.0%"
        ws.column_dimensions["A"].width = 26
        if rows:
            _charts(ws, len(rows), section, locale, anchor=f"{chr(ord('A') + len(cols) + 2)}2")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _charts(ws: Any, n: int, section: str, locale: str, anchor: str) -> None:
    bars = BarChart()
    bars.title = t("ui_h_volume", locale)
    bars.add_data(Reference(ws, min_col=2, max_col=4, min_row=1, max_row=n + 1), titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    bars.width, bars.height = 22, 8
    ws.add_chart(bars, anchor)
    if section == "day":
        line = LineChart()
        line.title = t("ui_h_wait", locale)
        line.add_data(Reference(ws, min_col=5, max_col=7, min_row=1, max_row=n + 1), titles_from_data=True)
        line.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        line.width, line.height = 22, 8
        ws.add_chart(line, "L20")


def _duty_rows(ws: Any, report: dict[str, Any], locale: str) -> None:
    duty = report.get("duty")
    if duty is None:
        return
    ws.append([])
    ws.append([t("report_duty", locale)])
    if not duty:
        ws.append([t("report_duty_none", locale)])
    for leader in duty:
        flag = t("report_duty_below", locale) if leader["below_minimum"] else ""
        ws.append([f"{leader['name']}（{leader['title']}）", leader["half_days"], flag])


def _ratings_rows(ws: Any, report: dict[str, Any], locale: str) -> None:
    ws.append([])
    ws.append([t("ui_h_ratings", locale)])
    ratings = report.get("ratings")
    if not ratings:
        ws.append([t("ui_ratings_pending", locale)])
        return
    for key, value in ratings.items():
        if isinstance(value, (int, float, str)):
            ws.append([key, value])


# --- PDF ---------------------------------------------------------------------------------
def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    base = ParagraphStyle("b", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("t", parent=base, fontSize=22, leading=30, alignment=1),
        "hall": ParagraphStyle("h", parent=base, fontSize=14, leading=20, alignment=1),
        "head": ParagraphStyle("s", parent=base, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4),
    }


def _table(rows: list[list[Any]], font: str, widths: list[float] | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe8f1")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#98a6b5")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _figures_table(rows: list[dict[str, Any]], total: dict[str, Any], font: str, locale: str, section: str) -> Table:
    cols = columns(section)
    label = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11)
    # Headings wrap (the county's 13 columns leave about 11 mm each on A4).
    wrap = ParagraphStyle("hd", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    head = [t("ui_key", locale)] + [Paragraph(escape(heading(h, k, locale)), wrap) for _, h, k in cols]
    body = [[Paragraph(escape(str(r["label"])), label)] + [shown(r.get(f), k) for f, _, k in cols] for r in rows]
    foot = [t("ui_total", locale)] + [shown(total.get(f), k) for f, _, k in cols]
    first = 40 * mm if len(cols) == len(COLUMNS) else 36 * mm
    return _table([head, *body, foot], font, [first] + [(180 * mm - first) / len(cols)] * len(cols))


def count_step(largest: int, ticks: int = 5) -> int:
    """A whole-number step for a count axis of about ``ticks`` steps: reportlab's own choice drew
    0.2, 0.4 … tickets on a quiet day's axis."""
    return max(1, -(-largest // ticks))


def _bar_chart(rows: list[dict[str, Any]], font: str, title: str, locale: str = "zh_CN") -> Drawing:
    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 150 * mm, 42 * mm
    chart.data = [[r["issued"] for r in rows], [r["served"] for r in rows]]
    chart.categoryAxis.categoryNames = [str(r["label"])[-5:] for r in rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    largest = max([0, *chart.data[0], *chart.data[1]])
    step = count_step(largest)
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = max(step, -(-largest // step) * step)
    chart.valueAxis.labelTextFormat = "%d"
    series = (
        (colors.HexColor("#1f6fb2"), t("ui_issued", locale)),
        (colors.HexColor("#7cb342"), t("ui_served", locale)),
    )
    for i, (color, _) in enumerate(series):
        chart.bars[i].fillColor = color
    drawing.add(chart)
    drawing.add(String(12 * mm, 57 * mm, title, fontName=font, fontSize=10))
    # Which colour is which: without it the two bars of a day could not be told apart on paper.
    legend = Legend()
    legend.x, legend.y = 120 * mm, 59 * mm
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 22 * mm
    legend.fontName, legend.fontSize = font, 8
    legend.dx, legend.dy = 3 * mm, 3 * mm
    legend.colorNamePairs = list(series)
    drawing.add(legend)
    return drawing


def render_pdf(report: dict[str, Any], locale: str = "zh_CN", daily: bool = False) -> bytes:
    st = _styles()
    font = st["base"].fontName
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=16 * mm, bottomMargin=14 * mm
    )
    story: list[Any] = [Paragraph(escape(report["hall_name"]), st["hall"]), Spacer(1, 4 * mm)]
    title = (
        t("report_daily_title", locale, day=report["month"])
        if daily
        else t("report_title", locale, month=report["month"])
    )
    story += [Paragraph(escape(title), st["title"]), Spacer(1, (3 if daily else 8) * mm)]
    total = report["total"]
    if daily:  # one page: the headline figures as one row
        heads = [
            Paragraph(escape(heading(h, k, locale)), ParagraphStyle("k", fontName=font, fontSize=8, leading=10))
            for _, h, k in COLUMNS
        ]
        story.append(_table([heads, [shown(total[f], k) for f, _, k in COLUMNS]], font, [20 * mm] * len(COLUMNS)))
    else:
        headline = [[heading(h, k, locale), shown(total[f], k)] for f, h, k in COLUMNS]
        story.append(_table([[t("report_headline", locale), ""], *headline], font, [60 * mm, 40 * mm]))
    if report.get("duty") is not None and not daily:
        story += [Spacer(1, 6 * mm), Paragraph(escape(t("report_duty", locale)), st["head"])]
        duty = [
            [
                f"{d['name']}（{d['title']}）",
                str(d["half_days"]),
                t("report_duty_below", locale) if d["below_minimum"] else "",
            ]
            for d in report["duty"]
        ]
        if duty:
            head = [t("report_duty_leader", locale), t("report_duty_half_days", locale), ""]
            story.append(_table([head, *duty], font))
        else:
            story.append(Paragraph(escape(t("report_duty_none", locale)), st["base"]))
    ratings = report.get("ratings")
    story += [Spacer(1, (2 if daily else 6) * mm), Paragraph(escape(t("ui_h_ratings", locale)), st["head"])]
    if not ratings:
        story.append(Paragraph(escape(t("ui_ratings_pending", locale)), st["base"]))
    else:
        rows = [[label, "—" if value is None else f"{value}%" if label.endswith("率") else str(value)]
                for label, value in ratings.items()]  # fmt: skip
        story.append(_table(rows, font))
    first = "hour" if daily else "day"
    if not daily:
        story.append(PageBreak())
    story += [Paragraph(escape(t(f"by_{first}", locale)), st["head"])]
    if report["sections"][first]:
        story.append(_bar_chart(report["sections"][first], font, t("ui_h_volume", locale), locale))
    else:  # a chart of nothing has no axis range (reportlab raises): say so instead
        story.append(Paragraph(escape(t("report_no_tickets", locale)), st["base"]))
    sections = ("window",) if daily else tuple(report["sections"])
    for section in sections:
        story += [Paragraph(escape(t(f"by_{section}", locale)), st["head"])]
        story.append(_figures_table(report["sections"][section], total, font, locale, section))
    doc.build(story)
    return out.getvalue()
