"""Registry through the HTTP API: bad input, tenancy, audit."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from fastapi.testclient import TestClient

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, credit_code
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


def test_organisation_validation(client: TestClient, login_as: Login, demo: DemoIds) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    body = {"kind": "enterprise", "name": "测试公司", "credit_code": "91330206MA7LLBNU5X"}
    bad = client.post("/api/registry/organisations", json=body, headers=admin)
    assert bad.status_code == 422
    assert error_code(bad) == "registry.credit_code_invalid"
    assert bad.json()["error"]["field"] == "credit_code"
    body["credit_code"] = credit_code("91330299MA1A00001")  # the demo landlord's
    duplicate = client.post("/api/registry/organisations", json=body, headers=admin)
    assert duplicate.status_code == 409 and error_code(duplicate) == "registry.credit_code_taken"
    wrong_type = client.post(
        "/api/registry/organisations", json={**body, "employees": "many"}, headers=admin
    )
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["field"] == "employees"
    missing = client.post("/api/registry/organisations", json={"kind": "enterprise"}, headers=admin)
    assert missing.status_code == 422
    regulator = client.post(
        "/api/registry/organisations",
        json={**body, "kind": "regulator", "credit_code": credit_code("11330299MB1A00099")},
        headers=admin,
    )
    assert error_code(regulator) == "registry.department_function_required"


def test_room_validation_and_update(client: TestClient, login_as: Login, demo: DemoIds) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    room = {"building_id": demo["shed"], "organisation_id": demo["lab"], "name": "新房间"}
    no_volume = client.post("/api/registry/rooms", json=room, headers=lab)
    assert error_code(no_volume) == "registry.room_volume_required"
    negative = client.post(
        "/api/registry/rooms", json={**room, "free_volume_m3": "-5"}, headers=lab
    )
    assert negative.status_code == 422 and negative.json()["error"]["field"] == "free_volume_m3"
    unknown = client.post(
        "/api/registry/rooms",
        json={**room, "building_id": 9999, "free_volume_m3": 10},
        headers=lab,
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "building_id"
    created = client.post("/api/registry/rooms", json={**room, "free_volume_m3": 10}, headers=lab)
    assert created.status_code == 201 and Decimal(created.json()["volume_m3"]) == 10
    room_id = created.json()["id"]
    patched = client.patch(
        f"/api/registry/rooms/{room_id}",
        json={"ventilation_type": "exhaust", "air_changes_per_hour": "10"},
        headers=lab,
    )
    assert patched.status_code == 200
    assert Decimal(patched.json()["air_changes_per_hour"]) == 10
    bad_patch = client.patch(
        f"/api/registry/rooms/{room_id}", json={"free_volume_m3": 0}, headers=lab
    )
    assert bad_patch.status_code == 422
    stored = client.get(f"/api/registry/rooms/{room_id}", headers=lab).json()
    assert stored["free_volume_m3"] == "10"
    unknown_field = client.patch(f"/api/registry/rooms/{room_id}", json={"colour": 1}, headers=lab)
    assert error_code(unknown_field) == "registry.unknown_field"


def test_dry_room_volume_comes_from_its_dimensions(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    room = client.get(f"/api/registry/rooms/{demo['dry_room_1']}", headers=lab).json()
    assert Decimal(room["volume_m3"]) == Decimal("83.1222")  # 7.33 × 4.05 × 2.8, exactly


def test_lease_chain_rules(client: TestClient, login_as: Login, demo: DemoIds) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    base = {"site_id": demo["plant"], "start_date": "2025-01-01"}
    mismatch = client.post(
        "/api/registry/leases",
        json={
            **base,
            "parent_id": demo["sub_lease"],
            "lessor_id": demo["landlord"],
            "lessee_id": demo["chem"],
        },
        headers=admin,
    )
    assert error_code(mismatch) == "registry.sublease_lessor_mismatch"
    cycle = client.post(
        "/api/registry/leases",
        json={
            **base,
            "parent_id": demo["sub_lease"],
            "lessor_id": demo["lab"],
            "lessee_id": demo["landlord"],
        },
        headers=admin,
    )
    assert cycle.status_code == 422 and error_code(cycle) == "registry.lease_cycle"
    dates = client.post(
        "/api/registry/leases",
        json={
            **base,
            "lessor_id": demo["landlord"],
            "lessee_id": demo["chem"],
            "end_date": "2024-01-01",
        },
        headers=admin,
    )
    assert error_code(dates) == "registry.end_before_start"
    ok = client.post(
        "/api/registry/leases",
        json={
            **base,
            "parent_id": demo["sub_lease"],
            "lessor_id": demo["lab"],
            "lessee_id": demo["chem"],
        },
        headers=admin,
    )
    assert ok.status_code == 201


def test_tenants_cannot_see_or_change_each_other(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    dry1 = f"/api/registry/rooms/{demo['dry_room_1']}"
    assert client.get(dry1, headers=lab).status_code == 200
    hidden = client.get(dry1, headers=chem)
    assert hidden.status_code == 404 and error_code(hidden) == "scope.not_found"
    assert client.patch(dry1, json={"name": "x"}, headers=chem).status_code == 404
    assert client.delete(dry1, headers=chem).status_code == 404
    names = {r["name"] for r in client.get("/api/registry/rooms", headers=chem).json()}
    assert "干燥房1" not in names and "氨制冷机房" in names
    steal = client.post(
        "/api/registry/rooms",
        json={
            "building_id": demo["shed"],
            "organisation_id": demo["lab"],
            "name": "x",
            "free_volume_m3": 1,
        },
        headers=chem,
    )
    assert steal.status_code == 404 and error_code(steal) == "scope.not_found"
    assert client.get(dry1, headers=lab).json()["name"] == "干燥房1"


def test_worker_reads_but_cannot_write(client: TestClient, login_as: Login, demo: DemoIds) -> None:
    worker = login_as(Role.WORKER, organisation_id=demo["lab"])
    dry1 = f"/api/registry/rooms/{demo['dry_room_1']}"
    assert client.get(dry1, headers=worker).status_code == 200
    refused = client.patch(dry1, json={"name": "x"}, headers=worker)
    assert refused.status_code == 403 and error_code(refused) == "registry.not_your_organisation"


def test_landlord_sees_tenants_down_the_chain(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    ids = {o["id"] for o in client.get("/api/registry/organisations", headers=landlord).json()}
    assert ids == {demo["landlord"], demo["sublessor"], demo["lab"]}
    dry1 = f"/api/registry/rooms/{demo['dry_room_1']}"
    assert client.get(dry1, headers=landlord).status_code == 200
    assert client.patch(dry1, json={"name": "x"}, headers=landlord).status_code == 403


def test_regulator_sees_only_its_jurisdiction(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    park_only = login_as(Role.REGULATOR, jurisdiction_id=demo["park"])
    district = login_as(Role.REGULATOR, jurisdiction_id=demo["district"])
    park_ids = {
        o["id"] for o in client.get("/api/registry/organisations", headers=park_only).json()
    }
    assert park_ids == {demo["chem"], demo["testing_lab"]}
    everyone = client.get("/api/registry/organisations", headers=district).json()
    assert len(everyone) == 11
    assert (
        client.get(f"/api/registry/rooms/{demo['dry_room_1']}", headers=park_only).status_code
        == 404
    )
    assignment = client.post(
        "/api/registry/supervision-assignments",
        json={"department_id": demo["ema"], "organisation_id": demo["lab"], "stage": "use"},
        headers=district,
    )
    assert assignment.status_code == 201
    refused = client.post(
        "/api/registry/supervision-assignments",
        json={"department_id": demo["ema"], "organisation_id": demo["lab"], "stage": "storage"},
        headers=park_only,
    )
    assert refused.status_code == 404  # neither party is in the park
    not_regulator = client.post(
        "/api/registry/supervision-assignments",
        json={"department_id": demo["chem"], "organisation_id": demo["lab"], "stage": "trade"},
        headers=district,
    )
    assert error_code(not_regulator) == "registry.department_not_regulator"


def test_findings_for_the_demo_lab(client: TestClient, login_as: Login, demo: DemoIds) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    found = client.get("/api/registry/findings", headers=lab).json()
    codes = {f["code"] for f in found}
    assert {
        "sublease_without_consent",
        "lease_without_safety_agreement",
        "unlicensed_supplier",
        "supervision_blind_spot",
        "room_without_fixed_detector",
    } <= codes
    blind = next(f for f in found if f["code"] == "supervision_blind_spot")
    assert blind["fallback_owner_id"] == demo["ema"]
    assert "第十条" in blind["legal_basis"]
    english = client.get("/api/registry/findings", headers={**lab, "Accept-Language": "en"})
    assert any("Art. 716" in f["legal_basis"] for f in english.json())
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    theirs = client.get("/api/registry/findings", headers=chem).json()
    assert {f["organisation_id"] for f in theirs} == {demo["chem"]}  # nothing about the lab
    assert {f["code"] for f in theirs} == {"room_without_fixed_detector"}  # the NH3 room


def test_assigning_a_department_clears_the_blind_spot(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    query = {"organisation_id": demo["lab"], "code": "supervision_blind_spot"}
    assert len(client.get("/api/registry/findings", params=query, headers=admin).json()) == 1
    client.post(
        "/api/registry/supervision-assignments",
        json={
            "department_id": demo["street_office"],
            "organisation_id": demo["lab"],
            "stage": "use",
        },
        headers=admin,
    )
    assert client.get("/api/registry/findings", params=query, headers=admin).json() == []


def test_registry_changes_are_audited(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], username="liu")
    client.patch(
        f"/api/registry/rooms/{demo['dry_room_1']}", json={"notes": "已加装卡箍"}, headers=lab
    )
    with context.unit_of_work() as session:
        entry = session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    assert entry is not None
    assert (entry.actor, entry.entity_type, entry.action) == ("liu", "room", "update")
    assert entry.changes["notes"][1] == "已加装卡箍"
    trail = client.get("/api/audit", params={"entity_type": "room"}, headers=lab).json()
    assert trail[0]["changes"]["notes"][1] == "已加装卡箍"


def test_safety_officer_registers_a_gas_source(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    """Issue 11: every non-admin got a 500 (the source's room was not loaded for scoping)."""
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    created = client.post(
        "/api/registry/hazard-sources",
        json={
            "room_id": demo["dry_room_1"],
            "kind": "inert_gas",
            "substance": "nitrogen",
            "max_release_m3_h": "12.5",
        },
        headers=lab,
    )
    assert created.status_code == 201, created.text
    source = created.json()
    assert source["room_id"] == demo["dry_room_1"]
    path = f"/api/registry/hazard-sources/{source['id']}"
    assert client.get(path, headers=lab).status_code == 200
    changed = client.patch(path, json={"description": "manifold hose"}, headers=lab)
    assert changed.status_code == 200 and changed.json()["description"] == "manifold hose"
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(path, headers=chem).status_code == 404
    assert client.delete(path, headers=lab).status_code == 204
