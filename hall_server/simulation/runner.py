"""Run N simulated days of one hall and summarise them (the command's and the bench's entry point)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .hall_day import HallSimulation
from .profile import Profile
from .report import summarise


def run(config_text: str, profile: Profile, mode: str, start: date, days: int, seed: int) -> dict[str, Any]:
    sim = HallSimulation(config_text, profile, mode)
    try:
        results = [sim.run_day(d, seed) for d in sim.working_days(start, days)]
    finally:
        sim.close()
    return summarise(results)
