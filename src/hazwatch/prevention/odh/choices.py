"""Safeguards an ODH assessment can credit, with the failure-on-demand each defaults to."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hazwatch.core.choices import Choice, with_colours
from hazwatch.core.i18n import translate
from hazwatch.physics.odh import FAILURE_ON_DEMAND, FAILURE_RATES_PER_HOUR


@with_colours({"detection_system": "green", "interlocked_exhaust": "green", "alarm": "blue"})
class SafeguardKind(Choice):
    DETECTION_SYSTEM = "detection_system"
    INTERLOCKED_EXHAUST = "interlocked_exhaust"
    ALARM = "alarm"


#: Hours between functional tests of a standby fan assumed by the default (monthly).
FAN_TEST_INTERVAL_H = 730


@dataclass(frozen=True)
class SafeguardDefault:
    failure_on_demand: Decimal | None
    basis: str


#: Defaults when a safeguard is declared without its own figure. The alarm (horn/strobe) is
#: part of the ODH detection system in FESHM 4240, whose 2e-3 per demand already covers it,
#: so it carries no separate figure and is recorded for the "engineered class 0" controls.
DEFAULTS: dict[SafeguardKind, SafeguardDefault] = {
    SafeguardKind.DETECTION_SYSTEM: SafeguardDefault(
        Decimal(repr(FAILURE_ON_DEMAND["odh_detection_system"])),
        "FESHM 4240 Table 1: ODH detection system, failure on demand",
    ),
    # A standby fan's unavailability on demand is λ·T/2 (IEC 61508-6 PFDavg) with its
    # failure-to-run rate and a monthly functional test: 9e-6/h × 730 h / 2 ≈ 3.3e-3.
    SafeguardKind.INTERLOCKED_EXHAUST: SafeguardDefault(
        Decimal(repr(FAILURE_RATES_PER_HOUR["fan_failure_to_run"])) * FAN_TEST_INTERVAL_H / 2,
        "FESHM 4240 Table 1 fan failure to run 9e-6/h × monthly test 730 h / 2 (IEC 61508-6)",
    ),
    SafeguardKind.ALARM: SafeguardDefault(
        None, "FESHM 4240: part of the ODH detection system (sensor, controller, alarm)"
    ),
}


class AssessmentTrigger(Choice):
    """Why an assessment was (re)computed."""

    ROOM = "room"
    HAZARD_SOURCE = "hazard_source"
    SAFEGUARD = "safeguard"
    DETECTOR = "detector"
    MANUAL = "manual"


class ReleaseCase(Choice):
    """What happens after a source releases, as one failure event of the assessment."""

    NO_EXHAUST = "no_exhaust"
    EXHAUST_RUNNING = "exhaust_running"
    EXHAUST_NEVER_STARTED = "exhaust_never_started"
    EXHAUST_STARTED = "exhaust_started"
    DETECTION_FAILS = "detection_fails"
    EXHAUST_FAILS = "exhaust_fails"


def event_text(event: dict[str, Any], language: str | None = None) -> str:
    """A stored failure event in the reader's language (results stored before events
    carried their case show their original text)."""
    if "case" not in event:
        return str(event["event"])
    case = ReleaseCase(event["case"]).label(language)
    return translate("odh.event", language, substance=event["substance"], case=case)
