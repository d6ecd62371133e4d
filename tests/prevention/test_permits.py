"""Confined-space permits over HTTP: gas tests, clearance, closing, numbering per
organisation, and tenancy (another organisation gets 404 for everything)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, load_demo
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


def demo_ids(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return load_demo(session)


def open_permit(
    client: TestClient, headers: dict[str, str], room_id: int, number: str, clock: ManualClock
) -> dict[str, object]:
    response = client.post(
        "/api/permits",
        headers=headers,
        json={
            "room_id": room_id,
            "number": number,
            "valid_from": clock.now().isoformat(),
            "valid_until": (clock.now() + timedelta(hours=4)).isoformat(),
            "isolations": ["氮气进气管加盲板", "气氛炉断电上锁挂牌"],
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_permit_clears_entry_only_with_a_fresh_passing_gas_test(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    head = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    permit = open_permit(client, lab, demo["dry_room_1"], "CS-001", clock)
    path = f"/api/permits/{permit['id']}"
    assert permit["clears_entry"] is False
    assert permit["reason"] == "access.reason.permit_not_approved"
    own = client.post(f"{path}/approve", headers=lab)  # the applicant approves nothing
    assert own.status_code == 403 and own.json()["error"]["field"] == "approved_by"
    approved = client.post(f"{path}/approve", headers=head).json()
    assert approved["approved_by"].startswith("enterprise_admin")
    assert approved["reason"] == "access.reason.no_guardian"
    assert client.post(f"{path}/approve", headers=head).status_code == 409  # once
    guarded = client.post(f"{path}/guardian", headers=lab, json={"guardian": "王监护"}).json()
    assert guarded["guardian_present"] is True
    assert guarded["reason"] == "access.reason.no_gas_test"
    test = client.post(
        f"/api/permits/{permit['id']}/gas-tests", headers=lab, json={"o2_percent": "20.6"}
    )
    assert test.status_code == 201 and test.json()["tester"].startswith("safety_officer")
    fresh = client.get(f"/api/permits/{permit['id']}", headers=lab).json()
    assert fresh["clears_entry"] is True and fresh["latest_gas_test"]["o2_percent"] == "20.6"
    clock.advance(timedelta(minutes=31))
    stale = client.get(f"/api/permits/{permit['id']}", headers=lab).json()
    assert stale["reason"] == "access.reason.gas_test_too_old"
    closed = client.post(f"/api/permits/{permit['id']}/close", headers=lab).json()
    assert closed["closed"] is True and closed["clears_entry"] is False
    late = client.post(
        f"/api/permits/{permit['id']}/gas-tests", headers=lab, json={"o2_percent": "20.6"}
    )
    assert late.status_code == 409 and error_code(late) == "prevention.permit_closed"
    assert client.get("/api/permits", headers=lab, params={"open_only": True}).json() == []


def test_bad_input_is_refused_with_its_field(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    backwards = client.post(
        "/api/permits",
        headers=lab,
        json={
            "room_id": demo["dry_room_1"],
            "number": "CS-9",
            "valid_from": clock.now().isoformat(),
            "valid_until": clock.now().isoformat(),
        },
    )
    assert backwards.status_code == 422 and error_code(backwards) == "prevention.bad_validity"
    assert backwards.json()["error"]["field"] == "valid_until"
    open_permit(client, lab, demo["dry_room_1"], "CS-1", clock)
    twice = client.post(
        "/api/permits",
        headers=lab,
        json={
            "room_id": demo["dry_room_2"],
            "number": "CS-1",
            "valid_from": clock.now().isoformat(),
            "valid_until": (clock.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert twice.status_code == 409 and error_code(twice) == "prevention.permit_number_taken"
    past = client.post(
        "/api/permits",
        headers=lab,
        json={
            "room_id": demo["dry_room_2"],
            "number": "CS-2",
            "valid_from": (clock.now() - timedelta(hours=3)).isoformat(),
            "valid_until": (clock.now() - timedelta(hours=1)).isoformat(),
        },
    )
    assert past.status_code == 422 and past.json()["error"]["field"] == "valid_until"
    bare = open_permit(client, lab, demo["dry_room_2"], "CS-3", clock)
    client.post(f"/api/permits/{bare['id']}/guardian", headers=lab, json={"guardian": "x"})
    head = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    no_isolation = client.post(
        "/api/permits",
        headers=lab,
        json={
            "room_id": demo["dry_room_2"],
            "number": "CS-4",
            "valid_from": clock.now().isoformat(),
            "valid_until": (clock.now() + timedelta(hours=1)).isoformat(),
        },
    ).json()
    refused = client.post(f"/api/permits/{no_isolation['id']}/approve", headers=head)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "isolations"
    assert (
        client.get(f"/api/permits/{no_isolation['id']}", headers=lab).json()["approved_at"] is None
    )


def test_another_organisation_cannot_read_or_change_a_permit(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    permit = open_permit(client, lab, demo["dry_room_1"], "CS-001", clock)
    path = f"/api/permits/{permit['id']}"
    assert client.get("/api/permits", headers=chem).json() == []
    for response in (
        client.get(path, headers=chem),
        client.post(f"{path}/gas-tests", headers=chem, json={"o2_percent": "20.9"}),
        client.post(f"{path}/close", headers=chem),
        client.get("/api/permits/999999", headers=chem),
    ):
        assert response.status_code == 404 and error_code(response) == "scope.not_found"
    into_lab = client.post(
        "/api/permits",
        headers=chem,
        json={
            "room_id": demo["dry_room_1"],
            "number": "X-1",
            "valid_from": clock.now().isoformat(),
            "valid_until": (clock.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert into_lab.status_code == 404
    own = open_permit(client, chem, demo["ammonia_room"], "CS-001", clock)  # its own numbering
    assert [p["id"] for p in client.get("/api/permits", headers=chem).json()] == [own["id"]]
    unchanged = client.get(path, headers=lab).json()
    assert unchanged["closed"] is False and unchanged["latest_gas_test"] is None
    worker = login_as(Role.WORKER, organisation_id=demo["lab"])
    assert client.post(f"{path}/close", headers=worker).status_code == 403
