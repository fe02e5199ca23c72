"""`yichuang simulate`: the simulator runs the server's own decisions, deterministically."""

import json
import random
import sqlite3
from datetime import date, datetime

from hall_server.core.clock import CHINA
from hall_server.core.errors import Conflict
from hall_server.core.hall_config import pilot_hall_text
from hall_server.services.ticketing import IssueRequest
from hall_server.simulation.hall_day import HallSimulation, with_what_ifs
from hall_server.simulation.profile import Profile
from tests.support.live_server import start_live_hall
from yichuang.cli import main

DAY = date(2026, 11, 30)


def test_post_tickets_and_the_simulator_project_the_same_start_on_a_recorded_day(tmp_path):
    sim = HallSimulation(pilot_hall_text(), workdir=tmp_path)
    try:
        sim._simulate(DAY, sim.arrivals(DAY, random.Random(f"7:{DAY}")), until=11 * 60 + 40)
        sim.clock.set(datetime(2026, 11, 30, 11, 40, tzinfo=CHINA))
        simulated = sim.preview_new_ticket(1)
    finally:
        sim.server.close()
    hall = start_live_hall(f"sqlite:///{tmp_path / 'sim.db'}", "2026-11-30 11:40", sign_in=False)
    try:
        issued = hall.client("kiosk").post("/tickets", json={"matter_id": 1}).json()
    finally:
        hall.stop()
    assert simulated["waiting_ahead"] > 0  # a real line at 11:40, not an empty hall
    assert (issued["waiting_ahead"], issued["expected_start_at"]) == (
        simulated["waiting_ahead"],
        simulated["expected_start_at"],
    )


def _copy_db(sim: HallSimulation, target) -> None:
    with sqlite3.connect(sim.workdir / "sim.db") as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def _simulator_answer(sim: HallSimulation) -> tuple[int, dict]:
    """What the simulator's resident gets at the kiosk: the Ticketing service it drives, in process."""
    try:
        view = sim.server.tickets.issue(sim.kiosk, IssueRequest(matter_id=1))
    except Conflict as exc:
        return 409, {"code": exc.code, **{k: exc.details[k] for k in ("waiting_ahead", "consent_possible")}}
    return 201, {k: view[k] for k in ("waiting_ahead", "expected_start_at", "late_risk_accepted")}


def _server_answer(tmp_path, name: str, at: str) -> tuple[int, dict]:
    hall = start_live_hall(f"sqlite:///{tmp_path / name}", at, sign_in=False)
    try:
        r = hall.client("kiosk").post("/tickets", json={"matter_id": 1})
    finally:
        hall.stop()
    if r.status_code != 201:
        e = r.json()["error"]
        return r.status_code, {"code": e["code"], **{k: e["details"][k] for k in ("waiting_ahead", "consent_possible")}}
    return 201, {k: r.json()[k] for k in ("waiting_ahead", "expected_start_at", "late_risk_accepted")}


def test_post_tickets_and_the_simulator_take_the_same_consent_decision_in_the_evening_of_a_recorded_day(tmp_path):
    answers = {}
    for at in ("17:00", "17:20"):
        hh, mm = map(int, at.split(":"))
        workdir = tmp_path / at.replace(":", "")
        workdir.mkdir()
        sim = HallSimulation(pilot_hall_text(), Profile(tickets_per_day=120), workdir=workdir)  # a busy evening
        try:
            sim._simulate(DAY, sim.arrivals(DAY, random.Random(f"7:{DAY}")), until=hh * 60 + mm)
            sim.clock.set(datetime(2026, 11, 30, hh, mm, tzinfo=CHINA))
            _copy_db(sim, tmp_path / f"at-{hh}{mm}.db")
            answers[at] = _simulator_answer(sim)
        finally:
            sim.server.close()
        assert _server_answer(tmp_path, f"at-{hh}{mm}.db", f"2026-11-30 {at}") == answers[at], at
    # The recorded evening has both outcomes: a number issued at 17:00 (seven ahead, three windows until
    # 17:30), the consent prompt at 17:20 (six ahead, soon only window 1 until 18:30).
    assert answers["17:00"][0] == 201 and answers["17:00"][1]["waiting_ahead"] > 0
    assert answers["17:20"][0] == 409 and answers["17:20"][1]["code"] == "closing_soon"


def test_same_seed_same_report_with_the_keys_the_issue_names_and_a_standalone_html(tmp_path, capsys):
    args = ["simulate", "--days", "1", "--seed", "3", "--tickets", "60"]
    assert main([*args, "--json", str(tmp_path / "a.json"), "--html", str(tmp_path / "r.html")]) == 0
    assert main([*args, "--json", str(tmp_path / "b.json")]) == 0
    a, b = (json.loads((tmp_path / n).read_text("utf-8")) for n in ("a.json", "b.json"))
    assert a == b and a["tickets"] > 0
    for key in ("days", "tickets", "wait_p50_min", "wait_p90_min", "estimate_abs_error_p50_min"):
        assert key in a
    assert a["unreachable_without_consent"] == 0 and "consents" in a and "estimate_abs_error_p90_min" in a
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "<script src" not in page and "echarts.init" in page and len(page) > 500_000  # ECharts inlined
    assert "等候时间中位数" in capsys.readouterr().out


def test_bad_days_are_refused_with_a_chinese_message(capsys):
    assert main(["simulate", "--days", "0"]) == 2
    assert "1 到 2000" in capsys.readouterr().err


def test_a_what_if_with_fewer_windows_simulates_the_same_arrival_stream(tmp_path):
    base = pilot_hall_text()
    streams = {}
    for windows in (2, 3):
        workdir = tmp_path / str(windows)
        workdir.mkdir()
        sim = HallSimulation(with_what_ifs(base, windows, []), workdir=workdir, demand_text=base)
        try:
            streams[windows] = sim.arrivals(DAY, random.Random(f"1:{DAY}"))
        finally:
            sim.close()
    assert len(streams[3]) > 50  # a real day's residents, not an empty stream
    assert streams[2] == streams[3]


def test_simulate_windows_2_and_3_report_the_same_residents_and_different_waits(tmp_path, capsys):
    reports = {}
    for windows in ("2", "3"):
        out = tmp_path / f"w{windows}.json"
        assert main(["simulate", "--days", "1", "--windows", windows, "--json", str(out)]) == 0
        reports[windows] = json.loads(out.read_text("utf-8"))
    assert reports["2"]["residents"] == reports["3"]["residents"] > 50
    assert reports["2"]["wait_mean_min"] > reports["3"]["wait_mean_min"]  # only the windows differ
