"""Daily safety commitment (安全承诺, DOMAIN §7; Zhejiang: published before 10:00): each
enterprise publishes its risk judgement and commitment every day: units running and
stopped, special work today (how many, and what and where: a count alone tells the
regulator nothing), whether its major hazards are under control, the open 重大 hidden
dangers (counted by HazWatch, not typed), its risk judgement in words, and who signs. One
per organisation and day; only for today (a day gone by cannot be committed to afterwards,
nor a day to come).

Missing by the ``commitment_deadline`` setting (default 10:00 local) is flagged once per day
to the organisation and its regulator (:mod:`.watch`), and kept as a
:class:`~.models.MissedCommitment`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import local_date
from hazwatch.core.errors import Conflict, InvalidInput
from hazwatch.core.scope import restrict
from hazwatch.prevention.commitments.models import MissedCommitment, SafetyCommitment
from hazwatch.prevention.hazard_findings.choices import HazardGrade, HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.choices import OrganisationKind
from hazwatch.registry.models import Organisation
from hazwatch.registry.scope import Tenancy

#: Who publishes a daily commitment: the enterprises that run or use hazardous chemicals.
COMMITTING = (
    OrganisationKind.ENTERPRISE.value,
    OrganisationKind.LABORATORY.value,
    OrganisationKind.GAS_SUPPLIER.value,
)
MAX_UNITS = 10_000


def open_major(session: Session, organisation_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(HazardFinding.id)).where(
                HazardFinding.organisation_id == organisation_id,
                HazardFinding.grade == HazardGrade.MAJOR.value,
                HazardFinding.state != HazardState.CLOSED.value,
            )
        )
        or 0
    )


def today(moment: Moment) -> date:
    return local_date(moment.now, moment.settings.timezone)


def deadline(day: date, moment: Moment) -> datetime:
    """When the day's commitment falls due (the setting, local time)."""
    hour, minute = (int(p) for p in moment.settings.commitment_deadline.split(":"))
    local = datetime.combine(day, time(hour, minute), ZoneInfo(moment.settings.timezone))
    return local.astimezone(ZoneInfo("UTC"))


def publish(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    organisation_id: int,
    units_running: int,
    units_stopped: int,
    special_work: int,
    major_hazards_controlled: bool,
    signer: str,
    day: date | None = None,
    special_work_note: str = "",
    judgement: str = "",
) -> SafetyCommitment:
    Tenancy(session, principal).writable_organisation(organisation_id)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind not in COMMITTING:
        raise InvalidInput("commitment.not_committing", field="organisation_id")
    now_day = today(moment)
    day = day or now_day
    if day < now_day:
        raise InvalidInput("commitment.day_in_past", field="day")
    if day > now_day:
        raise InvalidInput("commitment.day_in_future", field="day")
    for field, value in (
        ("units_running", units_running),
        ("units_stopped", units_stopped),
        ("special_work", special_work),
    ):
        if not 0 <= value <= MAX_UNITS:
            raise InvalidInput("commitment.bad_count", field=field)
    signer = signer.strip()
    if not signer:
        raise InvalidInput("commitment.signer_required", field="signer")
    special_work_note = special_work_note.strip()
    if special_work and not special_work_note:
        raise InvalidInput("commitment.special_work_note_required", field="special_work_note")
    taken = select(SafetyCommitment.id).where(
        SafetyCommitment.organisation_id == organisation_id, SafetyCommitment.day == day
    )
    if session.scalar(taken):
        raise Conflict("commitment.already_published", field="day", day=day.isoformat())
    row = SafetyCommitment(
        organisation_id=organisation_id,
        day=day,
        units_running=units_running,
        units_stopped=units_stopped,
        special_work=special_work,
        special_work_note=special_work_note,
        major_hazards_controlled=major_hazards_controlled,
        open_major_hidden_dangers=open_major(session, organisation_id),
        judgement=judgement.strip(),
        signer=signer,
        published_at=moment.now,
        published_by=principal.username,
    )
    session.add(row)
    session.flush()
    return row


def list_commitments(
    session: Session, principal: Principal, day: date | None = None
) -> list[SafetyCommitment]:
    query = restrict(select(SafetyCommitment), SafetyCommitment.organisation_id, session, principal)
    if day is not None:
        query = query.where(SafetyCommitment.day == day)
    return list(session.scalars(query.order_by(SafetyCommitment.day.desc(), SafetyCommitment.id)))


def committing_organisations(session: Session, principal: Principal | None) -> list[Organisation]:
    query = select(Organisation).where(Organisation.kind.in_(COMMITTING)).order_by(Organisation.id)
    if principal is not None:
        query = restrict(query, Organisation.id, session, principal)
    return list(session.scalars(query))


def missing(session: Session, principal: Principal | None, day: date) -> list[Organisation]:
    """Organisations (that the principal sees) with no commitment for ``day``."""
    published = set(
        session.scalars(select(SafetyCommitment.organisation_id).where(SafetyCommitment.day == day))
    )
    return [o for o in committing_organisations(session, principal) if o.id not in published]


def missed(
    session: Session, principal: Principal, day: date | None = None
) -> list[MissedCommitment]:
    query = restrict(select(MissedCommitment), MissedCommitment.organisation_id, session, principal)
    if day is not None:
        query = query.where(MissedCommitment.day == day)
    return list(session.scalars(query.order_by(MissedCommitment.day.desc())))
