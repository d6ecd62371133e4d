"""Detector calibration (issue 14 item 7): records and their status, readings marked
uncalibrated, a hidden danger for an overdue or failed calibration, and the door check
treating a room whose only O2 detector is uncalibrated as unknown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.calibration.models import DetectorCalibration
from hazwatch.monitoring.calibration.service import add_months, judge
from hazwatch.monitoring.calibration.watch import CalibrationWatch
from hazwatch.prevention.hazard_findings.models import HazardFinding
from tests.monitoring.conftest import Plant

Login = Callable[..., dict[str, str]]
T = datetime(2025, 2, 7, tzinfo=UTC)


def row(kind: str, at: datetime, passed: bool, rid: int) -> DetectorCalibration:
    return DetectorCalibration(
        id=rid,
        kind=kind,
        at=at,
        passed=passed,
        valid_until=add_months(at, 12) if passed and kind == "calibration" else None,
    )


def test_status_follows_the_records_and_the_interval_is_inclusive() -> None:
    assert judge(1, [], T).status == "unrecorded"
    cal = row("calibration", T, True, 1)
    assert judge(1, [cal], T + timedelta(days=30)).status == "calibrated"
    due = datetime(2026, 2, 7, tzinfo=UTC)
    assert judge(1, [cal], due).status == "calibrated"  # the last day still counts
    assert judge(1, [cal], due + timedelta(seconds=1)).status == "overdue"
    bump = row("bump_test", T + timedelta(days=3), False, 2)
    assert judge(1, [cal, bump], T + timedelta(days=4)).status == "failed"
    again = row("calibration", T + timedelta(days=5), True, 3)
    assert judge(1, [cal, bump, again], T + timedelta(days=6)).status == "calibrated"
    assert judge(1, [row("calibration", T, False, 1)], T).status == "failed"
    assert add_months(datetime(2025, 1, 31, tzinfo=UTC), 1).day == 28


def _reading(client: TestClient, plant: Plant, clock: ManualClock, value: float) -> None:
    device = {"Authorization": f"Bearer {plant.device_token}"}
    ts = (clock.now() - timedelta(seconds=1)).isoformat()
    response = client.post(
        "/api/ingest/readings",
        headers=device,
        json={"readings": [{"point": "O2-DRY1", "ts": ts, "value": value, "unit": "%vol"}]},
    )
    assert response.status_code == 200, response.text


def door(client: TestClient, headers: dict[str, str], code: str = "LAB-DRY1") -> list[str]:
    answer = client.post(
        "/api/access/check",
        headers={**headers, "Accept-Language": "en"},
        json={"door": code, "person": "worker-1"},
    ).json()
    return [r["code"] for r in answer["reasons"]]


def test_an_overdue_calibration_marks_readings_opens_a_hidden_danger_and_closes_the_door(
    client: TestClient, context: Context, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    _reading(client, plant, clock, 20.9)
    assert door(client, lab) == []
    thirteen_months_ago = clock.now() - timedelta(days=396)
    made = client.post(
        "/api/calibration/records",
        headers=lab,
        json={
            "point_id": plant.o2_point,
            "passed": True,
            "performed_by": "计量所 王工",
            "at": thirteen_months_ago.isoformat(),
            "reference_gas": "18.0 % O2 in N2",
        },
    )
    assert made.status_code == 201, made.text
    finding = made.json()["hidden_danger_id"]
    assert finding is not None
    detectors = client.get("/api/calibration/detectors", headers=lab).json()
    o2 = next(d for d in detectors if d["code"] == "O2-DRY1")
    assert o2["status"] == "overdue" and o2["uncalibrated"] and o2["hidden_danger_id"] == finding
    statuses = client.get(
        f"/api/monitoring/points/status?room_id={plant.demo['dry_room_1']}", headers=lab
    ).json()
    fixed = next(s for s in statuses if s["code"] == "O2-DRY1")
    assert fixed["uncalibrated"] is True and fixed["calibration"] == "overdue"
    assert fixed["value"] == 20.9  # the reading is shown, marked
    # its only O2 detector is uncalibrated: the room is unknown to the door check
    assert door(client, lab) == ["access.reason.o2_uncalibrated"]
    answer = client.post(
        "/api/access/check",
        headers={**lab, "Accept-Language": "en"},
        json={"door": "LAB-DRY1", "person": "worker-1"},
    ).json()
    assert "uncalibrated" in answer["reasons"][0]["message"]
    # the hidden danger's self-check waits for a passing calibration
    with context.sessions() as session:
        opened = session.get(HazardFinding, finding)
        assert opened is not None and opened.source_type == "detector_calibration"
    fresh = client.post(
        "/api/calibration/records",
        headers=lab,
        json={"point_id": plant.o2_point, "passed": True, "performed_by": "计量所 王工"},
    )
    assert fresh.status_code == 201
    assert door(client, lab) == []
    bump = client.post(
        "/api/calibration/records",
        headers=lab,
        json={
            "point_id": plant.o2_point,
            "kind": "bump_test",
            "passed": False,
            "performed_by": "lab",
        },
    )
    assert bump.json()["hidden_danger_id"] == finding  # one open per detector
    assert door(client, lab) == ["access.reason.o2_uncalibrated"]
    records = client.get(f"/api/calibration/points/{plant.o2_point}/records", headers=lab)
    assert [r["kind"] for r in records.json()] == ["bump_test", "calibration", "calibration"]


def test_bad_calibration_input_is_refused_and_nothing_is_stored(
    client: TestClient, context: Context, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=plant.demo["chem"])

    def count() -> int:
        with context.sessions() as session:
            return int(session.scalar(select(func.count(DetectorCalibration.id))) or 0)

    future = client.post(
        "/api/calibration/records",
        headers=lab,
        json={
            "point_id": plant.o2_point,
            "passed": True,
            "performed_by": "x",
            "at": (clock.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "at"
    level = client.post(
        "/api/calibration/records",
        headers=lab,
        json={"point_id": plant.level_point, "passed": True, "performed_by": "x"},
    )
    assert level.status_code == 201  # a level transmitter is a fixed instrument too
    other = client.post(
        "/api/calibration/records",
        headers=chem,
        json={"point_id": plant.o2_point, "passed": True, "performed_by": "x"},
    )
    assert other.status_code == 404 and other.json()["error"]["field"] == "point_id"
    assert count() == 1
    assert (
        client.get(f"/api/calibration/points/{plant.o2_point}/records", headers=chem).status_code
        == 404
    )


def test_a_calibration_running_out_opens_its_hidden_danger_on_the_tick(
    context: Context, plant: Plant, clock: ManualClock, client: TestClient, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    at = add_months(clock.now(), -12) + timedelta(days=1)
    client.post(
        "/api/calibration/records",
        headers=lab,
        json={
            "point_id": plant.o2_point,
            "passed": True,
            "performed_by": "x",
            "at": at.isoformat(),
        },
    )
    watch = CalibrationWatch(context)

    def opened() -> int:
        with context.sessions() as session:
            return int(
                session.scalar(
                    select(func.count(HazardFinding.id)).where(
                        HazardFinding.source_type == "detector_calibration"
                    )
                )
                or 0
            )

    watch.tick(clock.now())
    assert opened() == 0
    clock.advance(timedelta(days=1, seconds=1))
    watch.tick(clock.now())
    assert opened() == 1
    watch.tick(clock.now())
    assert opened() == 1
