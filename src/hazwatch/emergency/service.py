"""SCBA readiness: checked recently, cylinder above its minimum, mask and whistle working.

A set's minimum pressure defaults to the ``scba_minimum_pressure_mpa`` setting (25 MPa for a
30 MPa cylinder: GB/T 18664-2002 requires SCBA to be inspected and maintained, and field
practice refuses a rescue cylinder below about five sixths of its rating); the check itself is
inclusive (25.0 MPa is ready). A set must have been checked within the last 30 days (monthly
check).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM, Principal
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import restrict
from hazwatch.core.settings import Settings
from hazwatch.emergency.models import ScbaCheck, ScbaSet
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.service import (
    Moment,
    SourceKind,
    open_for_source,
    open_from_source,
    register_source,
)
from hazwatch.registry.scope import Tenancy

CHECK_MAX_AGE = timedelta(days=30)
#: The source type of the hidden dangers a set opens.
SOURCE = "scba_set"
DEFAULT_MINIMUM_PRESSURE_MPA: Decimal = Settings.model_fields["scba_minimum_pressure_mpa"].default


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str | None
    set_code: str | None = None
    pressure_mpa: Decimal | None = None


def create_set(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    code: str,
    holder: str = "",
    rated_pressure_mpa: Decimal = Decimal(30),
    minimum_pressure_mpa: Decimal | None = None,
    site_id: int | None = None,
) -> ScbaSet:
    tenancy = Tenancy(session, principal)
    tenancy.writable_organisation(organisation_id)
    if site_id is not None:
        tenancy.writable_site(site_id, for_organisation=organisation_id)
    if minimum_pressure_mpa is None:
        minimum_pressure_mpa = DEFAULT_MINIMUM_PRESSURE_MPA
    if minimum_pressure_mpa <= 0 or minimum_pressure_mpa > rated_pressure_mpa:
        raise InvalidInput("emergency.bad_minimum_pressure", field="minimum_pressure_mpa")
    if session.scalar(select(ScbaSet.id).where(ScbaSet.code == code)):
        raise Conflict("emergency.scba_code_taken", field="code", value=code)
    scba = ScbaSet(
        organisation_id=organisation_id,
        site_id=site_id,
        code=code,
        holder=holder,
        rated_pressure_mpa=rated_pressure_mpa,
        minimum_pressure_mpa=minimum_pressure_mpa,
    )
    session.add(scba)
    session.flush()
    return scba


def record_check(
    session: Session,
    principal: Principal,
    *,
    set_code: str,
    at: datetime,
    cylinder_pressure_mpa: Decimal,
    mask_ok: bool = True,
    alarm_whistle_ok: bool = True,
    moment: Moment | None = None,
) -> ScbaCheck:
    """Record a check. With ``moment`` (every caller acting for a person: API, console, CLI,
    demo), a set the check leaves not ready opens a hidden danger (:func:`open_hidden_danger`),
    in the same unit of work."""
    scba = get_set(session, principal, set_code)
    Tenancy(session, principal).ensure_writable([scba.organisation_id], "set_code")
    if cylinder_pressure_mpa < 0 or cylinder_pressure_mpa > scba.rated_pressure_mpa * 2:
        raise InvalidInput("emergency.bad_pressure", field="cylinder_pressure_mpa")
    check = ScbaCheck(
        set_id=scba.id,
        organisation_id=scba.organisation_id,
        at=at,
        checked_by=principal.username,
        cylinder_pressure_mpa=cylinder_pressure_mpa,
        mask_ok=mask_ok,
        alarm_whistle_ok=alarm_whistle_ok,
    )
    session.add(check)
    session.flush()
    if moment is not None:
        open_hidden_danger(session, scba, moment, principal)
    return check


def open_hidden_danger(
    session: Session, scba: ScbaSet, moment: Moment, actor: Principal = SYSTEM
) -> HazardFinding | None:
    """A set that is not ready (low cylinder, faulty mask or whistle, check overdue) is a
    general hidden danger of its organisation, one per set while open; it closes only
    through the loop, its self-check needing a passing re-check (:func:`still_failing`)."""
    readiness = set_readiness(session, scba, moment.now)
    if readiness.ready or readiness.reason is None:
        return None
    return open_from_source(
        session,
        moment,
        organisation_id=scba.organisation_id,
        source_type=SOURCE,
        source_id=scba.id,
        title_key=readiness.reason.replace("emergency.", "emergency.hazard.", 1),
        params=_params(scba, readiness),
        grade=HazardGrade.GENERAL,
        location=scba.holder,
        actor=actor,
    )


def hidden_danger_of(session: Session, set_id: int) -> HazardFinding | None:
    """The set's open hidden danger, if it has one."""
    return open_for_source(session, SOURCE, set_id)


def _params(scba: ScbaSet, readiness: Readiness) -> dict[str, Any]:
    return {
        "scba": scba.code,
        "holder": scba.holder,
        "pressure": f"{readiness.pressure_mpa:g}" if readiness.pressure_mpa is not None else "-",
        "minimum": f"{scba.minimum_pressure_mpa:g}",
    }


def still_failing(
    session: Session, set_id: int, now: datetime
) -> tuple[str, dict[str, Any]] | None:
    """What still keeps a set from being ready (None: a passing re-check shows it fixed)."""
    scba = session.get(ScbaSet, set_id)
    if scba is None:
        return None
    readiness = set_readiness(session, scba, now)
    if readiness.ready or readiness.reason is None:
        return None
    return readiness.reason, _params(scba, readiness)


register_source(SOURCE, SourceKind("emergency.source.scba_set", still_failing))


def get_set(session: Session, principal: Principal, code: str) -> ScbaSet:
    """The set with this code, if the principal may see it (else the same 404 as a set that
    does not exist, so codes of other organisations are not disclosed)."""
    query = restrict(
        select(ScbaSet).where(ScbaSet.code == code), ScbaSet.organisation_id, session, principal
    )
    scba = session.scalar(query)
    if scba is None:
        raise NotFound("emergency.scba_not_found", field="set_code", value=code)
    return scba


def list_checks(session: Session, principal: Principal, code: str) -> list[ScbaCheck]:
    scba = get_set(session, principal, code)
    query = (
        select(ScbaCheck)
        .where(ScbaCheck.set_id == scba.id)
        .order_by(ScbaCheck.at.desc(), ScbaCheck.id.desc())
    )
    return list(session.scalars(query))


def set_readiness(session: Session, scba: ScbaSet, now: datetime) -> Readiness:
    check = session.scalar(
        select(ScbaCheck)
        .where(ScbaCheck.set_id == scba.id)
        .order_by(ScbaCheck.at.desc(), ScbaCheck.id.desc())
    )
    if check is None:
        return Readiness(False, "emergency.scba_never_checked", scba.code)
    if now - check.at > CHECK_MAX_AGE:
        return Readiness(False, "emergency.scba_check_overdue", scba.code)
    if check.cylinder_pressure_mpa < scba.minimum_pressure_mpa:
        return Readiness(
            False, "emergency.scba_low_pressure", scba.code, check.cylinder_pressure_mpa
        )
    if not (check.mask_ok and check.alarm_whistle_ok):
        return Readiness(False, "emergency.scba_defect", scba.code)
    return Readiness(True, None, scba.code, check.cylinder_pressure_mpa)


def person_readiness(session: Session, person: str, now: datetime) -> Readiness:
    """The best-prepared set held by ``person`` (any ready one will do)."""
    sets = session.scalars(select(ScbaSet).where(ScbaSet.holder == person)).all()
    if not sets:
        return Readiness(False, "emergency.no_scba_for_person")
    results = [set_readiness(session, scba, now) for scba in sets]
    return next((r for r in results if r.ready), results[0])


def list_sets(session: Session, principal: Principal) -> list[ScbaSet]:
    query = select(ScbaSet).order_by(ScbaSet.id)
    query = restrict(query, ScbaSet.organisation_id, session, principal)
    return list(session.scalars(query))
