"""Emergency resources (issue 16 item 3): the demo drill's dispatch follows the district's
rules (nearest first, the other owners' reserve, only ready items in good condition, only
teams with enough certified members) and records arrival and return; a new dispatch with a
shortfall; a configured travel time ranks instead of the straight line; bad input; tenancy;
the map's points."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.context import Context
from hazwatch.core.errors import InvalidInput
from hazwatch.district.resources import service
from hazwatch.district.resources.demo import PLANT
from hazwatch.district.resources.models import DispatchLine, LibraryItem, ResourceDispatch
from hazwatch.registry.demo import DemoIds

Login = Callable[..., dict[str, str]]
API = "/api/district/resources"
D = Decimal


def test_distance_is_the_great_circle() -> None:
    # one degree of longitude on the equator: 2πR/360
    assert service.distance_km(D(0), D(0), D(0), D(1)) == D("111.195")
    # 宁波 to 上海 (People's Square), about 153 km as the crow flies
    assert D(150) < service.distance_km(D("29.868"), D("121.544"), D("31.231"), D("121.473"))
    assert service.distance_km(D("29.93"), D("121.805"), D("29.93"), D("121.805")) == 0


def _who(login_as: Login, demo: DemoIds) -> dict[str, dict[str, str]]:
    return {
        "regulator": login_as(
            Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
        ),
        "chem": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"]),
        "lab": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"]),
    }


def _count(context: Context, model: Any) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_demo_drill_dispatch_follows_the_rules(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    who = _who(login_as, demo)
    dispatches = client.get(f"{API}/dispatches", headers=who["regulator"]).json()
    drill = next(d for d in dispatches if d["id"] == demo["resource_dispatch"])
    assert drill["purpose"] == "drill" and drill["drill_id"] == demo["resource_drill"]
    assert drill["subject"] == "液氨泄漏事故综合应急演练" and drill["closed_at"] is not None
    assert drill["shortfalls"] == []
    sent = [(line["what"], line["owner"], line["quantity"]) for line in drill["lines"]]
    # absorbent: the plant's own 500 kg first (0 km), the park station's 300 kg less the
    # 20 % its owner keeps (240), then 60 kg from the depot; suits: the plant's 6, then 2
    assert sent == [
        ("化学品吸附棉", "海港精细化工有限公司", "500"),
        ("化学品吸附棉", "海港区应急管理局", "240"),
        ("化学品吸附棉", "海港区应急管理局", "60"),
        ("重型防化服", "海港精细化工有限公司", "6"),
        ("重型防化服", "海港区应急管理局", "2"),
        ("海港区消防救援大队化工救援中队", "海港区消防救援大队", "0"),
    ]
    assert [line["state"] for line in drill["lines"]] == ["returned"] * 6
    assert all(line["arrived_at"] and line["returned_at"] for line in drill["lines"])
    assert D(drill["lines"][0]["distance_km"]) == 0
    assert drill["lines"][0]["returned_quantity"] == "300"  # 200 kg used
    items = {i["code"]: i for i in client.get(f"{API}/items", headers=who["regulator"]).json()}
    assert Decimal(items["HG-ABS-1"]["quantity"]) == 300
    assert Decimal(items["ZX-ABS-1"]["quantity"]) == 300 - 96
    assert Decimal(items["HG-SUIT-1"]["quantity"]) == 6  # suits all came back
    assert not items["ZX-PUMP-1"]["lendable"]  # needs repair
    teams = {t["name"]: t for t in client.get(f"{API}/teams", headers=who["regulator"]).json()}
    # the plant brigade has 1 certified member, the rules want 2: never sent
    assert teams["海港精细化工专职消防队"]["qualified_members"] == 1
    assert teams["海港区消防救援大队化工救援中队"]["qualified_members"] == 3


def _dispatch(**changes: Any) -> dict[str, Any]:
    lat, lon = PLANT
    return {
        "purpose": "drill",
        "lat": str(lat),
        "lon": str(lon),
        "needs": [{"kind": "leak_kit", "quantity": "12"}],
        "teams": 2,
        **changes,
    }


def test_a_dispatch_with_a_shortfall_then_arrival_and_return(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    who = _who(login_as, demo)
    made = client.post(
        f"{API}/dispatches",
        json=_dispatch(drill_id=demo["resource_drill"]),
        headers=who["regulator"],
    )
    assert made.status_code == 201, made.text
    body = made.json()
    # 10 leak kits in the depot, of which its owner keeps 20 %; one team the rules allow
    assert [(s["kind"], s["missing"]) for s in body["shortfalls"]] == [
        ("leak_kit", "4"),
        ("team", "1"),
    ]
    kit, team = body["lines"]
    assert kit["quantity"] == "8" and kit["state"] == "sent"
    assert D(kit["minutes"]) == (D(kit["distance_km"]) * 60 / 40).quantize(D("0.1"))
    # the squad is out: a second request finds no team
    again = client.post(
        f"{API}/dispatches",
        json=_dispatch(drill_id=demo["resource_drill"], needs=[], teams=1),
        headers=who["regulator"],
    ).json()
    assert again["lines"] == [] and again["shortfalls"][0]["kind"] == "team"
    line = f"{API}/dispatches/lines/{kit['id']}"
    assert client.post(f"{line}/arrival", json={}, headers=who["regulator"]).status_code == 200
    twice = client.post(f"{line}/arrival", json={}, headers=who["regulator"])
    assert twice.status_code == 409
    too_many = client.post(
        f"{line}/return", json={"returned_quantity": "9"}, headers=who["regulator"]
    )
    assert too_many.status_code == 422
    assert too_many.json()["error"]["field"] == "returned_quantity"
    back = client.post(f"{line}/return", json={"returned_quantity": "7"}, headers=who["regulator"])
    assert back.status_code == 200 and back.json()["state"] == "returned"
    items = {i["code"]: i for i in client.get(f"{API}/items", headers=who["regulator"]).json()}
    assert items["KU-LEAK-1"]["quantity"] == "9" and items["KU-LEAK-1"]["out"] == "0"
    team_back = client.post(
        f"{API}/dispatches/lines/{team['id']}/return", json={}, headers=who["regulator"]
    )
    assert team_back.json()["state"] == "returned"
    closed = next(
        d
        for d in client.get(f"{API}/dispatches", headers=who["regulator"]).json()
        if d["id"] == body["id"]
    )
    assert closed["closed_at"] is not None
    with context.sessions() as session:
        kinds = set(session.scalars(select(AuditEntry.entity_type)))
    assert {"resource_dispatch", "resource_dispatch_line", "resource_item"} <= kinds


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": "90.5"}, "lat"),
        ({"lon": "-180.5"}, "lon"),
        ({"lat": "NaN"}, "lat"),
        ({"lon": "Infinity"}, "lon"),
        ({"needs": [{"kind": "absorbent", "quantity": "-1"}]}, "needs.0.quantity"),
        ({"needs": [{"kind": "absorbent", "quantity": "NaN"}]}, "needs.0.quantity"),
        ({"needs": [{"kind": "absorbent", "quantity": "0"}]}, "needs.0.quantity"),
        ({"needs": [{"kind": "scba", "quantity": "1"}]}, "needs.0.kind"),
        ({"drill_id": None, "incident_id": None}, "drill_id"),
    ],
)
def test_bad_dispatches_are_refused_naming_the_field(
    client: TestClient,
    login_as: Login,
    demo: DemoIds,
    context: Context,
    changes: dict[str, Any],
    field: str,
) -> None:
    who = _who(login_as, demo)
    before = _count(context, ResourceDispatch), _count(context, DispatchLine)
    body = _dispatch(**{"drill_id": demo["resource_drill"], **changes})
    refused = client.post(f"{API}/dispatches", json=body, headers=who["regulator"])
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == field
    assert (_count(context, ResourceDispatch), _count(context, DispatchLine)) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": "91"}, "lat"),
        ({"lon": "NaN"}, "lon"),
        ({"quantity": "-5"}, "quantity"),
        ({"quantity": "Infinity"}, "quantity"),
        ({"kind": "scba"}, "kind"),
    ],
)
def test_bad_library_items_are_refused(
    client: TestClient,
    login_as: Login,
    demo: DemoIds,
    context: Context,
    changes: dict[str, Any],
    field: str,
) -> None:
    who = _who(login_as, demo)
    item = {
        "organisation_id": demo["chem"],
        "kind": "absorbent",
        "code": "HG-ABS-NEW",
        "lat": "29.93",
        "lon": "121.80",
        "quantity": "100",
        "unit": "kg",
        **changes,
    }
    before = _count(context, LibraryItem), _count(context, AuditEntry)
    refused = client.post(f"{API}/items", json=item, headers=who["chem"])
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == field
    assert (_count(context, LibraryItem), _count(context, AuditEntry)) == before
    # the service refuses the same without the schema (the CLI's path)
    with pytest.raises(InvalidInput) as raised:
        service.check_position(D("NaN"), D(0))
    assert raised.value.field == "lat"


def test_an_owner_lists_and_updates_its_item_and_nobody_else_can(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    who = _who(login_as, demo)
    item = {
        "organisation_id": demo["chem"],
        "kind": "gas_detector",
        "code": "HG-GAS-1",
        "lat": "29.93",
        "lon": "121.80",
        "quantity": "2",
        "unit": "台",
    }
    made = client.post(f"{API}/items", json=item, headers=who["chem"])
    assert made.status_code == 201, made.text
    equipment_id = made.json()["equipment_id"]
    assert not made.json()["lendable"]  # never checked
    lab_sees = {i["code"] for i in client.get(f"{API}/items", headers=who["lab"]).json()}
    assert "HG-GAS-1" not in lab_sees and "KU-ABS-1" not in lab_sees
    patch = client.patch(
        f"{API}/items/{equipment_id}", json={"condition": "out_of_service"}, headers=who["lab"]
    )
    assert patch.status_code == 404
    own = client.patch(f"{API}/items/{equipment_id}", json={"quantity": "3"}, headers=who["chem"])
    assert own.status_code == 200 and own.json()["quantity"] == "3"
    # an enterprise neither dispatches nor marks another's line
    refused = client.post(
        f"{API}/dispatches", json=_dispatch(drill_id=demo["resource_drill"]), headers=who["chem"]
    )
    assert refused.status_code == 403


def test_a_travel_time_ranks_instead_of_the_straight_line(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    who = _who(login_as, demo)
    set_time = client.put(
        f"{API}/travel-times",
        json={
            "jurisdiction_id": demo["district"],
            "from_site_id": demo["chem_site"],
            "to_site_id": demo["plant"],
            "minutes": 7,
        },
        headers=who["regulator"],
    )
    assert set_time.status_code == 200, set_time.text
    found = client.get(
        f"{API}/nearest",
        params={"lat": "29.90", "lon": "121.70", "kind": "absorbent", "site_id": demo["plant"]},
        headers=who["regulator"],
    ).json()
    plant = next(c for c in found if c["owner"] == "海港精细化工有限公司")
    assert plant["by_table"] and plant["minutes"] == "7"
    assert all(not c["by_table"] for c in found if c is not plant)
    minutes = [D(c["minutes"]) for c in found]
    assert minutes == sorted(minutes)


def test_rules_are_a_regulators_setting_with_defaults(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    who = _who(login_as, demo)
    rules = client.get(f"{API}/rules/{demo['district']}", headers=who["chem"]).json()
    assert rules["reserve_percent"] == "20" and not rules["default"]
    body = {
        "max_distance_km": "40",
        "reserve_percent": "100",
        "speed_kmh": "40",
        "teams": 1,
        "team_min_qualified": 2,
    }
    bad = client.put(f"{API}/rules/{demo['district']}", json=body, headers=who["regulator"])
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "reserve_percent"
    body["reserve_percent"] = "0"
    assert (
        client.put(f"{API}/rules/{demo['district']}", json=body, headers=who["chem"]).status_code
        == 403
    )
    ok = client.put(f"{API}/rules/{demo['district']}", json=body, headers=who["regulator"])
    assert ok.status_code == 200 and ok.json()["max_distance_km"] == "40"
    with context.sessions() as session, pytest.raises(InvalidInput) as raised:
        service.set_rules(
            session, SYSTEM, demo["district"], service.Rules(D("NaN"), D(0), D(40), 1, 2, True)
        )
    assert raised.value.field == "max_distance_km"


def test_the_map_points(context: Context, demo: DemoIds) -> None:
    with context.sessions() as session:
        points = service.equipment_points(session, SYSTEM, context.clock.now())
    kinds = {p.kind for p in points}
    assert {"equipment:absorbent", "team:professional", "team:enterprise_brigade"} <= kinds
    depot = next(p for p in points if p.label.startswith("堵漏工具组"))
    assert (depot.lat, depot.lon) == (D("29.8900"), D("121.7600")) and "10套" in depot.label
