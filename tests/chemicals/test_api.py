"""Chemicals over HTTP: catalogue and import, units and inventory, movements that never go
negative, GB 18218 identification recomputed on every change, the major hazard as a finding,
rooms feeding the ODH assessment, accountable persons, tenancy and the audit log."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from hazwatch import demo as full_demo
from hazwatch.chemicals.models import (
    Chemical,
    ChemicalHolding,
    MajorHazardIdentification,
    StockMovement,
)
from hazwatch.chemicals.seed import by_name, by_table1
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds
from hazwatch.registry.models import HazardSource
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


@pytest.fixture
def demo(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return full_demo.load(session, Moment.of(context))


def _count(context: Context, model: Any) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _ids(context: Context) -> dict[str, int]:
    with context.sessions() as session:
        return {
            "ammonia": by_table1(session, 1).id,
            "chlorine": by_table1(session, 12).id,
            "hydrogen": by_table1(session, 51).id,
            "nitrogen": by_name(session, "氮").id,
        }


def test_the_demo_ammonia_farm_is_a_level_3_major_hazard_with_its_working(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    listed = client.get("/api/chemicals/major-hazards", headers=chem).json()
    assert [u["name"] for u in listed] == ["液氨罐区"]
    identification = listed[0]["identification"]
    assert (identification["s"], identification["r"], identification["level"]) == ("5", "15", 3)
    (term,) = identification["working"]["terms"]
    assert term["clause"] == "GB 18218-2018 4.1 表1 第1项" and term["beta"] == "2"
    assert identification["working"]["alpha"] == "1.5"
    unit = client.get(f"/api/chemicals/units/{demo['ammonia_farm']}", headers=chem).json()
    assert unit["holdings"][0]["current_t"] == "32"
    assert {d["role"]: d["overdue"] for d in unit["duties"]} == {
        "principal": False,
        "technical": False,
        "operational": False,
    }
    # A regulator of the district sees it, in the findings too.
    regulator = login_as(Role.REGULATOR, jurisdiction_id=demo["district"])
    assert [u["id"] for u in client.get("/api/chemicals/major-hazards", headers=regulator).json()]
    findings = client.get("/api/registry/findings", headers=regulator).json()
    major = [f for f in findings if f["code"] == "major_hazard"]
    assert major and major[0]["object_id"] == demo["ammonia_farm"]


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_the_major_hazard_ledger_is_written_in_the_readers_language(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    path = "/api/chemicals/major-hazards/ledger.xlsx"
    english = _sheet(client.get(path, headers={**chem, "Accept-Language": "en-GB,en;q=0.9"}))
    assert english[0][0] == "Major hazards of hazardous chemicals"
    header, (farm,) = english[2], english[3:]
    assert header[:5] == ("Organisation", "Site", "Unit", "Kind", "Chemicals and design maxima")
    assert farm[2] == "液氨罐区" and farm[4] == "Ammonia 50 t"
    assert (farm[5], farm[6], farm[8]) == ("5", "15", 60)
    assert farm[header.index("Level")] == "Level 3"
    chinese = _sheet(client.get(path, headers={**chem, "Accept-Language": "zh-CN"}))
    assert chinese[0][0] == "危险化学品重大危险源清单"
    assert chinese[3][4] == "氨 50 t" and chinese[3][chinese[2].index("级别")] == "三级"
    # the lab has no major hazard and sees none of the chemical plant's
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    assert _sheet(client.get(path, headers=lab))[3:] == []


def test_people_and_inventory_changes_recompute_the_identification(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    ids = _ids(context)
    made = client.post(
        "/api/chemicals/units",
        json={
            "organisation_id": demo["chem"],
            "site_id": demo["chem_site"],
            "name": "氯气库",
            "people_within_500m": 0,
        },
        headers=chem,
    )
    assert made.status_code == 201, made.text
    unit = made.json()["id"]
    held = client.put(
        f"/api/chemicals/units/{unit}/holdings",
        json={"chemical_id": ids["chlorine"], "design_max_t": "30"},
        headers=chem,
    )
    assert held.status_code == 200, held.text
    first = client.get(f"/api/chemicals/units/{unit}/identification", headers=chem).json()
    assert (first["s"], first["r"], first["level"], first["trigger"]) == ("6", "12", 3, "inventory")
    # 120 people within 500 m: α 2 → R 48, still level 3; 4.5 t more chlorine (34.5 t) → R 55.2
    client.patch(f"/api/chemicals/units/{unit}", json={"people_within_500m": 120}, headers=chem)
    second = client.get(f"/api/chemicals/units/{unit}/identification", headers=chem).json()
    assert (second["r"], second["level"], second["trigger"]) == ("48", 3, "unit")
    client.put(
        f"/api/chemicals/units/{unit}/holdings",
        json={"chemical_id": ids["chlorine"], "design_max_t": "34.5"},
        headers=chem,
    )
    third = client.get(f"/api/chemicals/units/{unit}/identification", headers=chem).json()
    assert (third["s"], third["r"], third["level"]) == ("6.9", "55.2", 2)
    # Nitrogen beside it changes nothing; identifying again stores no new row.
    client.put(
        f"/api/chemicals/units/{unit}/holdings",
        json={"chemical_id": ids["nitrogen"], "design_max_t": "1000"},
        headers=chem,
    )
    before = _count(context, MajorHazardIdentification)
    again = client.post(f"/api/chemicals/units/{unit}/identify", headers=chem).json()
    assert (again["s"], again["r"], again["level"]) == ("6.9", "55.2", 2)
    assert _count(context, MajorHazardIdentification) == before
    # Every change went to the audit log.
    with context.sessions() as session:
        types = set(session.scalars(select(AuditEntry.entity_type)))
    assert {"chemical_unit", "chemical_holding", "major_hazard_identification"} <= types


def test_movements_never_drive_a_quantity_negative(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    ids = _ids(context)
    farm = demo["ammonia_farm"]
    other = client.post(
        "/api/chemicals/units",
        json={"organisation_id": demo["chem"], "site_id": demo["chem_site"], "name": "钢瓶间"},
        headers=chem,
    ).json()["id"]
    client.put(
        f"/api/chemicals/units/{other}/holdings",
        json={"chemical_id": ids["ammonia"], "design_max_t": "2"},
        headers=chem,
    )
    before = _count(context, StockMovement)
    too_much = client.post(
        "/api/chemicals/movements",
        json={
            "kind": "out",
            "chemical_id": ids["ammonia"],
            "quantity_t": "32.5",
            "from_unit_id": farm,
        },
        headers=chem,
    )
    assert too_much.status_code == 422
    assert (error_code(too_much), too_much.json()["error"]["field"]) == (
        "chemicals.insufficient_stock",
        "quantity_t",
    )
    over = client.post(
        "/api/chemicals/movements",
        json={
            "kind": "transfer",
            "chemical_id": ids["ammonia"],
            "quantity_t": "3",
            "from_unit_id": farm,
            "to_unit_id": other,
        },
        headers=chem,
    )
    assert (over.status_code, error_code(over)) == (422, "chemicals.over_design_max")
    for bad in ("-1", "0", "NaN", "Infinity", "1e400"):
        refused = client.post(
            "/api/chemicals/movements",
            json={
                "kind": "in",
                "chemical_id": ids["ammonia"],
                "quantity_t": bad,
                "to_unit_id": farm,
            },
            headers=chem,
        )
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["field"] == "quantity_t", bad
    assert _count(context, StockMovement) == before
    moved = client.post(
        "/api/chemicals/movements",
        json={
            "kind": "transfer",
            "chemical_id": ids["ammonia"],
            "quantity_t": "2",
            "from_unit_id": farm,
            "to_unit_id": other,
        },
        headers=chem,
    )
    assert moved.status_code == 201, moved.text
    out = client.post(
        "/api/chemicals/movements",
        json={
            "kind": "out",
            "chemical_id": ids["ammonia"],
            "quantity_t": "30",
            "from_unit_id": farm,
        },
        headers=chem,
    )
    assert out.status_code == 201, out.text
    with context.sessions() as session:
        stock = {
            h.unit_id: h.current_t
            for h in session.scalars(
                select(ChemicalHolding).where(ChemicalHolding.chemical_id == ids["ammonia"])
            )
        }
    assert stock == {farm: 0, other: 2}
    history = client.get(f"/api/chemicals/units/{farm}/movements", headers=chem).json()
    assert [m["kind"] for m in history][:2] == ["out", "transfer"]


def test_bad_catalogue_input_names_the_field_and_stores_nothing(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    before = _count(context, Chemical)
    base = {"organisation_id": demo["chem"], "name": "某溶剂"}
    for change, code, field in (
        ({"cas": "7664-41-8"}, "chemicals.invalid_cas", "cas"),
        ({"cas": "7664417"}, "chemicals.invalid_cas", "cas"),
        ({"un_number": "UN10"}, "chemicals.invalid_un", "un_number"),
        ({"gb_classes": ["W99"]}, "chemicals.unknown_hazard_class", "gb_classes"),
        ({"ghs_classes": ["radioactive"]}, "chemicals.unknown_ghs_class", "ghs_classes"),
    ):
        response = client.post("/api/chemicals/catalogue", json={**base, **change}, headers=chem)
        assert response.status_code == 422, change
        assert (error_code(response), response.json()["error"]["field"]) == (code, field)
    assert _count(context, Chemical) == before
    good = client.post(
        "/api/chemicals/catalogue",
        json={**base, "cas": "67-64-1", "un_number": "UN1090", "gb_classes": ["W5.3"]},
        headers=chem,
    )
    assert good.status_code == 201 and good.json()["un_number"] == "1090"
    # Negative design maximum, unknown unit fields
    bad_holding = client.put(
        f"/api/chemicals/units/{demo['ammonia_farm']}/holdings",
        json={"chemical_id": good.json()["id"], "design_max_t": "-5"},
        headers=chem,
    )
    assert bad_holding.status_code == 422
    assert bad_holding.json()["error"]["field"] == "design_max_t"


def test_import_from_csv_and_excel_is_all_or_nothing(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    path = f"/api/chemicals/organisations/{demo['chem']}/catalogue/import"
    before = _count(context, Chemical)
    csv_text = (
        "name,name_en,cas,un_number,gb_classes,ghs_classes,highly_toxic\n"
        "丙酮,Acetone,67-64-1,1090,W5.3,flammable_liquid,否\n"
        "错误,Bad,50-00-1,,,,\n"
    )
    bad = client.post(path, files={"file": ("c.csv", csv_text.encode(), "text/csv")}, headers=chem)
    assert bad.status_code == 422
    assert (error_code(bad), bad.json()["error"]["field"]) == (
        "chemicals.invalid_cas",
        "rows[2].cas",
    )
    assert _count(context, Chemical) == before
    good = client.post(
        path,
        files={"file": ("c.csv", csv_text.replace("50-00-1", "50-00-0").encode(), "text/csv")},
        headers=chem,
    )
    assert good.status_code == 201, good.text
    assert [c["name"] for c in good.json()] == ["丙酮", "错误"]
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "cas", "gb_classes", "inert_gas"])
    sheet.append(["氩", "7440-37-1", "", "是"])
    sheet.append(["某剧毒品", "", "J9", ""])
    data = io.BytesIO()
    book.save(data)
    refused = client.post(
        path, files={"file": ("c.xlsx", data.getvalue(), "application/octet-stream")}, headers=chem
    )
    assert refused.json()["error"]["field"] == "rows[2].gb_classes"
    wrong_type = client.post(
        path, files={"file": ("c.txt", b"name\nx", "text/plain")}, headers=chem
    )
    assert (wrong_type.status_code, error_code(wrong_type)) == (422, "chemicals.import.bad_type")
    assert _count(context, Chemical) == before + 2


def test_a_units_inert_gas_feeds_the_rooms_odh_assessment(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    ids = _ids(context)
    unit = client.post(
        "/api/chemicals/units",
        json={"organisation_id": demo["lab"], "site_id": demo["plant"], "name": "液氮杜瓦"},
        headers=lab,
    )
    assert unit.status_code == 201, unit.text
    unit_id = unit.json()["id"]
    client.put(
        f"/api/chemicals/units/{unit_id}/holdings",
        json={"chemical_id": ids["nitrogen"], "design_max_t": "0.2"},
        headers=lab,
    )
    room = demo["dry_room_2"] if "dry_room_2" in demo.ids else demo["dry_room_1"]
    before = client.get(f"/api/odh/rooms/{room}/history", headers=lab).json()
    linked = client.post(
        f"/api/chemicals/units/{unit_id}/rooms",
        json={"room_id": room, "max_release_m3_h": "50"},
        headers=lab,
    )
    assert linked.status_code == 201, linked.text
    with context.sessions() as session:
        source = session.get(HazardSource, linked.json()["sources"][str(ids["nitrogen"])])
        assert source is not None and source.room_id == room and source.kind == "inert_gas"
    after = client.get(f"/api/odh/rooms/{room}/history", headers=lab).json()
    assert len(after) == len(before) + 1
    assert any(s["substance"] == "氮" for s in after[0]["inputs"]["sources"]), after[0]["inputs"]
    # The link goes: so does its source.
    gone = client.delete(f"/api/chemicals/units/{unit_id}/rooms/{room}", headers=lab)
    assert gone.status_code == 204
    with context.sessions() as session:
        assert session.get(HazardSource, source.id) is None


def test_landlord_reads_and_may_not_write_regulator_reads(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    unit = client.post(
        "/api/chemicals/units",
        json={"organisation_id": demo["lab"], "site_id": demo["plant"], "name": "气瓶间"},
        headers=lab,
    ).json()["id"]
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    assert unit in {u["id"] for u in client.get("/api/chemicals/units", headers=landlord).json()}
    refused = client.patch(
        f"/api/chemicals/units/{unit}", json={"people_within_500m": 3}, headers=landlord
    )
    assert refused.status_code == 403
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(f"/api/chemicals/units/{unit}", headers=chem).status_code == 404
    regulator = login_as(Role.REGULATOR, jurisdiction_id=demo["district"])
    assert client.get(f"/api/chemicals/units/{unit}", headers=regulator).status_code == 200


def test_accountable_persons_and_overdue_duty_checks(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    farm = demo["ammonia_farm"]
    taken = client.post(
        f"/api/chemicals/units/{farm}/persons",
        json={"role": "principal", "name": "某人"},
        headers=chem,
    )
    assert (taken.status_code, taken.json()["error"]["field"]) == (409, "role")
    unit = client.get(f"/api/chemicals/units/{farm}", headers=chem).json()
    operational = next(p for p in unit["persons"] if p["role"] == "operational")
    future = client.post(
        f"/api/chemicals/persons/{operational['id']}/checks",
        json={"checked_at": "2100-01-01T00:00:00Z"},
        headers=chem,
    )
    assert (future.status_code, future.json()["error"]["field"]) == (422, "checked_at")
    # Ten days on, the operational person (weekly) is overdue: a finding.
    context.clock.advance(timedelta(days=10))  # type: ignore[attr-defined]
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])  # tokens last a day
    findings = client.get("/api/registry/findings", headers=chem).json()
    overdue = [f for f in findings if f["code"] == "major_hazard_duty_overdue"]
    assert len(overdue) == 1 and overdue[0]["params"]["person"] == "郑立新"
    done = client.post(
        f"/api/chemicals/persons/{operational['id']}/checks", json={"note": "巡检"}, headers=chem
    )
    assert done.status_code == 201, done.text
    findings = client.get("/api/registry/findings", headers=chem).json()
    assert not [f for f in findings if f["code"] == "major_hazard_duty_overdue"]


def test_changing_a_chemicals_classes_identifies_its_units_again(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    body = {"organisation_id": demo["chem"], "name": "某溶剂", "gb_classes": ["W5.4"]}
    solvent = client.post("/api/chemicals/catalogue", json=body, headers=chem).json()["id"]
    unit = client.post(
        "/api/chemicals/units",
        json={"organisation_id": demo["chem"], "site_id": demo["chem_site"], "name": "溶剂罐"},
        headers=chem,
    ).json()["id"]
    client.put(
        f"/api/chemicals/units/{unit}/holdings",
        json={"chemical_id": solvent, "design_max_t": "100"},
        headers=chem,
    )
    before = client.get(f"/api/chemicals/units/{unit}/identification", headers=chem).json()
    assert (before["s"], before["major"]) == ("0.02", False)  # W5.4: Q 5000 t
    changed = client.put(
        f"/api/chemicals/catalogue/{solvent}", json={**body, "gb_classes": ["W5.1"]}, headers=chem
    )
    assert changed.status_code == 200, changed.text
    after = client.get(f"/api/chemicals/units/{unit}/identification", headers=chem).json()
    assert (after["s"], after["major"], after["trigger"]) == ("10", True, "chemical")
    assert after["r"] == "7.5" and after["level"] == 4  # β 1.5 (W5.1), nobody near: α 0.5
    # The platform's entries are the platform administrator's to change.
    platform = client.get("/api/chemicals/catalogue", params={"q": "7664-41-7"}, headers=chem)
    ammonia = platform.json()[0]
    refused = client.put(
        f"/api/chemicals/catalogue/{ammonia['id']}",
        json={"organisation_id": demo["chem"], "name": "氨", "gb_classes": []},
        headers=chem,
    )
    assert (refused.status_code, refused.json()["error"]["field"]) == (403, "chemical_id")
