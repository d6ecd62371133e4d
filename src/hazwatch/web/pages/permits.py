"""Special-work permits: each permit with whether it clears work now (and why not), and the
steps in order: apply (room, kind, isolations), approval by someone else, the guardian on
site, gas tests, closing. Refusals appear at their field."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from nicegui import ui

from hazwatch.core.errors import DomainError, InvalidInput
from hazwatch.prevention import service
from hazwatch.registry.scope import Tenancy
from hazwatch.web import registry_form, session, state
from hazwatch.web.forms import clear_errors, error_text, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, local_time
from hazwatch.web.widgets import badge

#: Isolations are typed as one line: a Chinese keyboard gives ；, an English one ;.
ISOLATION_SEPARATOR = re.compile("[;；]")


def _decimal(value: object, field: str) -> Decimal | None:
    """An optional number typed in a field (blank: not measured)."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidInput("prevention.bad_percent", field=field) from None


@ui.page("/permits")
def permits_page() -> None:
    who = session.require("/permits")
    if who is None:
        return
    frame("web.nav.permits", who)
    context = state.context()
    max_age = timedelta(minutes=context.settings.gas_test_max_age_minutes)

    @ui.refreshable
    def listing() -> None:
        now = context.clock.now()
        with context.unit_of_work(who) as db:
            permits = service.list_permits(db, who)
            rows = []
            tenancy = Tenancy(db, who)
            for permit in permits:
                valid = not permit.closed and permit.valid_from <= now < permit.valid_until
                clearance = service.permit_clearance(db, permit, now, max_age) if valid else None
                test = service.latest_gas_test(db, permit.id)
                rows.append((permit, clearance, test, tenancy.may_write(permit.organisation_id)))
        for permit, clearance, test, writable in rows:
            with ui.card().classes("w-full gap-1").props(f"data-testid=permit-{permit.number}"):
                with ui.row().classes("items-center gap-2"):
                    ui.label(f"{permit.number} · {_t(f'web.permits.kind.{permit.kind}')}").classes(
                        "text-subtitle1"
                    )
                    if permit.closed:
                        badge(_t("web.permits.closed"), "grey", "permit-state")
                    elif clearance is not None and clearance.cleared:
                        badge(_t("permits.cli.clears"), "green", "permit-state")
                    else:
                        reason = clearance.reason if clearance else "access.reason.no_permit"
                        text = _t(
                            str(reason), room="", permit=permit.number, minutes="-", limit="-"
                        )
                        badge(_t("web.permits.blocked"), "red", "permit-state")
                        ui.label(text).classes("text-caption").props("data-testid=permit-reason")
                ui.label(
                    _t(
                        "web.permits.people",
                        applicant=permit.applicant or "—",
                        approver=permit.approved_by or "—",
                        guardian=permit.guardian or "—",
                    )
                ).classes("text-body2")
                if permit.isolations:
                    ui.label(_t("web.permits.isolations", items="；".join(permit.isolations)))
                if test is not None:
                    limit = (
                        "-"
                        if test.gas_lel_percent is None
                        else f"{service.combustible_limit(test.gas_lel_percent):f}"
                    )
                    ui.label(
                        _t(
                            "web.permits.gas_test",
                            at=local_time(test.at, "%H:%M"),
                            o2=f"{test.o2_percent:f}",
                            vol="-"
                            if test.combustible_percent is None
                            else f"{test.combustible_percent:f}",
                            limit=limit,
                        )
                    ).classes("text-caption").props("data-testid=gas-test")
                if writable and not permit.closed:
                    _actions(permit.id)

    def _actions(permit_id: int) -> None:
        error = ui.label("").classes("text-negative").props("data-testid=permit-error")

        def run(action: object) -> None:
            try:
                with context.unit_of_work(who) as db:
                    action(db)  # type: ignore[operator]
            except DomainError as exc:
                error.text = error_text(exc)
                return
            listing.refresh()

        with ui.row().classes("items-end gap-2"):
            ui.button(
                _t("web.permits.approve"),
                on_click=lambda: run(
                    lambda db: service.approve_permit(db, who, permit_id, context.clock.now())
                ),
            ).props("flat dense data-testid=approve")
            guardian = ui.input(_t("web.permits.guardian")).props(
                "dense data-testid=field-guardian"
            )
            ui.button(
                _t("web.permits.guardian_present"),
                on_click=lambda: run(
                    lambda db: service.confirm_guardian(
                        db, who, permit_id, guardian=str(guardian.value or ""), present=True
                    )
                ),
            ).props("flat dense data-testid=guardian-present")
            o2 = ui.input(_t("web.permits.o2")).props("dense data-testid=field-o2_percent")
            combustible = ui.input(_t("web.permits.combustible")).props(
                "dense data-testid=field-combustible_percent"
            )
            gas_lel = ui.input(_t("web.permits.gas_lel")).props(
                "dense data-testid=field-gas_lel_percent"
            )
            toxic = ui.input(_t("web.permits.toxic")).props("dense data-testid=field-toxic_ppm")
            toxic_limit = ui.input(_t("web.permits.toxic_limit")).props(
                "dense data-testid=field-toxic_limit_ppm"
            )

            def gas(db: object) -> None:
                try:
                    oxygen = Decimal(str(o2.value or "").strip())
                except InvalidOperation:
                    raise InvalidInput("prevention.bad_o2", field="o2_percent") from None
                service.record_gas_test(
                    db,  # type: ignore[arg-type]
                    who,
                    permit_id=permit_id,
                    at=context.clock.now(),
                    o2_percent=oxygen,
                    combustible_percent=_decimal(combustible.value, "combustible_percent"),
                    gas_lel_percent=_decimal(gas_lel.value, "gas_lel_percent"),
                    toxic_ppm=_decimal(toxic.value, "toxic_ppm"),
                    toxic_limit_ppm=_decimal(toxic_limit.value, "toxic_limit_ppm"),
                )

            ui.button(_t("web.permits.record_test"), on_click=lambda: run(gas)).props(
                "flat dense data-testid=record-gas-test"
            )
            ui.button(
                _t("web.permits.close"),
                on_click=lambda: run(lambda db: service.close_permit(db, who, permit_id)),
            ).props("flat dense data-testid=close-permit")

    listing()
    with context.unit_of_work(who) as db:
        rooms = registry_form.options(db, who, "rooms")
        tenancy = Tenancy(db, who)
        if tenancy.writable is not None and not tenancy.writable:
            return
    with ui.card().classes("w-full gap-2").props("data-testid=permit-form"):
        ui.label(_t("web.permits.apply")).classes("text-subtitle1")
        room = ui.select(rooms, label=_t("web.field.room_id")).props("data-testid=field-room_id")
        number = ui.input(_t("web.permits.number")).props("data-testid=field-number")
        kind = ui.select(
            {k: _t(f"web.permits.kind.{k}") for k in service.KINDS},
            value=service.HOT_WORK,
            label=_t("web.permits.kind"),
        ).props("data-testid=field-kind")
        isolations = ui.input(_t("web.permits.isolations_input")).props(
            "data-testid=field-isolations"
        )
        general = ui.label("").classes("text-negative")
        fields = {"room_id": room, "number": number, "kind": kind, "isolations": isolations}

        def apply() -> None:
            clear_errors(fields, general)
            now = context.clock.now()
            try:
                with context.unit_of_work(who) as db:
                    service.open_permit(
                        db,
                        who,
                        room_id=int(room.value or 0),
                        number=str(number.value or "").strip(),
                        kind=str(kind.value),
                        isolations=ISOLATION_SEPARATOR.split(str(isolations.value or "")),
                        valid_from=now,
                        valid_until=now + timedelta(hours=8),
                        now=now,
                    )
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            listing.refresh()

        ui.button(_t("web.permits.apply"), on_click=apply).props("data-testid=apply-permit")
