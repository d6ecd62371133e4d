"""Monitoring over HTTP: device ingest, bad input, alarm actions, tenancy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.models import Alarm
from tests.conftest import error_code
from tests.monitoring.conftest import Plant

Login = Callable[..., dict[str, str]]


def reading(
    clock: ManualClock, value: float, seconds: int = 0, **extra: object
) -> dict[str, object]:
    ts = (clock.now() + timedelta(seconds=seconds)).isoformat()
    return {"point": "O2-DRY1", "ts": ts, "value": value, "unit": "%vol", **extra}


def test_http_ingest_raises_an_alarm_the_lab_can_acknowledge(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    device = {"Authorization": f"Bearer {plant.device_token}"}
    result = client.post(
        "/api/ingest/readings",
        headers=device,
        json={"readings": [reading(clock, 20.9, -10), reading(clock, 19.2, -5)]},
    )
    assert result.status_code == 200 and result.json()["accepted"] == 2
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    alarms = client.get("/api/monitoring/alarms", headers=lab).json()
    assert [(a["condition"], a["state"]) for a in alarms] == [("low", "active_unack")]
    assert alarms[0]["message"] == "O2-DRY1 低于低限"
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=plant.demo["chem"])
    assert client.get("/api/monitoring/alarms", headers=chem).json() == []
    alarm_id = alarms[0]["id"]
    stolen = client.post(f"/api/monitoring/alarms/{alarm_id}/ack", json={}, headers=chem)
    assert stolen.status_code == 404
    assert (
        client.post(f"/api/monitoring/alarms/{alarm_id}/ack", json={}, headers=lab).status_code
        == 204
    )
    status = client.get("/api/monitoring/points/status", headers=lab).json()
    o2 = next(s for s in status if s["code"] == "O2-DRY1")
    assert o2["value"] == 19.2 and o2["quality"] == "good" and o2["conditions"] == ["low"]
    history = client.get(
        f"/api/monitoring/points/{plant.o2_point}/history",
        headers=lab,
        params={
            "start": (clock.now() - timedelta(minutes=1)).isoformat(),
            "end": (clock.now() + timedelta(minutes=1)).isoformat(),
        },
    ).json()
    assert [p["value"] for p in history["points"]] == [20.9, 19.2]
    events = client.get("/api/monitoring/alarms/history", headers=lab).json()
    assert [e["event"] for e in events] == ["ack", "raise"]


def test_bad_ingest_input(client: TestClient, plant: Plant, clock: ManualClock) -> None:
    device = {"Authorization": f"Bearer {plant.device_token}"}
    nan = client.post(
        "/api/ingest/readings",
        headers=device,
        content=b'{"readings": [{"point": "O2-DRY1", "ts": 1, "value": NaN, "unit": "%vol"}]}',
    )
    assert nan.status_code == 422 and error_code(nan) == "request.invalid"  # not JSON
    wrong = client.post(
        "/api/ingest/readings", headers=device, json={"readings": [reading(clock, "low")]}
    )  # type: ignore[arg-type]
    assert wrong.json()["rejected"] == [{"point": "O2-DRY1", "reason": "wrong_type"}]
    future = client.post(
        "/api/ingest/readings", headers=device, json={"readings": [reading(clock, 20.9, 3600)]}
    )
    assert future.json()["rejected"][0]["reason"] == "future_timestamp"
    malformed = client.post("/api/ingest/readings", headers=device, content=b"{not json")
    assert malformed.status_code == 422
    huge = client.post(
        "/api/ingest/readings",
        headers=device,
        json={"readings": [reading(clock, 20.9, -i) for i in range(1001)]},
    )
    assert huge.status_code == 413 and error_code(huge) == "monitoring.batch_too_large"
    no_token = client.post("/api/ingest/readings", json={"readings": []})
    assert no_token.status_code == 401 and error_code(no_token) == "monitoring.device_token_missing"
    bad_token = client.post(
        "/api/ingest/readings", json={"readings": []}, headers={"Authorization": "Bearer hwd_nope"}
    )
    assert error_code(bad_token) == "monitoring.device_token_invalid"


def test_revoked_device_token(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    device = {"Authorization": f"Bearer {plant.device_token}"}
    revoked = client.post(f"/api/monitoring/devices/{plant.device_id}/revoke", headers=lab)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    refused = client.post(
        "/api/ingest/readings", headers=device, json={"readings": [reading(clock, 20.9)]}
    )
    assert refused.status_code == 401


def test_point_configuration(client: TestClient, plant: Plant, login_as: Login) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    point = client.get(f"/api/monitoring/points/{plant.o2_point}", headers=lab).json()
    assert (point["low_low"], point["low"], point["high"], point["unit"]) == (
        "18",
        "19.5",
        "23.5",
        "%vol",
    )
    assert point["storage_deviation"] == "0.1"  # half the 0.2 %vol alarm deadband
    finer = client.patch(
        f"/api/monitoring/points/{plant.o2_point}",
        json={"storage_deviation": "0.05", "reason": "commissioning: keep finer history"},
        headers=lab,
    )
    assert finer.status_code == 200 and finer.json()["storage_deviation"] == "0.05"
    negative = client.patch(
        f"/api/monitoring/points/{plant.o2_point}",
        json={"storage_deviation": "-1", "reason": "test"},
        headers=lab,
    )
    assert negative.status_code == 422
    no_reason = client.patch(
        f"/api/monitoring/points/{plant.o2_point}", json={"low": "19"}, headers=lab
    )
    assert no_reason.status_code == 422
    disorder = client.patch(
        f"/api/monitoring/points/{plant.o2_point}",
        json={"low": "17", "reason": "test"},
        headers=lab,
    )
    assert error_code(disorder) == "monitoring.setpoints_out_of_order"
    ok = client.patch(
        f"/api/monitoring/points/{plant.o2_point}",
        json={"low": "19.8", "reason": "site rule stricter than GB/T 50493"},
        headers=lab,
    )
    assert ok.status_code == 200 and ok.json()["settings_reason"].startswith("site rule")
    created = client.post(
        "/api/monitoring/points",
        json={
            "site_id": plant.demo["plant"],
            "organisation_id": plant.demo["lab"],
            "code": "O2-DRY2",
            "kind": "o2",
        },
        headers=lab,
    )
    assert error_code(created) == "monitoring.point_needs_place"
    worker = login_as(Role.WORKER, organisation_id=plant.demo["lab"])
    refused = client.patch(
        f"/api/monitoring/points/{plant.o2_point}",
        json={"low": "19.8", "reason": "x1"},
        headers=worker,
    )
    assert refused.status_code == 403


def test_flood_and_chattering_statistics(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    client.patch(
        f"/api/monitoring/points/{plant.o2_point}",
        headers=lab,
        json={"off_delay_s": 0, "deadband": "0", "reason": "chatter demonstration"},
    )
    device = {"Authorization": f"Bearer {plant.device_token}"}
    values = [19.0, 21.0] * 8  # 8 raises within 80 s: chattering, no flood
    readings = [reading(clock, v, i * 5 - 100) for i, v in enumerate(values)]
    client.post("/api/ingest/readings", headers=device, json={"readings": readings})
    stats = client.get(
        f"/api/monitoring/sites/{plant.demo['plant']}/statistics", headers=lab
    ).json()
    assert stats["activations"] >= 3 and stats["flood_windows"] == 0
    assert stats["chattering"] and stats["chattering"][0]["activations_per_minute"] >= 3


def _raise_low_o2(client: TestClient, plant: Plant, clock: ManualClock) -> None:
    device = {"Authorization": f"Bearer {plant.device_token}"}
    readings = {"readings": [reading(clock, 20.9, -10), reading(clock, 19.2, -5)]}
    assert client.post("/api/ingest/readings", headers=device, json=readings).status_code == 200


def test_a_regulator_comments_and_the_enterprise_acknowledges(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login, context: Context
) -> None:
    """Issue 11: a regulator could acknowledge an enterprise's alarm (stopping its
    escalation) and no card said who did. Each call uses a fresh token, whose first use is
    written: on SQLite that write held the lock the engine's own transaction then waited 30 s
    for."""
    import time

    _raise_low_o2(client, plant, clock)
    with context.sessions() as session:
        alarm_id = session.scalars(select(Alarm.id)).one()
    regulator = login_as(Role.REGULATOR, jurisdiction_id=plant.demo["district"])
    base = f"/api/monitoring/alarms/{alarm_id}"
    started = time.monotonic()
    for action, body in (
        ("ack", {}),
        ("shelve", {"reason": "maintenance", "until": "2099-01-01T00:00:00Z"}),
    ):
        refused = client.post(f"{base}/{action}", json=body, headers=regulator)
        assert refused.status_code == 403, action
        assert error_code(refused) == "monitoring.regulator_comments_only"
    said = client.post(
        f"{base}/comment",
        json={"comment": "请立即通风"},
        headers=login_as(
            Role.REGULATOR, jurisdiction_id=plant.demo["district"], username="inspector-wang"
        ),
    )
    assert said.status_code == 204
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"], username="officer-li")
    assert client.post(f"{base}/ack", json={}, headers=lab).status_code == 204
    assert time.monotonic() - started < 10  # no 30 s wait for the database lock
    alarm = client.get("/api/monitoring/alarms", headers=lab).json()[0]
    assert alarm["acked"] is True and alarm["acked_by"] == "officer-li"
    assert alarm["acked_at"] is not None
    seen = client.get("/api/monitoring/alarms", headers=regulator).json()[0]
    assert seen["acked_by"] == "officer-li"
    events = client.get(
        "/api/monitoring/alarms/history", headers=lab, params={"alarm_id": alarm_id}
    ).json()
    assert [(e["event"], e["actor"], e["comment"]) for e in events][:2] == [
        ("ack", "officer-li", None),
        ("comment", "inspector-wang", "请立即通风"),
    ]


def test_a_district_may_let_its_regulators_acknowledge(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login, context: Context
) -> None:
    context.settings = context.settings.model_copy(update={"regulator_may_acknowledge": True})
    _raise_low_o2(client, plant, clock)
    with context.sessions() as session:
        alarm_id = session.scalars(select(Alarm.id)).one()
    regulator = login_as(
        Role.REGULATOR, jurisdiction_id=plant.demo["district"], username="inspector-zhao"
    )
    done = client.post(f"/api/monitoring/alarms/{alarm_id}/ack", json={}, headers=regulator)
    assert done.status_code == 204
    alarm = client.get("/api/monitoring/alarms", headers=regulator).json()[0]
    assert alarm["acked_by"] == "inspector-zhao"


def test_a_point_taken_out_of_service_can_be_returned_to_service(
    client: TestClient,
    plant: Plant,
    clock: ManualClock,
    login_as: Login,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Returning a point always failed on PostgreSQL (the event ``return_to_service`` was
    longer than its 16-character column), so a sensor taken out of service stayed out. And
    the engine changed its memory before the write, so a failed write left the point out of
    service in memory while the database still had it in service."""
    device = {"Authorization": f"Bearer {plant.device_token}"}
    client.post(
        "/api/ingest/readings",
        headers=device,
        json={"readings": [reading(clock, 20.9, -10), reading(clock, 19.2, -5)]},
    )
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    url = f"/api/monitoring/points/{plant.o2_point}/service"

    def o2() -> dict[str, object]:
        status = client.get("/api/monitoring/points/status", headers=lab).json()
        return dict(next(s for s in status if s["code"] == "O2-DRY1"))

    def alarm_states() -> list[str]:
        return [a["state"] for a in client.get("/api/monitoring/alarms", headers=lab).json()]

    out = client.post(url, headers=lab, json={"out_of_service": True, "reason": "calibration"})
    assert out.status_code == 204, out.text
    assert o2()["quality"] == "out_of_service" and alarm_states() == ["out_of_service"]

    engine = client.app.state.engine  # type: ignore[attr-defined]
    alarm_id = client.get("/api/monitoring/alarms", headers=lab).json()[0]["id"]

    def refuse(*_args: object) -> None:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr("hazwatch.monitoring.alarms.persist", refuse)
    with pytest.raises(RuntimeError):
        engine.set_out_of_service(plant.o2_point, SYSTEM, "back", False)
    monkeypatch.undo()
    assert engine.alarm(alarm_id).out_of_service  # memory follows the database, not the try
    assert engine.point(plant.o2_point).out_of_service
    assert engine.present(plant.o2_point).quality == "out_of_service"

    back = client.post(url, headers=lab, json={"out_of_service": False, "reason": "calibrated"})
    assert back.status_code == 204, back.text
    assert o2()["quality"] == "unknown" and alarm_states() == ["active_unack"]
    assert not engine.alarm(alarm_id).out_of_service
    events = client.get("/api/monitoring/alarms/history", headers=lab).json()
    assert [e["event"] for e in events][:2] == ["return_to_service", "out_of_service"]
    with client.app.state.context.unit_of_work() as session:  # type: ignore[attr-defined]
        assert session.scalars(select(Alarm.out_of_service)).all() == [False]
