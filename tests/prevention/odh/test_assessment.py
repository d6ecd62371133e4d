"""Per-room ODH assessment from the registry: the 2·7 dry room as it was and as it should
have been, recomputed in the same unit of work whenever its inputs change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.context import Context
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.schemas import PointIn
from hazwatch.prevention.odh.assessment import evaluate, gather
from hazwatch.prevention.odh.models import OdhAssessment
from hazwatch.registry.demo import DemoIds, load_demo
from hazwatch.registry.models import Room
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]

#: Detection 2e-3 per demand; a standby fan 9e-6/h × 730 h / 2 = 3.285e-3 per demand.
GUARDED_PHI = 1e-2 * (2e-3 + (1 - 2e-3) * 3.285e-3)


def fit_interlocked_exhaust(client: TestClient, demo: DemoIds, headers: dict[str, str]) -> None:
    response = client.patch(
        f"/api/registry/rooms/{demo['dry_room_1']}",
        headers=headers,
        json={
            "ventilation_type": "exhaust",
            "air_changes_per_hour": "10",
            "ventilation_interlocked": True,
        },
    )
    assert response.status_code == 200, response.text


def fit_detector(context: Context, demo: DemoIds) -> None:
    with context.unit_of_work() as session:
        monitoring.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                room_id=demo["dry_room_1"],
                code="O2-DRY1",
                kind=PointKind.O2,
            ),
        )


def count(context: Context) -> int:
    with context.sessions() as session:
        return session.scalar(select(func.count()).select_from(OdhAssessment)) or 0


def test_dry_room_as_it_was_and_as_it_should_have_been(
    client: TestClient, context: Context, login_as: Login
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    url = f"/api/odh/rooms/{demo['dry_room_1']}"
    as_it_was = client.get(url, headers=lab).json()
    # no ventilation: the room goes to 0 % O2 (F = 1), φ = 1e-2/h → class 3
    assert as_it_was["odh_class"] == 3 and as_it_was["phi_per_hour"] == 1e-2
    findings = client.get("/api/registry/findings", headers=lab, params={"code": "odh_class"})
    assert [f["object_id"] for f in findings.json()] == [demo["dry_room_1"]]
    assessed = count(context)

    # an interlocked exhaust with nothing to start it protects nobody: still class 3
    fit_interlocked_exhaust(client, demo, lab)
    exhaust_only = client.get(url, headers=lab).json()
    assert exhaust_only["trigger"] == "room" and exhaust_only["odh_class"] == 3
    assert exhaust_only["result"]["events"][0]["case"] == "exhaust_never_started"

    # a fixed detector starts it: 10 ACH holds 19.7 % (F = 0); only failures on demand count
    fit_detector(context, demo)
    guarded = client.get(url, headers=lab).json()
    assert guarded["trigger"] == "detector" and guarded["odh_class"] == 2
    assert guarded["phi_per_hour"] == pytest.approx(GUARDED_PHI, rel=1e-12)
    assert {s["kind"]: s["origin"] for s in guarded["inputs"]["safeguards"]} == {
        "detection_system": "monitoring",
        "interlocked_exhaust": "registry",
    }
    assert count(context) == assessed + 2
    client.get(url, headers=lab)
    assert client.post(f"{url}/assess", headers=lab).json()["id"] == guarded["id"]
    assert count(context) == assessed + 2  # same inputs: no new row
    history = client.get(f"{url}/history", headers=lab).json()
    assert [h["odh_class"] for h in history[:3]] == [2, 3, 3]


def test_declared_safeguards_override_and_are_audited(
    client: TestClient, context: Context, login_as: Login
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    room_url = f"/api/odh/rooms/{demo['dry_room_1']}"
    fit_interlocked_exhaust(client, demo, lab)
    fit_detector(context, demo)
    # the detector head is known to be broken: the declared row withdraws the credit
    broken = client.post(
        f"{room_url}/safeguards",
        headers=lab,
        json={"kind": "detection_system", "in_service": False, "note": "sensor cell expired"},
    )
    assert broken.status_code == 201 and broken.json()["basis"].startswith("FESHM 4240")
    assert client.get(room_url, headers=lab).json()["odh_class"] == 3
    # repaired, with a SIL-certified figure of its own (basis required)
    safeguard = f"/api/odh/safeguards/{broken.json()['id']}"
    no_basis = client.patch(
        safeguard, headers=lab, json={"in_service": True, "failure_on_demand": "0.001"}
    )
    assert no_basis.status_code == 422 and error_code(no_basis) == "odh.basis_required"
    repaired = client.patch(
        safeguard,
        headers=lab,
        json={"in_service": True, "failure_on_demand": "0.001", "basis": "SIL 2 certificate"},
    )
    assert repaired.status_code == 200
    assessment = client.get(room_url, headers=lab).json()
    assert assessment["trigger"] == "safeguard"
    assert assessment["phi_per_hour"] == pytest.approx(1e-2 * (1e-3 + (1 - 1e-3) * 3.285e-3))
    twice = client.post(f"{room_url}/safeguards", headers=lab, json={"kind": "detection_system"})
    assert twice.status_code == 409 and error_code(twice) == "odh.safeguard_exists"
    audit = client.get("/api/audit", headers=lab, params={"entity_type": "odh_safeguard"})
    assert audit.status_code == 200 and len(audit.json()) >= 2
    assert client.delete(safeguard, headers=lab).status_code == 204
    assert client.get(room_url, headers=lab).json()["odh_class"] == 2  # monitoring credit again


def test_room_whose_volume_is_removed_becomes_a_finding(
    client: TestClient, context: Context, login_as: Login
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    with context.unit_of_work() as session:
        room = session.get(Room, demo["dry_room_1"])
        assert room is not None
        room.length_m = None
    gone = client.get(f"/api/odh/rooms/{demo['dry_room_1']}", headers=lab)
    assert gone.status_code == 422 and error_code(gone) == "odh.not_assessable.volume_unknown"
    findings = client.get("/api/registry/findings", headers=lab).json()
    codes = {(f["code"], f["object_id"]) for f in findings}
    assert ("odh_not_assessed", demo["dry_room_1"]) in codes
    assert ("odh_class", demo["dry_room_1"]) not in codes
    overview = client.get("/api/odh/rooms", headers=lab).json()
    assert [r["assessment"] for r in overview if r["room_id"] == demo["dry_room_1"]] == [None]


def test_other_organisations_neither_see_nor_change_a_room(
    client: TestClient, context: Context, login_as: Login
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    office = client.get(f"/api/odh/rooms/{demo['changing_room']}", headers=lab)
    assert office.status_code == 422
    assert error_code(office) == "odh.not_assessable.no_inert_source"
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    room_url = f"/api/odh/rooms/{demo['dry_room_1']}"
    for response in (
        client.get(room_url, headers=chem),
        client.get(f"{room_url}/history", headers=chem),
        client.post(f"{room_url}/assess", headers=chem),
        client.post(f"{room_url}/safeguards", headers=chem, json={"kind": "alarm"}),
    ):
        assert response.status_code == 404 and error_code(response) == "scope.not_found"
    assert demo["dry_room_1"] not in [
        r["room_id"] for r in client.get("/api/odh/rooms", headers=chem).json()
    ]
    alarm = client.post(f"{room_url}/safeguards", headers=lab, json={"kind": "alarm"}).json()
    for response in (
        client.patch(
            f"/api/odh/safeguards/{alarm['id']}", headers=chem, json={"in_service": False}
        ),
        client.delete(f"/api/odh/safeguards/{alarm['id']}", headers=chem),
    ):
        assert response.status_code == 404
    worker = login_as(Role.WORKER, organisation_id=demo["lab"])
    assert client.get(room_url, headers=worker).status_code == 200
    refused = client.delete(f"/api/odh/safeguards/{alarm['id']}", headers=worker)
    assert refused.status_code == 403


def test_evaluation_is_a_pure_function_of_the_stored_inputs(context: Context) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    with context.sessions() as session:  # assessed by the commit that stored the room
        room = session.get(Room, demo["dry_room_1"])
        assert room is not None
        inputs = gather(session, room).values
        stored = session.scalar(select(OdhAssessment).where(OdhAssessment.room_id == room.id))
    assert inputs is not None and stored is not None and stored.inputs == inputs
    outcome = evaluate(stored.inputs)
    assert (outcome.phi_per_hour, outcome.odh_class) == (stored.phi_per_hour, stored.odh_class)
    # 83.1 m³ (7.33 × 4.05 × 2.8) and the 48.9 m³/h fit of the 2·7 hose
    assert (
        inputs["volume_m3"] == pytest.approx(83.1222)
        and inputs["sources"][0]["release_m3_h"] == 48.9
    )
