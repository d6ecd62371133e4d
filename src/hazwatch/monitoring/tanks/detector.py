"""Building, tuning and (de)serialising a tank's :class:`LeakDetector`.

The physics detector is a plain dataclass; its state is stored as JSON in ``tank_state``
so that a restart resumes the CUSUM, the last sample and a latched alarm instead of
starting blind (a leak that began before the restart must still be found).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from hazwatch.physics.leak import DrawProfile, LeakDetector, tune_threshold

#: Level noise assumed until the owner sets it, mm (a good radar or DP gauge; DOMAIN §5).
DEFAULT_NOISE_MM = Decimal(3)
#: False alarms per tank-year accepted until the owner sets it (DOMAIN §5: "≤ 1").
DEFAULT_FALSE_ALARMS_PER_YEAR = Decimal(1)
#: Simulated noise-only years behind each tuning (enough for budgets down to ~0.2/year).
TUNING_YEARS = 5


@dataclass(frozen=True)
class Tuning:
    allowance_mm: float
    threshold_mm: float


@cache
def tuning(noise_mm: Decimal, interval_s: int, budget_per_year: Decimal) -> Tuning:
    """CUSUM allowance and threshold for a noise level, sample interval and false-alarm
    budget; simulated once per process for each combination (about a second)."""
    allowance, threshold = tune_threshold(
        float(noise_mm), timedelta(seconds=interval_s), float(budget_per_year), years=TUNING_YEARS
    )
    return Tuning(allowance, threshold)


def to_state(detector: LeakDetector) -> dict[str, Any]:
    last = detector.last
    return {
        "profile": {str(k): v for k, v in sorted(detector.profile.by_hour.items())},
        "default_mm_h": detector.profile.default,
        "cusum": detector.cusum,
        "last_at": last[0].isoformat() if last else None,
        "last_mm": last[1] if last else None,
        "alarmed_at": detector.alarmed_at.isoformat() if detector.alarmed_at else None,
    }


def from_state(state: dict[str, Any], tuned: Tuning) -> LeakDetector:
    """The stored detector with the current tuning (settings may have changed meanwhile)."""
    profile = DrawProfile(
        {int(k): float(v) for k, v in state["profile"].items()}, float(state["default_mm_h"])
    )
    detector = LeakDetector(profile, tuned.threshold_mm, tuned.allowance_mm)
    detector.cusum = float(state["cusum"])
    if state["last_at"] is not None:
        detector.last = (datetime.fromisoformat(state["last_at"]), float(state["last_mm"]))
    if state["alarmed_at"] is not None:
        detector.alarmed_at = datetime.fromisoformat(state["alarmed_at"])
    return detector


def retune(detector: LeakDetector, tuned: Tuning) -> None:
    detector.threshold = tuned.threshold_mm
    detector.allowance = tuned.allowance_mm
