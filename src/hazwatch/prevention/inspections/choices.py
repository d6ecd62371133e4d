"""How often a plan falls due, and what an item asks (labels in ``locale/*/inspection.po``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


class Frequency(Choice):
    """From shift rounds (交接班巡检, every 8 h) to the yearly comprehensive inspection."""

    SHIFT = "shift"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class AnswerKind(Choice):
    """``yes_no``: passes on the expected answer; ``number``: passes within [min, max]
    (both inclusive, e.g. an O2 reading of at least 19.5 %)."""

    YES_NO = "yes_no"
    NUMBER = "number"


@with_colours({"due": "blue", "overdue": "red", "inactive": "grey"})
class PlanStatus(Choice):
    DUE = "due"
    OVERDUE = "overdue"
    INACTIVE = "inactive"
