"""Tank leak alarms in the live engine: the 2·7 level drop raises a latched alarm on the
rooms the tank feeds; the detector's state survives a restart; settings are per tank."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.access import service as access
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Alarm
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.schemas import PointIn
from hazwatch.monitoring.tanks.detector import DEFAULT_FALSE_ALARMS_PER_YEAR, tuning
from hazwatch.monitoring.tanks.feeds import contracted_draw_mm_h
from hazwatch.monitoring.tanks.models import TankState
from hazwatch.monitoring.tanks.watch import FULL_WEEK
from hazwatch.physics.leak import DrawProfile, LeakDetector
from hazwatch.physics.tank import HeadShape, TankGeometry
from hazwatch.registry.demo import DemoIds, load_demo
from hazwatch.registry.models import Tank
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
NORMAL_MM_H = 3.04  # 4000 kg/month through 1.83 kg/mm (1.7 m bore)
LEAK_MM_H = 30.9  # the 2·7 leak


def with_level_point(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        demo = load_demo(session)
        service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["sublessor"],
                tank_id=demo["ln2_tank"],
                code="LT-LN2",
                kind=PointKind.TANK_LEVEL,
                expected_interval_s=300,
            ),
        )
    return demo


def serving(client: TestClient) -> EngineRuntime:
    """The API's engine runtime, after the test added its points and tanks."""
    runtime: EngineRuntime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.engine.reload()
    return runtime


def telemetry(
    t0: datetime, steps: int, leak_after: int | None = None, refill_at: int | None = None
) -> list[ReadingIn]:
    """Level every 5 min from 2000 mm: the contracted draw, then optionally the 2·7 leak."""
    level, readings = 2000.0, []
    for step in range(1, steps + 1):
        leaking = leak_after is not None and step > leak_after
        level -= (NORMAL_MM_H + (LEAK_MM_H if leaking else 0.0)) * 5 / 60
        if step == refill_at:
            level += 1200.0
        readings.append(
            ReadingIn("LT-LN2", t0 + timedelta(minutes=5 * step), round(level, 1), "mm")
        )
    return readings


def first_alarm(readings: list[ReadingIn]) -> datetime:
    """When a bare detector with the default tuning and the contracted draw alarms."""
    tuned = tuning(Decimal(3), 300, DEFAULT_FALSE_ALARMS_PER_YEAR)
    reference = LeakDetector(DrawProfile({}, NORMAL_MM_H), tuned.threshold_mm, tuned.allowance_mm)
    return next(r.ts for r in readings if reference.update(r.ts, r.value or 0.0))


def leak_alarms(context: Context) -> list[Alarm]:
    with context.sessions() as session:
        return list(session.scalars(select(Alarm).where(Alarm.condition == "leak")).all())


def test_contracted_draw_of_the_2_7_tank(context: Context) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
        tank = session.get(Tank, demo["ln2_tank"])
        assert tank is not None
        # 4000 kg/month = 5.56 kg/h; 1.83 kg per mm → 3.04 mm/h
        assert abs(contracted_draw_mm_h(session, tank) - NORMAL_MM_H) < 0.01


def test_leak_on_the_tank_raises_alarms_on_the_fed_rooms_and_closes_the_door(
    context: Context, clock: ManualClock
) -> None:
    demo = with_level_point(context)
    runtime = EngineRuntime(context)
    t0 = clock.now()
    readings = telemetry(t0, 12 * 4, leak_after=12)  # 1 h normal, then 3 h of the leak
    clock.set(readings[-1].ts)
    for reading in readings:
        runtime.engine.submit([reading])
    leaks = leak_alarms(context)
    assert {a.room_id for a in leaks} == {demo["dry_room_1"]}
    raised = leaks[0].raised_at
    assert raised is not None and raised - (t0 + timedelta(hours=1)) <= timedelta(hours=1)
    assert "干燥房1" in leaks[0].params["rooms"]
    with context.unit_of_work() as session:
        decision = access.check(
            session, door_code="LAB-ENTRANCE", person="worker", purpose="work", now=clock.now()
        )
    assert any(r["code"] == "access.reason.room_alarm" for r in decision.reasons)


def test_hourly_uploads_raise_the_leak_as_readings_one_by_one_do(
    context: Context, clock: ManualClock
) -> None:
    """Tank telemetry often arrives as an hourly upload of 5-minute levels: the detector
    must see every level of the batch, not only the newest."""
    with_level_point(context)
    readings = telemetry(clock.now(), 12 * 4, leak_after=12)
    expected = first_alarm(readings)
    runtime = EngineRuntime(context)
    for hour in range(4):
        upload = readings[hour * 12 : (hour + 1) * 12]
        clock.set(upload[-1].ts)
        assert runtime.engine.submit(upload).accepted == len(upload)
    leaks = leak_alarms(context)
    assert leaks and leaks[0].raised_at == expected


def test_refills_sensor_steps_and_gaps_do_not_raise_a_leak(
    context: Context, clock: ManualClock
) -> None:
    with_level_point(context)
    runtime = EngineRuntime(context)
    readings = telemetry(clock.now(), 12 * 24, refill_at=100)  # a day with a refill
    stepped = [  # the gauge re-zeroes 40 mm low at step 150 (one sudden drop, then flat)
        ReadingIn(r.point, r.ts, (r.value or 0.0) - (40.0 if i >= 150 else 0.0), r.unit)
        for i, r in enumerate(readings)
    ]
    gapped = stepped[:200] + stepped[224:]  # and two hours without data
    clock.set(gapped[-1].ts)
    for reading in gapped:
        runtime.engine.submit([reading])
    assert leak_alarms(context) == []
    tank = runtime.tanks._tanks[next(iter(runtime.tanks._tanks))]
    assert tank.detector.last is not None and tank.detector.last[1] == gapped[-1].value


def test_a_restart_resumes_the_detector_where_it_stopped(
    context: Context, clock: ManualClock
) -> None:
    with_level_point(context)
    readings = telemetry(clock.now(), 12 * 4, leak_after=12)
    expected = first_alarm(readings)
    first = EngineRuntime(context)
    before = [r for r in readings if r.ts < expected - timedelta(minutes=10)]
    for reading in before:
        clock.set(reading.ts)
        first.engine.submit([reading])
    first.engine.tick()  # persists the detector
    with context.sessions() as session:
        stored = session.scalars(select(TankState)).one()
        saved = stored.detector["leak_detector"]
        assert saved["cusum"] > 0 and saved["last"][1] == before[-1].value
    first.stop()
    second = EngineRuntime(context)  # a new process: nothing in memory
    for reading in readings[len(before) :]:
        clock.set(reading.ts)
        second.engine.submit([reading])
    leaks = leak_alarms(context)
    assert leaks and leaks[0].raised_at == expected


def test_status_settings_and_reset_are_scoped(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = with_level_point(context)
    runtime = serving(client)
    readings = telemetry(clock.now(), 12 * 4, leak_after=12)
    clock.set(readings[-1].ts)
    for reading in readings:
        runtime.engine.submit([reading])
    runtime.engine.tick()
    operator = login_as(Role.SAFETY_OFFICER, organisation_id=demo["sublessor"])
    url = f"/api/tanks/{demo['ln2_tank']}"
    status = client.get(url, headers=operator).json()
    level = readings[-1].value
    assert status["level_quality"] == "good" and status["level_mm"] == level
    # vertical 1.7 m cylinder: 2.2698 L per mm of level, 806 kg/m³
    assert abs(status["volume_m3"] - 2.2698e-3 * level) < 1e-3
    assert abs(status["mass_kg"] - status["volume_m3"] * 806) < 0.5  # each rounded as shown
    assert status["rooms_fed"] == [{"id": demo["dry_room_1"], "name": "干燥房1"}]
    assert status["detector"]["leak_alarm_active"] is True
    assert status["detector"]["alarmed_at"] is not None

    other = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    for response in (
        client.get(url, headers=other),
        client.put(
            f"{url}/leak-settings",
            headers=other,
            json={"false_alarms_per_year": "1", "noise_mm": "3"},
        ),
        client.post(f"{url}/leak-reset", headers=other, json={"reason": "x"}),
    ):
        assert response.status_code == 404 and error_code(response) == "scope.not_found"
    worker = login_as(Role.WORKER, organisation_id=demo["sublessor"])
    refused = client.post(f"{url}/leak-reset", headers=worker, json={"reason": "x"})
    assert refused.status_code == 403

    tight = client.put(
        f"{url}/leak-settings",
        headers=operator,
        json={"false_alarms_per_year": "0.5", "noise_mm": "10"},
    )
    assert tight.status_code == 200
    assert tight.json()["threshold_mm"] > status["detector"]["threshold_mm"]
    runtime.engine.tick()  # the watch re-tunes its live detector from the audited setting
    assert runtime.tanks._tanks[demo["ln2_tank"]].detector.threshold == tight.json()["threshold_mm"]
    bad = client.put(
        f"{url}/leak-settings",
        headers=operator,
        json={"false_alarms_per_year": "0", "noise_mm": "3"},
    )
    assert bad.status_code == 422

    reset = client.post(f"{url}/leak-reset", headers=operator, json={"reason": "hose clamped"})
    assert reset.json()["rooms_cleared"] == 1
    assert all(not alarm.active for alarm in leak_alarms(context))
    after = client.get(url, headers=operator).json()["detector"]
    assert after["leak_alarm_active"] is False and after["cusum_mm"] == 0.0


def test_the_tank_list_shows_owners_operators_and_fed_rooms_their_tanks_leaking_first(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = with_level_point(context)
    with context.unit_of_work() as session:  # a second tank of the supplier, no gauge
        spare = Tank(
            site_id=demo["plant"],
            organisation_id=demo["gas_supplier"],
            name="备用液氩储罐",
            fluid="Ar",
            orientation="vertical",
            volume_m3=Decimal("2"),
            diameter_m=Decimal("1.2"),
            liquid_density_kg_m3=Decimal("1395"),
        )
        session.add(spare)
        session.flush()
        spare_id = spare.id
    runtime = serving(client)
    readings = telemetry(clock.now(), 12 * 4, leak_after=12)
    clock.set(readings[-1].ts)
    runtime.engine.submit(readings)

    supplier = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["gas_supplier"])
    listed = client.get("/api/tanks", headers=supplier).json()
    assert [t["id"] for t in listed] == [demo["ln2_tank"], spare_id]  # the leaking one first
    assert listed[0]["detector"]["leak_alarm_active"] is True
    assert listed[1]["level_quality"] == "unknown" and listed[1]["level_mm"] is None
    operator = login_as(Role.SAFETY_OFFICER, organisation_id=demo["sublessor"])
    assert [t["id"] for t in client.get("/api/tanks", headers=operator).json()] == [
        demo["ln2_tank"]
    ]
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])  # its room is fed
    assert [t["id"] for t in client.get("/api/tanks", headers=lab).json()] == [demo["ln2_tank"]]
    refused = client.put(
        f"/api/tanks/{demo['ln2_tank']}/leak-settings",
        headers=lab,
        json={"false_alarms_per_year": "2", "noise_mm": "3"},
    )
    assert refused.status_code == 403 and error_code(refused) == "tanks.not_your_tank"
    other = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get("/api/tanks", headers=other).json() == []


def test_dished_heads_change_mass_and_fill_and_impossible_heads_are_refused(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = with_level_point(context)
    runtime = serving(client)
    runtime.engine.submit([ReadingIn("LT-LN2", clock.now(), 300.0, "mm")])  # in the bottom head
    runtime.engine.flush()
    admin = login_as(Role.PLATFORM_ADMIN)
    tank_url = f"/api/registry/tanks/{demo['ln2_tank']}"
    flat = client.get(f"/api/tanks/{demo['ln2_tank']}", headers=admin).json()
    changed = client.patch(tank_url, json={"heads": "ellipsoidal_2_1"}, headers=admin)
    assert changed.status_code == 200, changed.text
    dished = client.get(f"/api/tanks/{demo['ln2_tank']}", headers=admin).json()
    expected = TankGeometry(4.99, 1.7, heads=HeadShape.ELLIPSOIDAL_2_1)
    assert flat["volume_m3"] == pytest.approx(TankGeometry(4.99, 1.7).volume_at(300.0), abs=5e-4)
    assert dished["volume_m3"] == pytest.approx(expected.volume_at(300.0), abs=5e-4)
    assert dished["mass_kg"] < 0.6 * flat["mass_kg"]  # 300 mm up a 425 mm deep head
    assert dished["fill_fraction"] == pytest.approx(expected.volume_at(300.0) / 4.99, abs=5e-5)

    refused = client.patch(  # a 3 m bore: two hemispheres alone hold 14.1 m³
        tank_url, json={"diameter_m": "3", "heads": "hemispherical"}, headers=admin
    )
    assert refused.status_code == 422
    assert error_code(refused) == "registry.tank_heads_exceed_volume"
    kept = client.get(tank_url, headers=admin).json()
    assert (kept["diameter_m"], kept["heads"]) == ("1.7", "ellipsoidal_2_1")


def test_the_status_shows_the_gauges_newest_level_not_only_the_stored_one(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = with_level_point(context)
    runtime = serving(client)
    runtime.engine.submit([ReadingIn("LT-LN2", clock.now(), 1000.0, "mm")])
    clock.advance(timedelta(seconds=30))
    runtime.engine.submit([ReadingIn("LT-LN2", clock.now(), 1001.0, "mm")])  # not stored:
    runtime.engine.flush()  # 1 mm is inside the point's 2.5 mm storage deviation
    admin = login_as(Role.PLATFORM_ADMIN)
    shown = client.get(f"/api/tanks/{demo['ln2_tank']}", headers=admin).json()
    assert shown["level_mm"] == 1001.0
    assert datetime.fromisoformat(shown["level_at"]) == clock.now()
    listed = client.get("/api/tanks", headers=admin).json()
    assert listed[0]["level_mm"] == 1001.0


def week_of_levels(
    t0: datetime, days: int, leak: tuple[datetime, datetime] | None = None, seed: int = 3
) -> list[ReadingIn]:
    """5-min levels from 2000 mm with 1 mm noise: 4 mm/h in working hours (Mon–Fri 08–18),
    2 mm/h otherwise, and optionally the 2·7 leak between two times."""
    rng = random.Random(seed)
    level, readings = 2000.0, []
    for step in range(1, days * 288 + 1):
        at = t0 + timedelta(minutes=5 * step)
        working = at.weekday() < 5 and 8 <= at.hour < 18
        level -= (4.0 if working else 2.0) * 5 / 60
        if leak is not None and leak[0] < at <= leak[1]:
            level -= LEAK_MM_H * 5 / 60
        readings.append(ReadingIn("LT-LN2", at, round(level + rng.gauss(0.0, 1.0), 1), "mm"))
    return readings


def test_the_profile_is_learned_again_on_schedule_without_the_leaks(
    context: Context, clock: ManualClock
) -> None:
    """A tank that started without history (the contracted draw) gets the weekly profile of
    its own levels once a full week is stored, at the first tick at least
    ``tank_profile_relearn_hours`` (24) after the last learning; the two hours of a leak that
    was found and reset are left out (before, the profile was learned once, when the tank had
    no saved state, and the contract stayed forever)."""
    demo = with_level_point(context)
    t0 = clock.now()
    night = (t0 + timedelta(days=2)).replace(hour=2, minute=0, second=0, microsecond=0)
    readings = week_of_levels(t0, 8, leak=(night, night + timedelta(hours=2)))
    runtime = EngineRuntime(context)
    tanks = runtime.tanks
    for n, reading in enumerate(readings):
        clock.set(reading.ts)
        runtime.engine.submit([reading])
        if reading.ts == night + timedelta(hours=3):  # a person found the leak, reset it
            assert tanks.reset(demo["ln2_tank"], SYSTEM, "hose clamped", reading.ts) == 1
        # A tick every 3 h: each runs every watch, which at hourly ticks was most of the
        # test's time on PostgreSQL; the relearning it checks is due daily.
        if n % 36 == 0:
            runtime.engine.tick()
        live = tanks._tanks[demo["ln2_tank"]]
        if reading.ts - t0 < timedelta(days=7):  # not a full week: contract by default
            assert live.detector.profile.default == pytest.approx(NORMAL_MM_H, abs=0.01)
    runtime.engine.tick()
    live = tanks._tanks[demo["ln2_tank"]]
    profile = live.detector.profile
    assert live.profile_learned_at is not None
    assert readings[-1].ts - live.profile_learned_at < timedelta(hours=24)
    assert len(profile.by_hour) >= FULL_WEEK - 3  # the leak's hours have no other week
    assert profile.noise_mm == pytest.approx(1.0, rel=0.3)
    working = [profile.by_hour[day * 24 + hour] for day in range(5) for hour in range(8, 18)]
    assert statistics.mean(working) == pytest.approx(4.0, abs=0.3)  # each slot ±1 (noise)
    for hour in (night, night + timedelta(hours=1)):
        assert profile.expected(hour) < 5.0, hour  # not the leak's 33 mm/h
    runtime.stop()


def test_a_saved_detector_is_the_detector_it_was(context: Context, clock: ManualClock) -> None:
    """Profile (slots, default, uncertainty, noise), tuning, CUSUM, block and fit: the
    detector a new process resumes is equal to the one saved (the profile's uncertainty was
    not saved, and one delay moved from 1.65 h to 0.90 h across a restart)."""
    demo = with_level_point(context)
    t0 = clock.now()
    readings = week_of_levels(t0, 15)  # two weeks: a slot's spread gives its uncertainty
    leak_from = readings[-1].ts
    leak = week_of_levels(leak_from, 1, seed=5)[:4]
    first = EngineRuntime(context)
    for reading in readings:
        clock.set(reading.ts)
        first.engine.submit([reading])
    first.engine.tick()  # learns the week's profile
    level = readings[-1].value or 0.0
    for n, reading in enumerate(leak, start=1):
        clock.set(reading.ts)
        first.engine.submit([ReadingIn("LT-LN2", reading.ts, level - 12.0 * n, "mm")])
    clock.advance(timedelta(minutes=2))
    first.engine.tick()
    live = first.tanks._tanks[demo["ln2_tank"]]
    before = live.detector.to_dict()
    assert live.detector.profile.uncertainty > 0 and live.detector.cusum > 0
    assert len(live.detector.fit) > 1
    first.stop()
    second = EngineRuntime(context)
    resumed = second.tanks._live(demo["ln2_tank"])
    assert resumed is not None
    assert resumed.detector.to_dict() == before
    assert resumed.profile_learned_at == live.profile_learned_at
    second.stop()


def test_a_state_saved_in_the_first_format_still_resumes(
    context: Context, clock: ManualClock
) -> None:
    """A ``tank_state`` written before the whole detector was saved (flat keys) resumes its
    CUSUM, last sample, anchor and latch: the leak alarm comes when it would have."""
    with_level_point(context)
    readings = telemetry(clock.now(), 12 * 4, leak_after=12)
    expected = first_alarm(readings)
    first = EngineRuntime(context)
    before = [r for r in readings if r.ts < expected - timedelta(minutes=10)]
    for reading in before:
        clock.set(reading.ts)
        first.engine.submit([reading])
    first.engine.tick()
    first.stop()
    with context.unit_of_work() as session:
        stored = session.scalars(select(TankState)).one()
        saved = stored.detector["leak_detector"]
        stored.detector = {
            "profile": saved["profile"]["by_hour"],
            "default_mm_h": saved["profile"]["default"],
            "cusum": saved["cusum"],
            "last_at": saved["last"][0],
            "last_mm": saved["last"][1],
            "anchor_at": saved["anchor"][0],
            "anchor_mm": saved["anchor"][1],
            "alarmed_at": None,
            "onset_steps": 0,
            "excess_mm": stored.detector["excess_mm"],
        }
    second = EngineRuntime(context)
    for reading in readings[len(before) :]:
        clock.set(reading.ts)
        second.engine.submit([reading])
    leaks = leak_alarms(context)
    assert leaks and leaks[0].raised_at == expected
    second.stop()
