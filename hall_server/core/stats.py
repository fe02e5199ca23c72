"""Statistics arithmetic without a database: duration histograms that merge across days and
halls, percentiles from them, and one figure row.

Why histograms and not sorted samples: a closed day is rolled up once (per hall x day x matter
x window x clerk x channel) and any period is then the merge of its days. Sorted samples would
make the rollup as large as the ticket table; fixed buckets keep a row small and mergeable.
Percentiles are therefore approximate, rounded DOWN to the bucket: 10 s below 10 min, 1 min
below 2 h, 10 min beyond. Counts, sums and maxima are exact.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

FINE_LIMIT, FINE_STEP = 600, 10
MID_LIMIT, MID_STEP = 7200, 60
COARSE_STEP = 600
MID_FIRST = FINE_LIMIT // FINE_STEP  # 60
COARSE_FIRST = MID_FIRST + (MID_LIMIT - FINE_LIMIT) // MID_STEP  # 170
LAST_BUCKET = 499  # about 55 h; anything longer lands here


def bucket_of(seconds: float) -> int:
    s = max(0, int(seconds))
    if s < FINE_LIMIT:
        return s // FINE_STEP
    if s < MID_LIMIT:
        return MID_FIRST + (s - FINE_LIMIT) // MID_STEP
    return min(LAST_BUCKET, COARSE_FIRST + (s - MID_LIMIT) // COARSE_STEP)


def bucket_floor(bucket: int) -> int:
    """The smallest duration (seconds) that falls in ``bucket``."""
    if bucket < MID_FIRST:
        return bucket * FINE_STEP
    if bucket < COARSE_FIRST:
        return FINE_LIMIT + (bucket - MID_FIRST) * MID_STEP
    return MID_LIMIT + (bucket - COARSE_FIRST) * COARSE_STEP


@dataclass
class Durations:
    """Count, sum, max and histogram of some durations in seconds."""

    n: int = 0
    total: float = 0.0
    longest: float = 0.0
    hist: Counter[int] = field(default_factory=Counter)

    def add(self, seconds: float) -> None:
        self.n += 1
        self.total += seconds
        self.longest = max(self.longest, seconds)
        self.hist[bucket_of(seconds)] += 1

    def merge(self, other: Durations) -> None:
        self.n += other.n
        self.total += other.total
        self.longest = max(self.longest, other.longest)
        self.hist.update(other.hist)

    def percentile(self, p: float) -> int | None:
        """Nearest-rank percentile (the smallest value with at least p% of samples at or below it),
        rounded down to its bucket."""
        if self.n == 0:
            return None
        rank = max(1, math.ceil(p * self.n / 100))
        seen = 0
        for bucket in sorted(self.hist):
            seen += self.hist[bucket]
            if seen >= rank:
                return bucket_floor(bucket)
        return bucket_floor(max(self.hist))

    def hist_json(self) -> str:
        return json.dumps({str(k): v for k, v in sorted(self.hist.items())}, separators=(",", ":"))

    @classmethod
    def stored(cls, n: int, total: float, longest: float, hist_json: str) -> Durations:
        return cls(n, total, longest, Counter({int(k): v for k, v in json.loads(hist_json or "{}").items()}))


@dataclass
class Figures:
    """What one row of a statistics table holds: tickets, waits, handling, cases."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    wait: Durations = field(default_factory=Durations)
    handle: Durations = field(default_factory=Durations)
    cases_answered: int = 0  # accepted + immediate + not accepted (the window gave an answer)
    cases_taken: int = 0  # accepted + immediate
    cases_closed: int = 0  # delivered: the loop closed
    cases_overdue: int = 0
    open_seconds: float | None = None  # the window's staffed hours in the period (utilisation)

    def merge(self, other: Figures) -> None:
        self.issued += other.issued
        self.served += other.served
        self.no_show += other.no_show
        self.cancelled += other.cancelled
        self.wait.merge(other.wait)
        self.handle.merge(other.handle)
        self.cases_answered += other.cases_answered
        self.cases_taken += other.cases_taken
        self.cases_closed += other.cases_closed
        self.cases_overdue += other.cases_overdue
        if other.open_seconds is not None:
            self.open_seconds = (self.open_seconds or 0.0) + other.open_seconds

    def as_dict(self) -> dict[str, Any]:
        w, h = self.wait, self.handle
        return {
            "issued": self.issued,
            "served": self.served,
            "no_show": self.no_show,
            "cancelled": self.cancelled,
            "wait_p50_s": w.percentile(50),
            "wait_p90_s": w.percentile(90),
            "wait_max_s": round(w.longest) if w.n else None,
            "wait_mean_s": round(w.total / w.n) if w.n else None,
            "handle_p50_s": h.percentile(50),
            "handle_p90_s": h.percentile(90),
            "handle_max_s": round(h.longest) if h.n else None,
            "handle_mean_s": round(h.total / h.n) if h.n else None,
            "busy_s": round(h.total),
            "utilisation": round(h.total / self.open_seconds, 4) if self.open_seconds else None,
            "cases": self.cases_answered,
            "one_window_rate": _rate(self.cases_taken, self.cases_answered),
            "completion_rate": _rate(self.cases_closed, self.cases_taken),
            "overdue": self.cases_overdue,
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def nearest_rank(values: list[float], p: float) -> float | None:
    """The textbook nearest-rank percentile of raw values (used to check the histograms)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p * len(ordered) / 100)) - 1]
