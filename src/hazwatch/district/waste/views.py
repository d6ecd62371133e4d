"""Waste-transfer answers for the API, the command line and the console."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.district.waste import service
from hazwatch.district.waste.choices import ManifestState, WasteLicenceKind
from hazwatch.district.waste.models import WasteLicence, WasteManifest
from hazwatch.district.waste.schemas import LicenceOut, ManifestOut
from hazwatch.registry.service import organisation_names


def licence_outs(
    session: Session, licences: list[WasteLicence], today: date, language: str
) -> list[LicenceOut]:
    names = organisation_names(session, [lic.organisation_id for lic in licences])
    return [
        LicenceOut(
            id=lic.id,
            organisation_id=lic.organisation_id,
            organisation=names.get(lic.organisation_id, ""),
            kind=lic.kind,
            kind_label=WasteLicenceKind(lic.kind).label(language),
            number=lic.number,
            issuer=lic.issuer,
            waste_codes=list(lic.waste_codes),
            valid_from=lic.valid_from,
            valid_until=lic.valid_until,
            revoked=lic.revoked,
            valid_today=not lic.revoked and lic.valid_from <= today <= lic.valid_until,
        )
        for lic in licences
    ]


def manifest_outs(
    session: Session,
    manifests: list[WasteManifest],
    now: datetime,
    tolerance: Decimal,
    language: str,
) -> list[ManifestOut]:
    ids = [o for m in manifests for o in (m.organisation_id, m.carrier_id, m.receiver_id)]
    names = organisation_names(session, ids)
    shown: list[ManifestOut] = []
    for m in manifests:
        state = service.reconcile(m, now, tolerance)
        shown.append(
            ManifestOut(
                id=m.id,
                number=m.number,
                organisation_id=m.organisation_id,
                producer=names.get(m.organisation_id, ""),
                carrier_id=m.carrier_id,
                carrier=names.get(m.carrier_id, ""),
                receiver_id=m.receiver_id,
                receiver=names.get(m.receiver_id, ""),
                vehicle_plate=m.vehicle_plate,
                waste_code=m.waste_code,
                waste_name=m.waste_name,
                quantity_kg=m.quantity_kg,
                state=m.state,
                state_label=ManifestState(m.state).label(language),
                paper=m.paper,
                paper_number=m.paper_number,
                completed_on=m.completed_on,
                issued_at=m.issued_at,
                issued_by=m.issued_by,
                picked_up_at=m.picked_up_at,
                pickup_quantity_kg=m.pickup_quantity_kg,
                received_at=m.received_at,
                receipt_recorded_at=m.receipt_recorded_at,
                received_quantity_kg=m.received_quantity_kg,
                due_at=m.due_at,
                mismatches=state.mismatches,
                overdue=state.overdue,
                late=state.late,
                fails_reconciliation=state.fails,
                note=m.note,
            )
        )
    return shown
