"""Alarm enumerations (ISA-18.2) with the regulators' four colours."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


@with_colours({"urgent": "red", "high": "orange", "medium": "yellow", "low": "blue"})
class Priority(Choice):
    """Maps to the warning colours of Chinese regulators: red 重大, orange 较大, yellow 一般,
    blue 低 (DOMAIN §4)."""

    URGENT = "urgent"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@with_colours(
    {
        "normal": "green",
        "active_unack": "red",
        "active_ack": "orange",
        "rtn_unack": "yellow",
        "shelved": "grey",
        "suppressed": "grey",
        "out_of_service": "grey",
    }
)
class AlarmState(Choice):
    NORMAL = "normal"
    ACTIVE_UNACK = "active_unack"
    ACTIVE_ACK = "active_ack"
    RTN_UNACK = "rtn_unack"
    SHELVED = "shelved"
    SUPPRESSED = "suppressed"
    OUT_OF_SERVICE = "out_of_service"


class Condition(Choice):
    LOW_LOW = "low_low"
    LOW = "low"
    HIGH = "high"
    HIGH_HIGH = "high_high"
    RATE_OF_CHANGE = "roc"
    STALE = "stale"
    FAULT = "fault"
    LEAK = "leak"
    UNCONFIRMED = "unconfirmed"


@with_colours(
    {"good": "green", "stale": "grey", "fault": "grey", "out_of_service": "grey", "unknown": "grey"}
)
class Quality(Choice):
    GOOD = "good"
    STALE = "stale"
    FAULT = "fault"
    OUT_OF_SERVICE = "out_of_service"
    UNKNOWN = "unknown"


#: Priority of each condition; stale and fault are high because unknown is unsafe.
DEFAULT_PRIORITY: dict[Condition, Priority] = {
    Condition.LOW_LOW: Priority.URGENT,
    Condition.HIGH_HIGH: Priority.URGENT,
    Condition.LOW: Priority.HIGH,
    Condition.HIGH: Priority.MEDIUM,
    Condition.RATE_OF_CHANGE: Priority.MEDIUM,
    Condition.STALE: Priority.HIGH,
    Condition.FAULT: Priority.HIGH,
    Condition.LEAK: Priority.URGENT,
    Condition.UNCONFIRMED: Priority.URGENT,
}


class EntryPurpose(Choice):
    """Why a person asks a door to open. A door that refuses everyone else lets a rescuer
    in only with a ready breathing apparatus (``access.service``)."""

    WORK = "work"
    VISIT = "visit"
    MAINTENANCE = "maintenance"
    RESCUE = "rescue"
