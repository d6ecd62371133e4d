"""How much of a tank's level drop the modelled O2 of the fed rooms should receive.

A tank gauge's noise (3 mm ≈ 4 m³ of nitrogen gas from the 2·7 tank) hides any single
reading's excess, and a rate estimated from a window lags the leak by half the window while
a rate gate throws away whatever falls under it. So the attribution follows the leak
detector's evidence instead: nothing while the CUSUM has not crossed its threshold (phantom
inflows then happen only as often as false leak alarms, i.e. within the tank's budget); at
the crossing, the whole excess since the CUSUM last stood at zero (S + k·n, the drop the
detector has been accumulating) at once, so the modelled room catches up with the real
one; after it, every sample's excess drop unclipped, so noise cancels between samples (the
sum telescopes) and a large leak is not capped by the detector's sensor-step clip. Refills
add nothing. A person's reset of the leak stops the attribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hazwatch.physics.leak import LeakDetector


@dataclass
class ExcessAttribution:
    onset_steps: int = 0  # CUSUM steps (block means) since the CUSUM last stood at zero
    total_mm: float = 0.0  # excess level drop attributed so far (only grows with evidence)

    def record(
        self, detector: LeakDetector, alarmed_now: bool, drop_mm: float, expected_mm: float
    ) -> None:
        """After ``detector.update`` took a sample whose level fell by ``drop_mm`` since the
        one before while the expected draw accounts for ``expected_mm``."""
        if not detector.filling:  # the sample completed a block: one CUSUM step
            self.onset_steps = 0 if detector.cusum == 0 else self.onset_steps + 1
        if alarmed_now:
            self.total_mm += detector.cusum + detector.allowance * self.onset_steps
        elif detector.alarmed_at is not None and -drop_mm <= detector.refill_mm:
            self.total_mm += drop_mm - expected_mm

    def to_state(self) -> dict[str, Any]:
        return {"onset_steps": self.onset_steps, "excess_mm": self.total_mm}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ExcessAttribution:
        steps = state.get("onset_steps", state.get("onset_samples", 0))  # the former key
        return cls(int(steps), float(state.get("excess_mm", 0.0)))
