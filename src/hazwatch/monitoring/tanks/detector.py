"""Building, tuning and (de)serialising a tank's :class:`LeakDetector`.

The physics detector is a plain dataclass; its state is stored as JSON in ``tank_state``
so that a restart resumes the CUSUM, the last sample and a latched alarm instead of
starting blind (a leak that began before the restart must still be found).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from hazwatch.physics.leak import DrawProfile, LeakDetector, Tuning, tune

#: Level noise assumed until the owner sets it, mm (a good radar or DP gauge; DOMAIN §5).
DEFAULT_NOISE_MM = Decimal(3)
#: False alarms per tank-year accepted until the owner sets it (DOMAIN §5: "≤ 1").
DEFAULT_FALSE_ALARMS_PER_YEAR = Decimal(1)
#: Simulated noise-only years behind each tuning (enough for budgets down to ~0.2/year).
TUNING_YEARS = 5


@cache
def tuning(noise_mm: Decimal, interval_s: int, budget_per_year: Decimal) -> Tuning:
    """CUSUM allowance, threshold and block for a noise level, sample interval and
    false-alarm budget; simulated once per process for each combination (about a second)."""
    return tune(
        float(noise_mm), timedelta(seconds=interval_s), float(budget_per_year), years=TUNING_YEARS
    )


#: The layout of ``tank_state.detector`` written now: the whole detector (profile with its
#: uncertainty and noise, tuning, CUSUM, fit) under ``leak_detector``. The first layout had
#: flat keys (profile slots, CUSUM, last sample, block anchor, latched alarm) and still resumes.
STATE_FORMAT = 2


def to_state(detector: LeakDetector) -> dict[str, Any]:
    """Everything the detector is, so that a restart resumes exactly this detector."""
    return {"format": STATE_FORMAT, "leak_detector": detector.to_dict()}


def from_state(state: dict[str, Any], tuned: Tuning) -> LeakDetector:
    """The stored detector under the current tuning (settings may have changed meanwhile;
    unchanged, the detector is the one saved)."""
    if "leak_detector" in state:
        detector = LeakDetector.from_dict(state["leak_detector"])
        retune(detector, tuned)
        return detector
    return _from_first_format(state, tuned)


def _from_first_format(state: dict[str, Any], tuned: Tuning) -> LeakDetector:
    """A state saved before the whole detector was (format 1): the profile's slots and
    default, the CUSUM, the last sample, the block anchor and a latched alarm."""
    profile = DrawProfile(
        {int(k): float(v) for k, v in state["profile"].items()}, float(state["default_mm_h"])
    )
    detector = tuned.detector(profile)
    detector.cusum = float(state["cusum"])
    if state["last_at"] is not None:
        detector.last = (datetime.fromisoformat(state["last_at"]), float(state["last_mm"]))
    # a block being filled was not kept: after a restart the next block starts afresh
    if state.get("anchor_at") is not None:
        detector.anchor = (datetime.fromisoformat(state["anchor_at"]), float(state["anchor_mm"]))
    if detector.cusum > 0 and detector.anchor is not None:  # the excursion goes on from here
        detector.onset_at = detector.anchor[0]
        detector.fit = [(0.0, detector.anchor[1])]
    if state["alarmed_at"] is not None:
        detector.alarmed_at = datetime.fromisoformat(state["alarmed_at"])
    return detector


def retune(detector: LeakDetector, tuned: Tuning) -> None:
    """Apply a tuning to a running detector: what :meth:`Tuning.detector` would build."""
    detector.threshold = tuned.threshold_mm
    detector.allowance = tuned.allowance_mm
    if detector.block != tuned.block:  # a new noise setting: blocks of the new size from now
        detector.block, detector.filling = tuned.block, []
    detector.step_noise_mm = tuned.detector(detector.profile).step_noise_mm
    detector.suspicion_mm = tuned.suspicion_mm
