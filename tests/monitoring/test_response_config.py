"""Escalation and interlock configuration over HTTP: channels per step, scoping, and that an
organisation cannot point an interlock at another organisation's room or site."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.models import Contact, EscalationStep, Notification
from hazwatch.monitoring.escalation.service import plan
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.interlocks import service as interlocks
from hazwatch.monitoring.interlocks.schemas import RuleIn
from hazwatch.monitoring.runtime import EngineRuntime
from tests.conftest import error_code
from tests.monitoring.conftest import Plant
from tests.monitoring.test_response import RecordingActuator

Login = Callable[..., dict[str, str]]


def test_a_step_reaches_only_the_channels_it_names(
    client: TestClient, context: Context, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    lab_id = plant.demo["lab"]
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=lab_id)
    for channel, address in (("console", "console"), ("email", "duty@example.test")):
        contact = client.post(
            "/api/escalation/contacts",
            headers=lab,
            json={
                "organisation_id": lab_id,
                "role": "duty_officer",
                "channel": channel,
                "address": address,
            },
        )
        assert contact.status_code == 201, contact.text
    step = client.post(
        "/api/escalation/steps",
        headers=lab,
        json={
            "organisation_id": lab_id,
            "after_minutes": 0,
            "target": "duty_officer",
            "channels": ["console"],
        },
    )
    assert step.status_code == 201, step.text
    bad = client.post(
        "/api/escalation/steps",
        headers=lab,
        json={"organisation_id": lab_id, "after_minutes": 0, "target": "x", "channels": ["fax"]},
    )
    assert bad.status_code == 422
    with context.sessions() as session:
        [planned] = plan(session, lab_id, "high")
    assert [c.channel for c in planned.contacts] == ["console"]
    runtime = EngineRuntime(context, RecordingActuator())
    runtime.engine.submit([ReadingIn("O2-DRY1", clock.now(), 19.1, "%vol")])
    with context.sessions() as session:
        assert [n.channel for n in session.scalars(select(Notification))] == ["console"]
    steps = client.get("/api/escalation/steps", headers=lab).json()
    assert [(s["target"], s["channels"]) for s in steps] == [("duty_officer", ["console"])]


def test_another_organisation_sees_and_changes_none_of_it(
    client: TestClient, context: Context, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    lab_id, chem_id = plant.demo["lab"], plant.demo["chem"]
    with context.unit_of_work() as session:
        session.add(
            Contact(organisation_id=lab_id, role="duty_officer", channel="console", address="c")
        )
        session.add(EscalationStep(organisation_id=lab_id, after_minutes=0, target="duty_officer"))
        interlocks.create_rule(
            session,
            SYSTEM,
            RuleIn(
                organisation_id=lab_id,
                site_id=plant.demo["plant"],
                room_id=plant.demo["dry_room_1"],
                action="start_fan",
                device_code="FAN-DRY1",
            ),
        )
    runtime = EngineRuntime(context, RecordingActuator())
    runtime.engine.submit([ReadingIn("O2-DRY1", clock.now(), 19.1, "%vol")])
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=lab_id)
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=chem_id)
    for path in (
        "/api/escalation/steps",
        "/api/escalation/notifications",
        "/api/interlocks/rules",
        "/api/interlocks/commands",
    ):
        assert client.get(path, headers=lab).json() != [], path
        assert client.get(path, headers=chem).json() == [], path
    writes = (
        (
            "/api/escalation/contacts",
            {"organisation_id": lab_id, "role": "principal", "channel": "console", "address": "x"},
        ),
        (
            "/api/escalation/steps",
            {"organisation_id": lab_id, "after_minutes": 1, "target": "principal"},
        ),
        (
            "/api/interlocks/rules",
            {
                "organisation_id": lab_id,
                "site_id": plant.demo["plant"],
                "room_id": plant.demo["dry_room_1"],
                "action": "stop_fan",
                "device_code": "FAN-DRY1",
            },
        ),
    )
    for path, body in writes:
        response = client.post(path, headers=chem, json=body)
        assert response.status_code == 404 and error_code(response) == "scope.not_found", path
    # chem names its own organisation but the lab's room: still not found
    hijack = client.post(
        "/api/interlocks/rules",
        headers=chem,
        json={
            "organisation_id": chem_id,
            "site_id": plant.demo["plant"],
            "room_id": plant.demo["dry_room_1"],
            "action": "stop_fan",
            "device_code": "FAN-DRY1",
        },
    )
    assert hijack.status_code == 404 and error_code(hijack) == "scope.not_found"
    with context.sessions() as session:
        assert len(session.scalars(select(EscalationStep)).all()) == 1


def test_an_interlock_names_its_trigger_on_the_right_site(
    client: TestClient, plant: Plant, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    base = {"organisation_id": plant.demo["lab"], "action": "start_fan", "device_code": "FAN-DRY1"}
    nothing = client.post(
        "/api/interlocks/rules", headers=lab, json={**base, "site_id": plant.demo["plant"]}
    )
    assert nothing.status_code == 422 and error_code(nothing) == "interlocks.trigger_required"
    elsewhere = client.post(
        "/api/interlocks/rules",
        headers=lab,
        json={**base, "site_id": plant.demo["chem_site"], "room_id": plant.demo["dry_room_1"]},
    )
    assert elsewhere.status_code == 422 and error_code(elsewhere) == "interlocks.wrong_site"
    by_point = client.post(
        "/api/interlocks/rules",
        headers=lab,
        json={**base, "site_id": plant.demo["plant"], "point_id": plant.o2_point},
    )
    assert by_point.status_code == 201, by_point.text
