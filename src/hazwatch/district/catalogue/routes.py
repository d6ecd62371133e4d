"""The 禁限控 catalogue over HTTP: versions and their entries, a draft's impact, publishing,
conflicts with the versions in force, and the processes enterprises register."""

from __future__ import annotations

from fastapi import Request, Response

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.scope import visible_organisations
from hazwatch.district.catalogue import service, views
from hazwatch.district.catalogue.schemas import (
    EntryIn,
    HitOut,
    ImpactOut,
    ProcessIn,
    ProcessOut,
    VersionIn,
    VersionOut,
)
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/district/catalogue", tags=["district"])


@router.get("/versions", response_model=list[VersionOut])
def list_versions(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[VersionOut]:
    """Published and superseded versions (public), and the drafts of the caller's districts."""
    language = language_of(request)
    return [views.version_out(db, v, language) for v in service.list_versions(db, principal)]


@router.post("/versions", status_code=201, response_model=VersionOut)
def create_version(
    body: VersionIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> VersionOut:
    """A new draft for a district (by default a copy of the version in force)."""
    version = service.create_version(
        db, principal, Moment.of(get_context(request)), **body.model_dump()
    )
    return views.version_out(db, version, language_of(request))


@router.get("/versions/{version_id}", response_model=VersionOut)
def get_version(
    version_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> VersionOut:
    return views.version_out(db, service.get(db, principal, version_id), language_of(request))


@router.post("/versions/{version_id}/entries", status_code=201, response_model=VersionOut)
def add_entry(
    version_id: Id, body: EntryIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> VersionOut:
    """Add a process or product to a draft."""
    service.add_entry(db, principal, version_id, **body.model_dump())
    return views.version_out(db, service.get(db, principal, version_id), language_of(request))


@router.delete("/versions/{version_id}/entries/{entry_id}", status_code=204)
def remove_entry(
    version_id: Id, entry_id: Id, db: DbSession, principal: CurrentPrincipal
) -> Response:
    service.remove_entry(db, principal, version_id, entry_id)
    return Response(status_code=204)


@router.get("/versions/{version_id}/impact", response_model=ImpactOut)
def impact(
    version_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ImpactOut:
    """Who the version newly affects against the version in force (before publishing)."""
    version = service.get(db, principal, version_id)
    hits = service.newly_affected(db, version)
    return views.impact_out(db, version, hits, language_of(request))


@router.post("/versions/{version_id}/publish", response_model=VersionOut)
def publish(
    version_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> VersionOut:
    """Put a draft in force; the version in force before is superseded."""
    version = service.publish(db, principal, Moment.of(get_context(request)), version_id)
    return views.version_out(db, version, language_of(request))


@router.get("/conflicts", response_model=list[HitOut])
def conflicts(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[HitOut]:
    """Registered processes and products of the caller's area in conflict with the versions
    in force."""
    hits = service.current_conflicts(db, visible_organisations(db, principal))
    return views.hit_outs(db, hits, language_of(request))


@router.get("/processes", response_model=list[ProcessOut])
def list_processes(db: DbSession, principal: CurrentPrincipal) -> list[ProcessOut]:
    return views.process_outs(db, service.list_processes(db, principal))


@router.post("/processes", status_code=201, response_model=ProcessOut)
def register_process(body: ProcessIn, db: DbSession, principal: CurrentPrincipal) -> ProcessOut:
    """Register a production process an enterprise runs (with its key-process code, if one)."""
    return views.process_outs(db, [service.register_process(db, principal, **body.model_dump())])[0]


@router.delete("/processes/{process_id}", status_code=204)
def remove_process(process_id: Id, db: DbSession, principal: CurrentPrincipal) -> Response:
    service.remove_process(db, principal, process_id)
    return Response(status_code=204)
