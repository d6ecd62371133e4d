"""Hazardous-waste transfer manifests (危险废物转移联单; seed 001 measure 8).

The 2022 transfer rules (《危险废物转移管理办法》, 生态环境部 公安部 交通运输部令 第23号,
in force 2022-01-01), as HazWatch applies them:

* one manifest per vehicle trip: a vehicle has at most one manifest on the road;
* producer → carrier → receiver: each hand-over is confirmed by the party taking the waste
  over, in that order (the carrier confirms the pick-up, the receiver the receipt), with
  the quantity it found;
* the receiver confirms within :data:`RECEIPT_WORKING_DAYS` working days of accepting the
  waste (and, while the load is on the road, of the pick-up: a district trip ends the day it
  starts);
* a manifest run on paper while the system was unavailable is back-filled within
  :data:`BACKFILL_WORKING_DAYS` working days of the transfer's completion;
* manifests are kept at least ten years: never deleted (:mod:`.models`).

Working days count on the holiday calendar (:mod:`hazwatch.district.calendar`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import as_utc, local_date
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.district import calendar
from hazwatch.district.waste import codes
from hazwatch.district.waste.choices import HandoverStep, ManifestState, WasteLicenceKind
from hazwatch.district.waste.models import WasteLicence, WasteManifest
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.scope import Tenancy

RULES = "《危险废物转移管理办法》（生态环境部 公安部 交通运输部令第23号）"
RECEIPT_WORKING_DAYS = 5
BACKFILL_WORKING_DAYS = 10
#: A hand-over: the state it needs, the state it leads to, the party that confirms it.
STEPS = {
    HandoverStep.PICKUP: (ManifestState.ISSUED, ManifestState.IN_TRANSIT, "carrier_id"),
    HandoverStep.RECEIPT: (ManifestState.IN_TRANSIT, ManifestState.RECEIVED, "receiver_id"),
}
MAX_QUANTITY_KG = Decimal("1e9")


def check_quantity(value: Decimal, field: str = "quantity_kg") -> Decimal:
    """A positive, finite quantity (the API refuses others first; the CLI relies on this)."""
    if not value.is_finite() or not Decimal(0) < value <= MAX_QUANTITY_KG:
        raise InvalidInput("district.waste.bad_quantity", field=field)
    return value


def _parties_only(principal: Principal, field: str) -> None:
    """Manifests are the enterprises' own declarations: a regulator reads, never signs them."""
    if principal.role is Role.REGULATOR:
        raise Forbidden("district.waste.parties_only", field=field)


# -- licences ---------------------------------------------------------------------------------


def create_licence(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    kind: WasteLicenceKind,
    number: str,
    waste_codes: list[str],
    valid_from: date,
    valid_until: date,
    issuer: str = "",
) -> WasteLicence:
    Tenancy(session, principal).writable_organisation(organisation_id)
    if not number.strip():
        raise InvalidInput("district.waste.number_required", field="number")
    entries = list(dict.fromkeys(codes.check_licensed_entry(c) for c in waste_codes))
    if not entries:
        raise InvalidInput("district.waste.codes_required", field="waste_codes")
    if valid_until < valid_from:
        raise InvalidInput("district.waste.ends_before_start", field="valid_until")
    taken = select(WasteLicence.id).where(
        WasteLicence.kind == kind, WasteLicence.number == number.strip()
    )
    if session.scalar(taken) is not None:
        raise Conflict("district.waste.licence_exists", field="number")
    licence = WasteLicence(
        organisation_id=organisation_id,
        kind=kind,
        number=number.strip(),
        issuer=issuer,
        waste_codes=entries,
        valid_from=valid_from,
        valid_until=valid_until,
        revoked=False,
    )
    session.add(licence)
    session.flush()
    return licence


def revoke_licence(session: Session, principal: Principal, licence_id: int) -> WasteLicence:
    licence = Tenancy(session, principal).writable_row(WasteLicence, licence_id, "licence_id")
    licence.revoked = True
    session.flush()
    return licence


def list_licences(
    session: Session, principal: Principal, organisation_id: int | None = None
) -> list[WasteLicence]:
    query = select(WasteLicence).order_by(WasteLicence.organisation_id, WasteLicence.id)
    visible = visible_organisations(session, principal)
    if visible is not None:
        query = query.where(WasteLicence.organisation_id.in_(visible))
    if organisation_id is not None:
        query = query.where(WasteLicence.organisation_id == organisation_id)
    return list(session.scalars(query))


def valid_licence(
    session: Session, organisation_id: int, kind: WasteLicenceKind, code: str, on: date
) -> WasteLicence | None:
    """A licence of ``kind`` valid on ``on`` that covers ``code`` (None: there is none)."""
    found = session.scalars(
        select(WasteLicence).where(
            WasteLicence.organisation_id == organisation_id,
            WasteLicence.kind == kind,
            WasteLicence.revoked.is_(False),
            WasteLicence.valid_from <= on,
            WasteLicence.valid_until >= on,
        )
    )
    return next((lic for lic in found if codes.covers(lic.waste_codes, code)), None)


# -- manifests --------------------------------------------------------------------------------


def _number(session: Session, organisation_id: int, moment: Moment) -> str:
    day = local_date(moment.now, moment.settings.timezone)
    issued = session.scalar(
        select(func.count(WasteManifest.id)).where(
            WasteManifest.organisation_id == organisation_id,
            WasteManifest.number.like(f"{day:%Y%m%d}-{organisation_id:05d}-%"),
        )
    )
    return f"{day:%Y%m%d}-{organisation_id:05d}-{int(issued or 0) + 1:04d}"


def issue(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    organisation_id: int,
    carrier_id: int,
    receiver_id: int,
    vehicle_plate: str,
    waste_code: str,
    waste_name: str,
    quantity_kg: Decimal,
    paper_number: str = "",
    completed_on: date | None = None,
    note: str = "",
) -> WasteManifest:
    """The producer issues a manifest for one vehicle trip. A paper manifest (``paper_number``
    and ``completed_on`` given) is back-filled: its hand-overs are then recorded with their
    past times, and all of it is due within 10 working days of ``completed_on``."""
    _parties_only(principal, "organisation_id")
    tenancy = Tenancy(session, principal)
    tenancy.writable_organisation(organisation_id)
    tenancy.counterparty(carrier_id, "carrier_id")
    tenancy.counterparty(receiver_id, "receiver_id")
    if receiver_id == organisation_id:
        raise InvalidInput("district.waste.receiver_is_producer", field="receiver_id")
    code = codes.check_code(waste_code)
    check_quantity(quantity_kg)
    plate = vehicle_plate.strip().upper()
    if not plate:
        raise InvalidInput("district.waste.plate_required", field="vehicle_plate")
    if not waste_name.strip():
        raise InvalidInput("district.waste.name_required", field="waste_name")
    paper = bool(paper_number.strip()) or completed_on is not None
    due_at: datetime | None = None
    if paper:
        if not paper_number.strip():
            raise InvalidInput("district.waste.paper_number_required", field="paper_number")
        if completed_on is None:
            raise InvalidInput("district.waste.completed_on_required", field="completed_on")
        if completed_on > local_date(moment.now, moment.settings.timezone):
            raise InvalidInput("district.waste.in_future", field="completed_on")
        completed = datetime.combine(completed_on, time(12), ZoneInfo(moment.settings.timezone))
        due_at = _deadline(session, completed, BACKFILL_WORKING_DAYS, moment)
    else:
        on_road = select(WasteManifest.number).where(
            WasteManifest.vehicle_plate == plate,
            WasteManifest.paper.is_(False),
            WasteManifest.state != ManifestState.RECEIVED,
        )
        trip = session.scalar(on_road)
        if trip is not None:
            raise Conflict("district.waste.vehicle_on_trip", field="vehicle_plate", number=trip)
    manifest = WasteManifest(
        number=_number(session, organisation_id, moment),
        organisation_id=organisation_id,
        carrier_id=carrier_id,
        receiver_id=receiver_id,
        vehicle_plate=plate,
        waste_code=code,
        waste_name=waste_name.strip(),
        quantity_kg=quantity_kg,
        state=ManifestState.ISSUED,
        paper=paper,
        paper_number=paper_number.strip(),
        completed_on=completed_on,
        issued_at=moment.now,
        issued_by=principal.username,
        due_at=due_at,
        note=note,
    )
    session.add(manifest)
    session.flush()
    return manifest


def _deadline(session: Session, start: datetime, working_days: int, moment: Moment) -> datetime:
    known = calendar.exceptions(session)
    return calendar.deadline(start, working_days, moment.settings.timezone, known)


def handover(
    session: Session,
    principal: Principal,
    moment: Moment,
    manifest_id: int,
    *,
    step: HandoverStep,
    quantity_kg: Decimal,
    at: datetime | None = None,
) -> WasteManifest:
    """The taking party confirms a hand-over with the quantity it found; ``at`` (default:
    now) is when it took the waste over, never before the previous hand-over."""
    manifest = get(session, principal, manifest_id)
    needed, reached, party = STEPS[step]
    if manifest.state != needed:
        raise Conflict(
            "district.waste.out_of_order",
            field="step",
            step=step,
            state=ManifestState(manifest.state),
        )
    if principal.role is Role.REGULATOR or not Tenancy(session, principal).may_write(
        getattr(manifest, party)
    ):
        raise Forbidden("district.waste.wrong_party", field=party, step=step)
    check_quantity(quantity_kg)
    at = as_utc(at) if at is not None else moment.now
    if at > moment.now:
        raise InvalidInput("district.waste.in_future", field="at")
    previous = manifest.picked_up_at if step is HandoverStep.RECEIPT else None
    if previous is None and not manifest.paper and step is HandoverStep.PICKUP:
        previous = manifest.issued_at
    if previous is not None and at < as_utc(previous):
        raise InvalidInput("district.waste.before_previous", field="at")
    if step is HandoverStep.PICKUP:
        manifest.picked_up_at, manifest.pickup_recorded_at = at, moment.now
        manifest.pickup_by, manifest.pickup_quantity_kg = principal.username, quantity_kg
    else:
        manifest.received_at, manifest.receipt_recorded_at = at, moment.now
        manifest.receipt_by, manifest.received_quantity_kg = principal.username, quantity_kg
    if not manifest.paper:
        manifest.due_at = _deadline(session, at, RECEIPT_WORKING_DAYS, moment)
    manifest.state = reached
    session.flush()
    return manifest


def _visible_manifests(session: Session, principal: Principal) -> list[ColumnElement[bool]]:
    visible = visible_organisations(session, principal)
    if visible is None:
        return []
    return [
        or_(
            WasteManifest.organisation_id.in_(visible),
            WasteManifest.carrier_id.in_(visible),
            WasteManifest.receiver_id.in_(visible),
        )
    ]


def get(session: Session, principal: Principal, manifest_id: int) -> WasteManifest:
    """A manifest its producer, carrier or receiver (or their regulators) sees."""
    found = session.scalar(
        select(WasteManifest).where(
            WasteManifest.id == manifest_id, *_visible_manifests(session, principal)
        )
    )
    if found is None:
        raise NotFound("scope.not_found", field="manifest_id", id=manifest_id)
    return found


def list_manifests(
    session: Session, principal: Principal, state: ManifestState | None = None
) -> list[WasteManifest]:
    query = select(WasteManifest).where(*_visible_manifests(session, principal))
    if state is not None:
        query = query.where(WasteManifest.state == state)
    return list(session.scalars(query.order_by(WasteManifest.issued_at.desc(), WasteManifest.id)))


# -- reconciliation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """How a manifest stands against its rules at ``now``."""

    #: Hand-over quantities off the declared one by more than the tolerance, by step.
    mismatches: dict[str, Decimal]
    overdue: bool
    late: bool

    @property
    def fails(self) -> bool:
        return bool(self.mismatches) or self.overdue or self.late


def kg(value: Decimal | None) -> str:
    """A quantity as people write it: ``2000``, ``1850.5`` (never ``2E+3``); ``-`` for none."""
    return "-" if value is None else format(value.normalize(), "f")


def deviation(declared: Decimal, found: Decimal) -> Decimal:
    return abs(found - declared) / declared


def reconcile(manifest: WasteManifest, now: datetime, tolerance: Decimal) -> Reconciliation:
    mismatches = {
        step: found
        for step, found in (
            (HandoverStep.PICKUP.value, manifest.pickup_quantity_kg),
            (HandoverStep.RECEIPT.value, manifest.received_quantity_kg),
        )
        if found is not None and deviation(manifest.quantity_kg, found) > tolerance
    }
    due = as_utc(manifest.due_at) if manifest.due_at is not None else None
    received = manifest.state == ManifestState.RECEIVED
    recorded = manifest.receipt_recorded_at
    return Reconciliation(
        mismatches=mismatches,
        overdue=due is not None and not received and now > due,
        late=due is not None and received and recorded is not None and as_utc(recorded) > due,
    )
