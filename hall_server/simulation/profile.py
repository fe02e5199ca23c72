"""What residents do on a simulated day: when they come, for what, how long it takes, who fails to show."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

# Relative arrival rate per local hour: a morning peak, a lunch dip (walk-ins are closed then),
# a smaller afternoon peak, the 延时 evening trickle.
HOURLY_RATE: dict[int, float] = {
    9: 1.5,
    10: 1.4,
    11: 1.0,
    12: 0.0,
    13: 0.6,
    14: 1.1,
    15: 1.0,
    16: 0.8,
    17: 0.5,
    18: 0.3,
}
CLASS_WEIGHT: dict[str, float] = {"高频": 4.0, "阶段性": 1.5, "低频": 1.0, "转报": 0.5}


@dataclass(frozen=True)
class MatterMix:
    matter_id: int | None
    department: str
    weight: float
    mean_minutes: float  # the true mean service time (the catalog's figure is the server's prior)


@dataclass(frozen=True)
class Profile:
    tickets_per_day: float = 0.0  # 0: enough to keep the windows about 85 % busy
    service_cv: float = 0.5  # spread of service times (lognormal coefficient of variation)
    speed_vs_catalog: float = 0.8  # real services run this share of the catalog's planning figure
    no_show: float = 0.04  # called, never comes (过号)
    priority_share: float = 0.08
    appointment_share: float = 0.10
    appointment_no_show: float = 0.05
    consent_accept: float = 0.3  # residents who take a number anyway when told the hall will close
    utilisation: float = 0.85
    mix: tuple[MatterMix, ...] = field(default_factory=tuple)

    def mean_service(self) -> float:
        total = sum(m.weight for m in self.mix)
        return sum(m.weight * m.mean_minutes for m in self.mix) / total

    def daily_tickets(self, window_minutes: float) -> float:
        if self.tickets_per_day > 0:
            return self.tickets_per_day
        return self.utilisation * window_minutes / self.mean_service()

    def pick_matter(self, rng: random.Random) -> MatterMix:
        return rng.choices(self.mix, weights=[m.weight for m in self.mix])[0]

    def service_minutes(self, rng: random.Random, mean: float) -> float:
        sigma = math.sqrt(math.log(1 + self.service_cv**2))
        return rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma)


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; the rates here are small (a few per five minutes)."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
