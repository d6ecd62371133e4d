"""Enumerations of waste transfer (labels in ``locale/*/district.po`` under ``choice.*``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


class WasteLicenceKind(Choice):
    """A carrier's road-transport permit for hazardous goods covering the waste, or a
    receiver's hazardous-waste operating licence (危险废物经营许可证)."""

    CARRIER = "carrier"
    RECEIVER = "receiver"


@with_colours({"issued": "orange", "in_transit": "yellow", "received": "green"})
class ManifestState(Choice):
    """issued by the producer → picked up (confirmed by the carrier) → received (confirmed
    by the receiver)."""

    ISSUED = "issued"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"


class HandoverStep(Choice):
    """A hand-over, confirmed by the party that takes the waste over."""

    PICKUP = "pickup"
    RECEIPT = "receipt"


class StorePointRole(Choice):
    """What a point watching a waste store measures: the air temperature, or the hottest
    spot a thermal-imaging camera sees (seed 001 measure 8: 危废储存场所安装热成像监控)."""

    TEMPERATURE = "temperature"
    THERMAL_IMAGING = "thermal_imaging"
