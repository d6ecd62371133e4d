"""Waste stores (issue 16 item 1; seed 001 measure 8: thermal imaging in hazardous-waste
stores): a store without thermal imaging is a finding; its thermal-imaging point is an
ordinary point, so a hot reading raises the engine's alarm, and the store shows it (API,
map); only temperature points of its own site and organisation watch it; tenancy."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.registry.demo import DemoIds

Login = Callable[..., dict[str, str]]
API = "/api/district/waste/stores"


def _findings(client: TestClient, headers: dict[str, str]) -> set[str]:
    return {f["code"] for f in client.get("/api/registry/findings", headers=headers).json()}


def test_a_hot_waste_store_raises_the_engines_alarm(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    site = demo["chem_site"]
    store = client.post(
        API,
        json={"organisation_id": demo["chem"], "site_id": site, "name": "危废暂存库"},
        headers=chem,
    )
    assert store.status_code == 201, store.text
    store_id = store.json()["id"]
    assert "waste_store_no_thermal_imaging" in _findings(client, chem)
    device = client.post(
        "/api/monitoring/devices",
        json={"site_id": site, "organisation_id": demo["chem"], "code": "GW-WASTE"},
        headers=chem,
    ).json()
    points = {}
    for code, kind in (("TI-WASTE", "temperature"), ("O2-WASTE", "o2")):
        created = client.post(
            "/api/monitoring/points",
            json={
                "site_id": site,
                "organisation_id": demo["chem"],
                "room_id": demo["ammonia_room"],
                "device_id": device["id"],
                "code": code,
                "kind": kind,
                "high": "60",
                "on_delay_s": 0,
                "settings_reason": "危废库热成像：60 °C 报警，无延时",
            }
            if kind == "temperature"
            else {
                "site_id": site,
                "organisation_id": demo["chem"],
                "room_id": demo["ammonia_room"],
                "device_id": device["id"],
                "code": code,
                "kind": kind,
            },
            headers=chem,
        )
        assert created.status_code == 201, created.text
        points[code] = created.json()["id"]
    attach = f"{API}/{store_id}/points"
    o2 = client.post(
        attach, json={"point_id": points["O2-WASTE"], "role": "temperature"}, headers=chem
    )
    assert o2.status_code == 422 and o2.json()["error"]["field"] == "point_id"
    stolen = client.post(
        attach, json={"point_id": points["TI-WASTE"], "role": "thermal_imaging"}, headers=lab
    )
    assert stolen.status_code == 404
    watched = client.post(
        attach, json={"point_id": points["TI-WASTE"], "role": "thermal_imaging"}, headers=chem
    )
    assert watched.status_code == 201, watched.text
    assert watched.json()["thermal_imaging"] is True and watched.json()["alarm_ids"] == []
    assert "waste_store_no_thermal_imaging" not in _findings(client, chem)
    hot = client.post(
        "/api/ingest/readings",
        headers={"Authorization": f"Bearer {device['token']}"},
        json={
            "readings": [
                {"point": "TI-WASTE", "ts": clock.now().isoformat(), "value": 75, "unit": "°C"}
            ]
        },
    )
    assert hot.status_code == 200 and hot.json()["accepted"] == 1, hot.text
    (shown,) = client.get(API, headers=chem).json()
    assert len(shown["alarm_ids"]) == 1
    alarms = client.get("/api/monitoring/alarms", headers=chem).json()
    assert set(shown["alarm_ids"]) <= {a["id"] for a in alarms}  # the engine's own alarm
    assert "waste_store_in_alarm" in _findings(client, chem)
    layer = client.get("/api/district/map/layers/waste_stores", headers=chem).json()
    (on_map,) = layer["features"]
    assert on_map["properties"]["colour"] == "red" and on_map["properties"]["alarms"] == 1
    # the lab sees neither the store nor its alarm
    assert client.get(API, headers=lab).json() == []
    assert client.get("/api/district/map/layers/waste_stores", headers=lab).json()["features"] == []
