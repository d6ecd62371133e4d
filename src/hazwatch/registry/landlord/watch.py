"""The landlord hears of its tenants' risky changes: a sub-lease without the head lessor's
consent (Civil Code Art. 716; 2·7) and a new inert-gas source in a tenant's room (the lab's
nitrogen). Each is told once to the landlords up the tenant's lease chain (their duty
officers), through the outbox the alarms use. A tick plugin of the engine runtime; it looks
again when an audited change was committed, at least every minute."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.clock import NextDue
from hazwatch.core.context import Context
from hazwatch.core.i18n import translate
from hazwatch.monitoring.escalation.models import Notification
from hazwatch.monitoring.escalation.service import RECHECK, notify_now
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.registry.choices import HazardKind
from hazwatch.registry.models import HazardSource, Lease, Organisation, Room
from hazwatch.registry.resources import lease_chain

SUBLEASE, INERT_GAS = "sublease_without_consent", "tenant_inert_gas_source"


class LandlordWatch:
    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()
        self._revision = audit_revision()

    def tick(self, now: datetime) -> None:
        if audit_revision() != self._revision:
            self._revision = audit_revision()
            self._due.invalidate()
        if self._due.waiting(now):
            return
        token = self._due.token()
        language = self.context.settings.language
        with self.context.unit_of_work() as session:
            told = {
                (n.subject_type, n.subject_id)
                for n in session.scalars(
                    select(Notification).where(Notification.subject_type.in_((SUBLEASE, INERT_GAS)))
                )
            }

            def name(organisation_id: int) -> str:
                organisation = session.get(Organisation, organisation_id)
                return organisation.name if organisation else str(organisation_id)

            for lease in session.scalars(select(Lease).where(Lease.parent_id.is_not(None))):
                parent = lease_chain(session, lease.parent_id)[0]
                if lease.lessor_consent or parent.sublet_allowed or (SUBLEASE, lease.id) in told:
                    continue
                params = {"tenant": name(lease.lessor_id), "subtenant": name(lease.lessee_id)}
                notify_now(
                    session,
                    subject_type=SUBLEASE,
                    subject_id=lease.id,
                    organisation_id=lease.lessor_id,
                    target="landlord",
                    message=(
                        translate("landlord.notice.sublease_subject", language, **params),
                        translate("landlord.notice.sublease_body", language, **params),
                    ),
                    payload={"lease_id": lease.id, "tenant_id": lease.lessor_id},
                    now=now,
                )
            sources = session.execute(
                select(HazardSource, Room)
                .join(Room, Room.id == HazardSource.room_id)
                .where(HazardSource.kind == HazardKind.INERT_GAS.value)
            ).all()
            for source, room in sources:
                if (INERT_GAS, source.id) in told:
                    continue
                params = {
                    "tenant": name(room.organisation_id),
                    "room": room.name,
                    "substance": source.substance or "",
                }
                notify_now(
                    session,
                    subject_type=INERT_GAS,
                    subject_id=source.id,
                    organisation_id=room.organisation_id,
                    target="landlord",
                    message=(
                        translate("landlord.notice.inert_gas_subject", language, **params),
                        translate("landlord.notice.inert_gas_body", language, **params),
                    ),
                    payload={"hazard_source_id": source.id, "room_id": room.id},
                    now=now,
                )
        self._due.settle(token, now + RECHECK)


register_tick_plugin(LandlordWatch)
