"""Responsibilities and blind spots (issue 15 item 1)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, credit_code
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


def test_the_sublet_lab_is_a_blind_spot_owned_by_the_fallback_department(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    district = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    spots = client.get("/api/supervision/blind-spots", headers=district).json()
    lab = next(s for s in spots if s["organisation_id"] == demo["lab"])
    assert lab["blind_spot"] and lab["handles_hazchem"]
    assert lab["sector"] == "unknown" and lab["stages"] == ["use"]
    assert lab["fallback_owner_id"] == demo["ema"]
    assert [(s["department_id"], s["by"]) for s in lab["supervisors"]] == [
        (demo["ema"], "fallback")
    ]
    assert "兜底" in lab["message"]
    # hazchem handlers come first; the landlord (no hazardous chemicals) after them
    order = [s["organisation_id"] for s in spots]
    assert order.index(demo["lab"]) < order.index(demo["landlord"])
    # classified organisations the matrix covers are not blind spots
    assert demo["testing_lab"] not in order and demo["sublessor"] not in order
    # the registry's finding agrees
    found = client.get(
        "/api/registry/findings", params={"code": "supervision_blind_spot"}, headers=district
    ).json()
    assert {f["organisation_id"] for f in found} == set(order)


def test_every_organisation_resolves_to_departments_or_the_fallback_owner(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    sub = client.get(
        f"/api/supervision/organisations/{demo['sublessor']}/supervisors", headers=admin
    ).json()
    assert not sub["blind_spot"] and sub["sector"] == "manufacturing"
    assert {(s["department_id"], s["stage"], s["by"]) for s in sub["supervisors"]} == {
        (demo["economy_bureau"], "use", "matrix")
    }
    assert sub["uncovered"] == ["storage", "trade"]  # runs the tank, resells the nitrogen
    chem = client.get(
        f"/api/supervision/organisations/{demo['chem']}/supervisors", headers=admin
    ).json()
    assert {s["by"] for s in chem["supervisors"]} == {"assignment", "matrix"}
    assert all(s["department_id"] == demo["ema"] for s in chem["supervisors"])


def test_a_new_start_up_with_an_ln2_supply_surfaces_at_once(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    start_up = client.post(
        "/api/registry/organisations",
        json={
            "kind": "enterprise",
            "name": "极光量子科技有限公司",
            "credit_code": credit_code("91330299MA1A00099"),
            "jurisdiction_id": demo["street"],
            "industry": "量子计算",
        },
        headers=admin,
    ).json()["id"]
    spots = client.get("/api/supervision/blind-spots", headers=street).json()
    new = next(s for s in spots if s["organisation_id"] == start_up)
    assert not new["handles_hazchem"]
    client.post(
        "/api/registry/supplies",
        json={
            "supplier_id": demo["gas_supplier"],
            "customer_id": start_up,
            "substance": "液氮",
            "cas": "7727-37-9",
            "form": "dewar",
        },
        headers=admin,
    ).raise_for_status()
    spots = client.get("/api/supervision/blind-spots", headers=street).json()
    assert spots[0]["organisation_id"] == start_up or any(
        s["organisation_id"] == start_up and s["handles_hazchem"] for s in spots
    )
    new = next(s for s in spots if s["organisation_id"] == start_up)
    assert new["stages"] == ["use"] and new["fallback_owner_id"] == demo["ema"]
    # classifying it as research puts it under the science bureau by the matrix
    done = client.put(
        f"/api/supervision/sectors/{start_up}", json={"sector": "research"}, headers=street
    ).json()
    assert not done["blind_spot"]
    assert [s["department_id"] for s in done["supervisors"]] == [demo["science_bureau"]]


def test_assigning_from_the_worklist_clears_the_blind_spot(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    district = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    answer = client.post(
        f"/api/supervision/blind-spots/{demo['lab']}/assign",
        json={"department_id": demo["science_bureau"], "stage": "use", "basis": "区安委会决定"},
        headers=district,
    )
    assert answer.status_code == 200, answer.text
    assert not answer.json()["blind_spot"]
    spots = client.get("/api/supervision/blind-spots", headers=district).json()
    assert demo["lab"] not in [s["organisation_id"] for s in spots]
    with context.sessions() as session:
        entities = set(session.scalars(select(AuditEntry.entity_type)))
    assert {"supervision_assignment", "responsibility_matrix", "organisation_sector"} <= entities


def test_matrices_are_versioned_and_scoped(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    district = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    rules = [{"stage": "use", "sector": "research", "department_id": demo["science_bureau"]}]
    # a street regulator may not version the district's matrix, only its own area's
    refused = client.post(
        "/api/supervision/matrices",
        json={"jurisdiction_id": demo["district"], "rules": rules},
        headers=street,
    )
    assert refused.status_code == 403
    # …and the district's matrix applies in the street, which it reads
    seen = client.get("/api/supervision/matrices", headers=street).json()
    assert [m["version"] for m in seen] == [1]
    v2 = client.post(
        "/api/supervision/matrices",
        json={"jurisdiction_id": demo["district"], "rules": rules, "note": "科研单位"},
        headers=district,
    )
    assert v2.status_code == 201 and v2.json()["version"] == 2
    assert [
        m["version"] for m in client.get("/api/supervision/matrices", headers=district).json()
    ] == [2, 1]
    # the newest version applies: chem is now covered only by its assignments
    chem = client.get(
        f"/api/supervision/organisations/{demo['chem']}/supervisors", headers=district
    ).json()
    assert {s["by"] for s in chem["supervisors"]} == {"assignment"}
    bad = client.post(
        "/api/supervision/matrices",
        json={
            "jurisdiction_id": demo["district"],
            "rules": [{"stage": "use", "sector": "research", "department_id": demo["chem"]}],
        },
        headers=district,
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "rules.0.department_id"
    assert error_code(bad) == "registry.department_not_regulator"
    twice = client.post(
        "/api/supervision/matrices",
        json={"jurisdiction_id": demo["district"], "rules": rules * 2},
        headers=district,
    )
    assert error_code(twice) == "supervision.matrix.duplicate_rule"
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    assert (
        client.put(
            f"/api/supervision/sectors/{demo['lab']}", json={"sector": "research"}, headers=lab
        ).status_code
        == 403
    )
