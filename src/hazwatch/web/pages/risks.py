"""The risk register's colour map (四色图): each site's rooms coloured by their highest current
risk, and the register below it (events with their factors, level and control measures);
the forms that add analysis objects and hazardous events, and one event's page with its
assessments, control measures and the forms that grade it again and add a measure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nicegui import ui
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.chemicals import service as chemicals
from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError
from hazwatch.core.scope import visible_organisations
from hazwatch.prevention.risks import grading, service
from hazwatch.prevention.risks.choices import ControlKind
from hazwatch.prevention.risks.grading import RiskLevel, RiskMethod
from hazwatch.prevention.risks.models import RiskEvent, RiskObject
from hazwatch.prevention.risks.schemas import (
    AssessIn,
    ControlIn,
    EventIn,
    EventPatch,
    ObjectIn,
    ObjectPatch,
)
from hazwatch.registry.models import Building, Room, Site
from hazwatch.registry.scope import Tenancy
from hazwatch.web import registry_form, session, state, widgets
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, label, local_time
from hazwatch.web.widgets import badge, hex_of


@ui.page("/risks")
def risks_page(site: int | None = None) -> None:
    who = session.require("/risks")
    if who is None:
        return
    frame("web.nav.risks", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        visible = visible_organisations(db, who)
        with_rooms = select(Building.site_id).join(Room, Room.building_id == Building.id)
        if visible is not None:
            with_rooms = with_rooms.where(Room.organisation_id.in_(visible))
        query = select(Site).where(Site.id.in_(with_rooms))
        sites = {s.id: s.name for s in db.scalars(query.order_by(Site.id))}
        chosen = site if site in sites else next(iter(sites), None)
        rooms = service.colour_map(db, who, chosen) if chosen is not None else []
        events = service.list_events(db, who, chosen)
        controls = service.controls(db, [e.id for e, _o in events])
        factors = {
            e.id: (a.factors if (a := service.latest_assessment(db, e.id)) else {})
            for e, _o in events
        }
    if not sites:
        ui.label(_t("web.risk.no_site")).classes("text-grey-7")
        return
    ui.select(
        sites,
        value=chosen,
        label=_t("web.risk.site"),
        on_change=lambda e: ui.navigate.to(f"/risks?site={e.value}"),
    ).props("data-testid=site-select dense").classes("w-64")
    with ui.row().classes("gap-2 items-center"):
        for level in RiskLevel:
            badge(label(level), level.colour)
        badge(_t("risks.cli.none"), "grey")
    with ui.row().classes("gap-2 flex-wrap").props("data-testid=colour-map"):
        for room in rooms:
            colour = "grey" if room.level is None else room.level.colour
            with (
                ui.card()
                .classes("w-40 gap-0 text-white")
                .style(f"background:{hex_of(colour)}")
                .props(f"data-testid=room-{room.room_id} data-colour={colour}")
            ):
                ui.label(room.room).classes("text-subtitle1")
                ui.label(room.building).classes("text-caption")
                ui.label(label(room.level) if room.level else _t("risks.cli.none")).classes(
                    "text-caption"
                )
    ui.label(_t("web.risk.register")).classes("text-h6")
    columns = [
        {"name": "level", "label": _t("web.risk.level"), "field": "level", "align": "left"},
        {"name": "object", "label": _t("web.risk.object"), "field": "object", "align": "left"},
        {"name": "title", "label": _t("web.risk.event"), "field": "title", "align": "left"},
        {"name": "method", "label": _t("web.risk.method"), "field": "method", "align": "left"},
        {"name": "factors", "label": _t("web.risk.factors"), "field": "factors"},
        {"name": "score", "label": _t("web.risk.score"), "field": "score"},
        {
            "name": "controls",
            "label": _t("web.risk.controls"),
            "field": "controls",
            "align": "left",
        },
    ]
    rows: list[dict[str, Any]] = [
        {
            "id": e.id,
            "level": label(RiskLevel(e.level)) if e.level else "-",
            "object": o.name,
            "title": e.title,
            "method": label(RiskMethod(e.method)),
            "factors": " × ".join(f"{k}={v}" for k, v in factors[e.id].items()),
            "score": str(e.score),
            "controls": "；".join(
                f"{label(ControlKind(c.kind))}：{c.description}" for c in controls.get(e.id, [])
            ),
        }
        for e, o in events
    ]
    register = widgets.table(columns, rows).props("data-testid=register flat wrap-cells")
    register.on("rowClick", lambda e: ui.navigate.to(f"/risks/events/{e.args[1]['id']}"))
    if who.can_edit and chosen is not None:
        _new_object_and_event(who, chosen)


def _new_object_and_event(who: Principal, site_id: int) -> None:
    """An analysis object on this site, and a hazardous event of one (graded on saving)."""
    context = state.context()
    path = f"/risks?site={site_id}"
    with context.unit_of_work(who) as db:
        owners = registry_form.writable_organisations(db, who)
        tenancy = Tenancy(db, who)
        objects = {
            o.id: o.name
            for o in service.list_objects(db, who, site_id)
            if tenancy.may_write(o.organisation_id)
        }
        rooms = {r.room_id: f"{r.building}/{r.room}" for r in service.colour_map(db, who, site_id)}
        units = {
            u.id: u.name
            for u in chemicals.list_units(db, who, site_id)
            if tenancy.may_write(u.organisation_id)
        }
    if not owners:
        return
    with ui.row().classes("w-full items-start gap-4"):
        registry_form.schema_card(
            "web.risk.new_object",
            ObjectIn,
            lambda db, current, data: service.create_object(db, current, data),
            lambda _obj: ui.navigate.to(path),
            path=path,
            testid="object-form",
            values={"organisation_id": next(iter(owners)), "site_id": site_id},
            references={
                "organisation_id": owners,
                "site_id": {site_id: _t("web.risk.this_site")},
                "room_id": {None: _t("web.registry.none")} | rooms,
                "chemical_unit_id": {None: _t("web.registry.none")} | units,
            },
        )
        if objects:
            _event_form(objects, path)


def _event_form(objects: dict[int, str], path: str) -> None:
    context = state.context()
    drawn: list[tuple[ui.select, _Factors]] = []

    def save(db: Session, who: Principal, data: EventIn) -> Any:
        target = int(drawn[0][0].value)
        return service.create_event(db, who, target, data, context.clock.now())

    def inputs() -> Mapping[str, Any]:
        target = (
            ui.select(objects, value=next(iter(objects)), label=_t("web.risk.object") + " *")
            .props("data-testid=field-object_id")
            .classes("w-full")
        )
        drawn.append((target, _Factors(RiskMethod.LS)))
        return {"object_id": target} | drawn[0][1].elements

    fields = registry_form.schema_card(
        "web.risk.new_event",
        EventIn,
        save,
        lambda event: ui.navigate.to(f"/risks/events/{event.id}"),
        path=path,
        testid="event-form",
        skip=("factors",),
        more=inputs,
        extra=lambda: {"factors": drawn[0][1].values(odh=bool(fields["odh"].element.value))},
    )
    fields["method"].element.on_value_change(
        lambda e: drawn[0][1].show(RiskMethod(e.value) if e.value else RiskMethod.LS)
    )


class _Factors:
    """A select for each factor of the method (L, E, C for LEC; L, S for LS), offering only
    the values of the method's table; the service checks them again."""

    def __init__(self, method: RiskMethod) -> None:
        names = dict.fromkeys(n for table in grading.FACTORS.values() for n in table)
        with ui.row().classes("gap-2"):
            self.selects = {
                n: ui.select([], label=n).props(f"data-testid=factor-{n}").classes("w-24")
                for n in names
            }
        self.show(method)

    def show(self, method: RiskMethod) -> None:
        self.method = method
        table = grading.FACTORS[method]
        for name, choice in self.selects.items():
            choice.set_visibility(name in table)
            choice.set_options([str(v) for v in table.get(name, ())], value=None)

    @property
    def elements(self) -> dict[str, Any]:
        return {f"factors.{name}": choice for name, choice in self.selects.items()}

    def values(self, *, odh: bool = False) -> dict[str, str]:
        if odh:
            return {}
        table = grading.FACTORS[self.method]
        return {n: s.value for n, s in self.selects.items() if n in table and s.value is not None}


@ui.page("/risks/events/{event_id}")
def risk_event_page(event_id: int) -> None:
    """One hazardous event: its level and every assessment (factors, band version, basis),
    its control measures, and the forms that grade it again and add a measure."""
    path = f"/risks/events/{event_id}"
    who = session.require(path)
    if who is None:
        return
    frame("web.nav.risks", who)
    context = state.context()
    try:
        with context.unit_of_work(who) as db:
            event, obj = service.event_detail(db, who, event_id)
            history = list(service.assessments(db, event.id))
            measures = service.controls(db, [event.id]).get(event.id, [])
            writable = who.can_edit and Tenancy(db, who).may_write(event.organisation_id)
    except DomainError as exc:
        ui.label(_t(exc.code, **exc.params)).classes("text-negative")
        return
    ui.link(_t("web.risk.back"), f"/risks?site={obj.site_id}")
    with ui.row().classes("items-center gap-2"):
        ui.label(f"{obj.name} · {event.title}").classes("text-h6").props("data-testid=event-title")
        if event.level:
            level = RiskLevel(event.level)
            badge(label(level), level.colour, "event-level")
        ui.label(_t("web.risk.score_is", score=event.score)).props("data-testid=event-score")
        if event.retired_at is not None:
            badge(_t("web.risk.retired"), "grey", "event-retired")
    if event.consequence:
        ui.label(event.consequence).classes("text-body2")
    widgets.table(
        [
            {"name": "at", "label": _t("web.history.at"), "field": "at", "align": "left"},
            {"name": "factors", "label": _t("web.risk.factors"), "field": "factors"},
            {"name": "score", "label": _t("web.risk.score"), "field": "score"},
            {"name": "level", "label": _t("web.risk.level"), "field": "level"},
            {"name": "basis", "label": _t("web.risk.basis"), "field": "basis", "align": "left"},
        ],
        [
            {
                "id": a.id,
                "at": local_time(a.assessed_at, "%Y-%m-%d %H:%M"),
                "factors": " × ".join(f"{k}={v}" for k, v in a.factors.items()),
                "score": str(a.score),
                "level": label(RiskLevel(a.level)),
                "basis": _t("web.risk.band_version", version=a.band_version) + f" · {a.basis}",
            }
            for a in history
        ],
    ).props("data-testid=assessments flat wrap-cells")
    ui.label(_t("web.risk.controls")).classes("text-subtitle1")
    with ui.column().classes("gap-0").props("data-testid=controls"):
        for control in measures:
            ui.label(
                f"{label(ControlKind(control.kind))}：{control.description}"
                + (f"（{control.responsible}）" if control.responsible else "")
            )
    if not writable or event.retired_at is not None:
        return
    _change_or_retire(event, obj, path)
    with ui.row().classes("w-full items-start gap-4"):
        registry_form.schema_card(
            "web.risk.add_control",
            ControlIn,
            lambda db, current, data: service.add_control(db, current, event_id, data),
            lambda _c: ui.navigate.to(path),
            path=path,
            testid="control-form",
        )
        _assess_form(event_id, RiskMethod(event.method), odh=event.odh, path=path)


def _change_or_retire(event: RiskEvent, obj: RiskObject, path: str) -> None:
    """Reword the event or rename its object; retire the event, or the object with all its
    events (off the register and the colour map, kept with their gradings)."""
    now = state.context().clock.now
    with ui.row().classes("w-full items-start gap-4"):
        with ui.expansion(_t("web.risk.edit_event"), icon="edit").props(
            "dense data-testid=edit-event"
        ):
            registry_form.schema_card(
                "web.risk.edit_event",
                EventPatch,
                lambda db, current, data: service.update_event(db, current, event.id, data),
                lambda _e: ui.navigate.to(path),
                path=path,
                testid="edit-event-form",
                values={"title": event.title, "consequence": event.consequence},
            )
        with ui.expansion(_t("web.risk.edit_object"), icon="edit").props(
            "dense data-testid=edit-object"
        ):
            registry_form.schema_card(
                "web.risk.edit_object",
                ObjectPatch,
                lambda db, current, data: service.update_object(db, current, obj.id, data),
                lambda _o: ui.navigate.to(path),
                path=path,
                testid="edit-object-form",
                values={"name": obj.name, "kind": obj.kind},
                skip=("room_id", "chemical_unit_id"),
            )
    with ui.row().classes("gap-2"):
        registry_form.action_button(
            "web.risk.retire_event",
            _t("web.risk.retire_event_question", title=event.title),
            lambda db, current: service.retire_event(db, current, event.id, now()),
            path=path,
            testid="retire-event",
        )
        registry_form.action_button(
            "web.risk.retire_object",
            _t("web.risk.retire_object_question", name=obj.name),
            lambda db, current: service.retire_object(db, current, obj.id, now()),
            path=f"/risks?site={obj.site_id}",
            testid="retire-object",
        )


def _assess_form(event_id: int, method: RiskMethod, *, odh: bool, path: str) -> None:
    """Grade the event again: new factors, or (an ODH event) its room's current class."""
    context = state.context()
    factors: list[_Factors] = []

    def inputs() -> Mapping[str, Any]:
        if odh:
            ui.label(_t("web.risk.odh_regrade")).classes("text-caption")
            return {}
        factors.append(_Factors(method))
        return factors[0].elements

    def save(db: Session, current: Principal, data: AssessIn) -> Any:
        return service.assess(db, current, event_id, data, context.clock.now())

    registry_form.schema_card(
        "web.risk.reassess",
        AssessIn,
        save,
        lambda _a: ui.navigate.to(path),
        path=path,
        testid="assess-form",
        skip=("factors",),
        more=inputs,
        extra=lambda: {"factors": factors[0].values() if factors else {}},
        button_key="web.risk.grade",
    )
