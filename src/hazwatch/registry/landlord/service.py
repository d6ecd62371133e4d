"""Landlord duties (issue 14 item 10; 2·7: the sub-lessor never coordinated with or
inspected the lab). A landlord sees its tenants down the lease chain (their findings and
hidden dangers, through the tenancy rule), plans inspections of them (for a time to come)
and records them (not in the future; each finding opens a hidden danger of the tenant, which
the tenant rectifies and the landlord follows), and is notified when a tenant sub-lets
without consent or adds an inert-gas source (:mod:`.watch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import restrict
from hazwatch.prevention.hazard_findings.choices import HazardGrade, HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.service import (
    Moment,
    SourceKind,
    open_from_source,
    register_source,
)
from hazwatch.registry.landlord.models import TenantInspection
from hazwatch.registry.models import Organisation
from hazwatch.registry.scope import Tenancy, lessees_down_the_chain

SOURCE = "tenant_inspection"
register_source(SOURCE, SourceKind("landlord.source.inspection", lambda *_args: None))


def _tenant(session: Session, principal: Principal, landlord_id: int, tenant_id: int) -> None:
    Tenancy(session, principal).writable_organisation(landlord_id, "landlord_id")
    if tenant_id not in lessees_down_the_chain(session, landlord_id):
        raise NotFound("landlord.not_a_tenant", field="tenant_id", id=tenant_id)


def plan(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    landlord_id: int,
    tenant_id: int,
    planned_for: datetime,
) -> TenantInspection:
    _tenant(session, principal, landlord_id, tenant_id)
    if planned_for <= moment.now:
        raise InvalidInput("landlord.date_in_past", field="planned_for")
    row = TenantInspection(landlord_id=landlord_id, tenant_id=tenant_id, planned_for=planned_for)
    session.add(row)
    session.flush()
    return row


def record(
    session: Session,
    principal: Principal,
    moment: Moment,
    inspection_id: int,
    *,
    inspector: str,
    notes: str = "",
    findings: list[str] | None = None,
    done_at: datetime | None = None,
) -> TenantInspection:
    row = session.get(TenantInspection, inspection_id)
    tenancy = Tenancy(session, principal)
    if row is None or not tenancy.may_see(row.landlord_id):
        raise NotFound("scope.not_found", field="inspection_id", id=inspection_id)
    tenancy.ensure_writable([row.landlord_id], "inspection_id")
    if row.done_at is not None:
        raise Conflict("landlord.already_recorded", field="inspection_id")
    done_at = done_at or moment.now
    if done_at > moment.now:
        raise InvalidInput("landlord.date_in_future", field="done_at")
    inspector = inspector.strip()
    if not inspector:
        raise InvalidInput("landlord.inspector_required", field="inspector")
    landlord = session.get(Organisation, row.landlord_id)
    row.done_at, row.inspector, row.notes = done_at, inspector, notes
    session.flush()
    opened = []
    for index, text in enumerate(t.strip() for t in findings or []):
        if not text:
            continue
        finding = open_from_source(
            session,
            moment,
            organisation_id=row.tenant_id,
            source_type=SOURCE,
            source_id=row.id * 1000 + index,
            title_key="landlord.hazard.finding",
            params={"landlord": landlord.name if landlord else "", "text": text},
            grade=HazardGrade.GENERAL,
            actor=principal,
        )
        opened.append(finding.id)
    row.hidden_danger_ids = opened
    session.flush()
    return row


def list_inspections(session: Session, principal: Principal) -> list[TenantInspection]:
    query = restrict(select(TenantInspection), TenantInspection.landlord_id, session, principal)
    return list(session.scalars(query.order_by(TenantInspection.planned_for.desc())))


@dataclass(frozen=True)
class TenantView:
    id: int
    name: str
    open_hidden_dangers: int
    open_major: int
    last_inspected: datetime | None
    next_planned: datetime | None
    inspection_overdue: bool


def tenants(
    session: Session, principal: Principal, landlord_id: int, now: datetime
) -> list[TenantView]:
    """The landlord's tenants down the lease chain with what it should look at."""
    tenancy = Tenancy(session, principal)
    if not tenancy.may_see(landlord_id):
        raise NotFound("scope.not_found", field="landlord_id", id=landlord_id)
    out = []
    for tenant_id in sorted(lessees_down_the_chain(session, landlord_id)):
        organisation = session.get(Organisation, tenant_id)
        if organisation is None:
            continue
        open_ = HazardFinding.state != HazardState.CLOSED.value
        counts: dict[Any, int] = {
            row[0]: int(row[1])
            for row in session.execute(
                select(HazardFinding.grade, func.count(HazardFinding.id))
                .where(HazardFinding.organisation_id == tenant_id, open_)
                .group_by(HazardFinding.grade)
            ).all()
        }
        inspections = session.scalars(
            select(TenantInspection).where(
                TenantInspection.landlord_id == landlord_id,
                TenantInspection.tenant_id == tenant_id,
            )
        ).all()
        done = [i.done_at for i in inspections if i.done_at is not None]
        planned = [i.planned_for for i in inspections if i.done_at is None]
        out.append(
            TenantView(
                tenant_id,
                organisation.name,
                sum(counts.values()),
                int(counts.get(HazardGrade.MAJOR.value, 0)),
                max(done) if done else None,
                min(planned) if planned else None,
                any(p < now for p in planned),
            )
        )
    return out
