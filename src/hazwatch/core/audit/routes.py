"""Read the audit trail (scoped) and verify its chain (platform admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from hazwatch.core.audit import service
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.audit.schemas import AuditEntryOut, VerifyOut
from hazwatch.core.auth.deps import AdminPrincipal, CurrentPrincipal, DbSession
from hazwatch.core.i18n import translate
from hazwatch.core.scope import restrict

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("", response_model=list[AuditEntryOut])
def list_entries(
    db: DbSession,
    principal: CurrentPrincipal,
    entity_type: str | None = None,
    entity_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: int | None = None,
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    query = restrict(query, AuditEntry.organisation_id, db, principal)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(db.scalars(query))


@router.get("/verify", response_model=VerifyOut)
def verify(db: DbSession, principal: AdminPrincipal) -> VerifyOut:
    report = service.verify(db)
    message = translate(
        report.reason or "audit.verify.ok", principal.language, id=report.first_bad_id
    )
    return VerifyOut(
        ok=report.ok,
        entries=report.entries,
        first_bad_id=report.first_bad_id,
        reason=report.reason,
        message=message,
    )
