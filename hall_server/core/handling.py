"""Handling times learned robustly from finished services.

Three quick 3-minute services must not replace a matter's 25-minute catalog figure: the learned
value is a trimmed mean shrunk toward the catalog's prior, with the prior's weight fading only
as services are seen (``FULL_TRUST`` of them make the data count as much as the prior). Outliers
(a service left open over lunch, a finish pressed twice) are dropped before anything is learned.
A clerk's speed is a mild factor (clamped to ±``SPEED_LIMIT``), shrunk the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median

FULL_TRUST = 10  # services seen before the data weighs as much as the catalog's figure
MIN_SECONDS, MAX_SECONDS = 30.0, 2 * 3600.0  # outside this a duration is a mistake, not a service
TRIM = 0.2  # share cut from each end before averaging
SPEED_LIMIT = 0.2  # a clerk's factor stays within 0.8 … 1.2
CLERK_TRUST = 20  # a clerk's factor needs this many services to count fully
# A matter's spread before any service is seen, as a share of its expected minutes: services of
# one matter differ by half their mean (a complete file vs. one needing questions), a guess the
# learned spread replaces as services are seen.
PRIOR_CV = 0.5
MAD_TO_SD = 1.4826  # the median absolute deviation of a normal sample times this is its σ


@dataclass(frozen=True)
class Service:
    matter_id: int | None
    staff_id: int | None
    seconds: float


@dataclass(frozen=True)
class HandlingTimes:
    minutes: Mapping[int | None, float]  # per matter (None: 综合业务 or unknown)
    clerk_speed: Mapping[int, float]  # per staff id, 1.0 = typical
    # Per matter: how far one service strays from the expected minutes (σ, learned robustly).
    spread: Mapping[int | None, float] = field(default_factory=dict)

    def for_matter(self, matter_id: int | None) -> float:
        return self.minutes.get(matter_id, self.minutes[None])

    def spread_for(self, matter_id: int | None) -> float:
        found = self.spread.get(matter_id, self.spread.get(None))
        return found if found is not None else PRIOR_CV * self.for_matter(matter_id)

    def speed(self, staff_id: int | None) -> float:
        return self.clerk_speed.get(staff_id, 1.0) if staff_id is not None else 1.0


def trimmed_mean(values: list[float], trim: float = TRIM) -> float:
    ordered = sorted(values)
    cut = int(len(ordered) * trim)
    kept = ordered[cut : len(ordered) - cut] or ordered
    return sum(kept) / len(kept)


def shrunk(prior: float, samples: list[float], trust: int = FULL_TRUST) -> float:
    """Weighted between the prior and the samples' trimmed mean by how many samples there are."""
    if not samples:
        return prior
    n = len(samples)
    return (prior * trust + trimmed_mean(samples) * n) / (trust + n)


def robust_sd(values: list[float]) -> float:
    """σ from the median absolute deviation: a service left open over lunch does not inflate it."""
    mid = median(values)
    return MAD_TO_SD * median(abs(v - mid) for v in values)


def shrunk_spread(prior: float, samples: list[float], trust: int = FULL_TRUST) -> float:
    """The prior σ until services are seen, then weighted toward their robust σ as ``shrunk`` does
    for the mean (one or two services say nothing about a spread: they count as their number)."""
    if len(samples) < 2:
        return prior
    n = len(samples)
    return (prior * trust + robust_sd(samples) * n) / (trust + n)


def plausible(seconds: float) -> bool:
    return MIN_SECONDS <= seconds <= MAX_SECONDS


def learn(priors: Mapping[int | None, float], services: Iterable[Service]) -> HandlingTimes:
    """``priors``: catalog minutes per matter, with ``None`` for the hall's default."""
    by_matter: dict[int | None, list[float]] = defaultdict(list)
    kept: list[Service] = []
    for s in services:
        if plausible(s.seconds):
            by_matter[s.matter_id].append(s.seconds / 60.0)
            kept.append(s)
    minutes = {m: shrunk(prior, by_matter.get(m, [])) for m, prior in priors.items()}
    for m, samples in by_matter.items():
        if m not in minutes:
            minutes[m] = shrunk(priors[None], samples)
    ratios: dict[int, list[float]] = defaultdict(list)
    for s in kept:
        if s.staff_id is not None:
            ratios[s.staff_id].append(s.seconds / 60.0 / minutes.get(s.matter_id, minutes[None]))
    speed = {
        staff: min(1 + SPEED_LIMIT, max(1 - SPEED_LIMIT, shrunk(1.0, r, CLERK_TRUST))) for staff, r in ratios.items()
    }
    spread = {m: shrunk_spread(PRIOR_CV * minutes[m], by_matter.get(m, [])) for m in minutes}
    return HandlingTimes(minutes, speed, spread)


def remaining_minutes(expected: float, elapsed: float) -> float:
    """What is probably left of a service in progress (never less than a quarter of the expected)."""
    return max(expected - elapsed, expected * 0.25)
