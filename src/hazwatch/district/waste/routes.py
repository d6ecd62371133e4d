"""Waste transfer over HTTP: licences, manifests, hand-overs, and the waste stores with the
temperature and thermal-imaging points watching them."""

from __future__ import annotations

from fastapi import Request

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.clock import local_date
from hazwatch.district.waste import service, stores, views
from hazwatch.district.waste.choices import ManifestState, StorePointRole
from hazwatch.district.waste.models import WasteLicence, WasteManifest
from hazwatch.district.waste.schemas import (
    HandoverIn,
    LicenceIn,
    LicenceOut,
    ManifestIn,
    ManifestOut,
    StoreIn,
    StoreOut,
    StorePointIn,
    StorePointOut,
)
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/district/waste", tags=["district"])


def _licence(request: Request, db: DbSession, licence: WasteLicence) -> LicenceOut:
    context = get_context(request)
    today = local_date(context.clock.now(), context.settings.timezone)
    return views.licence_outs(db, [licence], today, language_of(request))[0]


@router.get("/licences", response_model=list[LicenceOut])
def list_licences(
    request: Request, db: DbSession, principal: CurrentPrincipal, organisation_id: Id | None = None
) -> list[LicenceOut]:
    """Carriers' and receivers' waste licences the caller sees, with the codes they cover."""
    context = get_context(request)
    today = local_date(context.clock.now(), context.settings.timezone)
    found = service.list_licences(db, principal, organisation_id)
    return views.licence_outs(db, found, today, language_of(request))


@router.post("/licences", status_code=201, response_model=LicenceOut)
def create_licence(
    body: LicenceIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> LicenceOut:
    """Record a licence; each entry is a catalogue code (``900-041-49``) or a category
    (``HW49``)."""
    licence = service.create_licence(db, principal, **body.model_dump())
    return _licence(request, db, licence)


@router.post("/licences/{licence_id}/revoke", response_model=LicenceOut)
def revoke_licence(
    licence_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> LicenceOut:
    return _licence(request, db, service.revoke_licence(db, principal, licence_id))


def _manifests(request: Request, db: DbSession, found: list[WasteManifest]) -> list[ManifestOut]:
    context = get_context(request)
    return views.manifest_outs(
        db,
        found,
        context.clock.now(),
        context.settings.waste_quantity_tolerance,
        language_of(request),
    )


@router.get("/manifests", response_model=list[ManifestOut])
def list_manifests(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    state: ManifestState | None = None,
) -> list[ManifestOut]:
    """Manifests the caller is a party to (or supervises), newest first, each reconciled."""
    return _manifests(request, db, service.list_manifests(db, principal, state))


@router.post("/manifests", status_code=201, response_model=ManifestOut)
def issue(
    body: ManifestIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ManifestOut:
    """The producer issues a manifest for one vehicle trip (or back-fills a paper one)."""
    manifest = service.issue(db, principal, Moment.of(get_context(request)), **body.model_dump())
    return _manifests(request, db, [manifest])[0]


@router.get("/manifests/{manifest_id}", response_model=ManifestOut)
def get_manifest(
    manifest_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ManifestOut:
    return _manifests(request, db, [service.get(db, principal, manifest_id)])[0]


@router.post("/manifests/{manifest_id}/handovers", response_model=ManifestOut)
def handover(
    manifest_id: Id,
    body: HandoverIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ManifestOut:
    """The taking party confirms a hand-over (pick-up by the carrier, then receipt by the
    receiver) with the quantity it found."""
    manifest = service.handover(
        db, principal, Moment.of(get_context(request)), manifest_id, **body.model_dump()
    )
    return _manifests(request, db, [manifest])[0]


def _store_outs(request: Request, found: list[stores.StoreState]) -> list[StoreOut]:
    language = language_of(request)
    return [
        StoreOut(
            id=s.store.id,
            organisation_id=s.store.organisation_id,
            site_id=s.store.site_id,
            room_id=s.store.room_id,
            name=s.store.name,
            points=[
                StorePointOut(
                    point_id=p.point_id,
                    role=p.role,
                    role_label=StorePointRole(p.role).label(language),
                )
                for p in s.points
            ],
            thermal_imaging=s.thermal_imaging,
            alarm_ids=[a.id for a in s.alarms],
        )
        for s in found
    ]


def _one_store(
    request: Request, db: DbSession, principal: CurrentPrincipal, ident: int
) -> StoreOut:
    found = [s for s in stores.store_states(db, principal) if s.store.id == ident]
    return _store_outs(request, found)[0]


@router.get("/stores", response_model=list[StoreOut])
def list_stores(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[StoreOut]:
    """Waste stores with the temperature and thermal-imaging points watching them and the
    alarms of those points not back to normal."""
    return _store_outs(request, stores.store_states(db, principal))


@router.post("/stores", status_code=201, response_model=StoreOut)
def create_store(
    body: StoreIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> StoreOut:
    store = stores.create_store(db, principal, **body.model_dump())
    return _one_store(request, db, principal, store.id)


@router.post("/stores/{store_id}/points", status_code=201, response_model=StoreOut)
def attach_point(
    store_id: Id, body: StorePointIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> StoreOut:
    """A temperature point of the store's site starts watching it (its alarms are the
    engine's, as any sensor's)."""
    stores.attach_point(db, principal, store_id, body.point_id, body.role)
    return _one_store(request, db, principal, store_id)
