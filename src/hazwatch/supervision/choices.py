"""Enumerations of supervision (labels in ``locale/*/supervision.po`` under ``choice.*``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


class Sector(Choice):
    """The sector an organisation is supervised as. ``unknown`` is what a new organisation
    is until a regulator classifies it: a responsibility matrix never covers it, so an
    unknown organisation handling hazardous chemicals is a blind spot at once (the 2·7 lab:
    a tech start-up no department was assigned to, seed 000)."""

    CHEMICAL = "chemical"
    GAS_SUPPLY = "gas_supply"
    MANUFACTURING = "manufacturing"
    TEXTILE = "textile"
    RESEARCH = "research"
    MEDICAL = "medical"
    EDUCATION = "education"
    PROPERTY = "property"
    LOGISTICS = "logistics"
    WASTE = "waste"
    UNKNOWN = "unknown"


#: How a supervising department was found for an organisation.
class ResolvedBy(Choice):
    ASSIGNMENT = "assignment"
    MATRIX = "matrix"
    FALLBACK = "fallback"


class IncidentKind(Choice):
    """Road-traffic and fire accidents report casualty changes within 7 days, the others
    within 30 (Order 493 Art. 13)."""

    PRODUCTION = "production"
    ROAD_TRAFFIC = "road_traffic"
    FIRE = "fire"


class ReportLevel(Choice):
    """The levels an accident report climbs (Order 493 Art. 9–10), lowest first: the unit
    reports to the county-level safety supervision department, which forwards upwards."""

    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"
    STATE_COUNCIL = "state_council"


@with_colours({"dispatched": "orange", "accepted": "yellow", "verified": "blue", "closed": "green"})
class DispatchState(Choice):
    """派单核查: a warning dispatched to the responsible department, accepted, verified on
    site, closed."""

    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    VERIFIED = "verified"
    CLOSED = "closed"


class DispatchOutcome(Choice):
    """What the on-site verification found."""

    CONFIRMED = "confirmed"
    RECTIFIED_ON_SITE = "rectified_on_site"
    FALSE_ALARM = "false_alarm"


class DispatchSource(Choice):
    ALARM = "alarm"
    FINDING = "finding"
    HIDDEN_DANGER = "hidden_danger"


class DutyLogKind(Choice):
    NOTE = "note"
    HANDOVER = "handover"


class ProgressKind(Choice):
    """Annex 2 each month (before the 28th), the year-end summary (before 10 December)."""

    MONTHLY = "monthly"
    ANNUAL = "annual"


@with_colours({"not_started": "grey", "in_progress": "orange", "done": "green"})
class TaskStatus(Choice):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
