"""Enumerations of emergency resources (labels in ``locale/*/resources.po``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


@with_colours({"good": "green", "needs_repair": "orange", "out_of_service": "red"})
class ItemCondition(Choice):
    """An item's condition as its owner last recorded it; only ``good`` is lent."""

    GOOD = "good"
    NEEDS_REPAIR = "needs_repair"
    OUT_OF_SERVICE = "out_of_service"


@with_colours({"professional": "blue", "enterprise_brigade": "teal"})
class TeamKind(Choice):
    """A professional rescue team (专业救援队伍: the fire service's hazchem unit, a
    hazardous-goods or environmental team) or an enterprise full-time fire brigade
    (企业专职消防队)."""

    PROFESSIONAL = "professional"
    ENTERPRISE_BRIGADE = "enterprise_brigade"


class DispatchPurpose(Choice):
    INCIDENT = "incident"
    DRILL = "drill"


@with_colours({"sent": "orange", "arrived": "blue", "returned": "green"})
class LineState(Choice):
    """Where one dispatched item or team is: on its way, on the scene, back home."""

    SENT = "sent"
    ARRIVED = "arrived"
    RETURNED = "returned"
