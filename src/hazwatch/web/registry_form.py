"""Forms built from an input schema (NetBox-style: one definition drives database, API and
console): every registry resource's, and the safety loops' (risk register, chemical units,
accountable persons, plans and drills) through :func:`schema_card`. Each field gets the input
its type calls for; reference fields offer only the objects the person may see (the registry
service's scoped lists, or the options the page passes)."""

from __future__ import annotations

import types
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from nicegui import ui
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.choices import Choice
from hazwatch.core.clock import typed_instant
from hazwatch.core.errors import DomainError
from hazwatch.registry import service as registry
from hazwatch.registry.choices import GOVERNMENT_KINDS
from hazwatch.registry.models import Organisation
from hazwatch.registry.resources import Resource, resource
from hazwatch.registry.scope import Tenancy, sites_of
from hazwatch.web import session as web_session
from hazwatch.web import state
from hazwatch.web.forms import clear_errors, require_filled, show_error
from hazwatch.web.text import _t, language

#: Reference fields and the resource they point at (``parent_id`` points at its own kind).
REFERENCES = {
    "organisation_id": "organisations",
    "lessor_id": "organisations",
    "lessee_id": "organisations",
    "supplier_id": "organisations",
    "customer_id": "organisations",
    "department_id": "organisations",
    "operator_id": "organisations",
    "jurisdiction_id": "jurisdictions",
    "site_id": "sites",
    "building_id": "buildings",
    "room_id": "rooms",
    "guarded_room_ids": "rooms",
    "tank_id": "tanks",
    "supply_id": "supplies",
}
#: Structured fields the console does not edit (the API and CSV import do).
NOT_IN_FORM = frozenset({"contacts"})
LONG_TEXT = frozenset({"notes", "description", "scope", "basis", "address"})


@dataclass
class Field:
    name: str
    base: type
    required: bool
    many: bool
    default: Any
    element: Any


def _plain_type(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _base(annotation: Any) -> tuple[type, bool]:
    """The field's value type without ``None`` or constraints, and whether it is a list."""
    annotation = _plain_type(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    annotation = _plain_type(annotation)
    if get_origin(annotation) is list:
        return _plain_type(get_args(annotation)[0]), True
    return annotation, False


def label_of(obj: Any, res: Resource) -> str:
    return str(getattr(obj, res.search_column, None) or getattr(obj, "name", "") or f"#{obj.id}")


def options(session: Session, who: Principal, target: str) -> dict[int, str]:
    res = resource(target)
    return {
        obj.id: label_of(obj, res) for obj in registry.list_objects(session, who, res, limit=5000)
    }


def writable_organisations(session: Session, who: Principal) -> dict[int, str]:
    """The organisations whose safety data the person may change: a form's possible owners
    (a landlord sees its tenants but does not fill in their registers)."""
    tenancy = Tenancy(session, who)
    return {k: v for k, v in options(session, who, "organisations").items() if tenancy.may_write(k)}


def writable_by_kind(session: Session, who: Principal) -> tuple[dict[int, str], dict[int, str]]:
    """The organisations the person may write for, split into government departments and
    the rest (enterprises, laboratories, landlords): a form for an applicant or a regulated
    party offers the second, one about a department's own staff the first."""
    owners = writable_organisations(session, who) if who.can_edit else {}
    departments = set(
        session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_(owners), Organisation.kind.in_(GOVERNMENT_KINDS)
            )
        )
    )
    return (
        {k: v for k, v in owners.items() if k in departments},
        {k: v for k, v in owners.items() if k not in departments},
    )


def writable_sites(session: Session, who: Principal) -> dict[int, str]:
    """The sites a form may place an owner's record on: its own, and those it leases (the
    service checks the pair; a tenant's site belongs to its landlord)."""
    return sites_of(session, Tenancy(session, who).writable)


def visible_sites(session: Session, who: Principal) -> dict[int, str]:
    """The sites the person's records can be kept on, for filters (own and leased)."""
    return sites_of(session, Tenancy(session, who).visible)


def build(
    session: Session, who: Principal, res: Resource, values: dict[str, Any]
) -> dict[str, Field]:
    """Inputs for every editable field of ``res``, filled with ``values``."""
    return build_schema(session, who, res.schema_in, values, own_kind=res.name)


def build_schema(
    session: Session,
    who: Principal,
    schema: type[BaseModel],
    values: Mapping[str, Any],
    *,
    own_kind: str | None = None,
    references: Mapping[str, Mapping[Any, str]] | None = None,
    skip: Collection[str] = (),
    captions: Mapping[str, str] | None = None,
) -> dict[str, Field]:
    """Inputs for the fields of ``schema`` (but ``skip``), filled with ``values``. A field
    named in ``references`` offers those options; other reference fields the registry's
    scoped lists (``parent_id``: objects of ``own_kind``). ``captions`` names a field's
    caption key where ``web.field.<name>`` would not fit (a person's name)."""
    fields: dict[str, Field] = {}
    given = references or {}
    info: FieldInfo
    for name, info in schema.model_fields.items():
        if name in NOT_IN_FORM or name in skip:
            continue
        base, many = _base(info.annotation)
        required = info.is_required()
        caption = _t((captions or {}).get(name) or f"web.field.{name}") + (" *" if required else "")
        value = values.get(name, None if required else info.default)
        target = own_kind if name == "parent_id" else REFERENCES.get(name)
        element: Any
        if name in given or target is not None:
            choices: dict[Any, str] = (
                dict(given[name]) if name in given else options(session, who, str(target))
            )
            for current in value if many and value else [value] if value else []:
                choices.setdefault(current, f"#{current}")
            if not required and not many:
                choices = {None: _t("web.registry.none")} | choices
            element = ui.select(choices, label=caption, value=value, multiple=many)
        elif isinstance(base, type) and issubclass(base, Choice):
            labels: dict[Any, str] = {member.value: member.label(language()) for member in base}
            if not required:
                labels = {None: _t("web.registry.none")} | labels
            element = ui.select(labels, label=caption, value=_plain(value))
        elif base is bool:
            element = ui.checkbox(caption, value=bool(value))
        elif base is datetime:
            shown = value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else ""
            element = ui.input(caption, value=shown).props("type=datetime-local stack-label")
        elif base is date:
            shown = value.isoformat() if isinstance(value, date) else str(value or "")
            element = ui.input(caption, value=shown).props("type=date stack-label")
        elif base is int:
            element = ui.number(caption, value=value, precision=0)
        elif base is Decimal:
            element = ui.input(caption, value="" if value is None else str(value)).props(
                "inputmode=decimal"
            )
        elif name in LONG_TEXT:
            element = ui.textarea(caption, value=value or "").props("autogrow")
        else:
            element = ui.input(caption, value=value or "")
        element.classes("w-full").props(f"data-testid=field-{name}")
        fields[name] = Field(name, base, required, many, info.default, element)
    return fields


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Choice) else value


def read(fields: dict[str, Field]) -> dict[str, Any]:
    """The form's values as the service expects them: empty optional inputs are None, whole
    numbers ints, decimals strings (exact, parsed by the schema), a typed date and time local
    where the sites are."""
    data: dict[str, Any] = {}
    for name, field in fields.items():
        value = field.element.value
        if value == "" and not field.required:
            value = field.default
        if field.base is int and isinstance(value, float) and not field.many:
            value = int(value)
        if field.base is datetime and isinstance(value, str) and value:
            value = typed_instant(value, state.context().settings.timezone)
        data[name] = value
    return data


def schema_card(
    title_key: str,
    schema: type[BaseModel],
    save: Callable[[Session, Principal, Any], Any],
    done: Callable[[Any], None],
    *,
    path: str,
    testid: str,
    values: Mapping[str, Any] | None = None,
    references: Mapping[str, Mapping[Any, str]] | None = None,
    skip: Collection[str] = (),
    captions: Mapping[str, str] | None = None,
    extra: Callable[[], dict[str, Any]] | None = None,
    more: Callable[[], Mapping[str, Any]] | None = None,
    button_key: str = "web.save",
) -> dict[str, Field]:
    """A card with the form of ``schema``: on its button the values are checked by the schema
    and handed to ``save(db, principal, model)`` in one unit of work; a refusal (the
    schema's or the service's) appears at the field it names and nothing is stored; on
    success ``done(result)`` runs. ``more`` draws inputs of the page's own inside the card
    (returning them by the field path their refusals name) and ``extra`` reads their values;
    a session that ended meanwhile goes to log in and back to ``path``."""
    who = web_session.principal()
    assert who is not None
    context = state.context()
    with ui.card().classes("w-full max-w-3xl gap-1").props(f"data-testid={testid}"):
        ui.label(_t(title_key)).classes("text-subtitle1")
        with context.unit_of_work(who) as db:
            fields = build_schema(
                db, who, schema, values or {}, references=references, skip=skip, captions=captions
            )
        elements: dict[str, Any] = {name: field.element for name, field in fields.items()}
        if more is not None:
            elements |= more()
        general = ui.label("").classes("text-negative").props(f"data-testid={testid}-error")

        def submit() -> None:
            clear_errors(elements, general)
            required = tuple(name for name, field in fields.items() if field.required)
            if not require_filled(elements, required):
                return
            current = web_session.principal()
            if current is None:
                web_session.to_login(path)
                return
            try:
                data = read(fields) | (extra() if extra is not None else {})
                model = registry.validate_input(schema, data)
                with context.unit_of_work(current) as db:
                    result = save(db, current, model)
            except DomainError as exc:
                show_error(exc, elements, general)
                return
            done(result)

        ui.button(_t(button_key), on_click=submit).props(f"data-testid={testid}-save")
    return fields


def action_button(
    key: str,
    question: str,
    call: Callable[[Session, Principal], Any],
    *,
    path: str,
    testid: str,
    text: str | None = None,
) -> ui.button:
    """A button (captioned ``text``, else ``key``) for one change that takes no input
    (retire, withdraw, remove): it asks ``question`` first, then runs ``call(db,
    principal)`` in its own unit of work and shows ``path`` again; a refusal is notified
    with its reason and nothing changes."""
    context = state.context()

    def run(dialog: ui.dialog) -> None:
        dialog.close()
        who = web_session.principal()
        if who is None:
            web_session.to_login(path)
            return
        try:
            with context.unit_of_work(who) as db:
                call(db, who)
        except DomainError as exc:
            ui.notify(_t(exc.code, **exc.params), type="negative")
            return
        ui.navigate.to(path)

    with ui.dialog() as dialog, ui.card().props(f"data-testid={testid}-dialog"):
        ui.label(question)
        with ui.row():
            ui.button(_t("web.cancel"), on_click=dialog.close).props("flat")
            ui.button(_t(key), on_click=lambda: run(dialog)).props(
                f"color=negative data-testid={testid}-confirm"
            )
    return ui.button(text or _t(key), on_click=dialog.open).props(
        f"flat dense color=negative data-testid={testid}"
    )


def create_card(
    title_key: str,
    schema: type[BaseModel],
    save: Callable[[Session, Principal, Any], Any],
    *,
    path: str,
    testid: str,
    values: Mapping[str, Any] | None = None,
    references: Mapping[str, Mapping[Any, str]] | None = None,
    skip: Collection[str] = (),
    extra: Callable[[], dict[str, Any]] | None = None,
    more: Callable[[], Mapping[str, Any]] | None = None,
) -> dict[str, Field]:
    """A create form folded away under its title (``new-<testid>``), so a page's records stay
    on top; once saved the page reloads and lists the new record where it belongs."""
    with (
        ui.expansion(_t(title_key), icon="add")
        .classes("w-full max-w-3xl")
        .props(f"data-testid=new-{testid}")
    ):
        return schema_card(
            title_key,
            schema,
            save,
            lambda _saved: ui.navigate.to(path),
            path=path,
            testid=testid,
            values=values,
            references=references,
            skip=skip,
            extra=extra,
            more=more,
        )
