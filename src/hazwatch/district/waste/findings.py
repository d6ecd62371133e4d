"""Findings of waste transfer (registry finding rules): a carrier or receiver without a
valid licence for the manifest's waste code, quantities that do not reconcile beyond the
tolerance, manifests open past their deadline or closed late."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.clock import local_date, local_text
from hazwatch.core.settings import get_settings
from hazwatch.district.waste import service, stores
from hazwatch.district.waste.choices import WasteLicenceKind
from hazwatch.district.waste.models import WasteManifest
from hazwatch.registry.findings import AsOf, Finding, Severity, Visible, register_rule

OBJECT = "waste_manifest"


def _seen(visible: Visible, manifest: WasteManifest) -> bool:
    parties = {manifest.organisation_id, manifest.carrier_id, manifest.receiver_id}
    return visible is None or bool(parties & visible)


@register_rule
def waste_manifests(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    settings = get_settings()
    tolerance = settings.waste_quantity_tolerance
    for manifest in session.scalars(select(WasteManifest).order_by(WasteManifest.id)):
        if not _seen(visible, manifest):
            continue
        parties = (manifest.carrier_id, manifest.receiver_id)
        base = {"manifest": manifest.number, "code": manifest.waste_code}
        picked_up = manifest.picked_up_at
        on = local_date(picked_up, settings.timezone) if picked_up else as_of.today
        for kind, party in (
            (WasteLicenceKind.CARRIER, manifest.carrier_id),
            (WasteLicenceKind.RECEIVER, manifest.receiver_id),
        ):
            if service.valid_licence(session, party, kind, manifest.waste_code, on) is None:
                yield Finding(
                    f"waste_{kind.value}_unlicensed",
                    Severity.MAJOR,
                    party,
                    OBJECT,
                    manifest.id,
                    base,
                    parties=(manifest.organisation_id,),
                )
        state = service.reconcile(manifest, as_of.now, tolerance)
        if state.mismatches:
            yield Finding(
                "waste_quantity_mismatch",
                Severity.SERIOUS,
                manifest.organisation_id,
                OBJECT,
                manifest.id,
                {
                    **base,
                    "declared": service.kg(manifest.quantity_kg),
                    "picked_up": service.kg(manifest.pickup_quantity_kg),
                    "received": service.kg(manifest.received_quantity_kg),
                    "tolerance": f"{tolerance * 100:g}",
                },
                parties=parties,
            )
        if state.overdue or state.late:
            owing = manifest.organisation_id if manifest.paper else manifest.receiver_id
            yield Finding(
                "waste_manifest_overdue" if state.overdue else "waste_manifest_late",
                Severity.GENERAL,
                owing,
                OBJECT,
                manifest.id,
                {**base, "due": local_text(manifest.due_at, settings.timezone) or "-"},
                parties=(manifest.organisation_id, *parties),
            )


@register_rule
def waste_stores(session: Session, visible: Visible, _as_of: AsOf) -> Iterable[Finding]:
    """A waste store with no thermal imaging (seed 001 measure 8), and one whose points are
    in alarm."""
    for state in stores.store_states(session, None, visible):
        store = state.store
        params = {"store": store.name}
        if not state.thermal_imaging:
            yield Finding(
                "waste_store_no_thermal_imaging",
                Severity.SERIOUS,
                store.organisation_id,
                "waste_store",
                store.id,
                params,
            )
        if state.alarms:
            yield Finding(
                "waste_store_in_alarm",
                Severity.MAJOR,
                store.organisation_id,
                "waste_store",
                store.id,
                params | {"points": len({a.point_id for a in state.alarms})},
            )
