"""Hazardous-waste transfer manifests: every manifest the person is a party to (or
supervises), reconciled (quantities off beyond the tolerance, overdue, late), the hand-over
the person's organisation owes, and the form a producer issues a manifest with."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from nicegui import ui
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import DomainError, InvalidInput
from hazwatch.district.waste import service, views
from hazwatch.district.waste.choices import HandoverStep, ManifestState, WasteLicenceKind
from hazwatch.district.waste.models import WasteLicence
from hazwatch.district.waste.schemas import ManifestOut
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.models import Organisation
from hazwatch.registry.scope import Tenancy
from hazwatch.web import session, state
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, label, language, local_time
from hazwatch.web.widgets import badge

#: The hand-over each state waits for, and the party that confirms it.
NEXT_STEP = {
    ManifestState.ISSUED: (HandoverStep.PICKUP, "carrier_id"),
    ManifestState.IN_TRANSIT: (HandoverStep.RECEIPT, "receiver_id"),
}


def _decimal(text: object, field: str) -> Decimal:
    try:
        return Decimal(str(text or "").strip())
    except InvalidOperation:
        raise InvalidInput("district.waste.bad_quantity", field=field) from None


@ui.page("/district/waste")
def waste_page() -> None:
    who = session.require("/district/waste")
    if who is None:
        return
    frame("web.nav.waste", who)
    context = state.context()

    def card(m: ManifestOut, owed: HandoverStep | None) -> None:
        with ui.card().classes("w-full gap-1").props(f"data-testid=manifest-{m.id}"):
            with ui.row().classes("items-center gap-2"):
                ui.label(f"{m.number} · {m.waste_code} {m.waste_name}").classes("text-subtitle1")
                state_ = ManifestState(m.state)
                badge(m.state_label, state_.colour, "manifest-state")
                if m.mismatches:
                    badge(_t("web.waste.mismatch"), "red", "manifest-mismatch")
                if m.overdue:
                    badge(_t("web.waste.overdue"), "red", "manifest-overdue")
                if m.late:
                    badge(_t("web.waste.late"), "orange", "manifest-late")
                if m.paper:
                    badge(_t("web.waste.paper", number=m.paper_number), "grey")
            ui.label(
                _t(
                    "web.waste.route",
                    producer=m.producer,
                    carrier=m.carrier,
                    plate=m.vehicle_plate,
                    receiver=m.receiver,
                )
            ).classes("text-body2")
            ui.label(
                _t(
                    "web.waste.quantities",
                    declared=service.kg(m.quantity_kg),
                    picked_up=service.kg(m.pickup_quantity_kg),
                    received=service.kg(m.received_quantity_kg),
                    due=local_time(m.due_at, "%Y-%m-%d %H:%M") if m.due_at else "-",
                )
            ).classes("text-body2").props("data-testid=manifest-quantities")
            if owed is not None:
                handover_form(m, owed)

    def handover_form(m: ManifestOut, step: HandoverStep) -> None:
        with ui.row().classes("items-center gap-2"):
            quantity = ui.input(_t("web.waste.quantity_found"), value="").props(
                f"dense data-testid=handover-quantity-{m.id}"
            )

            def confirm() -> None:
                clear_errors({"quantity_kg": quantity})
                try:
                    with context.unit_of_work(who) as db:
                        service.handover(
                            db,
                            who,
                            Moment.of(context),
                            m.id,
                            step=step,
                            quantity_kg=_decimal(quantity.value, "quantity_kg"),
                        )
                except DomainError as exc:
                    show_error(exc, {"quantity_kg": quantity})
                    return
                listing.refresh()

            ui.button(label(step), on_click=confirm).props(f"data-testid=handover-{m.id}")

    @ui.refreshable
    def listing() -> None:
        with context.unit_of_work(who) as db:
            tenancy = Tenancy(db, who)
            found = service.list_manifests(db, who)
            shown = views.manifest_outs(
                db,
                found,
                context.clock.now(),
                context.settings.waste_quantity_tolerance,
                language(),
            )
            owed: dict[int, HandoverStep] = {}
            for manifest in found:
                step = NEXT_STEP.get(ManifestState(manifest.state))
                if (
                    step is not None
                    and who.role is not Role.REGULATOR
                    and tenancy.may_write(getattr(manifest, step[1]))
                ):
                    owed[manifest.id] = step[0]
        if not shown:
            ui.label(_t("web.waste.none")).classes("text-body1")
        for manifest_out in shown:
            card(manifest_out, owed.get(manifest_out.id))

    listing()
    if who.can_edit and who.role is not Role.REGULATOR:
        issue_form(who, listing)


def _licensed(db: Session, kind: WasteLicenceKind) -> dict[int, str]:
    """Organisations holding a waste licence of ``kind`` (the licence register is public:
    a producer picks its carrier and receiver from it)."""
    query = (
        select(Organisation.id, Organisation.name)
        .join(WasteLicence, WasteLicence.organisation_id == Organisation.id)
        .where(WasteLicence.kind == kind, WasteLicence.revoked.is_(False))
        .order_by(Organisation.id)
        .distinct()
    )
    return {row.id: row.name for row in db.execute(query)}


def issue_form(who: Principal, listing: Any) -> None:
    """The producer's form: one manifest per vehicle trip."""
    context = state.context()
    with context.unit_of_work(who) as db:
        tenancy = Tenancy(db, who)
        producers = {
            o.id: o.name
            for o in db.scalars(select(Organisation).order_by(Organisation.id))
            if tenancy.may_write(o.id)
        }
        carriers = _licensed(db, WasteLicenceKind.CARRIER)
        receivers = _licensed(db, WasteLicenceKind.RECEIVER)
    if not producers:
        return
    with ui.card().classes("w-full gap-2").props("data-testid=manifest-form"):
        ui.label(_t("web.waste.issue")).classes("text-subtitle1")
        fields = {
            "organisation_id": ui.select(
                producers, value=next(iter(producers)), label=_t("web.waste.producer")
            ).props("data-testid=field-organisation_id"),
            "carrier_id": ui.select(carriers, label=_t("web.waste.carrier")).props(
                "data-testid=field-carrier_id"
            ),
            "receiver_id": ui.select(receivers, label=_t("web.waste.receiver")).props(
                "data-testid=field-receiver_id"
            ),
            "vehicle_plate": ui.input(_t("web.waste.plate")).props(
                "data-testid=field-vehicle_plate"
            ),
            "waste_code": ui.input(_t("web.waste.code"), placeholder="900-041-49").props(
                "data-testid=field-waste_code"
            ),
            "waste_name": ui.input(_t("web.waste.name")).props("data-testid=field-waste_name"),
            "quantity_kg": ui.input(_t("web.waste.quantity")).props(
                "data-testid=field-quantity_kg"
            ),
        }
        general = ui.label("").classes("text-negative").props("data-testid=manifest-error")

        def issue() -> None:
            clear_errors(fields, general)
            try:
                with context.unit_of_work(who) as db:
                    service.issue(
                        db,
                        who,
                        Moment.of(context),
                        organisation_id=int(fields["organisation_id"].value),
                        carrier_id=int(fields["carrier_id"].value or 0),
                        receiver_id=int(fields["receiver_id"].value or 0),
                        vehicle_plate=str(fields["vehicle_plate"].value or ""),
                        waste_code=str(fields["waste_code"].value or ""),
                        waste_name=str(fields["waste_name"].value or ""),
                        quantity_kg=_decimal(fields["quantity_kg"].value, "quantity_kg"),
                    )
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            listing.refresh()

        ui.button(_t("web.waste.issue"), on_click=issue).props("data-testid=issue-manifest")
