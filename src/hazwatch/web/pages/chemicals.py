"""Chemicals and major hazards: the units with their GB 18218-2018 S, R and level (and the
form that adds one); one unit with its holdings, the identification's working (each
substance's Q and clause, q/Q, β; α; S; R; level), its rooms, accountable persons and duty
checks, with the forms that change them (the unit itself, a holding's design maximum, a stock
movement, a room link, an accountable person, a duty check); the major-hazard ledger as a
print-ready page and an Excel file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from hazwatch.chemicals import ledger, service
from hazwatch.chemicals.choices import MajorHazardLevel, MovementKind, PersonRole, UnitKind
from hazwatch.chemicals.models import Chemical, MajorHazardIdentification
from hazwatch.chemicals.schemas import (
    DutyCheckIn,
    HoldingIn,
    PersonIn,
    RoomLinkIn,
    UnitIn,
    UnitPatch,
    typed_movement,
)
from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError
from hazwatch.registry import service as registry
from hazwatch.registry.models import Room, Site
from hazwatch.registry.resources import resource
from hazwatch.registry.scope import Tenancy
from hazwatch.web import registry_form, session, state, widgets
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.layout import frame
from hazwatch.web.pages.hidden_dangers import print_ledger
from hazwatch.web.text import _t, label, language, local_time
from hazwatch.web.widgets import badge


def _level_badge(identification: MajorHazardIdentification | None, testid: str) -> None:
    if identification is None or not identification.major:
        badge(_t("web.chem.not_major"), "grey", testid)
    elif identification.level is None:
        badge(_t("web.chem.major_ungraded"), "red", testid)
    else:
        level = MajorHazardLevel(str(identification.level))
        badge(label(level), level.colour, testid)


def _site_names(db: Session, ids: list[int]) -> dict[int, str]:
    return {i: (s.name if (s := db.get(Site, i)) else str(i)) for i in set(ids)}


@ui.page("/chemicals")
def chemicals_page() -> None:
    who = session.require("/chemicals")
    if who is None:
        return
    frame("web.nav.chemicals", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        units = list(service.list_units(db, who))
        current = service.latest_by_unit(db, [u.id for u in units])
        sites = _site_names(db, [u.site_id for u in units])
        catalogue = list(service.list_chemicals(db, who, limit=2000))
    with ui.row().classes("items-center gap-2"):
        ui.label(_t("web.chem.units")).classes("text-h6")
        ui.button(
            _t("web.chem.ledger"),
            icon="print",
            on_click=lambda: ui.navigate.to("/chemicals/major-hazards/ledger", new_tab=True),
        ).props("flat data-testid=open-ledger")
    if not units:
        ui.label(_t("web.chem.no_units")).classes("text-grey-7")
    if who.can_edit:
        _new_unit_form(who)
    for unit in units:
        identification = current.get(unit.id)
        with (
            ui.card()
            .classes("w-full cursor-pointer")
            .props(f"data-testid=unit-{unit.id}")
            .on("click", lambda _e, u=unit.id: ui.navigate.to(f"/chemicals/units/{u}"))
        ):
            with ui.row().classes("items-center gap-3"):
                ui.link(unit.name, f"/chemicals/units/{unit.id}").classes("text-subtitle1")
                ui.label(f"{label(UnitKind(unit.kind))} · {sites.get(unit.site_id, '')}")
                _level_badge(identification, "unit-level")
            if identification is not None:
                ui.label(
                    _t(
                        "web.chem.summary",
                        s=identification.s,
                        r=identification.r or "-",
                        people=unit.people_within_500m,
                    )
                ).classes("text-body2")

    ui.label(_t("web.chem.catalogue")).classes("text-h6")
    columns = [
        {"name": "name", "label": _t("web.chem.name"), "field": "name", "align": "left"},
        {"name": "cas", "label": "CAS", "field": "cas", "align": "left"},
        {"name": "un", "label": "UN", "field": "un", "align": "left"},
        {"name": "serial", "label": _t("web.chem.serial"), "field": "serial"},
        {"name": "row", "label": _t("web.chem.table1"), "field": "row"},
        {"name": "classes", "label": _t("web.chem.classes"), "field": "classes"},
        {"name": "flags", "label": _t("web.chem.flags"), "field": "flags", "align": "left"},
    ]
    rows = [_chemical_row(c) for c in catalogue]
    table = widgets.table(columns, rows, pagination=10).props("data-testid=catalogue flat")
    ui.input(_t("web.chem.search")).bind_value_to(table, "filter").props(
        "clearable dense data-testid=catalogue-search"
    )


def _new_unit_form(who: Principal) -> None:
    """A production or storage unit (or a plain storage location) of a site."""
    context = state.context()
    with context.unit_of_work(who) as db:
        owners = registry_form.writable_organisations(db, who)
        sites = registry_form.writable_sites(db, who)
    if not owners:
        return
    with (
        ui.expansion(_t("web.chem.new_unit"), icon="add")
        .classes("w-full max-w-3xl")
        .props("data-testid=new-unit")
    ):
        registry_form.schema_card(
            "web.chem.new_unit",
            UnitIn,
            lambda db, current, data: service.create_unit(db, current, data),
            lambda unit: ui.navigate.to(f"/chemicals/units/{unit.id}"),
            path="/chemicals",
            testid="unit-form",
            values={"organisation_id": next(iter(owners))},
            references={"organisation_id": owners, "site_id": sites},
        )


def _chemical_name(chemical: Chemical) -> str:
    """The catalogue name in the reader's language (the Chinese one when no English)."""
    return chemical.name_en if language() == "en" and chemical.name_en else chemical.name


def _chemical_row(chemical: Chemical) -> dict[str, Any]:
    flags = [
        _t(f"web.chem.flag.{name}")
        for name in ("highly_toxic", "key_supervised", "explosive_precursor", "inert_gas")
        if getattr(chemical, name)
    ]
    return {
        "id": chemical.id,
        "name": _chemical_name(chemical),
        "cas": chemical.cas or "",
        "un": chemical.un_number or "",
        "serial": chemical.catalogue_serial or "",
        "row": chemical.table1_seq or "",
        "classes": ", ".join(chemical.gb_classes),
        "flags": "、".join(flags) if language() != "en" else ", ".join(flags),
    }


# -- one unit --------------------------------------------------------------------------------


def _working(identification: MajorHazardIdentification) -> None:
    working = identification.working
    with ui.row().classes("items-center gap-3"):
        _level_badge(identification, "level")
        ui.label(_t("web.chem.s", s=identification.s)).props("data-testid=s")
        ui.label(_t("web.chem.r", r=identification.r or "-")).props("data-testid=r")
        ui.label(
            _t(
                "web.chem.alpha",
                people=working["people_within_500m"],
                alpha=working["alpha"],
            )
        ).props("data-testid=alpha")
    columns = [
        {"name": "name", "label": _t("web.chem.name"), "field": "name", "align": "left"},
        {"name": "q", "label": _t("web.chem.q"), "field": "q"},
        {"name": "critical", "label": _t("web.chem.critical"), "field": "critical"},
        {"name": "clause", "label": _t("web.chem.clause"), "field": "clause", "align": "left"},
        {"name": "ratio", "label": "q/Q", "field": "ratio"},
        {"name": "beta", "label": "β", "field": "beta"},
        {"name": "weighted", "label": "β·q/Q", "field": "weighted"},
    ]
    rows = [
        {
            "id": n,
            "name": term["name"],
            "q": term["quantity_t"],
            "critical": term["critical_t"] or "-",
            "clause": term["clause"] or _t("chemicals.cli.not_listed"),
            "ratio": term["ratio"],
            "beta": f"{term['beta']} ({term['beta_clause']})" if term["beta"] else "-",
            "weighted": term["weighted"] or "-",
        }
        for n, term in enumerate(working["terms"])
    ]
    widgets.table(columns, rows).props("data-testid=working flat")
    if working.get("missing_beta"):
        ui.label(_t("web.chem.missing_beta", names="、".join(working["missing_beta"]))).classes(
            "text-negative"
        )
    ui.label(
        _t(
            "web.chem.computed",
            at=local_time(identification.computed_at),
            trigger=_t(f"choice.IdentificationTrigger.{identification.trigger}"),
        )
    ).classes("text-caption text-grey-7")


@ui.page("/chemicals/units/{unit_id}")
def unit_page(unit_id: int) -> None:
    who = session.require(f"/chemicals/units/{unit_id}")
    if who is None:
        return
    frame("web.nav.chemicals", who)
    context = state.context()
    now = context.clock.now()
    try:
        with context.unit_of_work(who) as db:
            unit = service.visible_unit(db, who, unit_id)
            identification = service.current_identification(db, who, unit_id)
            held = [(h, db.get(Chemical, h.chemical_id)) for h in service.holdings(db, unit.id)]
            rooms = [(link, db.get(Room, link.room_id)) for link in service.room_links(db, unit.id)]
            duties = service.duty_status(db, unit.id, now)
            checks = list(service.duty_checks(db, unit.id, 20))
            moves = list(service.movements(db, unit.id, 20))
            writable = who.can_edit and Tenancy(db, who).may_write(unit.organisation_id)
            usable = {
                c.id: c.name
                for c in service.list_chemicals(db, who, limit=2000)
                if c.organisation_id in (None, unit.organisation_id)
            }
            own_rooms = {
                r.id: r.name
                for r in registry.list_objects(
                    db, who, resource("rooms"), filters={"organisation_id": unit.organisation_id}
                )
            }
            others = {
                u.id: u.name
                for u in service.list_units(db, who)
                if u.organisation_id == unit.organisation_id and u.id != unit.id
            }
    except DomainError as exc:
        ui.label(_t(exc.code, **exc.params)).classes("text-negative")
        return
    path = f"/chemicals/units/{unit_id}"
    ui.label(unit.name).classes("text-h6").props("data-testid=unit-name")
    ui.label(
        f"{label(UnitKind(unit.kind))} · {_t('web.chem.people', people=unit.people_within_500m)}"
    ).classes("text-caption").props("data-testid=unit-kind")
    if writable:
        with ui.expansion(_t("web.chem.edit_unit"), icon="edit").classes("w-full max-w-3xl"):
            registry_form.schema_card(
                "web.chem.edit_unit",
                UnitPatch,
                lambda db, current, data: service.update_unit(db, current, unit_id, data),
                lambda _u: ui.navigate.to(path),
                path=path,
                testid="edit-unit-form",
                values={
                    "name": unit.name,
                    "people_within_500m": unit.people_within_500m,
                    "note": unit.note,
                },
            )
    ui.label(_t("web.chem.identification")).classes("text-subtitle1")
    _working(identification)

    ui.label(_t("web.chem.holdings")).classes("text-subtitle1")
    widgets.table(
        [
            {"name": "name", "label": _t("web.chem.name"), "field": "name", "align": "left"},
            {"name": "design", "label": _t("web.chem.design_max"), "field": "design"},
            {"name": "current", "label": _t("web.chem.current"), "field": "current"},
        ],
        [
            {
                "id": h.id,
                "name": c.name if c else "",
                "design": str(h.design_max_t),
                "current": str(h.current_t),
            }
            for h, c in held
        ],
    ).props("data-testid=holdings flat")
    if writable:
        with ui.row().classes("gap-2").props("data-testid=holding-actions"):
            for holding, chemical in held:
                name = _chemical_name(chemical) if chemical else f"#{holding.chemical_id}"
                registry_form.action_button(
                    "web.chem.remove_holding",
                    _t("web.chem.remove_holding_question", name=name),
                    partial(service.remove_holding, holding_id=holding.id),
                    path=path,
                    testid=f"remove-holding-{holding.id}",
                    text=f"{_t('web.chem.remove_holding')} {name}",
                )
        registry_form.schema_card(
            "web.chem.declare",
            HoldingIn,
            lambda db, current, data: service.set_holding(db, current, unit_id, data),
            lambda _h: ui.navigate.to(path),
            path=path,
            testid="holding-form",
            references={"chemical_id": usable},
        )
    if writable and held:
        _movement_form(unit_id, {c.id: c.name for _h, c in held if c is not None}, others)
    ui.label(_t("web.chem.rooms")).classes("text-subtitle1")
    with ui.column().classes("gap-1").props("data-testid=rooms"):
        for link, room in rooms:
            if room is not None:
                with ui.row().classes("items-center gap-2").props(f"data-testid=room-{room.id}"):
                    ui.link(room.name, f"/odh/{room.id}")
                    if link.max_release_m3_h is not None:
                        ui.label(_t("web.chem.release", rate=link.max_release_m3_h))
                    if writable:
                        ui.button(
                            _t("web.chem.unlink"),
                            on_click=lambda _e, r=room.id: _unlink(unit_id, r),
                        ).props("flat dense color=negative data-testid=unlink")
    if writable:
        registry_form.schema_card(
            "web.chem.link_room",
            RoomLinkIn,
            lambda db, current, data: service.link_room(db, current, unit_id, data),
            lambda _link: ui.navigate.to(path),
            path=path,
            testid="room-form",
            references={"room_id": own_rooms},
        )

    ui.label(_t("web.chem.persons")).classes("text-subtitle1")
    with ui.column().classes("gap-1").props("data-testid=persons"):
        for duty in duties:
            with ui.row().classes("items-center gap-2"):
                ui.label(label(PersonRole(duty["role"]))).classes("text-body1")
                ui.label(duty["person"] or _t("web.chem.nobody"))
                if duty["last_check"] is not None:
                    ui.label(_t("web.chem.last_check", at=local_time(duty["last_check"])))
                if duty["person_id"] is not None and writable:
                    registry_form.action_button(
                        "web.chem.retire_person",
                        _t("web.chem.retire_person_question", name=duty["person"]),
                        _retire_person(duty["person_id"]),
                        path=path,
                        testid=f"retire-{duty['role']}",
                    )
                if duty["person"] is None:
                    badge(_t("web.chem.missing"), "red", f"duty-{duty['role']}")
                elif duty["overdue"]:
                    badge(_t("web.chem.overdue"), "red", f"duty-{duty['role']}")
                else:
                    badge(_t("web.chem.on_time"), "green", f"duty-{duty['role']}")
    if writable:
        _person_forms(unit_id, duties, path)
    if checks:
        widgets.table(
            [
                {"name": "at", "label": _t("web.history.at"), "field": "at", "align": "left"},
                {"name": "ok", "label": _t("web.chem.ok"), "field": "ok"},
                {"name": "note", "label": _t("web.chem.note"), "field": "note", "align": "left"},
            ],
            [
                {
                    "id": c.id,
                    "at": local_time(c.checked_at),
                    "ok": "✓" if c.ok else "✗",
                    "note": c.note,
                }
                for c in checks
            ],
        ).props("flat")
    if moves:
        ui.label(_t("web.chem.movements")).classes("text-subtitle1")
        widgets.table(
            [
                {"name": "at", "label": _t("web.history.at"), "field": "at", "align": "left"},
                {"name": "kind", "label": _t("web.chem.kind"), "field": "kind"},
                {"name": "q", "label": _t("web.chem.quantity"), "field": "q"},
                {"name": "note", "label": _t("web.chem.note"), "field": "note", "align": "left"},
            ],
            [
                {
                    "id": m.id,
                    "at": local_time(m.at),
                    "kind": _t(f"choice.MovementKind.{m.kind}"),
                    "q": str(m.quantity_t),
                    "note": m.note,
                }
                for m in moves
            ],
        ).props("flat data-testid=movements")


def _retire_person(person_id: int) -> Callable[[Session, Principal], Any]:
    def retire(db: Session, current: Principal) -> Any:
        return service.retire_person(db, current, person_id, state.context().clock.now())

    return retire


def _unlink(unit_id: int, room_id: int) -> None:
    """The unit no longer stands in the room: its gases stop feeding the room's ODH."""
    who = session.principal()
    if who is None:
        session.to_login(f"/chemicals/units/{unit_id}")
        return
    context = state.context()
    try:
        with context.unit_of_work(who) as db:
            service.unlink_room(db, who, unit_id, room_id)
    except DomainError as exc:
        ui.notify(_t(exc.code, **exc.params), type="negative")
        return
    ui.navigate.to(f"/chemicals/units/{unit_id}")


def _person_forms(unit_id: int, duties: list[dict[str, Any]], path: str) -> None:
    """Appoint a person to a free role (包保责任制), and record a person's duty check."""
    context = state.context()
    free = {d["role"]: label(PersonRole(d["role"])) for d in duties if d["person"] is None}
    appointed = {
        d["person_id"]: f"{label(PersonRole(d['role']))} {d['person']}"
        for d in duties
        if d["person_id"] is not None
    }
    with ui.row().classes("w-full items-start gap-4"):
        if free:
            registry_form.schema_card(
                "web.chem.appoint",
                PersonIn,
                lambda db, current, data: service.add_person(db, current, unit_id, data),
                lambda _p: ui.navigate.to(path),
                path=path,
                testid="person-form",
                references={"role": free},
                values={"role": next(iter(free))},
                captions={"name": "web.chem.person_name"},
            )
        if appointed:
            chosen: list[ui.select] = []

            def person() -> Mapping[str, Any]:
                chosen.append(
                    ui.select(
                        appointed,
                        value=next(iter(appointed)),
                        label=_t("web.chem.person") + " *",
                    )
                    .classes("w-full")
                    .props("data-testid=field-person_id")
                )
                return {"person_id": chosen[0]}

            def save(db: Session, current: Principal, data: DutyCheckIn) -> Any:
                person_id = int(chosen[0].value)
                return service.record_duty_check(db, current, person_id, data, context.clock.now())

            registry_form.schema_card(
                "web.chem.duty_check",
                DutyCheckIn,
                save,
                lambda _c: ui.navigate.to(path),
                path=path,
                testid="duty-form",
                more=person,
                values={"ok": True},
            )


def _movement_form(unit_id: int, chemicals: dict[int, str], others: dict[int, str]) -> None:
    """Stock in, out or transferred from this unit; a refusal (below zero, above the design
    maximum, not a quantity) appears at its field and nothing is stored."""
    who = session.principal()
    assert who is not None
    context = state.context()
    with ui.card().classes("w-full gap-2").props("data-testid=movement-form"):
        ui.label(_t("web.chem.move")).classes("text-subtitle1")
        with ui.row().classes("items-end gap-2 w-full"):
            kind = ui.select(
                {k.value: label(k) for k in MovementKind},
                value=MovementKind.OUT.value,
                label=_t("web.chem.kind"),
            ).props("dense data-testid=field-kind")
            chemical = ui.select(
                chemicals, value=next(iter(chemicals)), label=_t("web.chem.chemical")
            ).props("dense data-testid=field-chemical_id")
            quantity = ui.input(_t("web.chem.quantity")).props("dense data-testid=field-quantity_t")
            target = ui.select(others, label=_t("web.chem.move_to")).props(
                "dense clearable data-testid=field-to_unit_id"
            )
            note = ui.input(_t("web.chem.note")).props("dense data-testid=field-note")
        general = ui.label("").classes("text-negative").props("data-testid=movement-error")
        fields = {
            "quantity_t": quantity,
            "to_unit_id": target,
            "chemical_id": chemical,
            "note": note,
        }

        def save() -> None:
            clear_errors(fields, general)
            moving = MovementKind(str(kind.value))
            leaves = moving in (MovementKind.OUT, MovementKind.TRANSFER)
            enters = unit_id if moving == MovementKind.IN else target.value
            try:
                data = typed_movement(
                    kind=moving,
                    chemical_id=chemical.value,
                    quantity_t=str(quantity.value or "").strip(),
                    from_unit_id=unit_id if leaves else None,
                    to_unit_id=enters if moving != MovementKind.OUT else None,
                    note=str(note.value or ""),
                )
                with context.unit_of_work(who) as db:
                    service.record_movement(db, who, data, context.clock.now())
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            ui.navigate.to(f"/chemicals/units/{unit_id}")

        ui.button(_t("web.chem.move"), on_click=save).props("data-testid=save-movement")


# -- the major-hazard ledger ----------------------------------------------------------------


@ui.page("/chemicals/major-hazards/ledger")
def major_hazard_ledger_page() -> None:
    who = session.require("/chemicals/major-hazards/ledger")
    if who is None:
        return
    context = state.context()
    with context.unit_of_work(who) as db:
        book = ledger.major_hazard_ledger(
            db, who, context.clock.now(), language(), context.settings.timezone
        )
    print_ledger(book)
