"""Modelled O2 in the 2·7 room as it was (no detector): the tank's excess draw or a flow
meter drives the room model, the modelled point alarms and the door refuses entry; an
interlocked exhaust counts once its start is confirmed; a restart resumes the room."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.access import service as access
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.schemas import PointIn
from hazwatch.physics.room import no_ventilation
from hazwatch.registry.choices import VentilationType
from hazwatch.registry.demo import DemoIds, load_demo
from hazwatch.registry.models import Room


def setup(context: Context, level_interval_s: int = 300) -> DemoIds:
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
                expected_interval_s=level_interval_s,
            ),
        )
        service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                room_id=demo["dry_room_1"],
                code="O2M-DRY1",
                kind=PointKind.O2_MODELLED,
                expected_interval_s=120,
            ),
        )
    return demo


@pytest.mark.parametrize("interval_s", [300, 15])
def test_modelled_oxygen_follows_the_tank_and_closes_the_door(
    context: Context, clock: ManualClock, interval_s: int
) -> None:
    """A gauge faster than the detector's minute (15 s) gives the same room: samples the
    detector skips put no excess in the room."""
    setup(context, interval_s)
    runtime = EngineRuntime(context)
    engine = runtime.engine
    t0, level = clock.now(), 2000.0
    for step in range(1, 90 * 60 // interval_s + 1):  # 90 min: 30 normal, then the 2·7 leak
        clock.set(t0 + timedelta(seconds=interval_s * step))
        leaking = step * interval_s > 30 * 60
        level -= (3.04 + (30.9 if leaking else 0.0)) * interval_s / 3600
        engine.submit([ReadingIn("LT-LN2", clock.now(), level, "mm")])
        engine.tick()
    quality, value, conditions = engine.point_facts(
        next(p.id for p in engine.points() if p.code == "O2M-DRY1")
    )
    # 60 min of the 2·7 leak (48.5 m³/h of nitrogen) into 83.1 m³: 20.9·e^(−48.53/83.12) =
    # 11.66 % in a perfect model; once the leak is detected the whole excess since its
    # onset is put in the room; the 15 s gauge's excess arrives at the ends of its 5 min
    # blocks, so its model may trail by up to a block (12.55 % measured)
    assert quality == "good" and value is not None and 11.2 < value < 12.8
    assert "low" in conditions and "low_low" in conditions
    with context.unit_of_work() as session:
        decision = access.check(
            session, door_code="LAB-ENTRANCE", person="worker", purpose="work", now=clock.now()
        )
    o2_reasons = [r for r in decision.reasons if r["code"] == "access.reason.o2_alarm"]
    assert not decision.allowed and o2_reasons and o2_reasons[0]["params"]["modelled"] is True


def test_without_fresh_tank_data_the_modelled_value_is_unknown(
    context: Context, clock: ManualClock
) -> None:
    setup(context)
    runtime = EngineRuntime(context)
    runtime.engine.submit([ReadingIn("LT-LN2", clock.now(), 2000.0, "mm")])
    clock.advance(timedelta(minutes=20))  # the tank gauge went quiet
    runtime.engine.tick()
    point = next(p.id for p in runtime.engine.points() if p.code == "O2M-DRY1")
    quality, value, _conditions = runtime.engine.point_facts(point)
    assert quality == "fault" and value is None


def add_flow_meter(context: Context, demo: DemoIds) -> None:
    with context.unit_of_work() as session:
        service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                room_id=demo["dry_room_1"],
                code="FT-DRY1",
                kind=PointKind.FLOW,
                expected_interval_s=600,
            ),
        )


def run_flow(runtime: EngineRuntime, clock: ManualClock, minutes: int, flow: float) -> float:
    """Feed the room's flow meter and tick every 5 min; the modelled O2 at the end (%)."""
    for _ in range(minutes // 5):
        clock.advance(timedelta(minutes=5))
        runtime.engine.submit([ReadingIn("FT-DRY1", clock.now(), flow, "m³/h")])
        runtime.engine.tick()
    point = next(p.id for p in runtime.engine.points() if p.code == "O2M-DRY1")
    quality, value, _ = runtime.engine.point_facts(point)
    assert quality == "good" and value is not None
    return value


def test_a_flow_meter_drives_the_exact_well_mixed_model(
    context: Context, clock: ManualClock
) -> None:
    demo = setup(context)
    add_flow_meter(context, demo)
    runtime = EngineRuntime(context)
    runtime.engine.submit([ReadingIn("FT-DRY1", clock.now(), 48.9, "m³/h")])
    runtime.engine.tick()  # the model starts here, from fresh air
    volume = 7.33 * 4.05 * 2.8
    # sealed room, R = 48.9 m³/h for 1 h: C0·e^(−R·t/V) = 11.62 % (DOMAIN §3, case C)
    assert abs(run_flow(runtime, clock, 60, 48.9) - no_ventilation(1.0, volume, 48.9) * 100) < 1e-3


def test_an_interlocked_exhaust_counts_only_once_its_start_is_confirmed(
    context: Context, clock: ManualClock
) -> None:
    demo = setup(context)
    add_flow_meter(context, demo)
    with context.unit_of_work() as session:
        room = session.get(Room, demo["dry_room_1"])
        assert room is not None
        room.ventilation_type = VentilationType.EXHAUST
        room.air_changes_per_hour = Decimal(10)
        room.ventilation_interlocked = True
        rule = InterlockRule(
            organisation_id=demo["lab"],
            site_id=demo["plant"],
            room_id=room.id,
            conditions=["low"],
            action="start_fan",
            device_code="FAN-DRY1",
        )
        session.add(rule)
    runtime = EngineRuntime(context)
    runtime.engine.submit([ReadingIn("FT-DRY1", clock.now(), 48.9, "m³/h")])
    runtime.engine.tick()
    unconfirmed = run_flow(runtime, clock, 30, 48.9)
    assert unconfirmed < 19.5  # the fan is not known to run: the room is sealed
    with context.unit_of_work() as session:
        session.add(
            InterlockCommand(
                rule_id=rule.id,
                alarm_id=0,
                organisation_id=demo["lab"],
                command_id="start-1",
                action="start_fan",
                device_code="FAN-DRY1",
                sent_at=clock.now(),
                deadline=clock.now() + timedelta(seconds=10),
                status="confirmed",
                confirmed_at=clock.now(),
            )
        )
    # 10 ACH (831 m³/h) against 48.9 m³/h: recovers to 19.67 % (DOMAIN §3)
    recovered = run_flow(runtime, clock, 60, 48.9)
    assert 19.5 < recovered < 19.7 and recovered > unconfirmed


def test_a_restart_resumes_the_modelled_room_instead_of_fresh_air(
    context: Context, clock: ManualClock
) -> None:
    demo = setup(context)
    add_flow_meter(context, demo)
    first = EngineRuntime(context)
    first.engine.submit([ReadingIn("FT-DRY1", clock.now(), 48.9, "m³/h")])
    first.engine.tick()
    before = run_flow(first, clock, 60, 48.9)
    first.engine.flush()
    first.stop()
    second = EngineRuntime(context)
    after = run_flow(second, clock, 5, 48.9)
    assert after < before < 19.5
