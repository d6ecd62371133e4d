"""Bad input over HTTP answers 422 with its reason and field, never a server error.

Integers beyond the database's range, NUL bytes and over-long text reached PostgreSQL and
answered 500; ``since=0.5`` was read as a time. The types of :mod:`hazwatch.api.inputs`
refuse them at the schema, and every route is built with them (checked here on the OpenAPI
schema, so a new route cannot forget).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import UnionType
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from hazwatch.api.inputs import INT64_MAX, INT64_MIN, CheckedRoute
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, load_demo
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]

BIG = 2**63  # one past int64
NOW = "2025-02-06T20:37:00+08:00"


@pytest.fixture
def demo(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return load_demo(session)


def site(**change: Any) -> dict[str, Any]:
    return {"organisation_id": 1, "name": "厂区", "address": "", **change}


#: (method, path, query, body, reason, field)
CASES: list[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None, str, str]] = [
    ("GET", f"/api/registry/sites/{BIG}", None, None, "request.out_of_range", "path.ident"),
    ("GET", "/api/registry/sites/0", None, None, "request.out_of_range", "path.ident"),
    ("GET", "/api/registry/sites", {"offset": BIG}, None, "request.out_of_range", "query.offset"),
    ("GET", "/api/registry/sites", {"offset": -1}, None, "request.out_of_range", "query.offset"),
    ("GET", "/api/registry/sites", {"limit": 10**30}, None, "request.out_of_range", "query.limit"),
    (
        "GET",
        "/api/registry/sites",
        {"organisation_id": 2**31},
        None,
        "request.out_of_range",
        "query.organisation_id",
    ),
    ("GET", "/api/registry/sites", {"q": "a\x00b"}, None, "request.nul_character", "query.q"),
    ("GET", "/api/registry/sites", {"q": "x" * 101}, None, "request.too_long", "query.q"),
    (
        "GET",
        "/api/monitoring/alarms/history",
        {"since": "0.5"},
        None,
        "request.not_a_time",
        "query.since",
    ),
    (
        "GET",
        "/api/monitoring/alarms/history",
        {"since": "1738872000"},
        None,
        "request.not_a_time",
        "query.since",
    ),
    (
        "GET",
        "/api/access/decisions",
        {"person": "张\x00三"},
        None,
        "request.nul_character",
        "query.person",
    ),
    (
        "GET",
        "/api/audit",
        {"entity_type": "\x00"},
        None,
        "request.nul_character",
        "query.entity_type",
    ),
    ("GET", "/api/audit", {"before_id": BIG}, None, "request.out_of_range", "query.before_id"),
    (
        "POST",
        "/api/registry/sites",
        None,
        site(name="厂\x00区"),
        "request.nul_character",
        "name",
    ),
    (
        "POST",
        "/api/registry/sites",
        None,
        site(organisation_id=10**30),
        "request.out_of_range",
        "organisation_id",
    ),
    ("POST", "/api/registry/sites", None, site(address="x" * 301), "request.too_long", "address"),
    (
        "POST",
        f"/api/monitoring/alarms/{BIG}/ack",
        None,
        {},
        "request.out_of_range",
        "path.alarm_id",
    ),
    (
        "POST",
        "/api/monitoring/alarms/1/shelve",
        None,
        {"reason": "maintenance", "until": 0.5},
        "request.not_a_time",
        "until",
    ),
    (
        "POST",
        "/api/monitoring/points/1/service",
        None,
        {"out_of_service": True, "reason": "cal\x00ibration"},
        "request.nul_character",
        "reason",
    ),
    (
        "PATCH",
        "/api/monitoring/points/1",
        None,
        {"low": "1e30", "reason": "tighter"},
        "request.out_of_range",
        "low",
    ),
    (
        "POST",
        "/api/auth/login",
        None,
        {"username": "admin\x00", "password": "whatever-it-is"},
        "request.nul_character",
        "username",
    ),
    (
        "POST",
        "/api/hidden-dangers",
        None,
        {"organisation_id": BIG, "title": "漏", "description": "", "location": ""},
        "request.out_of_range",
        "organisation_id",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "reason", "field"),
    CASES,
    ids=[f"{c[0]} {c[1][:40]} {c[5]}" for c in CASES],
)
def test_bad_input_answers_422_with_its_reason(
    client: TestClient,
    login_as: Login,
    method: str,
    path: str,
    query: dict[str, Any] | None,
    body: dict[str, Any] | None,
    reason: str,
    field: str,
) -> None:
    headers = login_as(Role.PLATFORM_ADMIN) | {"Accept-Language": "en"}
    response = client.request(method, path, params=query, json=body, headers=headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error_code(response), error["field"]) == (reason, field), error
    assert "{" not in error["message"]


def test_a_time_written_as_text_is_still_accepted(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    headers = login_as(Role.PLATFORM_ADMIN)
    for since in (NOW, "2025-02-06T12:37:00Z", "2025-02-06T12:37:00.250+00:00"):
        history = client.get(
            "/api/monitoring/alarms/history", params={"since": since}, headers=headers
        )
        assert history.status_code == 200, history.text
        decisions = client.get(
            "/api/access/decisions", params={"since": since, "until": NOW}, headers=headers
        )
        assert decisions.status_code == 200, decisions.text
    permit = client.post(
        "/api/permits",
        json={
            "room_id": demo["dry_room_1"],
            "number": "PTW-1",
            "valid_from": "2025-02-06T08:00:00+08:00",
            "valid_until": "2025-02-07T18:00:00+08:00",
        },
        headers=headers,
    )
    assert permit.status_code < 300, permit.text


# --- every route, from the OpenAPI schema ---------------------------------------------

#: A pattern listing the only values allowed (``^(a|b|c)$``) bounds the text by itself.
LITERALS = re.compile(r"^\^\((\w+)(\|\w+)*\)\$$")
#: String formats pydantic parses into something else than text.
PARSED = {"date-time", "date", "time", "duration", "uuid", "binary"}


def leaf_routes(app: FastAPI) -> Iterator[Any]:
    """Every route of the app, the routers it includes opened up."""
    pending = list(app.routes)
    while pending:
        route = pending.pop(0)
        included = getattr(route, "original_router", None)
        if included is not None:
            pending.extend(included.routes)
        else:
            yield route


def unchecked(
    schema: dict[str, Any], where: str, spec: dict[str, Any], seen: frozenset[str]
) -> list[str]:
    """The integers without bounds within int64 and the texts without a length bound or a
    NUL-refusing pattern, anywhere in ``schema``."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return unchecked(
            spec["components"]["schemas"][name], f"{where}<{name}>", spec, seen | {name}
        )
    found: list[str] = []
    branches = schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", [])
    decimal = {b.get("type") for b in branches} >= {"number", "string"}
    for branch in branches:
        if decimal and branch.get("type") == "string":
            continue  # pydantic's Decimal: parsed as a number (bounded below, by the model)
        found += unchecked(branch, where, spec, seen)
    kind = schema.get("type")
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        if low is None or high is None or int(low) < INT64_MIN or int(high) > INT64_MAX + 1:
            found.append(f"{where}: integer without bounds within int64")
    elif kind == "string" and not ({"enum", "const"} & schema.keys()):
        pattern = schema.get("pattern")
        if schema.get("format") in PARSED or "contentMediaType" in schema:
            pass  # parsed into something else than text, or an upload (its size is limited)
        elif pattern is not None and LITERALS.match(pattern):
            pass
        elif "maxLength" not in schema:
            found.append(f"{where}: text without a maximum length")
        elif pattern is None or re.search(pattern, "a\x00b"):
            found.append(f"{where}: text that does not refuse NUL")
    elif kind == "object":
        for name, sub in schema.get("properties", {}).items():
            found += unchecked(sub, f"{where}.{name}", spec, seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            found += unchecked(extra, f"{where}.*", spec, seen)
    elif kind == "array":
        found += unchecked(schema.get("items", {}), f"{where}[]", spec, seen)
    return found


def models_of(annotation: Any) -> Iterator[type[BaseModel]]:
    origin = typing.get_origin(annotation)
    if origin is not None:
        for argument in typing.get_args(annotation):
            yield from models_of(argument)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from models_of(field.annotation)


def plain(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def unbounded_decimals(model: type[BaseModel]) -> list[str]:
    """Decimal fields that could overflow an ``exact decimal`` column (16 whole digits)."""
    found = []
    for name, field in model.model_fields.items():
        if plain(field.annotation) is not Decimal:
            continue
        rules = {
            k: getattr(m, k)
            for m in field.metadata
            for k in ("max_digits", "decimal_places", "le", "lt", "ge", "gt")
            if getattr(m, k, None) is not None
        }
        whole = rules.get("max_digits", 99) - rules.get("decimal_places", 0)
        high = rules.get("le", rules.get("lt"))
        low = rules.get("ge", rules.get("gt"))
        bounded = high is not None and low is not None and max(abs(high), abs(low)) < 10**16
        if whole > 16 and not bounded:
            found.append(f"{model.__name__}.{name}")
    return found


def test_every_route_bounds_its_inputs(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    routes = [r for r in leaf_routes(app) if isinstance(r, APIRoute)]
    assert len(routes) > 100
    not_checked = sorted(
        f"{r.path} {sorted(r.methods)}" for r in routes if not isinstance(r, CheckedRoute)
    )
    assert not not_checked, f"routes not built with hazwatch.api.inputs.Router: {not_checked}"

    spec = app.openapi()
    found: list[str] = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                where = f"{label} {parameter['in']}:{parameter['name']}"
                found += unchecked(parameter["schema"], where, spec, frozenset())
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found += unchecked(content.get("schema", {}), f"{label} body", spec, frozenset())
    assert not found, "\n".join(found)

    decimals = sorted(
        {
            name
            for route in routes
            for parameter in route.dependant.body_params
            for model in models_of(parameter.field_info.annotation)
            for name in unbounded_decimals(model)
        }
    )
    assert not decimals, f"decimals without a digit or value bound: {decimals}"


def test_the_checker_finds_what_it_is_meant_to_find() -> None:
    """The walk above, on a schema with one fault of each kind."""
    spec: dict[str, Any] = {
        "components": {
            "schemas": {
                "Body": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string", "maxLength": 10},
                        "note": {"type": "string", "pattern": "^[^\\x00]*$"},
                        "kind": {"type": "string", "pattern": "^(a|b)$"},
                        "at": {"type": "string", "format": "date-time"},
                        "amount": {"anyOf": [{"type": "number"}, {"type": "string"}]},
                        "ok": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    },
                }
            }
        }
    }
    found = unchecked({"$ref": "#/components/schemas/Body"}, "POST /x", spec, frozenset())
    assert [f.split(": ")[0].rsplit(".", 1)[-1] for f in found] == ["id", "name", "note"]
