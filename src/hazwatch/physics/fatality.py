"""Fatality factor, ODH class and the controls each class requires (Fermilab FESHM 4240, the
method US national laboratories use; figures as quoted in DOMAIN §3).

Class boundaries are compared as exact decimals: φ is a product of rates given to one or two
significant figures (1e-2 × 1e-3 must land exactly on 1e-5), and binary floats put such
products a hair either side of a boundary. A rate exactly on a boundary takes the higher
class (1e-5 is class 2): the boundary is where the stricter controls start.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

#: FESHM 4240, fatality factor F (DOMAIN §3): no fatality expected at or above 18 % O2.
F_ZERO_AT = 0.18
#: FESHM 4240, fatality factor F: death taken as certain at or below 8.8 % O2 (about one
#: minute of useful consciousness, DOMAIN §3 physiology).
F_ONE_AT = 0.088
#: FESHM 4240, fatality factor F: log10 F = 6.5 − 76·C between the anchors (C a fraction,
#: sea level).
LOG_F_INTERCEPT = 6.5
LOG_F_SLOPE = 76.0

#: Lower bound of each ODH class (φ per hour, inclusive), highest first. FESHM 4240 Table 2.
CLASS_BOUNDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal("1e-1"), 4),
    (Decimal("1e-3"), 3),
    (Decimal("1e-5"), 2),
    (Decimal("1e-7"), 1),
)
#: FESHM 4240 accepts no operation whose φ stays at class 3 or 4 (DOMAIN §3).
HIGHEST_ACCEPTABLE_CLASS = 2


def fatality_factor(o2: float) -> float:
    """Probability that a person exposed to ``o2`` (volume fraction) dies."""
    if o2 >= F_ZERO_AT:
        return 0.0
    if o2 <= F_ONE_AT:
        return 1.0
    return float(10 ** (LOG_F_INTERCEPT - LOG_F_SLOPE * o2))


def odh_class(phi: float | Decimal) -> int:
    """FESHM 4240 class of a fatality rate φ per hour. Floats are read through their shortest
    repr, so 1e-5 computed as a float is exactly 1e-5."""
    value = phi if isinstance(phi, Decimal) else Decimal(repr(float(phi)))
    for bound, klass in CLASS_BOUNDS:
        if value >= bound:
            return klass
    return 0


class Control(StrEnum):
    """A control an ODH class requires; its message is ``physics.control.<value>``."""

    FIXED_O2_MONITOR = "fixed_o2_monitor"
    HORN_STROBE = "horn_strobe"
    AUTO_VENTILATION = "auto_ventilation"
    ODH_TRAINING = "odh_training"
    PERSONAL_O2_MONITOR = "personal_o2_monitor"
    SIGNAGE = "signage"
    MEDICAL_FITNESS = "medical_fitness"
    ESCAPE_PACK_TRAINING = "escape_pack_training"
    TWO_PERSON_RULE = "two_person_rule"
    ENTRY_CONTROL = "entry_control"
    SCBA = "scba"

    @property
    def message_key(self) -> str:
        return f"physics.control.{self.value}"


#: What an "engineered class 0" room keeps working: the safeguards its class depends on.
ENGINEERED_CLASS_0 = (Control.FIXED_O2_MONITOR, Control.HORN_STROBE, Control.AUTO_VENTILATION)

#: Controls each class requires, cumulative (DOMAIN §3 after FESHM 4240 Table 2: class 3 adds
#: two-person work and controlled entry, class 4 SCBA).
CONTROLS_BY_CLASS: dict[int, tuple[Control, ...]] = {
    0: (),
    1: (Control.ODH_TRAINING, Control.PERSONAL_O2_MONITOR, Control.SIGNAGE),
}
CONTROLS_BY_CLASS[2] = (
    *CONTROLS_BY_CLASS[1],
    Control.MEDICAL_FITNESS,
    Control.ESCAPE_PACK_TRAINING,
)
CONTROLS_BY_CLASS[3] = (*CONTROLS_BY_CLASS[2], Control.TWO_PERSON_RULE, Control.ENTRY_CONTROL)
CONTROLS_BY_CLASS[4] = (*CONTROLS_BY_CLASS[3], Control.SCBA)


def required_controls(klass: int, engineered: bool = False) -> tuple[Control, ...]:
    """Controls of ``klass``; an engineered class 0 must keep its safeguards in service."""
    if klass == 0 and engineered:
        return ENGINEERED_CLASS_0
    return CONTROLS_BY_CLASS[klass]


def class_message_key(klass: int) -> str:
    """The summary of what ``klass`` means for the people working in the room."""
    return f"physics.odh_class.{klass}.controls"
