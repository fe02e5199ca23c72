"""`yichuang simulate`: run hall days on the real services and print what residents would live through."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from hall_common.cli_parser import help_text as h
from hall_common.i18n import message

DEFAULT_START = date(2026, 11, 30)


def register(sub: Any) -> None:
    p = sub.add_parser("simulate", help=h("sim.help"), description=h("sim.help"))
    p.add_argument("--hall", help=h("sim.help_hall"))
    p.add_argument("--days", type=int, default=20, help=h("sim.help_days"))
    p.add_argument("--seed", type=int, default=1, help=h("sim.help_seed"))
    p.add_argument("--start", default=DEFAULT_START.isoformat(), help=h("sim.help_start"))
    p.add_argument("--tickets", type=float, default=0.0, help=h("sim.help_tickets"))
    p.add_argument("--compare", choices=("department-lines",), help=h("sim.help_compare"))
    p.add_argument("--windows", type=int, help=h("sim.help_windows"))
    p.add_argument("--slots", action="append", default=[], help=h("sim.help_slots"))
    p.add_argument("--json", dest="json_path", nargs="?", const="-", help=h("sim.help_json"))
    p.add_argument("--html", dest="html_path", help=h("sim.help_html"))
    p.set_defaults(func=cmd_simulate)


def _fail(text: str) -> int:
    print(text, file=sys.stderr)
    return 2


def cmd_simulate(args: argparse.Namespace) -> int:
    from hall_server.core.hall_config import pilot_hall_text

    from .hall_day import DEPARTMENT_LINES, SHARED, with_what_ifs
    from .profile import Profile
    from .runner import run

    if not 1 <= args.days <= 2000:
        return _fail(message("sim.bad_days", value=args.days))
    if args.windows is not None and not 1 <= args.windows <= 30:
        return _fail(message("sim.bad_windows", value=args.windows))
    try:
        start = date.fromisoformat(args.start)
    except ValueError:
        return _fail(message("sim.bad_start", value=args.start))
    try:
        text = Path(args.hall).read_text("utf-8") if args.hall else pilot_hall_text()
    except OSError as exc:
        return _fail(message("sim.bad_hall", path=args.hall, error=exc.strerror or str(exc)))
    base = text
    try:
        text = with_what_ifs(text, args.windows, args.slots)
    except (ValueError, KeyError) as exc:
        return _fail(message("sim.bad_slot", value=str(exc)))
    profile = Profile(tickets_per_day=args.tickets)
    # The residents come as they do to the hall as it is; the what-ifs change only who serves them.
    report = run(text, profile, SHARED, start, args.days, args.seed, demand_text=base)
    if args.compare == "department-lines":
        other = run(text, profile, DEPARTMENT_LINES, start, args.days, args.seed, demand_text=base)
        report["department_lines"] = other
        if report.get("wait_mean_min") and other.get("wait_mean_min"):
            report["mean_wait_ratio_shared_vs_departments"] = round(report["wait_mean_min"] / other["wait_mean_min"], 3)
    from .report import html_report, table

    if args.json_path == "-":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(table(report))
        if args.json_path:
            Path(args.json_path).write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    if args.html_path:
        from page_toolkit import echarts_path

        Path(args.html_path).write_text(html_report(report, Path(echarts_path()).read_text("utf-8")), "utf-8")
    return 0
