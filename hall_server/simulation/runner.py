"""Run N simulated days of one hall and summarise them (the command's and the bench's entry point)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .hall_day import HallSimulation
from .profile import Profile
from .report import summarise


def run(
    config_text: str, profile: Profile, mode: str, start: date, days: int, seed: int, demand_text: str | None = None
) -> dict[str, Any]:
    """``demand_text``: the hall without the what-ifs of ``config_text`` (see HallSimulation)."""
    sim = HallSimulation(config_text, profile, mode, demand_text=demand_text)
    try:
        results = [sim.run_day(d, seed) for d in sim.working_days(start, days)]
    finally:
        sim.close()
    return summarise(results)
