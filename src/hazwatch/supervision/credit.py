"""Credit and points (issue 15 item 5; seed 001: 失信惩戒, 记销分制).

* Credit records, good and bad, each with the document it rests on.
* The serious-dishonesty list (MEM Order 11 of 2023): an entry is listed for 3 years; the
  listed party may ask for early removal once 12 months have passed; a regulator grants or
  refuses it; a removal granted on a request found false is revoked and the listing restored
  (its 3 years still run from the original day).
* Points (记分) against an organisation or its principal / safety officer, for an event of
  the points table in force (:mod:`hazwatch.supervision.rules`): they count in their cycle
  (the calendar year) until cancelled (销分) through a passed training of that person or a
  verified rectification (a closed hidden danger of the organisation), or voided when an
  appeal is upheld. At the interview threshold the enterprise is called to an interview, at
  the re-examination threshold its conditions are re-examined.

Points, credit and the list feed grades, safety codes and so inspection frequency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible, restrict, visible_organisations
from hazwatch.emergency.readiness.models import TrainingRecord
from hazwatch.prevention.hazard_findings.choices import HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.registry.choices import GOVERNMENT_KINDS
from hazwatch.registry.models import Organisation
from hazwatch.supervision import rules
from hazwatch.supervision.choices import (
    CancelVia,
    CreditKind,
    ListingState,
    PointState,
    RuleKind,
)
from hazwatch.supervision.models import CreditRecord, DishonestyListing, PointEvent
from hazwatch.supervision.responsibility import ensure_regulator

#: MEM Order 11 of 2023: listed for 3 years; early removal may be asked after 12 months.
LISTING_YEARS = 3
EARLY_REMOVAL_MONTHS = 12
#: Points that still count: recorded, or under appeal (an appeal suspends nothing).
COUNTING = (PointState.RECORDED.value, PointState.APPEALED.value)


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _supervised(session: Session, principal: Principal, organisation_id: int) -> Organisation:
    """An organisation the caller sees that is supervised (not a government body)."""
    ensure_visible_field(session, principal, organisation_id)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("scope.not_found", field="organisation_id", id=organisation_id)
    if organisation.kind in GOVERNMENT_KINDS:
        raise InvalidInput("registry.supervised_is_government", field="organisation_id")
    return organisation


def ensure_visible_field(session: Session, principal: Principal, organisation_id: int) -> None:
    try:
        ensure_visible(session, principal, organisation_id)
    except NotFound:
        raise NotFound("scope.not_found", field="organisation_id", id=organisation_id) from None


def _person(organisation: Organisation, person: str) -> str:
    """An organisation's principal or safety officer by name; empty: the organisation."""
    person = person.strip()
    if person and person not in (organisation.principal_name, organisation.safety_manager_name):
        raise InvalidInput("supervision.credit.unknown_person", field="person", person=person)
    return person


def _not_blank(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("supervision.credit.required", field=field)
    return value


# -- credit records ---------------------------------------------------------------------------


def record_credit(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    organisation_id: int,
    kind: CreditKind,
    title: str,
    source: str,
    occurred_on: date,
    person: str = "",
) -> CreditRecord:
    ensure_regulator(principal)
    organisation = _supervised(session, principal, organisation_id)
    row = CreditRecord(
        organisation_id=organisation_id,
        person=_person(organisation, person),
        kind=kind,
        title=_not_blank(title, "title"),
        source=_not_blank(source, "source"),
        occurred_on=occurred_on,
        recorded_at=now,
        recorded_by=principal.username,
    )
    session.add(row)
    session.flush()
    return row


def list_credit(
    session: Session, principal: Principal, organisation_id: int | None = None
) -> list[CreditRecord]:
    query = restrict(select(CreditRecord), CreditRecord.organisation_id, session, principal)
    if organisation_id is not None:
        query = query.where(CreditRecord.organisation_id == organisation_id)
    return list(session.scalars(query.order_by(CreditRecord.occurred_on.desc(), CreditRecord.id)))


# -- the serious-dishonesty list --------------------------------------------------------------


def list_entry(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    organisation_id: int,
    reason: str,
    source: str,
    listed_on: date,
    person: str = "",
) -> DishonestyListing:
    """List an organisation or one of its people for 3 years from ``listed_on``."""
    ensure_regulator(principal)
    organisation = _supervised(session, principal, organisation_id)
    row = DishonestyListing(
        organisation_id=organisation_id,
        person=_person(organisation, person),
        reason=_not_blank(reason, "reason"),
        source=_not_blank(source, "source"),
        listed_on=listed_on,
        ends_on=add_years(listed_on, LISTING_YEARS),
        state=ListingState.LISTED,
        recorded_at=now,
        recorded_by=principal.username,
    )
    session.add(row)
    session.flush()
    return row


def listing_active(row: DishonestyListing, today: date) -> bool:
    """Counts against its party: not removed early, and within its 3 years (a request to
    leave changes nothing until it is granted)."""
    return row.state != ListingState.REMOVED.value and today < row.ends_on


def earliest_removal(row: DishonestyListing) -> date:
    return add_months(row.listed_on, EARLY_REMOVAL_MONTHS)


Owned = TypeVar("Owned", DishonestyListing, PointEvent)


def _visible(
    session: Session, principal: Principal, model: type[Owned], ident: int, field: str
) -> Owned:
    """A row of an organisation the caller sees; else 404 naming ``field`` (existence is
    not disclosed)."""
    row = session.get(model, ident)
    if row is None:
        raise NotFound("scope.not_found", field=field, id=ident)
    try:
        ensure_visible(session, principal, row.organisation_id)
    except NotFound:
        raise NotFound("scope.not_found", field=field, id=ident) from None
    return row


def get_listing(session: Session, principal: Principal, ident: int) -> DishonestyListing:
    return _visible(session, principal, DishonestyListing, ident, "listing_id")


def list_listings(
    session: Session, principal: Principal, *, include_ended: bool = False, today: date
) -> list[DishonestyListing]:
    query = restrict(
        select(DishonestyListing), DishonestyListing.organisation_id, session, principal
    )
    if not include_ended:
        query = query.where(
            DishonestyListing.ends_on > today,
            DishonestyListing.state != ListingState.REMOVED.value,
        )
    return list(
        session.scalars(query.order_by(DishonestyListing.listed_on.desc(), DishonestyListing.id))
    )


def request_removal(
    session: Session, principal: Principal, now: datetime, today: date, ident: int, request: str
) -> DishonestyListing:
    """The listed party (or a regulator for it) asks for early removal: only while listed,
    and not before 12 months have passed."""
    row = get_listing(session, principal, ident)
    if row.state != ListingState.LISTED.value or today >= row.ends_on:
        raise Conflict("supervision.listing.not_listed", field="listing_id")
    if today < earliest_removal(row):
        raise Conflict(
            "supervision.listing.too_early",
            field="listing_id",
            earliest=earliest_removal(row).isoformat(),
        )
    row.removal_request = _not_blank(request, "request")
    row.removal_requested_at = now
    row.removal_requested_by = principal.username
    row.state = ListingState.REMOVAL_REQUESTED
    session.flush()
    return row


def decide_removal(
    session: Session, principal: Principal, now: datetime, ident: int, *, grant: bool
) -> DishonestyListing:
    ensure_regulator(principal)
    row = get_listing(session, principal, ident)
    if row.state != ListingState.REMOVAL_REQUESTED.value:
        raise Conflict("supervision.listing.no_request", field="listing_id")
    if grant:
        row.state = ListingState.REMOVED
        row.removed_at = now
        row.removed_by = principal.username
    else:
        row.state = ListingState.LISTED
    session.flush()
    return row


def reinstate(
    session: Session, principal: Principal, now: datetime, ident: int, reason: str
) -> DishonestyListing:
    """The removal rested on a false request: revoked, the party listed again."""
    ensure_regulator(principal)
    row = get_listing(session, principal, ident)
    if row.state != ListingState.REMOVED.value:
        raise Conflict("supervision.listing.not_removed", field="listing_id")
    row.state = ListingState.LISTED
    row.reinstated_at = now
    row.reinstated_reason = _not_blank(reason, "reason")
    session.flush()
    return row


# -- points -----------------------------------------------------------------------------------


def record_points(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    organisation_id: int,
    event: str,
    occurred_on: date,
    source: str,
    person: str = "",
) -> PointEvent:
    """Points for one event of the table in force where the organisation is."""
    ensure_regulator(principal)
    organisation = _supervised(session, principal, organisation_id)
    table = rules.in_force(session, RuleKind.POINTS, organisation.jurisdiction_id)
    rule = table.points.events.get(event)
    if rule is None:
        raise InvalidInput("supervision.points.unknown_event", field="event", event=event)
    row = PointEvent(
        organisation_id=organisation_id,
        person=_person(organisation, person),
        event=event,
        points=rule.points,
        occurred_on=occurred_on,
        cycle=occurred_on.year,
        source=_not_blank(source, "source"),
        rule_set_id=table.id,
        state=PointState.RECORDED,
        recorded_at=now,
        recorded_by=principal.username,
    )
    session.add(row)
    session.flush()
    return row


def get_points(session: Session, principal: Principal, ident: int) -> PointEvent:
    return _visible(session, principal, PointEvent, ident, "point_id")


def list_points(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int | None = None,
    cycle: int | None = None,
) -> list[PointEvent]:
    query = restrict(select(PointEvent), PointEvent.organisation_id, session, principal)
    if organisation_id is not None:
        query = query.where(PointEvent.organisation_id == organisation_id)
    if cycle is not None:
        query = query.where(PointEvent.cycle == cycle)
    return list(session.scalars(query.order_by(PointEvent.occurred_on.desc(), PointEvent.id)))


def visible_to(
    session: Session, principal: Principal, found: Sequence[PointEvent]
) -> list[PointEvent]:
    """The points of ``found`` whose organisation the caller sees."""
    visible = visible_organisations(session, principal)
    return [p for p in found if visible is None or p.organisation_id in visible]


def cancel_points(
    session: Session,
    principal: Principal,
    now: datetime,
    ident: int,
    *,
    via: CancelVia,
    training_record_id: int | None = None,
    hazard_finding_id: int | None = None,
) -> PointEvent:
    """销分: a regulator cancels points on the evidence: a passed training of the same person
    (the organisation's own training, on or after the event), or a closed hidden danger of the
    organisation (the rectification verified through its loop)."""
    ensure_regulator(principal)
    row = get_points(session, principal, ident)
    if row.state not in COUNTING:
        raise Conflict("supervision.points.not_counting", field="point_id")
    if via is CancelVia.TRAINING:
        training = session.get(TrainingRecord, training_record_id or 0)
        if training is None or training.organisation_id != row.organisation_id:
            raise NotFound("scope.not_found", field="training_record_id", id=training_record_id)
        if not training.passed or training.held_on < row.occurred_on:
            raise InvalidInput("supervision.points.training_not_valid", field="training_record_id")
        if row.person and training.person != row.person:
            raise InvalidInput("supervision.points.training_not_valid", field="training_record_id")
        row.training_record_id = training.id
    else:
        finding = session.get(HazardFinding, hazard_finding_id or 0)
        if finding is None or finding.organisation_id != row.organisation_id:
            raise NotFound("scope.not_found", field="hazard_finding_id", id=hazard_finding_id)
        if finding.state != HazardState.CLOSED.value:
            raise InvalidInput("supervision.points.not_rectified", field="hazard_finding_id")
        row.hazard_finding_id = finding.id
    row.state = PointState.CANCELLED
    row.cancelled_via = via
    row.cancelled_at = now
    row.cancelled_by = principal.username
    session.flush()
    return row


def appeal_points(
    session: Session, principal: Principal, now: datetime, ident: int, reason: str
) -> PointEvent:
    """The organisation appeals (申诉) points recorded against it or its people."""
    row = get_points(session, principal, ident)
    if principal.organisation_id != row.organisation_id:
        raise InvalidInput("supervision.points.not_yours", field="point_id")
    if row.state != PointState.RECORDED.value:
        raise Conflict("supervision.points.not_counting", field="point_id")
    row.appeal_reason = _not_blank(reason, "reason")
    row.appealed_at = now
    row.state = PointState.APPEALED
    session.flush()
    return row


def decide_appeal(
    session: Session, principal: Principal, now: datetime, ident: int, *, uphold: bool
) -> PointEvent:
    ensure_regulator(principal)
    row = get_points(session, principal, ident)
    if row.state != PointState.APPEALED.value:
        raise Conflict("supervision.points.no_appeal", field="point_id")
    row.state = PointState.VOIDED if uphold else PointState.RECORDED
    row.appeal_decided_at = now
    row.appeal_decided_by = principal.username
    session.flush()
    return row


# -- totals (inputs of grades and codes) ------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Credit and points of the organisations asked about, this cycle."""

    points: dict[tuple[int, str], int]
    bad_12m: dict[tuple[int, str], int]
    good_12m: dict[tuple[int, str], int]
    listed: set[tuple[int, str]]


def standing(session: Session, organisation_ids: list[int], today: date) -> Standing:
    """Points of this cycle, credit of the last 12 months, and who is on the list, keyed by
    (organisation, person) — person empty for the organisation itself."""
    points: dict[tuple[int, str], int] = defaultdict(int)
    for org_id, who, value in session.execute(
        select(PointEvent.organisation_id, PointEvent.person, PointEvent.points).where(
            PointEvent.organisation_id.in_(organisation_ids),
            PointEvent.cycle == today.year,
            PointEvent.state.in_(COUNTING),
        )
    ):
        points[(org_id, who)] += value
    bad: dict[tuple[int, str], int] = defaultdict(int)
    good: dict[tuple[int, str], int] = defaultdict(int)
    since = today - timedelta(days=365)
    for organisation_id, person, kind in session.execute(
        select(CreditRecord.organisation_id, CreditRecord.person, CreditRecord.kind).where(
            CreditRecord.organisation_id.in_(organisation_ids), CreditRecord.occurred_on > since
        )
    ):
        (bad if kind == CreditKind.BAD.value else good)[(organisation_id, person)] += 1
    listed = {
        (row.organisation_id, row.person)
        for row in session.execute(
            select(DishonestyListing.organisation_id, DishonestyListing.person).where(
                DishonestyListing.organisation_id.in_(organisation_ids),
                DishonestyListing.ends_on > today,
                DishonestyListing.state != ListingState.REMOVED.value,
            )
        )
    }
    return Standing(dict(points), dict(bad), dict(good), listed)
