"""Daily safety commitment: today's status of every organisation the person sees (published
with its figures, or missing, red once the deadline passed) and the form that publishes
today's; for a landlord, its tenants with their open hidden dangers and inspections."""

from __future__ import annotations

from nicegui import ui

from hazwatch.core.auth.roles import Role
from hazwatch.core.errors import DomainError
from hazwatch.prevention.commitments import service
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.landlord import service as landlord
from hazwatch.registry.scope import Tenancy
from hazwatch.web import session, state
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, local_time
from hazwatch.web.widgets import badge


@ui.page("/commitments")
def commitments_page() -> None:
    who = session.require("/commitments")
    if who is None:
        return
    frame("web.nav.commitments", who)
    context = state.context()

    @ui.refreshable
    def listing() -> None:
        moment = Moment.of(context)
        day = service.today(moment)
        late = moment.now >= service.deadline(day, moment)
        with context.unit_of_work(who) as db:
            published = {c.organisation_id: c for c in service.list_commitments(db, who, day)}
            organisations = service.committing_organisations(db, who)
        ui.label(_t("web.commitments.today", day=day.isoformat())).classes("text-h6")
        for organisation in organisations:
            row = published.get(organisation.id)
            with (
                ui.card().classes("w-full gap-1").props(f"data-testid=commitment-{organisation.id}")
            ):
                with ui.row().classes("items-center gap-2"):
                    ui.label(organisation.name).classes("text-subtitle1")
                    if row is not None:
                        badge(_t("web.commitments.published"), "green", "commitment-state")
                    else:
                        badge(
                            _t("web.commitments.missing"),
                            "red" if late else "orange",
                            "commitment-state",
                        )
                if row is not None:
                    ui.label(
                        _t(
                            "web.commitments.figures",
                            running=row.units_running,
                            stopped=row.units_stopped,
                            special=row.special_work,
                            major=row.open_major_hidden_dangers,
                            signer=row.signer,
                            at=local_time(row.published_at, "%H:%M"),
                        )
                    ).classes("text-body2")
                    if not row.major_hazards_controlled:
                        badge(_t("web.commitments.not_controlled"), "red", "not-controlled")
                    if row.special_work_note:
                        ui.label(
                            _t("web.commitments.special_work_is", note=row.special_work_note)
                        ).classes("text-body2").props("data-testid=commitment-special-work")
                    if row.judgement:
                        ui.label(_t("web.commitments.judgement_is", text=row.judgement)).classes(
                            "text-body2"
                        ).props("data-testid=commitment-judgement")

    listing()
    with context.unit_of_work(who) as db:
        tenancy = Tenancy(db, who)
        writable = {
            o.id: o.name
            for o in service.committing_organisations(db, who)
            if tenancy.may_write(o.id)
        }
        tenants = (
            landlord.tenants(db, who, who.organisation_id, context.clock.now())
            if who.role is Role.LANDLORD and who.organisation_id is not None
            else []
        )
    if writable and who.can_edit:
        with ui.card().classes("w-full gap-2").props("data-testid=commitment-form"):
            ui.label(_t("web.commitments.publish")).classes("text-subtitle1")
            organisation = ui.select(
                writable, value=next(iter(writable)), label=_t("web.commitments.organisation")
            ).props("data-testid=field-organisation_id")
            running = ui.number(_t("web.commitments.running"), value=0, min=0).props(
                "data-testid=field-units_running"
            )
            stopped = ui.number(_t("web.commitments.stopped"), value=0, min=0).props(
                "data-testid=field-units_stopped"
            )
            special = ui.number(_t("web.commitments.special"), value=0, min=0).props(
                "data-testid=field-special_work"
            )
            special_note = (
                ui.textarea(_t("web.commitments.special_work_note"))
                .props("autogrow data-testid=field-special_work_note")
                .classes("w-full")
            )
            controlled = ui.checkbox(_t("web.commitments.controlled"), value=True)
            judgement = (
                ui.textarea(_t("web.commitments.judgement"))
                .props("autogrow data-testid=field-judgement")
                .classes("w-full")
            )
            signer = ui.input(_t("web.commitments.signer")).props("data-testid=field-signer")
            general = ui.label("").classes("text-negative").props("data-testid=commitment-error")
            fields = {
                "signer": signer,
                "units_running": running,
                "units_stopped": stopped,
                "special_work": special,
                "special_work_note": special_note,
                "judgement": judgement,
                "day": general,
            }

            def publish() -> None:
                clear_errors(fields, general)
                try:
                    with context.unit_of_work(who) as db:
                        service.publish(
                            db,
                            who,
                            Moment.of(context),
                            organisation_id=int(organisation.value),
                            units_running=int(running.value or 0),
                            units_stopped=int(stopped.value or 0),
                            special_work=int(special.value or 0),
                            special_work_note=str(special_note.value or ""),
                            major_hazards_controlled=bool(controlled.value),
                            signer=str(signer.value or ""),
                            judgement=str(judgement.value or ""),
                        )
                except DomainError as exc:
                    show_error(exc, fields, general)
                    return
                listing.refresh()

            ui.button(_t("web.commitments.publish"), on_click=publish).props(
                "data-testid=publish-commitment"
            )
    if tenants:
        ui.label(_t("web.landlord.tenants")).classes("text-h6")
        for tenant in tenants:
            with ui.row().classes("items-center gap-2").props(f"data-testid=tenant-{tenant.id}"):
                ui.label(tenant.name)
                ui.label(
                    _t(
                        "landlord.cli.tenant",
                        name="",
                        open=tenant.open_hidden_dangers,
                        major=tenant.open_major,
                        next=local_time(tenant.next_planned, "%Y-%m-%d")
                        if tenant.next_planned
                        else "-",
                    )
                ).classes("text-body2")
                if tenant.inspection_overdue:
                    badge(_t("web.landlord.overdue"), "red", "inspection-overdue")
