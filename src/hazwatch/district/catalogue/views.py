"""禁限控 catalogue answers for the API, the command line and the console."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hazwatch.district.catalogue import service
from hazwatch.district.catalogue.choices import CatalogueCategory, CatalogueSubject, VersionState
from hazwatch.district.catalogue.models import CatalogueVersion, RegisteredProcess
from hazwatch.district.catalogue.schemas import (
    EntryOut,
    HitOut,
    ImpactOut,
    ProcessOut,
    VersionOut,
)
from hazwatch.registry.models import Jurisdiction
from hazwatch.registry.service import organisation_names


def version_out(session: Session, version: CatalogueVersion, language: str) -> VersionOut:
    district = session.get(Jurisdiction, version.jurisdiction_id)
    return VersionOut(
        id=version.id,
        jurisdiction_id=version.jurisdiction_id,
        district=district.name if district else "",
        number=version.number,
        title=version.title,
        basis=version.basis,
        state=version.state,
        state_label=VersionState(version.state).label(language),
        created_at=version.created_at,
        created_by=version.created_by,
        published_at=version.published_at,
        published_by=version.published_by,
        entries=[
            EntryOut(
                id=e.id,
                subject=e.subject,
                subject_label=CatalogueSubject(e.subject).label(language),
                category=e.category,
                category_label=CatalogueCategory(e.category).label(language),
                name=e.name,
                process_code=e.process_code,
                cas=e.cas,
                note=e.note,
            )
            for e in service.entries(session, version.id)
        ],
    )


def hit_outs(session: Session, hits: list[service.Hit], language: str) -> list[HitOut]:
    names = organisation_names(session, [h.item.organisation_id for h in hits])
    return [
        HitOut(
            organisation_id=h.item.organisation_id,
            organisation=names.get(h.item.organisation_id, ""),
            subject=h.item.subject,
            item=h.item.name,
            object_type=h.item.object_type,
            object_id=h.item.object_id,
            entry_id=h.entry_id,
            entry=h.entry_name,
            category=h.category,
            category_label=h.category.label(language),
        )
        for h in hits
    ]


def impact_out(
    session: Session, version: CatalogueVersion, hits: list[service.Hit], language: str
) -> ImpactOut:
    current = service.in_force(session, version.jurisdiction_id)
    return ImpactOut(
        version_id=version.id,
        in_force_id=current.id if current else None,
        conflicts=len(service.conflicts(session, version)),
        newly_affected=hit_outs(session, hits, language),
    )


def process_outs(session: Session, rows: list[RegisteredProcess]) -> list[ProcessOut]:
    names = organisation_names(session, [r.organisation_id for r in rows])
    return [
        ProcessOut(
            id=r.id,
            organisation_id=r.organisation_id,
            organisation=names.get(r.organisation_id, ""),
            name=r.name,
            process_code=r.process_code,
        )
        for r in rows
    ]
