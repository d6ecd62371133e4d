"""A registry form built from the resource's input schema (NetBox-style: one definition
drives database, API and console). Each field gets the input its type calls for; reference
fields offer only the objects the person may see (the registry service's scoped lists)."""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Union, get_args, get_origin

from nicegui import ui
from pydantic.fields import FieldInfo
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.choices import Choice
from hazwatch.registry import service as registry
from hazwatch.registry.resources import Resource, resource
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


def _base(annotation: Any) -> tuple[type, bool]:
    """The field's value type without ``None``, and whether it is a list."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is list:
        return get_args(annotation)[0], True
    return annotation, False


def label_of(obj: Any, res: Resource) -> str:
    return str(getattr(obj, res.search_column, None) or getattr(obj, "name", "") or f"#{obj.id}")


def options(session: Session, who: Principal, target: str) -> dict[int, str]:
    res = resource(target)
    return {
        obj.id: label_of(obj, res) for obj in registry.list_objects(session, who, res, limit=5000)
    }


def build(
    session: Session, who: Principal, res: Resource, values: dict[str, Any]
) -> dict[str, Field]:
    """Inputs for every editable field of ``res``, filled with ``values``."""
    fields: dict[str, Field] = {}
    info: FieldInfo
    for name, info in res.schema_in.model_fields.items():
        if name in NOT_IN_FORM:
            continue
        base, many = _base(info.annotation)
        required = info.is_required()
        caption = _t(f"web.field.{name}") + (" *" if required else "")
        value = values.get(name, None if required else info.default)
        target = res.name if name == "parent_id" else REFERENCES.get(name)
        element: Any
        if target is not None:
            choices: dict[Any, str] = options(session, who, target)
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
    numbers ints, decimals strings (exact, parsed by the schema)."""
    data: dict[str, Any] = {}
    for name, field in fields.items():
        value = field.element.value
        if value == "" and not field.required:
            value = field.default
        if field.base is int and isinstance(value, float) and not field.many:
            value = int(value)
        data[name] = value
    return data
