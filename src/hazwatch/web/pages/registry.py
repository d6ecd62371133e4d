"""Registry pages: list, search, create and edit every resource (organisations, sites,
rooms, leases, supplies, licences, supervision assignments, …) through the registry
service with the person's Principal; the service's refusals appear next to their field."""

from __future__ import annotations

from typing import Any, get_args

from nicegui import ui

from hazwatch.core.auth.roles import Principal
from hazwatch.core.choices import Choice
from hazwatch.core.errors import DomainError, NotFound
from hazwatch.registry import service as registry
from hazwatch.registry.choices import Consent
from hazwatch.registry.resources import RESOURCES, Resource, resource
from hazwatch.web import registry_form, session, state, widgets
from hazwatch.web.forms import clear_errors, require_filled, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language

#: Columns of a list besides its label: the first few fields of the input schema.
LIST_FIELDS = 4


def _title(res: Resource) -> str:
    return _t(f"web.resource.{res.name.replace('-', '_')}")


def _resource_or_none(kind: str) -> Resource | None:
    try:
        return resource(kind)
    except NotFound:
        return None


def _kind_switch(current: str) -> None:
    ui.select(
        {name: _title(res) for name, res in RESOURCES.items()},
        value=current,
        on_change=lambda e: ui.navigate.to(f"/registry/{e.value}"),
    ).classes("w-56").props("data-testid=kind")


def _choice_of(annotation: Any) -> type[Choice] | None:
    """The enumeration a field holds (``Kind`` or ``Kind | None``), if any."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Choice):
            return candidate
    return None


def _cell(value: Any, references: dict[int, str] | None, choice: type[Choice] | None) -> str:
    """A value as the reader reads it: a reference by its name, a code by its label."""
    if value is None:
        return ""
    if references is not None and isinstance(value, int):
        return references.get(value, f"#{value}")
    if isinstance(value, bool):
        return "✓" if value else ""
    code = str(getattr(value, "value", value))
    if choice is not None and code in {c.value for c in choice}:
        return choice(code).label(language())
    return code


@ui.page("/registry/{kind}")
def registry_list_page(kind: str) -> None:
    path = f"/registry/{kind}"
    who = session.require(path)
    if who is None:
        return
    frame("web.nav.registry", who)
    res = _resource_or_none(kind)
    if res is None:
        ui.label(_t("registry.unknown_kind", kind=kind)).classes("text-negative")
        return
    context = state.context()
    names = [n for n in res.schema_in.model_fields if n not in registry_form.NOT_IN_FORM]
    shown = [n for n in names if n != res.search_column][:LIST_FIELDS]
    with ui.row().classes("w-full items-end gap-3"):
        _kind_switch(kind)
        search = ui.input(_t("web.registry.search")).props("clearable data-testid=search")
        ui.space()
        if who.can_edit:
            ui.button(
                _t("web.registry.new"), icon="add", on_click=lambda: ui.navigate.to(f"{path}/new")
            ).props("data-testid=new")
    columns = [{"name": "label", "label": _title(res), "field": "label", "align": "left"}]
    columns += [
        {"name": n, "label": _t(f"web.field.{n}"), "field": n, "align": "left"} for n in shown
    ]
    choices = {n: _choice_of(res.schema_in.model_fields[n].annotation) for n in shown}
    table = widgets.table(columns, [], pagination=25)
    table.on("rowClick", lambda e: ui.navigate.to(f"{path}/{e.args[1]['id']}"))

    def load() -> None:
        with context.unit_of_work(who) as db:
            objects = registry.list_objects(db, who, res, search=search.value or None)
            references = {
                n: registry_form.options(db, who, registry_form.REFERENCES[n])
                for n in shown
                if n in registry_form.REFERENCES
            }
            table.rows = [
                {"id": obj.id, "label": registry_form.label_of(obj, res)}
                | {n: _cell(getattr(obj, n, None), references.get(n), choices[n]) for n in shown}
                for obj in objects
            ]
        table.update()

    search.on_value_change(load)
    load()


@ui.page("/registry/{kind}/{ident}")
def registry_form_page(kind: str, ident: str) -> None:
    path = f"/registry/{kind}/{ident}"
    who = session.require(path)
    if who is None:
        return
    frame("web.nav.registry", who)
    res = _resource_or_none(kind)
    if res is None or not (ident == "new" or ident.isdigit()):
        ui.label(_t("registry.unknown_kind", kind=kind)).classes("text-negative")
        return
    _form(who, res, None if ident == "new" else int(ident), path)


def _consent(res: Resource, ident: int, *, answering: bool) -> None:
    """A pending lease or supply: the party it waits for confirms or declines it here; the
    party that asked sees that it grants nothing yet."""
    context = state.context()

    def answer(accept: bool) -> None:
        current = session.principal()
        if current is None:
            session.to_login(f"/registry/{res.name}/{ident}")
            return
        try:
            with context.unit_of_work(current) as db:
                registry.confirm(db, current, res, ident, accept=accept)
        except DomainError as exc:
            ui.notify(_t(exc.code, **exc.params), type="negative")
            return
        ui.navigate.reload()

    with ui.card().classes("w-full max-w-3xl bg-amber-1").props("data-testid=consent"):
        key = "web.registry.awaits_your_answer" if answering else "web.registry.awaits_other_party"
        ui.label(_t(key)).classes("text-body1")
        if answering:
            with ui.row().classes("gap-3"):
                ui.button(
                    _t("web.registry.confirm"), icon="check", on_click=lambda: answer(True)
                ).props("color=positive data-testid=confirm")
                ui.button(
                    _t("web.registry.decline"), icon="close", on_click=lambda: answer(False)
                ).props("color=negative outline data-testid=decline")


def _form(who: Principal, res: Resource, ident: int | None, path: str) -> None:
    context = state.context()
    values: dict[str, Any] = {}
    with context.unit_of_work(who) as db:
        if ident is not None:
            try:
                obj = registry.get_object(db, who, res, ident)
            except DomainError as exc:
                ui.label(_t(exc.code, **exc.params)).classes("text-negative")
                return
            values = res.schema_out.model_validate(obj).model_dump()
        draft = session.take_draft(path)
        if draft is not None:
            values |= draft
            ui.notify(_t("web.registry.draft_restored"), type="info")
        with ui.row().classes("items-center gap-3"):
            ui.link(_t("web.registry.back"), f"/registry/{res.name}")
            heading = _t("web.registry.edit") if ident is not None else _t("web.registry.new")
            ui.label(f"{_title(res)} · {heading}").classes("text-h6")
        if ident is not None and values.get("status") == Consent.PENDING:
            _consent(res, ident, answering=registry.awaits_answer(db, who, obj))
        with ui.card().classes("w-full max-w-3xl"):
            fields = registry_form.build(db, who, res, values)
    general = ui.label("").classes("text-negative").props("data-testid=form-error")
    elements = {name: field.element for name, field in fields.items()}

    def save() -> None:
        clear_errors(elements, general)
        data = registry_form.read(fields)
        required = tuple(name for name, field in fields.items() if field.required)
        if not require_filled(elements, required):
            return
        current = session.principal()
        if current is None:
            session.park_draft(path, data)
            session.to_login(path)
            return
        try:
            with context.unit_of_work(current) as db:
                if ident is None:
                    saved = registry.create_object(db, current, res, data)
                else:
                    saved = registry.update_object(db, current, res, ident, data)
                saved_id = saved.id
        except DomainError as exc:
            show_error(exc, elements, general)
            return
        ui.notify(_t("web.registry.saved"), type="positive")
        if ident is None:
            ui.navigate.to(f"/registry/{res.name}/{saved_id}")

    if who.can_edit:
        ui.button(_t("web.save"), icon="save", on_click=save).props("data-testid=save")
    else:
        ui.label(_t("web.registry.read_only")).classes("text-grey-7")
