"""Hazardous-goods transport (issue 16 item 2): the demo tanker in the tunnel raises a
warning dispatched to the transport bureau; speed limits; zones adjusted at run time;
geometry and position bad input; the staff rule and insurance coverage; tenancy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.errors import InvalidInput
from hazwatch.district.transport import geometry, service
from hazwatch.district.transport.demo import IN_TUNNEL
from hazwatch.district.transport.models import TransportZone, VehiclePosition
from hazwatch.registry.demo import DemoIds
from tests.district.conftest import refused_naming, stored

Login = Callable[..., dict[str, str]]
#: Bearer headers by the part each person plays.
People = dict[str, dict[str, str]]
API = "/api/district/transport"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BOW_TIE = "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))"


def test_the_staff_rule() -> None:
    assert service.required_staff(0, 100, 2) == 0
    assert service.required_staff(3, 100, 2) == 2
    assert service.required_staff(200, 100, 2) == 2
    assert service.required_staff(201, 100, 2) == 3


def test_geometry_is_checked_and_a_segment_is_widened() -> None:
    with pytest.raises(InvalidInput) as bow_tie:
        geometry.parse(BOW_TIE, Decimal(0))
    assert bow_tie.value.field == "geometry" and "Self-intersection" in bow_tie.value.params["why"]
    with pytest.raises(InvalidInput):
        geometry.parse("LINESTRING (0 0, 1 1, 1 0, 0 1)", Decimal(10))  # crosses itself
    with pytest.raises(InvalidInput):
        geometry.parse("POLYGON ((0 0, 190 0, 190 1, 0 1, 0 0))", Decimal(0))
    with pytest.raises(InvalidInput):
        geometry.parse("POINT (1 1)", Decimal(0))
    band = geometry.parse("LINESTRING (121.84 29.90, 121.86 29.905)", Decimal(20))
    lat, lon = IN_TUNNEL
    assert geometry.covers(band, lon, lat)
    # 100 m north of the axis is outside a 20 m half-width
    assert not geometry.covers(band, lon, lat + Decimal("0.0009"))


def test_windows() -> None:
    rush = service.check_windows([{"days": [1, 2, 3, 4, 5], "start": "07:00", "end": "09:00"}])
    assert service.in_window(rush, datetime(2025, 2, 7, 8, 59, tzinfo=SHANGHAI))  # a Friday
    assert not service.in_window(rush, datetime(2025, 2, 7, 9, 0, tzinfo=SHANGHAI))
    assert not service.in_window(rush, datetime(2025, 2, 8, 8, 0, tzinfo=SHANGHAI))  # Saturday
    with pytest.raises(InvalidInput):
        service.check_windows([{"start": "09:00", "end": "07:00"}])


@pytest.fixture
def who(login_as: Login, demo: DemoIds) -> People:
    return {
        "carrier": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["carrier"]),
        "bureau": login_as(
            Role.REGULATOR,
            organisation_id=demo["transport_bureau"],
            jurisdiction_id=demo["district"],
        ),
        "regulator": login_as(
            Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
        ),
        "lab": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"]),
        "chem": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"]),
    }


def _position(**changes: Any) -> dict[str, Any]:
    lat, lon = IN_TUNNEL
    return {
        "plate": "浙B·D0456",
        "at": "2025-02-06T20:00:00Z",
        "lat": str(lat),
        "lon": str(lon),
        "speed_kmh": "40",
        "heading": "90",
        **changes,
    }


def test_the_tanker_in_the_tunnel_is_dispatched_to_the_transport_bureau(
    client: TestClient, who: People, demo: DemoIds
) -> None:
    warnings = client.get(f"{API}/warnings", headers=who["regulator"]).json()
    tunnel = next(w for w in warnings if w["id"] == demo["tunnel_warning"])
    assert tunnel["kind"] == "restricted" and tunnel["zone"] == "海港隧道"
    assert tunnel["plate"] == "浙B·D0123" and tunnel["department"] == "海港区交通运输局"
    orders = client.get("/api/supervision/dispatches", headers=who["bureau"]).json()
    order = next(o for o in orders if o["id"] == tunnel["dispatch_id"])
    assert (
        order["source_type"] == "transport" and order["department_id"] == demo["transport_bureau"]
    )
    assert "海港隧道" in order["title"]


def test_speed_limits_and_one_warning_per_passage(
    client: TestClient, who: People, clock: ManualClock
) -> None:
    open_road = {"lat": "29.7000", "lon": "121.3000"}
    on_expressway = {"lat": "29.8250", "lon": "121.7000"}  # on the 沿海高速 axis
    calm = client.post(
        f"{API}/positions", json=_position(**open_road, speed_kmh="60"), headers=who["carrier"]
    )
    assert calm.status_code == 201 and calm.json()["warnings"] == []
    fast = client.post(
        f"{API}/positions", json=_position(**open_road, speed_kmh="61"), headers=who["carrier"]
    )
    assert [w["kind"] for w in fast.json()["warnings"]] == ["speeding"]
    assert fast.json()["warnings"][0]["limit_kmh"] == 60
    again = client.post(
        f"{API}/positions", json=_position(**open_road, speed_kmh="70"), headers=who["carrier"]
    )
    assert again.json()["warnings"] == []  # the same passage
    van_on_expressway = client.post(
        f"{API}/positions",
        json=_position(plate="浙B·D0789", **on_expressway, speed_kmh="80"),
        headers=who["carrier"],
    )
    assert van_on_expressway.json()["warnings"] == []
    over = client.post(
        f"{API}/positions",
        json=_position(
            plate="浙B·D0789", **on_expressway, speed_kmh="80.5", at="2025-02-06T20:01:00Z"
        ),
        headers=who["carrier"],
    )
    assert [(w["kind"], w["limit_kmh"]) for w in over.json()["warnings"]] == [("speeding", 80)]


def test_a_zone_adjusted_at_run_time_applies_to_the_next_position(
    client: TestClient, who: People, demo: DemoIds
) -> None:
    zone = f"{API}/zones/{demo['zone_tunnel']}"
    # the tunnel closed only 07:00-09:00 now; 04:00 Beijing is outside it
    changed = client.patch(
        zone, json={"windows": [{"start": "07:00", "end": "09:00"}]}, headers=who["bureau"]
    )
    assert changed.status_code == 200, changed.text
    inside = client.post(f"{API}/positions", json=_position(), headers=who["carrier"])
    assert inside.json()["warnings"] == []
    client.patch(zone, json={"windows": []}, headers=who["bureau"])
    later = client.post(
        f"{API}/positions", json=_position(at="2025-02-06T20:00:30Z"), headers=who["carrier"]
    )
    assert [w["zone"] for w in later.json()["warnings"]] == ["海港隧道"]
    # self-intersecting geometry is refused, naming the field, and the zone keeps its own
    before = stored(client, TransportZone)
    bad = client.patch(zone, json={"geometry_wkt": BOW_TIE}, headers=who["bureau"])
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "geometry"
    created = client.post(
        f"{API}/zones",
        json={
            "organisation_id": demo["transport_bureau"],
            "name": "x",
            "kind": "restricted",
            "geometry_wkt": BOW_TIE,
        },
        headers=who["bureau"],
    )
    assert created.status_code == 422 and created.json()["error"]["field"] == "geometry"
    assert stored(client, TransportZone) == before
    # an enterprise cannot adjust a zone
    assert client.patch(zone, json={"active": False}, headers=who["carrier"]).status_code in (
        403,
        404,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": "90.5"}, "lat"),
        ({"lat": "-91"}, "lat"),
        ({"lon": "180.01"}, "lon"),
        ({"lon": "NaN"}, "lon"),
        ({"speed_kmh": "-1"}, "speed_kmh"),
        ({"speed_kmh": "Infinity"}, "speed_kmh"),
        ({"heading": "360"}, "heading"),
        ({"at": "2020-01-01T00:00:00Z"}, "at"),
    ],
)
def test_bad_positions_name_the_field_and_store_nothing(
    client: TestClient,
    who: People,
    changes: dict[str, Any],
    field: str,
) -> None:
    position = _position(**changes)
    refused_naming(client, f"{API}/positions", position, who["carrier"], field, VehiclePosition)


def test_coverage_staff_and_findings(client: TestClient, who: People, demo: DemoIds) -> None:
    overview = client.get(f"{API}/overview", headers=who["regulator"]).json()
    district = overview["coverage"][0]
    assert (district["vehicles"], district["insured"]) == (3, 2)
    assert Decimal(district["rate_percent"]) == Decimal("66.7")
    assert district["uninsured_plates"] == ["浙B·D0789"]
    staff = overview["staffing"][0]
    assert (staff["connected_vehicles"], staff["required_staff"], staff["monitoring_staff"]) == (
        3,
        2,
        1,
    )
    codes = {
        f["code"] for f in client.get("/api/registry/findings", headers=who["regulator"]).json()
    }
    assert {"transport_staff_short", "vehicle_uninsured"} <= codes
    fixed = client.put(
        f"{API}/carriers/{demo['carrier']}/staff",
        json={"monitoring_staff": 2},
        headers=who["carrier"],
    )
    assert fixed.status_code == 200 and fixed.json()["staffing"][0]["short"] is False


def test_other_tenants_see_and_move_nothing(client: TestClient, who: People) -> None:
    assert client.get(f"{API}/vehicles", headers=who["lab"]).json() == []
    assert client.get(f"{API}/warnings", headers=who["lab"]).json() == []
    before = stored(client, VehiclePosition)
    for outsider in ("lab", "chem"):
        refused = client.post(f"{API}/positions", json=_position(), headers=who[outsider])
        assert refused.status_code in (403, 404) and refused.json()["error"]["field"] == "plate"
    assert stored(client, VehiclePosition) == before
    assert {v["plate"] for v in client.get(f"{API}/vehicles", headers=who["carrier"]).json()} == {
        "浙B·D0123",
        "浙B·D0456",
        "浙B·D0789",
    }
