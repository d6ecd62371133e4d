"""Registry rules beyond field validation: kind mismatches, where leases and supplies may
point, licences that lapse, deleting what is still referenced, and regulators of two
streets side by side."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock, local_date
from hazwatch.core.context import Context
from hazwatch.registry import transfer
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.resources import resource
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


def post(client: TestClient, headers: dict[str, str], kind: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/registry/{kind}", json=body, headers=headers)


def test_kind_mismatches_are_refused(client: TestClient, login_as: Login, demo: DemoIds) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    enterprise = {
        "kind": "enterprise",
        "name": "新企业",
        "credit_code": credit_code("91330299MA1A00099"),
        "department_function": "emergency_management",
    }
    function = post(client, admin, "organisations", enterprise)
    assert function.status_code == 422
    assert error_code(function) == "registry.department_function_not_allowed"
    street_under_park = post(
        client, admin, "jurisdictions", {"name": "X", "kind": "street", "parent_id": demo["park"]}
    )
    assert error_code(street_under_park) == "registry.jurisdiction_kind_order"
    assert street_under_park.json()["error"]["field"] == "parent_id"
    regulator_supervised = post(
        client,
        admin,
        "supervision-assignments",
        {"department_id": demo["ema"], "organisation_id": demo["amr"], "stage": "use"},
    )
    assert error_code(regulator_supervised) == "registry.supervised_is_government"
    street_office_on_district_company = post(
        client,
        admin,
        "supervision-assignments",
        {
            "department_id": demo["street_office"],
            "organisation_id": demo["gas_supplier"],
            "stage": "trade",
        },
    )
    assert error_code(street_office_on_district_company) == "registry.outside_department_area"


def test_leases_and_supplies_point_at_the_right_premises(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    not_lessors_site = post(
        client,
        admin,
        "leases",
        {
            "lessor_id": demo["sublessor"],
            "lessee_id": demo["chem"],
            "site_id": demo["plant"],
            "start_date": "2025-01-01",
        },
    )
    assert error_code(not_lessors_site) == "registry.lease_site_not_lessors"
    other_site = post(
        client,
        admin,
        "leases",
        {
            "parent_id": demo["head_lease"],
            "lessor_id": demo["sublessor"],
            "lessee_id": demo["chem"],
            "site_id": demo["chem_site"],
            "start_date": "2025-01-01",
        },
    )
    assert error_code(other_site) == "registry.sublease_other_site"
    supply = {"supplier_id": demo["chem"], "customer_id": demo["dyeworks"], "substance": "氮气"}
    unrelated_tank = post(
        client, admin, "supplies", {**supply, "form": "bulk_tank", "tank_id": demo["ln2_tank"]}
    )
    assert error_code(unrelated_tank) == "registry.supply_tank_unrelated"
    lab_room = post(
        client, admin, "supplies", {**supply, "form": "pipeline", "room_id": demo["dry_room_1"]}
    )
    assert error_code(lab_room) == "registry.supply_room_not_customers"
    wrong_supply = post(
        client,
        admin,
        "hazard-sources",
        {
            "room_id": demo["ammonia_room"],
            "kind": "inert_gas",
            "substance": "氮气",
            "supply_id": demo["n2_to_lab"],
        },
    )
    assert error_code(wrong_supply) == "registry.hazard_supply_other_customer"
    assert wrong_supply.json()["error"]["field"] == "supply_id"


def test_lapsed_or_revoked_licences_do_not_count(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    query = {"organisation_id": demo["gas_supplier"], "code": "unlicensed_supplier"}

    def unlicensed() -> list[dict[str, Any]]:
        response = client.get("/api/registry/findings", params=query, headers=admin)
        return list(response.json())

    licence = f"/api/registry/licences/{demo['gas_licence']}"
    assert unlicensed() == []
    client.patch(licence, json={"revoked": True}, headers=admin)
    assert [f["object_id"] for f in unlicensed()] == [demo["ln2_supply"]]
    today = local_date(clock.now(), "Asia/Shanghai")  # the findings' day is the clock's
    yesterday = today - timedelta(days=1)
    client.patch(
        licence,
        json={"revoked": False, "valid_until": yesterday.isoformat()},
        headers=admin,
    )
    assert len(unlicensed()) == 1
    client.patch(licence, json={"valid_until": today.isoformat()}, headers=admin)
    assert unlicensed() == []  # valid through its last day, inclusive


def test_deleting_a_referenced_record_is_refused_and_changes_nothing(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    landlord = f"/api/registry/organisations/{demo['landlord']}"
    refused = client.delete(landlord, headers=admin)
    assert refused.status_code == 409 and error_code(refused) == "registry.in_use"
    assert client.get(landlord, headers=admin).status_code == 200
    office = f"/api/registry/rooms/{demo['lab_office']}"
    assert client.delete(office, headers=admin).status_code == 204
    assert client.get(office, headers=admin).status_code == 404


def test_regulators_of_two_streets_see_only_their_own(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    admin = login_as(Role.PLATFORM_ADMIN)
    street_y = post(
        client,
        admin,
        "jurisdictions",
        {"name": "金沙街道", "kind": "street", "parent_id": demo["district"]},
    ).json()["id"]
    bakery = post(
        client,
        admin,
        "organisations",
        {
            "kind": "enterprise",
            "name": "金沙食品有限公司",
            "credit_code": credit_code("91330299MA1A00098"),
            "jurisdiction_id": street_y,
        },
    ).json()["id"]
    regulator_x = login_as(Role.REGULATOR, jurisdiction_id=demo["street"])
    regulator_y = login_as(Role.REGULATOR, jurisdiction_id=street_y)
    seen_x = {
        o["id"] for o in client.get("/api/registry/organisations", headers=regulator_x).json()
    }
    seen_y = {
        o["id"] for o in client.get("/api/registry/organisations", headers=regulator_y).json()
    }
    assert seen_y == {bakery}
    assert demo["lab"] in seen_x and bakery not in seen_x
    lab = f"/api/registry/organisations/{demo['lab']}"
    assert client.get(lab, headers=regulator_y).status_code == 404
    assert client.patch(lab, json={"name": "x"}, headers=regulator_y).status_code == 404
    blind = client.get(
        "/api/registry/findings", params={"code": "supervision_blind_spot"}, headers=regulator_y
    ).json()
    assert [f["organisation_id"] for f in blind] == [bakery]
    foreign = post(
        client,
        regulator_y,
        "supervision-assignments",
        {"department_id": demo["street_office"], "organisation_id": demo["lab"], "stage": "use"},
    )
    assert foreign.status_code == 404
    own = post(
        client,
        regulator_x,
        "supervision-assignments",
        {"department_id": demo["street_office"], "organisation_id": demo["lab"], "stage": "use"},
    )
    assert own.status_code == 201


def test_supplier_sees_its_own_supply_chain_only(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    supplier = login_as(Role.SUPPLIER, organisation_id=demo["gas_supplier"])
    supplies = client.get("/api/registry/supplies", headers=supplier).json()
    assert [s["id"] for s in supplies] == [demo["ln2_supply"]]
    tanks = client.get("/api/registry/tanks", headers=supplier).json()
    assert [t["id"] for t in tanks] == [demo["ln2_tank"]]
    assert client.get("/api/registry/rooms", headers=supplier).json() == []
    hidden = client.get(f"/api/registry/supplies/{demo['n2_to_lab']}", headers=supplier)
    assert hidden.status_code == 404


class _Rollback(Exception):
    pass


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_excel_import_reports_rows_and_fields(
    context: Context, demo: DemoIds, tmp_path: Path
) -> None:
    path = _xlsx(
        tmp_path / "rooms.xlsx",
        [
            ["building_id", "organisation_id", "name", "free_volume_m3", "ventilation_type"],
            [demo["shed"], demo["lab"], "储藏室", 20, "natural"],
            [demo["shed"], demo["lab"], "风机房", 30, "windy"],
            [demo["shed"], 999, "幽灵房间", 5, None],
        ],
    )
    rooms = resource("rooms")
    with pytest.raises(_Rollback), context.unit_of_work() as session:
        report = transfer.import_rows(session, SYSTEM, rooms, path)
        raise _Rollback
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "ventilation_type"),
        (4, "organisation_id"),
    ]
    assert report.errors[1].code == "registry.unknown_reference"


def test_excel_round_trip_keeps_exact_values(
    context: Context, demo: DemoIds, tmp_path: Path
) -> None:
    rooms = resource("rooms")
    path = tmp_path / "rooms.xlsx"
    with context.unit_of_work() as session:
        before = transfer.export_rows(session, SYSTEM, rooms)
    transfer.write(path, transfer.columns(rooms), before)
    with context.unit_of_work() as session:
        report = transfer.import_rows(session, SYSTEM, rooms, path)
    assert report.ok and (report.created, report.updated) == (0, len(before))
    with context.unit_of_work() as session:
        after = transfer.export_rows(session, SYSTEM, rooms)
    assert after == before
    dry1 = next(row for row in after if row[0] == demo["dry_room_1"])
    assert "7.33" in dry1 and "4.05" in dry1
