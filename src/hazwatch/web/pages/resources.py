"""Emergency resources: the district's dispatch rules, the shared equipment library (what is
lendable, what is out), rescue teams with their certified members, and dispatches to
incidents and drills, line by line from sent to arrived to returned; whoever may record for
a line marks its arrival here, then what came back. The district's command centre asks for
a dispatch here (the service picks the nearest ready equipment and teams). Whoever may write
for an organisation lists its equipment, registers its teams and their members here (the
API's forms)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nicegui import ui

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import local_date
from hazwatch.core.errors import DomainError
from hazwatch.district.resources import service, views
from hazwatch.district.resources.choices import ItemCondition, LineState, TeamKind
from hazwatch.district.resources.schemas import (
    DispatchIn,
    DispatchOut,
    ItemIn,
    LineOut,
    MemberIn,
    ReturnIn,
    TeamIn,
)
from hazwatch.emergency.readiness import service as readiness
from hazwatch.emergency.readiness.choices import EquipmentKind
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.models import Organisation
from hazwatch.registry.scope import Tenancy
from hazwatch.registry.service import district_of, validate_input
from hazwatch.supervision import incidents
from hazwatch.web import registry_form, session, state
from hazwatch.web.forms import clear_errors, error_text, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language, local_time
from hazwatch.web.widgets import badge

PATH = "/district/resources"


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _create_forms() -> None:
    """New library items and teams, for the organisations the person may write for."""
    who = session.principal()
    assert who is not None
    with state.context().unit_of_work(who) as db:
        owners = registry_form.writable_organisations(db, who) if who.can_edit else {}
        sites = registry_form.writable_sites(db, who) if owners else {}
    if not owners:
        return
    own = who.organisation_id if who.organisation_id in owners else next(iter(owners))
    references = {"organisation_id": owners, "site_id": sites}
    registry_form.create_card(
        "web.resources.new_item",
        ItemIn,
        lambda db, current, data: service.add_item(db, current, **data.model_dump()),
        path=PATH,
        testid="item-form",
        values={"organisation_id": own},
        references=references,
    )
    registry_form.create_card(
        "web.resources.new_team",
        TeamIn,
        lambda db, current, data: service.add_team(db, current, **data.model_dump()),
        path=PATH,
        testid="team-form",
        values={"organisation_id": own},
        references=references,
    )


#: Rows for the equipment a dispatch asks for (the API takes up to twenty kinds; an incident
#: commander asks for a few at a time and sends another request for more).
NEED_ROWS = 4


def _dispatch_form() -> None:
    """The command centre's request for an incident or a drill: what kinds and how much, how
    many teams, where. The service sends the nearest ready resources under the district's
    rules and keeps what it could not supply as shortfalls; the page lists the new dispatch."""
    who = session.principal()
    assert who is not None
    if who.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        return
    context = state.context()
    with context.unit_of_work(who) as db:
        incident_options = {i.id: i.title for i in incidents.list_incidents(db, who)}
        drill_options = {d.id: d.title for d in readiness.list_drills(db, who)}
        sites = registry_form.visible_sites(db, who)
    kinds: dict[Any, str] = {None: _t("web.registry.none")} | {
        k.value: k.label(language()) for k in EquipmentKind if k is not EquipmentKind.SCBA
    }
    rows: list[tuple[ui.select, ui.input]] = []

    def needs() -> dict[str, Any]:
        ui.label(_t("web.resources.needs")).classes("text-caption q-mt-sm")
        drawn: dict[str, Any] = {}
        for index in range(NEED_ROWS):
            with ui.row().classes("w-full gap-2"):
                kind = (
                    ui.select(kinds, label=_t("web.resources.need_kind"), value=None)
                    .classes("min-w-[12rem]")
                    .props(f"data-testid=field-need-kind-{index}")
                )
                quantity = ui.input(_t("web.field.quantity")).props(
                    f"inputmode=decimal data-testid=field-need-quantity-{index}"
                )
            rows.append((kind, quantity))
            drawn |= {f"needs.{index}.kind": kind, f"needs.{index}.quantity": quantity}
        return drawn

    def asked() -> dict[str, Any]:
        """The rows down to the last one filled in: a half-filled or blank row in between is
        sent as it is, so its refusal appears at that row and nothing is stored."""
        values = [
            {"kind": kind.value, "quantity": str(quantity.value or "").strip()}
            for kind, quantity in rows
        ]
        while values and not values[-1]["kind"] and not values[-1]["quantity"]:
            values.pop()
        return {"needs": values}

    def save(db: Any, current: Principal, data: DispatchIn) -> Any:
        fields = data.model_dump()
        fields["needs"] = [service.Need(**need) for need in fields["needs"]]
        return service.request_dispatch(db, current, Moment.of(context), service.Request(**fields))

    registry_form.create_card(
        "web.resources.new_dispatch",
        DispatchIn,
        save,
        path=PATH,
        testid="dispatch-form",
        references={
            "incident_id": incident_options,
            "drill_id": drill_options,
            "site_id": sites,
        },
        skip=("needs",),
        more=needs,
        extra=asked,
    )


def _member_form(team_id: int) -> None:
    registry_form.create_card(
        "web.resources.new_member",
        MemberIn,
        lambda db, current, data: service.add_member(db, current, team_id, **data.model_dump()),
        path=PATH,
        testid=f"member-form-{team_id}",
    )


@ui.page("/district/resources")
def resources_page() -> None:
    who = session.require(PATH)
    if who is None:
        return
    frame("web.nav.resources", who)
    context = state.context()

    @ui.refreshable
    def body() -> None:
        moment = Moment.of(context)
        today = local_date(moment.now, moment.settings.timezone)
        with context.unit_of_work(who) as db:
            own = db.get(Organisation, who.organisation_id) if who.organisation_id else None
            district = district_of(db, own.jurisdiction_id if own else who.jurisdiction_id)
            rules = service.rules_for(db, district.id if district else None)
            items = views.library(db, service.library(db, who, moment.now), language())
            teams = views.team_outs(db, service.list_teams(db, who), today, language())
            dispatches = views.dispatch_outs(db, service.list_dispatches(db, who), language())
            tenancy = Tenancy(db, who)
            managed = {t.id for t in teams if tenancy.may_write(t.organisation_id)}
            recordable = {
                line.id
                for d in dispatches
                for line in d.lines
                if tenancy.may_write_any([d.organisation_id, line.organisation_id])
            }
        ui.label(
            _t(
                "web.resources.rules",
                distance=_n(rules.max_distance_km),
                reserve=_n(rules.reserve_percent),
                teams=rules.teams,
                qualified=rules.team_min_qualified,
                speed=_n(rules.speed_kmh),
            )
        ).classes("text-body2").props("data-testid=resource-rules")
        ui.label(_t("web.resources.dispatches")).classes("text-h6")
        if not dispatches:
            ui.label(_t("web.resources.none"))
        for d in dispatches:
            dispatch_card(d, recordable)
        ui.label(_t("web.resources.library")).classes("text-h6")
        for i in items:
            with ui.row().classes("items-center gap-2").props(f"data-testid=item-{i.code}"):
                badge(i.condition_label, ItemCondition(i.condition).colour, "item-condition")
                ui.label(
                    _t(
                        "web.resources.item",
                        name=i.name or i.code,
                        kind=i.kind_label,
                        quantity=_n(i.quantity),
                        unit=i.unit,
                        owner=i.owner,
                    )
                )
                ui.label(
                    _t("web.resources.last_check", at=local_time(i.last_check, "%m-%d"))
                    if i.last_check
                    else _t("web.resources.never_checked")
                ).classes("text-caption")
                if i.out:
                    badge(_t("web.resources.out", out=_n(i.out), unit=i.unit), "orange", "item-out")
                if not i.lendable:
                    badge(_t("web.resources.not_lendable"), "grey", "item-not-lendable")
        ui.label(_t("web.resources.teams")).classes("text-h6")
        for t in teams:
            with ui.card().classes("w-full gap-1").props(f"data-testid=team-{t.id}"):
                with ui.row().classes("items-center gap-2"):
                    badge(t.kind_label, TeamKind(t.kind).colour, "team-kind")
                    ui.label(
                        _t(
                            "web.resources.team",
                            name=t.name,
                            kind=t.kind_label,
                            qualified=t.qualified_members,
                            members=len(t.members),
                        )
                    ).props("data-testid=team-summary")
                    if t.busy:
                        badge(_t("web.resources.busy"), "orange", "team-busy")
                    if not t.available:
                        badge(_t("web.resources.off_duty"), "grey", "team-off")
                ui.label(
                    "、".join(
                        f"{m.person}（{m.role}{'·' if m.qualifications else ''}"
                        f"{'/'.join(m.qualifications)}）"
                        for m in t.members
                    )
                ).classes("text-caption")
                if t.id in managed:
                    _member_form(t.id)

    def return_form(line: LineOut) -> None:
        """What came back on a line that arrived: of an item, how much (the rest was used up
        and leaves the library); a team comes back whole."""
        fields: dict[str, Any] = {}
        if line.equipment_id is not None:
            fields["returned_quantity"] = ui.input(
                _t("web.resources.returned", unit=line.unit or "-")
            ).props(f"dense inputmode=decimal data-testid=returned-quantity-{line.id}")
        fields["note"] = ui.input(_t("web.field.note")).props(
            f"dense data-testid=return-note-{line.id}"
        )

        def back() -> None:
            clear_errors(fields)
            data = {name: element.value for name, element in fields.items()}
            if data.get("returned_quantity") in ("", None):
                data.pop("returned_quantity", None)
            try:
                model = validate_input(ReturnIn, data)
                with context.unit_of_work(who) as db:
                    service.record_return(
                        db,
                        who,
                        Moment.of(context),
                        line.id,
                        at=model.at,
                        returned_quantity=model.returned_quantity,
                        note=model.note,
                    )
            except DomainError as exc:
                show_error(exc, fields)
                return
            body.refresh()

        ui.button(_t("web.resources.record_return"), on_click=back).props(
            f"flat dense data-testid=return-{line.id}"
        )

    def dispatch_card(d: DispatchOut, recordable: set[int]) -> None:
        with ui.card().classes("w-full gap-1").props(f"data-testid=dispatch-{d.id}"):
            with ui.row().classes("items-center gap-2"):
                ui.label(
                    _t(
                        "web.resources.dispatch",
                        at=local_time(d.requested_at, "%m-%d %H:%M"),
                        purpose=d.purpose_label,
                        subject=d.subject,
                        organisation=d.organisation,
                    )
                ).classes("text-subtitle1")
                if d.closed_at:
                    badge(_t("web.resources.closed"), "green", "dispatch-closed")
            for s in d.shortfalls:
                badge(
                    _t("web.resources.shortfall", kind=s.kind_label, missing=_n(s.missing)),
                    "red",
                    "dispatch-shortfall",
                )
            for line in d.lines:
                with ui.row().classes("items-center gap-2").props(f"data-testid=line-{line.id}"):
                    badge(line.state_label, LineState(line.state).colour, "line-state")
                    key = "web.resources.line" if line.equipment_id else "web.resources.line_team"
                    ui.label(
                        _t(
                            key,
                            what=line.what,
                            quantity=_n(line.quantity),
                            unit=line.unit,
                            owner=line.owner,
                            distance=line.distance_km,
                            minutes=line.minutes,
                        )
                    )
                    ui.label(
                        _t(
                            "web.resources.times",
                            sent=local_time(line.sent_at, "%H:%M"),
                            arrived=local_time(line.arrived_at, "%H:%M"),
                            returned=local_time(line.returned_at, "%H:%M"),
                        )
                    ).classes("text-caption")
                    if line.returned_quantity is not None:
                        ui.label(
                            _t(
                                "web.resources.returned_quantity",
                                quantity=_n(line.returned_quantity),
                                unit=line.unit,
                            )
                        ).classes("text-caption").props("data-testid=line-returned")
                    if line.state == LineState.SENT and line.id in recordable:

                        def arrived(line_id: int = line.id) -> None:
                            try:
                                with context.unit_of_work(who) as db:
                                    service.record_arrival(
                                        db, who, Moment.of(context), line_id, None
                                    )
                            except DomainError as exc:
                                ui.notify(error_text(exc), type="negative")
                                return
                            body.refresh()

                        ui.button(_t("web.resources.arrived"), on_click=arrived).props(
                            f"flat dense data-testid=arrive-{line.id}"
                        )
                    if line.state == LineState.ARRIVED and line.id in recordable:
                        return_form(line)

    body()
    _dispatch_form()
    _create_forms()
