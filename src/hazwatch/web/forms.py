"""Showing a service's refusal where the person is looking: next to the field it names,
translated, or under the form when it names none."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement

from hazwatch.core.errors import DomainError
from hazwatch.web.text import _t


def error_text(exc: DomainError) -> str:
    return _t(exc.code, **exc.params)


def clear_errors(fields: Mapping[str, Any], general: ui.label | None = None) -> None:
    for element in fields.values():
        if isinstance(element, ValidationElement):
            element.error = None
    if general is not None:
        general.text = ""


def show_error(
    exc: DomainError, fields: Mapping[str, Any], general: ui.label | None = None
) -> None:
    """Put the translated message on the named field (its full path, ``answers.2.deadline``,
    else its first part); otherwise under the form (or notify)."""
    message = error_text(exc)
    field = exc.field or ""
    element = fields.get(field) or fields.get(field.split(".")[0])
    if isinstance(element, ValidationElement):
        element.error = message
        return
    if general is not None:
        general.text = message
        return
    ui.notify(message, type="negative")


def require_filled(fields: Mapping[str, Any], names: tuple[str, ...]) -> bool:
    """Mark empty required fields before asking the service (which checks again)."""
    ok = True
    for name in names:
        element = fields[name]
        if element.value in (None, "") and isinstance(element, ValidationElement):
            element.error = _t("web.form.required")
            ok = False
    return ok
