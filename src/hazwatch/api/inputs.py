"""Input types every route uses, so no bad input reaches the database as a server error.

PostgreSQL answers an integer beyond its column, text with a NUL byte or longer than its
column with an error (a 500 before these types); SQLite stores them silently. So every integer
a request carries is bounded (an id by the ``integer`` column it names, an offset or a limit by
a sensible maximum), every text rejects NUL and is no longer than its column, and an instant
is ISO 8601 text (pydantic would read ``since=0.5`` as half a second after 1970).

Each refusal is a 422 whose machine-readable reason names the rule
(``request.out_of_range``, ``request.too_long``, ``request.nul_character``,
``request.not_a_time``; see :mod:`hazwatch.api.errors`) and whose ``field`` names the input.

Routers are made with :class:`Router` (a drop-in :class:`fastapi.APIRouter`); its routes are
:class:`CheckedRoute`, which ``tests/api/test_bad_input.py`` requires of every route before
it checks each one's inputs in the OpenAPI schema.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from annotated_types import Ge, Interval, Le
from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, StringConstraints

INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

#: Text without a NUL character (PostgreSQL cannot store one in text).
NO_NUL = r"^[^\x00]*$"

#: A row id: every table's key is an ``integer`` column.
Id = Annotated[int, Ge(1), Le(INT32_MAX)]
#: A count or a number stored in an ``integer`` column that cannot be negative.
Count = Annotated[int, Ge(0), Le(INT32_MAX)]
#: A number stored in an ``integer`` column.
Int32 = Annotated[int, Ge(INT32_MIN), Le(INT32_MAX)]
#: A number stored in a ``bigint`` column.
Int64 = Annotated[int, Ge(INT64_MIN), Le(INT64_MAX)]
#: How many rows to skip.
Offset = Annotated[int, Ge(0), Le(INT32_MAX)]


def given(patch: BaseModel) -> dict[str, Any]:
    """The fields a partial update gave a value: null means "unchanged", so a patch of
    required fields (a title, a date) can never empty one."""
    return {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}


def up_to(maximum: int) -> Interval:
    """How many rows to return, ``Annotated[int, up_to(1000)]``: at least one, at most
    ``maximum``."""
    return Interval(ge=1, le=maximum)


def chars(max_length: int, *, min_length: int = 0) -> StringConstraints:
    """Text of at most ``max_length`` characters (its column's width) without NUL:
    ``Annotated[str, chars(80)]``."""
    return StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL)


Text16 = Annotated[str, chars(16)]
Text32 = Annotated[str, chars(32)]
Text64 = Annotated[str, chars(64)]
Text80 = Annotated[str, chars(80)]
Text100 = Annotated[str, chars(100)]
Text200 = Annotated[str, chars(200)]
Text500 = Annotated[str, chars(500)]
Text2000 = Annotated[str, chars(2000)]

#: A code naming a device, point, door or SCBA set (``String(64)`` columns).
Code = Text64
#: The image format of a QR code.
QrKind = Literal["png", "svg"]

_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def _not_a_number(value: Any) -> Any:
    """An instant is ISO 8601 text; a bare number (``0.5``, ``1700000000``) is refused."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, bool | int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError("request.not_a_time")
    return value


#: An instant written as ISO 8601 text (``2025-02-06T20:37:00+08:00``).
Instant = Annotated[datetime, BeforeValidator(_not_a_number)]

#: Codes the error handler gives pydantic's refusals (the rest are ``request.invalid``).
REASONS: dict[str, str] = {
    "greater_than": "request.out_of_range",
    "greater_than_equal": "request.out_of_range",
    "less_than": "request.out_of_range",
    "less_than_equal": "request.out_of_range",
    "decimal_max_digits": "request.out_of_range",
    "decimal_whole_digits": "request.out_of_range",
    "string_too_long": "request.too_long",
    "too_long": "request.too_long",
}


def reason_of(error: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The machine-readable reason of one pydantic error and its parameters, if it is one of
    the rules above."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "string_pattern_mismatch" and context.get("pattern") == NO_NUL:
        return "request.nul_character", {}
    code = REASONS.get(kind)
    if code is None:
        return None
    params = {k: v for k, v in context.items() if isinstance(v, int | float | str)}
    return code, params


class CheckedRoute(APIRoute):
    """The route class of every :class:`Router`: its presence tells the bad-input test that a
    route was built the project's way, so its inputs are checked there."""


class Router(APIRouter):
    """``APIRouter`` whose routes are :class:`CheckedRoute`; use it for every router."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", CheckedRoute)
        super().__init__(**kwargs)
