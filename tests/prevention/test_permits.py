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


def test_hot_work_gas_limits_are_gb_30871_volume_fractions_by_the_gas_lel(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    """GB 30871-2022 (动火分析及合格判定指标): ≤ 0.5 % by volume for a gas whose LEL is ≥ 4 %,
    ≤ 0.2 % below; both bounds inclusive, exact decimals; a %LEL reading is converted."""
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    head = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    made = client.post(
        "/api/permits",
        headers=lab,
        json={
            "room_id": demo["dry_room_2"],
            "number": "HW-LIM",
            "kind": "hot_work",
            "valid_from": clock.now().isoformat(),
            "valid_until": (clock.now() + timedelta(hours=4)).isoformat(),
        },
    )
    assert made.status_code == 201, made.text
    path = f"/api/permits/{made.json()['id']}"
    assert client.post(f"{path}/approve", headers=head).status_code == 200
    assert client.post(f"{path}/guardian", headers=lab, json={"guardian": "监火人"}).status_code
    tests = f"{path}/gas-tests"

    def refused(body: dict[str, object]) -> tuple[int, str, str]:
        answer = client.post(tests, headers=lab, json={"o2_percent": "20.9", **body})
        error = answer.json()["error"]
        return answer.status_code, error["code"], error["field"]

    assert refused({}) == (422, "prevention.combustible_required", "combustible_percent")
    assert refused({"combustible_percent": "0.1"}) == (
        422,
        "prevention.gas_lel_required",
        "gas_lel_percent",
    )
    both = {"combustible_percent": "0.1", "lel_percent": "2", "gas_lel_percent": "5"}
    assert refused(both) == (422, "prevention.combustible_twice", "combustible_percent")
    assert refused({"combustible_percent": "NaN", "gas_lel_percent": "5"})[0] == 422
    assert refused({"combustible_percent": "0.1", "gas_lel_percent": "0"})[0] == 422
    assert client.get(path, headers=lab).json()["latest_gas_test"] is None  # nothing stored

    def clears(**body: str) -> tuple[bool, object, object]:
        answer = client.post(tests, headers=lab, json={"o2_percent": "20.9", **body})
        assert answer.status_code == 201, answer.text
        test = answer.json()
        permit = client.get(path, headers=lab).json()
        return (
            permit["clears_entry"],
            test["combustible_percent"],
            test["combustible_limit_percent"],
        )

    # LEL exactly 4 % is the ≥ 4 % group: 0.5 % passes, 0.5000001 % does not
    assert clears(combustible_percent="0.5", gas_lel_percent="4") == (True, "0.5", "0.5")
    assert clears(combustible_percent="0.5000001", gas_lel_percent="4")[0] is False
    # LEL below 4 %: 0.2 % passes, 0.21 % does not (propane, LEL 2.1 %)
    assert clears(combustible_percent="0.2", gas_lel_percent="3.9") == (True, "0.2", "0.2")
    assert (
        clears(combustible_percent="0.21", gas_lel_percent="2.1", combustible_gas="丙烷")[0]
        is False
    )
    # a detector's 10 % LEL of ammonia (LEL 15 %) is 1.5 % by volume: refused (the old 10 % LEL
    # stand-in let it through); 3 % LEL of it is 0.45 %: passes
    assert clears(lel_percent="10", gas_lel_percent="15") == (False, "1.5", "0.5")
    assert clears(lel_percent="3", gas_lel_percent="15") == (True, "0.45", "0.5")


def test_a_toxic_reading_is_judged_by_the_permitted_concentration_given_with_it(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    head = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    permit = open_permit(client, lab, demo["dry_room_1"], "CS-TOX", clock)
    path = f"/api/permits/{permit['id']}"
    client.post(f"{path}/approve", headers=head)
    client.post(f"{path}/guardian", headers=lab, json={"guardian": "王监护"})
    alone = client.post(
        f"{path}/gas-tests", headers=lab, json={"o2_percent": "20.6", "toxic_ppm": "3"}
    )
    assert alone.status_code == 422 and alone.json()["error"]["field"] == "toxic_limit_ppm"
    assert client.get(path, headers=lab).json()["latest_gas_test"] is None

    def clears(ppm: str) -> bool:
        body = {
            "o2_percent": "20.6",
            "toxic_ppm": ppm,
            "toxic_limit_ppm": "6.6",
            "toxic_gas": "硫化氢",
        }
        assert client.post(f"{path}/gas-tests", headers=lab, json=body).status_code == 201
        return bool(client.get(path, headers=lab).json()["clears_entry"])

    assert clears("6.6") is True  # at the limit
    assert clears("6.61") is False
