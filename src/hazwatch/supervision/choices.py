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
    TRANSPORT = "transport"


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


# -- credit, points, grades and codes (issue 15 items 2, 4, 5) -------------------------------


@with_colours({"good": "green", "bad": "red"})
class CreditKind(Choice):
    """A credit record (信用记录) counts for or against an organisation or person."""

    GOOD = "good"
    BAD = "bad"


@with_colours({"listed": "red", "removal_requested": "orange", "removed": "green"})
class ListingState(Choice):
    """The serious-dishonesty list (MEM Order 11 of 2023): listed; an early removal requested
    (after 12 months at the earliest); removed early. A removal found to rest on a false
    request is revoked: back to listed. The end of the 3-year period is derived, not a state."""

    LISTED = "listed"
    REMOVAL_REQUESTED = "removal_requested"
    REMOVED = "removed"


@with_colours({"recorded": "orange", "appealed": "yellow", "cancelled": "green", "voided": "grey"})
class PointState(Choice):
    """记销分制: points recorded count in their cycle until cancelled (training, verified
    rectification) or voided (an appeal upheld); an appeal pending still counts."""

    RECORDED = "recorded"
    APPEALED = "appealed"
    CANCELLED = "cancelled"
    VOIDED = "voided"


class CancelVia(Choice):
    TRAINING = "training"
    RECTIFICATION = "rectification"


@with_colours({"A": "green", "B": "blue", "C": "orange", "D": "red"})
class SupervisionGrade(Choice):
    """分级监管 A/B/C/D of an enterprise: A the best, D the worst (seed 001: push C and D up)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


@with_colours({"A": "red", "B": "orange", "C": "yellow", "D": "blue"})
class ParkRiskClass(Choice):
    """A park's safety-risk class by the park risk guide (应急〔2019〕78号): A the highest risk
    (score < 60), D the lowest (≥ 85). The letters run the other way from enterprise grades."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


@with_colours({"green": "green", "yellow": "yellow", "red": "red"})
class CodeColour(Choice):
    """安全码 green / yellow / red."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class CodeSubject(Choice):
    """What carries a safety code: a park, an enterprise, a person (principal, safety
    officer)."""

    PARK = "park"
    ENTERPRISE = "enterprise"
    PERSON = "person"


@with_colours({"pending": "orange", "upheld": "green", "rejected": "red"})
class AppealState(Choice):
    PENDING = "pending"
    UPHELD = "upheld"
    REJECTED = "rejected"


class RuleKind(Choice):
    """The versioned, configurable rule sets: enterprise grades, park classes, safety codes
    of each subject, and the points table."""

    ENTERPRISE_GRADE = "enterprise_grade"
    PARK_GRADE = "park_grade"
    ENTERPRISE_CODE = "enterprise_code"
    PERSON_CODE = "person_code"
    PARK_CODE = "park_code"
    POINTS = "points"


class FeedKind(Choice):
    """What the outbound feed carries (issue 15 item 8)."""

    WARNING = "warning"
    DISPATCH = "dispatch"
    FINDING = "finding"
    INCIDENT = "incident"
    REPORT = "report"
