"""Hazardous-goods transport: liability-insurance coverage per district, carriers' monitoring
staff against the rule, the warnings (with the dispatch each went out as) and the zones,
which a department switches on and off at run time."""

from __future__ import annotations

from nicegui import ui

from hazwatch.core.auth.roles import Role
from hazwatch.core.errors import DomainError
from hazwatch.district.transport import service, views
from hazwatch.district.transport.choices import WarningKind
from hazwatch.district.transport.schemas import ZoneOut
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.scope import Tenancy
from hazwatch.web import session, state
from hazwatch.web.forms import error_text
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language, local_time
from hazwatch.web.widgets import badge


@ui.page("/district/transport")
def transport_page() -> None:
    who = session.require("/district/transport")
    if who is None:
        return
    frame("web.nav.transport", who)
    context = state.context()

    @ui.refreshable
    def body() -> None:
        moment = Moment.of(context)
        with context.unit_of_work(who) as db:
            overview = views.overview(db, who, service.today(moment), context.settings)
            warnings = views.warning_outs(db, service.list_warnings(db, who), language())
            zones = views.zone_outs(db, service.list_zones(db), language())
            tenancy = Tenancy(db, who)
            adjustable = {
                z.id
                for z in zones
                if who.role in (Role.REGULATOR, Role.PLATFORM_ADMIN)
                and tenancy.may_write(z.organisation_id)
            }
        for c in overview.coverage:
            with (
                ui.row()
                .classes("items-center gap-2")
                .props(f"data-testid=coverage-{c.district_id}")
            ):
                ui.label(
                    _t(
                        "web.transport.coverage",
                        district=c.district,
                        rate=c.rate_percent,
                        insured=c.insured,
                        vehicles=c.vehicles,
                    )
                ).classes("text-subtitle1")
                if c.uninsured_plates:
                    badge(
                        _t("web.transport.uninsured", plates="、".join(c.uninsured_plates)),
                        "orange",
                    )
        for s in overview.staffing:
            with (
                ui.row()
                .classes("items-center gap-2")
                .props(f"data-testid=staff-{s.organisation_id}")
            ):
                ui.label(
                    _t(
                        "web.transport.staff",
                        carrier=s.carrier,
                        staff=s.monitoring_staff,
                        required=s.required_staff,
                        connected=s.connected_vehicles,
                    )
                )
                if s.short:
                    badge(_t("web.transport.short"), "red", "staff-short")
        ui.label(_t("web.transport.warnings")).classes("text-h6")
        if not warnings:
            ui.label(_t("web.transport.none"))
        for w in warnings:
            with ui.card().classes("w-full gap-1").props(f"data-testid=warning-{w.id}"):
                with ui.row().classes("items-center gap-2"):
                    badge(w.kind_label, WarningKind(w.kind).colour, "warning-kind")
                    ui.label(
                        _t(
                            "web.transport.warning",
                            at=local_time(w.at, "%m-%d %H:%M"),
                            plate=w.plate,
                            kind=w.kind_label,
                            where=w.zone or "-",
                            speed=service.kmh(w.speed_kmh),
                        )
                    )
                if w.dispatch_id is not None:
                    ui.label(
                        _t(
                            "web.transport.dispatched",
                            number=w.dispatch_id,
                            department=w.department or "-",
                        )
                    ).classes("text-body2").props("data-testid=warning-dispatch")
        ui.label(_t("web.transport.zones")).classes("text-h6")
        for z in zones:
            zone_row(z, z.id in adjustable)

    def zone_row(zone: ZoneOut, adjustable: bool) -> None:
        with ui.row().classes("items-center gap-2").props(f"data-testid=zone-{zone.id}"):
            ui.label(
                _t(
                    "web.transport.zone",
                    name=zone.name,
                    kind=zone.kind_label,
                    windows=service.window_text(zone.windows) or _t("web.transport.always"),
                )
            )
            if not zone.active:
                badge(_t("web.transport.inactive"), "grey", "zone-inactive")
            if adjustable:

                def toggle(zone_id: int = zone.id, active: bool = not zone.active) -> None:
                    try:
                        with context.unit_of_work(who) as db:
                            service.update_zone(db, who, zone_id, {"active": active})
                    except DomainError as exc:
                        ui.notify(error_text(exc), type="negative")
                        return
                    body.refresh()

                ui.button(
                    _t("web.transport.activate" if not zone.active else "web.transport.deactivate"),
                    on_click=toggle,
                ).props(f"flat dense data-testid=toggle-zone-{zone.id}")

    body()
