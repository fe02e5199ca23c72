"""Figures over simulated days: waits, the slip estimate's error, consents, idle windows; table, JSON, HTML."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from typing import Any

from hall_common.i18n import message

from .hall_day import DayResult


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def summarise(days: Sequence[DayResult]) -> dict[str, Any]:
    tickets = [t for d in days for t in d.tickets]
    called = [t for t in tickets if t.called_at is not None]
    waits = [t.called_at - t.issued_at for t in called if t.called_at is not None]
    errors = [
        abs(t.called_at - t.expected_start) for t in called if t.called_at is not None and t.expected_start is not None
    ]
    unreachable = [
        t
        for d in days
        for t in d.tickets
        if not t.consented and (t.called_at is None or (d.closing is not None and t.called_at > d.closing))
    ]
    by_hour: dict[int, list[float]] = {}
    for t in called:
        if t.called_at is not None:
            by_hour.setdefault(int(t.issued_at // 60), []).append(t.called_at - t.issued_at)
    duty = sum(sum(d.duty_minutes.values()) for d in days)
    busy = sum(sum(min(d.busy_minutes[n], d.duty_minutes[n]) for n in d.busy_minutes) for d in days)
    windows = sorted({n for d in days for n in d.duty_minutes})
    return {
        "days": len(days),
        "residents": sum(d.residents for d in days),
        "tickets": len(tickets),
        "tickets_per_day": _r(len(tickets) / len(days)) if days else 0,
        "wait_p50_min": _r(percentile(waits, 0.5)),
        "wait_p90_min": _r(percentile(waits, 0.9)),
        "wait_max_min": _r(max(waits, default=0.0)),
        "wait_mean_min": _r(sum(waits) / len(waits)) if waits else None,
        "estimate_abs_error_p50_min": _r(percentile(errors, 0.5)),
        "estimate_abs_error_p90_min": _r(percentile(errors, 0.9)),
        "unreachable_without_consent": len(unreachable),
        "consents": sum(d.consent_prompts for d in days),
        "issued_with_consent": sum(1 for t in tickets if t.consented),
        "declined_at_consent": sum(d.declined for d in days),
        "turned_away_closed": sum(d.turned_away for d in days),
        "idle_window_minutes_per_day": _r((duty - busy) / len(days)) if days else None,
        "idle_share": _r((duty - busy) / duty) if duty else None,
        "idle_by_window_min_per_day": {
            str(n): _r(
                sum(d.duty_minutes.get(n, 0) - min(d.busy_minutes.get(n, 0), d.duty_minutes.get(n, 0)) for d in days)
                / len(days)
            )
            for n in windows
        },
        "wait_mean_by_hour_min": {str(h): _r(sum(v) / len(v)) for h, v in sorted(by_hour.items())},
        "estimate_error_histogram": _histogram(errors),
    }


def _histogram(errors: Sequence[float]) -> dict[str, int]:
    edges = [1, 2, 5, 10, 20, 30]
    counts = dict.fromkeys([*(f"<{e}" for e in edges), f">={edges[-1]}"], 0)
    for e in errors:
        key = next((f"<{edge}" for edge in edges if e < edge), f">={edges[-1]}")
        counts[key] += 1
    return counts


ROWS = (
    ("days", "sim.row_days"),
    ("residents", "sim.row_residents"),
    ("tickets", "sim.row_tickets"),
    ("wait_p50_min", "sim.row_wait_p50"),
    ("wait_p90_min", "sim.row_wait_p90"),
    ("wait_max_min", "sim.row_wait_max"),
    ("wait_mean_min", "sim.row_wait_mean"),
    ("estimate_abs_error_p50_min", "sim.row_error_p50"),
    ("estimate_abs_error_p90_min", "sim.row_error_p90"),
    ("unreachable_without_consent", "sim.row_unreachable"),
    ("consents", "sim.row_consents"),
    ("issued_with_consent", "sim.row_issued_with_consent"),
    ("idle_window_minutes_per_day", "sim.row_idle"),
)


def table(report: dict[str, Any]) -> str:
    other = report.get("department_lines")
    head = [message("sim.col_figure"), message("sim.col_shared")] + ([message("sim.col_departments")] if other else [])
    rows = [head]
    for key, label in ROWS:
        row = [message(label), _cell(report.get(key))]
        if other:
            row.append(_cell(other.get(key)))
        rows.append(row)
    if other and report.get("mean_wait_ratio_shared_vs_departments") is not None:
        rows.append([message("sim.row_ratio"), _cell(report["mean_wait_ratio_shared_vs_departments"])])
    widths = [max(_width(r[i]) for r in rows if i < len(r)) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(r)).rstrip() for r in rows
    )


def _cell(v: Any) -> str:
    return "—" if v is None else str(v)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def html_report(report: dict[str, Any], echarts_js: str) -> str:
    """A stand-alone page: ECharts inlined (no CDN, opens offline)."""
    other = report.get("department_lines") or {}
    hours = sorted({*report["wait_mean_by_hour_min"], *other.get("wait_mean_by_hour_min", {})}, key=int)
    charts = {
        "waits": {
            "title": {"text": message("sim.chart_wait_by_hour")},
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"top": 60, "bottom": 50},
            "xAxis": {"type": "category", "data": [f"{h}:00" for h in hours]},
            "yAxis": {"type": "value", "name": message("sim.axis_minutes")},
            "series": [
                {
                    "name": message("sim.col_shared"),
                    "type": "bar",
                    "data": [report["wait_mean_by_hour_min"].get(h) for h in hours],
                }
            ]
            + (
                [
                    {
                        "name": message("sim.col_departments"),
                        "type": "bar",
                        "data": [other["wait_mean_by_hour_min"].get(h) for h in hours],
                    }
                ]
                if other
                else []
            ),
        },
        "errors": {
            "title": {"text": message("sim.chart_error")},
            "tooltip": {},
            "xAxis": {"type": "category", "data": list(report["estimate_error_histogram"])},
            "yAxis": {"type": "value", "name": message("sim.axis_tickets"), "minInterval": 1},
            "series": [{"type": "bar", "data": list(report["estimate_error_histogram"].values())}],
        },
        "idle": {
            "title": {"text": message("sim.chart_idle")},
            "tooltip": {},
            "xAxis": {
                "type": "category",
                "data": [message("sim.window_label", n=n) for n in report["idle_by_window_min_per_day"]],
            },
            "yAxis": {"type": "value", "name": message("sim.axis_minutes")},
            "series": [{"type": "bar", "data": list(report["idle_by_window_min_per_day"].values())}],
        },
    }
    rows = "".join(
        f"<tr><th>{html.escape(message(label))}</th><td>{html.escape(_cell(report.get(key)))}</td>"
        + (f"<td>{html.escape(_cell(other.get(key)))}</td>" if other else "")
        + "</tr>"
        for key, label in ROWS
    )
    head = f"<th>{html.escape(message('sim.col_departments'))}</th>" if other else ""
    data = json.dumps(charts, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(message("sim.html_title"))}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #1f2933; }}
table {{ border-collapse: collapse; margin-bottom: 24px; }} th, td {{ border: 1px solid #cbd2d9; padding: 6px 12px; }}
td {{ text-align: right; }} .chart {{ width: 900px; height: 360px; margin-bottom: 24px; }}
</style></head><body>
<h1>{html.escape(message("sim.html_title"))}</h1>
<p>{html.escape(message("sim.html_intro", days=report["days"], tickets=report["tickets"]))}</p>
<table><tr><th>{html.escape(message("sim.col_figure"))}</th><th>{html.escape(message("sim.col_shared"))}</th>{head}</tr>
{rows}</table>
<div id="waits" class="chart"></div><div id="errors" class="chart"></div><div id="idle" class="chart"></div>
<script>{echarts_js}</script>
<script>
const charts = {data};
for (const [id, option] of Object.entries(charts)) echarts.init(document.getElementById(id)).setOption(option);
</script></body></html>
"""
