"""Read the audit trail (scoped) and verify its chain (platform admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from sqlalchemy import select

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router, Text64, up_to
from hazwatch.core.audit import service
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.audit.schemas import AuditEntryOut, HeadOut, VerifyOut
from hazwatch.core.auth.deps import AdminPrincipal, CurrentPrincipal, DbSession
from hazwatch.core.auth.roles import Principal
from hazwatch.core.i18n import translate
from hazwatch.core.scope import restrict

router = Router(prefix="/api/audit", tags=["audit"])


@router.get("", response_model=list[AuditEntryOut])
def list_entries(
    db: DbSession,
    principal: CurrentPrincipal,
    entity_type: Text64 | None = None,
    entity_id: Text64 | None = None,
    limit: Annotated[int, up_to(1000)] = 100,
    before_id: Id | None = None,
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


def _language(request: Request, principal: Principal) -> str:
    """The Accept-Language the caller sent, else the language of its account."""
    sent = request.headers.get("accept-language")
    return language_of(request) if sent else principal.language


def _head_out(head: service.Head) -> HeadOut:
    return HeadOut(id=head.id, hash=head.hash, count=head.count, time=head.time)


@router.get("/head", response_model=HeadOut)
def chain_head(db: DbSession, principal: AdminPrincipal) -> HeadOut:
    """The chain head to keep outside the platform (an anchor): a later chain that no longer
    holds this entry with this hash was rolled back or rewritten."""
    return _head_out(service.head(db))


@router.get("/verify", response_model=VerifyOut)
def verify(request: Request, db: DbSession, principal: AdminPrincipal) -> VerifyOut:
    report = service.verify(db)
    message = translate(
        report.reason or "audit.verify.ok",
        _language(request, principal),
        id=report.first_bad_id,
        entries=report.entries,
    )
    return VerifyOut(
        ok=report.ok,
        entries=report.entries,
        first_bad_id=report.first_bad_id,
        reason=report.reason,
        message=message,
        head=_head_out(report.head) if report.head else None,
    )
