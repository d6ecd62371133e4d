"""SCBA sets and checks: readiness at the pressure boundary, the setting, the hidden-danger
finding, and that another organisation can neither see nor change a set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, load_demo
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


def demo_ids(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return load_demo(session)


def ready(client: TestClient, headers: dict[str, str], code: str) -> dict[str, object]:
    sets = {s["code"]: s for s in client.get("/api/emergency/scba", headers=headers).json()}
    entry: dict[str, object] = sets[code]
    return entry


def check(
    client: TestClient,
    headers: dict[str, str],
    code: str,
    pressure: str,
    at: datetime | None = None,
) -> None:
    body = {"set_code": code, "cylinder_pressure_mpa": pressure}
    if at is not None:
        body["at"] = at.isoformat()
    response = client.post("/api/emergency/scba/checks", headers=headers, json=body)
    assert response.status_code == 201, response.text


def test_readiness_follows_the_latest_check_and_the_minimum_is_inclusive(
    client: TestClient, context: Context, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    created = client.post(
        "/api/emergency/scba",
        headers=lab,
        json={"organisation_id": demo["lab"], "code": "LAB-SCBA-1", "holder": "wang"},
    )
    assert created.status_code == 201, created.text
    assert ready(client, lab, "LAB-SCBA-1")["reason"] == "emergency.scba_never_checked"
    check(client, lab, "LAB-SCBA-1", "24.9")
    low = ready(client, lab, "LAB-SCBA-1")
    assert low["ready"] is False and low["reason"] == "emergency.scba_low_pressure"
    check(client, lab, "LAB-SCBA-1", "25")
    assert ready(client, lab, "LAB-SCBA-1")["ready"] is True  # 25 MPa on a 30 MPa cylinder
    history = client.get("/api/emergency/scba/LAB-SCBA-1/checks", headers=lab).json()
    assert [Decimal(h["cylinder_pressure_mpa"]) for h in history] == [Decimal(25), Decimal("24.9")]


def test_the_default_minimum_pressure_is_a_setting(
    client: TestClient, context: Context, login_as: Login
) -> None:
    demo = demo_ids(context)
    context.settings = context.settings.model_copy(
        update={"scba_minimum_pressure_mpa": Decimal(27)}
    )
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    client.post(
        "/api/emergency/scba",
        headers=lab,
        json={"organisation_id": demo["lab"], "code": "LAB-SCBA-2"},
    )
    check(client, lab, "LAB-SCBA-2", "26")
    assert ready(client, lab, "LAB-SCBA-2")["reason"] == "emergency.scba_low_pressure"


def test_a_set_that_is_not_ready_is_a_hidden_danger(
    client: TestClient, context: Context, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    client.post(
        "/api/emergency/scba", headers=lab, json={"organisation_id": demo["lab"], "code": "S-LOW"}
    )
    # Finding rules have no clock in the agreed interface: they judge at the wall clock.
    today = datetime.now(UTC)
    check(client, lab, "S-LOW", "18", today)  # the 2·7 rescuers' sets
    found = client.get("/api/registry/findings", headers=lab, params={"code": "scba_not_ready"})
    assert [(f["object_type"], f["params"]["scba"]) for f in found.json()] == [
        ("scba_set", "S-LOW")
    ]
    check(client, lab, "S-LOW", "29", today + timedelta(seconds=1))
    again = client.get("/api/registry/findings", headers=lab, params={"code": "scba_not_ready"})
    assert again.json() == []


def test_another_organisation_can_neither_see_nor_change_a_set(
    client: TestClient, context: Context, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    client.post(
        "/api/emergency/scba", headers=lab, json={"organisation_id": demo["lab"], "code": "S-1"}
    )
    check(client, lab, "S-1", "18")
    assert client.get("/api/emergency/scba", headers=chem).json() == []
    foreign = client.post(
        "/api/emergency/scba/checks",
        headers=chem,
        json={"set_code": "S-1", "cylinder_pressure_mpa": "30"},
    )
    missing = client.post(
        "/api/emergency/scba/checks",
        headers=chem,
        json={"set_code": "NO-SUCH-SET", "cylinder_pressure_mpa": "30"},
    )
    assert foreign.status_code == missing.status_code == 404
    assert error_code(foreign) == error_code(missing) == "emergency.scba_not_found"
    assert client.get("/api/emergency/scba/S-1/checks", headers=chem).status_code == 404
    create = client.post(
        "/api/emergency/scba", headers=chem, json={"organisation_id": demo["lab"], "code": "S-2"}
    )
    assert create.status_code == 404 and error_code(create) == "scope.not_found"
    found = client.get("/api/registry/findings", headers=chem, params={"code": "scba_not_ready"})
    assert found.json() == []
    assert ready(client, lab, "S-1")["reason"] == "emergency.scba_low_pressure"  # unchanged
    worker = login_as(Role.WORKER, organisation_id=demo["lab"])
    assert (
        client.post(
            "/api/emergency/scba/checks",
            headers=worker,
            json={"set_code": "S-1", "cylinder_pressure_mpa": "30"},
        ).status_code
        == 403
    )
