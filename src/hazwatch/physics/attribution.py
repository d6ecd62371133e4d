"""How much of a tank's level drop the modelled O2 of the fed rooms should receive.

A tank gauge's noise (3 mm ≈ 4 m³ of nitrogen gas from the 2·7 tank) hides any single
reading's excess, and a rate estimated from a window lags the leak by half the window while
a rate gate throws away whatever falls under it. So the attribution follows the leak
detector's evidence: nothing while the CUSUM stands below its suspicion level (noise alone
passes it about :data:`~hazwatch.physics.leak.SUSPICIONS_PER_YEAR` times a tank-year, each
a small phantom inflow the room's ventilation clears); from there on, and after an alarm,
the excess the detector estimates for the excursion (the hinge fit's rate times the time
since its break, :meth:`LeakDetector.excess_drop`), integrated from the start of the
suspected leak and continuously, step by step, so the modelled room falls with the real one
and reaches its own O2 alarm levels without waiting for the leak alarm. What was attributed
is never taken back (the gas is in the room); an excursion that ends keeps its share, and
the next one adds its own. A person's reset of the leak starts a new excursion.

Before this the attribution gave nothing until the leak alarm and then the whole excess at
once: in the 2·7 replay the modelled O2 stood at 20.9 % until the alarm and then jumped to
15 % while the room was already at 14.2 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hazwatch.physics.leak import LeakDetector


@dataclass
class ExcessAttribution:
    total_mm: float = 0.0  # excess level drop attributed so far (only grows)
    base_mm: float = 0.0  # attributed in excursions that have ended
    episode_mm: float = 0.0  # attributed in the excursion the CUSUM is in
    onset: datetime | None = None  # that excursion's onset
    suspected: bool = False  # the excursion has passed the suspicion level

    def record(self, detector: LeakDetector) -> None:
        """After ``detector.update`` took a sample."""
        onset = detector.onset_at if detector.cusum > 0 else None
        if onset != self.onset:  # the excursion ended, or a new one began
            self.base_mm += self.episode_mm
            self.episode_mm, self.onset, self.suspected = 0.0, onset, False
        if onset is not None:
            self.suspected = self.suspected or detector.suspected
            if self.suspected:
                drop = detector.excess_drop()
                if drop is not None:
                    self.episode_mm = max(self.episode_mm, drop)
        self.total_mm = self.base_mm + self.episode_mm

    def to_state(self) -> dict[str, Any]:
        return {
            "excess_mm": self.total_mm,
            "attributed": {
                "base_mm": self.base_mm,
                "episode_mm": self.episode_mm,
                "onset": None if self.onset is None else self.onset.isoformat(),
                "suspected": self.suspected,
            },
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ExcessAttribution:
        total = float(state.get("excess_mm", 0.0))
        kept = state.get("attributed")
        if not kept:  # the first format kept the total only: it is all in the past
            return cls(total, total)
        onset = kept.get("onset")
        return cls(
            total,
            float(kept["base_mm"]),
            float(kept["episode_mm"]),
            None if onset is None else datetime.fromisoformat(onset),
            bool(kept["suspected"]),
        )
